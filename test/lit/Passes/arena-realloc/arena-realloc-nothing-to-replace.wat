;; An all-scalar outer boundary needs no realloc (drop-realloc clears it from the fusion record):
;; arena-realloc changes nothing and says so; the memory keeps its size.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc %t.wasm '-passes=resolve,adapter,drop-realloc,grow-to-bump,arena-realloc<bytes=64>' --verify-each --explain -o %t.out.wasm 2>&1 | FileCheck %s
;; RUN: wasm2wat %t.out.wasm | FileCheck %s --check-prefix=WAT
;; CHECK: explain: arena-realloc: the host calls no realloc: nothing to replace
;; WAT: (memory (;0;) 1 1)
;; WAT-NOT: memory.copy
(component
  (core module $m
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add") (memory (core memory $i "memory"))
                (realloc (core func $i "realloc")))))
