;; Core module types are validated like modules: a 32-bit memory has at most 65536 pages.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: memory size must be at most 65536 pages (4GiB)
(component
  (core type (module (import "" "m" (memory 65536))))
  (core type (module (import "" "m" (memory 70000)))))
