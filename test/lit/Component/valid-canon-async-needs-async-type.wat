;; CanonicalABI.md "canonopt Validation": `async` is only allowed with an async function type.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: the `async` canonical option requires an async function type
(component
  (import "f" (func $f))
  (core func (canon lower (func $f) async)))
