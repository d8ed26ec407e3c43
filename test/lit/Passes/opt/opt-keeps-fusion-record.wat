;; After opt, what the fusion record says about the host interface still holds: binaryen
;; renumbers everything, and opt follows the exported and imported entities by name, so
;; --emit-abi names the same memory and realloc exports and --emit=component lowers the import
;; and lifts the export with the optimized module's indices.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc %t.wasm '-passes=resolve,adapter,dce,opt<Oz>' --verify-each -o %t.out.wasm --emit-abi=%t.json
;; RUN: FileCheck %s --check-prefix=ABI < %t.json
;; RUN: %meldc %t.wasm '-passes=resolve,adapter,dce,opt<Oz>' --emit=component -o %t.comp.wasm
;; RUN: %meldc -passes= --verify-each -S %t.comp.wasm -o - | FileCheck %s --check-prefix=COMP
;; ABI:      {"core": "shout", "interface": "", "name": "shout",
;; ABI:      "memory": "memory", "realloc": "cabi_realloc", "post_return": null, "string_encoding": "utf8"}
;; ABI:      {"module": "test:log/sink", "field": "write", "interface": "test:log/sink", "name": "write",
;; ABI:      "memory": "memory", "realloc": null, "string_encoding": "utf8"}
;; COMP:     (core module (;0;)
;; COMP:       (import "test:log/sink" "write" (func (;0;)
;; COMP:       (export "shout" (func [[SHOUT:[0-9]+]]))
;; COMP:       (export "cabi_realloc" (func [[REALLOC:[0-9]+]]))
;; COMP:     (alias core export {{[0-9]+}} "shout" (core func (;[[LIFTED:[0-9]+]];)))
;; COMP:     (func (;{{[0-9]+}};) (type {{[0-9]+}}) (canon lift (core func [[LIFTED]]) (memory 0) (realloc {{[0-9]+}})))
(component
  (import "test:log/sink" (instance $log
    (export "write" (func (param "s" string)))))
  (alias export $log "write" (func $write))
  (core module $mem (memory (export "memory") 1)
    (global $h (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $h))
      (global.set $h (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mi (instantiate $mem))
  (core func $w (canon lower (func $write) (memory (core memory $mi "memory"))))
  (core module $m
    (import "log" "write" (func $w (param i32 i32)))
    (import "env" "memory" (memory 1))
    (import "env" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (func (export "shout") (param $p i32) (param $n i32)
      (call $w (local.get $p) (i32.add (local.get $n) (i32.const 0)))))
  (core instance $i (instantiate $m (with "log" (instance (export "write" (func $w))))
                                    (with "env" (instance $mi))))
  (func (export "shout") (param "s" string)
    (canon lift (core func $i "shout") (memory (core memory $mi "memory"))
                (realloc (core func $mi "realloc")))))
