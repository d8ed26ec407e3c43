;; An address C + (x << s), s in 1..3, C a nonzero constant (a static array indexed by a scaled
;; value), is addressed as (array + C)[x << s] on a target with 32-bit pointers, so Thumb-2 can
;; use ldr/str [base, x, lsl #s] with the base kept in a register across a loop.  Other shapes,
;; and every shape on a 64-bit target, keep array + zext(addr) + offset.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=llvm -O0 --stack-check=off --prefix=p -o - | FileCheck %s
;; RUN: %meldc %t.wasm --emit=llvm -O0 --stack-check=off --prefix=p --bounds-checks=none -o - | FileCheck %s
;; RUN: %meldc %t.wasm --emit=llvm -O0 --stack-check=off --prefix=p -target=x86_64-pc-linux-gnu -o - | FileCheck %s --check-prefix=HOST
;; RUN: %meldc %t.wasm --emit=asm --stack-check=off --prefix=p -o - | FileCheck %s --check-prefix=ASM
(module
  (memory 1 1)
  (func (export "shl2") (param i32) (result i32)
    (i32.load (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 1024))))
  (func (export "const-first-offset") (param i32) (result i32)
    (i32.load offset=8 (i32.add (i32.const 1024) (i32.shl (local.get 0) (i32.const 3)))))
  (func (export "store-shl1") (param i32 i32)
    (i32.store16 (i32.add (i32.shl (local.get 0) (i32.const 1)) (i32.const -4)) (local.get 1)))
  (func (export "shl4") (param i32) (result i32)
    (i32.load (i32.add (i32.shl (local.get 0) (i32.const 4)) (i32.const 1024))))
  (func (export "unscaled") (param i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.const 1024))))
  (func (export "offset-only") (param i32) (result i32)
    (i32.load offset=1024 (i32.shl (local.get 0) (i32.const 2))))
  (func (export "loop") (param i32 i32) (result i32)
    (local i32)
    (loop $l
      (local.set 2 (i32.xor
        (i32.load (i32.add (i32.shl (i32.and (i32.xor (local.get 2) (i32.load8_u (local.get 0)))
                                             (i32.const 255))
                                    (i32.const 2))
                           (i32.const 1024)))
        (i32.shr_u (local.get 2) (i32.const 8))))
      (local.set 2 (i32.xor
        (i32.load (i32.add (i32.shl (i32.and (i32.xor (local.get 2)
                                                      (i32.load8_u offset=1 (local.get 0)))
                                             (i32.const 255))
                                    (i32.const 2))
                           (i32.const 1024)))
        (i32.shr_u (local.get 2) (i32.const 8))))
      (local.set 0 (i32.add (local.get 0) (i32.const 2)))
      (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 2)))))
    (local.get 2)))

;; CHECK-LABEL: define internal i32 @f.0(
;; CHECK: %[[S:[0-9]+]] = shl i32 %{{[0-9]+}}, 2
;; CHECK: getelementptr i8, ptr getelementptr (i8, ptr @p_memory0, i32 1024), i32 %[[S]]
;; CHECK-NEXT: load i32, ptr %{{[0-9]+}}, align 1

;; the offset is added after the index: arr[i].field
;; CHECK-LABEL: define internal i32 @f.1(
;; CHECK: %[[S:[0-9]+]] = shl i32 %{{[0-9]+}}, 3
;; CHECK: %[[P:[0-9]+]] = getelementptr i8, ptr getelementptr (i8, ptr @p_memory0, i32 1024), i32 %[[S]]
;; CHECK-NEXT: %[[Q:[0-9]+]] = getelementptr i8, ptr %[[P]], i32 8
;; CHECK-NEXT: load i32, ptr %[[Q]], align 1

;; a negative constant is a base below the array; the sum is the same pointer modulo 2^32
;; CHECK-LABEL: define internal void @f.2(
;; CHECK: %[[S:[0-9]+]] = shl i32 %{{[0-9]+}}, 1
;; CHECK: getelementptr i8, ptr getelementptr (i8, ptr @p_memory0, i32 -4), i32 %[[S]]
;; CHECK: store i16

;; not scaled by 2, 4 or 8, not scaled, only a memarg offset: the plain shape
;; CHECK-LABEL: define internal i32 @f.3(
;; CHECK-NOT: getelementptr (i8, ptr @p_memory0
;; CHECK: getelementptr i8, ptr @p_memory0, i64 %
;; CHECK-LABEL: define internal i32 @f.4(
;; CHECK-NOT: getelementptr (i8, ptr @p_memory0
;; CHECK: getelementptr i8, ptr @p_memory0, i64 %
;; CHECK-LABEL: define internal i32 @f.5(
;; CHECK-NOT: getelementptr (i8, ptr @p_memory0
;; CHECK: %ea = add i64 %{{[0-9]+}}, 1024
;; CHECK: getelementptr i8, ptr @p_memory0, i64 %ea

;; 64-bit pointers: zext(addr) differs from C + zext(x << s) when the i32 add wraps
;; HOST-LABEL: define internal i32 @f.0(
;; HOST-NOT: getelementptr (i8, ptr @p_memory0
;; HOST: getelementptr i8, ptr @p_memory0, i64 %
;; HOST-LABEL: define internal i32 @f.1(
;; HOST-NOT: getelementptr (i8, ptr @p_memory0
;; HOST: %ea = add i64 %{{[0-9]+}}, 8
;; HOST: getelementptr i8, ptr @p_memory0, i64 %ea

;; in a loop the table's base (array + 1024) stays in a register: one ldr with a shifted index
;; per lookup, no add of the index to the array first
;; ASM-LABEL: p_loop:
;; ASM: add.w [[BASE:r[0-9]+]], {{r[0-9]+|lr}}, #1024
;; ASM-NEXT: .LBB{{[0-9_]+}}:
;; ASM-NOT: #1024]
;; ASM: ldr.w r{{[0-9]+}}, [[[BASE]], r{{[0-9]+}}, lsl #2]
;; ASM-NOT: #1024]
;; ASM: ldr.w r{{[0-9]+}}, [[[BASE]], r{{[0-9]+}}, lsl #2]
;; ASM-NOT: #1024]
;; ASM: .fnend
