;; The default reservation: the declared maximum when it is at most 256 pages (16 MiB), else
;; the initial size (no maximum, or a larger one).
;; RUN: split-file %s %t
;; RUN: wat2wasm %t/max256.wat -o %t/max256.wasm
;; RUN: %meldc -passes=grow-to-bump %t/max256.wasm -o - | wasm2wat - | FileCheck %s --check-prefix=MAX
;; MAX: (memory (;0;) 256 256)
;; MAX: (global (;0;) (mut i32) (i32.const 1))
;; RUN: wat2wasm %t/max257.wat -o %t/max257.wasm
;; RUN: %meldc -passes=grow-to-bump %t/max257.wasm -o - | wasm2wat - | FileCheck %s --check-prefix=BIG
;; BIG: (memory (;0;) 3 3)
;; BIG: (global (;0;) (mut i32) (i32.const 3))
;; RUN: wat2wasm %t/nomax.wat -o %t/nomax.wasm
;; RUN: %meldc -passes=grow-to-bump %t/nomax.wasm -o - | wasm2wat - | FileCheck %s --check-prefix=NOMAX
;; NOMAX: (memory (;0;) 5 5)
;; NOMAX: (global (;0;) (mut i32) (i32.const 5))
;; The counter starts at the initial size, whatever the reservation.
;; RUN: %meldc -passes='grow-to-bump<heap-pages=40>' %t/nomax.wasm -o - | wasm2wat - | FileCheck %s --check-prefix=PARAM
;; PARAM: (memory (;0;) 40 40)
;; PARAM: (global (;0;) (mut i32) (i32.const 5))
;--- max256.wat
(module (memory 1 256) (func (export "g") (param i32) (result i32) local.get 0 memory.grow))
;--- max257.wat
(module (memory 3 257) (func (export "g") (param i32) (result i32) local.get 0 memory.grow))
;--- nomax.wat
(module (memory 5) (func (export "g") (param i32) (result i32) local.get 0 memory.grow))
