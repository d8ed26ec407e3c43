;; Two components whose functions cross the outer boundary with pointers.  $B's memory comes first
;; (its window goes to base 0); $A's window does not, so rebase translates its host functions:
;;   tag-all   list<string> in, list<string> out (a spilled result with stored pointers), and a
;;             post-return that sums the result's bytes through those pointers (kept in a global
;;             that last-post returns): it only sees the right bytes if its pointers were
;;             translated back;
;;   pick      a variant parameter whose second flat slot joins a pointer with a u64 (an i64
;;             slot), an option<string> result pointing into the argument's memory;
;;   shout-join  calls the host import host:env/text#join with a list<string> and a string,
;;             gets a string back through a return area (allocated by the host with the realloc
;;             wrapper): every direction of an import;
;;   echo ($B) a string in and out, untranslated.
(component
  (component $B
    (core module $m
      (memory (export "mem") 1 1)
      (global $heap (mut i32) (i32.const 1024))
      (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $heap (i32.add (local.get $p) (local.get 3)))
        (local.get $p))
      (func (export "echo") (param $p i32) (param $n i32) (result i32)
        (i32.store (i32.const 16) (local.get $p))
        (i32.store (i32.const 20) (local.get $n))
        (i32.const 16)))
    (core instance $i (instantiate $m))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $i "echo") (memory (core memory $i "mem")) (realloc (core func $i "realloc")))))
  (component $A
    (import "host:env/text" (instance $host
      (export "join" (func (param "parts" (list string)) (param "sep" string) (result string)))))
    (core module $mem
      (memory (export "mem") 1 1))
    (core instance $memi (instantiate $mem))
    (core module $alloc
      (import "m" "mem" (memory 1 1))
      (global $heap (mut i32) (i32.const 4096))
      (func (export "realloc") (param $old i32) (param $oldn i32) (param $al i32) (param $n i32) (result i32)
        (local $p i32)
        (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $al) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $al))))
        (global.set $heap (i32.add (local.get $p) (local.get $n)))
        (if (local.get $old)
          (then (memory.copy (local.get $p) (local.get $old)
                  (select (local.get $oldn) (local.get $n) (i32.lt_u (local.get $oldn) (local.get $n))))))
        (local.get $p)))
    (core instance $alloci (instantiate $alloc (with "m" (instance $memi))))
    (core func $join (canon lower (func $host "join") (memory (core memory $memi "mem"))
                                  (realloc (core func $alloci "realloc"))))
    (core module $code
      (import "m" "mem" (memory 1 1))
      (import "a" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
      (import "h" "join" (func $join (param i32 i32 i32 i32 i32)))
      (global $post (mut i32) (i32.const 0))
      (data (i32.const 8) "+")
      ;; A new string: prefix then word.
      (func $concat (param $a i32) (param $an i32) (param $b i32) (param $bn i32) (result i32)
        (local $p i32)
        (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const 1)
                                     (i32.add (local.get $an) (local.get $bn))))
        (memory.copy (local.get $p) (local.get $a) (local.get $an))
        (memory.copy (i32.add (local.get $p) (local.get $an)) (local.get $b) (local.get $bn))
        (local.get $p))
      (func (export "tag-all") (param $w i32) (param $n i32) (param $pre i32) (param $pren i32) (result i32)
        (local $out i32) (local $i i32) (local $e i32) (local $d i32)
        (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.mul (local.get $n) (i32.const 8))))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $e (i32.add (local.get $w) (i32.mul (local.get $i) (i32.const 8))))
            (local.set $d (i32.add (local.get $out) (i32.mul (local.get $i) (i32.const 8))))
            (i32.store (local.get $d)
              (call $concat (local.get $pre) (local.get $pren)
                            (i32.load (local.get $e)) (i32.load offset=4 (local.get $e))))
            (i32.store offset=4 (local.get $d) (i32.add (local.get $pren) (i32.load offset=4 (local.get $e))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (i32.store (i32.const 16) (local.get $out))
        (i32.store (i32.const 20) (local.get $n))
        (i32.const 16))
      ;; Sums every byte of every string of the result, through the stored pointers.
      (func (export "post-tag-all") (param $r i32)
        (local $l i32) (local $n i32) (local $s i32) (local $k i32) (local $sum i32)
        (local.set $l (i32.load (local.get $r)))
        (local.set $n (i32.load offset=4 (local.get $r)))
        (block $done
          (loop $next
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $s (i32.load (local.get $l)))
            (local.set $k (i32.load offset=4 (local.get $l)))
            (block $d2
              (loop $n2
                (br_if $d2 (i32.eqz (local.get $k)))
                (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $s))))
                (local.set $s (i32.add (local.get $s) (i32.const 1)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br $n2)))
            (local.set $l (i32.add (local.get $l) (i32.const 8)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $next)))
        (global.set $post (local.get $sum)))
      (func (export "last-post") (result i32) (global.get $post))
      ;; variant { none, one(string), num(u64), many(list<string>) }: flat (disc, i64, i32).
      (func (export "pick") (param $disc i32) (param $x i64) (param $len i32) (param $k i32) (result i32)
        (i32.store8 (i32.const 24) (i32.const 0))
        (if (i32.eq (local.get $disc) (i32.const 1))
          (then (i32.store8 (i32.const 24) (i32.const 1))
                (i32.store (i32.const 28) (i32.wrap_i64 (local.get $x)))
                (i32.store (i32.const 32) (local.get $len))))
        (if (i32.and (i32.eq (local.get $disc) (i32.const 3)) (i32.ne (local.get $len) (i32.const 0)))
          (then (i32.store8 (i32.const 24) (i32.const 1))
                (i64.store (i32.const 28)
                  (i64.load (i32.add (i32.wrap_i64 (local.get $x))
                                     (i32.mul (i32.rem_u (local.get $k) (local.get $len)) (i32.const 8)))))))
        (i32.const 24))
      (func (export "shout-join") (param $w i32) (param $n i32) (result i32)
        (local $s i32) (local $k i32) (local $p i32) (local $i i32) (local $c i32)
        (call $join (local.get $w) (local.get $n) (i32.const 8) (i32.const 1) (i32.const 40))
        (local.set $s (i32.load (i32.const 40)))
        (local.set $k (i32.load (i32.const 44)))
        (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $k)))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
            (local.set $c (i32.load8_u (i32.add (local.get $s) (local.get $i))))
            (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
              (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
            (i32.store8 (i32.add (local.get $p) (local.get $i)) (local.get $c))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (i32.store (i32.const 48) (local.get $p))
        (i32.store (i32.const 52) (local.get $k))
        (i32.const 48)))
    (core instance $h (export "join" (func $join)))
    (core instance $a (export "realloc" (func $alloci "realloc")))
    (core instance $i (instantiate $code (with "m" (instance $memi)) (with "a" (instance $a))
                                         (with "h" (instance $h))))
    (type $choice (variant (case "none") (case "one" string) (case "num" u64) (case "many" (list string))))
    (export $choice' "choice" (type $choice))
    (func (export "tag-all") (param "words" (list string)) (param "prefix" string) (result (list string))
      (canon lift (core func $i "tag-all") (memory (core memory $memi "mem"))
                  (realloc (core func $alloci "realloc")) (post-return (core func $i "post-tag-all"))))
    (func (export "last-post") (result u32) (canon lift (core func $i "last-post")))
    (func (export "pick") (param "c" $choice') (param "k" u32) (result (option string))
      (canon lift (core func $i "pick") (memory (core memory $memi "mem")) (realloc (core func $alloci "realloc"))))
    (func (export "shout-join") (param "words" (list string)) (result string)
      (canon lift (core func $i "shout-join") (memory (core memory $memi "mem"))
                  (realloc (core func $alloci "realloc")))))
  (import "host:env/text" (instance $text
    (export "join" (func (param "parts" (list string)) (param "sep" string) (result string)))))
  (instance $b (instantiate $B))
  (instance $a (instantiate $A (with "host:env/text" (instance $text))))
  (export "echo" (func $b "echo"))
  (export "tag-all" (func $a "tag-all"))
  (export "last-post" (func $a "last-post"))
  (export $c "choice" (type $a "choice"))
  (export "pick" (func $a "pick") (func (param "c" $c) (param "k" u32) (result (option string))))
  (export "shout-join" (func $a "shout-join")))
