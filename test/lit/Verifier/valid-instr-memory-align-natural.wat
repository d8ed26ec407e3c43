;; The alignment hint of a memory access must not exceed its natural alignment.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: alignment must not be larger than natural in i32.load16_u: 2^2 > 2 bytes
(module
  (memory 1)
  (func (result i32)
    i32.const 0
    i32.load16_u align=4))
