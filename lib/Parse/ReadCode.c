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
#include <pthread.h>
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

/* The remap scanner's fast path: how to step over the common one-byte opcodes without decoding
 * them, when their immediates have short (one- to three-byte) encodings, which are always
 * well-formed.  Everything else -- and any instruction whose index changes -- goes through the
 * decoder, which also reports what is malformed exactly as it would. */
enum { FAST_SLOW, FAST_NONE, FAST_U32, FAST_S, FAST_F32, FAST_F64, FAST_BLOCK, FAST_FUNC,
       FAST_GLOBAL, FAST_MEMARG };

static const uint8_t fast_class_of_imm[MELD_NUM_IMM_KINDS + 1] = {
    [MELD_IMM_NONE] = FAST_NONE,     [MELD_IMM_LABEL] = FAST_U32,   [MELD_IMM_LOCAL] = FAST_U32,
    [MELD_IMM_I32] = FAST_S,         [MELD_IMM_I64] = FAST_S,       [MELD_IMM_F32] = FAST_F32,
    [MELD_IMM_F64] = FAST_F64,       [MELD_IMM_BLOCK] = FAST_BLOCK, [MELD_IMM_FUNC] = FAST_FUNC,
    [MELD_IMM_GLOBAL] = FAST_GLOBAL, [MELD_IMM_MEMARG] = FAST_MEMARG,
};

static uint8_t fast_class[256];
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static void fast_init(void) {
  for (uint32_t b = 0; b < 256; b++) {
    int op = (int)op_single[b] - 1;
    /* ref.func also marks its function taken: decoded. */
    fast_class[b] = op < 0 || op == MELD_OP_RefFunc ? FAST_SLOW : fast_class_of_imm[op_imm[op]];
  }
}

/* The scanner behind both: `refs` NULL collects nothing. */
static inline bool remap_scan(MeldContext *ctx, const char *file, uint64_t offset,
                              const uint8_t *code, uint32_t size,
                              const uint32_t *const maps[MELD_NUM_SPACES], MeldBuf *out,
                              bool *changed, MeldBuf *refs, bool *refs_ok) {
  const uint8_t *p = code, *end = code + size;
  const uint8_t *run = code; /* start of the bytes not yet appended to `out` */
  uint32_t last[8];          /* the last entry recorded per space: repeats are skipped */
  memset(last, 0xff, sizeof last);
  *changed = false;
  pthread_once(&fast_once, fast_init);
  const uint32_t *fmap = maps[MELD_SPACE_FUNC], *gmap = maps[MELD_SPACE_GLOBAL];
  /* What plain loads and stores (memory 0) become: read at the first one (a module without
   * memories has no entry to read). */
  const uint32_t *mmap = maps[MELD_SPACE_MEMORY];
  uint32_t mem0 = 0;
  bool mem0_known = !mmap;
  while (p < end) {
    const uint8_t *at = p;
    uint32_t len, idx;
    switch (fast_class[*p]) {
    case FAST_NONE: p++; continue;
    case FAST_U32:
    case FAST_S:
      if ((len = short_leb(p + 1, end, &idx))) {
        p += 1 + len;
        continue;
      }
      break;
    case FAST_F32:
      if (end - p >= 5) {
        p += 5;
        continue;
      }
      break;
    case FAST_F64:
      if (end - p >= 9) {
        p += 9;
        continue;
      }
      break;
    case FAST_BLOCK:
      if (end - p >= 2 && (p[1] == 0x40 || meld_valtype_valid(p[1]))) {
        p += 2;
        continue;
      }
      break;
    case FAST_FUNC:
    case FAST_GLOBAL: {
      if (!(len = short_leb(p + 1, end, &idx))) break;
      bool func = fast_class[*p] == FAST_FUNC;
      const uint32_t *map = func ? fmap : gmap;
      uint32_t to = map ? map[idx] : idx;
      if (refs) refs_append(refs, refs_ok, last, func ? MELD_SPACE_FUNC : MELD_SPACE_GLOBAL, to);
      if (to != idx) {
        /* The opcode and the new index, minimal LEB128, as meld_encode_instr writes them. */
        assert(to != MELD_NONE && "reference to a removed entity");
        uint8_t enc[6];
        enc[0] = *p;
        uint32_t n = 1 + leb_put_u32(enc + 1, to);
        buf_put(out, run, (size_t)(at - run));
        buf_put(out, enc, n);
        run = p + 1 + len;
        *changed = true;
      }
      p += 1 + len;
      continue;
    }
    case FAST_MEMARG:
      /* flags below 0x40: one byte, no memory index (memory 0) */
      if (end - p >= 2 && p[1] < 0x40 && (len = short_leb(p + 2, end, &idx))) {
        if (!mem0_known) {
          mem0 = mmap[0];
          mem0_known = true;
        }
        if (refs) refs_append(refs, refs_ok, last, MELD_SPACE_MEMORY, mem0);
        if (mem0 != 0) {
          /* opcode, flags with the memory-index bit, the memory, the offset: minimal LEB128,
           * as meld_encode_instr writes them */
          assert(mem0 != MELD_NONE && "reference to a removed entity");
          uint8_t enc[12];
          enc[0] = p[0];
          enc[1] = (uint8_t)(p[1] | 0x40);
          uint32_t n = 2 + leb_put_u32(enc + 2, mem0);
          n += leb_put_u32(enc + n, idx);
          buf_put(out, run, (size_t)(at - run));
          buf_put(out, enc, n);
          run = p + 2 + len;
          *changed = true;
        }
        p += 2 + len;
        continue;
      }
      break;
    default: break;
    }
    MeldInstr in;
    const char *err = NULL;
    if (!decode_one(&p, end, NULL, &in, &err)) {
      if (ctx) meld_error(ctx, file, offset + (uint64_t)(p - code), "%s", err);
      return false;
    }
    MeldIndexRef refs_of[2];
    uint32_t k = meld_instr_refs(&in, refs_of);
    bool change = false;
    for (uint32_t r = 0; r < k; r++) {
      const uint32_t *map = maps[refs_of[r].space];
      if (map && map[*refs_of[r].slot] != *refs_of[r].slot) {
        assert(map[*refs_of[r].slot] != MELD_NONE && "reference to a removed entity");
        *refs_of[r].slot = map[*refs_of[r].slot];
        change = true;
      }
      if (refs)
        refs_append(refs, refs_ok, last,
                   in.op == MELD_OP_RefFunc ? MELD_REF_TAKEN : (uint32_t)refs_of[r].space,
                   *refs_of[r].slot);
    }
    if (!change) continue;
    buf_put(out, run, (size_t)(at - run));
    meld_encode_instr(out, &in);
    run = p;
    *changed = true;
  }
  if (*changed) buf_put(out, run, (size_t)(end - run));
  return !out->oom && (!refs || !refs->oom);
}

bool meld_code_remap(MeldContext *ctx, const char *file, uint64_t offset, const uint8_t *code,
                     uint32_t size, const uint32_t *const maps[MELD_NUM_SPACES], MeldBuf *out,
                     bool *changed) {
  return remap_scan(ctx, file, offset, code, size, maps, out, changed, NULL, NULL);
}

bool meld_code_remap_refs(MeldContext *ctx, const char *file, uint64_t offset,
                          const uint8_t *code, uint32_t size,
                          const uint32_t *const maps[MELD_NUM_SPACES], MeldBuf *out,
                          bool *changed, MeldBuf *refs, bool *refs_ok) {
  *refs_ok = true;
  return remap_scan(ctx, file, offset, code, size, maps, out, changed, refs, refs_ok);
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
  assert(!f->pending && "meld_module_settle first");
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
