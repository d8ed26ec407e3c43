;; multi-memory: the memory index of an access and of a data segment must exist.
;; RUN: wat2wasm --enable-multi-memory --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: data segment 0: unknown memory 2 (the module has 2)
;; CHECK: error: unknown memory 3 in i32.load (the module has 2)
(module
  (memory 1)
  (memory 1)
  (data (memory 2) (i32.const 0) "x")
  (func (result i32)
    i32.const 0
    i32.load 3))
