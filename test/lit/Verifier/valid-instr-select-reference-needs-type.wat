;; `select` without a type immediate only takes numeric or vector operands; references need
;; `select (result t)`.
;; RUN: split-file %s %t
;; RUN: wat2wasm --no-check %t/bad.wat -o %t/bad.wasm
;; RUN: not %meldc --disable-output %t/bad.wasm 2>&1 | FileCheck %s
;; RUN: wat2wasm %t/good.wat -o %t/good.wasm
;; RUN: %meldc --disable-output %t/good.wasm 2>&1 | count 0
;; CHECK: error: type mismatch in select: operands of reference type (funcref, funcref) need a typed select
;--- bad.wat
(module
  (func (result funcref)
    ref.null func
    ref.null func
    i32.const 1
    select))
;--- good.wat
(module
  (func (result funcref)
    ref.null func
    ref.null func
    i32.const 1
    select (result funcref))
  (func (result v128)
    v128.const i64x2 0 0
    v128.const i64x2 1 1
    i32.const 0
    select))
