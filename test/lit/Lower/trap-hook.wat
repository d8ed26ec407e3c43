;; Traps: one block per trap code and function, calling the noreturn hook <prefix>_trap, whose
;; weak default in the object is llvm.trap (udf on Thumb); every trap code the header lists.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=llvm -O0 --stack-check=off --prefix=t -o - | FileCheck %s
;; RUN: %meldc %t.wasm --emit=asm --prefix=t -o - | FileCheck %s --check-prefix=ASM
(module
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "boom") unreachable))

;; CHECK-LABEL: define weak void @t_trap(i32 %0)
;; CHECK-NEXT: entry:
;; CHECK-NEXT: call void @llvm.trap()
;; CHECK-NEXT: unreachable
;; CHECK-LABEL: define internal i32 @f.0(
;; CHECK: icmp eq i32 %{{.*}}, 0
;; CHECK: br i1 %{{.*}}, label %trap.INTEGER_DIVIDE_BY_ZERO, label
;; CHECK: trap.INTEGER_DIVIDE_BY_ZERO:
;; CHECK-NEXT: call void @t_trap(i32 3)
;; CHECK-NEXT: unreachable
;; CHECK-DAG: icmp eq i32 %{{.*}}, -2147483648
;; CHECK-DAG: icmp eq i32 %{{.*}}, -1
;; CHECK: br i1 %{{.*}}, label %trap.INTEGER_OVERFLOW, label
;; CHECK: trap.INTEGER_OVERFLOW:
;; CHECK-NEXT: call void @t_trap(i32 4)
;; CHECK-NEXT: unreachable
;; CHECK: sdiv i32
;; CHECK-LABEL: define internal void @f.1(
;; CHECK: br label %trap.UNREACHABLE
;; CHECK: trap.UNREACHABLE:
;; CHECK-NEXT: call void @t_trap(i32 1)
;; CHECK: attributes #{{[0-9]+}} = { cold noreturn nounwind }

;; ASM: .weak t_trap
;; ASM-LABEL: t_trap:
;; ASM-NEXT: .fnstart
;; udf #254
;; ASM-NEXT: .inst.n 0xdefe
