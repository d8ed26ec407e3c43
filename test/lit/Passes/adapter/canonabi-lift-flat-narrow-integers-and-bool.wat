;; lift_flat_unsigned/lift_flat_signed keep the low bits of the core i32 (u8, u16: zero-extended;
;; s8, s16: sign-extended) and convert_int_to_bool makes any non-zero i32 true (lowered as 1), in
;; both directions: the caller's arguments and the callee's results.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --explain --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm run | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; The entry of `narrow` (function 3): each argument converted, the call, the result converted.
;; CHECK:      (func (;3;) (type 0) (param i32 i32 i32 i32 i32) (result i32)
;; CHECK:        local.get 0
;; CHECK-NEXT:   i32.const 255
;; CHECK-NEXT:   i32.and
;; CHECK:        local.get 1
;; CHECK-NEXT:   i32.extend8_s
;; CHECK:        local.get 2
;; CHECK-NEXT:   i32.const 65535
;; CHECK-NEXT:   i32.and
;; CHECK:        local.get 3
;; CHECK-NEXT:   i32.extend16_s
;; CHECK:        local.get 4
;; CHECK-NEXT:   i32.const 0
;; CHECK-NEXT:   i32.ne
;; CHECK:        call 0
;; CHECK:        i32.const 255
;; CHECK-NEXT:   i32.and
;; CHECK:      explain: {{.*}}narrow: copy
;; CHECK:      explain: {{.*}}neg: copy
;; CHECK:      explain: {{.*}}truthy: copy
;; EXEC: run = 42

(component
  (component $C
    (core module $M
      (func (export "narrow") (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $e i32) (result i32)
        (if (i32.ne (local.get $a) (i32.const 0x02)) (then unreachable))
        (if (i32.ne (local.get $b) (i32.const -1)) (then unreachable))
        (if (i32.ne (local.get $c) (i32.const 0xfffe)) (then unreachable))
        (if (i32.ne (local.get $d) (i32.const -2)) (then unreachable))
        (if (i32.ne (local.get $e) (i32.const 1)) (then unreachable))
        (i32.const 0x1ff))                        ;; lifted as the u8 0xff
      (func (export "neg") (param $x i32) (result i32)
        (if (i32.ne (local.get $x) (i32.const 0)) (then unreachable))
        (i32.const 0x180))                        ;; lifted as the s8 -128
      (func (export "truthy") (result i32) (i32.const -7)))
    (core instance $m (instantiate $M))
    (func (export "narrow") (param "a" u8) (param "b" s8) (param "c" u16) (param "d" s16) (param "e" bool) (result u8)
      (canon lift (core func $m "narrow")))
    (func (export "neg") (param "x" bool) (result s8) (canon lift (core func $m "neg")))
    (func (export "truthy") (result bool) (canon lift (core func $m "truthy"))))
  (component $D
    (import "narrow" (func $narrow (param "a" u8) (param "b" s8) (param "c" u16) (param "d" s16) (param "e" bool) (result u8)))
    (import "neg" (func $neg (param "x" bool) (result s8)))
    (import "truthy" (func $truthy (result bool)))
    (core func $narrow' (canon lower (func $narrow)))
    (core func $neg' (canon lower (func $neg)))
    (core func $truthy' (canon lower (func $truthy)))
    (core module $M
      (import "" "narrow" (func $narrow (param i32 i32 i32 i32 i32) (result i32)))
      (import "" "neg" (func $neg (param i32) (result i32)))
      (import "" "truthy" (func $truthy (result i32)))
      (func (export "run") (result i32)
        (if (i32.ne (call $narrow (i32.const 0x302) (i32.const 0xff) (i32.const 0x1fffe)
                                  (i32.const 0xfffe) (i32.const 0x100))
                    (i32.const 0xff)) (then unreachable))
        (if (i32.ne (call $neg (i32.const 0)) (i32.const -128)) (then unreachable))
        (if (i32.ne (call $truthy) (i32.const 1)) (then unreachable))
        (i32.const 42)))
    (core instance $m (instantiate $M (with "" (instance
      (export "narrow" (func $narrow')) (export "neg" (func $neg')) (export "truthy" (func $truthy'))))))
    (func (export "run") (result u32) (canon lift (core func $m "run"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "narrow" (func $c "narrow")) (with "neg" (func $c "neg"))
                               (with "truthy" (func $c "truthy"))))
  (export "run" (func $d "run")))
