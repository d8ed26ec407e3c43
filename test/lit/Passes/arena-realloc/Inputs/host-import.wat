(component
  ;; run() calls the host's get() -> string, whose result the host writes into this memory
  ;; through the caller's realloc (the lower options), and returns the hash f of string-sum.wat.
  (import "get" (func $get (result string)))
  (core module $mem
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $heap))
      (global.set $heap (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mi (instantiate $mem))
  (core func $get2 (canon lower (func $get) (memory (core memory $mi "memory"))
                                (realloc (core func $mi "realloc"))))
  (core module $m
    (import "host" "get" (func $get (param i32)))
    (import "mem" "memory" (memory 1))
    (func (export "run") (result i32)
      (local $ptr i32) (local $len i32) (local $h i32) (local $i i32)
      (call $get (i32.const 16))
      (local.set $ptr (i32.load (i32.const 16)))
      (local.set $len (i32.load (i32.const 20)))
      (local.set $h (local.get $len))
      (block $done
        (loop $more
          (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
          (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31))
                                 (i32.load8_u (i32.add (local.get $ptr) (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $more)))
      (local.get $h)))
  (core instance $i (instantiate $m (with "host" (instance (export "get" (func $get2))))
                                     (with "mem" (instance $mi))))
  (func (export "run") (result u32) (canon lift (core func $i "run"))))
