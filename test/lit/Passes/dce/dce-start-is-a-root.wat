;; The start function and what it calls are live even with no exports.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (func $helper
;; CHECK: (func $init
;; CHECK-NOT: $dead
;; CHECK: (start $init)
(module
  (global $counter (mut i32) (i32.const 0))
  (func $dead)
  (func $helper (global.set $counter (i32.const 1)))
  (func $init call $helper)
  (start $init))
