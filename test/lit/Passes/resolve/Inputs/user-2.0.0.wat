(component
  (import "test:math/ops@2.0.0" (instance $ops
    (export "add" (func (param "a" u32) (param "b" u32) (result u32)))))
  (alias export $ops "add" (func $add))
  (core func $add2 (canon lower (func $add)))
  (core module $m
    (import "ops" "add" (func $a (param i32 i32) (result i32)))
    (func (export "run") (result i32) i32.const 1 i32.const 2 call $a))
  (core instance $h (export "add" (func $add2)))
  (core instance $i (instantiate $m (with "ops" (instance $h))))
  (func (export "run") (result u32) (canon lift (core func $i "run"))))
