;; grow-fail=trap: growing past the reservation traps instead of returning -1.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -passes='grow-to-bump<grow-fail=trap>' --verify-each %t.wasm -o - | wasm2wat - | FileCheck %s
;; CHECK: (func (;1;) (type {{[0-9]+}}) (param i32) (result i32)
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: i32.const 4
;; CHECK-NEXT: global.get 0
;; CHECK-NEXT: i32.sub
;; CHECK-NEXT: i32.gt_u
;; CHECK-NEXT: if
;; CHECK-NEXT: unreachable
;; CHECK-NEXT: end
;; grow-fail=fail is the default, and may be given explicitly.
;; RUN: %meldc -passes='grow-to-bump<grow-fail=fail>' %t.wasm -o - | wasm2wat - | FileCheck %s --check-prefix=FAIL
;; FAIL: i32.const -1
;; FAIL-NEXT: return
(module
  (memory 1 4)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
