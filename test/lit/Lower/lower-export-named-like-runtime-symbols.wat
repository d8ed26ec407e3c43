;; An export whose C name would be one of the object's own symbols (P_init, P_trap,
;; P_stack_limit, P_memory<i>) becomes P_export_<name>; the header's comment names the export.
;; An export named like an exported memory's own symbol is that symbol.
;; RUN: wat2wasm %s -o %t.wasm
;; RUN: %meldc %t.wasm --emit=obj -target=x86_64-pc-linux-gnu --prefix=m -o %t.o
;; RUN: FileCheck %s < %t.h
;; RUN: nm %t.o | FileCheck %s --check-prefix=SYMS
;; CHECK:      /* export "memory0" */
;; CHECK-NEXT: extern uint8_t m_memory0[];
;; CHECK:      /* export "trap" */
;; CHECK-NEXT: extern const uint32_t m_export_trap;
;; CHECK:      /* export "init" */
;; CHECK-NEXT: uint32_t m_export_init(void);
;; CHECK:      /* export "stack_limit" */
;; CHECK-NEXT: uint32_t m_export_stack_limit(void);
;; CHECK:      /* export "run" */
;; CHECK-NEXT: uint32_t m_run(void);
;; SYMS-DAG: T m_export_init
;; SYMS-DAG: T m_init
;; SYMS-DAG: D m_export_trap
;; SYMS-DAG: T m_export_stack_limit
;; SYMS-DAG: B m_stack_limit
;; SYMS-DAG: T m_run
(module
  (memory (export "memory0") 1)
  (global (export "trap") i32 (i32.const 7))
  (func (export "init") (result i32) i32.const 42)
  (func (export "stack_limit") (result i32) i32.const 3)
  (func (export "run") (result i32) i32.const 1))
