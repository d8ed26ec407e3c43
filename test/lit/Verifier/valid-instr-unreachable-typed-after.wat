;; A value pushed after `unreachable` keeps its type.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in i32.add: expected i32, found f32
(module
  (func (result i32)
    unreachable
    f32.const 0
    i32.add))
