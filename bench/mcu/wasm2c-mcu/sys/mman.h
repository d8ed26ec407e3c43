/* Only so that wabt's wasm-rt-impl.c compiles for the board: newlib has no <sys/mman.h>.  With
 * WASM_RT_MEMCHECK_SIGNAL_HANDLER 0 (explicit bounds checks; docs/benchmarks.md, bench/mcu) the runtime
 * allocates linear memory with calloc and never maps anything; these stand-ins fail if called. */
#ifndef BENCH_MCU_SYS_MMAN_H
#define BENCH_MCU_SYS_MMAN_H

#include <stddef.h>
#include <sys/types.h>

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)

static inline void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  (void)addr, (void)len, (void)prot, (void)flags, (void)fd, (void)off;
  return MAP_FAILED;
}
static inline int munmap(void *addr, size_t len) { return (void)addr, (void)len, -1; }
static inline int mprotect(void *addr, size_t len, int prot) {
  return (void)addr, (void)len, (void)prot, -1;
}

#endif
