/*
 * The core module reader: WebAssembly 2.0 binary format plus multi-memory, SIMD and threads.
 *
 * Every read says what it reads, so a failure becomes "unexpected end of <what>" at the exact
 * offset; every count is checked against the bytes left (times the smallest encoding of one
 * element) before anything is allocated for it.  Function bodies are checked for well-formedness
 * here (decoded into a scratch arena and thrown away) but kept raw in the IR (see Core.h).
 *
 * The "name" section is decoded into MeldModule.names.  A malformed name section is not an
 * error (the spec says custom sections never make a module invalid): it is kept as an opaque
 * custom section with a warning.
 */
#include "Parse/ByteReader.h"
#include "meldc/Binary.h"

#include <string.h>

typedef struct Reader {
  MeldByteReader in; /* the module's bytes; `end` is the end of the current section or body */
  MeldArena *arena;
  MeldArena scratch;
  MeldModule *m;
  uint32_t nfuncdecls; /* entries of the function section */
  bool have_code;
  bool uses_data_indices; /* memory.init / data.drop seen in code */
} Reader;

#define CHECK(x)                                                                                   \
  do {                                                                                             \
    if (!(x)) goto fail;                                                                           \
  } while (0)

static bool read_valtype(Reader *r, MeldValType *out, const char *what) {
  uint8_t b;
  if (!meld_br_byte(&r->in, &b, what)) return false;
  if (!meld_valtype_valid(b))
    return meld_br_error_at(&r->in, r->in.p - 1, "malformed value type 0x%02x in %s", b, what);
  *out = b;
  return true;
}

static bool read_reftype(Reader *r, MeldValType *out, const char *what) {
  uint8_t b;
  if (!meld_br_byte(&r->in, &b, what)) return false;
  if (!meld_reftype_valid(b))
    return meld_br_error_at(&r->in, r->in.p - 1, "malformed reference type 0x%02x in %s", b, what);
  *out = b;
  return true;
}

static bool read_limits(Reader *r, MeldLimits *l, bool memory, const char *what) {
  uint8_t flags;
  const uint8_t *at = r->in.p;
  if (!meld_br_byte(&r->in, &flags, what)) return false;
  memset(l, 0, sizeof *l);
  if (memory) {
    if (flags & 0x04)
      return meld_br_error_at(&r->in, at, "64-bit memories (memory64) are not supported");
    if (flags > 0x03)
      return meld_br_error_at(&r->in, at, "malformed limits flags 0x%02x in %s", flags, what);
    l->shared = (flags & 0x02) != 0;
  } else {
    if (flags & 0x04) return meld_br_error_at(&r->in, at, "64-bit tables are not supported");
    if (flags > 0x01)
      return meld_br_error_at(&r->in, at, "malformed limits flags 0x%02x in %s", flags, what);
  }
  l->has_max = (flags & 0x01) != 0;
  if (!meld_br_u32(&r->in, &l->min, what)) return false;
  if (l->has_max && !meld_br_u32(&r->in, &l->max, what)) return false;
  return true;
}

/* A constant expression: instructions up to and including the `end` at depth 0. */
static bool read_const_expr(Reader *r, MeldExpr *out, const char *what) {
  MeldInstr *in = NULL;
  uint32_t n = 0, cap = 0, depth = 0;
  out->at = meld_br_offset(&r->in, r->in.p);
  for (;;) {
    if (r->in.p >= r->in.end) return meld_br_eof(&r->in, what);
    MeldInstr *slot = MELD_PUSH(r->arena, in, n, cap);
    if (!slot) return meld_br_oom(&r->in);
    const char *err = NULL;
    if (!meld_decode_instr(&r->in.p, r->in.end, r->arena, slot, &err))
      return meld_br_error_at(&r->in, r->in.p, "%s in %s", err, what);
    if (slot->op == MELD_OP_Block || slot->op == MELD_OP_Loop || slot->op == MELD_OP_If)
      depth++;
    else if (slot->op == MELD_OP_End) {
      if (depth == 0) break;
      depth--;
    }
  }
  out->instrs = in;
  out->ninstrs = n;
  return true;
}

/* ---- Sections ---- */

static bool read_type_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  CHECK(meld_br_count(&r->in, &n, 3, "type count"));
  m->types = meld_arena_calloc(r->arena, n, sizeof *m->types);
  if (n && !m->types) return meld_br_oom(&r->in);
  m->captypes = n;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t form;
    const uint8_t *at = r->in.p;
    CHECK(meld_br_byte(&r->in, &form, "type form"));
    if (form == 0x4E || form == 0x4F || form == 0x50 || form == 0x5E || form == 0x5F)
      return meld_br_error_at(&r->in, at,
                              "garbage-collection types (form 0x%02x) are not supported", form);
    if (form != 0x60)
      return meld_br_error_at(&r->in, at, "malformed function type form 0x%02x", form);
    MeldFuncType *t = &m->types[i];
    t->at = meld_br_offset(&r->in, at);
    CHECK(meld_br_count(&r->in, &t->nparams, 1, "parameter count"));
    t->params = meld_arena_alloc(r->arena, t->nparams);
    if (t->nparams && !t->params) return meld_br_oom(&r->in);
    for (uint32_t k = 0; k < t->nparams; k++)
      CHECK(read_valtype(r, &t->params[k], "parameter"));
    CHECK(meld_br_count(&r->in, &t->nresults, 1, "result count"));
    t->results = meld_arena_alloc(r->arena, t->nresults);
    if (t->nresults && !t->results) return meld_br_oom(&r->in);
    for (uint32_t k = 0; k < t->nresults; k++)
      CHECK(read_valtype(r, &t->results[k], "result"));
    m->ntypes++;
  }
  return true;
fail:
  return false;
}

static bool read_import_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  CHECK(meld_br_count(&r->in, &n, 4, "import count"));
  m->imports = meld_arena_calloc(r->arena, n, sizeof *m->imports);
  if (n && !m->imports) return meld_br_oom(&r->in);
  m->capimports = n;
  for (uint32_t i = 0; i < n; i++) {
    MeldImport *im = &m->imports[i];
    im->at = meld_br_offset(&r->in, r->in.p);
    CHECK(meld_br_name(&r->in, &im->module, "import module name"));
    CHECK(meld_br_name(&r->in, &im->name, "import field name"));
    const uint8_t *at = r->in.p;
    CHECK(meld_br_byte(&r->in, &im->kind, "import kind"));
    switch (im->kind) {
    case MELD_EXTERN_FUNC: {
      MeldFunc *f = MELD_PUSH(r->arena, m->funcs, m->nfuncs, m->capfuncs);
      if (!f) return meld_br_oom(&r->in);
      memset(f, 0, sizeof *f);
      f->at = im->at;
      CHECK(meld_br_u32(&r->in, &f->type, "import type index"));
      f->import = i;
      f->origin = MELD_NONE;
      f->codeoffset = MELD_NO_OFFSET;
      im->index = m->nimportfuncs++;
      break;
    }
    case MELD_EXTERN_TABLE: {
      MeldTable *t = MELD_PUSH(r->arena, m->tables, m->ntables, m->captables);
      if (!t) return meld_br_oom(&r->in);
      memset(t, 0, sizeof *t);
      t->at = im->at;
      CHECK(read_reftype(r, &t->elem, "imported table"));
      CHECK(read_limits(r, &t->limits, false, "imported table limits"));
      t->import = i;
      t->origin = MELD_NONE;
      im->index = m->nimporttables++;
      break;
    }
    case MELD_EXTERN_MEMORY: {
      MeldMemory *mem = MELD_PUSH(r->arena, m->memories, m->nmemories, m->capmemories);
      if (!mem) return meld_br_oom(&r->in);
      memset(mem, 0, sizeof *mem);
      mem->at = im->at;
      CHECK(read_limits(r, &mem->limits, true, "imported memory limits"));
      mem->import = i;
      mem->origin = MELD_NONE;
      im->index = m->nimportmemories++;
      break;
    }
    case MELD_EXTERN_GLOBAL: {
      MeldGlobal *g = MELD_PUSH(r->arena, m->globals, m->nglobals, m->capglobals);
      if (!g) return meld_br_oom(&r->in);
      memset(g, 0, sizeof *g);
      g->at = im->at;
      g->init.at = MELD_NO_OFFSET;
      CHECK(read_valtype(r, &g->type, "imported global type"));
      uint8_t mut;
      const uint8_t *mat = r->in.p;
      CHECK(meld_br_byte(&r->in, &mut, "global mutability"));
      if (mut > 1) return meld_br_error_at(&r->in, mat, "malformed mutability 0x%02x", mut);
      g->mut = mut;
      g->import = i;
      g->origin = MELD_NONE;
      im->index = m->nimportglobals++;
      break;
    }
    case 0x04:
      return meld_br_error_at(&r->in, at, "tag imports (exception handling) are not supported");
    default: return meld_br_error_at(&r->in, at, "malformed import kind 0x%02x", im->kind);
    }
    m->nimports++;
  }
  return true;
fail:
  return false;
}

static bool read_function_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  CHECK(meld_br_count(&r->in, &n, 1, "function count"));
  if (!meld_grow(r->arena, &m->funcs, &m->capfuncs, m->nfuncs + n, sizeof *m->funcs))
    return meld_br_oom(&r->in);
  for (uint32_t i = 0; i < n; i++) {
    MeldFunc *f = &m->funcs[m->nfuncs];
    memset(f, 0, sizeof *f);
    f->at = meld_br_offset(&r->in, r->in.p);
    CHECK(meld_br_u32(&r->in, &f->type, "function type index"));
    f->import = MELD_NONE;
    f->origin = MELD_NONE;
    f->codeoffset = MELD_NO_OFFSET;
    m->nfuncs++;
  }
  r->nfuncdecls = n;
  return true;
fail:
  return false;
}

static bool read_table_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  CHECK(meld_br_count(&r->in, &n, 3, "table count"));
  if (!meld_grow(r->arena, &m->tables, &m->captables, m->ntables + n, sizeof *m->tables))
    return meld_br_oom(&r->in);
  for (uint32_t i = 0; i < n; i++) {
    MeldTable *t = &m->tables[m->ntables];
    memset(t, 0, sizeof *t);
    t->at = meld_br_offset(&r->in, r->in.p);
    if (r->in.p < r->in.end && *r->in.p == 0x40)
      return meld_br_error_at(&r->in, r->in.p,
                              "tables with initializer expressions are not supported");
    CHECK(read_reftype(r, &t->elem, "table element type"));
    CHECK(read_limits(r, &t->limits, false, "table limits"));
    t->import = MELD_NONE;
    t->origin = MELD_NONE;
    m->ntables++;
  }
  return true;
fail:
  return false;
}

static bool read_memory_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  CHECK(meld_br_count(&r->in, &n, 2, "memory count"));
  if (!meld_grow(r->arena, &m->memories, &m->capmemories, m->nmemories + n, sizeof *m->memories))
    return meld_br_oom(&r->in);
  for (uint32_t i = 0; i < n; i++) {
    MeldMemory *mem = &m->memories[m->nmemories];
    memset(mem, 0, sizeof *mem);
    mem->at = meld_br_offset(&r->in, r->in.p);
    CHECK(read_limits(r, &mem->limits, true, "memory limits"));
    mem->import = MELD_NONE;
    mem->origin = MELD_NONE;
    m->nmemories++;
  }
  return true;
fail:
  return false;
}

static bool read_global_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  CHECK(meld_br_count(&r->in, &n, 3, "global count"));
  if (!meld_grow(r->arena, &m->globals, &m->capglobals, m->nglobals + n, sizeof *m->globals))
    return meld_br_oom(&r->in);
  for (uint32_t i = 0; i < n; i++) {
    MeldGlobal *g = &m->globals[m->nglobals];
    memset(g, 0, sizeof *g);
    g->at = meld_br_offset(&r->in, r->in.p);
    CHECK(read_valtype(r, &g->type, "global type"));
    uint8_t mut;
    const uint8_t *at = r->in.p;
    CHECK(meld_br_byte(&r->in, &mut, "global mutability"));
    if (mut > 1) return meld_br_error_at(&r->in, at, "malformed mutability 0x%02x", mut);
    g->mut = mut;
    CHECK(read_const_expr(r, &g->init, "global initializer"));
    g->import = MELD_NONE;
    g->origin = MELD_NONE;
    m->nglobals++;
  }
  return true;
fail:
  return false;
}

static bool read_export_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  CHECK(meld_br_count(&r->in, &n, 3, "export count"));
  m->exports = meld_arena_calloc(r->arena, n, sizeof *m->exports);
  if (n && !m->exports) return meld_br_oom(&r->in);
  m->capexports = n;
  for (uint32_t i = 0; i < n; i++) {
    MeldExport *e = &m->exports[i];
    e->at = meld_br_offset(&r->in, r->in.p);
    CHECK(meld_br_name(&r->in, &e->name, "export name"));
    const uint8_t *at = r->in.p;
    CHECK(meld_br_byte(&r->in, &e->kind, "export kind"));
    if (e->kind == 0x04)
      return meld_br_error_at(&r->in, at, "tag exports (exception handling) are not supported");
    if (e->kind > MELD_EXTERN_GLOBAL)
      return meld_br_error_at(&r->in, at, "malformed export kind 0x%02x", e->kind);
    CHECK(meld_br_u32(&r->in, &e->index, "export index"));
    m->nexports++;
  }
  return true;
fail:
  return false;
}

static bool read_elem_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  CHECK(meld_br_count(&r->in, &n, 2, "element segment count"));
  m->elems = meld_arena_calloc(r->arena, n, sizeof *m->elems);
  if (n && !m->elems) return meld_br_oom(&r->in);
  m->capelems = n;
  for (uint32_t i = 0; i < n; i++) {
    MeldElem *e = &m->elems[i];
    uint32_t flags;
    const uint8_t *at = r->in.p;
    e->at = meld_br_offset(&r->in, at);
    CHECK(meld_br_u32(&r->in, &flags, "element segment flags"));
    if (flags > 7) return meld_br_error_at(&r->in, at, "malformed element segment flags %u", flags);
    e->encoding = (uint8_t)flags;
    e->type = MELD_FUNCREF;
    bool passive_or_decl = flags & 1;
    bool explicit_table = (flags & 3) == 2;
    bool exprs = flags & 4;
    if (passive_or_decl)
      e->mode = (flags & 2) ? MELD_SEG_DECLARATIVE : MELD_SEG_PASSIVE;
    else
      e->mode = MELD_SEG_ACTIVE;
    if (explicit_table) CHECK(meld_br_u32(&r->in, &e->table, "element segment table index"));
    if (e->mode == MELD_SEG_ACTIVE) CHECK(read_const_expr(r, &e->offset, "element segment offset"));
    if (passive_or_decl || explicit_table) {
      if (exprs)
        CHECK(read_reftype(r, &e->type, "element segment type"));
      else {
        uint8_t kind;
        const uint8_t *kat = r->in.p;
        CHECK(meld_br_byte(&r->in, &kind, "element kind"));
        if (kind != 0x00)
          return meld_br_error_at(&r->in, kat, "malformed element kind 0x%02x", kind);
      }
    }
    if (exprs) {
      CHECK(meld_br_count(&r->in, &e->ninit, 2, "element expression count"));
      e->exprs = meld_arena_calloc(r->arena, e->ninit, sizeof *e->exprs);
      if (e->ninit && !e->exprs) return meld_br_oom(&r->in);
      for (uint32_t k = 0; k < e->ninit; k++)
        CHECK(read_const_expr(r, &e->exprs[k], "element expression"));
    } else {
      CHECK(meld_br_count(&r->in, &e->ninit, 1, "element function count"));
      e->funcs = meld_arena_alloc(r->arena, (size_t)e->ninit * sizeof *e->funcs);
      if (e->ninit && !e->funcs) return meld_br_oom(&r->in);
      for (uint32_t k = 0; k < e->ninit; k++)
        CHECK(meld_br_u32(&r->in, &e->funcs[k], "element function index"));
    }
    m->nelems++;
  }
  return true;
fail:
  return false;
}

static bool read_code_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  const uint8_t *at = r->in.p;
  CHECK(meld_br_count(&r->in, &n, 2, "function body count"));
  if (n != r->nfuncdecls)
    return meld_br_error_at(&r->in, at,
                            "function and code section have inconsistent lengths (%u and %u)",
                            r->nfuncdecls, n);
  for (uint32_t i = 0; i < n; i++) {
    MeldFunc *f = &m->funcs[m->nimportfuncs + i];
    uint32_t size;
    CHECK(meld_br_u32(&r->in, &size, "function body size"));
    if (size > (uint64_t)(r->in.end - r->in.p))
      return meld_br_error_at(&r->in, r->in.p,
                              "function body %u: size %u is larger than the %llu bytes left",
                              m->nimportfuncs + i, size, (unsigned long long)(r->in.end - r->in.p));
    const uint8_t *body_end = r->in.p + size;
    const uint8_t *section_end = r->in.end;
    r->in.end = body_end;
    uint32_t ngroups;
    CHECK(meld_br_count(&r->in, &ngroups, 2, "local declaration count"));
    f->localgroups = meld_arena_alloc(r->arena, (size_t)ngroups * sizeof *f->localgroups);
    if (ngroups && !f->localgroups) return meld_br_oom(&r->in);
    uint64_t total = 0;
    for (uint32_t g = 0; g < ngroups; g++) {
      const uint8_t *gat = r->in.p;
      CHECK(meld_br_u32(&r->in, &f->localgroups[g].count, "local count"));
      total += f->localgroups[g].count;
      if (total > UINT32_MAX) return meld_br_error_at(&r->in, gat, "too many locals");
      if (total > MELD_MAX_LOCALS)
        return meld_br_error_at(
            &r->in, gat,
            "too many locals: function %u declares more than %u (an implementation "
            "limit meldc shares with wasmparser and web engines)",
            m->nimportfuncs + i, MELD_MAX_LOCALS);
      CHECK(read_valtype(r, &f->localgroups[g].type, "local type"));
    }
    f->nlocalgroups = ngroups;
    f->nlocals = (uint32_t)total;
    f->code = r->in.p;
    f->codesize = (uint32_t)(body_end - r->in.p);
    f->codeoffset = meld_br_offset(&r->in, r->in.p);
    /* Check the body's encoding now, keeping nothing but what it uses (unless the caller will
     * verify at once, which decodes it anyway: MeldContext.defer_body_checks). */
    if (!r->in.ctx->defer_body_checks) {
      MeldArenaMark mark = meld_arena_mark(&r->scratch);
      uint32_t flags = 0;
      bool ok = meld_check_expr(r->in.ctx, r->in.file, f->codeoffset, f->code, f->codesize,
                                &r->scratch, &flags);
      meld_arena_release(&r->scratch, mark);
      if (!ok) return false;
      if (flags & MELD_EXPR_USES_DATA) r->uses_data_indices = true;
    }
    r->in.p = body_end;
    r->in.end = section_end;
  }
  r->have_code = true;
  return true;
fail:
  return false;
}

static bool read_data_section(Reader *r) {
  MeldModule *m = r->m;
  uint32_t n;
  const uint8_t *at = r->in.p;
  CHECK(meld_br_count(&r->in, &n, 2, "data segment count"));
  if (m->has_datacount && n != m->ndatas)
    return meld_br_error_at(&r->in, at,
                            "data count and data section have inconsistent lengths (%u and %u)",
                            m->ndatas, n);
  m->datas = meld_arena_calloc(r->arena, n, sizeof *m->datas);
  if (n && !m->datas) return meld_br_oom(&r->in);
  m->capdatas = n;
  m->ndatas = 0;
  for (uint32_t i = 0; i < n; i++) {
    MeldData *d = &m->datas[i];
    uint32_t flags;
    const uint8_t *fat = r->in.p;
    d->at = meld_br_offset(&r->in, fat);
    CHECK(meld_br_u32(&r->in, &flags, "data segment flags"));
    if (flags > 2) return meld_br_error_at(&r->in, fat, "malformed data segment flags %u", flags);
    d->encoding = (uint8_t)flags;
    d->mode = flags == 1 ? MELD_SEG_PASSIVE : MELD_SEG_ACTIVE;
    if (flags == 2) CHECK(meld_br_u32(&r->in, &d->memory, "data segment memory index"));
    if (d->mode == MELD_SEG_ACTIVE) CHECK(read_const_expr(r, &d->offset, "data segment offset"));
    CHECK(meld_br_u32(&r->in, &d->size, "data segment size"));
    if (d->size > (uint64_t)(r->in.end - r->in.p))
      return meld_br_error_at(&r->in, r->in.p,
                              "unexpected end of data segment (size %u, %llu bytes left)", d->size,
                              (unsigned long long)(r->in.end - r->in.p));
    d->bytes = r->in.p;
    r->in.p += d->size;
    m->ndatas++;
  }
  return true;
fail:
  return false;
}

/* ---- The name section ---- */

static bool read_name_map(Reader *r, MeldNameMap *map, const char *what) {
  uint32_t n;
  if (!meld_br_count(&r->in, &n, 2, what)) return false;
  map->items = meld_arena_alloc(r->arena, (size_t)n * sizeof *map->items);
  if (n && !map->items) return meld_br_oom(&r->in);
  map->cap = n;
  map->nitems = 0;
  for (uint32_t i = 0; i < n; i++) {
    MeldNameAssoc *a = &map->items[i];
    if (!meld_br_u32(&r->in, &a->index, what) || !meld_br_name(&r->in, &a->name, what))
      return false;
    map->nitems++;
  }
  return true;
}

static bool read_indirect_map(Reader *r, MeldIndirectNameMap *map, const char *what) {
  uint32_t n;
  if (!meld_br_count(&r->in, &n, 2, what)) return false;
  map->items = meld_arena_calloc(r->arena, n, sizeof *map->items);
  if (n && !map->items) return meld_br_oom(&r->in);
  map->cap = n;
  map->nitems = 0;
  for (uint32_t i = 0; i < n; i++) {
    MeldIndirectNameAssoc *a = &map->items[i];
    if (!meld_br_u32(&r->in, &a->index, what) || !read_name_map(r, &a->map, what)) return false;
    map->nitems++;
  }
  return true;
}

static bool read_names(Reader *r, MeldNames *names) {
  int last_id = -1;
  while (r->in.p < r->in.end) {
    uint8_t id;
    uint32_t size;
    const uint8_t *at = r->in.p;
    if (!meld_br_byte(&r->in, &id, "name subsection id") ||
        !meld_br_u32(&r->in, &size, "name subsection size"))
      return false;
    if (size > (uint64_t)(r->in.end - r->in.p))
      return meld_br_error_at(&r->in, r->in.p,
                              "name subsection size %u is larger than the %llu bytes left", size,
                              (unsigned long long)(r->in.end - r->in.p));
    if ((int)id <= last_id)
      return meld_br_error_at(&r->in, at, "name subsection %u out of order or duplicated", id);
    last_id = id;
    const uint8_t *sub_end = r->in.p + size, *outer_end = r->in.end;
    r->in.end = sub_end;
    bool ok = true;
    switch (id) {
    case MELD_NAMES_MODULE:
      ok = meld_br_name(&r->in, &names->module, "module name");
      names->has_module = ok;
      break;
    case MELD_NAMES_FUNC: ok = read_name_map(r, &names->funcs, "function names"); break;
    case MELD_NAMES_LOCAL: ok = read_indirect_map(r, &names->locals, "local names"); break;
    case MELD_NAMES_LABEL: ok = read_indirect_map(r, &names->labels, "label names"); break;
    case MELD_NAMES_TYPE: ok = read_name_map(r, &names->types, "type names"); break;
    case MELD_NAMES_TABLE: ok = read_name_map(r, &names->tables, "table names"); break;
    case MELD_NAMES_MEMORY: ok = read_name_map(r, &names->memories, "memory names"); break;
    case MELD_NAMES_GLOBAL: ok = read_name_map(r, &names->globals, "global names"); break;
    case MELD_NAMES_ELEM: ok = read_name_map(r, &names->elems, "element segment names"); break;
    case MELD_NAMES_DATA: ok = read_name_map(r, &names->datas, "data segment names"); break;
    default: {
      MeldRawSubsection *raw = MELD_PUSH(r->arena, names->raw, names->nraw, names->capraw);
      if (!raw) return meld_br_oom(&r->in);
      raw->id = id;
      raw->data = r->in.p;
      raw->size = size;
      r->in.p = sub_end;
      break;
    }
    }
    if (!ok) return false;
    if (r->in.p != sub_end)
      return meld_br_error_at(&r->in, r->in.p, "name subsection %u size mismatch", id);
    r->in.end = outer_end;
  }
  return true;
}

/* Decodes the name section into a temporary diagnostics engine so that a malformed one becomes
 * a warning, not an error. */
static void decode_name_section(Reader *r, MeldCustom *c) {
  MeldContext quiet = *r->in.ctx;
  meld_diag_init(&quiet.diag, r->in.ctx->alloc);
  Reader nr = *r;
  nr.in.ctx = &quiet;
  nr.in.p = c->data;
  nr.in.end = c->data + c->size;
  MeldNames names;
  memset(&names, 0, sizeof names);
  MeldArenaMark mark = meld_arena_mark(r->arena);
  if (read_names(&nr, &names)) {
    r->m->names = names;
    c->is_names = true;
  } else {
    meld_arena_release(r->arena, mark);
    const char *why = quiet.diag.nitems ? quiet.diag.items[0].msg : "malformed";
    meld_warning(r->in.ctx, r->in.file, quiet.diag.nitems ? quiet.diag.items[0].offset : c->offset,
                 "ignoring malformed name section (kept as an opaque custom section): %s", why);
  }
  meld_diag_free(&quiet.diag);
}

/* ---- The module ---- */

static int section_rank(uint8_t id) {
  switch (id) {
  case 1: return MELD_RANK_TYPE;
  case 2: return MELD_RANK_IMPORT;
  case 3: return MELD_RANK_FUNCTION;
  case 4: return MELD_RANK_TABLE;
  case 5: return MELD_RANK_MEMORY;
  case 6: return MELD_RANK_GLOBAL;
  case 7: return MELD_RANK_EXPORT;
  case 8: return MELD_RANK_START;
  case 9: return MELD_RANK_ELEM;
  case 12: return MELD_RANK_DATACOUNT;
  case 10: return MELD_RANK_CODE;
  case 11: return MELD_RANK_DATA;
  default: return -1;
  }
}

static const char *section_name(uint8_t id) {
  static const char *names[] = {"custom", "type",   "import",    "function", "table",
                                "memory", "global", "export",    "start",    "element",
                                "code",   "data",   "data count"};
  return id < sizeof names / sizeof *names ? names[id] : "unknown";
}

MeldBinaryKind meld_binary_kind(const uint8_t *data, size_t len) {
  if (len < 8 || memcmp(data, "\0asm", 4) != 0) return MELD_BINARY_UNKNOWN;
  if (data[4] == 1 && data[5] == 0 && data[6] == 0 && data[7] == 0) return MELD_BINARY_CORE;
  if (data[6] == 1 && data[7] == 0) return MELD_BINARY_COMPONENT;
  return MELD_BINARY_UNKNOWN;
}

bool meld_core_read(MeldContext *ctx, MeldArena *arena, const char *file, uint64_t base_offset,
                    const uint8_t *data, size_t len, MeldModule **out) {
  Reader r;
  memset(&r, 0, sizeof r);
  MeldByteReader *in = &r.in;
  in->ctx = ctx;
  in->file = file;
  in->base = base_offset;
  in->start = in->p = data;
  in->end = data + len;
  in->wording = MELD_WORDING_CORE;
  r.arena = arena;
  meld_arena_init(&r.scratch, ctx->alloc, 64 * 1024);
  MeldModule *m = r.m = meld_module_new(arena);
  if (!m) {
    meld_br_oom(in);
    goto fail;
  }
  m->file = file;
  m->base_offset = base_offset;

  if (len < 4 || memcmp(data, "\0asm", 4) != 0) {
    meld_br_error_at(in, data, "magic header not detected");
    goto fail;
  }
  if (len < 8) {
    meld_br_error_at(in, data + 4, "unexpected end of the version field");
    goto fail;
  }
  if (data[4] != 1 || data[5] != 0 || data[6] != 0 || data[7] != 0) {
    if (data[6] == 1 && data[7] == 0)
      meld_br_error_at(in, data + 4, "this is a component (layer 1), not a core module");
    else
      meld_br_error_at(in, data + 4, "unknown binary version 0x%02x%02x%02x%02x", data[7], data[6],
                       data[5], data[4]);
    goto fail;
  }
  in->p = data + 8;

  int last_rank = 0;
  while (in->p < in->end) {
    const uint8_t *sec_at = in->p;
    uint8_t id = *in->p++;
    uint32_t size;
    if (!meld_br_u32(in, &size, "section size")) goto fail;
    if (size > (uint64_t)(in->end - in->p)) {
      meld_br_error_at(in, in->p, "%s section size %u is larger than the %llu bytes left",
                       section_name(id), size, (unsigned long long)(in->end - in->p));
      goto fail;
    }
    const uint8_t *payload = in->p, *sec_end = in->p + size, *module_end = in->end;
    in->end = sec_end;
    if (id == 0) {
      MeldCustom *c = MELD_PUSH(arena, m->customs, m->ncustoms, m->capcustoms);
      if (!c) {
        meld_br_oom(in);
        goto fail;
      }
      memset(c, 0, sizeof *c);
      if (!meld_br_name(in, &c->name, "custom section name")) goto fail;
      c->data = in->p;
      c->size = (uint32_t)(sec_end - in->p);
      c->place = (uint8_t)last_rank;
      c->offset = meld_br_offset(in, in->p);
      in->p = sec_end;
      if (meld_str_eq_cstr(c->name, "name")) {
        bool seen = false;
        for (uint32_t k = 0; k + 1 < m->ncustoms; k++)
          seen |= m->customs[k].is_names;
        if (!seen) decode_name_section(&r, c);
      }
    } else {
      int rank = section_rank(id);
      if (rank < 0) {
        if (id == 13)
          meld_br_error_at(in, sec_at, "tag section (exception handling) is not supported");
        else
          meld_br_error_at(in, sec_at, "malformed section id %u", id);
        goto fail;
      }
      if (rank <= last_rank) {
        meld_br_error_at(in, sec_at, "unexpected %s section (out of order or duplicated)",
                         section_name(id));
        goto fail;
      }
      last_rank = rank;
      m->present_sections |= 1u << rank;
      bool ok = true;
      switch (id) {
      case 1: ok = read_type_section(&r); break;
      case 2: ok = read_import_section(&r); break;
      case 3: ok = read_function_section(&r); break;
      case 4: ok = read_table_section(&r); break;
      case 5: ok = read_memory_section(&r); break;
      case 6: ok = read_global_section(&r); break;
      case 7: ok = read_export_section(&r); break;
      case 8:
        m->start_at = meld_br_offset(in, in->p);
        ok = meld_br_u32(in, &m->start, "start function index");
        break;
      case 9: ok = read_elem_section(&r); break;
      case 12:
        ok = meld_br_u32(in, &m->ndatas, "data count");
        m->has_datacount = true;
        break;
      case 10: ok = read_code_section(&r); break;
      case 11: ok = read_data_section(&r); break;
      }
      if (!ok) goto fail;
      if (in->p != sec_end) {
        meld_br_error_at(in, in->p, "section size mismatch: %s section has %llu unread bytes",
                         section_name(id), (unsigned long long)(sec_end - in->p));
        goto fail;
      }
      (void)payload;
    }
    in->end = module_end;
  }
  if (r.nfuncdecls && !r.have_code) {
    meld_br_error_at(in, in->end, "function and code section have inconsistent lengths (%u and 0)",
                     r.nfuncdecls);
    goto fail;
  }
  if (m->has_datacount && !(m->present_sections & (1u << MELD_RANK_DATA)) && m->ndatas != 0) {
    meld_br_error_at(in, in->end,
                     "data count and data section have inconsistent lengths (%u and 0)", m->ndatas);
    goto fail;
  }
  if (r.uses_data_indices && !m->has_datacount) {
    meld_br_error_at(in, in->end,
                     "data count section required (code uses memory.init or data.drop)");
    goto fail;
  }
  meld_arena_free(&r.scratch);
  *out = m;
  return true;
fail:
  meld_arena_free(&r.scratch);
  return false;
}
