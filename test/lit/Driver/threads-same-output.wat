;; --threads splits the checking and renumbering of function bodies over threads; the output
;; and the diagnostics must not depend on the count.  --parallel-min-code=0 (a testing option)
;; makes even this small program take the threaded paths: the verifier's parallel quiet check,
;; resolve's and dce's parallel renumbering (meld_code_remap_many).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc --threads=1 %t.wasm -o %t.1.wasm
;; RUN: %meldc --threads=3 --parallel-min-code=0 %t.wasm -o %t.3.wasm
;; RUN: cmp %t.1.wasm %t.3.wasm
;; RUN: %meldc --threads=1 --mcu %t.wasm -o %t.mcu1.wasm
;; RUN: %meldc --threads=2 --parallel-min-code=0 --mcu --verify-each %t.wasm -o %t.mcu2.wasm
;; RUN: cmp %t.mcu1.wasm %t.mcu2.wasm
;;
;; A core module with two invalid bodies among valid ones: the same report, in the same order.
;; RUN: wat2wasm --no-check %S/Inputs/two-invalid-bodies.wat -o %t.bad.wasm
;; RUN: not %meldc --threads=1 %t.bad.wasm -o %t.bad.out 2> %t.err1
;; RUN: not %meldc --threads=4 --parallel-min-code=0 %t.bad.wasm -o %t.bad.out 2> %t.err4
;; RUN: FileCheck %s --check-prefix=BAD < %t.err4
;; RUN: diff %t.err1 %t.err4
;; BAD: error: type mismatch in i32.add: expected i32, found i64
;; BAD-NEXT: error: type mismatch in f32.neg: expected f32, found i32
;; BAD-NOT: error
;;
;; RUN: not %meldc --threads=0 %t.wasm -o %t.x 2>&1 | FileCheck %s --check-prefix=ZERO
;; RUN: not %meldc --threads=65 %t.wasm -o %t.x 2>&1 | FileCheck %s --check-prefix=MANY
;; RUN: not %meldc --threads=two %t.wasm -o %t.x 2>&1 | FileCheck %s --check-prefix=WORD
;; ZERO: error: invalid --threads value '0' (expected a count from 1 to 64)
;; MANY: error: invalid --threads value '65' (expected a count from 1 to 64)
;; WORD: error: invalid --threads value 'two' (expected a count from 1 to 64)
(component
  (component $A
    (core module $m
      (memory (export "mem") 1)
      (global $heap (mut i32) (i32.const 1024))
      (data (i32.const 16) "provider")
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $heap))
        (global.set $heap (i32.add (local.get $p) (local.get 3)))
        (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
          (then (drop (memory.grow (i32.const 1)))))
        (local.get $p))
      (func (export "double") (param i32) (result i32)
        (i32.add (i32.load8_u (i32.const 16)) (i32.mul (local.get 0) (i32.const 2)))))
    (core instance $i (instantiate $m))
    (func (export "double") (param "x" u32) (result u32)
      (canon lift (core func $i "double") (memory (core memory $i "mem"))
                  (realloc (core func $i "cabi_realloc")))))
  (component $B
    (import "double" (func $d (param "x" u32) (result u32)))
    (core func $d2 (canon lower (func $d)))
    (core module $m
      (import "host" "double" (func $double (param i32) (result i32)))
      (memory (export "mem") 1)
      (global $heap (mut i32) (i32.const 2048))
      (data (i32.const 32) "consumer")
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $heap))
        (global.set $heap (i32.add (local.get $p) (local.get 3)))
        (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
          (then (drop (memory.grow (i32.const 1)))))
        (local.get $p))
      (func (export "quad") (param i32) (result i32)
        (i32.add (i32.load8_u (i32.const 32)) (call $double (call $double (local.get 0))))))
    (core instance $h (export "double" (func $d2)))
    (core instance $i (instantiate $m (with "host" (instance $h))))
    (func (export "quad") (param "x" u32) (result u32)
      (canon lift (core func $i "quad") (memory (core memory $i "mem"))
                  (realloc (core func $i "cabi_realloc")))))
  (instance $a (instantiate $A))
  (instance $b (instantiate $B (with "double" (func $a "double"))))
  (export "quad" (func $b "quad")))
