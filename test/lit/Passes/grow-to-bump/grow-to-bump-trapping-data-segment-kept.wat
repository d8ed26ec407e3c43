;; An active segment beyond the initial size traps at instantiation; with a larger reservation it
;; would not, so the pass refuses rather than remove the trap.  With the reservation equal to
;; the initial size (heap-pages=1) the trap stays and the pass runs.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: not %meldc -passes=grow-to-bump %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; CHECK: error: grow-to-bump: data segment 0 ends beyond the initial size of memory 0 and traps at instantiation; with a larger reservation it would not
;; RUN: %meldc -passes='grow-to-bump<heap-pages=1>' %t.wasm -o - | wasm2wat - | FileCheck %s --check-prefix=SAME
;; SAME: (memory (;0;) 1 1)
(module
  (memory 1 4)
  (data (i32.const 65535) "ab"))
