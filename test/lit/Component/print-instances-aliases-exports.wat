;; Core instances, component instances, aliases of every target, nested components and core
;; modules (printed by the core printer, re-headed `(core module`), imports with attributes and
;; exports with ascribed types, all in section order with their index comments.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes= -S %t.wasm -o - | FileCheck %s --match-full-lines --strict-whitespace
;; CHECK:(component $top
;; CHECK-NEXT:  (type (;0;) (func))
;; CHECK-NEXT:  (import "log" (external-id "console.log") (func $log (;0;) (type 0)))
;; CHECK-NEXT:  (core module $M (;0;)
;; CHECK-NEXT:    (type (;0;) (func))
;; CHECK-NEXT:    (export "f" (func 0))
;; CHECK-NEXT:    (func (;0;) (type 0)
;; CHECK-NEXT:    )
;; CHECK:  (core instance $m (;0;) (instantiate $M))
;; CHECK-NEXT:  (alias core export $m "f" (core func (;0;)))
;; CHECK-NEXT:  (core instance $bag (;1;) (export "g" (func 0)))
;; CHECK-NEXT:  (component $C (;0;)
;; CHECK-NEXT:    (type (;0;) (func))
;; CHECK-NEXT:    (import "x" (func (;0;) (type 0)))
;; CHECK-NEXT:    (export (;1;) "y" (func 0))
;; CHECK-NEXT:  )
;; CHECK-NEXT:  (instance $c (;0;) (instantiate $C (with "x" (func $log))))
;; CHECK-NEXT:  (alias export $c "y" (func $y (;1;)))
;; CHECK-NEXT:  (instance $i (;1;) (export "y" (func $y)))
;; CHECK-NEXT:  (export (;2;) "y" (func $y) (func (type 0)))
;; CHECK-NEXT:  (export (;2;) "i" (implements "ns:pkg/iface@1.0.0") (instance $i))
;; CHECK-NEXT:)
(component $top
  (import "log" (external-id "console.log") (func $log))
  (core module $M (func (export "f")))
  (core instance $m (instantiate $M))
  (core instance $bag (export "g" (func $m "f")))
  (component $C
    (import "x" (func))
    (export "y" (func 0)))
  (instance $c (instantiate $C (with "x" (func $log))))
  (alias export $c "y" (func $y))
  (instance $i (export "y" (func $y)))
  (export "y" (func $y) (func (type 0)))
  (export "i" (implements "ns:pkg/iface@1.0.0") (instance $i))
)
