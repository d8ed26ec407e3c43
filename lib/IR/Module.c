/*
 * Core module helpers: creation, type interning, local lookup, body access.
 */
#include "meldc/Core.h"

#include <assert.h>
#include <string.h>

MeldModule *meld_module_new(MeldArena *arena) {
  MeldModule *m = meld_arena_calloc(arena, 1, sizeof *m);
  if (m) {
    m->start = MELD_NONE;
    m->arena = arena;
  }
  return m;
}

static bool type_equal(const MeldFuncType *t, const MeldValType *params, uint32_t nparams,
                       const MeldValType *results, uint32_t nresults) {
  return t->nparams == nparams && t->nresults == nresults &&
         (!nparams || memcmp(t->params, params, nparams) == 0) &&
         (!nresults || memcmp(t->results, results, nresults) == 0);
}

uint32_t meld_module_intern_type(MeldModule *m, MeldArena *arena, const MeldValType *params,
                                 uint32_t nparams, const MeldValType *results, uint32_t nresults) {
  for (uint32_t i = 0; i < m->ntypes; i++)
    if (type_equal(&m->types[i], params, nparams, results, nresults)) return i;
  MeldFuncType *t = MELD_PUSH(arena, m->types, m->ntypes, m->captypes);
  if (!t) return MELD_NONE;
  t->nparams = nparams;
  t->nresults = nresults;
  t->params = nparams ? meld_arena_memdup(arena, params, nparams) : NULL;
  t->results = nresults ? meld_arena_memdup(arena, results, nresults) : NULL;
  if ((nparams && !t->params) || (nresults && !t->results)) {
    m->ntypes--;
    return MELD_NONE;
  }
  m->present_sections |= 1u << MELD_RANK_TYPE;
  return m->ntypes - 1;
}

MeldValType meld_func_local_type(const MeldModule *m, const MeldFunc *f, uint32_t idx) {
  if (f->type >= m->ntypes) return 0;
  const MeldFuncType *t = &m->types[f->type];
  if (idx < t->nparams) return t->params[idx];
  uint64_t rest = (uint64_t)idx - t->nparams;
  for (uint32_t g = 0; g < f->nlocalgroups; g++) {
    if (rest < f->localgroups[g].count) return f->localgroups[g].type;
    rest -= f->localgroups[g].count;
  }
  return 0;
}

bool meld_func_decode(MeldContext *ctx, MeldModule *m, MeldFunc *f, MeldArena *arena) {
  assert(!f->pending && "meld_module_settle first");
  if (f->decoded || f->import != MELD_NONE) return true;
  MeldInstr *instrs;
  uint32_t n;
  if (!meld_decode_expr(ctx, m->file, f->codeoffset, f->code, f->codesize, arena, &instrs, &n,
                        NULL))
    return false;
  f->instrs = instrs;
  f->ninstrs = n;
  f->capinstrs = n;
  f->decoded = true;
  return true;
}

bool meld_func_instrs(MeldContext *ctx, const MeldModule *m, const MeldFunc *f,
                      MeldArena *scratch, const MeldInstr **instrs, uint32_t *ninstrs,
                      const uint64_t **offsets) {
  assert(!f->pending && "meld_module_settle first");
  if (offsets) *offsets = NULL;
  if (f->decoded || f->import != MELD_NONE) {
    *instrs = f->instrs;
    *ninstrs = f->ninstrs;
    return true;
  }
  MeldInstr *in;
  uint64_t *offs = NULL;
  if (!meld_decode_expr(ctx, m->file, f->codeoffset, f->code, f->codesize, scratch, &in,
                        ninstrs, offsets ? &offs : NULL))
    return false;
  *instrs = in;
  if (offsets) *offsets = offs;
  return true;
}
