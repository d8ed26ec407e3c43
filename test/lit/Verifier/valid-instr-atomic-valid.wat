;; threads: atomic accesses, wait/notify and fence with natural alignment type-check, on a
;; shared memory and on an unshared one.
;; RUN: wat2wasm --enable-threads %s -o %t.wasm
;; RUN: %meldc --disable-output %t.wasm 2>&1 | count 0
(module
  (memory 1 2 shared)
  (func (param i32) (result i32)
    local.get 0
    i64.const 1
    i64.const 2
    i64.atomic.rmw.cmpxchg
    i32.wrap_i64
    local.get 0
    i32.const 0
    i64.const -1
    memory.atomic.wait32
    i32.add
    local.get 0
    i32.const 1
    memory.atomic.notify
    i32.add
    atomic.fence
    local.get 0
    i32.atomic.load8_u
    i32.add))
