/* CRC-32 (IEEE 802.3, reflected, table-driven) over telemetry frames, as a MAVLink-style link
 * or a log writer computes it.  Integer, byte loads. */
#include "kernel.h"

#define BYTES 8192
#define FRAME 263

static uint8_t buffer[BYTES];
static uint32_t table[256];

KERNEL_SETUP {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  uint32_t s = 0xFEEDF00Du;
  for (int i = 0; i < BYTES; i++)
    buffer[i] = (uint8_t)k_rand(&s);
}

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  while (n--)
    c = table[(c ^ *p++) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

KERNEL_RUN {
  uint32_t h = 2166136261u;
  for (size_t off = 0; off < BYTES; off += FRAME)
    h = k_mix(h, crc32(buffer + off, off + FRAME <= BYTES ? FRAME : BYTES - off));
  return k_mix(h, crc32(buffer, BYTES));
}
