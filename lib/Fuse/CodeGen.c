/*
 * A builder of decoded function bodies for the `adapter` pass (see Adapter.h).  It knows nothing
 * of the Canonical ABI beyond the few checks every realloc call and every read of a range makes
 * (alignment, bounds against the memory's current size).
 */
#include "Fuse/Adapter.h"

#include <string.h>

void meld_gen_init(MeldGen *g, MeldArena *arena, MeldArena *scratch, const MeldValType *params,
                   uint32_t nparams) {
  memset(g, 0, sizeof *g);
  g->arena = arena;
  g->scratch = scratch;
  g->params = params;
  g->nparams = nparams;
}

static int type_slot(MeldValType t) {
  switch (t) {
  case MELD_I32: return 0;
  case MELD_I64: return 1;
  case MELD_F32: return 2;
  default: return 3;
  }
}

uint32_t meld_gen_local(MeldGen *g, MeldValType t) {
  int s = type_slot(t);
  uint32_t idx;
  if (g->nfree[s] > 0) {
    idx = g->free[s][--g->nfree[s]];
  } else {
    MeldValType *slot = MELD_PUSH(g->scratch, g->locals, g->nlocals, g->caplocals);
    if (!slot) {
      g->oom = true;
      return 0;
    }
    *slot = t;
    idx = g->nparams + g->nlocals - 1;
  }
  uint32_t *l = MELD_PUSH(g->scratch, g->live, g->nlive, g->caplive);
  if (!l) g->oom = true;
  else *l = idx;
  return idx;
}

uint32_t meld_gen_mark(const MeldGen *g) {
  return g->nlive;
}

void meld_gen_release(MeldGen *g, uint32_t mark) {
  while (g->nlive > mark) {
    uint32_t idx = g->live[--g->nlive];
    int s = type_slot(g->locals[idx - g->nparams]);
    uint32_t *f = MELD_PUSH(g->scratch, g->free[s], g->nfree[s], g->capfree[s]);
    if (!f) g->oom = true;
    else *f = idx;
  }
}

static MeldInstr *emit(MeldGen *g, MeldOpcode op) {
  MeldInstr *in = MELD_PUSH(g->scratch, g->code, g->ncode, g->capcode);
  if (!in) {
    g->oom = true;
    return NULL;
  }
  memset(in, 0, sizeof *in);
  in->op = (uint16_t)op;
  return in;
}

void meld_gen_op(MeldGen *g, MeldOpcode op) {
  emit(g, op);
}

void meld_gen_idx(MeldGen *g, MeldOpcode op, uint32_t x) {
  MeldInstr *in = emit(g, op);
  if (in) in->x = x;
}

void meld_gen_i32(MeldGen *g, uint32_t v) {
  MeldInstr *in = emit(g, MELD_OP_I32Const);
  if (in) in->i32 = (int32_t)v;
}

void meld_gen_i64(MeldGen *g, uint64_t v) {
  MeldInstr *in = emit(g, MELD_OP_I64Const);
  if (in) in->i64 = (int64_t)v;
}

void meld_gen_get(MeldGen *g, uint32_t local) {
  meld_gen_idx(g, MELD_OP_LocalGet, local);
}

void meld_gen_set(MeldGen *g, uint32_t local) {
  meld_gen_idx(g, MELD_OP_LocalSet, local);
}

void meld_gen_mem(MeldGen *g, MeldOpcode op, uint32_t mem, uint64_t offset) {
  MeldInstr *in = emit(g, op);
  if (!in) return;
  uint8_t width = meld_op_info[op].width, a = 0;
  while ((1u << (a + 1)) <= width) a++;
  in->align = a;
  in->x = mem;
  in->offset = offset;
}

void meld_gen_memcopy(MeldGen *g, uint32_t dst_mem, uint32_t src_mem) {
  MeldInstr *in = emit(g, MELD_OP_MemoryCopy);
  if (!in) return;
  in->x = dst_mem;
  in->y = src_mem;
}

uint32_t meld_gen_open(MeldGen *g, MeldOpcode op) {
  MeldInstr *in = emit(g, op);
  if (in) in->btkind = MELD_BT_EMPTY;
  return g->depth++;
}

void meld_gen_else(MeldGen *g) {
  emit(g, MELD_OP_Else);
}

void meld_gen_end(MeldGen *g) {
  emit(g, MELD_OP_End);
  g->depth--;
}

/* Relative label of block `id` from the current nesting. */
static uint32_t label(const MeldGen *g, uint32_t id) {
  return g->depth - 1 - id;
}

void meld_gen_br(MeldGen *g, MeldOpcode op, uint32_t block) {
  meld_gen_idx(g, op, label(g, block));
}

void meld_gen_br_table(MeldGen *g, const uint32_t *ids, uint32_t n, uint32_t dflt) {
  uint32_t *labels = meld_arena_alloc(g->arena, ((size_t)n + 1) * sizeof *labels);
  MeldInstr *in = emit(g, MELD_OP_BrTable);
  if (!labels || !in) {
    g->oom = true;
    return;
  }
  for (uint32_t i = 0; i < n; i++) labels[i] = label(g, ids[i]);
  labels[n] = label(g, dflt);
  in->x = n;
  in->labels = labels;
}

void meld_gen_trap_if(MeldGen *g) {
  meld_gen_open(g, MELD_OP_If);
  meld_gen_op(g, MELD_OP_Unreachable);
  meld_gen_end(g);
}

void meld_gen_check_align(MeldGen *g, uint32_t ptr, uint32_t align) {
  if (align <= 1) return;
  meld_gen_get(g, ptr);
  meld_gen_i32(g, align - 1);
  meld_gen_op(g, MELD_OP_I32And);
  meld_gen_trap_if(g);
}

void meld_gen_memory_bytes(MeldGen *g, uint32_t mem) {
  meld_gen_idx(g, MELD_OP_MemorySize, mem);
  meld_gen_op(g, MELD_OP_I64ExtendI32U);
  meld_gen_i64(g, 16);
  meld_gen_op(g, MELD_OP_I64Shl);
}

void meld_gen_check_bounds(MeldGen *g, uint32_t mem, uint32_t ptr, uint32_t size_local,
                           uint32_t size_const) {
  meld_gen_get(g, ptr);
  meld_gen_op(g, MELD_OP_I64ExtendI32U);
  if (size_local != MELD_NONE) {
    meld_gen_get(g, size_local);
    meld_gen_op(g, MELD_OP_I64ExtendI32U);
    meld_gen_op(g, MELD_OP_I64Add);
  } else if (size_const != 0) {
    meld_gen_i64(g, size_const);
    meld_gen_op(g, MELD_OP_I64Add);
  }
  meld_gen_memory_bytes(g, mem);
  meld_gen_op(g, MELD_OP_I64GtU);
  meld_gen_trap_if(g);
}

static void get_or_zero(MeldGen *g, uint32_t local) {
  if (local == MELD_NONE) meld_gen_i32(g, 0);
  else meld_gen_get(g, local);
}

void meld_gen_realloc(MeldGen *g, uint32_t realloc, uint32_t mem, uint32_t old, uint32_t old_size,
                      uint32_t align, uint32_t new_size, uint32_t new_size_const, uint32_t out) {
  get_or_zero(g, old);
  get_or_zero(g, old_size);
  meld_gen_i32(g, align);
  if (new_size != MELD_NONE) meld_gen_get(g, new_size);
  else meld_gen_i32(g, new_size_const);
  meld_gen_idx(g, MELD_OP_Call, realloc);
  meld_gen_set(g, out);
  meld_gen_check_align(g, out, align);
  meld_gen_check_bounds(g, mem, out, new_size, new_size_const);
}

bool meld_gen_finish(MeldGen *g, MeldFunc *f) {
  meld_gen_op(g, MELD_OP_End);
  if (g->oom || g->depth != 0) return false;
  uint32_t ngroups = 0;
  for (uint32_t i = 0; i < g->nlocals; i++)
    if (i == 0 || g->locals[i] != g->locals[i - 1]) ngroups++;
  MeldLocalGroup *groups = NULL;
  if (ngroups) {
    groups = meld_arena_alloc(g->arena, ngroups * sizeof *groups);
    if (!groups) return false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < g->nlocals; i++) {
      if (i == 0 || g->locals[i] != g->locals[i - 1]) groups[k++] = (MeldLocalGroup){0, g->locals[i]};
      groups[k - 1].count++;
    }
  }
  MeldInstr *code = meld_arena_memdup(g->arena, g->code, (size_t)g->ncode * sizeof *code);
  if (!code) return false;
  f->localgroups = groups;
  f->nlocalgroups = ngroups;
  f->nlocals = g->nlocals;
  f->instrs = code;
  f->ninstrs = f->capinstrs = g->ncode;
  f->decoded = true;
  f->code = NULL;
  f->codesize = 0;
  return true;
}
