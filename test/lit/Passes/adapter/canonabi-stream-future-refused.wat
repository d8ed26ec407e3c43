;; Streams, futures and error contexts belong to the async ABI (handle tables, a scheduler), which
;; this version does not generate: a boundary passing one is refused, naming the function.
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: not %meldc %t.wasm -o %t.out.wasm 2>&1 | FileCheck %s
;; CHECK: error: adapter: cannot adapt the call to 'take' from '{{.*}}/d' to '{{.*}}/c': parameter 's' (stream<u8>) passes a stream, future or error-context, which are not supported yet
;; CHECK: error: adapter: cannot adapt the call to 'wait' from '{{.*}}/d' to '{{.*}}/c': the result (future<string>) passes a stream, future or error-context, which are not supported yet

(component
  (component $C
    (core module $M (func (export "take") (param i32)) (func (export "wait") (result i32) (unreachable)))
    (core instance $m (instantiate $M))
    (func (export "take") (param "s" (stream u8)) (canon lift (core func $m "take")))
    (func (export "wait") (result (future string)) (canon lift (core func $m "wait"))))
  (component $D
    (import "take" (func $take (param "s" (stream u8))))
    (import "wait" (func $wait (result (future string))))
    (core func $take' (canon lower (func $take)))
    (core func $wait' (canon lower (func $wait)))
    (core module $M
      (import "" "take" (func $take (param i32)))
      (import "" "wait" (func $wait (result i32)))
      (func (export "run") (call $take (i32.const 1)) (drop (call $wait))))
    (core instance $m (instantiate $M (with "" (instance (export "take" (func $take')) (export "wait" (func $wait'))))))
    (func (export "run") (canon lift (core func $m "run"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "take" (func $c "take")) (with "wait" (func $c "wait"))))
  (export "run" (func $d "run")))
