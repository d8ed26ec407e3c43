/*
 * The byte cursor of the binary readers (ByteReader.h): checked reads and their diagnostics, in
 * the wording each reader's tests expect.
 */
#include "Parse/ByteReader.h"

#include <stdarg.h>

uint64_t meld_br_offset(const MeldByteReader *r, const uint8_t *at) {
  return r->base + (uint64_t)(at - r->start);
}

bool meld_br_error_at(MeldByteReader *r, const uint8_t *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(&r->ctx->diag, MELD_ERROR, r->file, meld_br_offset(r, at), fmt, ap);
  va_end(ap);
  return false;
}

bool meld_br_oom(MeldByteReader *r) {
  return meld_br_error_at(r, r->p, "out of memory");
}

bool meld_br_eof(MeldByteReader *r, const char *what) {
  if (r->wording == MELD_WORDING_WASMPARSER)
    return meld_br_error_at(r, r->p, "unexpected end-of-file reading %s", what);
  return meld_br_error_at(r, r->p, "unexpected end of %s", what);
}

bool meld_br_leb_error(MeldByteReader *r, MeldLebStatus s, const char *what) {
  if (s == MELD_LEB_EOF) return meld_br_eof(r, what);
  if (r->wording == MELD_WORDING_WASMPARSER)
    return meld_br_error_at(r, r->p, "%s reading %s", meld_leb_status_text(s), what);
  return meld_br_error_at(r, r->p, "%s: %s", meld_leb_status_text(s), what);
}

bool meld_br_byte(MeldByteReader *r, uint8_t *out, const char *what) {
  *out = 0;
  if (r->p >= r->end) return meld_br_eof(r, what);
  *out = *r->p++;
  return true;
}

bool meld_br_u32(MeldByteReader *r, uint32_t *out, const char *what) {
  *out = 0;
  MeldLebStatus s = meld_leb_u32(&r->p, r->end, out);
  return s == MELD_LEB_OK || meld_br_leb_error(r, s, what);
}

bool meld_br_u64(MeldByteReader *r, uint64_t *out, const char *what) {
  *out = 0;
  MeldLebStatus s = meld_leb_u64(&r->p, r->end, out);
  return s == MELD_LEB_OK || meld_br_leb_error(r, s, what);
}

bool meld_br_count(MeldByteReader *r, uint32_t *out, uint32_t min_size, const char *what) {
  const uint8_t *at = r->p;
  if (!meld_br_u32(r, out, what)) return false;
  uint64_t left = (uint64_t)(r->end - r->p);
  if ((uint64_t)*out * min_size <= left) return true;
  if (r->wording == MELD_WORDING_WASMPARSER)
    return meld_br_error_at(r, r->p, "unexpected end-of-file: %s %u larger than the %u bytes left",
                            what, *out, (unsigned)left);
  return meld_br_error_at(r, at, "%s %u is larger than the %llu bytes left", what, *out,
                          (unsigned long long)left);
}

bool meld_br_name(MeldByteReader *r, MeldStr *out, const char *what) {
  const uint8_t *at = r->p;
  uint32_t len;
  if (!meld_br_u32(r, &len, what)) return false;
  uint64_t left = (uint64_t)(r->end - r->p);
  if (len > left) {
    if (r->wording == MELD_WORDING_WASMPARSER)
      return meld_br_error_at(r, at, "unexpected end-of-file: %s of %u bytes, %u left", what, len,
                              (unsigned)left);
    return meld_br_error_at(r, r->p, "unexpected end of %s (length %u, %llu bytes left)", what, len,
                            (unsigned long long)left);
  }
  if (!meld_utf8_valid(r->p, len))
    return meld_br_error_at(r, r->p, "malformed UTF-8 encoding in %s", what);
  out->ptr = (const char *)r->p;
  out->len = len;
  r->p += len;
  return true;
}
