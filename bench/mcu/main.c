/* The bench/mcu program on the board: for every kernel of kernels/kernels.def, setup() (not
 * counted), then run() between board_count_start/stop (test/board/board.h), printing
 *
 *   kernel <name> checksum 0x<hex> ticks <SysTick ticks> instructions <ticks * 5 / 4>
 *
 * Built once per build of the kernels, with one of
 *   -DBUILD_NATIVE  the kernels are C functions <name>_setup / <name>_run (clang-19 objects);
 *   -DBUILD_MELDC   the same names from meldc objects (--prefix=<name>), after <name>_init();
 *                   <name>_trap goes to board_trap, <name>_stack_limit is set;
 *   -DBUILD_WASM2C  wasm2c modules named <name>: Z_<name>Z_setup / Z_<name>Z_run on an instance,
 *                   after wasm_rt_init, Z_<name>_init_module and Z_<name>_instantiate. */
#include <stdint.h>
#include <stdio.h>

#include "board.h"

#if defined(BUILD_NATIVE)

#define X(k)                                                                                    \
  void k##_setup(void);                                                                         \
  uint32_t k##_run(void);
#include "kernels/kernels.def"
#undef X
#define INIT(k) ((void)0)
#define SETUP(k) k##_setup()
#define RUN(k) k##_run()

#elif defined(BUILD_MELDC)

#include "modules.h" /* written by run.py: the header meldc wrote beside each object */
#define X(k) BOARD_TRAP_HANDLER(k)
#include "kernels/kernels.def"
#undef X
/* The stack check meldc compiles in (on by default) compares with <name>_stack_limit: firmware
 * sets it to the stack's low end plus a margin, as here (the count does not depend on it). */
extern char __stack_limit[];
#define X(k) extern void *k##_stack_limit __attribute__((weak)); /* absent: --stack-check=off */
#include "kernels/kernels.def"
#undef X
#define INIT(k) ((&k##_stack_limit ? (void)(k##_stack_limit = __stack_limit + 1024) : (void)0), k##_init())
#define SETUP(k) k##_setup()
#define RUN(k) k##_run()

#elif defined(BUILD_WASM2C)

#include "modules.h" /* written by run.py: the header wasm2c wrote for each module */
#define X(k) static Z_##k##_instance_t instance_##k;
#include "kernels/kernels.def"
#undef X
#define INIT(k) (Z_##k##_init_module(), Z_##k##_instantiate(&instance_##k))
#define SETUP(k) Z_##k##Z_setup(&instance_##k)
#define RUN(k) Z_##k##Z_run(&instance_##k)

#else
#error "define BUILD_NATIVE, BUILD_MELDC or BUILD_WASM2C"
#endif

int main(void) {
#ifdef BUILD_WASM2C
  wasm_rt_init();
#endif
  int failures = 0;
#define X(k)                                                                                    \
  {                                                                                             \
    INIT(k);                                                                                    \
    SETUP(k);                                                                                   \
    board_count_start();                                                                        \
    uint32_t sum = RUN(k);                                                                      \
    uint32_t ticks = board_count_stop();                                                        \
    if (ticks == BOARD_COUNT_OVERFLOW) {                                                        \
      printf("kernel %s checksum 0x%08lx overflow\n", #k, (unsigned long)sum);                  \
      failures++;                                                                               \
    } else {                                                                                    \
      printf("kernel %s checksum 0x%08lx ticks %lu instructions %lu\n", #k,                     \
             (unsigned long)sum, (unsigned long)ticks,                                          \
             (unsigned long)board_ticks_to_instructions(ticks));                                \
    }                                                                                           \
  }
#include "kernels/kernels.def"
#undef X
  return failures;
}
