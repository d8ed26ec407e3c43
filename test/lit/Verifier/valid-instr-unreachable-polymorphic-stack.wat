;; After an unconditional branch the stack is polymorphic: missing operands match anything,
;; but values pushed afterwards are typed as usual.  br_table checks each label on its own
;; (two labels of one arity but different types meet at the bottom type).
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc --disable-output %t.wasm 2>&1 | count 0
(module
  (func (result i32)
    unreachable
    i32.add)
  (func (result i64)
    unreachable
    select
    i64.const 0
    i32.const 0
    select)
  (func
    block (result f64)
      block (result f32)
        unreachable
        i32.const 1
        br_table 0 1 1
      end
      drop
      f64.const 0
    end
    drop)
  (func (result i32)
    (return (i32.const 1))
    f64.add
    drop
    i32.const 1))
