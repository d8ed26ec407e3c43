;; Values that lift_flat then lower_flat leave bit-identical (u32, s32, u64, s64, f32, f64, flags
;; with 32 labels, records and tuples of those), with no spilling and no post-return, need no
;; adapter: every call to the entry becomes a call to the callee's core function.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --explain --print-after=adapter 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.dce.wasm
;; RUN: %node %S/Inputs/run.mjs %t.dce.wasm run | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; The callee's core functions are 0..2, the entries 3..5 (forwarding bodies, left for dce);
;; the caller's `run` calls the callee's functions.
;; CHECK:      (func (;3;) (type 0) (param i32 i32) (result i32)
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   local.get 1
;; CHECK-NEXT:   call 0
;; CHECK-NEXT: )
;; CHECK-LABEL: (func (;6;)
;; CHECK: call 0
;; CHECK: call 1
;; CHECK: call 2
;; CHECK: explain: {{.*}}add: direct
;; CHECK: explain: {{.*}}mix: direct
;; CHECK: explain: {{.*}}pair: direct
;; After dce no entry is left: the callee's three functions and `run`.
;; RUN: wasm2wat --enable-multi-memory %t.dce.wasm | grep -c "^  (func" | FileCheck %s --check-prefix=NFUNCS
;; NFUNCS: {{^4$}}
;; EXEC-NOT: trap
;; EXEC: run = 42

(component
  (component $C
    (core module $M
      (func $add (export "add") (param i32 i32) (result i32)
        (i32.add (local.get 0) (local.get 1)))
      (func $mix (export "mix") (param i64 f32 f64 i32) (result i64)
        (i64.add (local.get 0)
          (i64.add (i64.trunc_f32_s (local.get 1))
            (i64.add (i64.trunc_f64_s (local.get 2)) (i64.extend_i32_u (local.get 3))))))
      (func $pair (export "pair") (param i32 f32) (result f32)
        (f32.add (f32.convert_i32_s (local.get 0)) (local.get 1))))
    (core instance $m (instantiate $M))
    (type $f32flags (flags "a0" "a1" "a2" "a3" "a4" "a5" "a6" "a7" "a8" "a9" "b0" "b1" "b2" "b3"
      "b4" "b5" "b6" "b7" "b8" "b9" "c0" "c1" "c2" "c3" "c4" "c5" "c6" "c7" "c8" "c9" "d0" "d1"))
    (export $fl "f32flags" (type $f32flags))
    (func (export "add") (param "a" u32) (param "b" s32) (result u32)
      (canon lift (core func $m "add")))
    (func (export "mix") (param "a" s64) (param "b" f32) (param "c" f64) (param "d" $fl) (result u64)
      (canon lift (core func $m "mix")))
    (func (export "pair") (param "p" (tuple s32 f32)) (result f32)
      (canon lift (core func $m "pair"))))
  (component $D
    (import "c" (instance $c
      (type $f32flags (flags "a0" "a1" "a2" "a3" "a4" "a5" "a6" "a7" "a8" "a9" "b0" "b1" "b2" "b3"
        "b4" "b5" "b6" "b7" "b8" "b9" "c0" "c1" "c2" "c3" "c4" "c5" "c6" "c7" "c8" "c9" "d0" "d1"))
      (export "f32flags" (type $fl (eq $f32flags)))
      (export "add" (func (param "a" u32) (param "b" s32) (result u32)))
      (export "mix" (func (param "a" s64) (param "b" f32) (param "c" f64) (param "d" $fl) (result u64)))
      (export "pair" (func (param "p" (tuple s32 f32)) (result f32)))))
    (core func $add (canon lower (func $c "add")))
    (core func $mix (canon lower (func $c "mix")))
    (core func $pair (canon lower (func $c "pair")))
    (core module $M
      (import "" "add" (func $add (param i32 i32) (result i32)))
      (import "" "mix" (func $mix (param i64 f32 f64 i32) (result i64)))
      (import "" "pair" (func $pair (param i32 f32) (result f32)))
      (func $run (export "run") (result i32)
        (if (i32.ne (call $add (i32.const -1) (i32.const 3)) (i32.const 2)) (then unreachable))
        (if (i64.ne (call $mix (i64.const -10) (f32.const 2.5) (f64.const 3.5) (i32.const 0xffffffff))
                    (i64.const 0xfffffffa)) (then unreachable))
        (if (f32.ne (call $pair (i32.const -2) (f32.const 0.5)) (f32.const -1.5)) (then unreachable))
        (i32.const 42)))
    (core instance $m (instantiate $M (with "" (instance
      (export "add" (func $add)) (export "mix" (func $mix)) (export "pair" (func $pair))))))
    (func (export "run") (result u32) (canon lift (core func $m "run"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "c" (instance $c))))
  (export "run" (func $d "run")))
