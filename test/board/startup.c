/* Start-up code of the board harness: QEMU mps2-an500, Cortex-M7 with FPv5-D16, semihosting.
 *
 * The vector table sits at address 0 (mps2-an500.ld).  board_reset enables the FPU (QEMU locks
 * up at the first VFP instruction otherwise), copies .data from its load address, zeroes .bss,
 * opens newlib's semihosting handles, runs the constructors, calls main and exits with its
 * status through semihosting (newlib's rdimon uses SYS_EXIT_EXTENDED, so QEMU's exit status is
 * main's).  A fault prints which one and exits with BOARD_EXIT_FAULT; a lowered module's trap
 * (board_trap.c) exits with BOARD_EXIT_TRAP. */
#include "board.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start__[], __bss_end__[];

extern int main(void);
extern void initialise_monitor_handles(void);
extern void __libc_init_array(void);

void board_reset(void);
void board_fault(void);
void board_fault_report(const uint32_t *frame);

/* __libc_init_array calls _init, exit calls _fini; with -nostartfiles nothing defines them. */
void _init(void) {}
void _fini(void) {}

#define NVECTORS 16
__attribute__((section(".vectors"), used)) static void (*const vectors[NVECTORS])(void) = {
    (void (*)(void))__stack_top,
    board_reset,
    board_fault, /* NMI */
    board_fault, /* HardFault */
    board_fault, /* MemManage */
    board_fault, /* BusFault */
    board_fault, /* UsageFault */
    0, 0, 0, 0,
    board_fault, /* SVCall */
    board_fault, /* DebugMonitor */
    0,
    board_fault, /* PendSV */
    board_fault, /* SysTick: counting runs without its interrupt */
};

__attribute__((noreturn)) void board_reset(void) {
  /* CPACR: full access to CP10 and CP11 (the FPU) before any floating-point instruction. */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");

  /* Word loops, not memcpy/memset: this runs before the C library may be used. */
  for (uint32_t *s = __data_load, *d = __data_start; d < __data_end;)
    *d++ = *s++;
  for (uint32_t *d = __bss_start__; d < __bss_end__;)
    *d++ = 0;

  initialise_monitor_handles();
  __libc_init_array();
  exit(main());
}

/* Semihosting without the C library: a fault may come from inside it. */
static void semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
}

__attribute__((noreturn)) void board_exit(int status) {
  /* SYS_EXIT_EXTENDED (0x20) with ADP_Stopped_ApplicationExit and the status. */
  uint32_t block[2] = {0x20026u, (uint32_t)status};
  fflush(stdout);
  semihost(0x20, block);
  for (;;)
    ;
}

/* The stacked exception frame is on MSP or PSP (EXC_RETURN bit 2); pass it to fault(). */
__attribute__((naked)) void board_fault(void) {
  __asm__ volatile("tst lr, #4\n\t"
                   "ite eq\n\t"
                   "mrseq r0, msp\n\t"
                   "mrsne r0, psp\n\t"
                   "b board_fault_report");
}

__attribute__((noreturn, used)) void board_fault_report(const uint32_t *frame) {
  static const char *const names[16] = {
      0, 0, "NMI", "HardFault", "MemManage", "BusFault", "UsageFault", 0, 0, 0, 0,
      "SVCall", "DebugMonitor", 0, "PendSV", "SysTick"};
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  uint32_t cfsr = *(volatile uint32_t *)0xE000ED28u;
  char msg[96];
  const char *name = ipsr < 16 && names[ipsr] ? names[ipsr] : "exception";
  /* frame[6] is the stacked PC: the faulting instruction. */
  snprintf(msg, sizeof msg, "board: %s (exception %lu), pc 0x%08lx, CFSR 0x%08lx\n", name,
           (unsigned long)ipsr, (unsigned long)frame[6], (unsigned long)cfsr);
  semihost(0x04, msg); /* SYS_WRITE0: QEMU writes it to stderr */
  uint32_t block[2] = {0x20026u, BOARD_EXIT_FAULT};
  semihost(0x20, block);
  for (;;)
    ;
}
