;; Binary.md "Import and Export Definitions" (🏷️): `implements` only on instance-typed items with
;; plain names, and its value must be an interface name.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: only instances can have an `implements`
(component
  (import "primary" (implements "wasi:keyvalue/store") (instance))
  (import "f" (implements "wasi:keyvalue/store") (func)))
