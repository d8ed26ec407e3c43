;; A resource the host provides is opaque to the program: its handles pass through as i32, and
;; dropping one is the core import "[resource-drop]<name>" of its interface.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve --verify-each -S %t.wasm -o - | FileCheck %s
;; CHECK: (import "test:io/streams" "[resource-drop]stream" (func (;0;) (type {{[0-9]+}}) (param i32)))
;; CHECK: (import "test:io/streams" "open" (func (;1;) (type {{[0-9]+}}) (result i32)))
(component
  (import "test:io/streams" (instance $io
    (export "stream" (type (sub resource)))
    (export "open" (func (result (own 0))))))
  (alias export $io "stream" (type $stream))
  (alias export $io "open" (func $open))
  (core func $drop (canon resource.drop $stream))
  (core func $open2 (canon lower (func $open)))
  (core module $m
    (import "io" "drop" (func $d (param i32)))
    (import "io" "open" (func $o (result i32)))
    (func (export "run") call $o call $d))
  (core instance $h (export "drop" (func $drop)) (export "open" (func $open2)))
  (core instance $i (instantiate $m (with "io" (instance $h))))
  (func (export "run") (canon lift (core func $i "run"))))
