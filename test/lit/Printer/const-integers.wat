;; Integer constants print as signed decimals, exactly, at both ends of their range.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK-LABEL: (func (;0;) (type 0)
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const -1
;; CHECK-NEXT:    i32.const 2147483647
;; CHECK-NEXT:    i32.const -2147483648
;; CHECK-NEXT:    i32.const -1
;; CHECK-NEXT:    i64.const 0
;; CHECK-NEXT:    i64.const -1
;; CHECK-NEXT:    i64.const 9223372036854775807
;; CHECK-NEXT:    i64.const -9223372036854775808
;; CHECK-NEXT:    i64.const -1
;; CHECK-NEXT:    i64.const 4294967296
(module
  (func
    i32.const 0
    i32.const -1
    i32.const 0x7fffffff
    i32.const 0x80000000
    i32.const 0xffffffff
    i64.const 0
    i64.const -1
    i64.const 0x7fffffffffffffff
    i64.const 0x8000000000000000
    i64.const 0xffffffffffffffff
    i64.const 0x100000000
    drop drop drop drop drop drop drop drop drop drop drop))
