/*
 * libFuzzer target: the single-address-space passes on any core module that reads and
 * verifies.  Each input runs one pipeline, chosen by its size (so that every module of the seed
 * corpus is a valid input as it is):
 *   grow-to-bump,rebase,dce           grow-to-bump<grow-fail=trap>,rebase<checks>,dce
 *   grow-to-bump<heap-pages=N>,rebase (N from the size too)
 * A pass may refuse the module (an imported memory, a segment that would trap, ...): that must
 * be an error reported through the context, never a crash.  When the pipeline succeeds, the
 * verifier must accept every intermediate module (--verify-each) and the result must read
 * back.  Memory is capped as in fuzz_read.c.
 *
 * Build: cmake -DMELDC_FUZZ=ON with CC=clang-19 (see test/fuzz/CMakeLists.txt).
 */
#include "fuzz_common.h"
#include "meldc/Pass.h"
#include "meldc/Verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Budget budget = {0, MEMORY_CONSTANT + MEMORY_FACTOR * size};
  MeldContext ctx;
  meld_context_init(&ctx, (MeldAllocator){capped_alloc, &budget});
  char pipeline[96];
  switch (size % 3) {
  case 0: snprintf(pipeline, sizeof pipeline, "grow-to-bump,rebase,dce"); break;
  case 1: snprintf(pipeline, sizeof pipeline, "grow-to-bump<grow-fail=trap>,rebase<checks>,dce"); break;
  default:
    snprintf(pipeline, sizeof pipeline, "grow-to-bump<heap-pages=%u>,rebase", 1u + (unsigned)(size / 3 % 64));
    break;
  }
  MeldUnit u;
  meld_unit_init(&u, &ctx);
  if (load(&u, data, size) && u.module) {
    MeldArena a;
    meld_arena_init(&a, ctx.alloc, 0);
    MeldPipeline p;
    check(meld_pipeline_parse(&ctx, &a, pipeline, &p), "parsing the pipeline");
    MeldPassManagerOptions o;
    memset(&o, 0, sizeof o);
    o.verify_each = true;
    uint32_t errors = ctx.diag.nerrors;
    if (meld_pipeline_run(&u, &p, &o)) {
      MeldBuf out;
      meld_buf_init(&out, ctx.alloc);
      check(meld_unit_emit(&u, MELD_EMIT_WASM, &out), "writing the result");
      MeldUnit u2;
      meld_unit_init(&u2, &ctx);
      check(load(&u2, out.data, out.len), "reading the result back");
      check(u2.module && u2.module->nmemories <= 1, "one memory at most after rebase");
      meld_unit_free(&u2);
      meld_buf_free(&out);
    } else {
      check(ctx.diag.nerrors > errors, "a refusing pass reports an error");
    }
    meld_arena_free(&a);
  }
  meld_unit_free(&u);
  meld_context_free(&ctx);
  check(budget.used == 0, "every allocation is freed");
  return 0;
}
