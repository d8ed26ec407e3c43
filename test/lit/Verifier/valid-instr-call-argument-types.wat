;; call pops the callee's parameters (last first) and pushes its results; call_indirect also
;; pops the i32 table index first.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in call: expected i64, found i32
;; CHECK: error: type mismatch in call_indirect: expected i32, found i64
;; CHECK: error: type mismatch in i32.eqz: expected i32, found f64
(module
  (type $t (func (param i32 i64) (result f64)))
  (table 1 funcref)
  (func $f (type $t) f64.const 0)
  (func
    i32.const 1
    i32.const 2
    call $f
    drop)
  (func
    i32.const 1
    i64.const 2
    i64.const 0
    call_indirect (type $t)
    drop)
  (func (result i32)
    i32.const 1
    i64.const 2
    call $f
    i32.eqz))
