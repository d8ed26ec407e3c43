;; CanonicalABI.md "canon resource.rep": the resource must be defined by this component, not
;; imported (resource.drop accepts either).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type 0 is not a local resource
(component
  (import "r" (type $r (sub resource)))
  (core func (canon resource.drop $r))
  (core func (canon resource.rep $r)))
