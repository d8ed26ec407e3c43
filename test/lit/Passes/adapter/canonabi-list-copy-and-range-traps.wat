;; Lists: load_list_from_range checks the caller's range (length * elem_size <= 2^28 - 1 computed
;; without overflow, alignment, ptr + bytes <= len(memory)); store_list_into_range allocates with
;; the callee's realloc(0, 0, align, bytes) and checks the result.  Elements that load+store copy
;; exactly (integers, floats, padding-free records of them) go in one memory.copy; others element
;; by element: bool normalised to 0/1, flags masked to their labels, records with padding field by
;; field (the destination's padding is left alone), nested lists recursively.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm run too-long misaligned oob realloc-misaligned realloc-oob | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; `plain` (list<u32>): byte length in i64, the checks, realloc, one memory.copy.
;; CHECK:      (func (;5;) (type 2) (param i32 i32) (result i32)
;; CHECK-NEXT:   (local i32 i32 i64 i32)
;; CHECK-NEXT:   local.get 1
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   i64.const 4
;; CHECK-NEXT:   i64.mul
;; CHECK-NEXT:   local.tee 4
;; CHECK-NEXT:   i64.const 268435455
;; CHECK-NEXT:   i64.gt_u
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 4
;; CHECK-NEXT:   i32.wrap_i64
;; CHECK-NEXT:   local.set 3
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   i32.const 3
;; CHECK-NEXT:   i32.and
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   local.get 3
;; CHECK-NEXT:   i64.extend_i32_u
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
;; CHECK-NEXT:   local.get 3
;; CHECK-NEXT:   call 1
;; CHECK-NEXT:   local.set 2
;; CHECK-NEXT:   local.get 2
;; CHECK-NEXT:   i32.const 3
;; CHECK-NEXT:   i32.and
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 2
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   local.get 3
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   i64.add
;; CHECK-NEXT:   memory.size
;; CHECK-NEXT:   i64.extend_i32_u
;; CHECK-NEXT:   i64.const 16
;; CHECK-NEXT:   i64.shl
;; CHECK-NEXT:   i64.gt_u
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 2
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   local.get 3
;; CHECK-NEXT:   memory.copy 0 1
;; CHECK-NEXT:   local.get 2
;; CHECK-NEXT:   local.get 1
;; CHECK-NEXT:   call 2
;; CHECK-NEXT:   local.set 5
;; CHECK-NEXT:   local.get 5
;; CHECK-NEXT: )

;; `mixed`: list<bool> element by element (i32.ne 0), list<flags> masked (i32.and 7),
;; list<record{u8, u32}> field by field, list<list<u8>> with an inner realloc and memory.copy.
;; CHECK-LABEL: (func (;6;)
;; CHECK:       loop
;; CHECK:         i32.load8_u
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.ne
;; CHECK-NEXT:    i32.store8{{$}}
;; CHECK:       loop
;; CHECK:         i32.load8_u
;; CHECK-NEXT:    i32.const 7
;; CHECK-NEXT:    i32.and
;; CHECK-NEXT:    i32.store8{{$}}
;; CHECK:       loop
;; CHECK:         i32.load8_u 1
;; CHECK-NEXT:    i32.store8{{$}}
;; CHECK:         i32.load 1 offset=4
;; CHECK-NEXT:    i32.store offset=4
;; CHECK:       loop
;; CHECK:         call 1
;; CHECK:         memory.copy 0 1
;; CHECK:       call 3

;; EXEC:      run = 42
;; EXEC-NEXT: too-long trap: unreachable
;; EXEC-NEXT: misaligned trap: unreachable
;; EXEC-NEXT: oob trap: unreachable
;; EXEC-NEXT: realloc-misaligned trap: unreachable
;; EXEC-NEXT: realloc-oob trap: unreachable

(component
  (component $C
    (type $fl' (flags "a" "b" "c"))
    (export $fl "fl" (type $fl'))
    (type $rec' (record (field "b" u8) (field "w" u32)))
    (export $rec "rec" (type $rec'))
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (global $mode (mut i32) (i32.const 0))
      (func (export "set-mode") (param i32) (global.set $mode (local.get 0)))
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        (local $r i32)
        (if (i32.eq (global.get $mode) (i32.const 1)) (then (return (i32.const 1026))))
        (if (i32.eq (global.get $mode) (i32.const 2)) (then (return (i32.const 65532))))
        ;; poison fresh memory so that untouched padding shows
        (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
        (global.set $next (i32.add (local.get $r) (local.get $nsize)))
        (memory.fill (local.get $r) (i32.const 0xee) (local.get $nsize))
        (local.get $r))
      (func (export "plain") (param $p i32) (param $n i32) (result i32)
        (if (i32.ne (local.get $n) (i32.const 3)) (then unreachable))
        (i32.add (i32.load (local.get $p))
          (i32.add (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)))))
      (func (export "mixed") (param $b i32) (param $bn i32) (param $f i32) (param $fn i32) (param $r i32) (param $rn i32)
              (param $ll i32) (param $lln i32) (result i32)
        ;; list<bool> [1, 1, 0]
        (if (i32.ne (local.get $bn) (i32.const 3)) (then unreachable))
        (if (i32.ne (i32.load16_u (local.get $b)) (i32.const 0x0101)) (then unreachable))
        (if (i32.ne (i32.load8_u offset=2 (local.get $b)) (i32.const 0)) (then unreachable))
        ;; list<flags{a,b,c}> [0x07 masked from 0xff, 0x05]
        (if (i32.ne (i32.load16_u (local.get $f)) (i32.const 0x0507)) (then unreachable))
        ;; list<record{u8, u32}>: fields copied, the padding bytes 1..3 still poisoned
        (if (i32.ne (local.get $rn) (i32.const 2)) (then unreachable))
        (if (i32.ne (i32.load (local.get $r)) (i32.const 0xeeeeee07)) (then unreachable))
        (if (i32.ne (i32.load offset=4 (local.get $r)) (i32.const 0x11223344)) (then unreachable))
        (if (i32.ne (i32.load8_u offset=8 (local.get $r)) (i32.const 0x08)) (then unreachable))
        (if (i32.ne (i32.load offset=12 (local.get $r)) (i32.const 0x55667788)) (then unreachable))
        ;; list<list<u8>> [[1, 2], []]
        (if (i32.ne (local.get $lln) (i32.const 2)) (then unreachable))
        (if (i32.ne (i32.load offset=4 (local.get $ll)) (i32.const 2)) (then unreachable))
        (if (i32.ne (i32.load16_u (i32.load (local.get $ll))) (i32.const 0x0201)) (then unreachable))
        (if (i32.ne (i32.load offset=12 (local.get $ll)) (i32.const 0)) (then unreachable))
        (i32.const 7)))
    (core instance $m (instantiate $M))
    (func (export "set-mode") (param "m" u32) (canon lift (core func $m "set-mode")))
    (func (export "plain") (param "l" (list u32)) (result u32)
      (canon lift (core func $m "plain") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "mixed") (param "b" (list bool)) (param "f" (list $fl)) (param "r" (list $rec))
                           (param "ll" (list (list u8))) (result u32)
      (canon lift (core func $m "mixed") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (component $D
    (import "c" (instance $c
      (type $fl' (flags "a" "b" "c"))
      (export "fl" (type $fl (eq $fl')))
      (type $rec' (record (field "b" u8) (field "w" u32)))
      (export "rec" (type $rec (eq $rec')))
      (export "set-mode" (func (param "m" u32)))
      (export "plain" (func (param "l" (list u32)) (result u32)))
      (export "mixed" (func (param "b" (list bool)) (param "f" (list $fl)) (param "r" (list $rec))
                            (param "ll" (list (list u8))) (result u32)))))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $set-mode' (canon lower (func $c "set-mode")))
    (core func $plain' (canon lower (func $c "plain") (memory (core memory $mem "mem"))))
    (core func $mixed' (canon lower (func $c "mixed") (memory (core memory $mem "mem"))))
    (core module $Main
      (import "" "mem" (memory 1))
      (import "" "set-mode" (func $set-mode (param i32)))
      (import "" "plain" (func $plain (param i32 i32) (result i32)))
      (import "" "mixed" (func $mixed (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (data (i32.const 16) "\01\00\00\00\02\00\00\00\03\00\00\00")          ;; list<u32> [1, 2, 3]
      (data (i32.const 32) "\01\07\00")                                      ;; list<bool> [1, 7, 0]
      (data (i32.const 36) "\ff\05")                                         ;; list<flags> [0xff, 5]
      (data (i32.const 40) "\07\aa\bb\cc\44\33\22\11\08\aa\bb\cc\88\77\66\55") ;; list<record{u8, u32}>
      (data (i32.const 56) "\40\00\00\00\02\00\00\00\42\00\00\00\00\00\00\00") ;; list<list<u8>> [[..], []]
      (data (i32.const 64) "\01\02")
      (func (export "run") (result i32)
        (if (i32.ne (call $plain (i32.const 16) (i32.const 3)) (i32.const 6)) (then unreachable))
        (if (i32.ne (call $mixed (i32.const 32) (i32.const 3) (i32.const 36) (i32.const 2)
                                 (i32.const 40) (i32.const 2) (i32.const 56) (i32.const 2))
                    (i32.const 7)) (then unreachable))
        (i32.const 42))
      ;; 0x4000000 u32s are 2^28 bytes: one more than MAX_LIST_BYTE_LENGTH (before any bounds check)
      (func (export "too-long") (result i32) (call $plain (i32.const 16) (i32.const 0x4000000)))
      (func (export "misaligned") (result i32) (call $plain (i32.const 18) (i32.const 1)))
      (func (export "oob") (result i32) (call $plain (i32.const 65528) (i32.const 3)))
      (func (export "realloc-misaligned") (result i32)
        (call $set-mode (i32.const 1)) (call $plain (i32.const 16) (i32.const 3)))
      (func (export "realloc-oob") (result i32)
        (call $set-mode (i32.const 2)) (call $plain (i32.const 16) (i32.const 3))))
    (core instance $main (instantiate $Main (with "" (instance (export "mem" (memory $mem "mem"))
      (export "set-mode" (func $set-mode')) (export "plain" (func $plain')) (export "mixed" (func $mixed'))))))
    (func (export "run") (result u32) (canon lift (core func $main "run")))
    (func (export "too-long") (result u32) (canon lift (core func $main "too-long")))
    (func (export "misaligned") (result u32) (canon lift (core func $main "misaligned")))
    (func (export "oob") (result u32) (canon lift (core func $main "oob")))
    (func (export "realloc-misaligned") (result u32) (canon lift (core func $main "realloc-misaligned")))
    (func (export "realloc-oob") (result u32) (canon lift (core func $main "realloc-oob"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "c" (instance $c))))
  (export "run" (func $d "run"))
  (export "too-long" (func $d "too-long"))
  (export "misaligned" (func $d "misaligned"))
  (export "oob" (func $d "oob"))
  (export "realloc-misaligned" (func $d "realloc-misaligned"))
  (export "realloc-oob" (func $d "realloc-oob")))
