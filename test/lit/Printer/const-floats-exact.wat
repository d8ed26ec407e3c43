;; Float constants print exactly: the shortest decimal that reads back to the same bits
;; (wat2wasm uses the correctly rounded strtof/strtod), inf, and NaNs with their payload
;; (`nan` is the canonical payload, `nan:0x...` any other, `-` for the sign bit).
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK-LABEL: (func (;0;) (type 0)
;; CHECK-NEXT:    f32.const 0
;; CHECK-NEXT:    f32.const -0
;; CHECK-NEXT:    f32.const 0.1
;; CHECK-NEXT:    f32.const -1.5
;; CHECK-NEXT:    f32.const 16777216
;; CHECK-NEXT:    f32.const 3.4028235e+38
;; CHECK-NEXT:    f32.const 1.1754944e-38
;; CHECK-NEXT:    f32.const 1.4013e-45
;; CHECK-NEXT:    f32.const 1.0000001
;; CHECK-NEXT:    f32.const inf
;; CHECK-NEXT:    f32.const -inf
;; CHECK-NEXT:    f32.const nan
;; CHECK-NEXT:    f32.const -nan
;; CHECK-NEXT:    f32.const nan:0x1
;; CHECK-NEXT:    f32.const nan:0x200000
;; CHECK-NEXT:    f32.const -nan:0x7fffff
;; CHECK-NEXT:    f64.const 0
;; CHECK-NEXT:    f64.const -0
;; CHECK-NEXT:    f64.const 0.1
;; CHECK-NEXT:    f64.const 0.30000000000000004
;; CHECK-NEXT:    f64.const 1e+21
;; CHECK-NEXT:    f64.const 1.7976931348623157e+308
;; CHECK-NEXT:    f64.const 2.2250738585072014e-308
;; CHECK-NEXT:    f64.const 4.94065645841247e-324
;; CHECK-NEXT:    f64.const 9007199254740994
;; CHECK-NEXT:    f64.const inf
;; CHECK-NEXT:    f64.const -inf
;; CHECK-NEXT:    f64.const nan
;; CHECK-NEXT:    f64.const -nan
;; CHECK-NEXT:    f64.const nan:0x1
;; CHECK-NEXT:    f64.const -nan:0xfffffffffffff
;; CHECK-NEXT:    f64.const nan:0x4000000000000
;; CHECK-NEXT:    drop
(module
  (func
    f32.const 0
    f32.const -0
    f32.const 0.1
    f32.const -1.5
    f32.const 16777217
    f32.const 0x1.fffffep+127
    f32.const 0x1p-126
    f32.const 0x1p-149
    f32.const 0x1.000002p+0
    f32.const inf
    f32.const -inf
    f32.const nan
    f32.const -nan
    f32.const nan:0x1
    f32.const nan:0x200000
    f32.const -nan:0x7fffff
    f64.const 0
    f64.const -0
    f64.const 0.1
    f64.const 0x1.3333333333334p-2
    f64.const 1e21
    f64.const 0x1.fffffffffffffp+1023
    f64.const 0x1p-1022
    f64.const 0x1p-1074
    f64.const 9007199254740994
    f64.const inf
    f64.const -inf
    f64.const nan
    f64.const -nan
    f64.const nan:0x1
    f64.const -nan:0xfffffffffffff
    f64.const nan:0x4000000000000
    drop drop drop drop drop drop drop drop drop drop drop drop drop drop drop drop
    drop drop drop drop drop drop drop drop drop drop drop drop drop drop drop drop))
