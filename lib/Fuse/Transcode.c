/*
 * String transfer between two memories for the `adapter` pass: one helper function per
 * (source encoding, destination encoding, source memory, destination memory, destination
 * realloc), added to the module the first time a boundary needs it.
 *
 * Each helper is `load_string_from_range` followed by `store_string_into_range` of
 * CanonicalABI.md, written as wasm:
 *
 *   lift   the tagged length gives the encoding (latin1+utf16: the utf16 tag bit) and the byte
 *          length; trap if it exceeds MAX_STRING_BYTE_LENGTH, if the pointer is misaligned
 *          (2 for utf16 and latin1+utf16) or if ptr + bytes > len(memory); the contents are
 *          decoded strictly (ill-formed utf-8 -- bad lead or continuation bytes, truncation,
 *          overlong forms, surrogates, > U+10FFFF -- and unpaired utf-16 surrogates trap, as
 *          Python's decoder in the spec does).
 *   store  the spec's algorithm for the pair of encodings, with its exact sequence of realloc
 *          calls (an optimistic allocation, a worst-case reallocation when it fails, a shrinking
 *          one at the end), each result checked for alignment and bounds:
 *            utf8 -> utf8, utf16 -> utf16, latin1 -> utf16,
 *            latin1 -> latin1+utf16                 store_string_copy
 *            utf16 -> utf8, latin1 -> utf8          store_string_to_utf8
 *            utf8 -> utf16                          store_utf8_to_utf16
 *            utf8/utf16 -> latin1+utf16             store_string_to_latin1_or_utf16
 *            tagged utf16 -> latin1+utf16           store_probably_utf16_to_latin1_or_utf16
 *
 * Where the spec decodes the whole source before the first allocation, the transcoding loops
 * decode while they write: a source that turns out ill-formed traps after realloc ran instead of
 * before, which nothing can observe (a trap ends the component instances, and realloc may not
 * call out of its instance).  The copying cases validate first and copy with memory.copy, as the
 * spec orders them.
 *
 * No size computation can overflow: the byte length of the source is computed in i64 and
 * checked against MAX_STRING_BYTE_LENGTH (2^28 - 1) first, and every later size is at most three
 * times a code unit count below 2^28 (the spec's own argument for REALLOC_I32_MAX).
 */
#include "Fuse/Adapter.h"

#include <stdio.h>

typedef struct Str {
  MeldGen *g;
  uint32_t smem, dmem, realloc;
  uint32_t p;     /* source pointer (parameter 0) */
  uint32_t units; /* source code units (untagged) */
  uint32_t bytes; /* source byte length */
  uint32_t pos;   /* byte offset of the next source code unit */
  uint32_t cp;    /* the code point just decoded */
  uint32_t dst;   /* destination pointer */
  uint32_t j;     /* destination byte offset */
} Str;

enum { LATIN1 = 3 }; /* a simple encoding beside MELD_ENC_UTF8 and MELD_ENC_UTF16 */

/* i32 local += constant */
static void add_const(MeldGen *g, uint32_t local, uint32_t k) {
  meld_gen_get(g, local);
  meld_gen_i32(g, k);
  meld_gen_op(g, MELD_OP_I32Add);
  meld_gen_set(g, local);
}

/* Pushes base + offset (two i32 locals). */
static void addr(MeldGen *g, uint32_t base, uint32_t off) {
  meld_gen_get(g, base);
  meld_gen_get(g, off);
  meld_gen_op(g, MELD_OP_I32Add);
}

/* trap_if(local <op> k) */
static void trap_cmp(MeldGen *g, uint32_t local, MeldOpcode cmp, uint32_t k) {
  meld_gen_get(g, local);
  meld_gen_i32(g, k);
  meld_gen_op(g, cmp);
  meld_gen_trap_if(g);
}

/* The lift checks: bytes = units (or 2 * units) <= MAX, alignment, bounds. */
static void lift_checks(Str *s, uint32_t align, bool two_bytes) {
  MeldGen *g = s->g;
  uint32_t b64 = meld_gen_local(g, MELD_I64);
  meld_gen_get(g, s->units);
  meld_gen_op(g, MELD_OP_I64ExtendI32U);
  if (two_bytes) {
    meld_gen_i64(g, 1);
    meld_gen_op(g, MELD_OP_I64Shl);
  }
  meld_gen_idx(g, MELD_OP_LocalTee, b64);
  meld_gen_i64(g, MELD_ABI_MAX_BYTE_LENGTH);
  meld_gen_op(g, MELD_OP_I64GtU);
  meld_gen_trap_if(g);
  meld_gen_get(g, b64);
  meld_gen_op(g, MELD_OP_I32WrapI64);
  meld_gen_set(g, s->bytes);
  meld_gen_check_align(g, s->p, align);
  meld_gen_check_bounds(g, s->smem, s->p, s->bytes, 0);
}

/* Decodes the code point at p + pos into cp and advances pos; traps on ill-formed input.  The
 * caller has checked pos < bytes. */
static void decode(Str *s, int simple) {
  MeldGen *g = s->g;
  uint32_t mark = meld_gen_mark(g);
  switch (simple) {
  case LATIN1:
    addr(g, s->p, s->pos);
    meld_gen_mem(g, MELD_OP_I32Load8U, s->smem, 0);
    meld_gen_set(g, s->cp);
    add_const(g, s->pos, 1);
    break;
  case MELD_ENC_UTF16: {
    uint32_t lo = meld_gen_local(g, MELD_I32);
    addr(g, s->p, s->pos);
    meld_gen_mem(g, MELD_OP_I32Load16U, s->smem, 0);
    meld_gen_set(g, s->cp);
    add_const(g, s->pos, 2);
    meld_gen_get(g, s->cp);
    meld_gen_i32(g, 0xF800);
    meld_gen_op(g, MELD_OP_I32And);
    meld_gen_i32(g, 0xD800);
    meld_gen_op(g, MELD_OP_I32Eq);
    meld_gen_open(g, MELD_OP_If);
    trap_cmp(g, s->cp, MELD_OP_I32GeU, 0xDC00); /* a low surrogate first */
    meld_gen_get(g, s->pos);
    meld_gen_get(g, s->bytes);
    meld_gen_op(g, MELD_OP_I32GeU); /* a high surrogate last */
    meld_gen_trap_if(g);
    addr(g, s->p, s->pos);
    meld_gen_mem(g, MELD_OP_I32Load16U, s->smem, 0);
    meld_gen_idx(g, MELD_OP_LocalTee, lo);
    meld_gen_i32(g, 0xFC00);
    meld_gen_op(g, MELD_OP_I32And);
    meld_gen_i32(g, 0xDC00);
    meld_gen_op(g, MELD_OP_I32Ne); /* not followed by a low surrogate */
    meld_gen_trap_if(g);
    add_const(g, s->pos, 2);
    /* cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00) */
    meld_gen_get(g, s->cp);
    meld_gen_i32(g, 10);
    meld_gen_op(g, MELD_OP_I32Shl);
    meld_gen_get(g, lo);
    meld_gen_op(g, MELD_OP_I32Add);
    meld_gen_i32(g, 0x10000u - (0xD800u << 10) - 0xDC00u);
    meld_gen_op(g, MELD_OP_I32Add);
    meld_gen_set(g, s->cp);
    meld_gen_end(g);
    break;
  }
  default: { /* utf-8 */
    uint32_t n = meld_gen_local(g, MELD_I32), len = meld_gen_local(g, MELD_I32);
    uint32_t b = meld_gen_local(g, MELD_I32);
    addr(g, s->p, s->pos);
    meld_gen_mem(g, MELD_OP_I32Load8U, s->smem, 0);
    meld_gen_idx(g, MELD_OP_LocalTee, s->cp);
    meld_gen_i32(g, 0x80);
    meld_gen_op(g, MELD_OP_I32LtU);
    meld_gen_open(g, MELD_OP_If);
    add_const(g, s->pos, 1);
    meld_gen_else(g);
    /* Lead bytes C2..F4 only: 80..BF are continuations, C0/C1 always overlong, F5.. too big. */
    trap_cmp(g, s->cp, MELD_OP_I32LtU, 0xC2);
    trap_cmp(g, s->cp, MELD_OP_I32GeU, 0xF5);
    /* len = continuation bytes: 1 + (lead >= E0) + (lead >= F0) */
    meld_gen_get(g, s->cp);
    meld_gen_i32(g, 0xE0);
    meld_gen_op(g, MELD_OP_I32GeU);
    meld_gen_get(g, s->cp);
    meld_gen_i32(g, 0xF0);
    meld_gen_op(g, MELD_OP_I32GeU);
    meld_gen_op(g, MELD_OP_I32Add);
    meld_gen_i32(g, 1);
    meld_gen_op(g, MELD_OP_I32Add);
    meld_gen_idx(g, MELD_OP_LocalTee, len);
    meld_gen_set(g, n);
    /* Truncated: pos + len must stay below bytes. */
    meld_gen_get(g, s->pos);
    meld_gen_get(g, len);
    meld_gen_op(g, MELD_OP_I32Add);
    meld_gen_get(g, s->bytes);
    meld_gen_op(g, MELD_OP_I32GeU);
    meld_gen_trap_if(g);
    /* cp = lead & (0x7F >> (len + 1)) */
    meld_gen_get(g, s->cp);
    meld_gen_i32(g, 0x7F);
    meld_gen_get(g, len);
    meld_gen_i32(g, 1);
    meld_gen_op(g, MELD_OP_I32Add);
    meld_gen_op(g, MELD_OP_I32ShrU);
    meld_gen_op(g, MELD_OP_I32And);
    meld_gen_set(g, s->cp);
    uint32_t loop = meld_gen_open(g, MELD_OP_Loop);
    add_const(g, s->pos, 1);
    addr(g, s->p, s->pos);
    meld_gen_mem(g, MELD_OP_I32Load8U, s->smem, 0);
    meld_gen_idx(g, MELD_OP_LocalTee, b);
    meld_gen_i32(g, 0xC0);
    meld_gen_op(g, MELD_OP_I32And);
    meld_gen_i32(g, 0x80);
    meld_gen_op(g, MELD_OP_I32Ne);
    meld_gen_trap_if(g);
    meld_gen_get(g, s->cp);
    meld_gen_i32(g, 6);
    meld_gen_op(g, MELD_OP_I32Shl);
    meld_gen_get(g, b);
    meld_gen_i32(g, 0x3F);
    meld_gen_op(g, MELD_OP_I32And);
    meld_gen_op(g, MELD_OP_I32Or);
    meld_gen_set(g, s->cp);
    meld_gen_get(g, n);
    meld_gen_i32(g, 1);
    meld_gen_op(g, MELD_OP_I32Sub);
    meld_gen_idx(g, MELD_OP_LocalTee, n);
    meld_gen_br(g, MELD_OP_BrIf, loop);
    meld_gen_end(g);
    add_const(g, s->pos, 1);
    /* Overlong: cp below the smallest value of its length (0x80, 0x800, 0x10000). */
    meld_gen_get(g, s->cp);
    meld_gen_i32(g, 0x80);
    meld_gen_i32(g, 0x800);
    meld_gen_i32(g, 0x10000);
    meld_gen_get(g, len);
    meld_gen_i32(g, 3);
    meld_gen_op(g, MELD_OP_I32LtU);
    meld_gen_op(g, MELD_OP_Select);
    meld_gen_get(g, len);
    meld_gen_i32(g, 2);
    meld_gen_op(g, MELD_OP_I32LtU);
    meld_gen_op(g, MELD_OP_Select);
    meld_gen_op(g, MELD_OP_I32LtU);
    meld_gen_trap_if(g);
    trap_cmp(g, s->cp, MELD_OP_I32GtU, 0x10FFFF);
    /* Surrogates D800..DFFF are not scalar values. */
    meld_gen_get(g, s->cp);
    meld_gen_i32(g, 0xFFFFF800u);
    meld_gen_op(g, MELD_OP_I32And);
    meld_gen_i32(g, 0xD800);
    meld_gen_op(g, MELD_OP_I32Eq);
    meld_gen_trap_if(g);
    meld_gen_end(g);
    break;
  }
  }
  meld_gen_release(g, mark);
}

/* store8 at dst + j + off of (cp >> shift) & mask | tag */
static void put_byte(Str *s, uint32_t off, uint32_t shift, uint32_t mask, uint32_t tag) {
  MeldGen *g = s->g;
  addr(g, s->dst, s->j);
  meld_gen_get(g, s->cp);
  if (shift) {
    meld_gen_i32(g, shift);
    meld_gen_op(g, MELD_OP_I32ShrU);
  }
  if (mask != 0xFFFFFFFFu) {
    meld_gen_i32(g, mask);
    meld_gen_op(g, MELD_OP_I32And);
  }
  if (tag) {
    meld_gen_i32(g, tag);
    meld_gen_op(g, MELD_OP_I32Or);
  }
  meld_gen_mem(g, MELD_OP_I32Store8, s->dmem, off);
}

/* Encodes cp as utf-8 at dst + j and advances j (the space was allocated for the worst case). */
static void encode_utf8(Str *s) {
  MeldGen *g = s->g;
  meld_gen_get(g, s->cp);
  meld_gen_i32(g, 0x80);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_open(g, MELD_OP_If);
  put_byte(s, 0, 0, 0xFFFFFFFFu, 0);
  add_const(g, s->j, 1);
  meld_gen_else(g);
  meld_gen_get(g, s->cp);
  meld_gen_i32(g, 0x800);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_open(g, MELD_OP_If);
  put_byte(s, 0, 6, 0xFFFFFFFFu, 0xC0);
  put_byte(s, 1, 0, 0x3F, 0x80);
  add_const(g, s->j, 2);
  meld_gen_else(g);
  meld_gen_get(g, s->cp);
  meld_gen_i32(g, 0x10000);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_open(g, MELD_OP_If);
  put_byte(s, 0, 12, 0xFFFFFFFFu, 0xE0);
  put_byte(s, 1, 6, 0x3F, 0x80);
  put_byte(s, 2, 0, 0x3F, 0x80);
  add_const(g, s->j, 3);
  meld_gen_else(g);
  put_byte(s, 0, 18, 0xFFFFFFFFu, 0xF0);
  put_byte(s, 1, 12, 0x3F, 0x80);
  put_byte(s, 2, 6, 0x3F, 0x80);
  put_byte(s, 3, 0, 0x3F, 0x80);
  add_const(g, s->j, 4);
  meld_gen_end(g);
  meld_gen_end(g);
  meld_gen_end(g);
}

/* Encodes cp as utf-16 at dst + j and advances j. */
static void encode_utf16(Str *s) {
  MeldGen *g = s->g;
  meld_gen_get(g, s->cp);
  meld_gen_i32(g, 0x10000);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_open(g, MELD_OP_If);
  addr(g, s->dst, s->j);
  meld_gen_get(g, s->cp);
  meld_gen_mem(g, MELD_OP_I32Store16, s->dmem, 0);
  add_const(g, s->j, 2);
  meld_gen_else(g);
  addr(g, s->dst, s->j);
  meld_gen_get(g, s->cp);
  meld_gen_i32(g, 0x10000);
  meld_gen_op(g, MELD_OP_I32Sub);
  meld_gen_i32(g, 10);
  meld_gen_op(g, MELD_OP_I32ShrU);
  meld_gen_i32(g, 0xD800);
  meld_gen_op(g, MELD_OP_I32Or);
  meld_gen_mem(g, MELD_OP_I32Store16, s->dmem, 0);
  addr(g, s->dst, s->j);
  meld_gen_get(g, s->cp);
  meld_gen_i32(g, 0x3FF);
  meld_gen_op(g, MELD_OP_I32And);
  meld_gen_i32(g, 0xDC00);
  meld_gen_op(g, MELD_OP_I32Or);
  meld_gen_mem(g, MELD_OP_I32Store16, s->dmem, 2);
  add_const(g, s->j, 4);
  meld_gen_end(g);
}

typedef struct Loop {
  uint32_t done, next;
} Loop;

/* block $done (loop $next (br_if $done (pos >= bytes)) <decode> ... : the caller emits the body
 * for cp, then close_loop. */
static Loop open_loop(Str *s, int simple) {
  MeldGen *g = s->g;
  Loop l;
  l.done = meld_gen_open(g, MELD_OP_Block);
  l.next = meld_gen_open(g, MELD_OP_Loop);
  meld_gen_get(g, s->pos);
  meld_gen_get(g, s->bytes);
  meld_gen_op(g, MELD_OP_I32GeU);
  meld_gen_br(g, MELD_OP_BrIf, l.done);
  decode(s, simple);
  return l;
}

static void close_loop(Str *s, Loop l) {
  meld_gen_br(s->g, MELD_OP_Br, l.next);
  meld_gen_end(s->g);
  meld_gen_end(s->g);
}

static void zero(MeldGen *g, uint32_t local) {
  meld_gen_i32(g, 0);
  meld_gen_set(g, local);
}

/* return (dst, length [| utf16 tag]) where the length is a local. */
static void ret(Str *s, uint32_t len, bool tag) {
  MeldGen *g = s->g;
  meld_gen_get(g, s->dst);
  meld_gen_get(g, len);
  if (tag) {
    meld_gen_i32(g, MELD_ABI_UTF16_TAG);
    meld_gen_op(g, MELD_OP_I32Or);
  }
  meld_gen_op(g, MELD_OP_Return);
}

static void do_realloc(Str *s, uint32_t old, uint32_t old_size, uint32_t align, uint32_t size) {
  meld_gen_realloc(s->g, s->realloc, s->dmem, old, old_size, align, size, 0, s->dst);
}

/* store_string_copy: validate, allocate the exact size, copy (latin1 -> utf16 inflates). */
static void store_copy(Str *s, int simple, uint32_t unit_size, uint32_t align) {
  MeldGen *g = s->g;
  if (simple != LATIN1) {
    zero(g, s->pos);
    close_loop(s, open_loop(s, simple));
  }
  uint32_t size = meld_gen_local(g, MELD_I32);
  meld_gen_get(g, s->units);
  if (unit_size == 2) {
    meld_gen_i32(g, 1);
    meld_gen_op(g, MELD_OP_I32Shl);
  }
  meld_gen_set(g, size);
  do_realloc(s, MELD_NONE, MELD_NONE, align, size);
  if (simple == LATIN1 && unit_size == 2) {
    zero(g, s->pos);
    uint32_t done = meld_gen_open(g, MELD_OP_Block), next = meld_gen_open(g, MELD_OP_Loop);
    meld_gen_get(g, s->pos);
    meld_gen_get(g, s->units);
    meld_gen_op(g, MELD_OP_I32GeU);
    meld_gen_br(g, MELD_OP_BrIf, done);
    meld_gen_get(g, s->dst);
    meld_gen_get(g, s->pos);
    meld_gen_i32(g, 1);
    meld_gen_op(g, MELD_OP_I32Shl);
    meld_gen_op(g, MELD_OP_I32Add);
    addr(g, s->p, s->pos);
    meld_gen_mem(g, MELD_OP_I32Load8U, s->smem, 0);
    meld_gen_mem(g, MELD_OP_I32Store16, s->dmem, 0);
    add_const(g, s->pos, 1);
    meld_gen_br(g, MELD_OP_Br, next);
    meld_gen_end(g);
    meld_gen_end(g);
  } else {
    meld_gen_get(g, s->dst);
    meld_gen_get(g, s->p);
    meld_gen_get(g, size);
    meld_gen_memcopy(g, s->dmem, s->smem);
  }
  ret(s, s->units, false);
}

/* store_string_to_utf8 (from utf-16 or latin-1): ASCII optimistically into `units` bytes; at the
 * first other code point, grow to the worst case, finish, shrink. */
static void store_to_utf8(Str *s, int simple, uint32_t factor) {
  MeldGen *g = s->g;
  uint32_t worst = meld_gen_local(g, MELD_I32);
  meld_gen_get(g, s->units);
  meld_gen_i32(g, factor);
  meld_gen_op(g, MELD_OP_I32Mul);
  meld_gen_set(g, worst);
  do_realloc(s, MELD_NONE, MELD_NONE, 1, s->units);
  zero(g, s->pos);
  zero(g, s->j);
  Loop l = open_loop(s, simple);
  meld_gen_get(g, s->cp);
  meld_gen_i32(g, 0x80);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_open(g, MELD_OP_If);
  addr(g, s->dst, s->j);
  meld_gen_get(g, s->cp);
  meld_gen_mem(g, MELD_OP_I32Store8, s->dmem, 0);
  add_const(g, s->j, 1);
  meld_gen_br(g, MELD_OP_Br, l.next);
  meld_gen_end(g);
  do_realloc(s, s->dst, s->units, 1, worst);
  encode_utf8(s);
  Loop rest = open_loop(s, simple);
  encode_utf8(s);
  close_loop(s, rest);
  meld_gen_get(g, worst);
  meld_gen_get(g, s->j);
  meld_gen_op(g, MELD_OP_I32GtU);
  meld_gen_open(g, MELD_OP_If);
  do_realloc(s, s->dst, worst, 1, s->j);
  meld_gen_end(g);
  ret(s, s->j, false);
  close_loop(s, l);
  ret(s, s->units, false);
}

/* store_utf8_to_utf16: allocate 2 bytes per utf-8 byte, transcode, shrink. */
static void store_utf8_to_utf16(Str *s) {
  MeldGen *g = s->g;
  uint32_t worst = meld_gen_local(g, MELD_I32);
  meld_gen_get(g, s->units);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32Shl);
  meld_gen_set(g, worst);
  do_realloc(s, MELD_NONE, MELD_NONE, 2, worst);
  zero(g, s->pos);
  zero(g, s->j);
  Loop l = open_loop(s, MELD_ENC_UTF8);
  encode_utf16(s);
  close_loop(s, l);
  meld_gen_get(g, s->j);
  meld_gen_get(g, worst);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_open(g, MELD_OP_If);
  do_realloc(s, s->dst, worst, 2, s->j);
  meld_gen_end(g);
  meld_gen_get(g, s->j);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32ShrU);
  meld_gen_set(g, s->j);
  ret(s, s->j, false);
}

/* store_string_to_latin1_or_utf16: latin-1 optimistically into `units` bytes; at the first code
 * point above U+00FF, grow to 2 bytes per source unit, inflate what was written in place (from
 * the end), continue in utf-16, shrink, tag. */
static void store_to_latin1_or_utf16(Str *s, int simple) {
  MeldGen *g = s->g;
  uint32_t worst = meld_gen_local(g, MELD_I32), i = meld_gen_local(g, MELD_I32);
  do_realloc(s, MELD_NONE, MELD_NONE, 2, s->units);
  zero(g, s->pos);
  zero(g, s->j);
  Loop l = open_loop(s, simple);
  meld_gen_get(g, s->cp);
  meld_gen_i32(g, 0x100);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_open(g, MELD_OP_If);
  addr(g, s->dst, s->j);
  meld_gen_get(g, s->cp);
  meld_gen_mem(g, MELD_OP_I32Store8, s->dmem, 0);
  add_const(g, s->j, 1);
  meld_gen_br(g, MELD_OP_Br, l.next);
  meld_gen_end(g);
  meld_gen_get(g, s->units);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32Shl);
  meld_gen_set(g, worst);
  do_realloc(s, s->dst, s->units, 2, worst);
  meld_gen_get(g, s->j);
  meld_gen_set(g, i);
  uint32_t done = meld_gen_open(g, MELD_OP_Block), next = meld_gen_open(g, MELD_OP_Loop);
  meld_gen_get(g, i);
  meld_gen_op(g, MELD_OP_I32Eqz);
  meld_gen_br(g, MELD_OP_BrIf, done);
  meld_gen_get(g, i);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32Sub);
  meld_gen_set(g, i);
  meld_gen_get(g, s->dst);
  meld_gen_get(g, i);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32Shl);
  meld_gen_op(g, MELD_OP_I32Add);
  addr(g, s->dst, i);
  meld_gen_mem(g, MELD_OP_I32Load8U, s->dmem, 0);
  meld_gen_mem(g, MELD_OP_I32Store16, s->dmem, 0);
  meld_gen_br(g, MELD_OP_Br, next);
  meld_gen_end(g);
  meld_gen_end(g);
  meld_gen_get(g, s->j);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32Shl);
  meld_gen_set(g, s->j);
  encode_utf16(s);
  Loop rest = open_loop(s, simple);
  encode_utf16(s);
  close_loop(s, rest);
  meld_gen_get(g, worst);
  meld_gen_get(g, s->j);
  meld_gen_op(g, MELD_OP_I32GtU);
  meld_gen_open(g, MELD_OP_If);
  do_realloc(s, s->dst, worst, 2, s->j);
  meld_gen_end(g);
  meld_gen_get(g, s->j);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32ShrU);
  meld_gen_set(g, s->j);
  ret(s, s->j, true);
  close_loop(s, l);
  meld_gen_get(g, s->j);
  meld_gen_get(g, s->units);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_open(g, MELD_OP_If);
  do_realloc(s, s->dst, s->units, 2, s->j);
  meld_gen_end(g);
  ret(s, s->j, false);
}

/* store_probably_utf16_to_latin1_or_utf16: validate (noting whether any code point is above
 * U+00FF), copy as utf-16; if all fit latin-1, deflate in place and shrink. */
static void store_probably_utf16(Str *s) {
  MeldGen *g = s->g;
  uint32_t acc = meld_gen_local(g, MELD_I32);
  zero(g, acc);
  zero(g, s->pos);
  Loop l = open_loop(s, MELD_ENC_UTF16);
  meld_gen_get(g, acc);
  meld_gen_get(g, s->cp);
  meld_gen_op(g, MELD_OP_I32Or);
  meld_gen_set(g, acc);
  close_loop(s, l);
  do_realloc(s, MELD_NONE, MELD_NONE, 2, s->bytes);
  meld_gen_get(g, s->dst);
  meld_gen_get(g, s->p);
  meld_gen_get(g, s->bytes);
  meld_gen_memcopy(g, s->dmem, s->smem);
  meld_gen_get(g, acc);
  meld_gen_i32(g, 0xFF);
  meld_gen_op(g, MELD_OP_I32GtU);
  meld_gen_open(g, MELD_OP_If);
  ret(s, s->units, true);
  meld_gen_end(g);
  zero(g, s->j);
  uint32_t done = meld_gen_open(g, MELD_OP_Block), next = meld_gen_open(g, MELD_OP_Loop);
  meld_gen_get(g, s->j);
  meld_gen_get(g, s->units);
  meld_gen_op(g, MELD_OP_I32GeU);
  meld_gen_br(g, MELD_OP_BrIf, done);
  addr(g, s->dst, s->j);
  meld_gen_get(g, s->dst);
  meld_gen_get(g, s->j);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32Shl);
  meld_gen_op(g, MELD_OP_I32Add);
  meld_gen_mem(g, MELD_OP_I32Load8U, s->dmem, 0);
  meld_gen_mem(g, MELD_OP_I32Store8, s->dmem, 0);
  add_const(g, s->j, 1);
  meld_gen_br(g, MELD_OP_Br, next);
  meld_gen_end(g);
  meld_gen_end(g);
  do_realloc(s, s->dst, s->bytes, 1, s->units);
  ret(s, s->units, false);
}

/* store_string_into_range for a source whose simple encoding is `simple` and whose declared
 * encoding is `src_enc`. */
static void store(Str *s, int simple, uint8_t src_enc, uint8_t dst_enc) {
  switch (dst_enc) {
  case MELD_ENC_UTF8:
    if (simple == MELD_ENC_UTF8) store_copy(s, simple, 1, 1);
    else store_to_utf8(s, simple, simple == MELD_ENC_UTF16 ? 3 : 2);
    break;
  case MELD_ENC_UTF16:
    if (simple == MELD_ENC_UTF8) store_utf8_to_utf16(s);
    else store_copy(s, simple, 2, 2);
    break;
  default:
    if (src_enc != MELD_ENC_LATIN1_UTF16) store_to_latin1_or_utf16(s, simple);
    else if (simple == LATIN1) store_copy(s, simple, 1, 2);
    else store_probably_utf16(s);
    break;
  }
}

static const char *enc_name(uint8_t e) {
  return e == MELD_ENC_UTF8 ? "utf8" : e == MELD_ENC_UTF16 ? "utf16" : "latin1+utf16";
}

uint32_t meld_adapter_string_helper(MeldUnit *u, MeldHelperCache *cache, const MeldAbiSide *src,
                                    const MeldAbiSide *dst) {
  for (uint32_t i = 0; i < cache->nitems; i++) {
    const MeldStringHelper *h = &cache->items[i];
    if (h->src_enc == src->encoding && h->dst_enc == dst->encoding && h->src_mem == src->mem &&
        h->dst_mem == dst->mem && h->dst_realloc == dst->realloc)
      return h->func;
  }
  static const MeldValType pair[2] = {MELD_I32, MELD_I32};
  char name[96];
  snprintf(name, sizeof name, "meld:string-%s-to-%s-mem%u-mem%u", enc_name(src->encoding),
           enc_name(dst->encoding), src->mem, dst->mem);
  uint32_t func = meld_adapter_add_func(u, pair, 2, pair, 2, name);
  if (func == MELD_NONE) return MELD_NONE;

  MeldArena scratch;
  meld_arena_init(&scratch, u->ctx->alloc, 16 * 1024);
  MeldGen gen, *g = &gen;
  meld_gen_init(g, &u->arena, &scratch, pair, 2);
  Str s = {.g = g, .smem = src->mem, .dmem = dst->mem, .realloc = dst->realloc, .p = 0};
  s.units = meld_gen_local(g, MELD_I32);
  s.bytes = meld_gen_local(g, MELD_I32);
  s.pos = meld_gen_local(g, MELD_I32);
  s.cp = meld_gen_local(g, MELD_I32);
  s.dst = meld_gen_local(g, MELD_I32);
  s.j = meld_gen_local(g, MELD_I32);
  switch (src->encoding) {
  case MELD_ENC_UTF8:
  case MELD_ENC_UTF16: {
    bool u16 = src->encoding == MELD_ENC_UTF16;
    meld_gen_get(g, 1);
    meld_gen_set(g, s.units);
    lift_checks(&s, u16 ? 2 : 1, u16);
    store(&s, src->encoding, src->encoding, dst->encoding);
    break;
  }
  default:
    meld_gen_get(g, 1);
    meld_gen_i32(g, MELD_ABI_UTF16_TAG);
    meld_gen_op(g, MELD_OP_I32And);
    meld_gen_open(g, MELD_OP_If);
    meld_gen_get(g, 1);
    meld_gen_i32(g, ~MELD_ABI_UTF16_TAG);
    meld_gen_op(g, MELD_OP_I32And);
    meld_gen_set(g, s.units);
    lift_checks(&s, 2, true);
    store(&s, MELD_ENC_UTF16, src->encoding, dst->encoding);
    meld_gen_else(g);
    meld_gen_get(g, 1);
    meld_gen_set(g, s.units);
    lift_checks(&s, 2, false);
    store(&s, LATIN1, src->encoding, dst->encoding);
    meld_gen_end(g);
    break;
  }
  meld_gen_op(g, MELD_OP_Unreachable);
  bool ok = meld_gen_finish(g, &u->module->funcs[func]);
  meld_arena_free(&scratch);
  if (!ok) return MELD_NONE;
  MeldStringHelper *h = MELD_PUSH(cache->arena, cache->items, cache->nitems, cache->cap);
  if (!h) return MELD_NONE;
  *h = (MeldStringHelper){src->encoding, dst->encoding, src->mem, dst->mem, dst->realloc, func};
  return func;
}
