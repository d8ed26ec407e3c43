/*
 * The compilation context: the allocator every library call uses and the diagnostics engine
 * every library call reports into.  One per compilation (or per thread); not shared.
 */
#ifndef MELDC_CONTEXT_H
#define MELDC_CONTEXT_H

#include "meldc/Diag.h"
#include "meldc/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MELDC_VERSION "0.1.0"

typedef struct MeldContext {
  MeldAllocator alloc;
  MeldDiagEngine diag;
  /* Readers normally check every function body's encoding.  A caller that runs the verifier on
   * the result before anything else touches it may set this: the verifier decodes every body
   * with the same checking decoder and reports the same errors, so each body is decoded once
   * instead of twice.  The driver does; library users get the strict default. */
  bool defer_body_checks;
  /* How many threads a library call may run work on (the calling thread included): 1, the
   * default, runs everything on the calling thread.  Work that is split (checking function
   * bodies, renumbering them) gives the same result and the same diagnostics, in the same order,
   * whatever the count: workers only compute, and everything reported is reported by the
   * calling thread.  The allocator must be thread-safe when this is above 1 (the default one
   * is). */
  uint32_t threads;
  /* Work smaller than this many bytes of code stays on the calling thread (threads cost more
   * than they save there); 256 KiB by default.  Tests set 0 to run the threaded paths on small
   * inputs. */
  uint32_t parallel_min_code;
  /* The verifier skips bodies it accepted before that only type-preserving renumbering has
   * touched since (meld_func_checked in Core.h).  Set this to check every body anyway (debug
   * builds always do). */
  bool recheck_bodies;
  /* The verifier keeps, for each raw body it accepts, the list of module-level indices it uses
   * (MeldFunc.refs), which dce marks liveness from without decoding the body again.  Off by
   * default (the lists cost time and memory); the driver sets it when its pipeline has a dce. */
  bool keep_reference_lists;
} MeldContext;

/* `alloc.fn == NULL` selects the default allocator. */
void meld_context_init(MeldContext *ctx, MeldAllocator alloc);
void meld_context_free(MeldContext *ctx);

/* Shorthands for reporting. `file` may be NULL; `offset` may be MELD_NO_OFFSET. */
void meld_error(MeldContext *ctx, const char *file, uint64_t offset, const char *fmt, ...)
    MELD_PRINTF(4, 5);
void meld_warning(MeldContext *ctx, const char *file, uint64_t offset, const char *fmt, ...)
    MELD_PRINTF(4, 5);
void meld_note(MeldContext *ctx, const char *file, uint64_t offset, const char *fmt, ...)
    MELD_PRINTF(4, 5);

#ifdef __cplusplus
}
#endif
#endif
