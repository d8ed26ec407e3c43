;; CanonicalABI.md "canonopt Validation": lowering a function whose parameter contains a string
;; needs a `memory` option (lower(T) requires memory if T contains a list or string).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: canonical option `memory` is required
(component
  (import "log" (func $log (param "m" string)))
  (core func (canon lower (func $log))))
