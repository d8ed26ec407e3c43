;; In reachable code every br_table target's types must match the operands.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in br_table: expected f32, found i32
(module
  (func (result i32)
    block (result i32)
      block (result f32)
        i32.const 7
        i32.const 1
        br_table 1 0 1
      end
      drop
      i32.const 0
    end))
