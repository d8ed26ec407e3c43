;; Explainer.md "Type Checking": resource definitions are generative; each instantiation of a
;; component exporting a resource makes a fresh resource type.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch for import `b`: resource types are not the same
(component
  (component $C
    (type $r (resource (rep i32)))
    (export "r" (type $r)))
  (instance $c1 (instantiate $C))
  (instance $c2 (instantiate $C))
  (component $eq
    (import "a" (type $a (sub resource)))
    (import "b" (type (eq $a))))
  (instance (instantiate $eq (with "a" (type $c1 "r")) (with "b" (type $c2 "r")))))
