;; Every index immediate is checked against its index space; an index the typing needs
;; (local, global, function, label) stops typing that function, but the remaining
;; instructions still get their index checks.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: unknown local 2 in local.get (the function has 2)
;; CHECK: error: unknown global 3 in global.get (the module has 1)
;; CHECK: error: unknown function 9 in call (the module has 1)
;; CHECK: error: unknown label 2 in br (2 enclosing labels)
;; CHECK: error: unknown memory 0 in memory.size (the module has 0)
;; CHECK: error: unknown table 0 in table.size (the module has 0)
;; CHECK: error: unknown elem segment 0 in elem.drop (the module has 0)
;; CHECK: error: unknown type 5 in call_indirect (the module has 1)
;; CHECK-NOT: error:
(module
  (global i32 (i32.const 0))
  (func (param i32) (local f32)
    local.get 2
    global.get 3
    call 9
    block
      br 2
    end
    memory.size
    table.size 0
    elem.drop 0
    call_indirect (type 5)))
