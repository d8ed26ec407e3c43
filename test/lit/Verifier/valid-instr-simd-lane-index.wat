;; SIMD lane indices must be below the lane count of the shape (extract/replace_lane) or of
;; the access width (load/store_lane); i8x16.shuffle lanes index both operands (< 32).
;; RUN: %wasm-bytes %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: invalid lane index 4 in i32x4.extract_lane (4 lanes)
;; CHECK: error: invalid lane index 2 in v128.load64_lane (2 lanes)
;; CHECK: error: invalid lane index 32 in i8x16.shuffle (lane 15; 32 lanes)
magic version
section(1) { u32(1) 60 u32(1) 7b u32(1) 7f }                    ;; (v128) -> i32
section(3) { u32(1) u32(0) }
section(5) { u32(1) 00 u32(1) }
section(10) { u32(1) sized { u32(0)
  20 00 fd u32(0x1b) 04 1a                                       ;; i32x4.extract_lane 4, drop
  41 00 20 00 fd u32(0x57) 03 00 02 1a                           ;; v128.load64_lane lane 2, drop
  20 00 20 00 fd u32(0x0d) 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 20  ;; shuffle, lane 32
  fd u32(0x1b) 00                                                ;; i32x4.extract_lane 0
  0b } }
