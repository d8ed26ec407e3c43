/* The board harness (test/board): what a test or benchmark main may use on QEMU's mps2-an500.
 *
 * main() runs after start-up (startup.c: FPU on, .data/.bss ready, stdio on semihosting); its
 * return value is QEMU's exit status.  printf goes to QEMU's stdout.
 *
 * Counting: SysTick on the processor clock, no interrupt (CSR = 5), 24 bits.  Under
 * `qemu-system-arm -icount shift=5` the count is deterministic and the clock runs at 0.8 ticks
 * per executed instruction (25 MHz SysTick, 32 ns per instruction), so
 * instructions = ticks * 5 / 4.  A region longer than 2^24 - 1 ticks (about 20.9 million
 * instructions) cannot be counted: board_count_stop returns BOARD_COUNT_OVERFLOW. */
#ifndef MELDC_BOARD_H
#define MELDC_BOARD_H

#include <stdint.h>

#define BOARD_EXIT_TRAP 3   /* a lowered module trapped (board_trap) */
#define BOARD_EXIT_FAULT 4  /* a processor fault (HardFault, UsageFault, ...) */
#define BOARD_COUNT_OVERFLOW UINT32_MAX

/* Starts counting from zero.  Not reentrant: one region at a time. */
void board_count_start(void);
/* SysTick ticks since board_count_start, less the cost of the start/stop pair itself (so an
 * empty region counts 0), or BOARD_COUNT_OVERFLOW when the 24-bit counter wrapped. */
uint32_t board_count_stop(void);
/* Ticks to executed instructions under -icount shift=5 (rounded to nearest). */
static inline uint32_t board_ticks_to_instructions(uint32_t ticks) {
  return (uint32_t)(((uint64_t)ticks * 5 + 2) / 4);
}

/* Prints "trap <code>" and exits with BOARD_EXIT_TRAP. */
__attribute__((noreturn)) void board_trap(uint32_t code);
/* Exits at once with status (stdout flushed), from anywhere. */
__attribute__((noreturn)) void board_exit(int status);

/* Defines the trap handler a meldc object with prefix P calls (P_trap), forwarding to
 * board_trap: BOARD_TRAP_HANDLER(app) in one C file of the program. */
#define BOARD_TRAP_HANDLER(P)                                                                   \
  __attribute__((noreturn)) void P##_trap(uint32_t code) { board_trap(code); }

#endif
