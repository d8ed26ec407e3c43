/*
 * The diagnostics engine: collects diagnostics, forwards each to an optional sink.
 */
#include "meldc/Diag.h"

#include <stdio.h>
#include <string.h>

void meld_diag_init(MeldDiagEngine *d, MeldAllocator alloc) {
  memset(d, 0, sizeof *d);
  d->alloc = alloc;
  d->max_kept = 1000;
}

void meld_diag_free(MeldDiagEngine *d) {
  for (uint32_t i = 0; i < d->nitems; i++)
    meld_free(d->alloc, (void *)d->items[i].msg, strlen(d->items[i].msg) + 1);
  meld_free(d->alloc, d->items, (size_t)d->cap * sizeof *d->items);
  d->items = NULL;
  d->nitems = d->cap = 0;
}

void meld_diag_vreport(MeldDiagEngine *d, MeldDiagLevel level, const char *file,
                       uint64_t offset, const char *fmt, va_list ap) {
  if (level == MELD_WARNING && d->warnings_as_errors) level = MELD_ERROR;
  if (level == MELD_ERROR) d->nerrors++;
  if (level == MELD_WARNING) d->nwarnings++;

  char small[512];
  va_list aq;
  va_copy(aq, ap);
  int n = vsnprintf(small, sizeof small, fmt, aq);
  va_end(aq);
  if (n < 0) n = 0;
  char *msg = meld_alloc(d->alloc, (size_t)n + 1);
  MeldDiag diag = {level, file, offset, msg ? msg : "out of memory while reporting an error"};
  if (msg) {
    if ((size_t)n < sizeof small) memcpy(msg, small, (size_t)n + 1);
    else vsnprintf(msg, (size_t)n + 1, fmt, ap);
  }
  if (d->sink) d->sink(d->sink_ud, &diag);
  if (msg && d->nitems < d->max_kept) {
    if (d->nitems == d->cap) {
      uint32_t ncap = d->cap ? d->cap * 2 : 16;
      MeldDiag *ni = meld_realloc(d->alloc, d->items, (size_t)d->cap * sizeof *ni,
                                  (size_t)ncap * sizeof *ni);
      if (!ni) {
        meld_free(d->alloc, msg, (size_t)n + 1);
        return;
      }
      d->items = ni;
      d->cap = ncap;
    }
    d->items[d->nitems++] = diag;
  } else if (msg) {
    meld_free(d->alloc, msg, (size_t)n + 1);
  }
}

void meld_diag_report(MeldDiagEngine *d, MeldDiagLevel level, const char *file, uint64_t offset,
                      const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(d, level, file, offset, fmt, ap);
  va_end(ap);
}

static const char *level_text(MeldDiagLevel l) {
  switch (l) {
  case MELD_ERROR: return "error";
  case MELD_WARNING: return "warning";
  case MELD_NOTE: return "note";
  }
  return "error";
}

void meld_diag_format(const MeldDiag *d, MeldBuf *out) {
  const char *file = d->file ? d->file : "meldc";
  if (d->offset != MELD_NO_OFFSET)
    meld_buf_printf(out, "%s:0x%06llx: %s: %s", file, (unsigned long long)d->offset,
                    level_text(d->level), d->msg);
  else
    meld_buf_printf(out, "%s: %s: %s", file, level_text(d->level), d->msg);
}

void meld_diag_print_stderr(void *ud, const MeldDiag *d) {
  MeldBuf b;
  meld_buf_init(&b, ud ? *(MeldAllocator *)ud : meld_default_allocator());
  meld_diag_format(d, &b);
  meld_buf_byte(&b, '\n');
  if (!b.oom) fwrite(b.data, 1, b.len, stderr);
  else fprintf(stderr, "%s\n", d->msg);
  meld_buf_free(&b);
}
