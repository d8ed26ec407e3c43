/*
 * One instruction's decoder, inline: the reader's decoding loop, the raw-code scanners and the
 * verifier's streaming check all call it for every instruction, so it is shared as a header
 * (private to lib/) rather than called through meld_decode_instr.  The opcode dispatch is
 * generated from Opcodes.def.
 */
#ifndef MELDC_PARSE_DECODEINSTR_H
#define MELDC_PARSE_DECODEINSTR_H

#include "meldc/Core.h"

#include <stdio.h>
#include <string.h>

/* Opcode lookup tables: entry = MeldOpcode + 1, 0 for an unknown code.  Generated from
 * Opcodes.def with designated initializers, so a code listed twice is a compile error under
 * -Werror (-Woverride-init is part of -Wextra). */
static const uint16_t op_single[256] = {
#define MELD_OP(code, name, text, imm, sig, width) [code] = MELD_OP_##name + 1,
#include "meldc/Opcodes.def"
};
static const uint16_t op_fc[256] = {
#define MELD_OP_FC(code, name, text, imm, sig, width) [code] = MELD_OP_##name + 1,
#include "meldc/Opcodes.def"
};
static const uint16_t op_fd[256] = {
#define MELD_OP_FD(code, name, text, imm, sig, width) [code] = MELD_OP_##name + 1,
#include "meldc/Opcodes.def"
};
static const uint16_t op_fe[256] = {
#define MELD_OP_FE(code, name, text, imm, sig, width) [code] = MELD_OP_##name + 1,
#include "meldc/Opcodes.def"
};

static int op_prefixed(uint8_t prefix, uint32_t code) {
  if (code > 255) return -1;
  const uint16_t *t = prefix == 0xFC ? op_fc : prefix == 0xFD ? op_fd : op_fe;
  return (int)t[code] - 1;
}

/* Immediate kind per opcode, as a flat byte table (the hot path reads nothing else). */
static const uint8_t op_imm[MELD_NUM_OPCODES] = {
#define MELD_OP(code, name, text, imm, sig, width) MELD_IMM_##imm,
#define MELD_OP_PREFIXED(prefix, code, name, text, imm, sig, width) MELD_IMM_##imm,
#include "meldc/Opcodes.def"
};

/* Names for opcodes of proposals meldc does not implement, so the error says what they are. */
static const char *unsupported_single(uint8_t b) {
  switch (b) {
  case 0x06: case 0x07: case 0x08: case 0x09: case 0x0A: case 0x18: case 0x19: case 0x1F:
    return "the exception-handling proposal";
  case 0x12: case 0x13: return "the tail-call proposal";
  case 0x14: case 0x15: case 0xD3: case 0xD4: case 0xD5: case 0xD6: return "the typed-function-references proposal";
  case 0xFB: return "the garbage-collection proposal";
  default: return NULL;
  }
}

/* Room for a message that names an opcode (per thread, copied by the caller at once). */
static _Thread_local char errbuf_single[96];

/* The one- to three-byte cases inline (nearly every index and constant); longer encodings,
 * and every error, through the checked decoders. */
static inline MeldLebStatus leb_u32(const uint8_t **p, const uint8_t *end, uint32_t *out) {
  const uint8_t *q = *p;
  size_t left = (size_t)(end - q);
  if (left >= 1 && q[0] < 0x80) {
    *out = q[0];
    *p = q + 1;
    return MELD_LEB_OK;
  }
  if (left >= 2 && q[1] < 0x80) {
    *out = (uint32_t)(q[0] & 0x7F) | (uint32_t)q[1] << 7;
    *p = q + 2;
    return MELD_LEB_OK;
  }
  if (left >= 3 && q[1] >= 0x80 && q[2] < 0x80) {
    *out = (uint32_t)(q[0] & 0x7F) | (uint32_t)(q[1] & 0x7F) << 7 | (uint32_t)q[2] << 14;
    *p = q + 3;
    return MELD_LEB_OK;
  }
  return meld_leb_u32(p, end, out);
}

static inline MeldLebStatus leb_s32(const uint8_t **p, const uint8_t *end, int32_t *out) {
  const uint8_t *q = *p;
  size_t left = (size_t)(end - q);
  if (left >= 1 && q[0] < 0x80) {
    /* Seven bits, sign-extended from bit 6. */
    *out = (int32_t)((uint32_t)q[0] << 25) >> 25;
    *p = q + 1;
    return MELD_LEB_OK;
  }
  if (left >= 2 && q[1] < 0x80) {
    uint32_t v = (uint32_t)(q[0] & 0x7F) | (uint32_t)q[1] << 7;
    *out = (int32_t)(v << 18) >> 18;
    *p = q + 2;
    return MELD_LEB_OK;
  }
  return meld_leb_s32(p, end, out);
}

/* The length of a one- to three-byte LEB128 at p (its value, read unsigned, in *v), or 0.  Such
 * an encoding is well-formed for every integer immediate (u32, s32, s33, s64); the scanners'
 * fast paths step over immediates with it. */
static inline uint32_t short_leb(const uint8_t *p, const uint8_t *end, uint32_t *v) {
  size_t left = (size_t)(end - p);
  if (left >= 1 && p[0] < 0x80) {
    *v = p[0];
    return 1;
  }
  if (left >= 2 && p[1] < 0x80) {
    *v = (uint32_t)(p[0] & 0x7F) | (uint32_t)p[1] << 7;
    return 2;
  }
  if (left >= 3 && p[1] >= 0x80 && p[2] < 0x80) {
    *v = (uint32_t)(p[0] & 0x7F) | (uint32_t)(p[1] & 0x7F) << 7 | (uint32_t)p[2] << 14;
    return 3;
  }
  return 0;
}

/* Writes v as minimal unsigned LEB128 (as meld_buf_u32 does) at dst; returns the length (1-5). */
static inline uint32_t leb_put_u32(uint8_t *dst, uint32_t v) {
  uint32_t n = 0;
  do {
    dst[n++] = (uint8_t)((v & 0x7F) | (v >= 0x80 ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return n;
}

/* meld_buf_bytes with the common case (room left, no flushing) inline, for the scanners. */
static inline void buf_put(MeldBuf *b, const void *data, size_t len) {
  if (!b->flush && b->data && b->cap - b->len >= len) {
    memcpy(b->data + b->len, data, len);
    b->len += len;
  } else {
    meld_buf_bytes(b, data, len);
  }
}

/* Appends a reference (space, index) to a MeldFunc.refs list unless it repeats the last entry of
 * its space (last[8]: one per space, MELD_REF_TAKEN included; all ones at the start); an index
 * that does not fit the form clears *ok (the list is then incomplete). */
static inline void refs_append(MeldBuf *refs, bool *ok, uint32_t last[8], uint32_t space,
                               uint32_t idx) {
  if (idx > MELD_REF_INDEX_MASK) {
    *ok = false;
  } else if (last[space] != idx) {
    last[space] = idx;
    uint32_t e = space << MELD_REF_SHIFT | idx;
    buf_put(refs, &e, sizeof e);
  }
}

#define LEB(fn, var)                                                                               \
  do {                                                                                             \
    MeldLebStatus s_ = fn(&p, end, var);                                                           \
    if (s_ != MELD_LEB_OK) {                                                                       \
      *err = meld_leb_status_text(s_);                                                             \
      goto fail;                                                                                   \
    }                                                                                              \
  } while (0)

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define COLD __attribute__((cold, noinline))
#else
#define ALWAYS_INLINE inline
#define COLD
#undef LEB

#endif

/* The message for an unknown opcode (kept out of the hot path). */
COLD static const char *illegal_opcode(uint8_t prefix, uint32_t code) {
  if (prefix) {
    snprintf(errbuf_single, sizeof errbuf_single,
             prefix == 0xFD && code >= 0x100 && code <= 0x113
                 ? "illegal opcode 0x%02x 0x%x (relaxed SIMD is not supported)"
                 : "illegal opcode 0x%02x 0x%x",
             prefix, code);
  } else {
    const char *what = unsupported_single((uint8_t)code);
    if (what)
      snprintf(errbuf_single, sizeof errbuf_single, "illegal opcode 0x%02x (%s is not supported)",
               code, what);
    else snprintf(errbuf_single, sizeof errbuf_single, "illegal opcode 0x%02x", code);
  }
  return errbuf_single;
}

/* Decodes one instruction; inlined into the decoding loop (the hot path of reading). */
static ALWAYS_INLINE bool decode_one(const uint8_t **pp, const uint8_t *end, MeldArena *arena,
                                     MeldInstr *out, const char **err) {
  const uint8_t *p = *pp;
  const uint8_t *start = p;
  *out = (MeldInstr){0};
  if (p >= end) {
    *err = "unexpected end";
    return false;
  }
  uint8_t b = *p++;
  int op;
  if (b >= 0xFC && b <= 0xFE) {
    uint32_t code;
    LEB(leb_u32, &code);
    op = op_prefixed(b, code);
    if (op < 0) {
      *err = illegal_opcode(b, code);
      p = start;
      goto fail;
    }
  } else {
    op = (int)op_single[b] - 1;
    if (op < 0) {
      *err = illegal_opcode(0, b);
      p = start;
      goto fail;
    }
  }
  out->op = (uint16_t)op;

  switch ((MeldImmKind)op_imm[op]) {
  case MELD_IMM_NONE: break;
  case MELD_IMM_BLOCK: {
    if (p >= end) {
      *err = "unexpected end";
      goto fail;
    }
    if (*p == 0x40) {
      out->btkind = MELD_BT_EMPTY;
      p++;
    } else if (meld_valtype_valid(*p)) {
      out->btkind = MELD_BT_VALTYPE;
      out->x = *p++;
    } else {
      int64_t v;
      LEB(meld_leb_s33, &v);
      if (v < 0) {
        *err = "malformed block type";
        goto fail;
      }
      if (v > UINT32_MAX) {
        *err = "block type index too large";
        goto fail;
      }
      out->btkind = MELD_BT_TYPEIDX;
      out->x = (uint32_t)v;
    }
    break;
  }
  case MELD_IMM_LABEL:
  case MELD_IMM_FUNC:
  case MELD_IMM_LOCAL:
  case MELD_IMM_GLOBAL:
  case MELD_IMM_TABLE:
  case MELD_IMM_ELEM:
  case MELD_IMM_DATA:
  case MELD_IMM_MEMORY: LEB(leb_u32, &out->x); break;
  case MELD_IMM_CALL_INDIRECT:
  case MELD_IMM_TABLE_TABLE:
  case MELD_IMM_ELEM_TABLE:
  case MELD_IMM_MEMORY_MEMORY:
  case MELD_IMM_DATA_MEMORY:
    LEB(leb_u32, &out->x);
    LEB(leb_u32, &out->y);
    break;
  case MELD_IMM_BR_TABLE: {
    uint32_t n;
    LEB(meld_leb_u32, &n);
    /* Every label takes at least one byte, plus the default. */
    if (n >= (uint64_t)(end - p)) {
      *err = "unexpected end";
      goto fail;
    }
    uint32_t *labels = arena ? meld_arena_alloc(arena, ((size_t)n + 1) * sizeof *labels) : NULL;
    if (arena && !labels) {
      *err = "out of memory";
      goto fail;
    }
    for (uint32_t i = 0; i <= n; i++) {
      uint32_t l;
      LEB(leb_u32, &l);
      if (labels) labels[i] = l;
    }
    out->x = n;
    out->labels = labels;
    break;
  }
  case MELD_IMM_MEMARG:
  case MELD_IMM_MEMARG_LANE: {
    uint32_t flags;
    LEB(leb_u32, &flags);
    if (flags >= 128) {
      *err = "malformed memop flags";
      goto fail;
    }
    if (flags & 0x40) {
      LEB(meld_leb_u32, &out->x);
      flags &= ~0x40u;
    }
    out->align = (uint8_t)flags;
    uint32_t off;
    LEB(leb_u32, &off);
    out->offset = off;
    if (meld_op_info[op].imm == MELD_IMM_MEMARG_LANE) {
      if (p >= end) {
        *err = "unexpected end";
        goto fail;
      }
      out->lane = *p++;
    }
    break;
  }
  case MELD_IMM_I32: LEB(leb_s32, &out->i32); break;
  case MELD_IMM_I64: LEB(meld_leb_s64, &out->i64); break;
  case MELD_IMM_F32:
    if (end - p < 4) {
      *err = "unexpected end";
      goto fail;
    }
    out->f32 = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    p += 4;
    break;
  case MELD_IMM_F64: {
    if (end - p < 8) {
      *err = "unexpected end";
      goto fail;
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    out->f64 = v;
    p += 8;
    break;
  }
  case MELD_IMM_REFTYPE:
    if (p >= end) {
      *err = "unexpected end";
      goto fail;
    }
    if (!meld_reftype_valid(*p)) {
      *err = "malformed reference type";
      goto fail;
    }
    out->x = *p++;
    break;
  case MELD_IMM_SELECT_T: {
    uint32_t n;
    LEB(meld_leb_u32, &n);
    if (n != 1) {
      *err = "invalid result arity of select";
      goto fail;
    }
    if (p >= end) {
      *err = "unexpected end";
      goto fail;
    }
    if (!meld_valtype_valid(*p)) {
      *err = "malformed value type";
      goto fail;
    }
    out->ntypes = 1;
    out->x = *p++;
    break;
  }
  case MELD_IMM_V128:
  case MELD_IMM_SHUFFLE:
    if (end - p < 16) {
      *err = "unexpected end";
      goto fail;
    }
    out->v128 = p;
    p += 16;
    break;
  case MELD_IMM_LANE:
    if (p >= end) {
      *err = "unexpected end";
      goto fail;
    }
    out->lane = *p++;
    break;
  case MELD_IMM_FENCE:
    if (p >= end) {
      *err = "unexpected end";
      goto fail;
    }
    if (*p != 0) {
      *err = "zero byte expected";
      goto fail;
    }
    p++;
    break;
  case MELD_NUM_IMM_KINDS: break;
  }
  *pp = p;
  return true;
fail:
  *pp = p;
  return false;
}

#undef LEB

#endif
