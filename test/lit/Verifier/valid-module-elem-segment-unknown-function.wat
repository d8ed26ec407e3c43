;; Function indices listed by an element segment must exist; so must its table.
;; RUN: %wasm-bytes %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: element segment 0: unknown table 0 (the module has 0)
;; CHECK: error: element segment 0, item 1: unknown function 7 (the module has 1)
magic version
section(1) { u32(1) 60 u32(0) u32(0) }
section(3) { u32(1) u32(0) }
section(9) { u32(1) 00 41 00 0b u32(2) u32(0) u32(7) }     ;; active, table 0, offset 0
section(10) { u32(1) sized { u32(0) 0b } }
