/*
 * Passes and the pass manager.
 *
 * A pass is a function `bool run(MeldUnit *unit, const MeldPassParams *params)` registered by
 * one line of lib/Passes/Passes.def (declared for the library in lib/Passes/PassRegistry.h):
 *
 *   MELD_PASS("name", function, "one-line summary", "parameter documentation",
 *             REQUIRED_PROPS, PROVIDED_PROPS, REMOVED_PROPS)
 *
 * A pass returns false after reporting an error.  It may assume the properties it requires
 * (MELD_PROP_* in Unit.h); the pass manager checks a pipeline against them before running
 * anything and names the pass that would provide a missing property.
 *
 * Pipeline text (-passes=): passes separated by commas, each optionally followed by parameters
 * in angle brackets, `;`-separated, each `key=value` or a bare flag: `strip<debug>`,
 * `strip<keep=producers;keep=name>`.  Errors use LLVM's wording: `unknown pass 'x'`,
 * `invalid pipeline 'text'`.
 */
#ifndef MELDC_PASS_H
#define MELDC_PASS_H

#include "meldc/Unit.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct MeldPassParam {
  MeldStr key;
  MeldStr value; /* empty for a flag */
  bool has_value;
} MeldPassParam;

typedef struct MeldPassParams {
  MeldPassParam *items;
  uint32_t nitems;
} MeldPassParams;

typedef bool (*MeldPassRun)(MeldUnit *unit, const MeldPassParams *params);

typedef struct MeldPassInfo {
  const char *name;
  MeldPassRun run;
  const char *summary;
  const char *params_doc; /* "" when the pass takes no parameters */
  uint32_t requires;
  uint32_t provides;
  uint32_t removes;
} MeldPassInfo;

/* The registry (expanded from Passes.def). */
extern const MeldPassInfo meld_passes[];
extern const uint32_t meld_npasses;
const MeldPassInfo *meld_pass_lookup(MeldStr name);

/* Parameter helpers for passes.  meld_param_check reports an error naming the pass for any
 * parameter whose key is not in the NULL-terminated list `known`. */
bool meld_params_check(MeldUnit *u, const char *pass, const MeldPassParams *p,
                       const char *const *known);
bool meld_param_flag(const MeldPassParams *p, const char *key);
/* The value of the first occurrence of `key`, or NULL (not NUL-terminated: use `len`). */
const MeldPassParam *meld_param_get(const MeldPassParams *p, const char *key);
/* A parameter value as a decimal u32 (digits only: no sign, spaces or overflow). */
bool meld_param_u32(MeldStr s, uint32_t *out);
/* Reports "<pass>: invalid parameter 'key=value': <why>". */
void meld_param_error(MeldUnit *u, const char *pass, const MeldPassParam *p, const char *why);

typedef struct MeldPipelineEntry {
  const MeldPassInfo *pass;
  MeldPassParams params;
  MeldStr text; /* the entry as written, e.g. "strip<debug>" */
} MeldPipelineEntry;

typedef struct MeldPipeline {
  MeldPipelineEntry *items;
  uint32_t nitems, cap;
} MeldPipeline;

/* Parses pipeline text (syntax first, then pass names). */
bool meld_pipeline_parse(MeldContext *ctx, MeldArena *arena, const char *text,
                         MeldPipeline *out);
/* Writes the pipeline back as -passes= text. */
void meld_pipeline_print(const MeldPipeline *p, MeldBuf *out);

/* Wall-clock timings for --time-passes: the pass manager records each pass (and each verifier
 * run of --verify-each); the driver adds reading, verifying and writing, then prints one
 * report. */
typedef struct MeldTiming {
  const char *name; /* static, or owned by the pipeline's arena */
  uint32_t namelen;
  double seconds;
} MeldTiming;

typedef struct MeldTimings {
  MeldArena *arena;
  MeldTiming *items;
  uint32_t nitems, cap;
} MeldTimings;

void meld_timings_add(MeldTimings *t, const char *name, uint32_t namelen, double seconds);
void meld_timings_report(const MeldTimings *t, FILE *out);

typedef struct MeldPassManagerOptions {
  FILE *dump;                 /* where inspection output goes (stderr in the driver) */
  bool print_before_all;
  bool print_after_all;
  const char *print_before;   /* comma-separated pass names, or NULL */
  const char *print_after;
  bool debug_pass_manager;    /* "Running pass: name" */
  MeldTimings *timings;       /* record times here when non-NULL (--time-passes) */
  bool verify_each;           /* run the verifier after every pass */
} MeldPassManagerOptions;

/* Checks the pipeline's requirements against the unit, then runs it. */
bool meld_pipeline_run(MeldUnit *u, const MeldPipeline *p, const MeldPassManagerOptions *opts);

/* Checks that every name in a comma-separated list is a registered pass (for --print-after=
 * and friends); reports `unknown pass 'x'` otherwise. */
bool meld_pass_list_check(MeldContext *ctx, const char *list, const char *flag);

#ifdef __cplusplus
}
#endif
#endif
