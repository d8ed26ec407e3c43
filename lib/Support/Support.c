/*
 * Allocator hook, arenas, growable arrays, strings, hashing, output buffers, file reading.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "meldc/Support.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *default_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  (void)ud;
  (void)old_size;
  if (new_size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, new_size);
}

MeldAllocator meld_default_allocator(void) {
  MeldAllocator a = {default_alloc, NULL};
  return a;
}

void *meld_alloc(MeldAllocator a, size_t size) {
  if (size == 0) size = 1;
  return a.fn(a.ud, NULL, 0, size);
}

/* Zero-byte requests are made one byte (size 0 means "free" to the hook), consistently for
 * allocation, reallocation and freeing, so a hook that counts bytes sees matching sizes. */
void *meld_realloc(MeldAllocator a, void *ptr, size_t old_size, size_t new_size) {
  if (new_size == 0) new_size = 1;
  if (ptr && old_size == 0) old_size = 1;
  return a.fn(a.ud, ptr, old_size, new_size);
}

void meld_free(MeldAllocator a, void *ptr, size_t size) {
  if (ptr) a.fn(a.ud, ptr, size ? size : 1, 0);
}

/* ---- Arena ---- */

struct MeldArenaBlock {
  MeldArenaBlock *prev;
  size_t size;     /* usable bytes after the header */
  size_t used;
  uint64_t serial; /* allocation order, for releasing to a mark */
  /* data follows, 16-byte aligned */
};

#define BLOCK_HEADER ((sizeof(MeldArenaBlock) + 15u) & ~(size_t)15u)

static uint8_t *block_data(MeldArenaBlock *b) {
  return (uint8_t *)b + BLOCK_HEADER;
}

void meld_arena_init(MeldArena *arena, MeldAllocator alloc, size_t block_size) {
  arena->alloc = alloc;
  arena->head = NULL;
  arena->block_size = block_size ? block_size : 64 * 1024;
  arena->total = 0;
  arena->serial = 0;
  arena->oom = false;
}

static void free_block(MeldArena *arena, MeldArenaBlock *b) {
  arena->total -= BLOCK_HEADER + b->size;
  meld_free(arena->alloc, b, BLOCK_HEADER + b->size);
}

void meld_arena_free(MeldArena *arena) {
  MeldArenaBlock *b = arena->head;
  while (b) {
    MeldArenaBlock *prev = b->prev;
    free_block(arena, b);
    b = prev;
  }
  arena->head = NULL;
}

void *meld_arena_alloc(MeldArena *arena, size_t size) {
  size_t need = (size + 15u) & ~(size_t)15u;
  if (need < size) {
    arena->oom = true;
    return NULL;
  }
  MeldArenaBlock *b = arena->head;
  if (b && b->size - b->used >= need) {
    void *p = block_data(b) + b->used;
    b->used += need;
    return p;
  }
  size_t bsize = arena->block_size;
  /* Big requests get a block of their own, so a huge array does not waste a normal block. */
  bool dedicated = need > bsize / 4;
  if (dedicated) bsize = need;
  if (bsize > SIZE_MAX - BLOCK_HEADER) {
    arena->oom = true;
    return NULL;
  }
  MeldArenaBlock *nb = meld_alloc(arena->alloc, BLOCK_HEADER + bsize);
  if (!nb) {
    arena->oom = true;
    return NULL;
  }
  nb->size = bsize;
  nb->used = need;
  nb->serial = ++arena->serial;
  arena->total += BLOCK_HEADER + bsize;
  if (dedicated && b && b->size - b->used >= 256) {
    /* Keep the current block on top so that its free space goes on serving small requests;
     * the dedicated block goes directly below it. */
    nb->prev = b->prev;
    b->prev = nb;
  } else {
    nb->prev = b;
    arena->head = nb;
  }
  return block_data(nb);
}

void *meld_arena_calloc(MeldArena *arena, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) {
    arena->oom = true;
    return NULL;
  }
  void *p = meld_arena_alloc(arena, n * size);
  if (p) memset(p, 0, n * size);
  return p;
}

void *meld_arena_memdup(MeldArena *arena, const void *data, size_t size) {
  void *p = meld_arena_alloc(arena, size);
  if (p && size) memcpy(p, data, size);
  return p;
}

MeldArenaMark meld_arena_mark(MeldArena *arena) {
  MeldArenaMark m = {arena->head, arena->head ? arena->head->used : 0, arena->serial};
  return m;
}

void meld_arena_release(MeldArena *arena, MeldArenaMark mark) {
  /* Blocks made after the mark are either above the marked block or, being dedicated blocks
   * slipped under the head of the moment, directly below it.  Both runs have serials above
   * the mark's. */
  MeldArenaBlock **link = &arena->head;
  while (*link) {
    MeldArenaBlock *b = *link;
    if (b->serial > mark.serial) {
      *link = b->prev;
      free_block(arena, b);
    } else if (b == mark.block) {
      b->used = mark.used;
      link = &b->prev;
    } else {
      break;
    }
  }
}

void meld_arena_adopt(MeldArena *dst, MeldArena *src) {
  MeldArenaBlock *newest = src->head;
  if (!newest) return;
  /* Fresh serials, newest last, as if allocated now; the run goes under dst's head (like a
   * dedicated block), so that the head's free space keeps serving. */
  MeldArenaBlock *oldest = newest;
  size_t count = 1;
  while (oldest->prev) {
    oldest = oldest->prev;
    count++;
  }
  uint64_t serial = dst->serial + count;
  for (MeldArenaBlock *b = newest; b; b = b->prev) b->serial = serial--;
  dst->serial += count;
  dst->total += src->total;
  dst->oom |= src->oom;
  if (dst->head) {
    oldest->prev = dst->head->prev;
    dst->head->prev = newest;
  } else {
    dst->head = newest;
  }
  src->head = NULL;
  src->total = 0;
}

bool meld_grow(MeldArena *arena, void *pitems, uint32_t *cap, uint32_t need, size_t elem_size) {
  if (need <= *cap) return true;
  uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 8;
  if (ncap < need) ncap = need;
  if (ncap > UINT32_MAX) ncap = UINT32_MAX;
  if (ncap < need || (elem_size && ncap > SIZE_MAX / elem_size)) {
    arena->oom = true;
    return false;
  }
  void *old;
  memcpy(&old, pitems, sizeof old);
  void *n = meld_arena_alloc(arena, (size_t)ncap * elem_size);
  if (!n) return false;
  if (old && *cap) memcpy(n, old, (size_t)*cap * elem_size);
  memcpy(pitems, &n, sizeof n);
  *cap = (uint32_t)ncap;
  return true;
}

void *meld_push(MeldArena *arena, void *pitems, uint32_t *n, uint32_t *cap, size_t elem_size) {
  if (*n == UINT32_MAX || !meld_grow(arena, pitems, cap, *n + 1, elem_size)) return NULL;
  uint8_t *items;
  memcpy(&items, pitems, sizeof items);
  return items + (size_t)(*n)++ * elem_size;
}

/* ---- Strings ---- */

MeldStr meld_str(const char *cstr) {
  MeldStr s = {cstr, cstr ? (uint32_t)strlen(cstr) : 0};
  return s;
}

bool meld_str_eq(MeldStr a, MeldStr b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool meld_str_eq_cstr(MeldStr a, const char *cstr) {
  return meld_str_eq(a, meld_str(cstr));
}

int meld_str_cmp(MeldStr a, MeldStr b) {
  uint32_t n = a.len < b.len ? a.len : b.len;
  int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
  if (c) return c;
  return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

MeldStr meld_str_dup(MeldArena *arena, MeldStr s) {
  MeldStr r = {NULL, 0};
  char *p = meld_arena_alloc(arena, (size_t)s.len + 1);
  if (!p) return r;
  if (s.len) memcpy(p, s.ptr, s.len);
  p[s.len] = 0;
  r.ptr = p;
  r.len = s.len;
  return r;
}

bool meld_utf8_valid(const uint8_t *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint32_t cp;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (len - i <= n) return false;
    for (size_t k = 1; k <= n; k++) {
      uint8_t cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

uint32_t meld_hash_bytes(const void *data, size_t len, uint32_t seed) {
  /* FNV-1a, 32-bit. */
  const uint8_t *p = data;
  uint32_t h = 2166136261u ^ seed;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 16777619u;
  }
  return h;
}

/* ---- LEB128 ---- */

MeldLebStatus meld_leb_u64(const uint8_t **pp, const uint8_t *end, uint64_t *out) {
  const uint8_t *p = *pp;
  uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (p >= end) return MELD_LEB_EOF;
    uint8_t b = *p++;
    if (shift == 63) {
      if (b & 0x80) return MELD_LEB_TOO_LONG;
      if (b & 0x7E) return MELD_LEB_TOO_LARGE;
    }
    v |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  *pp = p;
  *out = v;
  return MELD_LEB_OK;
}

MeldLebStatus meld_leb_u32(const uint8_t **pp, const uint8_t *end, uint32_t *out) {
  const uint8_t *p = *pp;
  /* Fast path: one byte. */
  if (p < end && !(*p & 0x80)) {
    *out = *p;
    *pp = p + 1;
    return MELD_LEB_OK;
  }
  uint32_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (p >= end) return MELD_LEB_EOF;
    uint8_t b = *p++;
    if (shift == 28) {
      if (b & 0x80) return MELD_LEB_TOO_LONG;
      if (b & 0x70) return MELD_LEB_TOO_LARGE;
    }
    v |= (uint32_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  *pp = p;
  *out = v;
  return MELD_LEB_OK;
}

/* Signed LEB128 of `bits` significant bits into an int64. */
static MeldLebStatus leb_signed(const uint8_t **pp, const uint8_t *end, unsigned bits,
                                int64_t *out) {
  const uint8_t *p = *pp;
  uint64_t v = 0;
  unsigned shift = 0;
  unsigned maxbytes = (bits + 6) / 7;
  uint8_t b;
  for (unsigned i = 0;; i++) {
    if (p >= end) return MELD_LEB_EOF;
    b = *p++;
    if (i == maxbytes - 1) {
      if (b & 0x80) return MELD_LEB_TOO_LONG;
      /* The remaining bits of the last byte must all equal the sign bit. */
      unsigned used = bits - shift; /* significant bits in this byte, 1..7 */
      if (used < 7) {
        int8_t sb = (int8_t)(b << 1) >> 1; /* sign-extend 7 bits */
        int8_t top = (int8_t)(sb >> (used - 1));
        if (top != 0 && top != -1) return MELD_LEB_TOO_LARGE;
      }
      v |= (uint64_t)(b & 0x7F) << shift;
      shift += 7;
      break;
    }
    v |= (uint64_t)(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  if (shift < 64 && (b & 0x40)) v |= ~(uint64_t)0 << shift;
  *pp = p;
  memcpy(out, &v, sizeof v);
  return MELD_LEB_OK;
}

MeldLebStatus meld_leb_s32(const uint8_t **pp, const uint8_t *end, int32_t *out) {
  const uint8_t *p = *pp;
  if (p < end && !(*p & 0x80)) {
    *out = (int32_t)((int8_t)(*p << 1) >> 1);
    *pp = p + 1;
    return MELD_LEB_OK;
  }
  int64_t v;
  MeldLebStatus s = leb_signed(pp, end, 32, &v);
  if (s == MELD_LEB_OK) *out = (int32_t)v;
  return s;
}

MeldLebStatus meld_leb_s33(const uint8_t **pp, const uint8_t *end, int64_t *out) {
  return leb_signed(pp, end, 33, out);
}

MeldLebStatus meld_leb_s64(const uint8_t **pp, const uint8_t *end, int64_t *out) {
  return leb_signed(pp, end, 64, out);
}

const char *meld_leb_status_text(MeldLebStatus s) {
  switch (s) {
  case MELD_LEB_OK: return "ok";
  case MELD_LEB_EOF: return "unexpected end";
  case MELD_LEB_TOO_LONG: return "integer representation too long";
  case MELD_LEB_TOO_LARGE: return "integer too large";
  }
  return "bad LEB128";
}

uint32_t meld_leb_u32_size(uint32_t v) {
  uint32_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

uint32_t meld_leb_u64_size(uint64_t v) {
  uint32_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

/* ---- Buffers ---- */

void meld_buf_init(MeldBuf *b, MeldAllocator alloc) {
  memset(b, 0, sizeof *b);
  b->alloc = alloc;
}

static void buf_flush(MeldBuf *b) {
  if (!b->len) return;
  if (!b->flush_failed && !b->flush(b->flush_ud, b->data, b->len)) b->flush_failed = true;
  b->flushed += b->len;
  b->len = 0;
}

void meld_buf_maybe_flush(MeldBuf *b) {
  if (b->flush && b->len >= MELD_BUF_FLUSH_AT) buf_flush(b);
}

bool meld_buf_finish(MeldBuf *b) {
  if (b->flush && !b->oom) buf_flush(b);
  return !b->oom && !b->flush_failed;
}

void meld_buf_free(MeldBuf *b) {
  meld_free(b->alloc, b->data, b->cap);
  b->data = NULL;
  b->len = b->cap = 0;
}

bool meld_buf_reserve(MeldBuf *b, size_t extra) {
  if (b->oom) return false;
  if (extra > SIZE_MAX - b->len) {
    b->oom = true;
    return false;
  }
  size_t need = b->len + extra;
  if (need <= b->cap) return true;
  size_t ncap = b->cap ? b->cap : 256;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) {
      ncap = need;
      break;
    }
    ncap *= 2;
  }
  uint8_t *n = meld_realloc(b->alloc, b->data, b->cap, ncap);
  if (!n) {
    b->oom = true;
    return false;
  }
  b->data = n;
  b->cap = ncap;
  return true;
}

void meld_buf_byte(MeldBuf *b, uint8_t v) {
  if (b->len < b->cap || meld_buf_reserve(b, 1)) b->data[b->len++] = v;
}

void meld_buf_bytes(MeldBuf *b, const void *data, size_t len) {
  if (!len || !meld_buf_reserve(b, len)) return;
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

void meld_buf_u64(MeldBuf *b, uint64_t v) {
  if (!meld_buf_reserve(b, 10)) return;
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    if (v) byte |= 0x80;
    b->data[b->len++] = byte;
  } while (v);
}

void meld_buf_u32(MeldBuf *b, uint32_t v) {
  meld_buf_u64(b, v);
}

void meld_buf_s64(MeldBuf *b, int64_t v) {
  if (!meld_buf_reserve(b, 10)) return;
  for (;;) {
    uint8_t byte = (uint8_t)(v & 0x7F);
    /* Arithmetic shift of a negative value is implementation-defined in C; do it by hand. */
    int64_t next = v < 0 ? ~(~v >> 7) : v >> 7;
    bool done = (next == 0 && !(byte & 0x40)) || (next == -1 && (byte & 0x40));
    if (!done) byte |= 0x80;
    b->data[b->len++] = byte;
    v = next;
    if (done) break;
  }
}

void meld_buf_s32(MeldBuf *b, int32_t v) {
  meld_buf_s64(b, v);
}

void meld_buf_u32_fixed5(MeldBuf *b, uint32_t v) {
  if (!meld_buf_reserve(b, 5)) return;
  for (int i = 0; i < 5; i++) {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    if (i < 4) byte |= 0x80;
    b->data[b->len++] = byte;
  }
}

void meld_buf_str(MeldBuf *b, MeldStr s) {
  meld_buf_u32(b, s.len);
  meld_buf_bytes(b, s.ptr, s.len);
}

void meld_buf_le32(MeldBuf *b, uint32_t v) {
  uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  meld_buf_bytes(b, t, 4);
}

void meld_buf_le64(MeldBuf *b, uint64_t v) {
  meld_buf_le32(b, (uint32_t)v);
  meld_buf_le32(b, (uint32_t)(v >> 32));
}

void meld_buf_printf(MeldBuf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    meld_buf_bytes(b, small, (size_t)n);
    return;
  }
  if (!meld_buf_reserve(b, (size_t)n + 1)) return;
  va_start(ap, fmt);
  vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void meld_buf_cstr(MeldBuf *b, const char *s) {
  meld_buf_bytes(b, s, strlen(s));
}

bool meld_read_file(MeldAllocator alloc, const char *path, uint8_t **data, size_t *len,
                    const char **err) {
  *data = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    *err = strerror(errno);
    return false;
  }
  size_t cap = 0, n = 0;
  uint8_t *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long sz = ftell(f);
    if (sz > 0) cap = (size_t)sz;
    rewind(f);
  }
  for (;;) {
    if (n == cap) {
      /* Full: a file of the size ftell gave ends here, which one more byte tells without
       * doubling (and copying) the buffer. */
      int c = cap ? fgetc(f) : 0;
      if (c == EOF) break;
      size_t ncap = cap ? cap * 2 : 4096;
      uint8_t *nb = meld_realloc(alloc, buf, cap, ncap);
      if (!nb) {
        meld_free(alloc, buf, cap);
        fclose(f);
        *err = "out of memory";
        return false;
      }
      buf = nb;
      cap = ncap;
      if (n) buf[n++] = (uint8_t)c;
    } else if (!buf) {
      buf = meld_alloc(alloc, cap);
      if (!buf) {
        fclose(f);
        *err = "out of memory";
        return false;
      }
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    meld_free(alloc, buf, cap);
    fclose(f);
    *err = "read error";
    return false;
  }
  fclose(f);
  /* Shrinking is not worth a copy; the caller frees with `cap`, recorded in len's place only
   * when they differ.  Keep it simple: callers free with meld_free(alloc, data, len) and the
   * default allocator ignores sizes; a sized allocator gets the exact size because we shrink. */
  if (n != cap) {
    uint8_t *nb = meld_realloc(alloc, buf, cap, n ? n : 1);
    if (nb) buf = nb;
    else {
      meld_free(alloc, buf, cap);
      *err = "out of memory";
      return false;
    }
  }
  *data = buf;
  *len = n;
  return true;
}

double meld_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
