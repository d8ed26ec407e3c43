(component
  (core module $m
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  (core instance $i (instantiate $m))
  (type $f (func (param "a" u32) (param "b" u32) (result u32)))
  (func $add (type $f) (canon lift (core func $i "add")))
  (instance $ops (export "add" (func $add)))
  (export "test:math/ops@1.2.3" (instance $ops)))
