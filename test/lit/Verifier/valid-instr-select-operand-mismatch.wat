;; Both operands of `select` must have one type.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in select: operands have different types (i32, i64)
(module
  (func (result i32)
    i32.const 1
    i64.const 2
    i32.const 0
    select))
