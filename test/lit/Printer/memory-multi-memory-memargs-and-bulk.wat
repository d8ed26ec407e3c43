;; Memory instructions: the memory index prints bare before the memarg when it is not 0
;; (`i32.load 1 offset=4`), `offset=` when not 0, `align=` when not the natural alignment
;; (an explicit natural alignment, as on the load8 and the f64.load below, is not printed).
;; Bulk memory operands follow the text order (memory before segment for memory.init).
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm --enable-multi-memory %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK:       (import "env" "mem" (memory (;0;) 1))
;; CHECK:       (memory (;1;) 2 65536)
;; CHECK-NEXT:  (memory (;2;) 0)
;; CHECK-LABEL: (func (;0;) (type 0) (param i32)
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i32.load
;; CHECK-NEXT:    i64.load offset=8 align=4
;; CHECK-NEXT:    i64.store 2 offset=4294967295
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i32.load8_u 1
;; CHECK-NEXT:    i32.store16 1 offset=2 align=1
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    f64.load 2 offset=16
;; CHECK-NEXT:    drop
;; CHECK-NEXT:    memory.size
;; CHECK-NEXT:    memory.grow 1
;; CHECK-NEXT:    memory.size 2
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    memory.fill 2
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    memory.copy
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    memory.copy 2 1
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    memory.init 1
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    memory.init 2 0
;; CHECK-NEXT:    data.drop 1
;; CHECK-NEXT:  )
(module
  (import "env" "mem" (memory 1))
  (memory 2 65536)
  (memory 0)
  (func (param i32)
    local.get 0
    local.get 0
    i32.load
    i64.load offset=8 align=4
    i64.store 2 offset=0xffffffff
    local.get 0
    local.get 0
    i32.load8_u 1 align=1
    i32.store16 1 offset=2 align=1
    local.get 0
    f64.load 2 offset=16 align=8
    drop
    memory.size
    memory.grow 1
    memory.size 2
    i32.const 0
    memory.fill 2
    i32.const 0 i32.const 0 i32.const 0
    memory.copy
    i32.const 0 i32.const 0 i32.const 0
    memory.copy 2 1
    i32.const 0 i32.const 0 i32.const 0
    memory.init 1
    i32.const 0 i32.const 0 i32.const 0
    memory.init 2 0
    data.drop 1)
  (data "passive")
  (data (i32.const 8) "second"))
