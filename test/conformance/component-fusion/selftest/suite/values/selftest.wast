;; The fusion runner's self-test (selftest.sh): every component names the fixture the stand-in
;; meldc (fake-meldc.mjs) returns for it, in a core export "fixture:NAME". Failures on purpose
;; are listed in expected-failures.txt; anything else must pass.

(component
  (core module $M (func (export "fixture:scalar")))
  (core instance $m (instantiate $M))
  (func (export "f") (canon lift (core func $m "fixture:scalar")))
)
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 3))
(assert_return (invoke "add" (u32.const 0xffffffff) (u32.const 2)) (u32.const 1))
(assert_return (invoke "add" (u32.const 1) (u32.const 2)) (u32.const 4))
(assert_return (invoke "neg" (s64.const -5)) (s64.const 5))
(assert_return (invoke "half" (f32.const 0x1.8p1)) (f32.const 1.5))
(assert_return (invoke "half" (f32.const nan)) (f32.const nan:canonical))
(assert_trap (invoke "add" (u32.const 1) (u32.const 1)) "no trap here")
(assert_return (invoke "nothing"))
(invoke "nothing")
(assert_trap (invoke "boom") "unreachable")
(assert_return (invoke "nothing"))

(component
  (core module $M (func (export "fixture:values")))
  (core instance $m (instantiate $M))
  (func (export "f") (canon lift (core func $m "fixture:values")))
)
(assert_return (invoke "echo" (str.const "h\u{e9}llo \u{1F600}")) (str.const "héllo 😀"))
(assert_return (invoke "echo" (str.const "")) (str.const ""))
(assert_return (invoke "len" (list.const (u8.const 1) (u8.const 2) (u8.const 3))) (u32.const 3))
(assert_return (invoke "pick" (option.some (u32.const 7))) (u32.const 7))
(assert_return (invoke "pick" (option.none)) (u32.const 0))
(assert_return (invoke "sum" (record.const (field "a" u32.const 40) (field "b" (u32.const 2)))) (u32.const 42))
(assert_return (invoke "tag" (variant.const "b" (u8.const 9))) (u32.const 1))
(assert_return (invoke "tag" (variant.const "c")) (u32.const 2))
(assert_return (invoke "tag" (enum.const "c")) (u32.const 2))
(assert_return (invoke "bits" (flags.const "x" "z")) (u32.const 5))
(assert_return (invoke "okerr" (result.err (u32.const 3))) (u32.const 3))
(assert_return (invoke "pair") (tuple.const (char.const "Z") (bool.const true)))
(assert_return (invoke "pair") (tuple.const (char.const "Z") (bool.const false)))
(assert_trap (invoke "bad-char") "invalid char")

(component definition $Counter
  (core module $M (func (export "fixture:counter")))
  (core instance $m (instantiate $M))
  (func (export "f") (canon lift (core func $m "fixture:counter")))
)
(component instance $c1 $Counter)
(assert_return (invoke "bump") (u32.const 1))
(assert_return (invoke "bump") (u32.const 2))
(component instance $c2 $Counter)
(assert_return (invoke "bump") (u32.const 1))
(assert_trap (invoke "boom") "unreachable")
(assert_trap (invoke "bump") "cannot enter component instance")

(component definition $Refused
  (core module $M (func (export "fixture:refuse")))
)
(component instance $r $Refused)
(assert_return (invoke "bump") (u32.const 1))
(assert_trap (invoke "bump") "")

(component
  (core module $M (func (export "fixture:start-trap")))
)
(assert_return (invoke "f"))

(assert_invalid
  (component (core module $M (func (export "f"))) (core instance $i (instantiate $M)) (export "x" (core module $M)))
  "not applicable here")
