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

uint32_t meld_instr_refs(MeldInstr *in, MeldIndexRef refs[2]) {
  switch ((MeldImmKind)meld_op_info[in->op].imm) {
  case MELD_IMM_BLOCK:
    if (in->btkind != MELD_BT_TYPEIDX) return 0;
    refs[0] = (MeldIndexRef){MELD_SPACE_TYPE, &in->x};
    return 1;
  case MELD_IMM_FUNC: refs[0] = (MeldIndexRef){MELD_SPACE_FUNC, &in->x}; return 1;
  case MELD_IMM_CALL_INDIRECT:
    refs[0] = (MeldIndexRef){MELD_SPACE_TYPE, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_TABLE, &in->y};
    return 2;
  case MELD_IMM_GLOBAL: refs[0] = (MeldIndexRef){MELD_SPACE_GLOBAL, &in->x}; return 1;
  case MELD_IMM_TABLE: refs[0] = (MeldIndexRef){MELD_SPACE_TABLE, &in->x}; return 1;
  case MELD_IMM_TABLE_TABLE:
    refs[0] = (MeldIndexRef){MELD_SPACE_TABLE, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_TABLE, &in->y};
    return 2;
  case MELD_IMM_ELEM_TABLE:
    refs[0] = (MeldIndexRef){MELD_SPACE_ELEM, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_TABLE, &in->y};
    return 2;
  case MELD_IMM_ELEM: refs[0] = (MeldIndexRef){MELD_SPACE_ELEM, &in->x}; return 1;
  case MELD_IMM_MEMARG:
  case MELD_IMM_MEMARG_LANE:
  case MELD_IMM_MEMORY: refs[0] = (MeldIndexRef){MELD_SPACE_MEMORY, &in->x}; return 1;
  case MELD_IMM_MEMORY_MEMORY:
    refs[0] = (MeldIndexRef){MELD_SPACE_MEMORY, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_MEMORY, &in->y};
    return 2;
  case MELD_IMM_DATA_MEMORY:
    refs[0] = (MeldIndexRef){MELD_SPACE_DATA, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_MEMORY, &in->y};
    return 2;
  case MELD_IMM_DATA: refs[0] = (MeldIndexRef){MELD_SPACE_DATA, &in->x}; return 1;
  default: return 0;
  }
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

bool meld_module_remap(MeldContext *ctx, MeldModule *m, MeldArena *arena,
                       const uint32_t *const maps[MELD_NUM_SPACES]) {
  const uint32_t *fmap = maps[MELD_SPACE_FUNC], *tmap = maps[MELD_SPACE_TYPE];
  /* Raw bodies stay raw: rewritten in one pass by meld_code_remap, which copies unchanged
   * instructions byte for byte, so an unchanged body comes out identical and is kept as it
   * was (decoding them into arrays would cost the memory of the whole program's code). */
  MeldBuf raw;
  meld_buf_init(&raw, ctx->alloc);
  bool ok = true;
  for (uint32_t i = 0; i < m->nfuncs && ok; i++) {
    MeldFunc *f = &m->funcs[i];
    if (tmap && (!fmap || fmap[i] != MELD_NONE)) f->type = map_index(tmap, f->type);
    if (f->import != MELD_NONE || (fmap && fmap[i] == MELD_NONE)) continue;
    if (f->decoded) {
      remap_instrs(f->instrs, f->ninstrs, maps);
      continue;
    }
    raw.len = 0;
    ok = meld_code_remap(ctx, m->file, f->codeoffset, f->code, f->codesize, maps, &raw);
    if (!ok || (raw.len == f->codesize && memcmp(raw.data, f->code, raw.len) == 0)) continue;
    uint8_t *code = raw.len <= UINT32_MAX ? meld_arena_alloc(arena, raw.len) : NULL;
    if (!code) {
      meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while renumbering");
      ok = false;
      break;
    }
    memcpy(code, raw.data, raw.len);
    f->code = code;
    f->codesize = (uint32_t)raw.len;
    f->codeoffset = MELD_NO_OFFSET;
  }
  meld_buf_free(&raw);
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

bool meld_code_remap(MeldContext *ctx, const char *file, uint64_t offset, const uint8_t *code,
                     uint32_t size, const uint32_t *const maps[MELD_NUM_SPACES], MeldBuf *out) {
  const uint8_t *p = code, *end = code + size;
  MeldArena labels;
  meld_arena_init(&labels, ctx->alloc, 4096);
  bool ok = true;
  while (p < end) {
    const uint8_t *at = p;
    MeldArenaMark mark = meld_arena_mark(&labels);
    MeldInstr in;
    const char *err = NULL;
    if (!meld_decode_instr(&p, end, &labels, &in, &err)) {
      meld_error(ctx, file, offset + (uint64_t)(p - code), "%s", err);
      ok = false;
      break;
    }
    MeldIndexRef refs[2];
    uint32_t k = meld_instr_refs(&in, refs);
    bool change = false;
    for (uint32_t r = 0; r < k; r++) {
      const uint32_t *map = maps[refs[r].space];
      if (map && map[*refs[r].slot] != *refs[r].slot) {
        *refs[r].slot = map_index(map, *refs[r].slot);
        change = true;
      }
    }
    if (change) meld_encode_instr(out, &in);
    else meld_buf_bytes(out, at, (size_t)(p - at));
    meld_arena_release(&labels, mark);
  }
  meld_arena_free(&labels);
  return ok && !out->oom;
}
