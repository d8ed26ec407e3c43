;; An active element segment's type must equal its table's element type, and its items must
;; be constant expressions of that type.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in element segment 0: segment of funcref for table 0 of externref
;; CHECK: error: type mismatch in item 1 of element segment 1: expected [externref], found [funcref]
(module
  (table 2 externref)
  (func $f)
  (elem (table 0) (i32.const 0) funcref (ref.func $f))
  (elem (table 0) (i32.const 1) externref (ref.null extern) (ref.null func)))
