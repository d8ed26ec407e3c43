/*
 * Diagnostics.  Libraries never print or exit: they append diagnostics to the engine of the
 * context and return a failure status.  The driver decides how to show them.
 *
 * Text form (meld_diag_format):
 *   file:0x0001a3: error: unexpected end of section      (a byte offset into `file`)
 *   file: error: message                                 (no offset known)
 *   meldc: error: message                                (no file)
 */
#ifndef MELDC_DIAG_H
#define MELDC_DIAG_H

#include "meldc/Support.h"

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MELD_NO_OFFSET UINT64_MAX

typedef enum MeldDiagLevel { MELD_ERROR, MELD_WARNING, MELD_NOTE } MeldDiagLevel;

typedef struct MeldDiag {
  MeldDiagLevel level;
  const char *file;  /* may be NULL */
  uint64_t offset;   /* MELD_NO_OFFSET when unknown */
  const char *msg;   /* owned by the engine */
} MeldDiag;

/* Called for each diagnostic as it is reported (e.g. to print at once). */
typedef void (*MeldDiagSink)(void *ud, const MeldDiag *d);

typedef struct MeldDiagEngine {
  MeldAllocator alloc;
  MeldDiag *items;
  uint32_t nitems, cap;
  uint32_t nerrors, nwarnings;
  uint32_t max_kept;      /* keep at most this many (later ones are counted only) */
  MeldDiagSink sink;      /* optional */
  void *sink_ud;
  bool warnings_as_errors;
} MeldDiagEngine;

void meld_diag_init(MeldDiagEngine *d, MeldAllocator alloc);
void meld_diag_free(MeldDiagEngine *d);
void meld_diag_report(MeldDiagEngine *d, MeldDiagLevel level, const char *file, uint64_t offset,
                      const char *fmt, ...) MELD_PRINTF(5, 6);
void meld_diag_vreport(MeldDiagEngine *d, MeldDiagLevel level, const char *file,
                       uint64_t offset, const char *fmt, va_list ap) MELD_VPRINTF(5);
/* Formats one diagnostic as a line (no trailing newline) into `buf`. */
void meld_diag_format(const MeldDiag *d, MeldBuf *out);
/* Sink that prints each diagnostic to stderr. */
void meld_diag_print_stderr(void *ud, const MeldDiag *d);

#ifdef __cplusplus
}
#endif
#endif
