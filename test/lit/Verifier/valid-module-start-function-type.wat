;; The start function must have type [] -> [].
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: start function 0 must have type [] -> [], found [i32] -> []
(module
  (func (param i32))
  (start 0))
