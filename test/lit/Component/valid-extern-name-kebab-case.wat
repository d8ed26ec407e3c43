;; Explainer.md "Import and Export Definitions": plain names are kebab-case labels, each
;; fragment all lowercase or all uppercase.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: import name `aBc` is not a valid extern name: `aBc` is not in kebab case
(component
  (import "a-B-1" (func))
  (import "aBc" (func)))
