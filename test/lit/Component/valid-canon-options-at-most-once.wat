;; CanonicalABI.md "canonopt Validation": each option at most once; string encodings conflict.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: canonical encoding option `utf16` conflicts with option `latin1-utf16`
(component
  (import "f" (func $f))
  (core func (canon lower (func $f) string-encoding=utf16 string-encoding=latin1+utf16)))
