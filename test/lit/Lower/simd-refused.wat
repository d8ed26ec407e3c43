;; SIMD is refused with an error naming the function and the instruction; no output is written.
;; RUN: rm -rf %t && mkdir %t
;; RUN: wat2wasm --debug-names %s -o %t/s.wasm
;; RUN: wat2wasm %s -o %t/anon.wasm
;; RUN: not %meldc %t/anon.wasm --emit=llvm -o - 2>&1 | FileCheck %s --check-prefix=ANON
;; RUN: not %meldc %t/s.wasm --emit=obj -o %t/s.o 2>&1 | FileCheck %s
;; RUN: not test -e %t/s.o
;; RUN: not test -e %t/s.h
(module
  (func $scalar (export "scalar") (result i32) (i32.const 1))
  (func $splat (export "splat") (param i32) (result i32)
    (i32x4.extract_lane 0 (i32x4.splat (local.get 0)))))
;; CHECK: s.wasm:0x{{[0-9a-f]+}}: error: function 1 ($splat): SIMD instruction 'i32x4.splat' is not supported by the backend
;; ANON: anon.wasm:0x{{[0-9a-f]+}}: error: function 1 (export "splat"): SIMD instruction 'i32x4.splat' is not supported by the backend
