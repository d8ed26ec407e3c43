;; All br_table targets must carry as many values as the default label.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in br_table: label 0 carries 1 values but the default label 1 carries 0
(module
  (func
    block
      block (result i32)
        i32.const 0
        i32.const 1
        br_table 0 1
      end
      drop
    end))
