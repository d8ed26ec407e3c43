;; A memory that can still grow would overrun the next window: rebase refuses it and names the
;; pass that makes memories static.  Both kinds: a maximum above the minimum, and no maximum.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: not %meldc -passes=rebase %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; RUN: sed -e 's/(memory $b 1 3)/(memory $b 1 1)/' %s > %t.nomax.wat
;; RUN: wat2wasm --enable-multi-memory %t.nomax.wat -o %t.nomax.wasm
;; RUN: not %meldc -passes=rebase %t.nomax.wasm -o %t.out.wasm 2>&1 | FileCheck --check-prefix=NOMAX %s
;; CHECK: error: rebase: memory 1 can still grow (min 1, max 3): run grow-to-bump first
;; NOMAX: error: rebase: memory 2 can still grow (min 2, max none): run grow-to-bump first
(module
  (memory $a 1 1)
  (memory $b 1 3)
  (memory $c 2)
  (func (export "f") (result i32) (i32.load $b (i32.const 0))))
