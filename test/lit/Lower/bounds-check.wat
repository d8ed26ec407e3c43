;; Bounds checks: one unsigned compare per access against the static size
;; (addr > size - offset - width traps), loads with alignment 1 whatever the hint;
;; --bounds-checks=none drops the compare.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=llvm --stack-check=off --prefix=p -o - | FileCheck %s
;; RUN: %meldc %t.wasm --emit=llvm --stack-check=off --prefix=p --bounds-checks=none -o - | FileCheck %s --check-prefix=NONE
;; RUN: %meldc %t.wasm --emit=asm --stack-check=off --prefix=p -o - | FileCheck %s --check-prefix=ASM
(module
  (memory 1 1)
  (func (export "load") (param i32) (result i32)
    (i32.load offset=16 align=4 (local.get 0)))
  (func (export "loadf64") (param i32) (result f64)
    (f64.load align=8 (local.get 0)))
  (func (export "beyond") (param i32) (result i32)
    (i32.load offset=65535 (local.get 0))))

;; 65536 - 16 - 4 = 65516
;; CHECK-LABEL: define {{.*}}i32 @p_load(i32
;; CHECK: icmp ugt i32 %0, 65516
;; CHECK-NEXT: br i1 %{{.*}}, label %[[TRAP:trap.MEMORY_OUT_OF_BOUNDS[.a-z0-9]*]], label %{{.*}}, !prof
;; CHECK: [[TRAP]]:
;; CHECK-NEXT: tail call void @p_trap(i32 2)
;; CHECK-NEXT: unreachable
;; CHECK: load i32, ptr %{{.*}}, align 1
;; CHECK-LABEL: define {{.*}}double @p_loadf64(i32
;; CHECK: icmp ugt i32 %0, 65528
;; CHECK: load double, ptr %{{.*}}, align 1
;; an access that can never fit traps unconditionally
;; CHECK-LABEL: define {{.*}}i32 @p_beyond(i32
;; CHECK-NEXT: entry:
;; CHECK-NEXT: tail call void @p_trap(i32 2)

;; NONE-LABEL: define {{.*}}i32 @p_load(i32
;; NONE-NOT: icmp
;; NONE: load i32, ptr %{{.*}}, align 1
;; NONE-NEXT: ret i32

;; Thumb-2: the compare, then a plain ldr (unaligned word loads are allowed on the M7; the f64
;; load is not a vldr, which would fault on an unaligned address).
;; ASM-LABEL: p_load:
;; ASM: movw r1, #65517
;; ASM-NEXT: cmp r0, r1
;; ASM: ldr{{(lo)?}}{{.*}}[r0, #16]
;; ASM-LABEL: p_loadf64:
;; ASM-NOT: vldr
;; ASM: .fnend
