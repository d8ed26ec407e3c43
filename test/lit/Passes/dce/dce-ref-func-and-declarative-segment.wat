;; ref.func makes a function live; a declarative segment only declares, so it keeps the
;; entries of live functions and loses the rest.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm-validate %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (func $target
;; CHECK: ref.func $target
;; CHECK-NOT: $other
;; CHECK: (elem (;0;) declare func 0)
(module
  (func $target)
  (func $other)
  (func (export "get") (result funcref) ref.func $target)
  (elem declare func $target $other))
