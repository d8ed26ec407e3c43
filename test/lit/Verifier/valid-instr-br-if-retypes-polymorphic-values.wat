;; br_if pops its label's values and pushes them back with the label's types, so after
;; `unreachable` the values it leaves are typed.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in f32.neg: expected f32, found i32
(module
  (func (result i32)
    block (result i32)
      unreachable
      i32.const 1
      br_if 0
      f32.neg
      drop
      i32.const 0
    end))
