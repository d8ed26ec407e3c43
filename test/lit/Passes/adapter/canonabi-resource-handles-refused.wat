;; Resource handles (own, borrow) need per-instance handle tables, which this version does not
;; generate: a boundary passing one is refused, naming the function and both instances.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: rm -f %t.out.wasm
;; RUN: not %meldc %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; RUN: not test -e %t.out.wasm
;; CHECK: error: adapter: cannot adapt the call to 'take' from '{{.*}}/d' to '{{.*}}/c': parameter 'r' (own<resource {{[0-9]+}}>) passes a resource handle; resource handles (own, borrow) are not supported yet
;; CHECK: error: adapter: cannot adapt the call to 'peek' from '{{.*}}/d' to '{{.*}}/c': parameter 'r' (list<borrow<resource {{[0-9]+}}>>) passes a resource handle; resource handles (own, borrow) are not supported yet
;; CHECK-NOT: error

(component
  (import "r" (type $r (sub resource)))
  (component $C
    (import "r" (type $r (sub resource)))
    (core module $M
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 16))
      (func (export "take") (param i32))
      (func (export "peek") (param i32 i32)))
    (core instance $m (instantiate $M))
    (func (export "take") (param "r" (own $r)) (canon lift (core func $m "take")))
    (func (export "peek") (param "r" (list (borrow $r)))
      (canon lift (core func $m "peek") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (component $D
    (import "r" (type $r (sub resource)))
    (import "take" (func $take (param "r" (own $r))))
    (import "peek" (func $peek (param "r" (list (borrow $r)))))
    (core func $take' (canon lower (func $take)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $peek' (canon lower (func $peek) (memory (core memory $mem "mem"))))
    (core module $M
      (import "" "take" (func $take (param i32)))
      (import "" "peek" (func $peek (param i32 i32)))
      (func (export "run") (call $take (i32.const 1)) (call $peek (i32.const 0) (i32.const 0))))
    (core instance $m (instantiate $M (with "" (instance (export "take" (func $take')) (export "peek" (func $peek'))))))
    (func (export "run") (canon lift (core func $m "run"))))
  (instance $c (instantiate $C (with "r" (type $r))))
  (instance $d (instantiate $D (with "r" (type $r)) (with "take" (func $c "take")) (with "peek" (func $c "peek"))))
  (export "run" (func $d "run")))
