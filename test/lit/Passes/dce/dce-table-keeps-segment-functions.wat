;; A live table (here through call_indirect) keeps its active segments and their functions;
;; call_indirect's type index is renumbered after unused types go.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm-validate %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (type $t (func (result i32)))
;; CHECK-NEXT: (type (;1;) (func (param i32) (result i32)))
;; CHECK-NOT: (type
;; CHECK: (func $a (type $t)
;; CHECK: (func $b (type $t)
;; CHECK: call_indirect (type $t)
;; CHECK: (elem (;0;) (i32.const 0) func $a $b)
(module
  (type $unused (func (param f64)))
  (type $t (func (result i32)))
  (func $a (type $t) i32.const 1)
  (func $b (type $t) i32.const 2)
  (func $c (param f64))
  (table 2 funcref)
  (elem (i32.const 0) $a $b)
  (func (export "pick") (param i32) (result i32)
    local.get 0
    call_indirect (type $t)))
