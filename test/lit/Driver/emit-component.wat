;; --emit=component wraps the fused core module back into a component with the program's
;; WIT-level imports and exports: the host import is imported as its interface again and lowered
;; (through a shim table, since the fused module must be instantiated before its memory exists)
;; with the caller's options; the export is lifted with the callee's.  The fused module keeps
;; only what that needs (its private cabi_realloc is gone: nothing lowers into it).  Fusing the
;; wrapped component again gives the same bytes.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=component -o %t.out.wasm
;; RUN: %meldc -passes= --verify-each -S %t.out.wasm -o - | FileCheck %s
;; RUN: %meldc %t.out.wasm --emit=component -o %t.again.wasm
;; RUN: cmp %t.out.wasm %t.again.wasm
;; RUN: not %meldc -passes= %t.out.wasm --emit=component -o %t.none.wasm 2>&1 \
;; RUN:   | FileCheck %s --check-prefix=NONE
;; RUN: not ls %t.none.wasm
;; CHECK:      (import "test:log/sink" (instance (;0;) (type 0)))
;; CHECK:      (core module (;0;)
;; CHECK:        (import "test:log/sink" "write" (func (;0;) (type 0) (param i32 i32)))
;; CHECK-NOT:  realloc
;; CHECK:        (export "double" (func 1))
;; CHECK:        (export "memory" (memory 0))
;; CHECK:      (core instance (;2;) (instantiate 0 (with "test:log/sink" (instance 1))))
;; CHECK:      (core func (;1;) (canon lower (func 0) (memory 0)))
;; CHECK:      (func (;1;) (type 1) (canon lift (core func 2)))
;; CHECK-NEXT: (export (;2;) "double" (func 1))
;; NONE: error: --emit=component wraps a fused program back into a component, and nothing was fused: give components
(component
  (import "test:log/sink" (instance $log
    (export "write" (func (param "s" string)))))
  (alias export $log "write" (func $write))
  (core module $mem (memory (export "memory") 1)
    (global $h (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $h))
      (global.set $h (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mi (instantiate $mem))
  (core func $w (canon lower (func $write) (memory (core memory $mi "memory")) (realloc (core func $mi "realloc"))))
  (core module $m
    (import "log" "write" (func $w (param i32 i32)))
    (import "env" "memory" (memory 1))
    (data (i32.const 16) "hello")
    (func (export "greet") (param i32) (result i32)
      (call $w (i32.const 16) (i32.const 5))
      (i32.mul (local.get 0) (i32.const 2))))
  (core instance $i (instantiate $m (with "log" (instance (export "write" (func $w)))) (with "env" (instance $mi))))
  (func (export "double") (param "n" u32) (result u32) (canon lift (core func $i "greet"))))
