;; Multi-memory: each memory gets its own counter and helper, memory immediates select them;
;; heap-pages=M:N sets one memory and overrides heap-pages=N, in any order.
;; RUN: wat2wasm --enable-multi-memory --debug-names %s -o %t.wasm
;; RUN: %meldc -passes='grow-to-bump<heap-pages=1:9;heap-pages=6>' --verify-each %t.wasm -o %t.out.wasm
;; RUN: wasm2wat --enable-multi-memory %t.out.wasm | FileCheck %s
;; CHECK: (func $f
;; CHECK-NEXT: i32.const 1
;; CHECK-NEXT: call $grow-to-bump.grow.1
;; CHECK-NEXT: drop
;; CHECK-NEXT: global.get $grow-to-bump.pages.0
;; CHECK-NEXT: drop
;; CHECK-NEXT: i32.const 2
;; CHECK-NEXT: call $grow-to-bump.grow.0
;; CHECK-NEXT: drop
;; CHECK-NEXT: global.get $grow-to-bump.pages.1)
;; CHECK: (func $grow-to-bump.grow.0
;; CHECK: i32.const 6
;; CHECK: (func $grow-to-bump.grow.1
;; CHECK: i32.const 9
;; CHECK: (memory $a 6 6)
;; CHECK: (memory $b 9 9)
;; CHECK: (global $grow-to-bump.pages.0 (mut i32) (i32.const 1))
;; CHECK: (global $grow-to-bump.pages.1 (mut i32) (i32.const 2))
(module
  (memory $a 1)
  (memory $b 2 100)
  (func $f (export "f") (result i32)
    (drop (memory.grow $b (i32.const 1)))
    (drop (memory.size $a))
    (drop (memory.grow $a (i32.const 2)))
    (memory.size $b)))
