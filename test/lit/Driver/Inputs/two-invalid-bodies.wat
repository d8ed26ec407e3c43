(module
  (func (result i32) (i32.add (i32.const 1) (i32.const 2)))
  (func (result i32) (i32.add (i32.const 1) (i64.const 2)))
  (func (param i32) (result i32) (local.get 0))
  (func (result f32) (f32.neg (i32.const 7)))
  (func (result i64) (i64.const 5)))
