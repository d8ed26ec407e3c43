;; The runner's self-test of its per-file time limit: "spin" never returns.
(component (core module $M (func (export "fixture:loop"))))
(assert_return (invoke "spin"))
(assert_return (invoke "spin"))
