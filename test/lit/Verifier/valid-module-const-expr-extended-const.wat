;; extended-const: i32/i64 add, sub and mul are accepted in constant expressions and typed.
;; RUN: split-file %s %t
;; RUN: wat2wasm --enable-extended-const %t/good.wat -o %t/good.wasm
;; RUN: %meldc --disable-output %t/good.wasm 2>&1 | count 0
;; RUN: wat2wasm --enable-extended-const --no-check %t/bad.wat -o %t/bad.wasm
;; RUN: not %meldc --disable-output %t/bad.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in the initializer of global 1: i32.add expects i32, found i64
;; CHECK: error: type mismatch in the offset of data segment 0: expected [i32], found [i32 i32]
;--- good.wat
(module
  (import "env" "base" (global i32))
  (global i64 (i64.mul (i64.const 3) (i64.sub (i64.const 10) (i64.const 4))))
  (global i32 (i32.add (global.get 0) (i32.const 16)))
  (memory 1)
  (data (i32.mul (global.get 0) (i32.const 2)) "x"))
;--- bad.wat
(module
  (import "env" "base" (global i32))
  (global i32 (i32.add (global.get 0) (i64.const 16)))
  (memory 1)
  (data (offset (i32.const 1) (i32.const 2)) "x"))
