;; table.get/set/grow/fill use the table's element type for their reference operand or
;; result; table.size and the other bulk table instructions take and give i32.
;; RUN: split-file %s %t
;; RUN: wat2wasm %t/good.wat -o %t/good.wasm
;; RUN: %meldc --disable-output %t/good.wasm 2>&1 | count 0
;; RUN: wat2wasm --no-check %t/bad.wat -o %t/bad.wasm
;; RUN: not %meldc --disable-output %t/bad.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in table.grow: expected externref, found funcref
;; CHECK: error: type mismatch in table.fill: expected funcref, found externref
;; CHECK: error: type mismatch in ref.is_null: expected a reference, found i32
;--- good.wat
(module
  (table $f 1 funcref)
  (table $e 1 externref)
  (elem func 0)
  (func (param externref) (result i32)
    i32.const 0
    table.get $f
    ref.is_null
    i32.const 0
    local.get 0
    table.set $e
    local.get 0
    i32.const 2
    table.grow $e
    i32.add
    i32.const 0
    ref.null func
    i32.const 1
    table.fill $f
    table.size $e
    i32.add
    i32.const 0
    i32.const 0
    i32.const 1
    table.init $f 0
    i32.const 0
    i32.const 0
    i32.const 1
    table.copy $e $e
    elem.drop 0))
;--- bad.wat
(module
  (table $f 1 funcref)
  (table $e 1 externref)
  (func (result i32)
    ref.null func
    i32.const 1
    table.grow $e)
  (func
    i32.const 0
    ref.null extern
    i32.const 1
    table.fill $f)
  (func (result i32)
    i32.const 0
    ref.is_null))
