;; A shared memory is grown atomically by other threads, which the bump helper does not do.
;; RUN: wat2wasm --enable-threads %s -o %t.wasm
;; RUN: not %meldc -passes=grow-to-bump %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; CHECK: error: grow-to-bump: memory 0 is shared: other threads grow it atomically, which grow-to-bump does not implement
(module
  (memory 1 4 shared)
  (func (export "size") (result i32) memory.size))
