;; Globals are live through global.get/set and through other globals' initializers.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s --implicit-check-not=unused
;; CHECK: (import "env" "base" (global $base i32))
;; CHECK: global.get $derived
;; CHECK: (global $derived i32 (global.get $base))
(module
  (import "env" "base" (global $base i32))
  (global $unused i32 (i32.const 7))
  (global $derived i32 (global.get $base))
  (func (export "f") (result i32) global.get $derived))
