/* What every kernel of bench/mcu includes.  A kernel is one C file compiled three ways (native
 * Cortex-M7, wasm32 for meldc, wasm32 for wasm2c) with -DKERNEL=<name>.  It defines
 *
 *   KERNEL_SETUP { ... }   fills its inputs, deterministically (not counted);
 *   KERNEL_RUN { ... }     the kernel: returns a checksum of everything it computed (counted).
 *
 * Natively these are the C functions <name>_setup and <name>_run; in wasm the exports "setup"
 * and "run", which meldc --prefix=<name> turns back into <name>_setup and <name>_run.  No libc:
 * the wasm builds link nothing (-nostdlib), so a kernel uses only what it defines itself and
 * the operators that are single wasm instructions (sqrtf, fabsf). */
#ifndef BENCH_MCU_KERNEL_H
#define BENCH_MCU_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define KCAT2(a, b) a##_##b
#define KCAT(a, b) KCAT2(a, b)

#ifdef __wasm__
#define KERNEL_SETUP __attribute__((export_name("setup"))) void KCAT(KERNEL, setup)(void)
#define KERNEL_RUN __attribute__((export_name("run"))) uint32_t KCAT(KERNEL, run)(void)
#else
#define KERNEL_SETUP void KCAT(KERNEL, setup)(void)
#define KERNEL_RUN uint32_t KCAT(KERNEL, run)(void)
#endif

/* xorshift32: the inputs of every kernel. */
static inline uint32_t k_rand(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

/* A float in [-1, 1) from the generator, exactly representable (24 bits). */
static inline float k_randf(uint32_t *state) {
  return (float)((int32_t)(k_rand(state) >> 8) - (1 << 23)) * (1.0f / (1 << 23));
}

static inline uint32_t k_bits(float f) {
  union {
    float f;
    uint32_t u;
  } v = {f};
  return v.u;
}

/* Folds a value into a checksum (order-sensitive). */
static inline uint32_t k_mix(uint32_t h, uint32_t v) {
  h ^= v;
  h *= 0x01000193u;
  return h ^ (h >> 15);
}

#endif
