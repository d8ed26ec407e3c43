(module
  (memory (export "memory") 1)
  (func (export "f") (result i32) (i32.load (i32.const 0))))
