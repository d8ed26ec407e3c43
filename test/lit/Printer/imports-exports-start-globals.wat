;; Imports of every kind in binary order, each with its index comment; exports refer to
;; functions and globals by name, to tables and memories by index; the start function; global
;; initializers print folded when they are one instruction.  Fields follow binary section order.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s --match-full-lines --strict-whitespace
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm --debug-names %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK:(module
;; CHECK-NEXT:  (type (;0;) (func))
;; CHECK-NEXT:  (type (;1;) (func (param i32 f64) (result i64 v128)))
;; CHECK-NEXT:  (import "wasi:io/streams@0.2.0" "[method]output-stream.write" (func $write (;0;) (type 1) (param i32 f64) (result i64 v128)))
;; CHECK-NEXT:  (import "env" "table" (table $tab (;0;) 1 2 funcref))
;; CHECK-NEXT:  (import "env" "memory" (memory $mem (;0;) 1))
;; CHECK-NEXT:  (import "env" "sp" (global $sp (;0;) (mut i32)))
;; CHECK-NEXT:  (import "env" "k" (global (;1;) f32))
;; CHECK-NEXT:  (import "\00\22q\22\5c" "\e2\98\83" (func (;1;) (type 0)))
;; CHECK-NEXT:  (global $g (;2;) (mut i64) (i64.const -5))
;; CHECK-NEXT:  (global (;3;) f32 (global.get 1))
;; CHECK-NEXT:  (global (;4;) funcref (ref.func $init))
;; CHECK-NEXT:  (global (;5;) externref (ref.null extern))
;; CHECK-NEXT:  (global (;6;) v128 (v128.const i32x4 0x00000001 0x00000000 0x00000000 0x00000000))
;; CHECK-NEXT:  (export "init" (func $init))
;; CHECK-NEXT:  (export "anon" (func 1))
;; CHECK-NEXT:  (export "tab" (table 0))
;; CHECK-NEXT:  (export "mem" (memory 0))
;; CHECK-NEXT:  (export "g" (global $g))
;; CHECK-NEXT:  (export "k" (global 1))
;; CHECK-NEXT:  (start $init)
;; CHECK-NEXT:  (func $init (;2;) (type 0)
;; CHECK-NEXT:  )
;; CHECK-NEXT:  ;; custom section "name", {{[0-9]+}} bytes
;; CHECK-NEXT:)
(module
  (type (func))
  (type (func (param i32 f64) (result i64 v128)))
  (import "wasi:io/streams@0.2.0" "[method]output-stream.write" (func $write (type 1)))
  (import "env" "table" (table $tab 1 2 funcref))
  (import "env" "memory" (memory $mem 1))
  (import "env" "sp" (global $sp (mut i32)))
  (import "env" "k" (global f32))
  (import "\00\"q\"\\" "\u{2603}" (func (type 0)))
  (global $g (mut i64) (i64.const -5))
  (global f32 (global.get 1))
  (global funcref (ref.func $init))
  (global externref (ref.null extern))
  (global v128 (v128.const i64x2 1 0))
  (export "init" (func $init))
  (export "anon" (func 1))
  (export "tab" (table $tab))
  (export "mem" (memory $mem))
  (export "g" (global $g))
  (export "k" (global 1))
  (start $init)
  (func $init (type 0)))
