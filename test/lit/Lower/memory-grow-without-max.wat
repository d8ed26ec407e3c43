;; A memory that memory.grow can grow and that has no maximum has no static size: refused,
;; naming grow-to-bump; with grow-to-bump first it lowers (a static reservation), and with a
;; declared maximum the array has the maximum's size and a page counter.
;; RUN: rm -rf %t && mkdir %t
;; RUN: wat2wasm %s -o %t/g.wasm
;; RUN: not %meldc %t/g.wasm --emit=obj -o %t/g.o 2>&1 | FileCheck %s
;; RUN: %meldc %t/g.wasm -passes='grow-to-bump<heap-pages=4>' --emit=obj -o %t/g.o
;; RUN: FileCheck %s --check-prefix=BUMP < %t/g.h
;; RUN: sed -e 's/(memory 1)/(memory 1 3)/' %s > %t/max.wat
;; RUN: wat2wasm %t/max.wat -o %t/max.wasm
;; RUN: %meldc %t/max.wasm --emit=llvm -o %t/max.ll
;; RUN: FileCheck %s --check-prefix=MAX < %t/max.ll
;; RUN: FileCheck %s --check-prefix=MAXH < %t/max.h
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
;; CHECK: g.wasm:0x{{[0-9a-f]+}}: error: memory 0 can grow (memory.grow) and has no maximum: a static array needs a bound; run the 'grow-to-bump' pass first
;; BUMP: #define g_MEMORY0_SIZE 262144u
;; MAX: @max_memory0 = {{.*}}global [196608 x i8] zeroinitializer, section ".bss.max_memory0", align 16
;; MAX: @max_memory0_pages = {{.*}}global i32 1
;; MAXH: #define max_MEMORY0_SIZE 196608u
;; MAXH: extern uint32_t max_memory0_pages;
