;; Table and reference instructions: table indices always print (wabt 1.0.32 requires them);
;; table.init prints the table before the segment; call_indirect prints its table only when it
;; is not 0.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm --debug-names %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK:       (import "env" "t" (table (;0;) 1 funcref))
;; CHECK-NEXT:  (table (;1;) 0 10 externref)
;; CHECK-LABEL: (func $f (;0;) (type 0) (param externref) (result i32)
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    table.get 1
;; CHECK-NEXT:    ref.is_null
;; CHECK-NEXT:    drop
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    table.set 1
;; CHECK-NEXT:    ref.null extern
;; CHECK-NEXT:    i32.const 2
;; CHECK-NEXT:    table.grow 1
;; CHECK-NEXT:    drop
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    ref.func $f
;; CHECK-NEXT:    i32.const 1
;; CHECK-NEXT:    table.fill 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    table.copy 0 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    table.init 0 1
;; CHECK-NEXT:    elem.drop 0
;; CHECK-NEXT:    ref.null extern
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    call_indirect 2 (type 0)
;; CHECK-NEXT:    ref.null extern
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    call_indirect (type 0)
;; CHECK-NEXT:    i32.add
;; CHECK-NEXT:    table.size 2
;; CHECK-NEXT:    i32.add
;; CHECK-NEXT:  )
(module
  (type (func (param externref) (result i32)))
  (import "env" "t" (table 1 funcref))
  (table 0 10 externref)
  (table 1 funcref)
  (func $f (type 0)
    i32.const 0
    table.get 1
    ref.is_null
    drop
    i32.const 0
    local.get 0
    table.set 1
    ref.null extern
    i32.const 2
    table.grow 1
    drop
    i32.const 0
    ref.func $f
    i32.const 1
    table.fill 0
    i32.const 0 i32.const 0 i32.const 0
    table.copy 0 0
    i32.const 0 i32.const 0 i32.const 0
    table.init 0 1
    elem.drop 0
    ref.null extern
    i32.const 0
    call_indirect 2 (type 0)
    ref.null extern
    i32.const 0
    call_indirect (type 0)
    i32.add
    table.size 2
    i32.add)
  (elem declare func $f)
  (elem func $f))
