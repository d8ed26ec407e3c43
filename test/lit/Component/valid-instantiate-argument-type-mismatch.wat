;; Instantiation arguments are type-checked against the imports (function types must match,
;; parameter names included), with the path to the mismatch in the message.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch for import `f`: type mismatch in function parameter `x`: expected primitive `u32` found primitive `s32`
(component
  (import "f" (func $f (param "x" s32)))
  (component $C (import "f" (func (param "x" u32))))
  (instance (instantiate $C (with "f" (func $f)))))
