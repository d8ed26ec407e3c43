;; grow-to-bump's bounds checks: memory 0 can grow (1 page, reservation 4), so every access to it
;; calls a check helper first -- one per memory and width, and one for ranges -- which traps when
;; the access ends beyond the page counter and starts below the reservation (262144 bytes):
;; loads and stores with their offset and width, memory.fill and memory.copy with their length,
;; the copy's source too when it is the memory that grows.  Memory 1 is static (2 pages, reservation 2): its accesses are left alone,
;; and a body that only touches it stays as it was.  `unchecked` leaves every check out.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: %meldc -passes=grow-to-bump --verify-each %t.wasm -S -o - | FileCheck %s
;; RUN: %meldc -passes='grow-to-bump<unchecked>' %t.wasm -S -o - | FileCheck %s --check-prefix=UNCHECKED
;; RUN: %meldc -passes=grow-to-bump %t.wasm -o %t.out.wasm
;; RUN: wasm-validate --enable-multi-memory %t.out.wasm
;; CHECK-LABEL: (func (;0;) (type 0) (param i32) (result i32)
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i32.const 8
;; CHECK-NEXT:    call $grow-to-bump.check4.0
;; CHECK-NEXT:    i32.load offset=8
;; CHECK-LABEL: (func (;1;) (type 1) (param i32 i64)
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 1
;; CHECK-NEXT:    i64.store 1
;; CHECK-LABEL: (func (;2;) (type 2) (param i32 i32)
;; CHECK:         local.set [[N:[0-9]+]]
;; CHECK-NEXT:    local.set [[V:[0-9]+]]
;; CHECK-NEXT:    local.get [[N]]
;; CHECK-NEXT:    call $grow-to-bump.check-range.0
;; CHECK-NEXT:    local.get [[V]]
;; CHECK-NEXT:    local.get [[N]]
;; CHECK-NEXT:    memory.fill
;; CHECK-LABEL: (func (;3;) (type 3) (param i32 i32 i32)
;; CHECK:         local.set 4
;; CHECK-NEXT:    local.set 3
;; CHECK-NEXT:    local.get 3
;; CHECK-NEXT:    local.get 4
;; CHECK-NEXT:    call $grow-to-bump.check-range.0
;; CHECK-NEXT:    local.get 4
;; CHECK-NEXT:    memory.copy 1 0
;; The helpers: [start, end) against the page counter and the reservation (262144 bytes); the
;; trap is an out-of-bounds load; the address goes back to the access.
;; CHECK-LABEL: (func $grow-to-bump.check4.0 {{.*}} (param i32 i32) (result i32)
;; CHECK-NEXT:    (local i64)
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i64.extend_i32_u
;; CHECK-NEXT:    local.get 1
;; CHECK-NEXT:    i64.extend_i32_u
;; CHECK-NEXT:    i64.add
;; CHECK-NEXT:    local.tee 2
;; CHECK-NEXT:    i64.const 4
;; CHECK-NEXT:    i64.add
;; CHECK-NEXT:    global.get $grow-to-bump.pages.0
;; CHECK-NEXT:    i64.extend_i32_u
;; CHECK-NEXT:    i64.const 16
;; CHECK-NEXT:    i64.shl
;; CHECK-NEXT:    i64.gt_u
;; CHECK-NEXT:    local.get 2
;; CHECK-NEXT:    i64.const 262144
;; CHECK-NEXT:    i64.lt_u
;; CHECK-NEXT:    i32.and
;; CHECK-NEXT:    if
;; CHECK-NEXT:      i32.const -1
;; CHECK-NEXT:      i32.load
;; CHECK-NEXT:      drop
;; CHECK-NEXT:    end
;; CHECK-NEXT:    local.get 0
;; CHECK-LABEL: (func $grow-to-bump.check-range.0 {{.*}} (param i32 i32) (result i32)
;; CHECK-NEXT:    (local i64)
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    i64.extend_i32_u
;; CHECK-NEXT:    local.tee 2
;; CHECK-NEXT:    local.get 1
;; CHECK-NEXT:    i64.extend_i32_u
;; CHECK-NEXT:    i64.add
;; UNCHECKED-NOT: check
(module
  (memory $grows 1 4)
  (memory $static 2 2)
  (func (export "load") (param i32) (result i32)
    (i32.load offset=8 (local.get 0)))
  (func (export "store") (param i32 i64)
    (i64.store $static (local.get 0) (local.get 1)))
  (func (export "fill") (param i32 i32)
    (memory.fill (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "copy") (param i32 i32 i32)
    (memory.copy $static $grows (local.get 0) (local.get 1) (local.get 2))))
