;; SIMD: v128.const always prints as four i32 lanes in hex (exact whatever the source lane
;; shape), i8x16.shuffle as 16 lane indices, lane instructions with their lane index after the
;; memarg (`v128.load8_lane 1 offset=2 3`: memory 1, lane 3).
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm --enable-multi-memory %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK-LABEL: (func (;0;) (type 0) (param i32 v128) (result v128)
;; CHECK-NEXT:    (local v128)
;; CHECK-NEXT:    v128.const i32x4 0x00000001 0x00000002 0x00000003 0xffffffff
;; CHECK-NEXT:    v128.const i32x4 0x04030201 0x08070605 0x0c0b0a09 0x100f0e0d
;; CHECK-NEXT:    v128.const i32x4 0x00000000 0x3f800000 0x00000000 0x7ff80000
;; CHECK-NEXT:    i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
;; CHECK-NEXT:    i8x16.swizzle
;; CHECK-NEXT:    i16x8.extract_lane_u 7
;; CHECK-NEXT:    i32x4.splat
;; CHECK-NEXT:    f32.const 1.5
;; CHECK-NEXT:    f32x4.replace_lane 3
;; CHECK-NEXT:    local.set 2
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 1
;; CHECK-NEXT:    v128.load8_lane 1 offset=2 3
;; CHECK-NEXT:    local.set 2
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 2
;; CHECK-NEXT:    v128.store64_lane align=1 1
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    v128.load32_zero offset=4
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    v128.load16x4_s 1
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    v128.load8_splat
;; CHECK-NEXT:    v128.bitselect
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    v128.load align=4
;; CHECK-NEXT:    i32x4.dot_i16x8_s
;; CHECK-NEXT:    f64x2.promote_low_f32x4
;; CHECK-NEXT:    i32x4.trunc_sat_f64x2_u_zero
;; CHECK-NEXT:    local.get 2
;; CHECK-NEXT:    i16x8.q15mulr_sat_s
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i8x16.shr_s
;; CHECK-NEXT:  )
(module
  (memory 1)
  (memory 1)
  (func (param i32 v128) (result v128) (local v128)
    v128.const i32x4 1 2 3 -1
    v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
    v128.const f32x4 0 1 0 nan:0x780000
    i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
    i8x16.swizzle
    i16x8.extract_lane_u 7
    i32x4.splat
    f32.const 1.5
    f32x4.replace_lane 3
    local.set 2
    local.get 0
    local.get 1
    v128.load8_lane 1 offset=2 3
    local.set 2
    local.get 0
    local.get 2
    v128.store64_lane align=1 1
    local.get 0
    v128.load32_zero offset=4
    local.get 0
    v128.load16x4_s 1
    local.get 0
    v128.load8_splat
    v128.bitselect
    local.get 0
    v128.load align=4
    i32x4.dot_i16x8_s
    f64x2.promote_low_f32x4
    i32x4.trunc_sat_f64x2_u_zero
    local.get 2
    i16x8.q15mulr_sat_s
    local.get 0
    i8x16.shr_s))
