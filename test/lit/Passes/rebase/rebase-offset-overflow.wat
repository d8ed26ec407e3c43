;; A static offset plus the window base must still fit the 32-bit memarg offset.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: not %meldc -passes=rebase %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; CHECK: error: rebase: function 0: i32.load offset 4294967292 plus the window base 0x10000 of memory 1 does not fit in 32 bits
(module
  (memory $a 1 1)
  (memory $b 1 1)
  (func (export "f") (param i32) (result i32) (i32.load $b offset=4294967292 (local.get 0))))
