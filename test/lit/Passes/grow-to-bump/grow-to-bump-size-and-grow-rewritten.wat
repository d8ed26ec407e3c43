;; memory.size becomes a read of the page counter, memory.grow a call to the per-memory helper;
;; the memory becomes static at its declared maximum (16 pages <= 256), the counter starts at
;; the declared minimum.  A body without memory.size/grow is written back unchanged.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=grow-to-bump --verify-each %t.wasm -o %t.out.wasm
;; RUN: wasm-validate %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (func $size (type {{[0-9]+}}) (result i32)
;; CHECK-NEXT: global.get $grow-to-bump.pages.0)
;; CHECK: (func $grow (type {{[0-9]+}}) (param i32) (result i32)
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: call $grow-to-bump.grow.0)
;; CHECK: (func $untouched (type {{[0-9]+}}) (result i32)
;; CHECK-NEXT: i32.const 7)
;; CHECK: (func $grow-to-bump.grow.0 (type {{[0-9]+}}) (param i32) (result i32)
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: i32.const 16
;; CHECK-NEXT: global.get $grow-to-bump.pages.0
;; CHECK-NEXT: i32.sub
;; CHECK-NEXT: i32.gt_u
;; CHECK-NEXT: if
;; CHECK-NEXT: i32.const -1
;; CHECK-NEXT: return
;; CHECK-NEXT: end
;; CHECK-NEXT: global.get $grow-to-bump.pages.0
;; CHECK-NEXT: global.get $grow-to-bump.pages.0
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: i32.add
;; CHECK-NEXT: global.set $grow-to-bump.pages.0)
;; CHECK: (memory (;0;) 16 16)
;; CHECK: (global $grow-to-bump.pages.0 (mut i32) (i32.const 2))
;; CHECK-NOT: memory.grow
;; CHECK-NOT: memory.size
(module
  (memory 2 16)
  (func $size (export "size") (result i32) memory.size)
  (func $grow (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func $untouched (export "untouched") (result i32) i32.const 7))
