;; load_string_from_range: a string crossing a boundary traps when its byte length exceeds
;; MAX_STRING_BYTE_LENGTH (2^28 - 1), when a utf16 / latin1+utf16 pointer is odd, when it runs
;; past the end of the source memory, and when its contents do not decode (the spec decodes with
;; Python's strict codecs): for utf-8, stray continuation bytes, C0/C1 and F5..FF leads, overlong
;; forms, encoded surrogates, code points above U+10FFFF and truncated sequences; for utf-16,
;; unpaired surrogates.  utf8 -> utf8 validates before copying.  The caller's `l1` lowers the
;; same function with latin1+utf16: a tagged length is utf-16 (8 utf-8 bytes for "hé🍰!"), an
;; untagged one latin-1 (11 bytes, 4 of them above 0x7F: 15 utf-8 bytes).
;; RUN: %wasm-tools parse %s -o %t.wasm
;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.out.wasm --explain 2>&1 | FileCheck %s
;; RUN: %meldc %t.wasm -o %t.run.wasm
;; RUN: %node %S/Inputs/run.mjs %t.run.wasm u8:0,11 u8:16,1 u8:20,2 u8:24,2 u8:28,3 u8:32,4 u8:36,2 \
;; RUN:   u8:40,1 u8:44,3 u8:0,0x10000000 u8:65530,7 \
;; RUN:   u16:48,5 u16:52,1 u16:58,1 u16:62,2 u16:49,1 u16:48,0x8000000 \
;; RUN:   l1:48,0x80000005 l1:52,0x80000001 l1:0,11 | FileCheck %s --check-prefix=EXEC
;; REQUIRES: node

;; RUN: %meldc -passes=resolve,adapter %t.wasm -o %t.ir.wasm --print-after=adapter 2>&1 | FileCheck %s --check-prefix=IR
;; Each string goes through a helper shared by every boundary with the same encodings and memories.
;; IR:      (func (;4;) (type 1) (param i32 i32) (result i32)
;; IR-NEXT:   (local i32 i32 i32)
;; IR-NEXT:   local.get 0
;; IR-NEXT:   local.get 1
;; IR-NEXT:   call $meld:string-latin1+utf16-to-utf8-mem1-mem0
;; IR-NEXT:   local.set 3
;; IR-NEXT:   local.set 2
;; IR-NEXT:   local.get 2
;; IR-NEXT:   local.get 3
;; IR-NEXT:   call 1
;; The latin1+utf16 source: the utf16 tag picks the branch; the byte length (2 * units) is
;; computed in i64 and checked against 2^28 - 1, then the alignment.
;; IR-LABEL: (func $meld:string-latin1+utf16-to-utf8-mem1-mem0 (;10;) (type 2) (param i32 i32) (result i32 i32)
;; IR:        local.get 1
;; IR-NEXT:   i32.const -2147483648
;; IR-NEXT:   i32.and
;; IR-NEXT:   if
;; IR-NEXT:     local.get 1
;; IR-NEXT:     i32.const 2147483647
;; IR-NEXT:     i32.and
;; IR-NEXT:     local.set 2
;; IR-NEXT:     local.get 2
;; IR-NEXT:     i64.extend_i32_u
;; IR-NEXT:     i64.const 1
;; IR-NEXT:     i64.shl
;; IR-NEXT:     local.tee 8
;; IR-NEXT:     i64.const 268435455
;; IR-NEXT:     i64.gt_u
;; IR-NEXT:     if
;; IR-NEXT:       unreachable
;; IR-NEXT:     end
;; IR-NEXT:     local.get 8
;; IR-NEXT:     i32.wrap_i64
;; IR-NEXT:     local.set 3
;; IR-NEXT:     local.get 0
;; IR-NEXT:     i32.const 1
;; IR-NEXT:     i32.and
;; IR-NEXT:     if
;; IR-NEXT:       unreachable
;; IR-NEXT:     end

;; CHECK: explain: {{.*}}s8: copy
;; CHECK: explain: {{.*}}s16: copy
;; CHECK: explain: {{.*}}s8: transcode

;; EXEC:      u8 = 11
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u8 trap: unreachable
;; EXEC-NEXT: u16 = 5
;; EXEC-NEXT: u16 trap: unreachable
;; EXEC-NEXT: u16 trap: unreachable
;; EXEC-NEXT: u16 trap: unreachable
;; EXEC-NEXT: u16 trap: unreachable
;; EXEC-NEXT: u16 trap: unreachable
;; EXEC-NEXT: l1 = 8
;; EXEC-NEXT: l1 trap: unreachable
;; EXEC-NEXT: l1 = 15

(component
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $next) (i32.const 7)) (i32.const -8)))
        (global.set $next (i32.add (local.get $r) (local.get $nsize)))
        (if (local.get $old) (then (memory.copy (local.get $r) (local.get $old) (local.get $osize))))
        (local.get $r))
      (func (export "len") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M))
    (func (export "s8") (param "s" string) (result u32)
      (canon lift (core func $m "len") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "s16") (param "s" string) (result u32)
      (canon lift (core func $m "len") string-encoding=utf16 (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
  (component $D
    (import "s8" (func $s8 (param "s" string) (result u32)))
    (import "s16" (func $s16 (param "s" string) (result u32)))
    (core module $Mem (memory (export "mem") 1)
      (data (i32.const 0) "h\c3\a9llo w\c3\b6rld")     ;; valid: 11 bytes
      (data (i32.const 16) "\80")                      ;; stray continuation byte
      (data (i32.const 20) "\c0\80")                   ;; overlong NUL
      (data (i32.const 24) "\c3\28")                   ;; bad continuation
      (data (i32.const 28) "\ed\a0\80")                ;; encoded surrogate U+D800
      (data (i32.const 32) "\f4\90\80\80")             ;; U+110000
      (data (i32.const 36) "\e2\98")                   ;; truncated
      (data (i32.const 40) "\ff")
      (data (i32.const 44) "\e0\80\80")                ;; overlong 3-byte
      (data (i32.const 48) "h\00\e9\00\3c\d8\70\df!\00") ;; utf-16 "hé🍰!" (5 units)
      (data (i32.const 58) "\00\dc")                   ;; lone low surrogate
      (data (i32.const 62) "\00\d8A\00"))              ;; high surrogate, then 'A'
    (core instance $mem (instantiate $Mem))
    (core func $s8' (canon lower (func $s8) (memory (core memory $mem "mem"))))
    (core func $s16' (canon lower (func $s16) string-encoding=utf16 (memory (core memory $mem "mem"))))
    (core func $l1' (canon lower (func $s8) string-encoding=latin1+utf16 (memory (core memory $mem "mem"))))
    (core module $Main
      (import "" "s8" (func $s8 (param i32 i32) (result i32)))
      (import "" "s16" (func $s16 (param i32 i32) (result i32)))
      (import "" "l1" (func $l1 (param i32 i32) (result i32)))
      (func (export "u8") (param i32 i32) (result i32) (call $s8 (local.get 0) (local.get 1)))
      (func (export "u16") (param i32 i32) (result i32) (call $s16 (local.get 0) (local.get 1)))
      (func (export "l1") (param i32 i32) (result i32) (call $l1 (local.get 0) (local.get 1))))
    (core instance $main (instantiate $Main (with "" (instance
      (export "s8" (func $s8')) (export "s16" (func $s16')) (export "l1" (func $l1'))))))
    (func (export "u8") (param "p" u32) (param "n" u32) (result u32) (canon lift (core func $main "u8")))
    (func (export "u16") (param "p" u32) (param "n" u32) (result u32) (canon lift (core func $main "u16")))
    (func (export "l1") (param "p" u32) (param "n" u32) (result u32) (canon lift (core func $main "l1"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "s8" (func $c "s8")) (with "s16" (func $c "s16"))))
  (export "u8" (func $d "u8"))
  (export "u16" (func $d "u16"))
  (export "l1" (func $d "l1")))
