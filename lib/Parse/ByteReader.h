/*
 * The byte cursor both binary readers build on (internal to the library): ReadCore.c for core
 * modules, ReadComponent.c for components.  It holds where the input came from, for
 * diagnostics, and the cursor with the end of what may be read now (a section, a body, the
 * whole input); the readers narrow and restore `end` themselves.
 *
 * Every read says what it reads.  A failure reports `file:0xOFFSET: error: ...` through
 * ctx->diag and returns false.  Counts and lengths are checked against the bytes left, so a
 * reader allocates nothing for one that the input cannot hold.
 *
 * The two readers word the same failures differently, and tests check both: the core reader in
 * meldc's own words ("unexpected end of type count"), the component reader like wasmparser
 * ("unexpected end-of-file reading item count"), so that its messages contain the texts the
 * component-model suite expects.  `wording` picks one; the checks are the same.
 */
#ifndef MELDC_PARSE_BYTE_READER_H
#define MELDC_PARSE_BYTE_READER_H

#include "meldc/Context.h"

typedef enum MeldWording {
  MELD_WORDING_CORE,       /* meldc's own messages (the core module reader) */
  MELD_WORDING_WASMPARSER, /* messages worded like wasmparser's (the component reader) */
} MeldWording;

typedef struct MeldByteReader {
  MeldContext *ctx;
  const char *file;
  uint64_t base;        /* file offset of start[0] */
  const uint8_t *start; /* the first byte of the input */
  const uint8_t *p;     /* cursor */
  const uint8_t *end;   /* end of what may be read now */
  MeldWording wording;
} MeldByteReader;

/* The file offset of `at`, a pointer into the input. */
uint64_t meld_br_offset(const MeldByteReader *r, const uint8_t *at);

/* Reports an error at `at`; returns false, so a caller can `return meld_br_error_at(...)`. */
bool meld_br_error_at(MeldByteReader *r, const uint8_t *at, const char *fmt, ...) MELD_PRINTF(3, 4);
bool meld_br_oom(MeldByteReader *r);

/* "Ran out of bytes reading `what`" at the cursor. */
bool meld_br_eof(MeldByteReader *r, const char *what);
/* A LEB128 decoder's failure `s` reading `what`, at the cursor. */
bool meld_br_leb_error(MeldByteReader *r, MeldLebStatus s, const char *what);

/* One byte, an unsigned LEB128.  On failure *out is 0 (which keeps -Wmaybe-uninitialized quiet
 * at -O2). */
bool meld_br_byte(MeldByteReader *r, uint8_t *out, const char *what);
bool meld_br_u32(MeldByteReader *r, uint32_t *out, const char *what);
bool meld_br_u64(MeldByteReader *r, uint64_t *out, const char *what);

/* A vector length whose elements each take at least `min_size` bytes: refused when they cannot
 * fit in the bytes left. */
bool meld_br_count(MeldByteReader *r, uint32_t *out, uint32_t min_size, const char *what);

/* name ::= vec(byte), valid UTF-8; `out` points into the input. */
bool meld_br_name(MeldByteReader *r, MeldStr *out, const char *what);

#endif
