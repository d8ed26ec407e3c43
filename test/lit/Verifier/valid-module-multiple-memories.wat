;; multi-memory: a module may define and import several memories; memory instructions name
;; any of them, and memory.copy copies between two.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: %meldc --disable-output %t.wasm 2>&1 | count 0
(module
  (import "env" "m" (memory $m0 1))
  (memory $m1 1 2)
  (memory $m2 0)
  (data (memory $m2) (i32.const 0) "abc")
  (func (result i32)
    i32.const 0
    i32.const 0
    i32.const 4
    memory.copy $m1 $m0
    i32.const 8
    i32.load $m1 offset=4
    memory.size $m2
    i32.add))
