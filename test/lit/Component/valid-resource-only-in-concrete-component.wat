;; Binary.md: resource types cannot be defined inside component or instance types.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: resources can only be defined within a concrete component
(component
  (type (instance (type (resource (rep i32))))))
