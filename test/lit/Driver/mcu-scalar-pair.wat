;; The reported case, in WAT: two components, each with its own allocator behind cabi_realloc
;; (a bump allocator that calls memory.grow when it runs out) and each exporting it, one
;; importing an all-scalar function the other exports, the root exporting an all-scalar
;; function.  After --mcu: no cabi_realloc export, no memory.grow anywhere, exactly one memory,
;; static, and a core of at most 1 KiB that wasm-validate accepts.  The default pipeline keeps
;; both memories (multi-memory).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc --mcu --verify-each %t.wasm -o %t.out.wasm --explain 2>%t.explain
;; RUN: wasm-validate %t.out.wasm
;; RUN: %meldc -passes= -S %t.out.wasm -o - | FileCheck %s
;; RUN: python3 -c "import os, sys; n = os.path.getsize(sys.argv[1]); print(n); sys.exit(n > 1024)" %t.out.wasm
;; RUN: FileCheck %s --check-prefix=EXPLAIN < %t.explain
;; RUN: %meldc %t.wasm -S -o - | FileCheck %s --check-prefix=DEFAULT
;; RUN: %meldc --mcu --print-pipeline-passes | FileCheck %s --check-prefix=PIPELINE
;; RUN: not %meldc --mcu -passes=dce %t.wasm -o %t.bad.wasm 2>&1 | FileCheck %s --check-prefix=BOTH
;; CHECK-NOT:  cabi_realloc
;; CHECK-NOT:  memory.grow
;; CHECK:      (memory (;0;) [[P:[0-9]+]] [[P]])
;; CHECK-NOT:  (memory
;; CHECK:      (export "quad" (func
;; CHECK-NOT:  cabi_realloc
;; CHECK-NOT:  memory.grow
;; EXPLAIN: explain: {{.*}}/b -> {{.*}}/a: double: direct (func(x: u32) -> u32)
;; EXPLAIN: explain: drop-realloc: the outer boundary is all scalar: no memory, realloc or post-return is exported
;; DEFAULT: (memory (;0;) 1)
;; DEFAULT: (memory (;1;) 1)
;; PIPELINE: resolve,adapter,drop-realloc,dce,grow-to-bump,rebase,dce,opt<Oz>
;; BOTH: error: --mcu and -passes= both choose the pipeline: give one of them
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
