;; At `end`, a block must leave exactly its result types above its frame.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in end: block must leave [i32] on the stack, found [f32]
(module
  (func (result i32)
    block (result i32)
      f32.const 0
    end))
