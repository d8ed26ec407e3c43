;; Two "components" in one multi-memory module, each with its own memory, shadow stack pointer
;; and bump heap, both storing pointers in memory and doing pointer arithmetic on them; $b_take
;; copies a string out of window $a into window $b as an adapter would (memory.copy across
;; memories).  Used by rebase-computed-pointers-runtime.test.
(module
  (memory $a (export "memory") 1 1)
  (memory $b 2 2)
  (global $sp_a (mut i32) (i32.const 65536))
  (global $sp_b (mut i32) (i32.const 131072))
  (global $heap_a (mut i32) (i32.const 256))
  (global $heap_b (mut i32) (i32.const 512))
  (data (memory $a) (i32.const 16) "hello from a")
  (data (memory $b) (i32.const 32) "\05\00\00\00\07\00\00\00")
  (data $tail "-tail")

  ;; A linked list in $a: node = {value: i32, next: ptr}; returns the head pointer.
  (func $a_build (export "a_build") (param $n i32) (result i32)
    (local $head i32) (local $node i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $node (global.get $heap_a))
        (global.set $heap_a (i32.add (global.get $heap_a) (i32.const 8)))
        (i32.store $a (local.get $node) (i32.mul (local.get $n) (local.get $n)))
        (i32.store $a offset=4 (local.get $node) (local.get $head))
        (local.set $head (local.get $node))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $head))

  (func $a_sum (export "a_sum") (param $p i32) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $p)))
        (local.set $s (i32.add (local.get $s) (i32.load $a (local.get $p))))
        (local.set $p (i32.load $a offset=4 (local.get $p)))
        (br $l)))
    (local.get $s))

  ;; A frame on $a's shadow stack: fill it, write through computed addresses, copy part of it
  ;; to the heap, sum bytes through a pointer stored in the frame.
  (func $a_frame (export "a_frame") (param $x i32) (result i32)
    (local $fp i32) (local $i i32) (local $s i32) (local $dst i32)
    (local.set $fp (i32.sub (global.get $sp_a) (i32.const 64)))
    (global.set $sp_a (local.get $fp))
    (memory.fill $a (local.get $fp) (i32.const 3) (i32.const 64))
    (i32.store8 $a offset=9 (local.get $fp) (local.get $x))
    (i32.store $a offset=60 (local.get $fp) (i32.add (local.get $fp) (i32.const 8)))
    (local.set $dst (global.get $heap_a))
    (global.set $heap_a (i32.add (global.get $heap_a) (i32.const 16)))
    (memory.copy $a $a (local.get $dst) (i32.load $a offset=60 (local.get $fp)) (i32.const 16))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.const 16)))
        (local.set $s (i32.add (local.get $s)
          (i32.load8_u $a (i32.add (local.get $dst) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (global.set $sp_a (i32.add (local.get $fp) (i32.const 64)))
    (i32.add (local.get $s) (memory.size $a)))

  ;; Copies `len` bytes at `src` in $a into a fresh buffer of $b (an adapter's copy), appends
  ;; "-tail" with memory.init, stores {ptr, len} on $b's shadow stack and returns the sum of the
  ;; copied bytes read back through that stored pointer, plus a 64-bit and a SIMD access.
  (func $b_take (export "b_take") (param $src i32) (param $len i32) (result i64)
    (local $buf i32) (local $fp i32) (local $i i32) (local $s i64) (local $p i32)
    (local.set $buf (global.get $heap_b))
    (global.set $heap_b (i32.add (global.get $heap_b) (i32.add (local.get $len) (i32.const 8))))
    (memory.copy $b $a (local.get $buf) (local.get $src) (local.get $len))
    (memory.init $b $tail (i32.add (local.get $buf) (local.get $len)) (i32.const 0) (i32.const 5))
    (local.set $fp (i32.sub (global.get $sp_b) (i32.const 16)))
    (global.set $sp_b (local.get $fp))
    (i32.store $b (local.get $fp) (local.get $buf))
    (i32.store $b offset=4 (local.get $fp) (i32.add (local.get $len) (i32.const 5)))
    (local.set $p (i32.load $b (local.get $fp)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.load $b offset=4 (local.get $fp))))
        (local.set $s (i64.add (local.get $s)
          (i64.load8_u $b (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i64.store $b offset=8 (local.get $fp) (local.get $s))
    (v128.store $b (i32.const 64) (v128.load $b (i32.const 32)))
    (global.set $sp_b (i32.add (local.get $fp) (i32.const 16)))
    (i64.add (i64.load $b offset=8 (local.get $fp))
      (i64.add (i64.load $b (i32.const 64)) (i64.extend_i32_u (memory.size $b)))))

  (func (export "hash_b") (result i32)
    (local $i i32) (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i)
          (i32.shl (memory.size $b) (i32.const 16))))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u $b (local.get $i)))
          (i32.const 0x01000193)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $h))

  ;; memory.grow on a static memory: 0 answers the size, anything else fails.
  (func (export "grow") (param i32) (result i32) (memory.grow $b (local.get 0)))

  ;; Stores a byte at any address of $a (the checks test stores out of its window).
  (func (export "poke_a") (param i32) (i32.store8 $a (local.get 0) (i32.const 0x5a)))
  (func (export "peek_b") (param i32) (result i32) (i32.load8_u $b (local.get 0))))
