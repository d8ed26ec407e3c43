;; An active segment that does not provably fit would trap at instantiation: it stays, and so
;; do its memory/table, so the module still traps exactly as before.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: (table (;0;) 1 funcref)
;; CHECK: (memory (;0;) 1)
;; CHECK: (elem (;0;) (i32.const 1) func $a)
;; CHECK: (data (;0;) (i32.const 65535) "xy")
(module
  (func $a)
  (table 1 funcref)
  (elem (i32.const 1) $a)
  (memory 1)
  (data (i32.const 65535) "xy")
  (func (export "f")))
