;; A memory's limits are in 64 KiB pages and may not exceed 65536 (4 GiB), minimum and
;; maximum alike.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: memory 0: memory size must be at most 65536 pages (4GiB), minimum is 65537
;; CHECK: error: memory 1: memory size must be at most 65536 pages (4GiB), maximum is 4294967295
(module
  (memory 65537)
  (memory 0 4294967295))
