;; Flat instructions, one per line, two spaces of indentation per open block; `else` and `end`
;; line up with their opening instruction; the body's own `end` is implicit.  Block types print
;; as nothing, `(result t)`, or `(type N)` followed by the signature wat2wasm checks it against.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s --match-full-lines --strict-whitespace
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK:  (type (;1;) (func (param i32 i32) (result i32)))
;; CHECK-LABEL:  (func (;0;) (type 0) (param i32) (result i32)
;; CHECK-NEXT:    block
;; CHECK-NEXT:      loop (result i32)
;; CHECK-NEXT:        local.get 0
;; CHECK-NEXT:        if (result i32)
;; CHECK-NEXT:          i32.const 1
;; CHECK-NEXT:          br 2
;; CHECK-NEXT:        else
;; CHECK-NEXT:          i32.const 2
;; CHECK-NEXT:        end
;; CHECK-NEXT:        local.get 0
;; CHECK-NEXT:        br_table 0 1 1 0
;; CHECK-NEXT:      end
;; CHECK-NEXT:      drop
;; CHECK-NEXT:    end
;; CHECK-NEXT:    i32.const 3
;; CHECK-NEXT:    i32.const 4
;; CHECK-NEXT:    block (type 1) (param i32 i32) (result i32)
;; CHECK-NEXT:      i32.add
;; CHECK-NEXT:    end
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    br_if 0
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    select
;; CHECK-NEXT:    f32.const 1
;; CHECK-NEXT:    f32.const 2
;; CHECK-NEXT:    local.get 0
;; CHECK-NEXT:    select (result f32)
;; CHECK-NEXT:    drop
;; CHECK-NEXT:    if
;; CHECK-NEXT:      unreachable
;; CHECK-NEXT:    end
;; CHECK-NEXT:    nop
;; CHECK-NEXT:    i32.const 0
;; CHECK-NEXT:    return
;; CHECK-NEXT:  )
(module
  (type (func (param i32) (result i32)))
  (type (func (param i32 i32) (result i32)))
  (func (type 0)
    block
      loop (result i32)
        local.get 0
        if (result i32)
          i32.const 1
          br 2
        else
          i32.const 2
        end
        local.get 0
        br_table 0 1 1 0
      end
      drop
    end
    i32.const 3
    i32.const 4
    block (type 1)
      i32.add
    end
    local.get 0
    br_if 0
    local.get 0
    local.get 0
    select
    f32.const 1
    f32.const 2
    local.get 0
    select (result f32)
    drop
    if
      unreachable
    end
    nop
    i32.const 0
    return))
