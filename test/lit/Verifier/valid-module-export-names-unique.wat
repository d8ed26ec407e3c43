;; Export names are unique across all export kinds.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: duplicate export name "run" (exports 0 and 2)
;; CHECK-NOT: error:
(module
  (func (export "run"))
  (memory (export "memory") 1)
  (global (export "run") i32 (i32.const 0)))
