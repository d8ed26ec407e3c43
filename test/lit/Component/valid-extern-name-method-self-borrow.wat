;; Binary.md: a `[method]r.m` function takes `(param "self" (borrow $r))` first, where $r is the
;; resource imported (or exported) under the name `r` in the same scope.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: function should take a first argument of `(borrow $T)`
(component
  (import "r" (type $r (sub resource)))
  (import "[method]r.ok" (func (param "self" (borrow $r))))
  (import "[method]r.bad" (func (param "self" (own $r)))))
