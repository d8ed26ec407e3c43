;; drop-realloc keeps the ABI exports the outer boundary needs and says why; an export nobody
;; can use goes (here the post-return of `add`, whose body is empty), and dce then removes what
;; only it kept alive.  `count` takes a string: its memory and realloc stay, and so does its
;; post-return, which has code.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc %t.wasm -passes=resolve,adapter,drop-realloc,dce --verify-each --explain -S -o %t.wat 2>%t.explain
;; RUN: FileCheck %s < %t.wat
;; RUN: FileCheck %s --check-prefix=EXPLAIN < %t.explain
;; RUN: %meldc %t.wasm -passes=resolve,adapter,dce -S -o - | FileCheck %s --check-prefix=WITHOUT
;; RUN: %meldc %t.wasm -passes=resolve,adapter,drop-realloc,dce -o %t.out.wasm --emit-abi=%t.json
;; RUN: FileCheck %s --check-prefix=ABI < %t.json
;; CHECK:     (export "add" (func
;; CHECK:     (export "count" (func
;; CHECK:     (export "memory" (memory 0))
;; CHECK:     (export "cabi_realloc" (func
;; CHECK:     (export "cabi_post_count" (func
;; CHECK-NOT: cabi_post_add
;; EXPLAIN: explain: drop-realloc: removed export "cabi_post_add": nothing on the outer boundary needs it
;; EXPLAIN: explain: drop-realloc: kept export "memory": count: its arguments or results go through this memory
;; EXPLAIN: explain: drop-realloc: kept export "cabi_realloc": count: the host writes its strings or lists into the callee's memory through this realloc
;; EXPLAIN: explain: drop-realloc: kept export "cabi_post_count": count: the host calls this post-return after each call (it has code)
;; WITHOUT:   (export "cabi_post_add" (func
;; ABI:       {"core": "add",
;; ABI:       "post_return": null,
;; ABI:       {"core": "count",
;; ABI:       "memory": "memory", "realloc": "cabi_realloc", "post_return": "cabi_post_count",
(component
  (core module $m
    (memory (export "memory") 1)
    (global $freed (mut i32) (i32.const 0))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "post-add") (param i32))
    (func (export "count") (param i32 i32) (result i32) (local.get 1))
    (func (export "post-count") (param i32) (global.set $freed (i32.const 1))))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add") (memory (core memory $i "memory"))
                (realloc (core func $i "realloc")) (post-return (core func $i "post-add"))))
  (func (export "count") (param "s" string) (result u32)
    (canon lift (core func $i "count") (memory (core memory $i "memory"))
                (realloc (core func $i "realloc")) (post-return (core func $i "post-count")))))
