;; A composed component: $A lifts `double`, $B imports it, lowers it and exports `quad`.  After
;; resolve the two core modules are one module with two memories; B's import is an entry (the
;; boundary `adapter` fills), the root's export is a core export, and --explain names both sides.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve --verify-each --explain --print-after=resolve --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: ; *** IR Dump After resolve ***
;; CHECK: (memory (;0;) 1)
;; CHECK-NEXT: (memory (;1;) 1)
;; Functions come in instantiation order: A's, then B's entry (made by its canon lower), then B's.
;; CHECK: (export "quad" (func 2))
;; CHECK: (func (;0;) (type 0) (param i32) (result i32)
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: i32.const 2
;; CHECK-NEXT: i32.mul
;; CHECK: (func (;1;) (type 0) (param i32) (result i32)
;; CHECK-NEXT: unreachable
;; CHECK: (func (;2;) (type 0) (param i32) (result i32)
;; CHECK-NEXT: local.get 0
;; CHECK-NEXT: call 1
;; CHECK-NEXT: call 1
;; CHECK: explain: {{.*}}/b -> {{.*}}/a: double: not adapted (func(x: u32) -> u32)
;; CHECK: explain: host -> {{.*}}/b: quad: core export "quad"
(component
  (component $A
    (core module $m
      (memory (export "mem") 1)
      (func (export "double") (param i32) (result i32)
        local.get 0 i32.const 2 i32.mul))
    (core instance $i (instantiate $m))
    (func (export "double") (param "x" u32) (result u32) (canon lift (core func $i "double"))))
  (component $B
    (import "double" (func $d (param "x" u32) (result u32)))
    (core func $d2 (canon lower (func $d)))
    (core module $m
      (import "host" "double" (func $double (param i32) (result i32)))
      (memory (export "mem") 1)
      (func (export "quad") (param i32) (result i32)
        local.get 0 call $double call $double))
    (core instance $h (export "double" (func $d2)))
    (core instance $i (instantiate $m (with "host" (instance $h))))
    (func (export "quad") (param "x" u32) (result u32) (canon lift (core func $i "quad"))))
  (instance $a (instantiate $A))
  (instance $b (instantiate $B (with "double" (func $a "double"))))
  (export "quad" (func $b "quad")))
