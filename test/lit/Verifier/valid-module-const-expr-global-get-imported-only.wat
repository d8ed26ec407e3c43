;; WebAssembly 2.0: global.get in a constant expression may read only imported globals, for
;; global initializers and segment offsets alike.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: the initializer of global 2: unknown global 1 (constant expressions may only read the 1 imported globals)
;; CHECK: error: the offset of data segment 0: unknown global 1 (constant expressions may only read the 1 imported globals)
(module
  (import "env" "g" (global i32))
  (global i32 (i32.const 1))
  (global i32 (global.get 1))
  (memory 1)
  (data (global.get 1) "x"))
