;; return pops the function's results from any depth; what follows is unreachable.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch in return: expected f32, found i32
(module
  (func (result f32)
    block
      loop
        i32.const 1
        return
      end
    end
    f32.const 0))
