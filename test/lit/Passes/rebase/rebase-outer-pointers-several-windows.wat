;; Exported memories are the outer boundary of a plain module: the host reads them at the
;; addresses the program uses, so their window must sit at base 0.  Two of them cannot both; the
;; pass refuses rather than hand the host shifted addresses.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: not %meldc -passes=rebase %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; CHECK: error: rebase: pointers cross the outer boundary into more than one memory (exported memory 'm0' is memory 0, exported memory 'm1' is memory 1); only one window can sit at base 0, and a module that was not fused has no function types to translate the others' pointers by
(module
  (memory (export "m0") 1 1)
  (memory (export "m1") 1 1))
