;; An `if` without `else` behaves as if its else branch were empty, so its parameter and
;; result types must be equal.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in if without else: the missing else branch must turn [] into [i32]
(module
  (func (param i32) (result i32)
    local.get 0
    if (result i32)
      i32.const 1
    end))
