;; latin1+utf16 on both sides (store_probably_utf16_to_latin1_or_utf16): a utf16-tagged string is
;; copied as utf-16 into realloc(0, 0, 2, 2 * units); when every code point fits latin-1 it is
;; deflated in place and shrunk with realloc(ptr, 2 * units, 1, units), arriving untagged.
;; A latin-1 (untagged) string is copied as is (store_string_copy with alignment 2).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc %t.wasm -o %t.run.wasm --explain 2>&1 | FileCheck %s
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm deflate wide latin1 | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; CHECK: explain: {{.*}}take: copy

;; EXEC:      deflate = 42
;; EXEC-NEXT: wide = 43
;; EXEC-NEXT: latin1 = 44

(component
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (global $nlog (mut i32) (i32.const 0))
      ;; logs (old, old size, align, new size) at 64, 80, ...
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        (local $r i32) (local $e i32)
        (local.set $e (i32.add (i32.const 64) (i32.shl (global.get $nlog) (i32.const 4))))
        (i32.store (local.get $e) (local.get $old))
        (i32.store offset=4 (local.get $e) (local.get $osize))
        (i32.store offset=8 (local.get $e) (local.get $align))
        (i32.store offset=12 (local.get $e) (local.get $nsize))
        (global.set $nlog (i32.add (global.get $nlog) (i32.const 1)))
        (local.set $r (global.get $next))
        (global.set $next (i32.add (local.get $r) (local.get $nsize)))
        (if (local.get $old) (then (memory.copy (local.get $r) (local.get $old) (local.get $nsize))))
        (local.get $r))
      (func $entry (param $i i32) (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32)
        (local $e i32)
        (local.set $e (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 4))))
        (if (i32.ne (i32.load (local.get $e)) (local.get $old)) (then unreachable))
        (if (i32.ne (i32.load offset=4 (local.get $e)) (local.get $osize)) (then unreachable))
        (if (i32.ne (i32.load offset=8 (local.get $e)) (local.get $align)) (then unreachable))
        (if (i32.ne (i32.load offset=12 (local.get $e)) (local.get $nsize)) (then unreachable)))
      (func (export "take") (param $p i32) (param $n i32) (result i32)
        ;; tagged "aé" (61 00 E9 00): deflated to latin-1 61 E9 at the shrunk allocation
        (if (i32.eq (global.get $nlog) (i32.const 2)) (then
          (call $entry (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 4))
          (call $entry (i32.const 1) (i32.const 1024) (i32.const 4) (i32.const 1) (i32.const 2))
          (if (i32.ne (local.get $p) (i32.const 1028)) (then unreachable))
          (if (i32.ne (local.get $n) (i32.const 2)) (then unreachable))
          (if (i32.ne (i32.load16_u (local.get $p)) (i32.const 0xe961)) (then unreachable))
          (return (i32.const 42))))
        (call $entry (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 4))
        (if (i32.ne (global.get $nlog) (i32.const 1)) (then unreachable))
        (if (i32.ne (local.get $p) (i32.const 1024)) (then unreachable))
        ;; tagged "a☃" (61 00 03 26) stays utf-16, tagged
        (if (i32.eq (local.get $n) (i32.const 0x80000002)) (then
          (if (i32.ne (i32.load (local.get $p)) (i32.const 0x26030061)) (then unreachable))
          (return (i32.const 43))))
        ;; untagged latin-1 "aé!x" (61 E9 21 78), 4 bytes at alignment 2
        (if (i32.ne (local.get $n) (i32.const 4)) (then unreachable))
        (if (i32.ne (i32.load (local.get $p)) (i32.const 0x7821e961)) (then unreachable))
        (i32.const 44)))
    (core instance $m (instantiate $M))
    (func (export "take") (param "s" string) (result u32)
      (canon lift (core func $m "take") string-encoding=latin1+utf16
        (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (component $D
    (import "take" (func $take (param "s" string) (result u32)))
    (core module $Mem (memory (export "mem") 1)
      (data (i32.const 16) "a\00\e9\00")
      (data (i32.const 24) "a\00\03\26")
      (data (i32.const 32) "a\e9!x"))
    (core instance $mem (instantiate $Mem))
    (core func $take' (canon lower (func $take) string-encoding=latin1+utf16 (memory (core memory $mem "mem"))))
    (core module $Main
      (import "" "take" (func $take (param i32 i32) (result i32)))
      (func (export "deflate") (result i32) (call $take (i32.const 16) (i32.const 0x80000002)))
      (func (export "wide") (result i32) (call $take (i32.const 24) (i32.const 0x80000002)))
      (func (export "latin1") (result i32) (call $take (i32.const 32) (i32.const 4))))
    (core instance $main (instantiate $Main (with "" (instance (export "take" (func $take'))))))
    (func (export "deflate") (result u32) (canon lift (core func $main "deflate")))
    (func (export "wide") (result u32) (canon lift (core func $main "wide")))
    (func (export "latin1") (result u32) (canon lift (core func $main "latin1"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "take" (func $c "take"))))
  (export "deflate" (func $d "deflate"))
  (export "wide" (func $d "wide"))
  (export "latin1" (func $d "latin1")))
