;; global.set needs a mutable global.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: global is immutable: global.set 0
(module
  (global i32 (i32.const 0))
  (func
    i32.const 1
    global.set 0))
