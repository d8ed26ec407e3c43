/*
 * Instruction decoding: one instruction (meld_decode_instr) and whole expressions
 * (meld_decode_expr).  The opcode dispatch is generated from Opcodes.def, so a row added
 * there is decoded here without further work.
 *
 * Decoding checks the binary grammar only (well-formed immediates, known opcodes, block
 * structure); typing is the verifier's job.  Multi-memory encodings are accepted everywhere a
 * memory index may appear.
 */
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

/* The one-byte case inline; everything else through the checked decoders. */
static inline MeldLebStatus leb_u32(const uint8_t **p, const uint8_t *end, uint32_t *out) {
  if (*p < end && **p < 0x80) {
    *out = *(*p)++;
    return MELD_LEB_OK;
  }
  return meld_leb_u32(p, end, out);
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
      LEB(meld_leb_u32, &l);
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
  case MELD_IMM_I32: LEB(meld_leb_s32, &out->i32); break;
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

bool meld_decode_instr(const uint8_t **pp, const uint8_t *end, MeldArena *arena, MeldInstr *out,
                       const char **err) {
  return decode_one(pp, end, arena, out, err);
}

/* Frame kinds for the structure check. */
enum { FRAME_BLOCK, FRAME_IF, FRAME_ELSE };

/* The decoding loop shared by meld_decode_expr (store == true: keep instructions and
 * offsets) and meld_check_expr (store == false: keep nothing). */
static bool decode_loop(MeldContext *ctx, const char *file, uint64_t file_offset,
                        const uint8_t *code, uint32_t size, MeldArena *arena, bool store,
                        MeldInstr **instrs, uint32_t *ninstrs, uint64_t **offsets,
                        uint32_t *flags) {
  const uint8_t *p = code, *end = code + size;
  uint32_t n = 0, cap = 0, offcap = 0;
  MeldInstr *in = NULL, one;
  uint64_t *offs = NULL;
  uint8_t *frames = NULL;
  uint32_t nframes = 0, capframes = 0;
  uint32_t found = 0;
  /* The function body is the outermost block. */
  uint8_t *outer = MELD_PUSH(arena, frames, nframes, capframes);
  if (!outer) goto oom;
  *outer = FRAME_BLOCK;
  if (store) {
    /* About 2.5 bytes an instruction in real code: a first guess that rarely needs to grow
     * and never reserves more than the input could hold. */
    uint32_t guess = size / 3 + 4;
    if (!meld_grow(arena, &in, &cap, guess, sizeof *in)) goto oom;
    if (offsets && !meld_grow(arena, &offs, &offcap, guess, sizeof *offs)) goto oom;
  }
  while (nframes > 0) {
    const uint8_t *at = p;
    if (p >= end) {
      meld_error(ctx, file, file_offset + (uint64_t)(p - code),
                 "unexpected end of function body (missing 'end')");
      return false;
    }
    MeldInstr *slot = &one;
    if (store) {
      if (n == cap && !meld_grow(arena, &in, &cap, n + 1, sizeof *in)) goto oom;
      if (offsets && n == offcap && !meld_grow(arena, &offs, &offcap, n + 1, sizeof *offs))
        goto oom;
      slot = &in[n];
    }
    const char *err = NULL;
    if (!decode_one(&p, end, store ? arena : NULL, slot, &err)) {
      meld_error(ctx, file, file_offset + (uint64_t)(p - code), "%s", err);
      return false;
    }
    if (store && offsets) offs[n] = file_offset + (uint64_t)(at - code);
    switch (slot->op) {
    case MELD_OP_Block:
    case MELD_OP_Loop:
    case MELD_OP_If: {
      uint8_t *f = MELD_PUSH(arena, frames, nframes, capframes);
      if (!f) goto oom;
      *f = slot->op == MELD_OP_If ? FRAME_IF : FRAME_BLOCK;
      break;
    }
    case MELD_OP_Else:
      if (frames[nframes - 1] != FRAME_IF) {
        meld_error(ctx, file, file_offset + (uint64_t)(at - code),
                   "'else' without a matching 'if'");
        return false;
      }
      frames[nframes - 1] = FRAME_ELSE;
      break;
    case MELD_OP_End: nframes--; break;
    case MELD_OP_MemoryInit:
    case MELD_OP_DataDrop: found |= MELD_EXPR_USES_DATA; break;
    default: break;
    }
    n++;
  }
  if (p != end) {
    meld_error(ctx, file, file_offset + (uint64_t)(p - code),
               "operators remaining after the end of the function body");
    return false;
  }
  if (store) {
    *instrs = in;
    *ninstrs = n;
    if (offsets) *offsets = offs;
  }
  if (flags) *flags = found;
  return true;
oom:
  meld_error(ctx, file, file_offset, "out of memory while decoding code");
  return false;
}

bool meld_decode_expr(MeldContext *ctx, const char *file, uint64_t file_offset,
                      const uint8_t *code, uint32_t size, MeldArena *arena, MeldInstr **instrs,
                      uint32_t *ninstrs, uint64_t **offsets) {
  return decode_loop(ctx, file, file_offset, code, size, arena, true, instrs, ninstrs, offsets,
                     NULL);
}

bool meld_check_expr(MeldContext *ctx, const char *file, uint64_t file_offset,
                     const uint8_t *code, uint32_t size, MeldArena *scratch, uint32_t *flags) {
  return decode_loop(ctx, file, file_offset, code, size, scratch, false, NULL, NULL, NULL, flags);
}

/* ---- Iteration ---- */

void meld_iter_begin(MeldInstrIter *it, MeldContext *ctx, const MeldModule *m,
                     const MeldFunc *f) {
  memset(it, 0, sizeof *it);
  it->ctx = ctx;
  it->file = m->file;
  if (f->decoded || f->import != MELD_NONE) {
    it->instrs = f->instrs;
    it->ninstrs = f->ninstrs;
  } else {
    it->code = it->p = f->code;
    it->end = f->code + f->codesize;
    it->codeoffset = f->codeoffset;
  }
  meld_arena_init(&it->labels, ctx->alloc, 4096);
  /* Keep one block for the whole iteration; each step releases back to it. */
  (void)meld_arena_alloc(&it->labels, 1);
  it->labels_base = meld_arena_mark(&it->labels);
}

int meld_iter_next(MeldInstrIter *it, MeldInstr *out, uint64_t *offset) {
  if (!it->code) {
    if (it->next >= it->ninstrs) return 0;
    *out = it->instrs[it->next++];
    if (offset) *offset = MELD_NO_OFFSET;
    return 1;
  }
  if (it->p >= it->end) return 0;
  meld_arena_release(&it->labels, it->labels_base);
  const uint8_t *at = it->p;
  const char *err = NULL;
  if (!meld_decode_instr(&it->p, it->end, &it->labels, out, &err)) {
    meld_error(it->ctx, it->file, it->codeoffset + (uint64_t)(it->p - it->code), "%s", err);
    it->p = it->end;
    return -1;
  }
  if (offset) *offset = it->codeoffset + (uint64_t)(at - it->code);
  return 1;
}

void meld_iter_end(MeldInstrIter *it) {
  meld_arena_free(&it->labels);
}
