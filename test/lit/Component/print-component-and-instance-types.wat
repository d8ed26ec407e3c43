;; Component and instance types print as blocks; their declarations number their own index
;; spaces (imports and exports included) and refer by index.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes= -S %t.wasm -o - | FileCheck %s --match-full-lines --strict-whitespace
;; CHECK:(component
;; CHECK-NEXT:  (type (;0;)
;; CHECK-NEXT:    (component
;; CHECK-NEXT:      (import "r" (type (;0;) (sub resource)))
;; CHECK-NEXT:      (type (;1;) (own 0))
;; CHECK-NEXT:      (type (;2;) (func (result 1)))
;; CHECK-NEXT:      (import "[constructor]r" (func (;0;) (type 2)))
;; CHECK-NEXT:      (core type (;0;) (func (param i32)))
;; CHECK-NEXT:      (export (;1;) "f" (func (type 2)))
;; CHECK-NEXT:    )
;; CHECK-NEXT:  )
;; CHECK-NEXT:  (type (;1;)
;; CHECK-NEXT:    (instance
;; CHECK-NEXT:      (alias outer 1 0 (type (;0;)))
;; CHECK-NEXT:      (export (;1;) "c" (type (eq 0)))
;; CHECK-NEXT:      (export (;2;) "t" (type (sub resource)))
;; CHECK-NEXT:    )
;; CHECK-NEXT:  )
;; CHECK-NEXT:  (type (;2;)
;; CHECK-NEXT:    (instance)
;; CHECK-NEXT:  )
;; CHECK-NEXT:)
(component
  (type (component
    (import "r" (type $r (sub resource)))
    (type $o (own $r))
    (type $f (func (result $o)))
    (import "[constructor]r" (func (type $f)))
    (core type (func (param i32)))
    (export "f" (func (type $f)))))
  (type (instance
    (alias outer 1 0 (type $c))
    (export "c" (type (eq $c)))
    (export "t" (type (sub resource)))))
  (type (instance))
)
