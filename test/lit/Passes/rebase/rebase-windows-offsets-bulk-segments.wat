;; Three static memories become windows at page-aligned bases 0, 0x10000 (2 pages) and 0x30000:
;; memarg offsets get the base, memory.fill/copy/init get it added to their address operands,
;; active data segments move, memory.size is the window's constant page count and memory.grow
;; answers as for a memory at its maximum.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: %meldc -passes=rebase %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK-LABEL: (func (;0;)
;; CHECK-NEXT: (local i32 i32)
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: i32.const 7
;; CHECK-NEXT: i32.store offset=65540
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: i64.const 1
;; CHECK-NEXT: i64.store8 offset=196608
;; memory.fill in window $b: the destination gets 0x10000
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: i32.const 0
;; CHECK-NEXT: i32.const 4
;; CHECK-NEXT: local.set [[N:[0-9]+]]
;; CHECK-NEXT: local.set [[S:[0-9]+]]
;; CHECK-NEXT: i32.const 65536
;; CHECK-NEXT: i32.add
;; CHECK-NEXT: local.get [[S]]
;; CHECK-NEXT: local.get [[N]]
;; CHECK-NEXT: memory.fill
;; memory.copy from $b to $c: both addresses move
;; CHECK-NEXT: i32.const 1
;; CHECK-NEXT: i32.const 2
;; CHECK-NEXT: i32.const 3
;; CHECK-NEXT: local.set [[N]]
;; CHECK-NEXT: local.set [[S]]
;; CHECK-NEXT: i32.const 196608
;; CHECK-NEXT: i32.add
;; CHECK-NEXT: local.get [[S]]
;; CHECK-NEXT: i32.const 65536
;; CHECK-NEXT: i32.add
;; CHECK-NEXT: local.get [[N]]
;; CHECK-NEXT: memory.copy
;; memory.init into $c: the destination moves, the segment offset does not
;; CHECK-NEXT: i32.const 0
;; CHECK-NEXT: i32.const 0
;; CHECK-NEXT: i32.const 2
;; CHECK-NEXT: local.set [[N]]
;; CHECK-NEXT: local.set [[S]]
;; CHECK-NEXT: i32.const 196608
;; CHECK-NEXT: i32.add
;; CHECK-NEXT: local.get [[S]]
;; CHECK-NEXT: local.get [[N]]
;; CHECK-NEXT: memory.init 2
;; CHECK-NEXT: i32.const 1
;; CHECK-NEXT: i32.eqz
;; CHECK-NEXT: if (result i32)
;; CHECK-NEXT: i32.const 2
;; CHECK-NEXT: else
;; CHECK-NEXT: i32.const -1
;; CHECK-NEXT: end
;; CHECK-NEXT: drop
;; CHECK-NEXT: i32.const 2
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: i32.load offset=8
;; CHECK-NEXT: i32.add)
;; CHECK-NEXT: (memory (;0;) 4 4)
;; CHECK-NEXT: (export "f" (func 0))
;; CHECK-NEXT: (data (;0;) (i32.const 16) "A")
;; CHECK-NEXT: (data (;1;) (i32.const 65544) "BB")
;; CHECK-NEXT: (data (;2;) "passive"))
(module
  (memory $a 1 1)
  (memory $b 2 2)
  (memory $c 1 1)
  (data (memory $a) (i32.const 16) "A")
  (data (memory $b) (i32.const 8) "BB")
  (data $p "passive")
  (func (export "f") (param i32) (result i32)
    (i32.store $b offset=4 (local.get 0) (i32.const 7))
    (i64.store8 $c (local.get 0) (i64.const 1))
    (memory.fill $b (local.get 0) (i32.const 0) (i32.const 4))
    (memory.copy $c $b (i32.const 1) (i32.const 2) (i32.const 3))
    (memory.init $c $p (i32.const 0) (i32.const 0) (i32.const 2))
    (drop (memory.grow $b (i32.const 1)))
    (i32.add (memory.size $b) (i32.load $a offset=8 (local.get 0)))))
