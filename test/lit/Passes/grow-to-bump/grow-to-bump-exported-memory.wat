;; An exported memory stays exported, static: the host sees R pages and cannot grow it (its
;; maximum is its size).  A memory nothing grows still gets its counter.  An in-bounds active
;; segment is fine whatever the reservation.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -passes=grow-to-bump --verify-each %t.wasm -o - | wasm2wat - | FileCheck %s
;; CHECK: (memory (;0;) 8 8)
;; CHECK: (export "memory" (memory 0))
;; CHECK: (data (;0;) (i32.const 65534) "ab")
(module
  (memory (export "memory") 1 8)
  (data (i32.const 65534) "ab")
  (func (export "size") (result i32) memory.size))
