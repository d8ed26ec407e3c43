;; convert_i32_to_char: a char crossing a boundary is checked -- surrogates (0xD800..0xDFFF) and
;; values from 0x110000 trap -- in arguments, results and in memory (list<char>).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm ok:0x10ffff ok:0xd7ff ok:0xe000 ok:0 \
;; RUN:   ok:0xd800 ok:0xdfff ok:0x110000 ok:-1 bad-result list-ok list-bad | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; The argument check of `echo` (entry 4): i >= 0x110000, then i - 0xD800 < 0x800.
;; CHECK:      (func (;4;) (type 1) (param i32) (result i32)
;; CHECK-NEXT:   (local i32)
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   i32.const 1114112
;; CHECK-NEXT:   i32.ge_u
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   i32.const 55296
;; CHECK-NEXT:   i32.sub
;; CHECK-NEXT:   i32.const 2048
;; CHECK-NEXT:   i32.lt_u
;; CHECK-NEXT:   if
;; CHECK-NEXT:     unreachable
;; CHECK-NEXT:   end
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   call 1

;; EXEC:      ok = 1114111
;; EXEC-NEXT: ok = 55295
;; EXEC-NEXT: ok = 57344
;; EXEC-NEXT: ok = 0
;; EXEC-NEXT: ok trap: unreachable
;; EXEC-NEXT: ok trap: unreachable
;; EXEC-NEXT: ok trap: unreachable
;; EXEC-NEXT: ok trap: unreachable
;; EXEC-NEXT: bad-result trap: unreachable
;; EXEC-NEXT: list-ok = 42
;; EXEC-NEXT: list-bad trap: unreachable

(component
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 256))
      (func (export "echo") (param i32) (result i32) (local.get 0))
      (func (export "bad") (result i32) (i32.const 0xdc00))
      (func (export "sum") (param $p i32) (param $n i32) (result i32)
        (if (i32.ne (local.get $n) (i32.const 2)) (then unreachable))
        (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))))
    (core instance $m (instantiate $M))
    (func (export "echo") (param "c" char) (result char) (canon lift (core func $m "echo")))
    (func (export "bad") (result char) (canon lift (core func $m "bad")))
    (func (export "sum") (param "l" (list char)) (result u32)
      (canon lift (core func $m "sum") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (component $D
    (import "echo" (func $echo (param "c" char) (result char)))
    (import "bad" (func $bad (result char)))
    (import "sum" (func $sum (param "l" (list char)) (result u32)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $echo' (canon lower (func $echo)))
    (core func $bad' (canon lower (func $bad)))
    (core func $sum' (canon lower (func $sum) (memory (core memory $mem "mem"))))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "echo" (func $echo (param i32) (result i32)))
      (import "" "bad" (func $bad (result i32)))
      (import "" "sum" (func $sum (param i32 i32) (result i32)))
      (func (export "ok") (param i32) (result i32) (call $echo (local.get 0)))
      (func (export "bad-result") (result i32) (call $bad))
      (func (export "list-ok") (result i32)
        (i32.store (i32.const 16) (i32.const 0x41))
        (i32.store (i32.const 20) (i32.const 0x10ffff))
        (if (i32.ne (call $sum (i32.const 16) (i32.const 2)) (i32.const 0x110040)) (then unreachable))
        (i32.const 42))
      (func (export "list-bad") (result i32)
        (i32.store (i32.const 16) (i32.const 0x41))
        (i32.store (i32.const 20) (i32.const 0xd800))
        (call $sum (i32.const 16) (i32.const 2))))
    (core instance $m (instantiate $M (with "" (instance (export "mem" (memory $mem "mem"))
      (export "echo" (func $echo')) (export "bad" (func $bad')) (export "sum" (func $sum'))))))
    (func (export "ok") (param "c" u32) (result u32) (canon lift (core func $m "ok")))
    (func (export "bad-result") (result u32) (canon lift (core func $m "bad-result")))
    (func (export "list-ok") (result u32) (canon lift (core func $m "list-ok")))
    (func (export "list-bad") (result u32) (canon lift (core func $m "list-bad"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "echo" (func $c "echo")) (with "bad" (func $c "bad"))
                               (with "sum" (func $c "sum"))))
  (export "ok" (func $d "ok"))
  (export "bad-result" (func $d "bad-result"))
  (export "list-ok" (func $d "list-ok"))
  (export "list-bad" (func $d "list-bad")))
