;; A module without memories is left as it is, byte for byte.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -passes=grow-to-bump %t.wasm -o %t.out.wasm
;; RUN: cmp %t.wasm %t.out.wasm
(module (func (export "f") (result i32) i32.const 1))
