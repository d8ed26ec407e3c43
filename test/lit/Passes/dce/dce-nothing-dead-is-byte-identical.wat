;; When nothing is dead the module is left alone: written back byte for byte.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: cmp %t.wasm %t.out.wasm
(module
  (memory (export "memory") 1)
  (func $g (result i32) i32.const 1)
  (func (export "f") (result i32) call $g))
