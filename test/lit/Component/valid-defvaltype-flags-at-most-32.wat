;; Binary.md "Type Definitions": flags have 1 to 32 labels.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: cannot have more than 32 flags
(component
  (type (flags "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p"
               "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" "a1" "b1" "c1" "d1" "e1" "f1" "g1")))
