;; Every function is checked: each gets its first stack error; typing of a function stops at
;; its first stack error (no cascades), while its later immediate errors are still reported.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in i64.add: expected i64, found i32
;; CHECK-NEXT: error: alignment must not be larger than natural in i32.load8_u: 2^1 > 1 bytes
;; CHECK-NEXT: error: type mismatch in f32.neg: expected f32, found nothing
;; CHECK-NOT: error:
(module
  (memory 1)
  (func (result i32)
    i32.const 1
    i64.const 2
    i64.add
    f64.neg
    i32.const 0
    i32.load8_u align=2)
  (func
    f32.neg
    drop))
