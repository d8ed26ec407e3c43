;; Components see a core import's module and name as one name, so two imports of one module
;; (or module type) may not share both.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: duplicate import name `env:f`
(component
  (core module
    (import "env" "f" (func))
    (import "env" "f" (func))))
