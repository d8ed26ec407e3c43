;; Block types may be type indices with parameters (multi-value): the parameters are popped
;; on entry and pushed inside; a loop's label carries its parameters, a block's its results.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc --disable-output %t.wasm 2>&1 | count 0
(module
  (type $pair (func (param i32 i64) (result i64 i32)))
  (type $one (func (param i32) (result i32)))
  (func (export "f") (param i32) (result i64 i32)
    local.get 0
    i64.const 7
    block (type $pair) (param i32 i64) (result i64 i32)
      drop
      drop
      i64.const 1
      i32.const 2
      local.get 0
      br_if 0
      drop
      drop
      i64.const 2
      i32.const 3
    end)
  (func (export "g") (result i32) (local i32)
    i32.const 10
    loop (type $one) (param i32) (result i32)
      i32.const 1
      i32.sub
      local.tee 0
      local.get 0
      br_if 0
    end
    drop
    i32.const 0)
  (func (param i32)
    local.get 0
    if (param) (result)
    end))
