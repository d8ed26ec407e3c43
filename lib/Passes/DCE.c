/*
 * dce: dead code elimination over a core module.
 *
 * What it does: removes every function, global, table, memory, element segment, data segment
 * and type that nothing live uses, including unused imports.  Live means reachable from the
 * roots -- the exports, the start function, and the segments whose effect at instantiation can
 * be observed -- through any reference: calls, ref.func, call_indirect's table and type,
 * global/table/memory/segment instructions, constant expressions, block types.
 *
 * Why: after fusion most of each component's Canonical ABI glue is unreachable (issue: the
 * vestigial allocator), and the lean core is the point of meldc.
 *
 * Needs: a core module (MELD_PROP_CORE).  Refuses relocatable objects (a "linking" section),
 * whose relocations would go stale.
 *
 * Guarantees afterwards: the module behaves exactly as before, traps included: an active segment
 * is only removed when its table or memory is dead *and* it provably fits (a constant offset
 * within the declared minimum), so no instantiation-time trap disappears; segments that write
 * into an imported table or memory are kept (the host can see them).  Declarative element
 * segments keep only entries for live functions (they declare ref.func targets); a function
 * that live code takes with ref.func and whose only declaration was in a removed segment is
 * declared again in a new declarative segment, so the module stays valid.  Bodies whose
 * indices do not change stay raw and are written back byte for byte.  DWARF sections
 * (.debug_*) describe code offsets that change: they are dropped with a warning.
 */
#include "Passes/PassRegistry.h"

#include <string.h>

typedef struct Work {
  uint8_t space;
  uint32_t index;
} Work;

typedef struct DCE {
  MeldUnit *u;
  MeldModule *m;
  MeldArena *scratch; /* live bits, work list, maps */
  bool *live[MELD_NUM_SPACES];
  uint32_t count[MELD_NUM_SPACES];
  bool *taken;     /* where mark_instrs records ref.func targets (set while scanning bodies) */
  bool *taken_all; /* functions named by ref.func in a live function body */
  Work *work;
  uint32_t nwork, capwork;
  bool oom;
  const MeldPending *pending; /* of the body being scanned: its indices are mapped first */
} DCE;

/* An index of the body being scanned, in the module's spaces. */
static uint32_t body_index(const DCE *d, MeldSpace s, uint32_t idx) {
  const MeldPending *p = d->pending;
  if (!p || !p->map[s]) return idx;
  return idx < p->count[s] ? p->map[s][idx] : MELD_NONE;
}

static void mark(DCE *d, MeldSpace s, uint32_t idx) {
  if (idx >= d->count[s] || d->live[s][idx]) return;
  d->live[s][idx] = true;
  Work *w = MELD_PUSH(d->scratch, d->work, d->nwork, d->capwork);
  if (!w) {
    d->oom = true;
    return;
  }
  w->space = (uint8_t)s;
  w->index = idx;
}

static void mark_instrs(DCE *d, const MeldInstr *in, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    MeldInstr copy = in[i];
    if (copy.op == MELD_OP_RefFunc && d->taken && copy.x < d->count[MELD_SPACE_FUNC])
      d->taken[copy.x] = true;
    MeldIndexRef refs[2];
    uint32_t k = meld_instr_refs(&copy, refs);
    for (uint32_t r = 0; r < k; r++) mark(d, refs[r].space, *refs[r].slot);
  }
}

/* meld_code_refs's visitor: the same marking for a raw body, without decoding it into an
 * array. */
static void mark_ref(void *env, MeldSpace space, uint32_t index, uint16_t op) {
  DCE *d = env;
  index = body_index(d, space, index);
  if (op == MELD_OP_RefFunc && d->taken && index < d->count[MELD_SPACE_FUNC])
    d->taken[index] = true;
  mark(d, space, index);
}

static bool visit(DCE *d, Work w) {
  MeldModule *m = d->m;
  switch ((MeldSpace)w.space) {
  case MELD_SPACE_FUNC: {
    MeldFunc *f = &m->funcs[w.index];
    mark(d, MELD_SPACE_TYPE, f->type);
    if (f->import != MELD_NONE) break;
    d->taken = d->taken_all;
    d->pending = f->pending;
    const uint32_t *refs;
    uint32_t nrefs;
    if (f->decoded) {
      mark_instrs(d, f->instrs, f->ninstrs);
    } else if (meld_func_refs(f, &refs, &nrefs)) {
      /* The list renumbering left: no need to decode the body again. */
      for (uint32_t k = 0; k < nrefs; k++) {
        uint32_t space = refs[k] >> MELD_REF_SHIFT, idx = refs[k] & MELD_REF_INDEX_MASK;
        bool taken = space == MELD_REF_TAKEN;
        if (taken) space = MELD_SPACE_FUNC;
        if (space >= MELD_NUM_SPACES) continue;
        idx = body_index(d, (MeldSpace)space, idx);
        if (taken && d->taken && idx < d->count[MELD_SPACE_FUNC]) d->taken[idx] = true;
        mark(d, (MeldSpace)space, idx);
      }
    } else if (!meld_code_refs(d->u->ctx, m->file, f->codeoffset, f->code, f->codesize,
                               mark_ref, d)) {
      d->taken = NULL;
      d->pending = NULL;
      return false;
    }
    d->taken = NULL;
    d->pending = NULL;
    break;
  }
  case MELD_SPACE_GLOBAL:
    mark_instrs(d, m->globals[w.index].init.instrs, m->globals[w.index].init.ninstrs);
    break;
  case MELD_SPACE_ELEM: {
    MeldElem *e = &m->elems[w.index];
    if (e->mode == MELD_SEG_ACTIVE) {
      mark(d, MELD_SPACE_TABLE, e->table);
      mark_instrs(d, e->offset.instrs, e->offset.ninstrs);
    }
    if (e->mode == MELD_SEG_DECLARATIVE) break; /* entries do not make functions live */
    for (uint32_t k = 0; k < e->ninit; k++) {
      if (e->exprs) mark_instrs(d, e->exprs[k].instrs, e->exprs[k].ninstrs);
      else mark(d, MELD_SPACE_FUNC, e->funcs[k]);
    }
    break;
  }
  case MELD_SPACE_DATA: {
    MeldData *ds = &m->datas[w.index];
    if (ds->mode == MELD_SEG_ACTIVE) {
      mark(d, MELD_SPACE_MEMORY, ds->memory);
      mark_instrs(d, ds->offset.instrs, ds->offset.ninstrs);
    }
    break;
  }
  case MELD_SPACE_TABLE:
  case MELD_SPACE_MEMORY:
  case MELD_SPACE_TYPE:
  case MELD_NUM_SPACES: break;
  }
  return true;
}

/* A constant i32 offset, if the expression is one. */
static bool const_offset(const MeldExpr *e, uint64_t *out) {
  if (e->ninstrs == 2 && e->instrs[0].op == MELD_OP_I32Const && e->instrs[1].op == MELD_OP_End) {
    *out = (uint32_t)e->instrs[0].i32;
    return true;
  }
  return false;
}

/* Must this active segment stay whatever its target's liveness (it may trap at instantiation,
 * or it writes into something the host can see)? */
static bool elem_has_effect(const MeldModule *m, const MeldElem *e) {
  const MeldTable *t = &m->tables[e->table];
  uint64_t off;
  if (t->import != MELD_NONE || !const_offset(&e->offset, &off)) return true;
  return off + e->ninit > t->limits.min;
}

static bool data_has_effect(const MeldModule *m, const MeldData *ds) {
  const MeldMemory *mem = &m->memories[ds->memory];
  uint64_t off;
  if (mem->import != MELD_NONE || !const_offset(&ds->offset, &off)) return true;
  return off + ds->size > (uint64_t)mem->limits.min * 65536u;
}

static bool drain(DCE *d) {
  while (d->nwork > 0) {
    Work w = d->work[--d->nwork];
    if (!visit(d, w)) return false;
    if (d->oom) return false;
  }
  return true;
}

/* After compaction: every function live code takes with ref.func must still be declared (in an
 * element segment, an export, or a global initializer).  Those whose declaration went with a
 * removed segment are declared again in one new declarative segment. */
static bool redeclare(DCE *d, const uint32_t *fmap, MeldArena *arena) {
  MeldModule *m = d->m;
  bool *declared = meld_arena_calloc(d->scratch, m->nfuncs ? m->nfuncs : 1, sizeof(bool));
  if (!declared) return false;
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == MELD_EXTERN_FUNC) declared[m->exports[i].index] = true;
  for (uint32_t i = 0; i < m->nelems; i++) {
    const MeldElem *e = &m->elems[i];
    for (uint32_t k = 0; k < e->ninit; k++) {
      if (!e->exprs) declared[e->funcs[k]] = true;
      else
        for (uint32_t j = 0; j < e->exprs[k].ninstrs; j++)
          if (e->exprs[k].instrs[j].op == MELD_OP_RefFunc) declared[e->exprs[k].instrs[j].x] = true;
    }
  }
  for (uint32_t i = m->nimportglobals; i < m->nglobals; i++)
    for (uint32_t j = 0; j < m->globals[i].init.ninstrs; j++)
      if (m->globals[i].init.instrs[j].op == MELD_OP_RefFunc)
        declared[m->globals[i].init.instrs[j].x] = true;
  uint32_t nmissing = 0;
  for (uint32_t old = 0; old < d->count[MELD_SPACE_FUNC]; old++)
    if (d->taken_all[old] && fmap[old] != MELD_NONE && !declared[fmap[old]]) nmissing++;
  if (!nmissing) return true;
  MeldElem *e = MELD_PUSH(arena, m->elems, m->nelems, m->capelems);
  uint32_t *funcs = meld_arena_alloc(arena, (size_t)nmissing * sizeof *funcs);
  if (!e || !funcs) return false;
  memset(e, 0, sizeof *e);
  e->mode = MELD_SEG_DECLARATIVE;
  e->encoding = 3;
  e->type = MELD_FUNCREF;
  e->at = MELD_NO_OFFSET;
  e->offset.at = MELD_NO_OFFSET;
  e->funcs = funcs;
  for (uint32_t old = 0; old < d->count[MELD_SPACE_FUNC]; old++)
    if (d->taken_all[old] && fmap[old] != MELD_NONE && !declared[fmap[old]]) {
      funcs[e->ninit++] = fmap[old];
      declared[fmap[old]] = true; /* a function taken twice is declared once */
    }
  m->present_sections |= 1u << MELD_RANK_ELEM;
  return true;
}

/* Builds old -> new maps from the live bits (MELD_NONE for the dead). */
static uint32_t *make_map(DCE *d, MeldSpace s, uint32_t *nlive) {
  uint32_t *map = meld_arena_alloc(d->scratch, (size_t)(d->count[s] ? d->count[s] : 1) * 4);
  if (!map) return NULL;
  uint32_t n = 0;
  for (uint32_t i = 0; i < d->count[s]; i++) map[i] = d->live[s][i] ? n++ : MELD_NONE;
  *nlive = n;
  return map;
}

#define COMPACT(arr, count, map)                                                                   \
  do {                                                                                             \
    uint32_t out_ = 0;                                                                             \
    for (uint32_t i_ = 0; i_ < (count); i_++)                                                      \
      if ((map)[i_] != MELD_NONE) (arr)[out_++] = (arr)[i_];                                       \
    (count) = out_;                                                                                \
  } while (0)

bool meld_pass_dce(MeldUnit *u, const MeldPassParams *params) {
  static const char *const known[] = {NULL};
  if (!meld_params_check(u, "dce", params, known)) return false;
  MeldModule *m = u->module;
  for (uint32_t i = 0; i < m->ncustoms; i++)
    if (meld_str_eq_cstr(m->customs[i].name, "linking")) {
      meld_error(u->ctx, m->file, MELD_NO_OFFSET,
                 "dce cannot run on a relocatable object file (it has a 'linking' section "
                 "whose relocations would go stale); link it first");
      return false;
    }

  MeldArena scratch;
  meld_arena_init(&scratch, u->ctx->alloc, 64 * 1024);
  DCE d;
  memset(&d, 0, sizeof d);
  d.u = u;
  d.m = m;
  d.scratch = &scratch;
  d.count[MELD_SPACE_FUNC] = m->nfuncs;
  d.count[MELD_SPACE_TABLE] = m->ntables;
  d.count[MELD_SPACE_MEMORY] = m->nmemories;
  d.count[MELD_SPACE_GLOBAL] = m->nglobals;
  d.count[MELD_SPACE_TYPE] = m->ntypes;
  d.count[MELD_SPACE_ELEM] = m->nelems;
  d.count[MELD_SPACE_DATA] = m->ndatas;
  bool ok = false;
  for (int s = 0; s < MELD_NUM_SPACES; s++) {
    d.live[s] = meld_arena_calloc(&scratch, d.count[s] ? d.count[s] : 1, sizeof(bool));
    if (!d.live[s]) goto oom;
  }
  d.taken_all = meld_arena_calloc(&scratch, m->nfuncs ? m->nfuncs : 1, sizeof(bool));
  if (!d.taken_all) goto oom;

  /* Roots. */
  for (uint32_t i = 0; i < m->nexports; i++) {
    const MeldExport *e = &m->exports[i];
    MeldSpace s = e->kind == MELD_EXTERN_FUNC     ? MELD_SPACE_FUNC
                  : e->kind == MELD_EXTERN_TABLE  ? MELD_SPACE_TABLE
                  : e->kind == MELD_EXTERN_MEMORY ? MELD_SPACE_MEMORY
                                                  : MELD_SPACE_GLOBAL;
    mark(&d, s, e->index);
  }
  if (m->start != MELD_NONE) mark(&d, MELD_SPACE_FUNC, m->start);
  for (uint32_t i = 0; i < m->nelems; i++)
    if (m->elems[i].mode == MELD_SEG_ACTIVE && elem_has_effect(m, &m->elems[i]))
      mark(&d, MELD_SPACE_ELEM, i);
  for (uint32_t i = 0; i < m->ndatas; i++)
    if (m->datas[i].mode == MELD_SEG_ACTIVE && data_has_effect(m, &m->datas[i]))
      mark(&d, MELD_SPACE_DATA, i);

  /* Propagate; active segments of tables/memories that became live join, until nothing
   * changes. */
  for (;;) {
    if (!drain(&d)) goto fail;
    bool more = false;
    for (uint32_t i = 0; i < m->nelems; i++)
      if (!d.live[MELD_SPACE_ELEM][i] && m->elems[i].mode == MELD_SEG_ACTIVE &&
          d.live[MELD_SPACE_TABLE][m->elems[i].table]) {
        mark(&d, MELD_SPACE_ELEM, i);
        more = true;
      }
    for (uint32_t i = 0; i < m->ndatas; i++)
      if (!d.live[MELD_SPACE_DATA][i] && m->datas[i].mode == MELD_SEG_ACTIVE &&
          d.live[MELD_SPACE_MEMORY][m->datas[i].memory]) {
        mark(&d, MELD_SPACE_DATA, i);
        more = true;
      }
    if (!more) break;
  }
  if (d.oom) goto oom;

  /* Declarative segments: keep the entries of live functions. */
  for (uint32_t i = 0; i < m->nelems; i++) {
    MeldElem *e = &m->elems[i];
    if (e->mode != MELD_SEG_DECLARATIVE) continue;
    uint32_t out = 0;
    for (uint32_t k = 0; k < e->ninit; k++) {
      uint32_t f = MELD_NONE;
      if (e->exprs) {
        if (e->exprs[k].ninstrs >= 1 && e->exprs[k].instrs[0].op == MELD_OP_RefFunc)
          f = e->exprs[k].instrs[0].x;
      } else {
        f = e->funcs[k];
      }
      if (f == MELD_NONE || f >= m->nfuncs || !d.live[MELD_SPACE_FUNC][f]) continue;
      if (e->exprs) e->exprs[out++] = e->exprs[k];
      else e->funcs[out++] = e->funcs[k];
    }
    e->ninit = out;
    if (out) d.live[MELD_SPACE_ELEM][i] = true;
  }

  /* Nothing dead: leave the module untouched. */
  bool any_dead = false;
  for (int s = 0; s < MELD_NUM_SPACES; s++)
    for (uint32_t i = 0; i < d.count[s]; i++) any_dead |= !d.live[s][i];
  if (!any_dead) {
    /* Only a renumbering resolve left pending, if any, to apply. */
    ok = meld_module_settle(u->ctx, m, &u->arena);
    goto done;
  }

  const uint32_t *maps[MELD_NUM_SPACES];
  uint32_t nlive[MELD_NUM_SPACES];
  for (int s = 0; s < MELD_NUM_SPACES; s++) {
    uint32_t *map = make_map(&d, (MeldSpace)s, &nlive[s]);
    if (!map) goto oom;
    maps[s] = map;
  }
  /* Imports: keep those whose entity lives (decided before renumbering). */
  uint32_t *imap = meld_arena_alloc(&scratch, (size_t)(m->nimports ? m->nimports : 1) * 4);
  if (!imap) goto oom;
  {
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
      const MeldImport *im = &m->imports[i];
      MeldSpace s = im->kind == MELD_EXTERN_FUNC     ? MELD_SPACE_FUNC
                    : im->kind == MELD_EXTERN_TABLE  ? MELD_SPACE_TABLE
                    : im->kind == MELD_EXTERN_MEMORY ? MELD_SPACE_MEMORY
                                                     : MELD_SPACE_GLOBAL;
      imap[i] = d.live[s][im->index] ? n++ : MELD_NONE;
    }
  }
  /* Compaction keeps every entity's type: a body's verifier mark survives its renumbering. */
  uint8_t *was_checked = meld_arena_calloc(&scratch, (size_t)m->nfuncs + 1, 1);
  if (!was_checked) goto oom;
  for (uint32_t i = m->nimportfuncs; i < m->nfuncs; i++)
    was_checked[i] = meld_func_checked(&m->funcs[i]);
  if (!meld_module_remap(u->ctx, m, &u->arena, maps)) goto fail;
  for (uint32_t i = m->nimportfuncs; i < m->nfuncs; i++)
    if (was_checked[i] && !m->funcs[i].decoded) m->funcs[i].checked = m->funcs[i].code;
  for (uint32_t i = 0; i < m->nfuncs; i++)
    if (m->funcs[i].import != MELD_NONE) m->funcs[i].import = imap[m->funcs[i].import];
  for (uint32_t i = 0; i < m->ntables; i++)
    if (m->tables[i].import != MELD_NONE) m->tables[i].import = imap[m->tables[i].import];
  for (uint32_t i = 0; i < m->nmemories; i++)
    if (m->memories[i].import != MELD_NONE) m->memories[i].import = imap[m->memories[i].import];
  for (uint32_t i = 0; i < m->nglobals; i++)
    if (m->globals[i].import != MELD_NONE) m->globals[i].import = imap[m->globals[i].import];
  COMPACT(m->imports, m->nimports, imap);

  uint32_t nimportfuncs = 0, nimporttables = 0, nimportmemories = 0, nimportglobals = 0;
  for (uint32_t i = 0; i < m->nimportfuncs; i++) nimportfuncs += d.live[MELD_SPACE_FUNC][i];
  for (uint32_t i = 0; i < m->nimporttables; i++) nimporttables += d.live[MELD_SPACE_TABLE][i];
  for (uint32_t i = 0; i < m->nimportmemories; i++)
    nimportmemories += d.live[MELD_SPACE_MEMORY][i];
  for (uint32_t i = 0; i < m->nimportglobals; i++)
    nimportglobals += d.live[MELD_SPACE_GLOBAL][i];
  COMPACT(m->funcs, m->nfuncs, maps[MELD_SPACE_FUNC]);
  COMPACT(m->tables, m->ntables, maps[MELD_SPACE_TABLE]);
  COMPACT(m->memories, m->nmemories, maps[MELD_SPACE_MEMORY]);
  COMPACT(m->globals, m->nglobals, maps[MELD_SPACE_GLOBAL]);
  COMPACT(m->types, m->ntypes, maps[MELD_SPACE_TYPE]);
  COMPACT(m->elems, m->nelems, maps[MELD_SPACE_ELEM]);
  COMPACT(m->datas, m->ndatas, maps[MELD_SPACE_DATA]);
  m->nimportfuncs = nimportfuncs;
  m->nimporttables = nimporttables;
  m->nimportmemories = nimportmemories;
  m->nimportglobals = nimportglobals;

  if (!redeclare(&d, maps[MELD_SPACE_FUNC], &u->arena)) goto oom;

  /* DWARF describes code offsets, which have changed. */
  {
    uint32_t out = 0;
    bool dropped = false;
    for (uint32_t i = 0; i < m->ncustoms; i++) {
      MeldStr n = m->customs[i].name;
      if (n.len > 7 && memcmp(n.ptr, ".debug_", 7) == 0) {
        dropped = true;
        continue;
      }
      m->customs[out++] = m->customs[i];
    }
    m->ncustoms = out;
    if (dropped)
      meld_warning(u->ctx, m->file, MELD_NO_OFFSET,
                   "dce removed the DWARF sections (.debug_*): the code they describe moved");
  }
  ok = true;
  goto done;
oom:
  meld_error(u->ctx, m->file, MELD_NO_OFFSET, "out of memory in dce");
fail:
  ok = false;
done:
  meld_arena_free(&scratch);
  return ok;
}
