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

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "Parse/DecodeInstr.h"

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

/* ---- Scanning raw code ---- */

/* Both scanners decode into one local instruction and keep nothing: br_table labels are only
 * skipped (no arena), so the cost is the decoding itself. */

bool meld_code_remap(MeldContext *ctx, const char *file, uint64_t offset, const uint8_t *code,
                     uint32_t size, const uint32_t *const maps[MELD_NUM_SPACES], MeldBuf *out,
                     bool *changed) {
  const uint8_t *p = code, *end = code + size;
  const uint8_t *run = code; /* start of the bytes not yet appended to `out` */
  *changed = false;
  while (p < end) {
    const uint8_t *at = p;
    MeldInstr in;
    const char *err = NULL;
    if (!decode_one(&p, end, NULL, &in, &err)) {
      if (ctx) meld_error(ctx, file, offset + (uint64_t)(p - code), "%s", err);
      return false;
    }
    MeldIndexRef refs[2];
    uint32_t k = meld_instr_refs(&in, refs);
    bool change = false;
    for (uint32_t r = 0; r < k; r++) {
      const uint32_t *map = maps[refs[r].space];
      if (map && map[*refs[r].slot] != *refs[r].slot) {
        assert(map[*refs[r].slot] != MELD_NONE && "reference to a removed entity");
        *refs[r].slot = map[*refs[r].slot];
        change = true;
      }
    }
    if (!change) continue;
    meld_buf_bytes(out, run, (size_t)(at - run));
    meld_encode_instr(out, &in);
    run = p;
    *changed = true;
  }
  if (*changed) meld_buf_bytes(out, run, (size_t)(end - run));
  return !out->oom;
}

bool meld_code_refs(MeldContext *ctx, const char *file, uint64_t offset, const uint8_t *code,
                    uint32_t size, MeldRefVisitor visit, void *env) {
  const uint8_t *p = code, *end = code + size;
  while (p < end) {
    MeldInstr in;
    const char *err = NULL;
    if (!decode_one(&p, end, NULL, &in, &err)) {
      meld_error(ctx, file, offset + (uint64_t)(p - code), "%s", err);
      return false;
    }
    MeldIndexRef refs[2];
    uint32_t k = meld_instr_refs(&in, refs);
    for (uint32_t r = 0; r < k; r++) visit(env, refs[r].space, *refs[r].slot, in.op);
  }
  return true;
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
