;; Numeric instructions take their operand types from the opcode table's sig column; the
;; error names the instruction, the expected and the actual type, at the instruction's offset.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: {{.*}}.wasm:0x000023: error: type mismatch in i32.add: expected i32, found f64
;; CHECK-NOT: error:
(module
  (func (result i32)
    (i32.add (i32.const 1) (f64.const 2))))
