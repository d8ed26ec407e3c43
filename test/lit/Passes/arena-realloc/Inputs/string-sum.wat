(component
  ;; f(s) hashes the UTF-8 bytes of s (h = h * 31 + byte, from h = length).  The component's own
  ;; cabi_realloc is a bump allocator that grows the memory when it runs out, as a libc's would.
  (core module $m
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32)
                                  (param $size i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $heap (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
        (then
          (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $heap)
                                                                (i32.mul (memory.size) (i32.const 65536)))
                                                       (i32.const 16))
                                            (i32.const 1)))
                      (i32.const -1))
            (then unreachable))))
      (if (local.get $old)
        (then (memory.copy (local.get $p) (local.get $old) (local.get $old_size))))
      (local.get $p))
    (func (export "f") (param $ptr i32) (param $len i32) (result i32)
      (local $h i32) (local $i i32)
      (local.set $h (local.get $len))
      (block $done
        (loop $more
          (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
          (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31))
                                 (i32.load8_u (i32.add (local.get $ptr) (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $more)))
      (local.get $h)))
  (core instance $i (instantiate $m))
  (func (export "f") (param "s" string) (result u32)
    (canon lift (core func $i "f") (memory (core memory $i "memory"))
                (realloc (core func $i "cabi_realloc")))))
