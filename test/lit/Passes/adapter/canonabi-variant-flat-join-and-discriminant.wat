;; lift_flat_variant / lower_flat_variant: an out-of-range case index traps (arguments and
;; results); a payload is read from its joined slot with the spec's coercions (i64 -> i32 wraps,
;; i32/i64 -> f32 reinterprets the low bits) and written back to the slot (zero-extended), so only
;; the selected case's bits cross; slots the case does not use arrive as zero.  Enums and
;; option/result are variants too.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm joins bad-param bad-result bad-enum bad-option | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; `mix` (variant { f(f32), l(u64), n }): check the case, then br_table over the cases with a
;; payload; f32 travels in the low half of the i64 slot.
;; CHECK:      (func (;7;) (type 1) (param i32 i64)
;; CHECK-NEXT:   (local i64 f32)
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   i32.const 3
;; CHECK-NEXT:   i32.ge_u
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   i64.const 0
;; CHECK-NEXT:   local.set 2
;; CHECK-NEXT:   block
;; CHECK-NEXT:     block
;; CHECK-NEXT:       block
;; CHECK-NEXT:         local.get 0
;; CHECK-NEXT:         br_table 0 1 2 2
;; CHECK-NEXT:       end
;; CHECK-NEXT:       local.get 1
;; CHECK-NEXT:       i32.wrap_i64
;; CHECK-NEXT:       f32.reinterpret_i32
;; CHECK-NEXT:       local.set 3
;; CHECK-NEXT:       local.get 3
;; CHECK-NEXT:       i32.reinterpret_f32
;; CHECK-NEXT:       i64.extend_i32_u
;; CHECK-NEXT:       local.set 2
;; CHECK-NEXT:       br 1
;; CHECK-NEXT:     end
;; CHECK-NEXT:     local.get 1
;; CHECK-NEXT:     local.set 2
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   local.get 2
;; CHECK-NEXT:   call 2
;; CHECK-NEXT: )

;; EXEC:      joins = 42
;; EXEC-NEXT: bad-param trap: unreachable
;; EXEC-NEXT: bad-result trap: unreachable
;; EXEC-NEXT: bad-enum trap: unreachable
;; EXEC-NEXT: bad-option trap: unreachable

(component
  (component $C
    (type $narrow' (variant (case "a" u8) (case "b" u32)))
    (export $narrow "narrow-t" (type $narrow'))
    (type $wide' (variant (case "a" u16) (case "b" u64)))
    (export $wide "wide-t" (type $wide'))
    (type $mix' (variant (case "f" f32) (case "l" u64) (case "n")))
    (export $mix "mix-t" (type $mix'))
    (type $e' (enum "x" "y" "z"))
    (export $e "e-t" (type $e'))
    (core module $M
      (global $k (mut i32) (i32.const 0))
      (func (export "narrow") (param i32 i32)
        (if (i32.eqz (local.get 0))
          (then (if (i32.ne (local.get 1) (i32.const 2)) (then unreachable)))
          (else (if (i32.ne (local.get 1) (i32.const 0xdeadbeef)) (then unreachable)))))
      (func (export "wide") (param i32 i64)
        (if (i32.eqz (local.get 0))
          (then (if (i64.ne (local.get 1) (i64.const 4)) (then unreachable)))
          (else (if (i64.ne (local.get 1) (i64.const 0x123456789abcdef0)) (then unreachable)))))
      (func (export "mix") (param i32 i64)
        (if (i32.eq (local.get 0) (i32.const 0))
          (then (if (i64.ne (local.get 1) (i64.const 0x40490fdb)) (then unreachable))))
        (if (i32.eq (local.get 0) (i32.const 1))
          (then (if (i64.ne (local.get 1) (i64.const 0xfedcba9876543210)) (then unreachable))))
        (if (i32.eq (local.get 0) (i32.const 2))
          (then (if (i64.ne (local.get 1) (i64.const 0)) (then unreachable)))))
      (func (export "opt") (param i32 i32) (result i32)
        (if (i32.ne (local.get 0) (i32.const 1)) (then unreachable))
        (if (i32.ne (local.get 1) (i32.const 0x7f)) (then unreachable))
        (i32.const 2))                                     ;; enum case 2 of 3
      (func (export "bad-enum") (result i32) (i32.const 3)))
    (core instance $m (instantiate $M))
    (func (export "narrow") (param "v" $narrow) (canon lift (core func $m "narrow")))
    (func (export "wide") (param "v" $wide) (canon lift (core func $m "wide")))
    (func (export "mix") (param "v" $mix) (canon lift (core func $m "mix")))
    (func (export "opt") (param "v" (option u8)) (result $e) (canon lift (core func $m "opt")))
    (func (export "bad-enum") (result $e) (canon lift (core func $m "bad-enum"))))
  (component $D
    (import "c" (instance $c
      (type $narrow' (variant (case "a" u8) (case "b" u32)))
      (export "narrow-t" (type $narrow (eq $narrow')))
      (type $wide' (variant (case "a" u16) (case "b" u64)))
      (export "wide-t" (type $wide (eq $wide')))
      (type $mix' (variant (case "f" f32) (case "l" u64) (case "n")))
      (export "mix-t" (type $mix (eq $mix')))
      (type $e' (enum "x" "y" "z"))
      (export "e-t" (type $e (eq $e')))
      (export "narrow" (func (param "v" $narrow)))
      (export "wide" (func (param "v" $wide)))
      (export "mix" (func (param "v" $mix)))
      (export "opt" (func (param "v" (option u8)) (result $e)))
      (export "bad-enum" (func (result $e)))))
    (core func $narrow' (canon lower (func $c "narrow")))
    (core func $wide' (canon lower (func $c "wide")))
    (core func $mix' (canon lower (func $c "mix")))
    (core func $opt' (canon lower (func $c "opt")))
    (core func $bad-enum' (canon lower (func $c "bad-enum")))
    (core module $Main
      (import "" "narrow" (func $narrow (param i32 i32)))
      (import "" "wide" (func $wide (param i32 i64)))
      (import "" "mix" (func $mix (param i32 i64)))
      (import "" "opt" (func $opt (param i32 i32) (result i32)))
      (import "" "bad-enum" (func $bad-enum (result i32)))
      (func (export "joins") (result i32)
        (call $narrow (i32.const 0) (i32.const 0xff02))            ;; u8 case: lifts as 2
        (call $narrow (i32.const 1) (i32.const 0xdeadbeef))
        (call $wide (i32.const 0) (i64.const 0xff00000004))        ;; wraps to i32, then u16
        (call $wide (i32.const 1) (i64.const 0x123456789abcdef0))
        (call $mix (i32.const 0) (i64.const 0xffffffff40490fdb))   ;; f32 bits in the low half
        (call $mix (i32.const 1) (i64.const 0xfedcba9876543210))
        (call $mix (i32.const 2) (i64.const -1))                   ;; no payload: slot becomes 0
        (if (i32.ne (call $opt (i32.const 1) (i32.const 0x37f)) (i32.const 2)) (then unreachable))
        (i32.const 42))
      (func (export "bad-param") (result i32) (call $mix (i32.const 3) (i64.const 0)) (i32.const 0))
      (func (export "bad-result") (result i32) (call $bad-enum))
      (func (export "bad-option") (result i32) (call $opt (i32.const 2) (i32.const 0))))
    (core instance $main (instantiate $Main (with "" (instance
      (export "narrow" (func $narrow')) (export "wide" (func $wide')) (export "mix" (func $mix'))
      (export "opt" (func $opt')) (export "bad-enum" (func $bad-enum'))))))
    (func (export "joins") (result u32) (canon lift (core func $main "joins")))
    (func (export "bad-param") (result u32) (canon lift (core func $main "bad-param")))
    (func (export "bad-result") (result u32) (canon lift (core func $main "bad-result")))
    (func (export "bad-option") (result u32) (canon lift (core func $main "bad-option"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "c" (instance $c))))
  (export "joins" (func $d "joins"))
  (export "bad-param" (func $d "bad-param"))
  (export "bad-result" (func $d "bad-result"))
  (export "bad-enum" (func $d "bad-result"))
  (export "bad-option" (func $d "bad-option")))
