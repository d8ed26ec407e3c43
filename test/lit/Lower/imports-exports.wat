;; The C interface: exports as <prefix>_<sanitised name>, imports as
;; <prefix>_import_<module>_<field> (or the import map's name), globals as variables, memory in a
;; .bss.<symbol> section, data copied in by <prefix>_init; a collision after sanitising is an
;; error naming both; imported memories are refused.
;; RUN: rm -rf %t && mkdir %t
;; RUN: wat2wasm %s -o %t/app.wasm
;; RUN: printf 'env log_value firmware_log\n# comment\n' > %t/map.txt
;; RUN: %meldc %t/app.wasm --emit=obj --import-map=%t/map.txt -o %t/app.o
;; RUN: FileCheck %s --check-prefix=HDR < %t/app.h
;; RUN: %meldc %t/app.wasm --emit=llvm --import-map=%t/map.txt -o %t/app.ll
;; RUN: FileCheck %s --check-prefix=IR < %t/app.ll
;; RUN: arm-none-eabi-objdump -h %t/app.o | FileCheck %s --check-prefix=SECT
;; RUN: sed -e 's/"get-count"/"get_count"/; s/"tick"/"get-count"/' %s > %t/clash.wat
;; RUN: wat2wasm %t/clash.wat -o %t/clash.wasm
;; RUN: not %meldc %t/clash.wasm --emit=obj -o %t/clash.o 2>&1 | FileCheck %s --check-prefix=CLASH
;; RUN: echo '(module (import "env" "mem" (memory 1)))' > %t/im.wat
;; RUN: wat2wasm %t/im.wat -o %t/im.wasm
;; RUN: not %meldc %t/im.wasm --emit=obj -o %t/im.o 2>&1 | FileCheck %s --check-prefix=IMEM
(module
  (import "env" "log_value" (func $log (param i32)))
  (import "sensor-hub" "read.accel" (func $read (param i32) (result f32)))
  (import "env" "gain" (global $gain f32))
  (memory (export "memory") 1 1)
  (data (i32.const 8) "meldc")
  (global $count (export "count") (mut i32) (i32.const 0))
  (func (export "tick") (param i32) (result f32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (call $log (global.get $count))
    (f32.mul (call $read (local.get 0)) (global.get $gain)))
  (func (export "get-count") (result i32) (global.get $count)))

;; HDR: #ifndef APP_MELDC_H
;; HDR: #include <stdint.h>
;; HDR: #define app_TRAP_UNREACHABLE {{ *}}1u
;; HDR: #define app_TRAP_CALL_STACK_EXHAUSTED {{ *}}10u
;; HDR: void app_init(void);
;; HDR: void app_trap(uint32_t code) __attribute__((noreturn));
;; HDR: extern void *app_stack_limit;
;; HDR: extern uint8_t app_memory0[];
;; HDR-NEXT: #define app_MEMORY0_SIZE 65536u
;; HDR: /* export "memory" */
;; HDR-NEXT: extern uint8_t app_memory[]; /* memory 0: app_memory0 */
;; HDR: /* export "count" */
;; HDR-NEXT: extern uint32_t app_count;
;; HDR: float app_tick(uint32_t p0);
;; HDR: /* export "get-count" */
;; HDR-NEXT: uint32_t app_get_count(void);
;; HDR: /* Imports: defined by the firmware. */
;; HDR-NEXT: void firmware_log(uint32_t p0);
;; HDR-NEXT: float app_import_sensor_hub_read_accel(uint32_t p0);
;; HDR-NEXT: extern const float app_import_env_gain;

;; IR: @app_memory0 = global [65536 x i8] zeroinitializer, section ".bss.app_memory0", align 16
;; IR: @app_import_env_gain = external {{.*}}global float
;; IR: @app_memory = alias [65536 x i8], ptr @app_memory0
;; IR: @app_count = alias i32, ptr @g.1
;; IR: declare void @firmware_log(i32)
;; IR-LABEL: define void @app_init()
;; IR: call void @llvm.memcpy{{.*}}(ptr {{.*}}getelementptr inbounds (i8, ptr @app_memory0, i32 8), ptr {{.*}}@data.0, i32 5, i1 false)

;; SECT: .bss.app_memory0 00010000

;; CLASH: error: C symbol 'clash_get_count' of the export "get_count" is already used by the export "get-count"
;; IMEM: error: imported memory "env" "mem" is not supported by the backend
