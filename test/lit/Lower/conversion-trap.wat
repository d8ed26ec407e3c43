;; i32.trunc_f32_s: a NaN traps with "invalid conversion to integer" (5), a value outside
;; [-2^31, 2^31) with "integer overflow" (4); the saturating form is one llvm.fptosi.sat (one vcvt
;; on FPv5).
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=llvm -O0 --stack-check=off --prefix=v -o - | FileCheck %s
;; RUN: %meldc %t.wasm --emit=asm --stack-check=off --prefix=v -o - | FileCheck %s --check-prefix=ASM
(module
  (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "trunc_f64_u") (param f64) (result i32) (i32.trunc_f64_u (local.get 0)))
  (func (export "sat") (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0))))

;; CHECK-LABEL: define internal i32 @f.0(float
;; CHECK: fcmp uno float %[[X:[0-9]+]], %[[X]]
;; CHECK-NEXT: br i1 %{{.*}}, label %trap.INVALID_CONVERSION, label
;; CHECK: trap.INVALID_CONVERSION:
;; CHECK-NEXT: call void @v_trap(i32 5)
;; CHECK: fcmp oge float %[[X]], 0xC1E0000000000000
;; CHECK-NEXT: fcmp olt float %[[X]], 0x41E0000000000000
;; CHECK: br i1 %{{.*}}, label %trap.INTEGER_OVERFLOW, label
;; CHECK: call void @v_trap(i32 4)
;; CHECK: fptosi float %[[X]] to i32
;; unsigned from f64: (-1, 2^32), both bounds exclusive
;; CHECK-LABEL: define internal i32 @f.1(double
;; CHECK: fcmp ogt double %{{.*}}, -1.000000e+00
;; CHECK-NEXT: fcmp olt double %{{.*}}, 0x41F0000000000000
;; CHECK: fptoui double
;; CHECK-LABEL: define internal i32 @f.2(float
;; CHECK: call i32 @llvm.fptosi.sat.i32.f32(float

;; ASM-LABEL: v_sat:
;; ASM: vcvt.s32.f32
;; ASM-NEXT: vmov r0,
;; ASM-NEXT: bx lr
