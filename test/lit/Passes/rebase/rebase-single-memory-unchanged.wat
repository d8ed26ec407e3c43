;; One memory is already one address space: rebase leaves the module alone, even when the memory
;; can grow (there is no neighbour to overrun).
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -passes=rebase %t.wasm -o %t.out.wasm
;; RUN: cmp %t.wasm %t.out.wasm
(module
  (memory 1)
  (func (export "f") (result i32) (memory.grow (i32.const 1))))
