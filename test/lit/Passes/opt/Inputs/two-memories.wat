(module
  (memory 1 1)
  (memory 1 1)
  (func (export "f") (result i32) (i32.load 1 (i32.const 0))))
