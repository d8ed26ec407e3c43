;; threads: an atomic access must be exactly naturally aligned (a smaller hint is invalid too).
;; RUN: wat2wasm --enable-threads --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: alignment of an atomic access must be natural in i32.atomic.load: expected 2^2, found 2^1
;; CHECK: error: alignment of an atomic access must be natural in i64.atomic.rmw.add: expected 2^3, found 2^2
(module
  (memory 1 1 shared)
  (func (result i32)
    i32.const 0
    i32.atomic.load align=2)
  (func (result i64)
    i32.const 0
    i64.const 1
    i64.atomic.rmw.add align=4))
