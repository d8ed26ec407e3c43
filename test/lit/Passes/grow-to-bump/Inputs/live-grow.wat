(component
  ;; The heap: a malloc that takes 64 KiB blocks from the top of its memory and grows the memory
  ;; when it runs out, returning NULL when memory.grow says -1 (as dlmalloc's sbrk does).
  ;; fill(n) mallocs n blocks in a loop, stamps each, and returns how many it got.
  (component $Heap
    (core module $m
      (memory (export "mem") 1)
      (global $top (mut i32) (i32.const 65536))
      (func $malloc (param $size i32) (result i32)
        (local $p i32)
        (if (i32.gt_u (i32.add (global.get $top) (local.get $size))
                      (i32.mul (memory.size) (i32.const 65536)))
          (then
            (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
              (then (return (i32.const 0))))))
        (local.set $p (global.get $top))
        (global.set $top (i32.add (global.get $top) (local.get $size)))
        (local.get $p))
      (func (export "fill") (param $n i32) (result i32)
        (local $got i32) (local $p i32)
        (block $done
          (loop $more
            (br_if $done (i32.ge_u (local.get $got) (local.get $n)))
            (local.set $p (call $malloc (i32.const 65536)))
            (br_if $done (i32.eqz (local.get $p)))
            (i32.store (local.get $p) (i32.const 0x48454150))
            (i32.store (i32.add (local.get $p) (i32.const 65532)) (local.get $got))
            (local.set $got (i32.add (local.get $got) (i32.const 1)))
            (br $more)))
        (local.get $got))
      (func (export "pages") (result i32) (memory.size)))
    (core instance $i (instantiate $m))
    (func (export "fill") (param "n" u32) (result u32) (canon lift (core func $i "fill")))
    (func (export "pages") (result u32) (canon lift (core func $i "pages"))))
  ;; The app: its own memory holds a canary in every byte of its two pages; run(n) asks the heap
  ;; for n blocks; checksum() hashes the app's whole memory; size() is its page count.
  (component $App
    (import "fill" (func $fill (param "n" u32) (result u32)))
    (core func $fill2 (canon lower (func $fill)))
    (core module $m
      (import "heap" "fill" (func $fill (param i32) (result i32)))
      (memory (export "mem") 2 2)
      (start $init)
      (func $init
        (memory.fill (i32.const 0) (i32.const 0xA5) (i32.const 131072)))
      (func (export "run") (param i32) (result i32) (call $fill (local.get 0)))
      (func (export "checksum") (result i32)
        (local $i i32) (local $h i32)
        (local.set $h (i32.const 2166136261))
        (block $done
          (loop $more
            (br_if $done (i32.ge_u (local.get $i) (i32.mul (memory.size) (i32.const 65536))))
            (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $i)))
                                   (i32.const 16777619)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $more)))
        (local.get $h))
      (func (export "size") (result i32) (memory.size)))
    (core instance $h (export "fill" (func $fill2)))
    (core instance $i (instantiate $m (with "heap" (instance $h))))
    (func (export "run") (param "n" u32) (result u32) (canon lift (core func $i "run")))
    (func (export "checksum") (result u32) (canon lift (core func $i "checksum")))
    (func (export "size") (result u32) (canon lift (core func $i "size"))))
  (instance $heap (instantiate $Heap))
  (instance $app (instantiate $App (with "fill" (func $heap "fill"))))
  (export "run" (func $app "run"))
  (export "checksum" (func $app "checksum"))
  (export "size" (func $app "size"))
  (export "pages" (func $heap "pages")))
