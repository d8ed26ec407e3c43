/* The example's second component: it imports the counter interface (counter.wit, world
 * `driver`) and exports `run`.  Like counter.c it carries its own allocator behind
 * cabi_realloc; fused, the boundary between the two is a direct call and --mcu removes both
 * allocators. */
#include <stdint.h>
#include <stdlib.h>

__attribute__((import_module("example:counter/counter"), import_name("add")))
uint32_t counter_add(uint32_t n);
__attribute__((import_module("example:counter/counter"), import_name("reset")))
void counter_reset(void);

__attribute__((export_name("run")))
uint32_t run(uint32_t n) {
  uint32_t total = 0;
  counter_reset();
  for (uint32_t i = 1; i <= n; i++) total = counter_add(i);
  return total;
}

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  if (new_size == 0) return (void *)align;
  void *p = realloc(old, new_size);
  if (!p) abort();
  return p;
}
