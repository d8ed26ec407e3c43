;; Errors inside nested components are reported at offsets in the outer file, and a nested
;; component's errors stop the whole component.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: .wasm:0x{{0*[1-9a-f][0-9a-f]+}}: error: enum type must have at least one variant
;; CHECK-NOT: error:
(component
  (type u8)
  (component
    (component
      (type (enum)))))
