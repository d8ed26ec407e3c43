;; More than 16 flat parameters travel as a tuple in memory: the caller's pointer is checked
;; (alignment, ptr + size <= len(memory)), the callee's copy is allocated with the callee's
;; realloc(0, 0, align, size) and checked.  A result of more than one flat value is read at the
;; pointer the callee returns (checked against the callee's memory) and stored at the return
;; pointer the caller passed (checked against the caller's memory).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm many many-misaligned many-oob \
;; RUN:   tri tri-callee-misaligned tri-callee-oob tri-retptr-misaligned tri-retptr-oob | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; `many`: check the caller's tuple pointer, allocate the callee's copy, copy the 17 u32s (68
;; plain bytes: one memory.copy from the caller's memory 1 to the callee's memory 0).
;; CHECK:      (func (;3;) (type 1) (param i32) (result i32)
;; CHECK-NEXT:   (local i32 i32)
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   i32.const 3
;; CHECK-NEXT:   i32.and
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   i64.const 68
;; CHECK-NEXT:   i64.add
;; CHECK-NEXT:   memory.size 1
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   i64.const 16
;; CHECK-NEXT:   i64.shl
;; CHECK-NEXT:   i64.gt_u
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   i32.const 0
;; CHECK-NEXT:   i32.const 0
;; CHECK-NEXT:   i32.const 4
;; CHECK-NEXT:   i32.const 68
;; CHECK-NEXT:   call 0
;; CHECK-NEXT:   local.set 1
;; CHECK-NEXT:   local.get 1
;; CHECK-NEXT:   i32.const 3
;; CHECK-NEXT:   i32.and
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 1
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   i64.const 68
;; CHECK-NEXT:   i64.add
;; CHECK-NEXT:   memory.size
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   i64.const 16
;; CHECK-NEXT:   i64.shl
;; CHECK-NEXT:   i64.gt_u
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 1
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   i32.const 68
;; CHECK-NEXT:   memory.copy 0 1
;; CHECK-NEXT:   local.get 1
;; CHECK-NEXT:   call 1
;; CHECK-NEXT:   local.set 2
;; CHECK-NEXT:   local.get 2
;; CHECK-NEXT: )

;; EXEC:      many = 42
;; EXEC-NEXT: many-misaligned trap: unreachable
;; EXEC-NEXT: many-oob trap: unreachable
;; EXEC-NEXT: tri = 42
;; EXEC-NEXT: tri-callee-misaligned trap: unreachable
;; EXEC-NEXT: tri-callee-oob trap: unreachable
;; EXEC-NEXT: tri-retptr-misaligned trap: unreachable
;; EXEC-NEXT: tri-retptr-oob trap: unreachable

(component
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (global $args (mut i32) (i32.const 0))
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        ;; only (0, 0, 4, 68) is expected
        (if (i32.or (i32.or (local.get $old) (local.get $osize))
                    (i32.or (i32.ne (local.get $align) (i32.const 4)) (i32.ne (local.get $nsize) (i32.const 68))))
          (then unreachable))
        (i32.const 1000))
      (func (export "many") (param $p i32) (result i32)
        (local $i i32) (local $sum i32)
        (if (i32.ne (local.get $p) (i32.const 1000)) (then unreachable))
        (loop $l
          (local.set $sum (i32.add (local.get $sum)
            (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 17))))
        (local.get $sum))
      ;; tuple<u8, u64, bool> at 2048: u8 at 0, u64 at 8, bool at 16 (size 24, align 8)
      (func (export "tri") (param $where i32) (result i32)
        (i32.store8 (i32.const 2048) (i32.const 0xab))
        (i64.store (i32.const 2056) (i64.const 0x0102030405060708))
        (i32.store8 (i32.const 2064) (i32.const 5))                ;; a bool byte of 5 lifts as true
        (if (result i32) (i32.eq (local.get $where) (i32.const 1))
          (then (i32.const 2052))                                  ;; misaligned
          (else (if (result i32) (i32.eq (local.get $where) (i32.const 2))
            (then (i32.const 65528))                               ;; 65528 + 24 > 65536
            (else (i32.const 2048)))))))
    (core instance $m (instantiate $M))
    (func (export "many")
      (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32)
      (param "a5" u32) (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32)
      (param "a10" u32) (param "a11" u32) (param "a12" u32) (param "a13" u32) (param "a14" u32)
      (param "a15" u32) (param "a16" u32) (result u32)
      (canon lift (core func $m "many") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "tri") (param "where" u32) (result (tuple u8 u64 bool))
      (canon lift (core func $m "tri") (memory (core memory $m "mem")))))
  (component $D
    (import "many" (func $many
      (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32)
      (param "a5" u32) (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32)
      (param "a10" u32) (param "a11" u32) (param "a12" u32) (param "a13" u32) (param "a14" u32)
      (param "a15" u32) (param "a16" u32) (result u32)))
    (import "tri" (func $tri (param "where" u32) (result (tuple u8 u64 bool))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $many' (canon lower (func $many) (memory (core memory $mem "mem"))))
    (core func $tri' (canon lower (func $tri) (memory (core memory $mem "mem"))))
    (core module $Main
      (import "" "mem" (memory 1))
      (import "" "many" (func $many (param i32) (result i32)))
      (import "" "tri" (func $tri (param i32 i32)))
      (func $fill (param $p i32)
        (local $i i32)
        (loop $l
          (i32.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 17)))))
      (func (export "many") (result i32)
        (call $fill (i32.const 64))
        (if (i32.ne (call $many (i32.const 64)) (i32.const 153)) (then unreachable))
        (i32.const 42))
      (func (export "many-misaligned") (result i32) (call $fill (i32.const 64)) (call $many (i32.const 66)))
      (func (export "many-oob") (result i32) (call $many (i32.const 65472)))  ;; 65472 + 68 > 65536
      (func (export "tri") (result i32)
        (call $tri (i32.const 0) (i32.const 256))
        (if (i32.ne (i32.load8_u (i32.const 256)) (i32.const 0xab)) (then unreachable))
        (if (i64.ne (i64.load (i32.const 264)) (i64.const 0x0102030405060708)) (then unreachable))
        (if (i32.ne (i32.load8_u (i32.const 272)) (i32.const 1)) (then unreachable))
        (i32.const 42))
      (func (export "tri-callee-misaligned") (result i32) (call $tri (i32.const 1) (i32.const 256)) (i32.const 0))
      (func (export "tri-callee-oob") (result i32) (call $tri (i32.const 2) (i32.const 256)) (i32.const 0))
      (func (export "tri-retptr-misaligned") (result i32) (call $tri (i32.const 0) (i32.const 260)) (i32.const 0))
      (func (export "tri-retptr-oob") (result i32) (call $tri (i32.const 0) (i32.const 65520)) (i32.const 0)))
    (core instance $main (instantiate $Main (with "" (instance (export "mem" (memory $mem "mem"))
      (export "many" (func $many')) (export "tri" (func $tri'))))))
    (func (export "many") (result u32) (canon lift (core func $main "many")))
    (func (export "many-misaligned") (result u32) (canon lift (core func $main "many-misaligned")))
    (func (export "many-oob") (result u32) (canon lift (core func $main "many-oob")))
    (func (export "tri") (result u32) (canon lift (core func $main "tri")))
    (func (export "tri-callee-misaligned") (result u32) (canon lift (core func $main "tri-callee-misaligned")))
    (func (export "tri-callee-oob") (result u32) (canon lift (core func $main "tri-callee-oob")))
    (func (export "tri-retptr-misaligned") (result u32) (canon lift (core func $main "tri-retptr-misaligned")))
    (func (export "tri-retptr-oob") (result u32) (canon lift (core func $main "tri-retptr-oob"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "many" (func $c "many")) (with "tri" (func $c "tri"))))
  (export "many" (func $d "many"))
  (export "many-misaligned" (func $d "many-misaligned"))
  (export "many-oob" (func $d "many-oob"))
  (export "tri" (func $d "tri"))
  (export "tri-callee-misaligned" (func $d "tri-callee-misaligned"))
  (export "tri-callee-oob" (func $d "tri-callee-oob"))
  (export "tri-retptr-misaligned" (func $d "tri-retptr-misaligned"))
  (export "tri-retptr-oob" (func $d "tri-retptr-oob")))
