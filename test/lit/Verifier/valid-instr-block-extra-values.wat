;; Values left over at the end of a block are an error as well.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in end: the function body must leave [] on the stack, found [i32 i64]
(module
  (func
    i32.const 1
    i64.const 2))
