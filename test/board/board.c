/* Counting and trap helpers of the board harness (board.h). */
#include "board.h"

#include <stdio.h>

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define CSR_ENABLE_CPUCLK 5u
#define CSR_COUNTFLAG (1u << 16)

static uint32_t start_value;
static uint32_t overhead;

/* Out of line, and the same instructions on every call, so the cost of a start/stop pair is a
 * constant that calibrate() measures once and board_count_stop subtracts. */
__attribute__((noinline)) static void start(void) {
  SYST_CSR = 0;
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0;              /* clears the counter and COUNTFLAG; reloads on the first tick */
  SYST_CSR = CSR_ENABLE_CPUCLK;
  while (SYST_CVR == 0)      /* wait for the reload, so start_value is in range */
    ;
  start_value = SYST_CVR;
}

__attribute__((noinline)) static uint32_t stop(void) {
  uint32_t now = SYST_CVR;
  uint32_t csr = SYST_CSR;
  SYST_CSR = 0;
  if (csr & CSR_COUNTFLAG)
    return BOARD_COUNT_OVERFLOW;
  return start_value - now;
}

/* The cost of an empty region, counted the way a caller counts one: through the public pair. */
static int calibrated;

__attribute__((noinline)) static void calibrate(void) {
  calibrated = 1;
  overhead = 0;
  board_count_start();
  overhead = board_count_stop();
}

void board_count_start(void) {
  if (!calibrated)
    calibrate();
  start();
}

uint32_t board_count_stop(void) {
  uint32_t t = stop();
  if (t == BOARD_COUNT_OVERFLOW)
    return t;
  return t >= overhead ? t - overhead : 0;
}

void board_trap(uint32_t code) {
  printf("trap %lu\n", (unsigned long)code);
  board_exit(BOARD_EXIT_TRAP);
}
