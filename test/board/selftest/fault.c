/* A processor fault ends the program with BOARD_EXIT_FAULT and says which fault. */
#include <stdio.h>

int main(void) {
  printf("before the fault\n");
  __asm__ volatile("udf #254");
  return 0;
}
