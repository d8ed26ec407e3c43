;; The shim/fixup pattern `wasm-tools component new` emits to break the cycle between a module
;; and a lowering that needs that module's memory: the module imports a trampoline of a shim
;; instance (call_indirect through the shim's table), and a fixup instance created afterwards
;; fills the table with the real lowering.  resolve sees that the table slot is written once by
;; an active segment and never otherwise, and calls the lowering directly: `run` calls the host
;; import, not the trampoline; only the then-dead trampoline and table remain, for dce.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve --verify-each -S %t.wasm -o - | FileCheck %s
;; RUN: %meldc -S %t.wasm -o - | FileCheck %s --check-prefix=DCE
;; CHECK:      (import "test:log/sink" "write" (func (;0;) (type 0) (param i32 i32)))
;; CHECK:      (export "run" (func [[FN:[0-9]+]]))
;; CHECK:      (func (;[[FN]];) (type {{[0-9]+}})
;; CHECK-NEXT:   i32.const 16
;; CHECK-NEXT:   i32.const 2
;; CHECK-NEXT:   call 0
;; DCE-NOT:    call_indirect
;; DCE-NOT:    table
;; DCE-NOT:    elem
;; DCE:        call 0
;; DCE-NOT:    call_indirect
(component
  (import "test:log/sink" (instance $log (export "write" (func (param "s" string)))))
  (alias export $log "write" (func $write))
  (core module $shim
    (type $t (func (param i32 i32)))
    (table (export "$imports") 1 1 funcref)
    (func (export "0") (type $t) local.get 0 local.get 1 i32.const 0 call_indirect (type $t)))
  (core module $fixup
    (type $t (func (param i32 i32)))
    (import "" "$imports" (table 1 1 funcref))
    (import "" "0" (func (type $t)))
    (elem (i32.const 0) func 0))
  (core module $main
    (import "test:log/sink" "write" (func $w (param i32 i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "hi")
    (func (export "run") (call $w (i32.const 16) (i32.const 2))))
  (core instance $s (instantiate $shim))
  (alias core export $s "0" (core func $tramp))
  (core instance $main_imports (export "write" (func $tramp)))
  (core instance $m (instantiate $main (with "test:log/sink" (instance $main_imports))))
  (alias core export $s "$imports" (core table $tbl))
  (core func $lw (canon lower (func $write) (memory (core memory $m "memory"))))
  (core instance $fx_imports (export "$imports" (table $tbl)) (export "0" (func $lw)))
  (core instance (instantiate $fixup (with "" (instance $fx_imports))))
  (func (export "run") (canon lift (core func $m "run"))))
