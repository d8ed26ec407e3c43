;; The printed text is wasm-tools syntax: it assembles again and prints identically.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes= -S %t.wasm -o %t.wat
;; RUN: %wasm-tools parse %t.wat -o %t.again.wasm
;; RUN: %meldc -passes= -S %t.again.wasm -o %t.again.wat
;; RUN: diff %t.wat %t.again.wat
(component $outer
  (type $t (record (field "a" u32)))
  (import "t" (type $t' (eq $t)))
  (import "i" (instance $i
    (export "r" (type $r (sub resource)))
    (export "[method]r.m" (func (param "self" (borrow $r))))))
  (alias export $i "r" (type $r))
  (core module $M
    (memory (export "memory") 1)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "f") (param i32) (result i32) local.get 0))
  (core instance $m (instantiate $M))
  (func $f (param "x" $t') (result $t')
    (canon lift (core func $m "f") (memory (core memory $m "memory"))))
  (export "f" (func $f))
  (component $inner
    (type $u u8)
    (export "u" (type $u)))
  (instance (instantiate $inner))
)
