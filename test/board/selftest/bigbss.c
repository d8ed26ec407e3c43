/* Megabytes of .bss (a lowered wasm memory is one): zeroed at start, and loading the image must
 * not zero-fill over the code (mps2-an500.ld gives .bss a program header of its own). */
#include <stdint.h>
#include <stdio.h>

static uint8_t big[6u << 20];

int main(void) {
  uint32_t nonzero = 0;
  for (uint32_t i = 0; i < sizeof big; i += 4096)
    nonzero += big[i] != 0;
  big[sizeof big - 1] = 1;
  printf("6 MiB of .bss: %s\n", nonzero == 0 && big[sizeof big - 1] == 1 ? "ok" : "FAILED");
  return 0;
}
