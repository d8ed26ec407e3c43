;; Binary.md "Instance Definitions": core instantiation checks every import against the export
;; of the named argument instance (core subtyping).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: type mismatch for export `g` of module instantiation argument `env`: expected global type i32, found i64
(component
  (core module $P (global (export "g") i64 (i64.const 0)))
  (core module $C (import "env" "g" (global i32)))
  (core instance $p (instantiate $P))
  (core instance (instantiate $C (with "env" (instance $p)))))
