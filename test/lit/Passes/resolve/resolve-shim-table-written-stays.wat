;; The shim/fixup pattern, but some code writes the shim's table (`clear` stores ref.null in the
;; slot the fixup filled): the slot's content is not fixed, so the trampoline must stay and
;; `run` keeps calling it (after `clear`, the call traps, as it does unfused).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter,dce --verify-each -S %t.wasm -o - | FileCheck %s
;; CHECK:      {{^}}  (func (;[[TRAMP:[0-9]+]];) (type 0) (param i32 i32){{$}}
;; CHECK-NEXT:   local.get 0
;; CHECK-NEXT:   local.get 1
;; CHECK-NEXT:   i32.const 0
;; CHECK-NEXT:   call_indirect (type 0)
;; CHECK:        table.set
;; CHECK:        i32.const 16
;; CHECK-NEXT:   i32.const 2
;; CHECK-NEXT:   call [[TRAMP]]
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
    (import "shim" "$imports" (table $t 1 1 funcref))
    (func (export "clear") (table.set $t (i32.const 0) (ref.null func)))
    (memory (export "memory") 1)
    (data (i32.const 16) "hi")
    (func (export "run") (call $w (i32.const 16) (i32.const 2))))
  (core instance $s (instantiate $shim))
  (alias core export $s "0" (core func $tramp))
  (alias core export $s "$imports" (core table $tbl))
  (core instance $main_imports (export "write" (func $tramp)))
  (core instance $main_table (export "$imports" (table $tbl)))
  (core instance $m (instantiate $main (with "test:log/sink" (instance $main_imports))
                                       (with "shim" (instance $main_table))))
  (core func $lw (canon lower (func $write) (memory (core memory $m "memory"))))
  (core instance $fx_imports (export "$imports" (table $tbl)) (export "0" (func $lw)))
  (core instance (instantiate $fixup (with "" (instance $fx_imports))))
  (func (export "run") (canon lift (core func $m "run")))
  (func (export "clear") (canon lift (core func $m "clear"))))
