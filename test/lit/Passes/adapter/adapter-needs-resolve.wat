;; adapter works on the boundaries `resolve` records: on unfused components the pass manager
;; refuses the pipeline before running anything, naming the pass to run first.  On a plain core
;; module (no boundaries) it changes nothing.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes=adapter %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; CHECK: error: 'adapter' needs a core module: run 'resolve' first
;; RUN: wat2wasm %S/Inputs/plain-core.wat -o %t.core.wasm
;; RUN: %meldc -passes=adapter %t.core.wasm -o %t.core.out.wasm
;; RUN: cmp %t.core.wasm %t.core.out.wasm
(component
  (core module $M (func (export "f") (result i32) (i32.const 1)))
  (core instance $m (instantiate $M))
  (func (export "f") (result u32) (canon lift (core func $m "f"))))
