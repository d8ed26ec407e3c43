;; wasm-tools and wac name component imports `unlocked-dep=<ns:pkg>` (and `locked-dep=`, `url=`,
;; `integrity=`); meldc accepts them as import names but, like wasm-tools, not as export names.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: name `unlocked-dep=<test:foo>` is not a valid export name
(component
  (import "unlocked-dep=<test:foo>" (component $c))
  (export "unlocked-dep=<test:foo>" (component $c)))
