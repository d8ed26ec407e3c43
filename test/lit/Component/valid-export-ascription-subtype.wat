;; Binary.md "Import and Export Definitions": an ascribed export type must be a supertype of the
;; item's type (an instance may forget exports, not gain them).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: ascribed type of export is not compatible with item's type: missing expected export `f`
(component
  (import "i" (instance $i))
  (export "j" (instance $i) (instance (export "f" (func)))))
