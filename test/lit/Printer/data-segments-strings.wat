;; Data segments: active ones name their memory when it is not 0; bytes print as a WAT string
;; with printable ASCII kept and everything else (quote and backslash included) escaped as \hh;
;; segments longer than 32 bytes print one string of 32 bytes per line.
;; RUN: wat2wasm --enable-multi-memory %s -o %t.wasm
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s --match-full-lines --strict-whitespace
;; RUN: %meldc -S %t.wasm -o %t.wat
;; RUN: wat2wasm --enable-multi-memory %t.wat -o %t.again.wasm
;; RUN: cmp %t.wasm %t.again.wasm

;; CHECK:  (data (;0;) (i32.const 16) "hello, world\0a")
;; CHECK-NEXT:  (data (;1;) "\00\01\7f\80\ff\22\5c'")
;; CHECK-NEXT:  (data (;2;) (memory 1) (global.get 0) "")
;; CHECK-NEXT:  (data (;3;) (i32.const 0)
;; CHECK-NEXT:    "0123456789abcdef0123456789abcdef"
;; CHECK-NEXT:    "0123456789abcdef0123456789abcdef"
;; CHECK-NEXT:    "!")
;; CHECK-NEXT:)
(module
  (import "env" "base" (global i32))
  (memory 1)
  (memory 1)
  (data (i32.const 16) "hello, world\n")
  (data "\00\01\7f\80\ff\"\\'")
  (data (memory 1) (global.get 0) "")
  (data (i32.const 0) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef!"))
