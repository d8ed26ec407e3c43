;; Fixed-width SIMD instructions are typed from the opcode table: splats, lanes, loads with
;; lanes, shuffles, bitselect, comparisons and reductions.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc --disable-output %t.wasm 2>&1 | count 0
(module
  (memory 1)
  (func (param i32 v128) (result i32)
    local.get 0
    i8x16.splat
    local.get 1
    i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
    local.get 0
    local.get 1
    v128.load32_lane align=4 3
    local.get 1
    v128.bitselect
    f64.const 1
    f64x2.replace_lane 1
    i32x4.extract_lane 3
    local.get 1
    v128.any_true
    i32.add))
