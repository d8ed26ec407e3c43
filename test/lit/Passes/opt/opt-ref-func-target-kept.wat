;; A function only `ref.func` names (declared by a declarative element segment) and that a
;; table.set puts where call_indirect reads: binaryen 108's remove-unused-module-elements would
;; turn its body into `unreachable`.  opt hands binaryen such segments as passive ones, so the
;; function keeps its code (from the component-model suite, linking/unit.wast, fused).
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -passes='opt<Oz>' --verify-each -S %t.wasm -o - | FileCheck %s
;; RUN: %meldc -passes='opt<remove-unused-module-elements>' -S %t.wasm -o - | FileCheck %s
;; CHECK:     (elem (;{{[0-9]+}};) declare func [[TWENTY:[0-9]+]])
;; CHECK:     (func (;[[TWENTY]];) (type {{[0-9]+}}) (result i32)
;; CHECK-NEXT:  i32.const 20
(module
  (type $t (func (result i32)))
  (table 1 funcref)
  (func $ten (result i32) (i32.const 10))
  (func $twenty (result i32) (i32.const 20))
  (elem (i32.const 0) func $ten)
  (elem declare func $twenty)
  (func (export "set-twenty") (table.set 0 (i32.const 0) (ref.func $twenty)))
  (func (export "call") (result i32) (call_indirect (type $t) (i32.const 0))))
