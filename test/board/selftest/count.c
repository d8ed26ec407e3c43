/* SysTick counting under -icount shift=5: a loop of exactly 2 instructions per iteration must
 * count 2 * N instructions, the same on every run; a region too long for 24 bits must say so. */
#include <stdio.h>

#include "board.h"

__attribute__((noinline, naked)) static void spin(uint32_t n) {
  __asm__ volatile("1: subs r0, r0, #1\n\t"
                   "bne 1b\n\t"
                   "bx lr");
}

int main(void) {
  const uint32_t n = 1000000;
  int failures = 0;
  for (int run = 0; run < 2; run++) {
    board_count_start();
    spin(n);
    uint32_t ticks = board_count_stop();
    uint32_t insns = board_ticks_to_instructions(ticks);
    /* 2n in the loop, plus the call and return: a few more. */
    int ok = insns >= 2 * n && insns <= 2 * n + 8;
    printf("run %d: %lu ticks, %lu instructions: %s\n", run, (unsigned long)ticks,
           (unsigned long)insns, ok ? "ok" : "FAILED");
    failures += !ok;
  }
  board_count_start();
  spin(12000000);
  int overflow = board_count_stop() == BOARD_COUNT_OVERFLOW;
  printf("24-bit overflow detected: %s\n", overflow ? "ok" : "FAILED");
  return failures + !overflow;
}
