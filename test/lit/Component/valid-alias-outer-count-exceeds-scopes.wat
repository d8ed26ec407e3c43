;; Binary.md "Alias Definitions": an outer alias count must not exceed the number of enclosing
;; scopes (components, component types and instance types).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: invalid outer alias count of 2
(component
  (type $t u8)
  (component
    (alias outer 2 0 (type $a))))
