;; Binary.md: every defvaltype t must have elem_size(t, 'i64') < 2^28 (CanonicalABI.md
;; "Element Size"); 2^25 strings of 16 bytes (i64 pointers) is 2^29.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type exceeds maximum byte size: elem_size(t, 'i64') must be less than 2^28
(component
  (type (list string 16777215))
  (type (list string 33554432)))
