;; A segment that writes into an imported memory is visible to the host: kept.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (import "env" "memory" (memory
;; CHECK: (data (;0;) (i32.const 0) "host-visible")
(module
  (import "env" "memory" (memory 1))
  (data (i32.const 0) "host-visible")
  (func (export "f")))
