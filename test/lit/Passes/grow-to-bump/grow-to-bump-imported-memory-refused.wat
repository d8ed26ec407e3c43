;; An imported memory's size is decided by the host: it cannot get a fixed reservation.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: not %meldc -passes=grow-to-bump %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; CHECK: error: grow-to-bump: memory 0 is imported ('env' 'memory'): its size is decided by the host, so it cannot be given a fixed reservation
(module
  (import "env" "memory" (memory 1 4))
  (func (export "size") (result i32) memory.size))
