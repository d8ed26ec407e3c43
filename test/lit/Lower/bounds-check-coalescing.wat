;; Bounds checks shared between accesses whose addresses differ by constants: one compare
;; against the group's whole range while nothing observable happens between the accesses; an
;; access inside a range already checked in the block needs none, even after a store; a store
;; (or anything observable or trapping) ends the group, so a later access has its own check.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=llvm -O0 --stack-check=off --prefix=p -o - | FileCheck %s
;; RUN: %meldc %t.wasm --emit=llvm --stack-check=off --prefix=p --bounds-checks=none -o - | FileCheck %s --check-prefix=NONE
(module
  (memory 1 1)
  (func (export "pair") (param i32) (result i32)
    (i32.add (i32.load (local.get 0)) (i32.load offset=8 (local.get 0))))
  (func (export "below") (param i32) (result i32)
    (i32.add (i32.load offset=4 (local.get 0))
             (i32.load (i32.sub (local.get 0) (i32.const 8)))))
  (func (export "store-between") (param i32) (result i32)
    (i32.store (local.get 0) (i32.const 7))
    (i32.load offset=8 (local.get 0)))
  (func (export "call-between") (param i32) (result i32)
    (drop (i32.load (local.get 0)))
    (call $nothing)
    (i32.load offset=8 (local.get 0)))
  (func $nothing)
  (func (export "div-between") (param i32 i32) (result i32)
    (i32.add (i32.load (local.get 0))
             (i32.add (i32.div_u (i32.const 1) (local.get 1)) (i32.load offset=8 (local.get 0)))))
  (func (export "covered-after-store") (param i32) (result i32)
    (i32.store offset=4 (local.get 0) (i32.add (i32.load offset=4 (local.get 0)) (i32.const 1)))
    (i32.load offset=4 (local.get 0)))
  (func (export "terms") (param i32 i32) (result i32)
    (i32.add (i32.load (i32.add (i32.add (local.get 0) (i32.const 160)) (local.get 1)))
             (i32.load (i32.add (i32.add (local.get 0) (i32.const 48)) (local.get 1)))))
  (func (export "branch-between") (param i32 i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.load (local.get 0)) (local.get 1)))
      (i32.load offset=8 (local.get 0)))))

;; two loads, 0..4 and 8..12: one compare of the address with 65536 - 12
;; CHECK-LABEL: define internal i32 @f.0(
;; CHECK: %anchor = add i32 %[[A:[0-9]+]], 0
;; CHECK-NEXT: %oob = icmp ugt i32 %anchor, 65524
;; CHECK-NOT: icmp
;; CHECK: ret i32

;; the group runs from x - 8 to x + 8 and is compared from its lower end: x - 8 > 65536 - 16
;; CHECK-LABEL: define internal i32 @f.1(
;; CHECK: %anchor = add i32 %{{[0-9]+}}, -8
;; CHECK-NEXT: %oob = icmp ugt i32 %anchor, 65520
;; CHECK-NOT: icmp
;; CHECK: ret i32

;; a store first: the later load may not trap before it, it keeps its own check
;; CHECK-LABEL: define internal i32 @f.2(
;; CHECK: icmp ugt i32 %anchor, 65532
;; CHECK: store i32 7
;; CHECK: icmp ugt i32 %anchor{{[0-9]+}}, 65524
;; CHECK: load i32

;; a call between: two checks
;; CHECK-LABEL: define internal i32 @f.3(
;; CHECK: icmp ugt i32 %anchor, 65532
;; CHECK: call void @f.4()
;; CHECK: icmp ugt i32 %anchor{{[0-9]+}}, 65524

;; a division (which may trap) between: two checks
;; CHECK-LABEL: define internal i32 @f.5(
;; CHECK: icmp ugt i32 %anchor, 65532
;; CHECK: trap.INTEGER_DIVIDE_BY_ZERO
;; CHECK: icmp ugt i32 %anchor{{[0-9]+}}, 65524

;; load, store and load of the same word: one check
;; CHECK-LABEL: define internal i32 @f.6(
;; CHECK: icmp ugt i32 %anchor, 65528
;; CHECK-NOT: icmp
;; CHECK: ret i32

;; (x + 160) + j and (x + 48) + j: the same terms, one check from x + j + 48 to x + j + 164
;; CHECK-LABEL: define internal i32 @f.7(
;; CHECK: %anchor = add i32 %{{[0-9]+}}, -112
;; CHECK-NEXT: %oob = icmp ugt i32 %anchor, 65420
;; CHECK-NOT: icmp
;; CHECK: ret i32

;; a br_if between: the second load may not run, it keeps its own check
;; CHECK-LABEL: define internal i32 @f.8(
;; CHECK: icmp ugt i32 %anchor, 65532
;; CHECK: br_if:
;; CHECK: icmp ugt i32 %anchor{{[0-9]+}}, 65524

;; NONE-NOT: icmp ugt
