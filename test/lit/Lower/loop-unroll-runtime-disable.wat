;; Every wasm loop's back edge carries llvm.loop.unroll.runtime.disable: the module's producer
;; already chose how to unroll (clang's wasm32 pipeline unrolls by a runtime count itself), so
;; LLVM does not unroll again by a runtime count; the loop below keeps one load per iteration.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=llvm -O0 --stack-check=off --prefix=p -o - | FileCheck %s
;; RUN: %meldc %t.wasm --emit=llvm --stack-check=off --prefix=p -o - | FileCheck %s --check-prefix=O2
(module
  (memory 1 1)
  (func (export "sum") (param i32 i32) (result i32)
    (local i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (i32.load8_u (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
    (local.get 2)))

;; CHECK-LABEL: define internal i32 @f.0(
;; CHECK: br label %loop, !llvm.loop ![[ID:[0-9]+]]
;; CHECK: ![[ID]] = distinct !{![[ID]], ![[P:[0-9]+]]}
;; CHECK: ![[P]] = !{!"llvm.loop.unroll.runtime.disable"}

;; O2-LABEL: define i32 @p_sum(
;; O2: load i8
;; O2-NOT: load i8
;; O2: !llvm.loop
;; O2: ret i32
