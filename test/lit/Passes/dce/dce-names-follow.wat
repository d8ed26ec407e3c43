;; Function and local names follow the renumbering; names of removed functions go.
;; RUN: wat2wasm --debug-names %s -o %t.wasm
;; RUN: %meldc -passes=dce %t.wasm -o %t.out.wasm
;; RUN: wasm-objdump -x -j name %t.out.wasm | FileCheck %s
;; CHECK: - func[0] <kept>
;; CHECK-NEXT: - func[0] local[0] <x>
;; CHECK-NOT: gone
(module
  (func $gone (param $y i32))
  (func $kept (export "kept") (param $x i32)))
