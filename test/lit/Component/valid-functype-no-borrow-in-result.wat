;; Binary.md: function results may not contain `borrow`, however deep.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: function result cannot contain a `borrow` type
(component
  (type $R (resource (rep i32)))
  (type $rec (record (field "b" (borrow $R))))
  (type (func (param "ok" $rec)))
  (type (func (result (list $rec)))))
