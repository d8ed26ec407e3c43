(component
  ;; Two components, each exporting a string function with its own memory and realloc: two
  ;; arenas, behind "cabi_realloc" and "cabi_realloc$1".  `add` is all scalar.
  (component $A
    (core module $m
      (memory (export "memory") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
      (func (export "len") (param i32 i32) (result i32) (local.get 1)))
    (core instance $i (instantiate $m))
    (func (export "len") (param "s" string) (result u32)
      (canon lift (core func $i "len") (memory (core memory $i "memory"))
                  (realloc (core func $i "realloc")))))
  (component $B
    (core module $m
      (memory (export "memory") 2 2)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 2048))
      (func (export "first") (param i32 i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
    (core instance $i (instantiate $m))
    (func (export "first") (param "s" string) (result u32)
      (canon lift (core func $i "first") (memory (core memory $i "memory"))
                  (realloc (core func $i "realloc"))))
    (func (export "add") (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $i "add"))))
  (instance $a (instantiate $A))
  (instance $b (instantiate $B))
  (export "len" (func $a "len"))
  (export "first" (func $b "first"))
  (export "add" (func $b "add")))
