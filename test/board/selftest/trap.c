/* A lowered module's trap ends the program: "trap <code>", exit BOARD_EXIT_TRAP. */
#include <stdint.h>
#include <stdio.h>

#include "board.h"

BOARD_TRAP_HANDLER(selftest)

int main(void) {
  printf("before the trap\n");
  selftest_trap(5);
}
