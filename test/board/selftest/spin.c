/* A program that never ends is stopped by run-on-board's timeout (status 124). */
#include <stdio.h>

int main(void) {
  printf("spinning\n");
  fflush(stdout);
  for (;;)
    __asm__ volatile("");
}
