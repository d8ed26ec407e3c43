;; Bounds checks shared between accesses (lib/Lower/emit_memory.c): whatever the lowering
;; merges, every access traps exactly where the spec says, and what the program did before the
;; trap stays done.
(module
  (memory 1 1)
  (global $g (mut i32) (i32.const 0))
  (func $poke (param i32) (i32.store (i32.const 100) (local.get 0)))
  ;; loads only: one shared check is exact
  (func (export "loads") (param i32) (result i32)
    (i32.add (i32.load (local.get 0)) (i32.load offset=8 (local.get 0))))
  (func (export "loads-neg") (param i32) (result i32)
    (i32.add (i32.load (i32.add (local.get 0) (i32.const 8)))
             (i32.load (i32.sub (local.get 0) (i32.const 4)))))
  ;; a store, then a load that traps: the store is done
  (func (export "store-then-oob") (param i32 i32)
    (i32.store (local.get 0) (i32.const 7))
    (drop (i32.load (i32.add (local.get 0) (local.get 1)))))
  (func (export "store-then-oob-const") (param i32)
    (i32.store (local.get 0) (i32.const 9))
    (drop (i32.load offset=65532 (local.get 0))))
  ;; a load in bounds, a store, a load out of bounds: the store is done
  (func (export "load-store-load") (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.load (local.get 0)))
    (i32.store offset=4 (local.get 0) (i32.const 11))
    (i32.add (local.get 1) (i32.load offset=65532 (local.get 0))))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  ;; a division by zero before the access out of bounds traps first
  (func (export "div-then-oob") (param i32 i32) (result i32)
    (i32.add (i32.load (local.get 0))
             (i32.add (i32.div_u (i32.const 1) (local.get 1))
                      (i32.load offset=70000 (local.get 0)))))
  ;; a call that stores, then an access out of bounds
  (func (export "call-then-oob") (param i32) (result i32)
    (drop (i32.load (local.get 0)))
    (call $poke (i32.const 13))
    (i32.load offset=65533 (local.get 0)))
  ;; global.set, then an access out of bounds
  (func (export "global-then-oob") (param i32) (result i32)
    (drop (i32.load (local.get 0)))
    (global.set $g (i32.const 17))
    (i32.load offset=65533 (local.get 0)))
  (func (export "g") (result i32) (global.get $g))
  ;; a branch out before the access out of bounds: no trap
  (func (export "br-before-oob") (param i32 i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.load (local.get 0)) (local.get 1)))
      (i32.load offset=65533 (local.get 0))))
  ;; addresses that wrap: 0xfffffff0 + 16 is 0, in bounds; 0xfffffff0 itself is not
  (func (export "wrap-alone") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 16))))
  (func (export "wrap-pair") (param i32) (result i32)
    (i32.add (i32.load (i32.add (local.get 0) (i32.const 16))) (i32.load (local.get 0))))
  (func (export "wrap-pair-rev") (param i32) (result i32)
    (i32.add (i32.load (local.get 0)) (i32.load (i32.add (local.get 0) (i32.const 16)))))
  ;; sums of the same terms, different constants
  (func (export "terms") (param i32 i32) (result i32)
    (i32.add (i32.load (i32.add (i32.add (local.get 0) (i32.const 160)) (local.get 1)))
             (i32.load (i32.add (i32.add (local.get 0) (i32.const 48)) (local.get 1)))))
  ;; a check in one arm of an if does not cover the other
  (func (export "arms") (param i32 i32) (result i32)
    (if (result i32) (local.get 1)
      (then (i32.load (local.get 0)))
      (else (i32.load offset=65533 (local.get 0)))))
  ;; a check before a loop covers nothing inside it
  (func (export "loop") (param i32 i32) (result i32)
    (local i32)
    (drop (i32.load (local.get 0)))
    (loop $l
      (local.set 2 (i32.add (local.get 2) (i32.load (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 4)))
      (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
    (local.get 2))
  ;; a read-modify-write: the store needs no check of its own
  (func (export "rmw") (param i32)
    (i32.store offset=4 (local.get 0) (i32.add (i32.load offset=4 (local.get 0)) (i32.const 1))))
  (data (i32.const 0) "\01\00\00\00\00\00\00\00\02\00\00\00")
  (data (i32.const 65532) "\05\00\00\00"))

(assert_return (invoke "loads" (i32.const 0)) (i32.const 3))
(assert_return (invoke "loads" (i32.const 65524)) (i32.const 5))
(assert_trap (invoke "loads" (i32.const 65525)) "out of bounds memory access")
(assert_trap (invoke "loads" (i32.const -8)) "out of bounds memory access")
(assert_return (invoke "loads-neg" (i32.const 4)) (i32.const 1))
(assert_trap (invoke "loads-neg" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "loads-neg" (i32.const 65528)) "out of bounds memory access")
(assert_return (invoke "loads-neg" (i32.const 65524)) (i32.const 5))

(assert_trap (invoke "store-then-oob" (i32.const 200) (i32.const 65336)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 200)) (i32.const 7))
(assert_trap (invoke "store-then-oob-const" (i32.const 204)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 204)) (i32.const 9))
(assert_trap (invoke "load-store-load" (i32.const 300)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 304)) (i32.const 11))
(assert_return (invoke "load-store-load" (i32.const 0)) (i32.const 6))

(assert_trap (invoke "div-then-oob" (i32.const 0) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div-then-oob" (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "div-then-oob" (i32.const 65533) (i32.const 0)) "out of bounds memory access")

(assert_trap (invoke "call-then-oob" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 100)) (i32.const 13))
(assert_trap (invoke "global-then-oob" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))

(assert_return (invoke "br-before-oob" (i32.const 0) (i32.const 1)) (i32.const 1))
(assert_trap (invoke "br-before-oob" (i32.const 0) (i32.const 0)) "out of bounds memory access")

(assert_return (invoke "wrap-alone" (i32.const -16)) (i32.const 1))
(assert_trap (invoke "wrap-pair" (i32.const -16)) "out of bounds memory access")
(assert_trap (invoke "wrap-pair-rev" (i32.const -16)) "out of bounds memory access")
(assert_return (invoke "wrap-pair" (i32.const 0)) (i32.const 1))

(assert_return (invoke "terms" (i32.const 0) (i32.const -48)) (i32.const 1))
(assert_trap (invoke "terms" (i32.const 65372) (i32.const 4)) "out of bounds memory access")
(assert_trap (invoke "terms" (i32.const -200) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "terms" (i32.const -48) (i32.const 0)) (i32.const 1))
(assert_return (invoke "terms" (i32.const 65372) (i32.const 0)) (i32.const 5))

(assert_return (invoke "arms" (i32.const 65532) (i32.const 1)) (i32.const 5))
(assert_trap (invoke "arms" (i32.const 65532) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "arms" (i32.const 0) (i32.const 1)) (i32.const 1))

(assert_return (invoke "loop" (i32.const 65524) (i32.const 3)) (i32.const 5))
(assert_trap (invoke "loop" (i32.const 65524) (i32.const 4)) "out of bounds memory access")

(assert_return (invoke "peek" (i32.const 404)) (i32.const 0))
(invoke "rmw" (i32.const 400))
(assert_return (invoke "peek" (i32.const 404)) (i32.const 1))
(assert_trap (invoke "rmw" (i32.const 65530)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 5))
