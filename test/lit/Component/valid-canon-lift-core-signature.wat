;; CanonicalABI.md "canon lift": the core function must have type flatten_functype(opts, ft,
;; 'lift'); here (param "x" u64) flattens to [i64], not [i32].
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc -passes= --disable-output %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: lowered parameter types `[I64]` do not match parameter types `[I32]` of core function 0
(component
  (core module $M (func (export "f") (param i32)))
  (core instance $m (instantiate $M))
  (func (param "x" u64) (canon lift (core func $m "f"))))
