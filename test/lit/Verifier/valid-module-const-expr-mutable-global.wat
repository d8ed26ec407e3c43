;; global.get in a constant expression needs an immutable global.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: constant expression required in the offset of element segment 0: global.get 0 reads a mutable global
(module
  (import "env" "g" (global (mut i32)))
  (table 1 funcref)
  (func $f)
  (elem (global.get 0) $f))
