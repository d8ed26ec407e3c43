;; A valid component using resources, instance-typed imports, instantiation with type and
;; resource arguments, bags of exports and export ascription is accepted, verified and written
;; back byte for byte.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes= %t.wasm -o %t.out.wasm
;; RUN: cmp %t.wasm %t.out.wasm
(component
  (import "wasi:io/streams@0.2.0" (instance $io
    (export "output-stream" (type $os (sub resource)))
    (export "[method]output-stream.write" (func (param "self" (borrow $os)) (param "b" (list u8))))))
  (alias export $io "output-stream" (type $os))
  (type $R (resource (rep i32)))
  (export $R' "r" (type $R))
  (component $C
    (import "t" (type $t (sub resource)))
    (import "s" (type (sub resource)))
    (export "t2" (type $t)))
  (instance $c (instantiate $C (with "t" (type $R')) (with "s" (type $os))))
  (instance $bag (export "t" (type $c "t2")))
  (export "bag" (instance $bag) (instance)))
