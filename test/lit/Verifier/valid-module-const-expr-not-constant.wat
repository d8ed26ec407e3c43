;; Constant expressions (global initializers, segment offsets and element items) accept only
;; t.const, ref.null, ref.func, global.get and the extended-const add/sub/mul.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: constant expression required in the initializer of global 0: i32.ctz is not a constant instruction
;; CHECK: error: constant expression required in the offset of data segment 0: nop is not a constant instruction
(module
  (memory 1)
  (global i32 (i32.ctz (i32.const 0)))
  (data (offset (i32.const 0) (nop)) "x"))
