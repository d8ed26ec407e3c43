/* Hashing: FNV-1a (64-bit) and an xxHash32-style hash (four lanes of 32-bit multiply-rotate
 * over unaligned 16-byte stripes) over parameter and log blocks, as firmware does to detect a
 * changed configuration.  Integer, 64-bit arithmetic, unaligned loads. */
#include "kernel.h"

#define BYTES 6144
#define BLOCK 384

static uint8_t buffer[BYTES];

static uint64_t fnv1a64(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

static uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t read32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t xxh32_like(const uint8_t *p, size_t n, uint32_t seed) {
  const uint32_t P1 = 2654435761u, P2 = 2246822519u, P3 = 3266489917u, P4 = 668265263u,
                 P5 = 374761393u;
  const uint8_t *end = p + n;
  uint32_t h;
  if (n >= 16) {
    uint32_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    for (; p + 16 <= end; p += 16) {
      v1 = rotl(v1 + read32(p) * P2, 13) * P1;
      v2 = rotl(v2 + read32(p + 4) * P2, 13) * P1;
      v3 = rotl(v3 + read32(p + 8) * P2, 13) * P1;
      v4 = rotl(v4 + read32(p + 12) * P2, 13) * P1;
    }
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
  } else {
    h = seed + P5;
  }
  h += (uint32_t)n;
  for (; p + 4 <= end; p += 4)
    h = rotl(h + read32(p) * P3, 17) * P4;
  for (; p < end; p++)
    h = rotl(h + *p * P5, 11) * P1;
  h ^= h >> 15;
  h *= P2;
  h ^= h >> 13;
  h *= P3;
  return h ^ (h >> 16);
}

KERNEL_SETUP {
  uint32_t s = 0x1EAF1EAFu;
  for (int i = 0; i < BYTES; i++)
    buffer[i] = (uint8_t)k_rand(&s);
}

KERNEL_RUN {
  uint32_t h = 2166136261u;
  /* blocks at odd offsets and lengths: unaligned reads and every tail length */
  for (size_t off = 0; off + BLOCK + 15 <= BYTES; off += BLOCK + 1) {
    size_t n = BLOCK + off % 16;
    uint64_t f = fnv1a64(buffer + off, n);
    h = k_mix(h, (uint32_t)f);
    h = k_mix(h, (uint32_t)(f >> 32));
    h = k_mix(h, xxh32_like(buffer + off + 1, n, (uint32_t)off));
  }
  return h;
}
