;; canon lift's post-return runs once, after the results were copied to the caller, with the
;; callee's core results as its arguments: here it checks the pointer it gets, then wipes the
;; string it returned; the caller still sees its own copy.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm run | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; The entry of `get`: call, copy the string into the caller's memory, then post-return with the
;; callee's result, last.
;; CHECK:      (func (;5;) (type 2) (param i32)
;; CHECK:        call 1
;; CHECK-NEXT:   local.set [[R:[0-9]+]]
;; CHECK:        call $meld:string-utf8-to-utf8-mem0-mem1
;; CHECK:        i32.store 1 offset=4
;; CHECK-NEXT:   local.get [[R]]
;; CHECK-NEXT:   call 2
;; CHECK-NEXT: )
;; EXEC: run = 42

(component
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (global $posts (mut i32) (i32.const 0))
      (data (i32.const 100) "hello")
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (unreachable))
      (func (export "get") (result i32)
        (i32.store (i32.const 8) (i32.const 100))
        (i32.store (i32.const 12) (i32.const 5))
        (i32.const 8))
      (func (export "get-post") (param $r i32)
        (if (i32.ne (local.get $r) (i32.const 8)) (then unreachable))
        (memory.fill (i32.const 100) (i32.const 0) (i32.const 5))
        (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
      (func (export "posts") (result i32) (global.get $posts)))
    (core instance $m (instantiate $M))
    (func (export "get") (result string)
      (canon lift (core func $m "get") (memory (core memory $m "mem")) (post-return (core func $m "get-post"))))
    (func (export "posts") (result u32) (canon lift (core func $m "posts"))))
  (component $D
    (import "get" (func $get (result string)))
    (import "posts" (func $posts (result u32)))
    (core module $Libc
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 512)))
    (core instance $libc (instantiate $Libc))
    (core func $get' (canon lower (func $get) (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))))
    (core func $posts' (canon lower (func $posts)))
    (core module $Main
      (import "" "mem" (memory 1))
      (import "" "get" (func $get (param i32)))
      (import "" "posts" (func $posts (result i32)))
      (func (export "run") (result i32)
        (call $get (i32.const 16))
        (if (i32.ne (i32.load (i32.const 16)) (i32.const 512)) (then unreachable))
        (if (i32.ne (i32.load (i32.const 20)) (i32.const 5)) (then unreachable))
        (if (i32.ne (i32.load (i32.const 512)) (i32.const 0x6c6c6568)) (then unreachable)) ;; "hell"
        (if (i32.ne (call $posts) (i32.const 1)) (then unreachable))
        (i32.const 42)))
    (core instance $main (instantiate $Main (with "" (instance (export "mem" (memory $libc "mem"))
      (export "get" (func $get')) (export "posts" (func $posts'))))))
    (func (export "run") (result u32) (canon lift (core func $main "run"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "get" (func $c "get")) (with "posts" (func $c "posts"))))
  (export "run" (func $d "run")))
