;; Atomics and SIMD lane accesses take the window base in their memarg offset like any load or
;; store (the base is page-aligned, so natural alignment is kept); with checks, their operands of
;; every type are saved to locals around the bounds check.
;; RUN: wat2wasm --enable-multi-memory --enable-threads %s -o %t.wasm
;; RUN: %meldc -passes=rebase %t.wasm -o %t.out.wasm --verify-each
;; RUN: wasm2wat --enable-threads %t.out.wasm | FileCheck %s
;; RUN: %meldc -passes='rebase<checks>' %t.wasm -o %t.checked.wasm --verify-each
;; RUN: wasm2wat --enable-threads %t.checked.wasm | FileCheck --check-prefix=CHECKS %s
;; CHECK: v128.load32_lane offset=65540 2
;; CHECK-NEXT: v128.store8_lane offset=65536 15
;; CHECK: memory.atomic.wait64 offset=65536
;; CHECK: i64.atomic.rmw.cmpxchg offset=65544
;; CHECK: (memory (;0;) 2 2)
;; CHECKS:      i64.const 2
;; CHECKS-NEXT: local.set [[R:[0-9]+]]
;; CHECKS-NEXT: local.set [[E:[0-9]+]]
;; CHECKS-NEXT: local.set [[A:[0-9]+]]
;; CHECKS-NEXT: local.get [[A]]
;; CHECKS-NEXT: i64.extend_i32_u
;; CHECKS-NEXT: i64.const 16
;; CHECKS-NEXT: i64.add
;; CHECKS-NEXT: i64.const 65536
;; CHECKS-NEXT: i64.gt_u
;; CHECKS-NEXT: if
;; CHECKS-NEXT: i32.const -1
;; CHECKS-NEXT: i32.load
;; CHECKS-NEXT: drop
;; CHECKS-NEXT: end
;; CHECKS-NEXT: local.get [[A]]
;; CHECKS-NEXT: local.get [[E]]
;; CHECKS-NEXT: local.get [[R]]
;; CHECKS-NEXT: i64.atomic.rmw.cmpxchg offset=65544
(module
  (memory $a 1 1)
  (memory $b 1 1)
  (func (export "f") (param i32 v128) (result i64)
    (v128.store8_lane 1 15 (local.get 0)
      (v128.load32_lane 1 offset=4 2 (local.get 0) (local.get 1)))
    (drop (memory.atomic.wait64 1 (local.get 0) (i64.const 0) (i64.const 0)))
    (i64.atomic.rmw.cmpxchg 1 offset=8 (local.get 0) (i64.const 1) (i64.const 2))))
