;; Explainer.md: an interface name's version is a valid semver (or a canonical version).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: invalid interface version: invalid leading zero in version number
(component
  (import "wasi:http/types@0.2.0-rc.1+b.2" (instance))
  (import "wasi:cli/env@1" (instance))
  (import "a:b/c@01.0.0" (instance)))
