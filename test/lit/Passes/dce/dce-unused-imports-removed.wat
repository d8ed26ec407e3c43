;; Imports nothing live uses are removed; the rest keep their order.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (import "env" "b" (func $b
;; CHECK-NOT: (import
;; CHECK: call $b
(module
  (import "env" "a" (func $a))
  (import "env" "b" (func $b))
  (import "env" "g" (global $g i32))
  (import "env" "m" (memory 1))
  (func (export "f") call $b))
