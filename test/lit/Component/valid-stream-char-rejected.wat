;; Binary.md: `(stream char)` is rejected for now.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: `stream<char>` is not valid at this time
(component
  (type (stream u8))
  (type (stream char)))
