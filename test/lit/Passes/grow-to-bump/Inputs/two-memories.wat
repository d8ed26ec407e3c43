(module
  (memory 1)
  (memory 3 10)
  (func (export "f") (result i32) (memory.grow 1 (i32.const 1))))
