;; Popping from an empty frame in reachable code is a type mismatch, even when the enclosing
;; block has values below its own frame.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in i32.eqz: expected i32, found nothing (the stack of this block is empty)
(module
  (func (result i32)
    i32.const 1
    block (result i32)
      i32.eqz
    end
    i32.add))
