;; Explainer.md "External Visibility of Types": an exported function may only mention records
;; (and variants, enums, flags, resources) that are themselves exported first.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: func not valid to be used as export
(component
  (core module $m (func (export "f") (result i32) unreachable))
  (core instance $i (instantiate $m))
  (type $rec (record (field "x" u32)))
  (func $f (result $rec) (canon lift (core func $i "f")))
  (export "f" (func $f)))
