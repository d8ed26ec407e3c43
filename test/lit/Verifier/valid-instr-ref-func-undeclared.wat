;; ref.func in a function body may only name a function that is "declared": named by an
;; element segment, an export or a global initializer (C.refs).  Bodies and the start function
;; do not declare.
;; RUN: split-file %s %t
;; RUN: wat2wasm --no-check %t/bad.wat -o %t/bad.wasm
;; RUN: not %meldc --disable-output %t/bad.wasm 2>&1 | FileCheck %s
;; RUN: wat2wasm %t/good.wat -o %t/good.wasm
;; RUN: %meldc --disable-output %t/good.wasm 2>&1 | count 0
;; CHECK: error: undeclared function reference: ref.func 1 needs the function in an element segment, an export or a global initializer
;; CHECK-NOT: error:
;--- bad.wat
(module
  (func $f0 (result funcref) ref.func $f1)
  (func $f1)
  (start $f1)
  (elem declare func $f0))
;--- good.wat
(module
  (func $a)
  (func $b)
  (func $c)
  (func $d)
  (global funcref (ref.func $b))
  (export "c" (func $c))
  (elem declare func $a)
  (func (export "use")
    ref.func $a
    ref.func $b
    ref.func $c
    drop
    drop
    drop))
