;; Negative test: a resource a component of the program defines needs handle tables, which
;; fusion does not build yet: refused, naming the built-in.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes=resolve --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: canon resource.new: resources a component of the program defines are not supported by fusion yet
(component
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r)))
