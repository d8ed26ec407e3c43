/*
 * Index references and module-wide remapping.  meld_instr_refs is the one place that knows
 * which immediates are module indices (from the immediate kind of Opcodes.def); everything that
 * renumbers a module (dce, and the fusion passes' merge) goes through meld_module_remap.
 */
#include "meldc/Core.h"

#include <assert.h>
#include <string.h>

const char *meld_space_name(MeldSpace s) {
  switch (s) {
  case MELD_SPACE_FUNC: return "function";
  case MELD_SPACE_TABLE: return "table";
  case MELD_SPACE_MEMORY: return "memory";
  case MELD_SPACE_GLOBAL: return "global";
  case MELD_SPACE_TYPE: return "type";
  case MELD_SPACE_ELEM: return "element segment";
  case MELD_SPACE_DATA: return "data segment";
  case MELD_NUM_SPACES: break;
  }
  return "?";
}

static uint32_t map_index(const uint32_t *map, uint32_t idx) {
  if (!map) return idx;
  uint32_t n = map[idx];
  assert(n != MELD_NONE && "reference to a removed entity");
  return n;
}

static void remap_instrs(MeldInstr *in, uint32_t n, const uint32_t *const maps[]) {
  for (uint32_t i = 0; i < n; i++) {
    MeldIndexRef refs[2];
    uint32_t k = meld_instr_refs(&in[i], refs);
    for (uint32_t r = 0; r < k; r++)
      *refs[r].slot = map_index(maps[refs[r].space], *refs[r].slot);
  }
}

static void remap_expr(MeldExpr *e, const uint32_t *const maps[]) {
  remap_instrs(e->instrs, e->ninstrs, maps);
}

/* Name maps: drop entries of removed entities, renumber the rest (order is kept, and stays
 * increasing because maps are monotonic for compaction). */
static void remap_name_map(MeldNameMap *nm, const uint32_t *map, uint32_t count) {
  if (!map) return;
  uint32_t out = 0;
  for (uint32_t i = 0; i < nm->nitems; i++) {
    /* Name sections are not validated: an entry may name an index that does not exist. */
    uint32_t n = nm->items[i].index < count ? map[nm->items[i].index] : MELD_NONE;
    if (n == MELD_NONE) continue;
    nm->items[out] = nm->items[i];
    nm->items[out].index = n;
    out++;
  }
  nm->nitems = out;
}

static void remap_indirect_map(MeldIndirectNameMap *nm, const uint32_t *map, uint32_t count) {
  if (!map) return;
  uint32_t out = 0;
  for (uint32_t i = 0; i < nm->nitems; i++) {
    uint32_t n = nm->items[i].index < count ? map[nm->items[i].index] : MELD_NONE;
    if (n == MELD_NONE) continue;
    nm->items[out] = nm->items[i];
    nm->items[out].index = n;
    out++;
  }
  nm->nitems = out;
}

_Static_assert(MELD_NUM_SPACES == sizeof ((MeldPending *)0)->map / sizeof(uint32_t *),
               "MeldPending has one map per space");

/* The pending renumberings of a module's bodies, each composed with `maps` (NULL: none): one
 * group of jobs per distinct MeldPending. */
typedef struct PendingGroup {
  const MeldPending *pending;
  uint32_t *composed[MELD_NUM_SPACES];
  MeldRemapJob *jobs;
  uint32_t njobs;
} PendingGroup;

/* Renumbers the raw bodies with pending renumberings through pending-then-`maps` (NULL maps:
 * the pending renumbering alone, and marks carry over), clearing `pending`.  `skip_fmap` (may
 * be NULL) names removed functions (MELD_NONE), left alone; `done` (may be NULL) receives a 1
 * for every function that had a pending renumbering. */
static bool settle_pending(MeldContext *ctx, MeldModule *m, MeldArena *arena,
                           const uint32_t *const *maps, const uint32_t *skip_fmap,
                           uint8_t *done) {
  PendingGroup *groups = NULL;
  uint32_t ngroups = 0, cap = 0;
  bool ok = true;
  MeldArena scratch;
  meld_arena_init(&scratch, ctx->alloc, 64 * 1024);
  for (uint32_t i = 0; i < m->nfuncs && ok; i++) {
    MeldFunc *f = &m->funcs[i];
    if (!f->pending) continue;
    if (done) done[i] = 1;
    if (skip_fmap && skip_fmap[i] == MELD_NONE) {
      f->pending = NULL; /* removed: its body is never read again */
      continue;
    }
    uint32_t g = 0;
    while (g < ngroups && groups[g].pending != f->pending) g++;
    if (g == ngroups) {
      PendingGroup *ng = MELD_PUSH(&scratch, groups, ngroups, cap);
      if (!ng) {
        ok = false;
        break;
      }
      memset(ng, 0, sizeof *ng);
      ng->pending = f->pending;
      ng->jobs = meld_arena_alloc(&scratch, ((size_t)m->nfuncs + 1) * sizeof *ng->jobs);
      if (!ng->jobs) {
        ok = false;
        break;
      }
      for (int sp = 0; sp < MELD_NUM_SPACES && ok; sp++) {
        const uint32_t *p = f->pending->map[sp], *q = maps ? maps[sp] : NULL;
        uint32_t n = f->pending->count[sp];
        if (!q) {
          ng->composed[sp] = (uint32_t *)p;
          continue;
        }
        uint32_t *c = meld_arena_alloc(&scratch, ((size_t)n + 1) * sizeof *c);
        if (!c) {
          ok = false;
          break;
        }
        for (uint32_t k = 0; k < n; k++) {
          uint32_t mid = p ? p[k] : k;
          c[k] = mid == MELD_NONE ? MELD_NONE : q[mid];
        }
        ng->composed[sp] = c;
      }
    }
    if (!ok) break;
    groups[g].jobs[groups[g].njobs++] = (MeldRemapJob){f->code, f->codesize, f->codeoffset, f};
  }
  if (!ok) meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while renumbering");
  for (uint32_t g = 0; g < ngroups && ok; g++) {
    PendingGroup *pg = &groups[g];
    uint8_t *was = meld_arena_alloc(&scratch, (size_t)pg->njobs + 1);
    if (!was) {
      meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while renumbering");
      ok = false;
      break;
    }
    for (uint32_t j = 0; j < pg->njobs; j++) was[j] = meld_func_checked(pg->jobs[j].dst);
    ok = meld_code_remap_many(ctx, m->file, pg->jobs, pg->njobs,
                              (const uint32_t *const *)pg->composed, arena);
    for (uint32_t j = 0; j < pg->njobs && ok; j++) {
      MeldFunc *f = pg->jobs[j].dst;
      f->pending = NULL;
      /* The pending renumbering alone is resolve's, whose marks were checked to survive it
       * (carry_checks); composed with a caller's maps, the caller decides (dce does). */
      f->checked = was[j] && !maps ? f->code : NULL;
    }
  }
  meld_arena_free(&scratch);
  return ok;
}

bool meld_module_has_pending(const MeldModule *m) {
  for (uint32_t i = 0; i < m->nfuncs; i++)
    if (m->funcs[i].pending) return true;
  return false;
}

bool meld_module_settle(MeldContext *ctx, MeldModule *m, MeldArena *arena) {
  if (!meld_module_has_pending(m)) return true;
  return settle_pending(ctx, m, arena, NULL, NULL, NULL);
}

bool meld_module_remap(MeldContext *ctx, MeldModule *m, MeldArena *arena,
                       const uint32_t *const maps[MELD_NUM_SPACES]) {
  const uint32_t *fmap = maps[MELD_SPACE_FUNC], *tmap = maps[MELD_SPACE_TYPE];
  /* Bodies with a pending renumbering: both at once. */
  uint8_t *done = NULL;
  if (meld_module_has_pending(m)) {
    done = meld_alloc(ctx->alloc, (size_t)m->nfuncs + 1);
    if (!done) {
      meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while renumbering");
      return false;
    }
    memset(done, 0, (size_t)m->nfuncs + 1);
    if (!settle_pending(ctx, m, arena, maps, fmap, done)) {
      meld_free(ctx->alloc, done, (size_t)m->nfuncs + 1);
      return false;
    }
  }
  /* Raw bodies stay raw: rewritten in one pass by meld_code_remap, which copies unchanged
   * instructions byte for byte, so an unchanged body comes out identical and is kept as it
   * was (decoding them into arrays would cost the memory of the whole program's code). */
  MeldRemapJob *jobs = meld_alloc(ctx->alloc, ((size_t)m->nfuncs + 1) * sizeof *jobs);
  if (!jobs) {
    if (done) meld_free(ctx->alloc, done, (size_t)m->nfuncs + 1);
    meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while renumbering");
    return false;
  }
  uint32_t njobs = 0;
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    MeldFunc *f = &m->funcs[i];
    if (tmap && (!fmap || fmap[i] != MELD_NONE)) f->type = map_index(tmap, f->type);
    if (f->import != MELD_NONE || (fmap && fmap[i] == MELD_NONE)) continue;
    if (f->decoded) {
      remap_instrs(f->instrs, f->ninstrs, maps);
      continue;
    }
    if (done && done[i]) continue; /* renumbered with its pending renumbering */
    jobs[njobs++] = (MeldRemapJob){f->code, f->codesize, f->codeoffset, f};
  }
  bool ok = meld_code_remap_many(ctx, m->file, jobs, njobs, maps, arena);
  meld_free(ctx->alloc, jobs, ((size_t)m->nfuncs + 1) * sizeof *jobs);
  if (done) meld_free(ctx->alloc, done, (size_t)m->nfuncs + 1);
  if (!ok) return false;

  for (uint32_t i = m->nimportglobals; i < m->nglobals; i++) {
    const uint32_t *gmap = maps[MELD_SPACE_GLOBAL];
    if (gmap && gmap[i] == MELD_NONE) continue;
    remap_expr(&m->globals[i].init, maps);
  }
  for (uint32_t i = 0; i < m->nimports; i++) {
    MeldImport *im = &m->imports[i];
    MeldSpace s = im->kind == MELD_EXTERN_FUNC     ? MELD_SPACE_FUNC
                  : im->kind == MELD_EXTERN_TABLE  ? MELD_SPACE_TABLE
                  : im->kind == MELD_EXTERN_MEMORY ? MELD_SPACE_MEMORY
                                                   : MELD_SPACE_GLOBAL;
    if (maps[s] && maps[s][im->index] != MELD_NONE) im->index = maps[s][im->index];
  }
  for (uint32_t i = 0; i < m->nexports; i++) {
    MeldExport *e = &m->exports[i];
    MeldSpace s = e->kind == MELD_EXTERN_FUNC     ? MELD_SPACE_FUNC
                  : e->kind == MELD_EXTERN_TABLE  ? MELD_SPACE_TABLE
                  : e->kind == MELD_EXTERN_MEMORY ? MELD_SPACE_MEMORY
                                                  : MELD_SPACE_GLOBAL;
    e->index = map_index(maps[s], e->index);
  }
  if (m->start != MELD_NONE) m->start = map_index(fmap, m->start);
  const uint32_t *emap = maps[MELD_SPACE_ELEM], *dmap = maps[MELD_SPACE_DATA];
  for (uint32_t i = 0; i < m->nelems; i++) {
    if (emap && emap[i] == MELD_NONE) continue;
    MeldElem *e = &m->elems[i];
    if (e->mode == MELD_SEG_ACTIVE) {
      e->table = map_index(maps[MELD_SPACE_TABLE], e->table);
      remap_expr(&e->offset, maps);
    }
    for (uint32_t k = 0; k < e->ninit; k++) {
      if (e->exprs) remap_expr(&e->exprs[k], maps);
      else e->funcs[k] = map_index(fmap, e->funcs[k]);
    }
  }
  for (uint32_t i = 0; i < m->ndatas; i++) {
    if (dmap && dmap[i] == MELD_NONE) continue;
    MeldData *d = &m->datas[i];
    if (d->mode == MELD_SEG_ACTIVE) {
      d->memory = map_index(maps[MELD_SPACE_MEMORY], d->memory);
      remap_expr(&d->offset, maps);
    }
  }
  /* References held outside the module: removal reads MELD_NONE. */
  {
    const uint32_t counts[MELD_NUM_SPACES] = {m->nfuncs,  m->ntables, m->nmemories, m->nglobals,
                                              m->ntypes,  m->nelems,  m->ndatas};
    for (uint32_t i = 0; i < m->ntracked; i++) {
      const MeldTrackedRef *t = &m->tracked[i];
      const uint32_t *map = maps[t->space];
      if (!map || *t->slot == MELD_NONE) continue;
      *t->slot = *t->slot < counts[t->space] ? map[*t->slot] : MELD_NONE;
    }
  }
  MeldNames *nm = &m->names;
  remap_name_map(&nm->funcs, fmap, m->nfuncs);
  remap_indirect_map(&nm->locals, fmap, m->nfuncs);
  remap_indirect_map(&nm->labels, fmap, m->nfuncs);
  remap_name_map(&nm->types, tmap, m->ntypes);
  remap_name_map(&nm->tables, maps[MELD_SPACE_TABLE], m->ntables);
  remap_name_map(&nm->memories, maps[MELD_SPACE_MEMORY], m->nmemories);
  remap_name_map(&nm->globals, maps[MELD_SPACE_GLOBAL], m->nglobals);
  remap_name_map(&nm->elems, emap, m->nelems);
  remap_name_map(&nm->datas, dmap, m->ndatas);
  return true;
}

bool meld_module_track(MeldModule *m, MeldArena *arena, MeldSpace space, uint32_t *slot) {
  MeldTrackedRef *t = MELD_PUSH(arena, m->tracked, m->ntracked, m->captracked);
  if (!t) return false;
  t->space = (uint8_t)space;
  t->slot = slot;
  return true;
}

/* ---- Renumbering many bodies ---- */

/* One job through meld_code_remap_refs into `arena` (via the reused buffers `buf` and `refs`). */
static bool remap_job(MeldContext *ctx, const char *file, const MeldRemapJob *j,
                      const uint32_t *const maps[], MeldArena *arena, MeldBuf *buf,
                      MeldBuf *refs) {
  buf->len = 0;
  refs->len = 0;
  bool changed = false, refs_ok = true;
  if (!meld_code_remap_refs(ctx, file, j->codeoffset, j->code, j->codesize, maps, buf, &changed,
                            refs, &refs_ok))
    return false;
  MeldFunc *dst = j->dst;
  if (!changed) {
    dst->code = j->code;
    dst->codesize = j->codesize;
  } else {
    uint8_t *code =
        buf->len <= UINT32_MAX ? meld_arena_memdup(arena, buf->data, buf->len) : NULL;
    if (!code) goto oom;
    dst->code = code;
    dst->codesize = (uint32_t)buf->len;
    dst->codeoffset = MELD_NO_OFFSET;
  }
  dst->refs = NULL;
  dst->refs_code = NULL;
  if (refs_ok && refs->len / 4 <= UINT32_MAX) {
    uint32_t *list = refs->len ? meld_arena_memdup(arena, refs->data, refs->len)
                               : meld_arena_alloc(arena, 4);
    if (!list) goto oom;
    dst->refs = list;
    dst->nrefs = (uint32_t)(refs->len / 4);
    dst->refs_code = dst->code;
  }
  return true;
oom:
  if (ctx) meld_error(ctx, file, MELD_NO_OFFSET, "out of memory while renumbering");
  return false;
}

typedef struct RemapWork {
  MeldContext *ctx;
  const MeldRemapJob *jobs;
  const uint32_t *const *maps;
  MeldArena *arenas; /* one per worker */
  uint8_t *failed;   /* per job: the worker could not do it (the caller redoes it, reporting) */
  MeldWorkQueue queue;
} RemapWork;

static void remap_worker(void *env, uint32_t w) {
  RemapWork *rw = env;
  MeldBuf buf, refs;
  meld_buf_init(&buf, rw->ctx->alloc);
  meld_buf_init(&refs, rw->ctx->alloc);
  uint32_t b, e;
  while (meld_queue_take(&rw->queue, &b, &e))
    for (uint32_t k = b; k < e; k++)
      rw->failed[k] =
          !remap_job(NULL, NULL, &rw->jobs[k], rw->maps, &rw->arenas[w], &buf, &refs);
  meld_buf_free(&buf);
  meld_buf_free(&refs);
}

bool meld_code_remap_many(MeldContext *ctx, const char *file, const MeldRemapJob *jobs,
                          uint32_t njobs, const uint32_t *const maps[MELD_NUM_SPACES],
                          MeldArena *arena) {
  uint32_t nworkers = ctx->threads;
  uint64_t code = 0;
  for (uint32_t k = 0; k < njobs; k++) code += jobs[k].codesize;
  uint8_t *failed = NULL;
  MeldArena *arenas = NULL;
  if (nworkers > 1 && code >= ctx->parallel_min_code) {
    failed = meld_alloc(ctx->alloc, njobs);
    arenas = meld_alloc(ctx->alloc, (size_t)nworkers * sizeof *arenas);
  }
  bool ok = true;
  if (failed && arenas) {
    for (uint32_t w = 0; w < nworkers; w++) meld_arena_init(&arenas[w], ctx->alloc, 256 * 1024);
    RemapWork rw = {ctx, jobs, maps, arenas, failed, {0}};
    meld_queue_init(&rw.queue, njobs, 32);
    meld_parallel_run(nworkers, remap_worker, &rw);
    for (uint32_t w = 0; w < nworkers; w++) meld_arena_adopt(arena, &arenas[w]);
    /* What a worker could not do is done again here, where errors can be reported. */
    MeldBuf buf, refs;
    meld_buf_init(&buf, ctx->alloc);
    meld_buf_init(&refs, ctx->alloc);
    for (uint32_t k = 0; k < njobs && ok; k++)
      if (failed[k]) ok = remap_job(ctx, file, &jobs[k], maps, arena, &buf, &refs);
    meld_buf_free(&buf);
    meld_buf_free(&refs);
  } else {
    MeldBuf buf, refs;
    meld_buf_init(&buf, ctx->alloc);
    meld_buf_init(&refs, ctx->alloc);
    for (uint32_t k = 0; k < njobs && ok; k++)
      ok = remap_job(ctx, file, &jobs[k], maps, arena, &buf, &refs);
    meld_buf_free(&buf);
    meld_buf_free(&refs);
  }
  meld_free(ctx->alloc, failed, njobs);
  meld_free(ctx->alloc, arenas, (size_t)nworkers * sizeof *arenas);
  return ok;
}

/* ---- Verifier marks across renumbering ---- */

static bool same_functype(const MeldModule *a, uint32_t ta, const MeldModule *b, uint32_t tb) {
  if (ta >= a->ntypes || tb >= b->ntypes) return false;
  const MeldFuncType *x = &a->types[ta], *y = &b->types[tb];
  return x->nparams == y->nparams && x->nresults == y->nresults &&
         (x->nparams == 0 || memcmp(x->params, y->params, x->nparams * sizeof *x->params) == 0) &&
         (x->nresults == 0 ||
          memcmp(x->results, y->results, x->nresults * sizeof *x->results) == 0);
}

/* Entity i of `from` goes to map[i] (identity without a map); true when it exists in `to` (or
 * maps nowhere) and `same` holds for it. */
#define EACH_IMAGE(space, count_from, count_to, same)                                              \
  for (uint32_t i = 0; i < (count_from); i++) {                                                    \
    uint32_t j = maps[space] ? maps[space][i] : i;                                                 \
    if (j == MELD_NONE) continue;                                                                  \
    if (j >= (count_to) || !(same)) return false;                                                  \
  }

bool meld_remap_keeps_types(const MeldModule *from, const MeldModule *to,
                            const uint32_t *const maps[MELD_NUM_SPACES]) {
  EACH_IMAGE(MELD_SPACE_TYPE, from->ntypes, to->ntypes, same_functype(from, i, to, j))
  EACH_IMAGE(MELD_SPACE_FUNC, from->nfuncs, to->nfuncs,
             same_functype(from, from->funcs[i].type, to, to->funcs[j].type))
  EACH_IMAGE(MELD_SPACE_TABLE, from->ntables, to->ntables,
             from->tables[i].elem == to->tables[j].elem)
  EACH_IMAGE(MELD_SPACE_MEMORY, from->nmemories, to->nmemories, true)
  EACH_IMAGE(MELD_SPACE_GLOBAL, from->nglobals, to->nglobals,
             from->globals[i].type == to->globals[j].type &&
                 from->globals[i].mut == to->globals[j].mut)
  return true;
}

void meld_module_forget_checks(MeldModule *m) {
  for (uint32_t i = 0; i < m->nfuncs; i++) m->funcs[i].checked = NULL;
}
