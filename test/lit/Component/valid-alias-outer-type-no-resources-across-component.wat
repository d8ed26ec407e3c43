;; Binary.md "Alias Definitions": an outer alias of a type across a component boundary may not
;; refer (transitively) to a resource type; across a type boundary it may.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: cannot alias outer type which transitively refers to resources not defined in the current component
(component $C
  (type $R (resource (rep i32)))
  (type $L (list (own $R)))
  (type (component (alias outer $C $L (type))))  ;; fine: a type boundary
  (component (alias outer $C $L (type))))        ;; refused: a component boundary
