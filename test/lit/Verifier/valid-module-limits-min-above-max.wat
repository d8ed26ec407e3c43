;; Limits need min <= max, for memories and tables.
;; RUN: wat2wasm --no-check %s -o %t.wasm
;; RUN: not %meldc --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: table 0: size minimum must not be greater than maximum (2 > 1)
;; CHECK: error: memory 0: size minimum must not be greater than maximum (3 > 2)
(module
  (table 2 1 funcref)
  (memory 3 2))
