;; Multi-value: blocks and ifs with several results become phis; a function with several results
;; returns a struct inside the object, and its C wrapper returns void and writes each result
;; through an out pointer appended after the parameters (so says the header too).
;; RUN: rm -rf %t && mkdir %t
;; RUN: wat2wasm %s -o %t/mv.wasm
;; RUN: %meldc %t/mv.wasm --emit=llvm -O0 --stack-check=off -o %t/mv.ll
;; RUN: FileCheck %s < %t/mv.ll
;; RUN: FileCheck %s --check-prefix=HDR < %t/mv.h
(module
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (block (result i32 i32)
      (i32.div_u (local.get 0) (local.get 1))
      (i32.rem_u (local.get 0) (local.get 1))))
  (func (export "pick") (param i32 i64 i64) (result i64 i64)
    (if (result i64 i64) (local.get 0)
      (then (local.get 1) (local.get 2))
      (else (local.get 2) (local.get 1)))))

;; CHECK-LABEL: define internal { i32, i32 } @f.0(i32 %0, i32 %1)
;; CHECK: return:
;; CHECK-NEXT: %[[RA:[0-9]+]] = phi i32
;; CHECK-NEXT: %[[RB:[0-9]+]] = phi i32
;; CHECK-NEXT: %[[S:[0-9]+]] = insertvalue { i32, i32 } undef, i32 %[[RA]], 0
;; CHECK-NEXT: %[[T:[0-9]+]] = insertvalue { i32, i32 } %[[S]], i32 %[[RB]], 1
;; CHECK-NEXT: ret { i32, i32 } %[[T]]
;; CHECK: end:
;; CHECK-NEXT: phi i32
;; CHECK-NEXT: phi i32
;; CHECK-NEXT: br label %return
;; CHECK-LABEL: define internal { i64, i64 } @f.1(i32 %0, i64 %1, i64 %2)
;; CHECK: end:
;; CHECK-NEXT: phi i64 [ %{{[0-9]+}}, %then ], [ %{{[0-9]+}}, %else ]
;; CHECK-NEXT: phi i64 [ %{{[0-9]+}}, %then ], [ %{{[0-9]+}}, %else ]
;; CHECK-LABEL: define void @mv_divmod(i32 %0, i32 %1, ptr %2, ptr %3)
;; CHECK-NEXT: entry:
;; CHECK-NEXT: %[[R:[0-9]+]] = call { i32, i32 } @f.0(i32 %0, i32 %1)
;; CHECK-NEXT: %[[R0:[0-9]+]] = extractvalue { i32, i32 } %[[R]], 0
;; CHECK-NEXT: store i32 %[[R0]], ptr %2
;; CHECK-NEXT: %[[R1:[0-9]+]] = extractvalue { i32, i32 } %[[R]], 1
;; CHECK-NEXT: store i32 %[[R1]], ptr %3
;; CHECK-NEXT: ret void

;; HDR: void mv_divmod(uint32_t p0, uint32_t p1, uint32_t *r0, uint32_t *r1);
;; HDR: void mv_pick(uint32_t p0, uint64_t p1, uint64_t p2, uint64_t *r0, uint64_t *r1);
