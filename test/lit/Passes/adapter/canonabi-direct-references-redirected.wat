;; A direct boundary redirects every reference to its entry, not only calls: element segments
;; (call_indirect through the caller's table), ref.func in code and in global initialisers, and
;; a core export of the caller's instance that re-exports the lowered function.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: wasm2wat --enable-multi-memory %t.run.wasm | FileCheck %s --check-prefix=DCE
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm run | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; The callee's `double` is function 0, the entry 1: nothing refers to the entry any more.
;; CHECK:       (global (;0;) funcref (ref.func 0))
;; CHECK:       (elem (;0;) (i32.const 0) func 0)
;; CHECK:       (elem (;1;) declare func 0)
;; CHECK-LABEL: (func (;2;)
;; CHECK-NOT:   {{call|ref.func}} 1{{$}}
;; CHECK:       ref.func 0
;; CHECK-NOT:   {{call|ref.func}} 1{{$}}
;; DCE-COUNT-2: (func (;
;; DCE-NOT:     (func (;
;; EXEC: run = 42

(component
  (component $C
    (core module $M (func (export "double") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1))))
    (core instance $m (instantiate $M))
    (func (export "double") (param "x" u32) (result u32) (canon lift (core func $m "double"))))
  (component $D
    (import "double" (func $double (param "x" u32) (result u32)))
    (core func $double' (canon lower (func $double)))
    (core module $M
      (import "" "double" (func $double (param i32) (result i32)))
      (type $t (func (param i32) (result i32)))
      (table 1 funcref)
      (elem (i32.const 0) $double)
      (elem declare func $double)
      (global $g funcref (ref.func $double))
      (func (export "run") (result i32)
        (if (i32.ne (call_indirect (type $t) (i32.const 5) (i32.const 0)) (i32.const 10)) (then unreachable))
        (if (ref.is_null (ref.func $double)) (then unreachable))
        (if (ref.is_null (global.get $g)) (then unreachable))
        (i32.const 42)))
    (core instance $m (instantiate $M (with "" (instance (export "double" (func $double'))))))
    (func (export "run") (result u32) (canon lift (core func $m "run"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "double" (func $c "double"))))
  (export "run" (func $d "run")))
