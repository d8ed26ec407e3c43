;; Active data segments move by their window's base; an offset that is not a constant cannot
;; (extended constant expressions are not supported), and a segment that does not fit its memory
;; would trap at instantiation before rebase and write into the next window after it.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: not %meldc -passes=rebase %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; RUN: sed -e 's/(global.get $g)/(i32.const 65535)/' %s > %t.big.wat
;; RUN: wat2wasm --enable-multi-memory %t.big.wat -o %t.big.wasm
;; RUN: not %meldc -passes=rebase %t.big.wasm -o %t.out.wasm 2>&1 | FileCheck --check-prefix=BIG %s
;; CHECK: error: rebase: data segment 0: only a constant (i32.const) offset can be moved into its window
;; BIG: error: rebase: data segment 0 (offset 65535, 2 bytes) does not fit in memory 1 (1 pages): instantiation would trap
(module
  (global $g (import "env" "g") i32)
  (memory $a 1 1)
  (memory $b 1 1)
  (data (memory $b) (global.get $g) "xy"))
