;; memory64 is refused when the module is read, so grow-to-bump only ever sees 32-bit memories
;; (its counter and helper are i32).
;; RUN: wat2wasm --enable-memory64 %s -o %t.wasm
;; RUN: not %meldc -passes=grow-to-bump %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; CHECK: error: {{.*}}memory64
(module
  (memory i64 1 4)
  (func (export "size") (result i64) memory.size))
