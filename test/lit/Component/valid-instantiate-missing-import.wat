;; Binary.md "Instance Definitions": instantiation must supply every import by name.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: missing import named `needed`
(component
  (component $C (import "needed" (func)))
  (instance (instantiate $C)))
