;; opt runs binaryen's optimizer: at a level (default O2, here Oz) the whole default pipeline
;; folds constants, removes the unused function and keeps exports and imports by name; naming
;; binaryen passes runs only those (precompute folds, nothing removes the dead function).
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc -passes='opt<Oz>' --verify-each -S %t.wasm -o - | FileCheck %s --check-prefix=OZ
;; RUN: %meldc -passes=opt -S %t.wasm -o - | FileCheck %s --check-prefix=OZ
;; RUN: %meldc -passes='opt<precompute>' -S %t.wasm -o - | FileCheck %s --check-prefix=NAMED
;; RUN: %meldc -passes='opt<Oz>' %t.wasm -o %t.out.wasm
;; RUN: wasm-validate %t.out.wasm
;; OZ:      (import "env" "log" (func (;0;) (type {{[0-9]+}}) (param i32)))
;; OZ:      (export "answer" (func [[F:[0-9]+]]))
;; OZ:      (func (;[[F]];) (type {{[0-9]+}}) (result i32)
;; OZ-NEXT:   i32.const 42
;; OZ-NEXT: )
;; OZ-NEXT: (func (;2;) (type {{[0-9]+}})
;; OZ-NOT:  (func (;3;)
;; NAMED:      (func (;1;) (type {{[0-9]+}}) (param i32)
;; NAMED-NEXT:   local.get 0
;; NAMED-NEXT:   call 0
;; NAMED:      (func (;2;) (type {{[0-9]+}}) (result i32)
;; NAMED-NEXT:   i32.const 42
;; NAMED-NEXT: )
(module
  (import "env" "log" (func $log (param i32)))
  (func $unused (param i32) (call $log (local.get 0)))
  (func (export "answer") (result i32)
    (i32.add (i32.const 40) (i32.const 2)))
  (func (export "tell") (call $log (i32.const 7))))
