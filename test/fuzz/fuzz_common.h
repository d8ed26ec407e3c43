/*
 * What the fuzz targets share: an allocator that counts the bytes an input makes meldc hold and
 * treats going past a budget as a crash (some count or size was trusted before being checked
 * against the bytes left), a check that aborts with a message, and reading an input.
 */
#ifndef MELDC_FUZZ_COMMON_H
#define MELDC_FUZZ_COMMON_H

#include "meldc/Unit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEMORY_FACTOR 64u
#define MEMORY_CONSTANT (16u << 20)

typedef struct Budget {
  size_t used, limit;
} Budget;

static inline void *capped_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  Budget *b = ud;
  if (new_size == 0) {
    if (ptr) b->used -= old_size;
    free(ptr);
    return NULL;
  }
  size_t next = b->used - (ptr ? old_size : 0) + new_size;
  if (next > b->limit) {
    fprintf(stderr, "fuzz: allocation of %zu bytes would bring the total to %zu (limit %zu)\n",
            new_size, next, b->limit);
    abort();
  }
  void *n = realloc(ptr, new_size);
  if (n) b->used = next;
  return n;
}

static inline void check(bool cond, const char *what) {
  if (!cond) {
    fprintf(stderr, "fuzz: invariant broken: %s\n", what);
    abort();
  }
}

/* Reads `data` into a fresh unit; false when it is refused (reported, not a bug). */
static inline bool load(MeldUnit *u, const uint8_t *data, size_t size) {
  uint8_t *copy = meld_alloc(u->ctx->alloc, size ? size : 1);
  check(copy != NULL, "allocating the input copy");
  if (size) memcpy(copy, data, size);
  return meld_unit_read_bytes(u, "fuzz.wasm", copy, size) && meld_unit_verify(u);
}

#endif
