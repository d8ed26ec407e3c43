;; Binary.md "Alias Definitions": an export alias names an export of the instance, of the sort
;; it says.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: export `f` for instance 0 is not a component
(component
  (import "i" (instance $i (export "f" (func))))
  (alias export $i "f" (component)))
