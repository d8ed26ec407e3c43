;; An active data segment needs its memory; a passive one does not.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: data segment 1: unknown memory 0 (the module has 0)
;; CHECK-NOT: error:
(module
  (data "passive")
  (data (i32.const 0) "active"))
