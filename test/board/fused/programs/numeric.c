/* A core module from C for the board differential test (test/board/fused/run.mjs): integer and
 * float arithmetic at the edges, conversions, 64-bit division, recursion, linear memory, and
 * the traps C code reaches (division by zero, INT_MIN / -1, out-of-bounds accesses,
 * unreachable).  Built with clang-19 for wasm32; calls in numeric.calls.json. */
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))

static uint8_t bytes[4096];
static uint32_t counter;

EXPORT("add64") uint64_t add64(uint64_t a, uint64_t b) { return a + b; }
EXPORT("mul64") uint64_t mul64(uint64_t a, uint64_t b) { return a * b; }
EXPORT("sdiv64") int64_t sdiv64(int64_t a, int64_t b) { return a / b; }
EXPORT("urem64") uint64_t urem64(uint64_t a, uint64_t b) { return a % b; }
EXPORT("sdiv32") int32_t sdiv32(int32_t a, int32_t b) { return a / b; }
EXPORT("udiv32") uint32_t udiv32(uint32_t a, uint32_t b) { return a / b; }
EXPORT("rotl") uint32_t rotl(uint32_t x, uint32_t r) { return (x << (r & 31)) | (x >> ((32 - r) & 31)); }
EXPORT("clz") uint32_t clz(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; }
EXPORT("popcnt64") uint32_t popcnt64(uint64_t x) { return (uint32_t)__builtin_popcountll(x); }
EXPORT("sext8") int32_t sext8(uint32_t x) { return (int8_t)x; }

EXPORT("fmadd") double fmadd(double a, double b, double c) { return a * b + c; }
EXPORT("fdiv32") float fdiv32(float a, float b) { return a / b; }
EXPORT("sqrt64") double sqrt64(double x) { return __builtin_sqrt(x); }
/* wasm's min/max (NaN-propagating, -0 < +0), not C's fmin/fmax */
EXPORT("min32") float min32(float a, float b) { return __builtin_wasm_min_f32(a, b); }
EXPORT("max64") double max64(double a, double b) { return __builtin_wasm_max_f64(a, b); }
EXPORT("f2i") int32_t f2i(double x) { return (int32_t)x; }           /* traps out of range */
EXPORT("f2u64") uint64_t f2u64(float x) { return (uint64_t)x; }      /* traps out of range */
EXPORT("i2f") float i2f(int64_t x) { return (float)x; }
EXPORT("u2d") double u2d(uint64_t x) { return (double)x; }
EXPORT("promote") double promote(float x) { return x; }
EXPORT("demote") float demote(double x) { return (float)x; }

EXPORT("fib") uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

EXPORT("fill") uint32_t fill(uint32_t seed, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n && i < sizeof bytes; i++) {
    seed = seed * 1103515245u + 12345u;
    bytes[i] = (uint8_t)(seed >> 16);
    h = (h ^ bytes[i]) * 16777619u;
  }
  return h;
}

/* Raw memory access at any address: out of bounds traps. */
EXPORT("peek32") uint32_t peek32(uint32_t addr) { return *(volatile uint32_t *)(uintptr_t)addr; }
EXPORT("poke8") void poke8(uint32_t addr, uint32_t v) { *(volatile uint8_t *)(uintptr_t)addr = (uint8_t)v; }

EXPORT("count") uint32_t count(void) { return ++counter; }
EXPORT("boom") void boom(void) { __builtin_trap(); }
