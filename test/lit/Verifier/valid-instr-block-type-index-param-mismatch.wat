;; The parameters of a type-index block type are popped with their types.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in block: expected i64, found f32
(module
  (type $t (func (param i32 i64) (result i32)))
  (func (result i32)
    i32.const 1
    f32.const 2
    block (type $t)
      drop
    end))
