;; Start functions run in instantiation order, from one synthesized start function.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve --verify-each -S %t.wasm -o - | FileCheck %s
;; CHECK: (start [[START:[0-9]+]])
;; CHECK: (func (;[[START]];) (type {{[0-9]+}})
;; CHECK-NEXT: call 0
;; CHECK-NEXT: call 1
(component
  (core module $first
    (global (export "g") (mut i32) (i32.const 0))
    (func $init i32.const 1 global.set 0)
    (start $init))
  (core module $second
    (import "first" "g" (global $g (mut i32)))
    (func $init global.get $g i32.const 10 i32.mul global.set $g)
    (start $init))
  (core instance $a (instantiate $first))
  (core instance $b (instantiate $second (with "first" (instance $a)))))
