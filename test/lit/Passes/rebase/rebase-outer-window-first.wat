;; The one exported memory goes to base 0 whatever its index; the others follow in index order.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: %meldc -passes=rebase %t.wasm -o %t.out.wasm
;; RUN: wasm2wat %t.out.wasm | FileCheck %s
;; RUN: wasm-objdump -s -j meldc.layout %t.out.wasm | tr -d '\n' | sed -e 's/[0-9a-f]*: [0-9a-f ]*  //g' | FileCheck --check-prefix=LAYOUT %s
;; CHECK: i32.const 0
;; CHECK-NEXT: i32.load offset=65536
;; CHECK-NEXT: i32.const 0
;; CHECK-NEXT: i32.load offset=196608
;; CHECK-NEXT: i32.const 0
;; CHECK-NEXT: i32.load{{$}}
;; CHECK: (memory (;0;) 4 4)
;; CHECK-NEXT: (export "host" (memory 0))
;; LAYOUT: "pages": 4
;; The one memory keeps the name of the window at base 0.
;; RUN: wat2wasm --enable-multi-memory --debug-names %s -o %t.named.wasm
;; RUN: %meldc -passes=rebase %t.named.wasm -o %t.named.out.wasm
;; RUN: wasm2wat %t.named.out.wasm | FileCheck --check-prefix=NAMES %s
;; NAMES: (memory $c 4 4)
(module
  (memory $a 2 2)
  (memory $b 1 1)
  (memory $c (export "host") 1 1)
  (func (export "f") (result i32)
    (i32.load $a (i32.const 0))
    (i32.load $b (i32.const 0))
    (i32.load $c (i32.const 0))
    drop drop))
