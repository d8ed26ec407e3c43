;; Threads: shared memories print `shared` after their limits; atomic accesses print like other
;; memory accesses (their alignment is always natural); atomic.fence has no immediate.
;; RUN: wat2wasm --enable-threads --enable-multi-memory %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm --enable-threads --enable-multi-memory %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK:       (import "env" "shared" (memory (;0;) 1 16 shared))
;; CHECK-NEXT:  (memory (;1;) 2 2 shared)
;; CHECK-LABEL: (func (;0;) (type 0) (param i32) (result i32)
;; CHECK-NEXT:    atomic.fence
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i32.atomic.load offset=4
;; CHECK-NEXT:    i32.atomic.rmw.add 1 offset=8
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i64.const 1
;; CHECK-NEXT:    i64.const 2
;; CHECK-NEXT:    i64.atomic.rmw32.cmpxchg_u 1
;; CHECK-NEXT:    i64.const -1
;; CHECK-NEXT:    memory.atomic.wait64
;; CHECK-NEXT:    i32.add
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i32.const 1
;; CHECK-NEXT:    memory.atomic.notify 1 offset=16
;; CHECK-NEXT:    i32.add
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i32.atomic.store8
;; CHECK-NEXT:  )
(module
  (import "env" "shared" (memory 1 16 shared))
  (memory 2 2 shared)
  (func (param i32) (result i32)
    atomic.fence
    local.get 0
    local.get 0
    i32.atomic.load offset=4
    i32.atomic.rmw.add 1 offset=8
    local.get 0
    local.get 0
    i64.const 1
    i64.const 2
    i64.atomic.rmw32.cmpxchg_u 1
    i64.const -1
    memory.atomic.wait64
    i32.add
    local.get 0
    i32.const 1
    memory.atomic.notify 1 offset=16
    i32.add
    local.get 0
    local.get 0
    i32.atomic.store8))
