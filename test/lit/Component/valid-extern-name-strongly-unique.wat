;; Explainer.md "Name Uniqueness": names must be strongly-unique: compared after lowercasing, and
;; `[method]a.a` / `[static]a.a` equal `a`.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: import name `[static]a.a` conflicts with previous name `a`
(component
  (import "a" (type $a (sub resource)))
  (import "[constructor]a" (func (result (own $a))))
  (import "[static]a.a" (func)))
