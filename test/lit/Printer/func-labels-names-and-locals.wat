;; Every function opens with `(func $name (;N;) (type T) ...` or `(func (;N;) ...`, imported
;; ones included; functions, locals and globals are referred to by name when they have one,
;; by index otherwise; unnamed locals are listed together whatever their declaration groups.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s --match-full-lines --strict-whitespace
;; Without a name section everything is an index.
;; RUN: wat2wasm %s -o %t.nonames.wasm
;; RUN: %meldc -S %t.nonames.wasm -o - | FileCheck %s --check-prefix=NONAMES
;; And the text assembles back to the same binary.
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm --debug-names %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK-LABEL:  (import "env" "log" (func $log (;0;) (type 0) (param i32)))
;; CHECK-NEXT:  (import "env" "anon" (func (;1;) (type 1) (param i32 i64) (result i32)))
;; CHECK-NEXT:  (global $counter (;0;) (mut i32) (i32.const 0))
;; CHECK-NEXT:  (global (;1;) i64 (i64.const 7))

;; CHECK-LABEL:  (func $add (;2;) (type 1) (param $a i32) (param i64) (result i32)
;; CHECK-NEXT:    (local $tmp i32) (local i32 i64 f32) (local $last v128)
;; CHECK-NEXT:    local.get $a
;; CHECK-NEXT:    local.get 1
;; CHECK-NEXT:    i32.wrap_i64
;; CHECK-NEXT:    i32.add
;; CHECK-NEXT:    local.tee $tmp
;; CHECK-NEXT:    local.set 3
;; CHECK-NEXT:    global.get $counter
;; CHECK-NEXT:    call $log
;; CHECK-NEXT:    local.get $a
;; CHECK-NEXT:    global.get 1
;; CHECK-NEXT:    call 1
;; CHECK-NEXT:  )

;; CHECK-LABEL:  (func (;3;) (type 2)
;; CHECK-NEXT:    i32.const 1
;; CHECK-NEXT:    i64.const 2
;; CHECK-NEXT:    call $add
;; CHECK-NEXT:    drop
;; CHECK-NEXT:  )

;; CHECK-LABEL:  (func $empty (;4;) (type 2)
;; CHECK-NEXT:  )
;; CHECK-NEXT:  ;; custom section "name", {{[0-9]+}} bytes
;; CHECK-NEXT:)

;; NONAMES: (import "env" "log" (func (;0;) (type 0) (param i32)))
;; NONAMES: (func (;2;) (type 1) (param i32 i64) (result i32)
;; NONAMES-NEXT: (local i32 i32 i64 f32 v128)
;; NONAMES-NEXT: local.get 0
;; NONAMES: global.get 0
;; NONAMES-NEXT: call 0
;; NONAMES: (func (;4;) (type 2)
(module
  (type (func (param i32)))
  (type (func (param i32 i64) (result i32)))
  (type (func))
  (import "env" "log" (func $log (type 0)))
  (import "env" "anon" (func (type 1)))
  (global $counter (mut i32) (i32.const 0))
  (global i64 (i64.const 7))
  (func $add (type 1) (param $a i32) (param i64) (result i32)
    (local $tmp i32) (local i32) (local i64 f32) (local $last v128)
    local.get $a
    local.get 1
    i32.wrap_i64
    i32.add
    local.tee $tmp
    local.set 3
    global.get $counter
    call $log
    local.get 0
    global.get 1
    call 1)
  (func (type 2)
    i32.const 1
    i64.const 2
    call $add
    drop)
  (func $empty (type 2)))
