(component
  ;; The app's exported `count` forwards its string to the lib's `len` through an adapter that
  ;; copies it out of the app's memory: an arena block in that memory would cross the adapter.
  (component $Lib
    (core module $m
      (memory (export "memory") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
      (func (export "len") (param i32 i32) (result i32) (local.get 1)))
    (core instance $i (instantiate $m))
    (func (export "len") (param "s" string) (result u32)
      (canon lift (core func $i "len") (memory (core memory $i "memory"))
                  (realloc (core func $i "realloc")))))
  (component $App
    (import "len" (func $len (param "s" string) (result u32)))
    (core module $mem
      (memory (export "memory") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024)))
    (core instance $mi (instantiate $mem))
    (core func $len2 (canon lower (func $len) (memory (core memory $mi "memory"))))
    (core module $m
      (import "lib" "len" (func $len (param i32 i32) (result i32)))
      (func (export "count") (param i32 i32) (result i32) (call $len (local.get 0) (local.get 1))))
    (core instance $i (instantiate $m (with "lib" (instance (export "len" (func $len2))))))
    (func (export "count") (param "s" string) (result u32)
      (canon lift (core func $i "count") (memory (core memory $mi "memory"))
                  (realloc (core func $mi "realloc")))))
  (instance $lib (instantiate $Lib))
  (instance $app (instantiate $App (with "len" (func $lib "len"))))
  (export "count" (func $app "count")))
