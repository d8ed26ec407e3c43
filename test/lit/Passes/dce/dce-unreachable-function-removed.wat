;; Functions reachable from exports survive, in order; the rest are removed and calls are
;; renumbered.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (func $used
;; CHECK: (func $main
;; CHECK-NEXT: call $used
;; CHECK-NOT: $unused
;; CHECK: (export "main" (func $main))
(module
  (func $unused (result i32) i32.const 1)
  (func $used (result i32) i32.const 2)
  (func $also_unused call $unused drop)
  (func $main (export "main") (result i32) call $used))
