;; A constant expression of one instruction prints folded: `(i32.const 0)`.  A longer one
;; (extended constant expressions) prints flat: bare after a global's type, inside `(offset ...)`
;; for segment offsets.
;; RUN: wat2wasm --enable-extended-const %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s --match-full-lines --strict-whitespace
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm --enable-extended-const %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK:  (global (;1;) i32 global.get 0 i32.const 16 i32.add)
;; CHECK-NEXT:  (global (;2;) i64 i64.const 3 i64.const 10 i64.const 4 i64.sub i64.mul)
;; CHECK-NEXT:  (global (;3;) i32 (global.get 0))
;; CHECK-NEXT:  (elem (;0;) (offset global.get 0 i32.const 1 i32.sub) func)
;; CHECK-NEXT:  (data (;0;) (offset global.get 0 i32.const 8 i32.add) "x")
;; CHECK-NEXT:  (data (;1;) (i32.const 0) "y")
(module
  (import "env" "base" (global i32))
  (memory 1)
  (table 2 funcref)
  (global i32 (i32.add (global.get 0) (i32.const 16)))
  (global i64 (i64.mul (i64.const 3) (i64.sub (i64.const 10) (i64.const 4))))
  (global i32 (global.get 0))
  (elem (i32.sub (global.get 0) (i32.const 1)) func)
  (data (i32.add (global.get 0) (i32.const 8)) "x")
  (data (i32.const 0) "y"))
