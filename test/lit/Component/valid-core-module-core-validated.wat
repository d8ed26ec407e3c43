;; Nested core modules are verified by the core verifier (meld_core_verify).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: {{.*}}i32.add
(component
  (core module (func i32.add)))
