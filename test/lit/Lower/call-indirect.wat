;; call_indirect: index < table size ("undefined element", 6), one load of the entry's type id
;; and one compare with the expected id; only on a mismatch a cold block tells a null entry
;; ("uninitialized element", 7) from a wrong type ("indirect call type mismatch", 8).
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=llvm --stack-check=off --prefix=c -o - | FileCheck %s
;; RUN: %meldc %t.wasm --emit=asm --stack-check=off --prefix=c -o - | FileCheck %s --check-prefix=ASM
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 4 4 funcref)
  (elem (i32.const 1) $sq)
  (func $sq (type $ii) (i32.mul (local.get 0) (local.get 0)))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0))))

;; CHECK-LABEL: define {{.*}}i32 @c_call(i32 %0, i32 %1)
;; CHECK: icmp ugt i32 %0, 3
;; CHECK: br i1 %{{.*}}, label %trap.UNDEFINED_ELEMENT{{.*}}, label
;; CHECK: %type_id{{.*}} = load i32, ptr
;; CHECK-NEXT: switch i32 %type_id{{.*}}, label %trap.INDIRECT_CALL_TYPE_MISMATCH{{.*}} [
;; CHECK-NEXT: i32 1, label %[[OK:[^ ]+]]
;; CHECK-NEXT: i32 0, label %trap.UNINITIALIZED_ELEMENT
;; CHECK: call void @c_trap(i32 7)
;; CHECK: call void @c_trap(i32 8)
;; CHECK: [[OK]]:
;; CHECK: %callee{{.*}} = load ptr, ptr
;; CHECK: call{{.*}} i32 %callee{{.*}}(i32 {{.*}}%1)

;; Before LLVM's pipeline (-O0): the compare with the expected id, the cold block after it.
;; RUN: %meldc %t.wasm --emit=llvm -O0 --stack-check=off --prefix=c -o - | FileCheck %s --check-prefix=O0
;; O0-LABEL: define internal i32 @f.1(
;; O0: %type_id = load i32, ptr
;; O0-NEXT: icmp ne i32 %type_id, 1
;; O0-NEXT: br i1 %{{.*}}, label %call_indirect.bad, label %call_indirect.ok, !prof
;; O0: call_indirect.bad:
;; O0-NEXT: icmp eq i32 %type_id, 0
;; O0-NEXT: br i1 %{{.*}}, label %trap.UNINITIALIZED_ELEMENT, label
;; O0: call_indirect.ok:
;; O0-NEXT: getelementptr inbounds { i32, ptr, ptr }, ptr %{{.*}}, i32 0, i32 1
;; O0-NEXT: %callee = load ptr, ptr

;; ASM-LABEL: c_call:
;; ASM: cmp r0, #4
;; ASM-NEXT: bhs
;; ASM: ldr{{.*}}lsl #2]
;; ASM: cmp {{r[0-9]+}}, #1
;; ASM: bne
;; ASM: bx {{r[0-9]+}}
