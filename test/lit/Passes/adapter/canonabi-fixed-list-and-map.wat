;; Fixed-length lists flatten like tuples (list<u8, 4>: four i32, each truncated to 8 bits) and lie
;; inline in memory (list<char, 6> inside a spilled tuple: a loop validating each char); a map is
;; its despecialisation list<tuple<k, v>> (each key string copied, each value as is).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm run bad-char | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; `quad` (list<u8, 4>): four masks.
;; CHECK:      (func (;{{[0-9]+}};) (type {{[0-9]+}}) (param i32 i32 i32 i32) (result i32)
;; CHECK-COUNT-4: i32.const 255
;; CHECK:        call 1
;; `chars` (list<char, 6> and 16 u32: spilled): one loop of six char checks.
;; CHECK:      loop
;; CHECK:        i32.const 1114112
;; CHECK:        br_if 0
;; CHECK-NEXT: end
;; `lookup` (map<string, u32>): a loop over the entries calling the string helper.
;; CHECK:      loop
;; CHECK:        call $meld:string-utf8-to-utf8-mem1-mem0
;; EXEC:      run = 42
;; EXEC-NEXT: bad-char trap: unreachable

(component
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
        (global.set $next (i32.add (local.get $r) (local.get $nsize)))
        (local.get $r))
      (func (export "quad") (param i32 i32 i32 i32) (result i32)
        (i32.or (i32.or (local.get 0) (i32.shl (local.get 1) (i32.const 8)))
                (i32.or (i32.shl (local.get 2) (i32.const 16)) (i32.shl (local.get 3) (i32.const 24)))))
      ;; tuple<list<char, 6>, u32 x 16>: six chars at 0..24, then the u32s
      (func (export "chars") (param $p i32) (result i32)
        (i32.add (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p))))
      ;; map<string, u32> [("b", 2), ("zz", 26)]: sums key lengths * values
      (func (export "lookup") (param $p i32) (param $n i32) (result i32)
        (if (i32.ne (local.get $n) (i32.const 2)) (then unreachable))
        (if (i32.ne (i32.load8_u (i32.load (local.get $p))) (i32.const 0x62)) (then unreachable))
        (i32.add (i32.mul (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)))
                 (i32.mul (i32.load offset=16 (local.get $p)) (i32.load offset=20 (local.get $p))))))
    (core instance $m (instantiate $M))
    (func (export "quad") (param "q" (list u8 4)) (result u32) (canon lift (core func $m "quad")))
    (func (export "chars") (param "c" (list char 6))
      (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32) (param "a5" u32)
      (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32) (param "a10" u32) (param "a11" u32)
      (param "a12" u32) (param "a13" u32) (param "a14" u32) (param "a15" u32) (result u32)
      (canon lift (core func $m "chars") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "lookup") (param "m" (map string u32)) (result u32)
      (canon lift (core func $m "lookup") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (component $D
    (import "quad" (func $quad (param "q" (list u8 4)) (result u32)))
    (import "chars" (func $chars (param "c" (list char 6))
      (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32) (param "a5" u32)
      (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32) (param "a10" u32) (param "a11" u32)
      (param "a12" u32) (param "a13" u32) (param "a14" u32) (param "a15" u32) (result u32)))
    (import "lookup" (func $lookup (param "m" (map string u32)) (result u32)))
    (core module $Mem (memory (export "mem") 1)
      ;; six chars then sixteen u32s at 64
      (data (i32.const 64) "a\00\00\00b\00\00\00c\00\00\00d\00\00\00\ff\ff\10\00\05\00\00\00")
      ;; map entries at 200: ("b" at 240, 2), ("zz" at 244, 26)
      (data (i32.const 200) "\f0\00\00\00\01\00\00\00\02\00\00\00\f4\00\00\00\02\00\00\00\1a\00\00\00")
      (data (i32.const 240) "b\00\00\00zz"))
    (core instance $mem (instantiate $Mem))
    (core func $quad' (canon lower (func $quad)))
    (core func $chars' (canon lower (func $chars) (memory (core memory $mem "mem"))))
    (core func $lookup' (canon lower (func $lookup) (memory (core memory $mem "mem"))))
    (core module $Main
      (import "" "mem" (memory 1))
      (import "" "quad" (func $quad (param i32 i32 i32 i32) (result i32)))
      (import "" "chars" (func $chars (param i32) (result i32)))
      (import "" "lookup" (func $lookup (param i32 i32) (result i32)))
      (func (export "run") (result i32)
        (if (i32.ne (call $quad (i32.const 0x101) (i32.const 0x202) (i32.const 0x303) (i32.const 0x404))
                    (i32.const 0x04030201)) (then unreachable))
        (if (i32.ne (call $chars (i32.const 64)) (i32.const 0x110004)) (then unreachable))
        (if (i32.ne (call $lookup (i32.const 200) (i32.const 2)) (i32.const 54)) (then unreachable))
        (i32.const 42))
      (func (export "bad-char") (result i32)
        (i32.store (i32.const 72) (i32.const 0xdfff))
        (call $chars (i32.const 64))))
    (core instance $main (instantiate $Main (with "" (instance (export "mem" (memory $mem "mem"))
      (export "quad" (func $quad')) (export "chars" (func $chars')) (export "lookup" (func $lookup'))))))
    (func (export "run") (result u32) (canon lift (core func $main "run")))
    (func (export "bad-char") (result u32) (canon lift (core func $main "bad-char"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "quad" (func $c "quad")) (with "chars" (func $c "chars"))
                               (with "lookup" (func $c "lookup"))))
  (export "run" (func $d "run"))
  (export "bad-char" (func $d "bad-char")))
