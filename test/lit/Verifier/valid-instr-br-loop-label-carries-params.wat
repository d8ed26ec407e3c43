;; A branch to a loop carries the loop's parameters, not its results.
;; RUN: split-file %s %t
;; RUN: wat2wasm %t/good.wat -o %t/good.wasm
;; RUN: %meldc --disable-output %t/good.wasm 2>&1 | count 0
;; RUN: wat2wasm --no-check %t/bad.wat -o %t/bad.wasm
;; RUN: not %meldc --disable-output %t/bad.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in br_if: expected i64, found i32
;--- good.wat
(module
  (func (result i32)
    i64.const 3
    loop (param i64) (result i32)
      i64.const 1
      i64.sub
      i32.const 1
      br_if 0
      drop
      i32.const 7
    end))
;--- bad.wat
(module
  (func (result i32)
    i64.const 3
    loop (param i64) (result i32)
      drop
      i32.const 7
      i32.const 1
      br_if 0
    end))
