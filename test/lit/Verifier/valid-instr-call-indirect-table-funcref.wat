;; call_indirect needs a table of funcref.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in call_indirect: table 0 holds externref, not funcref
(module
  (type $v (func))
  (table 1 externref)
  (func
    i32.const 0
    call_indirect (type $v)))
