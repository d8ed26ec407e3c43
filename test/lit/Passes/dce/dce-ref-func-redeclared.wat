;; A passive segment that nothing copies into a table is dead, but it may be what declares a
;; function for ref.func.  dce removes it and declares that function again, so the module stays
;; valid (found by fuzzing).
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce --verify-each %t.wasm -o %t.out.wasm
;; RUN: wasm-validate %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: ref.func $target
;; CHECK-NOT: $unused
;; CHECK: (elem (;0;) declare func 0)
(module
  (func $target)
  (func $unused)
  (elem func $target $unused)
  (func (export "get") (result funcref) ref.func $target))
