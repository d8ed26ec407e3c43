;; Passive segments live only through memory.init/data.drop; indices and the data count
;; follow.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm-validate %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; CHECK: memory.init $used
;; CHECK: data.drop $used
;; CHECK: (data $used "used")
;; CHECK-NOT: (data
(module
  (memory (export "mem") 1)
  (data $unused "unused")
  (data $used "used")
  (func (export "init")
    (memory.init $used (i32.const 0) (i32.const 0) (i32.const 4))
    (data.drop $used)))
