/*
 * libFuzzer target: any bytes through the reader of either layer, then, for what reads and
 * verifies, the invariants the rest of meldc relies on:
 *   - writing and reading back gives the same bytes when written again (round-trip stability);
 *   - dce (core modules) keeps the module valid, and its output round-trips too;
 *   - the text printer never fails on a verified module.
 * Memory is capped by the allocator hook: a single input may not make meldc allocate more than
 * MEMORY_FACTOR times its size plus a constant; exceeding it is reported as a crash, because it
 * means some count or size was trusted before being checked against the bytes left.
 *
 * Build: cmake -DMELDC_FUZZ=ON with CC=clang-19 (see test/fuzz/CMakeLists.txt).
 */
#include "fuzz_common.h"
#include "meldc/Pass.h"
#include "meldc/Print.h"
#include "meldc/Verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void emit(MeldUnit *u, MeldBuf *out) {
  meld_buf_init(out, u->ctx->alloc);
  check(meld_unit_emit(u, MELD_EMIT_WASM, out), "writing a verified unit");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Budget budget = {0, MEMORY_CONSTANT + MEMORY_FACTOR * size};
  MeldContext ctx;
  meld_context_init(&ctx, (MeldAllocator){capped_alloc, &budget});
  /* Both reading modes: strict (the reader checks bodies) and deferred (the verifier does). */
  ctx.defer_body_checks = size & 1;
  MeldUnit u;
  meld_unit_init(&u, &ctx);
  if (load(&u, data, size)) {
    MeldBuf first, second, text;
    emit(&u, &first);
    MeldUnit u2;
    meld_unit_init(&u2, &ctx);
    check(load(&u2, first.data, first.len), "reading back what meldc wrote");
    emit(&u2, &second);
    check(first.len == second.len && memcmp(first.data, second.data, first.len) == 0,
          "write(read(write(x))) == write(x)");
    /* Text expands (every local and every name reference is spelled out), so printing gets a
     * budget of its own: bounded, but not by the binary's factor. */
    size_t limit = budget.limit;
    budget.limit = budget.used + (size_t)4096 * size + MEMORY_CONSTANT;
    meld_buf_init(&text, ctx.alloc);
    check(meld_unit_emit(&u2, MELD_EMIT_WAT, &text), "printing a verified unit");
    meld_buf_free(&text);
    budget.limit = limit;
    meld_buf_free(&second);
    meld_unit_free(&u2);
    bool relocatable = false; /* dce refuses object files, by design */
    for (uint32_t i = 0; u.module && i < u.module->ncustoms; i++)
      relocatable |= meld_str_eq_cstr(u.module->customs[i].name, "linking");
    if (u.module && !relocatable) {
      MeldPipeline p;
      MeldArena a;
      meld_arena_init(&a, ctx.alloc, 0);
      check(meld_pipeline_parse(&ctx, &a, "dce", &p), "parsing the pipeline");
      MeldPassManagerOptions o;
      memset(&o, 0, sizeof o);
      o.verify_each = true;
      check(meld_pipeline_run(&u, &p, &o), "dce keeps a valid module valid");
      MeldBuf after;
      emit(&u, &after);
      MeldUnit u3;
      meld_unit_init(&u3, &ctx);
      check(load(&u3, after.data, after.len), "reading back dce's output");
      meld_unit_free(&u3);
      meld_buf_free(&after);
      meld_arena_free(&a);
    }
    meld_buf_free(&first);
  }
  meld_unit_free(&u);
  meld_context_free(&ctx);
  check(budget.used == 0, "every allocation is freed");
  return 0;
}
