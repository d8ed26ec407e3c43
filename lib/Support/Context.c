#include "meldc/Context.h"

#include <string.h>

void meld_context_init(MeldContext *ctx, MeldAllocator alloc) {
  if (!alloc.fn) alloc = meld_default_allocator();
  ctx->alloc = alloc;
  ctx->defer_body_checks = false;
  ctx->threads = 1;
  ctx->parallel_min_code = 256u * 1024;
  ctx->recheck_bodies = false;
  ctx->keep_reference_lists = false;
  meld_diag_init(&ctx->diag, alloc);
}

void meld_context_free(MeldContext *ctx) {
  meld_diag_free(&ctx->diag);
}

void meld_error(MeldContext *ctx, const char *file, uint64_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(&ctx->diag, MELD_ERROR, file, offset, fmt, ap);
  va_end(ap);
}

void meld_warning(MeldContext *ctx, const char *file, uint64_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(&ctx->diag, MELD_WARNING, file, offset, fmt, ap);
  va_end(ap);
}

void meld_note(MeldContext *ctx, const char *file, uint64_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(&ctx->diag, MELD_NOTE, file, offset, fmt, ap);
  va_end(ap);
}
