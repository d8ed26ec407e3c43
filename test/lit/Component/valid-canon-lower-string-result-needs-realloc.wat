;; CanonicalABI.md "canon lower": lifting a string result into the caller needs `realloc`.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: canonical option `realloc` is required
(component
  (import "get" (func $get (result string)))
  (core module $M (memory (export "m") 1))
  (core instance $i (instantiate $M))
  (core func (canon lower (func $get) (memory (core memory $i "m")))))
