;; Binary.md "Type Definitions": labels are strongly-unique in their scope (case-insensitive).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: record field name `A-b` conflicts with previous field name `a-B`
(component
  (type (record (field "a-B" u8) (field "A-b" u8))))
