;; Every index is checked against its index space as it is at the point of use (definitions
;; are incremental: a later definition is not yet visible).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: .wasm:0x{{[0-9a-f]+}}: error: unknown function 1: function index out of bounds
(component
  (import "f" (func $f))
  (instance (export "g" (func 1)))
  (import "g" (func)))
