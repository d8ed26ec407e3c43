;; A core module instantiated twice is copied twice: each copy has its own global and memory.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve --verify-each -S %t.wasm -o - | FileCheck %s
;; CHECK: (memory (;0;) 1)
;; CHECK-NEXT: (memory (;1;) 1)
;; CHECK: (global (;0;) (mut i32) (i32.const 7))
;; CHECK-NEXT: (global (;1;) (mut i32) (i32.const 7))
;; CHECK: (export "first" (func 0))
;; CHECK: (export "second" (func 1))
(component
  (core module $counter
    (memory 1)
    (global $g (mut i32) (i32.const 7))
    (func (export "bump") (result i32)
      global.get $g i32.const 1 i32.add global.set $g global.get $g))
  (core instance $one (instantiate $counter))
  (core instance $two (instantiate $counter))
  (func (export "first") (result u32) (canon lift (core func $one "bump")))
  (func (export "second") (result u32) (canon lift (core func $two "bump"))))
