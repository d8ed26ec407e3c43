;; `else` ends the then branch, which must leave the if's results.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in else: if (then branch) must leave [i32] on the stack, found [i64]
(module
  (func (param i32) (result i32)
    local.get 0
    if (result i32)
      i64.const 1
    else
      i32.const 2
    end))
