/* The bundled example: a tiny reactor component written the way wit-bindgen's C generator
 * writes them (export_name attributes, a cabi_realloc backed by realloc), so it carries
 * wasi-libc's allocator (dlmalloc -> sbrk -> memory.grow) like real components do. */
#include <stdint.h>
#include <stdlib.h>

static uint32_t total;

__attribute__((export_name("example:counter/counter#add")))
uint32_t counter_add(uint32_t n) {
  total += n;
  return total;
}

__attribute__((export_name("example:counter/counter#reset")))
void counter_reset(void) {
  total = 0;
}

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align;
  void *p = realloc(old, new_size);
  if (!p) abort();
  return p;
}
