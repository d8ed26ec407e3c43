;; A table or memory nothing uses goes, with its active segments, when they provably fit
;; (a constant offset within the minimum size: no instantiation trap can be lost).
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (module
;; CHECK-NOT: (table
;; CHECK-NOT: (memory
;; CHECK-NOT: (elem
;; CHECK-NOT: (data
;; CHECK-NOT: $a
;; CHECK: (func $f
(module
  (func $a)
  (table 1 funcref)
  (elem (i32.const 0) $a)
  (memory 1)
  (data (i32.const 16) "hello")
  (func $f (export "f")))
