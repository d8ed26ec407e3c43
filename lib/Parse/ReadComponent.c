/*
 * The component reader: the component-model binary format (Binary.md, version 0x0d, layer 1)
 * into the component IR (Component.h), nested components and nested core modules included.
 *
 * Strict and bounded.  Every malformed input becomes `file:0xOFFSET: error: <what>` at the
 * offending byte.  Every count is checked against the bytes left before anything is allocated
 * for it (every encoded item takes at least one byte), so allocation stays proportional to the
 * input.  Nesting (components, component/instance types, core module types) is limited to
 * MAX_DEPTH levels so a hostile input cannot exhaust the C stack.
 *
 * The reader checks the binary grammar only; the validation rules (index bounds, typing, names)
 * are the verifier's (VerifyComponent.c).  Core modules are read by meld_core_read.  The
 * `component-name` custom section is decoded into MeldComponent.names when it decodes cleanly
 * and re-encodes to the same bytes; otherwise it stays an opaque custom section (the spec says
 * an invalid name section must not make a component invalid).
 */
#include "Parse/ByteReader.h"
#include "meldc/Binary.h"

#include <string.h>

#define MAX_DEPTH 100

typedef struct Reader {
  MeldByteReader in; /* `end` is the end of what may be read now (section, component) */
  MeldArena *arena;
  uint32_t depth;
} Reader;

#define TRY(x)                                                                                     \
  do {                                                                                             \
    if (!(x)) return false;                                                                        \
  } while (0)

static bool bad_byte(Reader *r, const uint8_t *at, uint8_t byte, const char *what) {
  return meld_br_error_at(&r->in, at, "invalid leading byte (0x%x) for %s", byte, what);
}

static bool rd_bool(Reader *r, uint8_t *out, const char *what) {
  const uint8_t *at = r->in.p;
  TRY(meld_br_byte(&r->in, out, what));
  if (*out > 1)
    return meld_br_error_at(&r->in, at, "invalid boolean value 0x%x for %s", *out, what);
  return true;
}

static void *alloc_n(Reader *r, uint32_t n, size_t size) {
  if (n == 0) return NULL;
  void *p = meld_arena_calloc(r->arena, n, size);
  if (!p) meld_br_oom(&r->in);
  return p;
}

static bool enter(Reader *r) {
  if (++r->depth > MAX_DEPTH)
    return meld_br_error_at(&r->in, r->in.p,
                            "nesting too deep (more than %d levels of components and types)",
                            MAX_DEPTH);
  return true;
}

/* ---- Value types ---- */

/* valtype ::= primvaltype | typeidx (as a non-negative s33). */
static bool rd_valtype(Reader *r, MeldCompValType *out, const char *what) {
  const uint8_t *at = r->in.p;
  if (r->in.p >= r->in.end) return meld_br_eof(&r->in, what);
  if (meld_prim_valid(*r->in.p)) {
    out->prim = *r->in.p++;
    out->index = 0;
    return true;
  }
  int64_t v;
  MeldLebStatus s = meld_leb_s33(&r->in.p, r->in.end, &v);
  if (s != MELD_LEB_OK) return meld_br_leb_error(&r->in, s, what);
  if (v < 0)
    return meld_br_error_at(&r->in, at, "invalid %s: 0x%x is neither a primitive nor a type index",
                            what, *at);
  out->prim = 0;
  out->index = (uint32_t)v;
  return true;
}

/* <valtype>? ::= 0x00 | 0x01 valtype */
static bool rd_opt_valtype(Reader *r, bool *has, MeldCompValType *out, const char *what) {
  uint8_t b;
  const uint8_t *at = r->in.p;
  TRY(meld_br_byte(&r->in, &b, what));
  if (b == 0) {
    *has = false;
    return true;
  }
  if (b != 1) return bad_byte(r, at, b, "optional component value type");
  *has = true;
  return rd_valtype(r, out, what);
}

/* resultlist ::= 0x00 valtype | 0x01 0x00 */
static bool rd_resultlist(Reader *r, bool *has, MeldCompValType *out) {
  uint8_t b;
  const uint8_t *at = r->in.p;
  TRY(meld_br_byte(&r->in, &b, "function results"));
  if (b == 0x00) {
    *has = true;
    return rd_valtype(r, out, "result type");
  }
  if (b != 0x01) return bad_byte(r, at, b, "component function results");
  at = r->in.p;
  TRY(meld_br_byte(&r->in, &b, "number of results"));
  if (b != 0x00) return bad_byte(r, at, b, "number of results");
  *has = false;
  return true;
}

/* ---- Core types ---- */

static bool rd_core_valtype(Reader *r, MeldCoreValType *out, bool storage, const char *what) {
  const uint8_t *at = r->in.p;
  uint8_t b;
  TRY(meld_br_byte(&r->in, &b, what));
  memset(out, 0, sizeof *out);
  out->code = b;
  switch (b) {
  case 0x7f:
  case 0x7e:
  case 0x7d:
  case 0x7c:
  case 0x7b: /* i32 i64 f32 f64 v128 */
  case 0x74:
  case 0x73:
  case 0x72:
  case 0x71:
  case 0x70: /* nullexn nullfunc nullextern null func */
  case 0x6f:
  case 0x6e:
  case 0x6d:
  case 0x6c:
  case 0x6b: /* extern any eq i31 struct */
  case 0x6a:
  case 0x69: /* array exn */ return true;
  case 0x78:
  case 0x77: /* i8 i16 */
    if (storage) return true;
    return bad_byte(r, at, b, what);
  case 0x63:
  case 0x64: {
    /* heaptype ::= absheaptype | s33 type index */
    const uint8_t *h = r->in.p;
    if (r->in.p >= r->in.end) return meld_br_eof(&r->in, "heap type");
    uint8_t hb = *r->in.p;
    if (hb >= 0x69 && hb <= 0x74) { /* an abstract heap type */
      r->in.p++;
      out->heap = hb;
      return true;
    }
    int64_t v;
    MeldLebStatus s = meld_leb_s33(&r->in.p, r->in.end, &v);
    if (s != MELD_LEB_OK) return meld_br_leb_error(&r->in, s, "heap type");
    if (v < 0) return bad_byte(r, h, hb, "heap type");
    out->index = (uint32_t)v;
    return true;
  }
  default: return bad_byte(r, at, b, what);
  }
}

static bool rd_comptype(Reader *r, uint8_t kind, MeldCoreSubType *st) {
  st->kind = kind;
  uint32_t n;
  switch (kind) {
  case MELD_COMP_FUNC:
    TRY(meld_br_count(&r->in, &n, 1, "core function parameter count"));
    st->nparams = n;
    if (n && !(st->params = alloc_n(r, n, sizeof *st->params))) return false;
    for (uint32_t i = 0; i < n; i++)
      TRY(rd_core_valtype(r, &st->params[i], false, "core value type"));
    TRY(meld_br_count(&r->in, &n, 1, "core function result count"));
    st->nresults = n;
    if (n && !(st->results = alloc_n(r, n, sizeof *st->results))) return false;
    for (uint32_t i = 0; i < n; i++)
      TRY(rd_core_valtype(r, &st->results[i], false, "core value type"));
    return true;
  case MELD_COMP_STRUCT:
  case MELD_COMP_ARRAY:
    if (kind == MELD_COMP_ARRAY) {
      n = 1;
    } else {
      TRY(meld_br_count(&r->in, &n, 1, "struct field count"));
    }
    st->nfields = n;
    if (n && !(st->fields = alloc_n(r, n, sizeof *st->fields))) return false;
    for (uint32_t i = 0; i < n; i++) {
      uint8_t m;
      const uint8_t *at;
      TRY(rd_core_valtype(r, &st->fields[i].type, true, "field storage type"));
      at = r->in.p;
      TRY(meld_br_byte(&r->in, &m, "field mutability"));
      if (m > 1) return bad_byte(r, at, m, "field mutability");
      st->fields[i].mut = m == 1;
    }
    return true;
  default: return false;
  }
}

/* subtype ::= 0x50 vec(typeidx) comptype | 0x4f vec(typeidx) comptype | comptype.
 * `open_byte` is the byte already consumed that introduced an open `sub` (0x50), or 0. */
static bool rd_subtype(Reader *r, MeldCoreSubType *st, bool allow_open) {
  const uint8_t *at = r->in.p;
  uint8_t b;
  TRY(meld_br_byte(&r->in, &b, "core type"));
  memset(st, 0, sizeof *st);
  if ((b == 0x50 && allow_open) || b == 0x4f) {
    st->form = b == 0x50 ? MELD_SUB_OPEN : MELD_SUB_FINAL;
    uint32_t n;
    TRY(meld_br_count(&r->in, &n, 1, "supertype count"));
    st->nsupers = n;
    if (n && !(st->supers = alloc_n(r, n, sizeof *st->supers))) return false;
    for (uint32_t i = 0; i < n; i++)
      TRY(meld_br_u32(&r->in, &st->supers[i], "supertype index"));
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &b, "composite type"));
  } else {
    st->form = MELD_SUB_BARE;
  }
  if (b != MELD_COMP_FUNC && b != MELD_COMP_STRUCT && b != MELD_COMP_ARRAY)
    return bad_byte(r, at, b, "core type");
  return rd_comptype(r, b, st);
}

/* core:rectype ::= 0x4e vec(subtype) | subtype, inside module types and rec groups where 0x50
 * is `sub`. */
static bool rd_rectype(Reader *r, MeldCoreTypeDef *t) {
  t->offset = meld_br_offset(&r->in, r->in.p);
  if (r->in.p < r->in.end && *r->in.p == 0x4e) {
    r->in.p++;
    uint32_t n;
    TRY(meld_br_count(&r->in, &n, 1, "rec group size"));
    t->kind = MELD_CORETYPE_REC;
    t->nsubs = n;
    if (n && !(t->subs = alloc_n(r, n, sizeof *t->subs))) return false;
    for (uint32_t i = 0; i < n; i++)
      TRY(rd_subtype(r, &t->subs[i], true));
    return true;
  }
  t->kind = MELD_CORETYPE_SUB;
  t->nsubs = 1;
  if (!(t->subs = alloc_n(r, 1, sizeof *t->subs))) return false;
  return rd_subtype(r, t->subs, true);
}

static bool rd_limits(Reader *r, MeldCoreExternType *e, bool memory) {
  const uint8_t *at = r->in.p;
  uint8_t f;
  TRY(meld_br_byte(&r->in, &f, "limits flags"));
  uint8_t allowed = memory ? 0x0f : 0x05;
  if (f & ~allowed) return bad_byte(r, at, f, memory ? "memory limits" : "table limits");
  e->flags = f;
  if (f & 4) {
    TRY(meld_br_u64(&r->in, &e->min, "minimum"));
    if (f & 1) TRY(meld_br_u64(&r->in, &e->max, "maximum"));
  } else {
    uint32_t v;
    TRY(meld_br_u32(&r->in, &v, "minimum"));
    e->min = v;
    if (f & 1) {
      TRY(meld_br_u32(&r->in, &v, "maximum"));
      e->max = v;
    }
  }
  if (f & 8) TRY(meld_br_u32(&r->in, &e->page_log2, "page size"));
  return true;
}

static bool rd_core_externtype(Reader *r, MeldCoreExternType *e) {
  const uint8_t *at = r->in.p;
  uint8_t k;
  memset(e, 0, sizeof *e);
  TRY(meld_br_byte(&r->in, &k, "core external kind"));
  e->kind = k;
  switch (k) {
  case MELD_EXTERN_FUNC: return meld_br_u32(&r->in, &e->index, "type index");
  case MELD_EXTERN_TABLE:
    TRY(rd_core_valtype(r, &e->type, false, "table element type"));
    if (e->type.code != 0x63 && e->type.code != 0x64 &&
        !(e->type.code >= 0x69 && e->type.code <= 0x74))
      return bad_byte(r, at + 1, e->type.code, "table element type");
    return rd_limits(r, e, false);
  case MELD_EXTERN_MEMORY: return rd_limits(r, e, true);
  case MELD_EXTERN_GLOBAL: {
    uint8_t m;
    TRY(rd_core_valtype(r, &e->type, false, "global type"));
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &m, "global mutability"));
    if (m > 1) return bad_byte(r, at, m, "global mutability");
    e->mut = m == 1;
    return true;
  }
  case MELD_EXTERN_TAG: {
    uint8_t attr;
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &attr, "tag attribute"));
    if (attr != 0) return bad_byte(r, at, attr, "tag attribute");
    return meld_br_u32(&r->in, &e->index, "type index");
  }
  default: return bad_byte(r, at, k, "external kind");
  }
}

static bool rd_module_type(Reader *r, MeldCoreTypeDef *t) {
  uint32_t n;
  TRY(enter(r));
  TRY(meld_br_count(&r->in, &n, 1, "module type declaration count"));
  t->kind = MELD_CORETYPE_MODULE;
  t->ndecls = n;
  if (n && !(t->decls = alloc_n(r, n, sizeof *t->decls))) return false;
  for (uint32_t i = 0; i < n; i++) {
    MeldCoreModuleDecl *d = &t->decls[i];
    const uint8_t *at = r->in.p;
    uint8_t k;
    d->offset = meld_br_offset(&r->in, at);
    TRY(meld_br_byte(&r->in, &k, "module type declaration"));
    d->kind = k;
    switch (k) {
    case MELD_MDECL_IMPORT:
      TRY(meld_br_name(&r->in, &d->module, "import module name"));
      TRY(meld_br_name(&r->in, &d->name, "import name"));
      TRY(rd_core_externtype(r, &d->ext));
      break;
    case MELD_MDECL_TYPE:
      if (!(d->type = alloc_n(r, 1, sizeof *d->type))) return false;
      TRY(rd_rectype(r, d->type));
      break;
    case MELD_MDECL_ALIAS: {
      uint8_t b;
      at = r->in.p;
      TRY(meld_br_byte(&r->in, &b, "outer alias kind"));
      if (b != 0x10) return bad_byte(r, at, b, "outer alias kind");
      at = r->in.p;
      TRY(meld_br_byte(&r->in, &b, "outer alias target"));
      if (b != 0x01) return bad_byte(r, at, b, "outer alias target");
      d->alias.sort = MELD_SORT_CORE_TYPE;
      d->alias.target = MELD_ALIAS_OUTER;
      d->alias.offset = d->offset;
      TRY(meld_br_u32(&r->in, &d->alias.count, "outer alias count"));
      TRY(meld_br_u32(&r->in, &d->alias.index, "outer alias index"));
      break;
    }
    case MELD_MDECL_EXPORT:
      TRY(meld_br_name(&r->in, &d->name, "export name"));
      TRY(rd_core_externtype(r, &d->ext));
      break;
    default: return bad_byte(r, at, k, "type definition");
    }
  }
  r->depth--;
  return true;
}

/* A top-level core type of a component (core type section, or a core type declarator):
 * 0x50 is a module type and a non-final `sub` is written 0x00 0x50. */
static bool rd_core_type(Reader *r, MeldCoreTypeDef *t) {
  const uint8_t *at = r->in.p;
  memset(t, 0, sizeof *t);
  t->offset = meld_br_offset(&r->in, at);
  if (r->in.p >= r->in.end) return meld_br_eof(&r->in, "core type");
  if (*r->in.p == 0x50) {
    r->in.p++;
    return rd_module_type(r, t);
  }
  if (*r->in.p == 0x00) {
    r->in.p++;
    if (r->in.p >= r->in.end) return meld_br_eof(&r->in, "core type");
    if (*r->in.p != 0x50) return bad_byte(r, r->in.p, *r->in.p, "non-final sub type");
    t->kind = MELD_CORETYPE_SUB;
    t->nsubs = 1;
    if (!(t->subs = alloc_n(r, 1, sizeof *t->subs))) return false;
    return rd_subtype(r, t->subs, true);
  }
  if (*r->in.p == 0x4e) return rd_rectype(r, t);
  t->kind = MELD_CORETYPE_SUB;
  t->nsubs = 1;
  if (!(t->subs = alloc_n(r, 1, sizeof *t->subs))) return false;
  return rd_subtype(r, t->subs, false);
}

/* ---- Names, sorts, extern types ---- */

static bool rd_extern_name(Reader *r, MeldExternName *n) {
  const uint8_t *at = r->in.p;
  uint8_t form;
  memset(n, 0, sizeof *n);
  TRY(meld_br_byte(&r->in, &form, "component name"));
  if (form > 2) return bad_byte(r, at, form, "component name");
  n->form = form;
  TRY(meld_br_name(&r->in, &n->name, "extern name"));
  if (form != 2) return true;
  uint32_t count;
  TRY(meld_br_count(&r->in, &count, 1, "name attribute count"));
  n->nattrs = count;
  if (count && !(n->attrs = alloc_n(r, count, sizeof *n->attrs))) return false;
  for (uint32_t i = 0; i < count; i++) {
    uint8_t k;
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &k, "name option"));
    if (k > MELD_ATTR_EXTERNAL_ID) return bad_byte(r, at, k, "name option");
    n->attrs[i].kind = k;
    TRY(meld_br_name(&r->in, &n->attrs[i].value, "name option value"));
  }
  return true;
}

/* sort ::= 0x00 core:sort | 0x01 func | 0x02 value | 0x03 type | 0x04 component | 0x05 instance */
static bool rd_sort(Reader *r, uint8_t *sort, const char *what) {
  const uint8_t *at = r->in.p;
  uint8_t b;
  TRY(meld_br_byte(&r->in, &b, what));
  switch (b) {
  case 0x00: {
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &b, what));
    MeldSort s = meld_sort_from_core_byte(b);
    if (s == MELD_NUM_SORTS) return bad_byte(r, at, b, what);
    *sort = (uint8_t)s;
    return true;
  }
  case 0x01: *sort = MELD_SORT_FUNC; return true;
  case 0x02: *sort = MELD_SORT_VALUE; return true;
  case 0x03: *sort = MELD_SORT_TYPE; return true;
  case 0x04: *sort = MELD_SORT_COMPONENT; return true;
  case 0x05: *sort = MELD_SORT_INSTANCE; return true;
  default: return bad_byte(r, at, b, what);
  }
}

static bool rd_externtype(Reader *r, MeldExternType *e) {
  const uint8_t *at = r->in.p;
  uint8_t k, b;
  memset(e, 0, sizeof *e);
  TRY(meld_br_byte(&r->in, &k, "component external kind"));
  e->kind = k;
  switch (k) {
  case MELD_EXT_MODULE:
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &b, "component external kind"));
    if (b != 0x11) return bad_byte(r, at, b, "component external kind");
    return meld_br_u32(&r->in, &e->index, "core type index");
  case MELD_EXT_FUNC:
  case MELD_EXT_COMPONENT:
  case MELD_EXT_INSTANCE: return meld_br_u32(&r->in, &e->index, "type index");
  case MELD_EXT_VALUE:
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &b, "value bound"));
    e->bound = b;
    if (b == MELD_BOUND_EQ) return meld_br_u32(&r->in, &e->index, "value index");
    if (b == MELD_BOUND_VALTYPE) return rd_valtype(r, &e->val, "value type");
    return bad_byte(r, at, b, "value bound");
  case MELD_EXT_TYPE:
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &b, "type bound"));
    e->bound = b;
    if (b == MELD_BOUND_EQ) return meld_br_u32(&r->in, &e->index, "type index");
    if (b == MELD_BOUND_SUB_RESOURCE) return true;
    return bad_byte(r, at, b, "type bound");
  default: return bad_byte(r, at, k, "component external kind");
  }
}

static bool rd_alias(Reader *r, MeldCompAlias *a) {
  const uint8_t *at = r->in.p, *sort_at = r->in.p;
  uint8_t t;
  memset(a, 0, sizeof *a);
  a->offset = meld_br_offset(&r->in, at);
  TRY(rd_sort(r, &a->sort, "component outer alias kind"));
  at = r->in.p;
  TRY(meld_br_byte(&r->in, &t, "alias target"));
  a->target = t;
  switch (t) {
  case MELD_ALIAS_EXPORT:
    TRY(meld_br_u32(&r->in, &a->instance, "instance index"));
    return meld_br_name(&r->in, &a->name, "export name");
  case MELD_ALIAS_CORE_EXPORT:
    if (!meld_sort_is_core((MeldSort)a->sort))
      return meld_br_error_at(&r->in, at, "core export alias of non-core sort `%s`",
                              meld_sort_name((MeldSort)a->sort));
    TRY(meld_br_u32(&r->in, &a->instance, "core instance index"));
    return meld_br_name(&r->in, &a->name, "export name");
  case MELD_ALIAS_OUTER:
    switch (a->sort) {
    case MELD_SORT_CORE_MODULE:
    case MELD_SORT_CORE_TYPE:
    case MELD_SORT_TYPE:
    case MELD_SORT_COMPONENT: break;
    default:
      return meld_br_error_at(&r->in, sort_at,
                              "invalid leading byte for component outer alias kind: `%s` cannot be "
                              "aliased from an outer scope",
                              meld_sort_name((MeldSort)a->sort));
    }
    TRY(meld_br_u32(&r->in, &a->count, "outer alias count"));
    return meld_br_u32(&r->in, &a->index, "outer alias index");
  default: return bad_byte(r, at, t, "alias");
  }
}

/* ---- Component types ---- */

static bool rd_type(Reader *r, MeldCompType *t);

static bool rd_labels(Reader *r, MeldCompType *t, const char *what) {
  uint32_t n;
  TRY(meld_br_count(&r->in, &n, 1, what));
  t->nfields = n;
  if (n && !(t->fields = alloc_n(r, n, sizeof *t->fields))) return false;
  for (uint32_t i = 0; i < n; i++)
    TRY(meld_br_name(&r->in, &t->fields[i].label, "label"));
  return true;
}

static bool rd_decls(Reader *r, MeldCompType *t, bool component) {
  uint32_t n;
  TRY(enter(r));
  TRY(meld_br_count(&r->in, &n, 1,
                    component ? "component type declaration count"
                              : "instance type declaration count"));
  t->ndecls = n;
  if (n && !(t->decls = alloc_n(r, n, sizeof *t->decls))) return false;
  for (uint32_t i = 0; i < n; i++) {
    MeldCompDecl *d = &t->decls[i];
    const uint8_t *at = r->in.p;
    uint8_t k;
    d->offset = meld_br_offset(&r->in, at);
    TRY(meld_br_byte(&r->in, &k, "component or instance type declaration"));
    d->kind = k;
    switch (k) {
    case MELD_DECL_CORE_TYPE:
      if (!(d->coretype = alloc_n(r, 1, sizeof *d->coretype))) return false;
      TRY(rd_core_type(r, d->coretype));
      break;
    case MELD_DECL_TYPE:
      if (!(d->type = alloc_n(r, 1, sizeof *d->type))) return false;
      TRY(rd_type(r, d->type));
      break;
    case MELD_DECL_ALIAS: TRY(rd_alias(r, &d->alias)); break;
    case MELD_DECL_IMPORT:
      if (!component) return bad_byte(r, at, k, "component or instance type declaration");
      /* fallthrough */
    case MELD_DECL_EXPORT:
      TRY(rd_extern_name(r, &d->name));
      TRY(rd_externtype(r, &d->ext));
      break;
    default: return bad_byte(r, at, k, "component or instance type declaration");
    }
  }
  r->depth--;
  return true;
}

static bool rd_type(Reader *r, MeldCompType *t) {
  const uint8_t *at = r->in.p;
  uint8_t code;
  uint32_t n;
  memset(t, 0, sizeof *t);
  t->offset = meld_br_offset(&r->in, at);
  TRY(meld_br_byte(&r->in, &code, "type"));
  t->code = code;
  if (meld_prim_valid(code)) return true;
  switch (code) {
  case MELD_CT_RECORD:
    TRY(meld_br_count(&r->in, &n, 1, "record field count"));
    t->nfields = n;
    if (n && !(t->fields = alloc_n(r, n, sizeof *t->fields))) return false;
    for (uint32_t i = 0; i < n; i++) {
      TRY(meld_br_name(&r->in, &t->fields[i].label, "field name"));
      TRY(rd_valtype(r, &t->fields[i].type, "field type"));
      t->fields[i].has_type = true;
    }
    return true;
  case MELD_CT_VARIANT:
    TRY(meld_br_count(&r->in, &n, 1, "variant case count"));
    t->nfields = n;
    if (n && !(t->fields = alloc_n(r, n, sizeof *t->fields))) return false;
    for (uint32_t i = 0; i < n; i++) {
      uint8_t z;
      TRY(meld_br_name(&r->in, &t->fields[i].label, "case name"));
      TRY(rd_opt_valtype(r, &t->fields[i].has_type, &t->fields[i].type, "case type"));
      at = r->in.p;
      TRY(meld_br_byte(&r->in, &z, "case refinement"));
      if (z != 0) return bad_byte(r, at, z, "zero byte required");
    }
    return true;
  case MELD_CT_LIST:
  case MELD_CT_OPTION: t->has_a = true; return rd_valtype(r, &t->a, "element type");
  case MELD_CT_FIXED_LIST:
    t->has_a = true;
    TRY(rd_valtype(r, &t->a, "element type"));
    return meld_br_u32(&r->in, &t->length, "list length");
  case MELD_CT_TUPLE:
    TRY(meld_br_count(&r->in, &n, 1, "tuple type count"));
    t->nfields = n;
    if (n && !(t->fields = alloc_n(r, n, sizeof *t->fields))) return false;
    for (uint32_t i = 0; i < n; i++) {
      TRY(rd_valtype(r, &t->fields[i].type, "tuple element type"));
      t->fields[i].has_type = true;
    }
    return true;
  case MELD_CT_FLAGS: return rd_labels(r, t, "flag count");
  case MELD_CT_ENUM: return rd_labels(r, t, "enum case count");
  case MELD_CT_RESULT:
    TRY(rd_opt_valtype(r, &t->has_a, &t->a, "ok type"));
    return rd_opt_valtype(r, &t->has_b, &t->b, "error type");
  case MELD_CT_OWN:
  case MELD_CT_BORROW: return meld_br_u32(&r->in, &t->resource, "resource type index");
  case MELD_CT_STREAM:
  case MELD_CT_FUTURE: return rd_opt_valtype(r, &t->has_a, &t->a, "payload type");
  case MELD_CT_MAP:
    t->has_a = t->has_b = true;
    TRY(rd_valtype(r, &t->a, "map key type"));
    return rd_valtype(r, &t->b, "map value type");
  case MELD_CT_FUNC:
  case MELD_CT_ASYNC_FUNC:
    TRY(meld_br_count(&r->in, &n, 1, "parameter count"));
    t->nfields = n;
    if (n && !(t->fields = alloc_n(r, n, sizeof *t->fields))) return false;
    for (uint32_t i = 0; i < n; i++) {
      TRY(meld_br_name(&r->in, &t->fields[i].label, "parameter name"));
      TRY(rd_valtype(r, &t->fields[i].type, "parameter type"));
      t->fields[i].has_type = true;
    }
    return rd_resultlist(r, &t->has_a, &t->a);
  case MELD_CT_COMPONENT: return rd_decls(r, t, true);
  case MELD_CT_INSTANCE: return rd_decls(r, t, false);
  case MELD_CT_RESOURCE: {
    uint8_t b;
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &t->rep, "resource representation"));
    if (!meld_valtype_valid(t->rep)) return bad_byte(r, at, t->rep, "resource representation");
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &b, "resource destructor"));
    if (b > 1) return bad_byte(r, at, b, "resource destructor");
    t->has_dtor = b == 1;
    if (t->has_dtor) TRY(meld_br_u32(&r->in, &t->dtor, "destructor function index"));
    return true;
  }
  default: return bad_byte(r, at, code, "component defined type");
  }
}

/* ---- Canon ---- */

static bool rd_opts(Reader *r, MeldCompCanon *c) {
  uint32_t n;
  TRY(meld_br_count(&r->in, &n, 1, "canonical option count"));
  c->nopts = n;
  if (n && !(c->opts = alloc_n(r, n, sizeof *c->opts))) return false;
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *at = r->in.p;
    uint8_t k;
    TRY(meld_br_byte(&r->in, &k, "canonical option"));
    c->opts[i].kind = k;
    switch (k) {
    case MELD_OPT_UTF8:
    case MELD_OPT_UTF16:
    case MELD_OPT_LATIN1_UTF16:
    case MELD_OPT_ASYNC: break;
    case MELD_OPT_MEMORY: TRY(meld_br_u32(&r->in, &c->opts[i].index, "memory index")); break;
    case MELD_OPT_REALLOC:
    case MELD_OPT_POST_RETURN:
    case MELD_OPT_CALLBACK: TRY(meld_br_u32(&r->in, &c->opts[i].index, "function index")); break;
    default: return bad_byte(r, at, k, "canonical option");
    }
  }
  return true;
}

static bool rd_canon(Reader *r, MeldCompCanon *c) {
  const uint8_t *at = r->in.p;
  uint8_t op, b;
  memset(c, 0, sizeof *c);
  c->offset = meld_br_offset(&r->in, at);
  TRY(meld_br_byte(&r->in, &op, "canonical function"));
  if (!meld_canon_name(op)) return bad_byte(r, at, op, "canonical function");
  c->op = op;
  switch (meld_canon_shape(op)) {
  case MELD_CANON_SHAPE_NONE: return true;
  case MELD_CANON_SHAPE_LIFT:
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &b, "canonical function lift"));
    if (b != 0x00) return bad_byte(r, at, b, "canonical function lift");
    TRY(meld_br_u32(&r->in, &c->func, "core function index"));
    TRY(rd_opts(r, c));
    return meld_br_u32(&r->in, &c->type, "type index");
  case MELD_CANON_SHAPE_LOWER:
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &b, "canonical function lower"));
    if (b != 0x00) return bad_byte(r, at, b, "canonical function lower");
    TRY(meld_br_u32(&r->in, &c->func, "function index"));
    return rd_opts(r, c);
  case MELD_CANON_SHAPE_TYPE: return meld_br_u32(&r->in, &c->type, "type index");
  case MELD_CANON_SHAPE_TYPE_OPTS:
    TRY(meld_br_u32(&r->in, &c->type, "type index"));
    return rd_opts(r, c);
  case MELD_CANON_SHAPE_TYPE_ASYNC:
    TRY(meld_br_u32(&r->in, &c->type, "type index"));
    return rd_bool(r, &c->flag, "async flag");
  case MELD_CANON_SHAPE_RESULT_OPTS:
    TRY(rd_resultlist(r, &c->has_result, &c->result));
    return rd_opts(r, c);
  case MELD_CANON_SHAPE_CONTEXT:
    at = r->in.p;
    TRY(meld_br_byte(&r->in, &c->valtype, "context value type"));
    if (!meld_valtype_valid(c->valtype)) return bad_byte(r, at, c->valtype, "value type");
    return meld_br_u32(&r->in, &c->imm, "context slot");
  case MELD_CANON_SHAPE_ASYNC: return rd_bool(r, &c->flag, "async flag");
  case MELD_CANON_SHAPE_OPTS: return rd_opts(r, c);
  case MELD_CANON_SHAPE_CANCEL: return rd_bool(r, &c->flag, "cancellable flag");
  case MELD_CANON_SHAPE_CANCEL_MEMORY:
    TRY(rd_bool(r, &c->flag, "cancellable flag"));
    return meld_br_u32(&r->in, &c->memory, "memory index");
  case MELD_CANON_SHAPE_CORE_TYPE_TABLE:
    TRY(meld_br_u32(&r->in, &c->type, "core type index"));
    return meld_br_u32(&r->in, &c->table, "table index");
  case MELD_CANON_SHAPE_SHARED: return rd_bool(r, &c->flag, "shared flag");
  case MELD_CANON_SHAPE_SHARED_CORE_TYPE:
    TRY(rd_bool(r, &c->flag, "shared flag"));
    return meld_br_u32(&r->in, &c->type, "core type index");
  case MELD_CANON_SHAPE_SHARED_CORE_TYPE_TABLE:
    TRY(rd_bool(r, &c->flag, "shared flag"));
    TRY(meld_br_u32(&r->in, &c->type, "core type index"));
    return meld_br_u32(&r->in, &c->table, "table index");
  }
  return true;
}

/* ---- The component-name section ---- */

/* Decodes without reporting: a name section that does not decode is simply left opaque. */
static bool decode_names(MeldArena *arena, const uint8_t *p, const uint8_t *end,
                         MeldCompNames *names) {
  memset(names, 0, sizeof *names);
  int last_id = -1;
  while (p < end) {
    uint8_t id = *p++;
    uint32_t size;
    if (meld_leb_u32(&p, end, &size) != MELD_LEB_OK || size > (uint64_t)(end - p)) return false;
    const uint8_t *q = p, *send = p + size;
    if ((int)id <= last_id && id == 0) return false;
    last_id = id;
    if (id == 0) {
      uint32_t len;
      if (names->has_component) return false;
      if (meld_leb_u32(&q, send, &len) != MELD_LEB_OK || len != (uint64_t)(send - q) ||
          !meld_utf8_valid(q, len))
        return false;
      names->has_component = true;
      names->component.ptr = (const char *)q;
      names->component.len = len;
    } else if (id == 1) {
      uint8_t sb;
      MeldSort sort;
      if (q >= send) return false;
      sb = *q++;
      if (sb == 0x00) {
        if (q >= send) return false;
        sort = meld_sort_from_core_byte(*q++);
        if (sort == MELD_NUM_SORTS) return false;
      } else if (sb >= 1 && sb <= 5) {
        static const MeldSort m[] = {MELD_SORT_FUNC, MELD_SORT_VALUE, MELD_SORT_TYPE,
                                     MELD_SORT_COMPONENT, MELD_SORT_INSTANCE};
        sort = m[sb - 1];
      } else {
        return false;
      }
      MeldCompSortNames *s = MELD_PUSH(arena, names->sorts, names->nsorts, names->capsorts);
      if (!s) return false;
      memset(s, 0, sizeof *s);
      s->sort = (uint8_t)sort;
      uint32_t n;
      if (meld_leb_u32(&q, send, &n) != MELD_LEB_OK || n > (uint64_t)(send - q)) return false;
      for (uint32_t k = 0; k < n; k++) {
        uint32_t idx, len;
        if (meld_leb_u32(&q, send, &idx) != MELD_LEB_OK) return false;
        if (meld_leb_u32(&q, send, &len) != MELD_LEB_OK || len > (uint64_t)(send - q) ||
            !meld_utf8_valid(q, len))
          return false;
        MeldNameAssoc *a = MELD_PUSH(arena, s->map.items, s->map.nitems, s->map.cap);
        if (!a) return false;
        a->index = idx;
        a->name.ptr = (const char *)q;
        a->name.len = len;
        q += len;
      }
      if (q != send) return false;
    } else {
      return false;
    }
    p = send;
  }
  return true;
}

static void try_names(Reader *r, MeldComponent *c, MeldCompCustom *cu) {
  for (uint32_t i = 0; i < c->ncustoms; i++)
    if (c->customs[i].is_names) return; /* only the first decodable one is decoded */
  MeldArenaMark mark = meld_arena_mark(r->arena);
  MeldCompNames names;
  bool ok = decode_names(r->arena, cu->data, cu->data + cu->size, &names);
  if (ok) {
    MeldBuf b;
    meld_buf_init(&b, r->in.ctx->alloc);
    meld_component_names_encode(&names, &b);
    ok = !b.oom && b.len == cu->size && (cu->size == 0 || memcmp(b.data, cu->data, cu->size) == 0);
    meld_buf_free(&b);
  }
  if (!ok) {
    meld_arena_release(r->arena, mark);
    return;
  }
  c->names = names;
  cu->is_names = true;
}

/* ---- Sections ---- */

static bool rd_component(Reader *r, const uint8_t *start, const uint8_t *end, MeldComponent **out);

static MeldCompSection *new_section(Reader *r, MeldComponent *c, uint8_t id, uint32_t first,
                                    const uint8_t *at, uint8_t width) {
  MeldCompSection *s = MELD_PUSH(r->arena, c->sections, c->nsections, c->capsections);
  if (!s) {
    meld_br_oom(&r->in);
    return NULL;
  }
  s->id = id;
  s->first = first;
  s->count = 0;
  s->offset = meld_br_offset(&r->in, at);
  s->size_width = width;
  return s;
}

#define PUSH_ITEM(arr, n, cap, slot)                                                               \
  do {                                                                                             \
    if (!((slot) = MELD_PUSH(r->arena, arr, n, cap))) return meld_br_oom(&r->in);                  \
    memset((slot), 0, sizeof *(slot));                                                             \
  } while (0)

/* Room for `n` more items in one step, so that a section's array is not grown by doubling (the
 * arena cannot reuse the abandoned copies). */
#define RESERVE(arr, cnt, cap, n)                                                                  \
  (meld_grow(r->arena, &(arr), &(cap), (cnt) + (n), sizeof *(arr)) ? true : meld_br_oom(&r->in))

static bool rd_section_items(Reader *r, MeldComponent *c, uint8_t id, MeldCompSection *sec) {
  uint32_t n;
  TRY(meld_br_count(&r->in, &n, 1, "item count"));
  switch (id) {
  case MELD_CSEC_CORE_INSTANCE:
    TRY(RESERVE(c->coreinstances, c->ncoreinstances, c->capcoreinstances, n));
    break;
  case MELD_CSEC_CORE_TYPE: TRY(RESERVE(c->coretypes, c->ncoretypes, c->capcoretypes, n)); break;
  case MELD_CSEC_INSTANCE: TRY(RESERVE(c->instances, c->ninstances, c->capinstances, n)); break;
  case MELD_CSEC_ALIAS: TRY(RESERVE(c->aliases, c->naliases, c->capaliases, n)); break;
  case MELD_CSEC_TYPE: TRY(RESERVE(c->types, c->ntypes, c->captypes, n)); break;
  case MELD_CSEC_CANON: TRY(RESERVE(c->canons, c->ncanons, c->capcanons, n)); break;
  case MELD_CSEC_IMPORT: TRY(RESERVE(c->imports, c->nimports, c->capimports, n)); break;
  case MELD_CSEC_EXPORT: TRY(RESERVE(c->exports, c->nexports, c->capexports, n)); break;
  case MELD_CSEC_VALUE: TRY(RESERVE(c->values, c->nvalues, c->capvalues, n)); break;
  default: break;
  }
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *at = r->in.p;
    switch (id) {
    case MELD_CSEC_CORE_INSTANCE: {
      MeldCoreInstance *ci;
      uint8_t k;
      PUSH_ITEM(c->coreinstances, c->ncoreinstances, c->capcoreinstances, ci);
      ci->offset = meld_br_offset(&r->in, at);
      TRY(meld_br_byte(&r->in, &k, "core instance"));
      ci->kind = k;
      if (k == MELD_INST_INSTANTIATE) {
        uint32_t na;
        TRY(meld_br_u32(&r->in, &ci->module, "module index"));
        TRY(meld_br_count(&r->in, &na, 1, "instantiation argument count"));
        ci->nargs = na;
        if (na && !(ci->args = alloc_n(r, na, sizeof *ci->args))) return false;
        for (uint32_t a = 0; a < na; a++) {
          uint8_t kind;
          const uint8_t *kat;
          TRY(meld_br_name(&r->in, &ci->args[a].name, "instantiation argument name"));
          kat = r->in.p;
          TRY(meld_br_byte(&r->in, &kind, "instantiation arg kind"));
          if (kind != 0x12) return bad_byte(r, kat, kind, "instantiation arg kind");
          TRY(meld_br_u32(&r->in, &ci->args[a].instance, "instance index"));
        }
      } else if (k == MELD_INST_EXPORTS) {
        uint32_t ne;
        TRY(meld_br_count(&r->in, &ne, 1, "export count"));
        ci->nexports = ne;
        if (ne && !(ci->exports = alloc_n(r, ne, sizeof *ci->exports))) return false;
        for (uint32_t e = 0; e < ne; e++) {
          uint8_t sb;
          const uint8_t *sat;
          TRY(meld_br_name(&r->in, &ci->exports[e].name, "export name"));
          sat = r->in.p;
          TRY(meld_br_byte(&r->in, &sb, "core sort"));
          MeldSort s = meld_sort_from_core_byte(sb);
          if (s == MELD_NUM_SORTS) return bad_byte(r, sat, sb, "core sort");
          ci->exports[e].sort = (uint8_t)s;
          TRY(meld_br_u32(&r->in, &ci->exports[e].index, "index"));
        }
      } else {
        return bad_byte(r, at, k, "core instance");
      }
      break;
    }
    case MELD_CSEC_CORE_TYPE: {
      MeldCoreTypeDef *t;
      PUSH_ITEM(c->coretypes, c->ncoretypes, c->capcoretypes, t);
      TRY(rd_core_type(r, t));
      break;
    }
    case MELD_CSEC_INSTANCE: {
      MeldCompInstance *in;
      uint8_t k;
      PUSH_ITEM(c->instances, c->ninstances, c->capinstances, in);
      in->offset = meld_br_offset(&r->in, at);
      TRY(meld_br_byte(&r->in, &k, "instance"));
      in->kind = k;
      if (k == MELD_INST_INSTANTIATE) {
        uint32_t na;
        TRY(meld_br_u32(&r->in, &in->component, "component index"));
        TRY(meld_br_count(&r->in, &na, 1, "instantiation argument count"));
        in->nargs = na;
        if (na && !(in->args = alloc_n(r, na, sizeof *in->args))) return false;
        for (uint32_t a = 0; a < na; a++) {
          TRY(meld_br_name(&r->in, &in->args[a].name, "instantiation argument name"));
          TRY(rd_sort(r, &in->args[a].sort, "component external kind"));
          TRY(meld_br_u32(&r->in, &in->args[a].index, "index"));
        }
      } else if (k == MELD_INST_EXPORTS) {
        uint32_t ne;
        TRY(meld_br_count(&r->in, &ne, 1, "export count"));
        in->nexports = ne;
        if (ne && !(in->exports = alloc_n(r, ne, sizeof *in->exports))) return false;
        for (uint32_t e = 0; e < ne; e++) {
          TRY(rd_extern_name(r, &in->exports[e].name));
          TRY(rd_sort(r, &in->exports[e].sort, "component external kind"));
          TRY(meld_br_u32(&r->in, &in->exports[e].index, "index"));
        }
      } else {
        return bad_byte(r, at, k, "instance");
      }
      break;
    }
    case MELD_CSEC_ALIAS: {
      MeldCompAlias *a;
      PUSH_ITEM(c->aliases, c->naliases, c->capaliases, a);
      TRY(rd_alias(r, a));
      break;
    }
    case MELD_CSEC_TYPE: {
      MeldCompType *t;
      PUSH_ITEM(c->types, c->ntypes, c->captypes, t);
      TRY(rd_type(r, t));
      break;
    }
    case MELD_CSEC_CANON: {
      MeldCompCanon *cn;
      PUSH_ITEM(c->canons, c->ncanons, c->capcanons, cn);
      TRY(rd_canon(r, cn));
      break;
    }
    case MELD_CSEC_IMPORT: {
      MeldCompImport *im;
      PUSH_ITEM(c->imports, c->nimports, c->capimports, im);
      im->offset = meld_br_offset(&r->in, at);
      TRY(rd_extern_name(r, &im->name));
      TRY(rd_externtype(r, &im->type));
      break;
    }
    case MELD_CSEC_EXPORT: {
      MeldCompExport *ex;
      uint8_t b;
      PUSH_ITEM(c->exports, c->nexports, c->capexports, ex);
      ex->offset = meld_br_offset(&r->in, at);
      TRY(rd_extern_name(r, &ex->name));
      TRY(rd_sort(r, &ex->sort, "component external kind"));
      TRY(meld_br_u32(&r->in, &ex->index, "index"));
      at = r->in.p;
      TRY(meld_br_byte(&r->in, &b, "optional component export type"));
      if (b > 1) return bad_byte(r, at, b, "optional component export type");
      ex->has_type = b == 1;
      if (ex->has_type) TRY(rd_externtype(r, &ex->type));
      break;
    }
    case MELD_CSEC_VALUE: {
      MeldCompValue *v;
      uint32_t len;
      PUSH_ITEM(c->values, c->nvalues, c->capvalues, v);
      v->offset = meld_br_offset(&r->in, at);
      TRY(rd_valtype(r, &v->type, "value type"));
      at = r->in.p;
      TRY(meld_br_u32(&r->in, &len, "value length"));
      if (len > (uint64_t)(r->in.end - r->in.p))
        return meld_br_error_at(&r->in, at, "unexpected end-of-file: value of %u bytes, %u left",
                                len, (unsigned)(r->in.end - r->in.p));
      v->bytes = r->in.p;
      v->len = len;
      r->in.p += len;
      break;
    }
    default: return false;
    }
    sec->count++;
  }
  return true;
}

static bool rd_section(Reader *r, MeldComponent *c, uint8_t id, const uint8_t *id_at,
                       uint8_t width) {
  MeldCompSection *sec;
  switch (id) {
  case MELD_CSEC_CUSTOM: {
    MeldCompCustom *cu;
    if (!(sec = new_section(r, c, id, c->ncustoms, id_at, width))) return false;
    PUSH_ITEM(c->customs, c->ncustoms, c->capcustoms, cu);
    TRY(meld_br_name(&r->in, &cu->name, "custom section name"));
    cu->data = r->in.p;
    cu->size = (uint32_t)(r->in.end - r->in.p);
    cu->offset = meld_br_offset(&r->in, r->in.p);
    r->in.p = r->in.end;
    sec->count = 1;
    if (meld_str_eq_cstr(cu->name, "component-name")) try_names(r, c, cu);
    return true;
  }
  case MELD_CSEC_CORE_MODULE: {
    MeldCoreModuleDef *md;
    const uint8_t *start = r->in.p;
    size_t len = (size_t)(r->in.end - r->in.p);
    if (!(sec = new_section(r, c, id, c->nmodules, id_at, width))) return false;
    PUSH_ITEM(c->modules, c->nmodules, c->capmodules, md);
    if (len >= 8 && memcmp(start, "\0asm", 4) == 0 && start[4] == 0x0d && start[5] == 0 &&
        start[6] == 1 && start[7] == 0)
      return meld_br_error_at(&r->in, start + 4,
                              "expected a version header for a module, found a component");
    md->offset = meld_br_offset(&r->in, start);
    md->bytes = start;
    md->size = (uint32_t)len;
    if (!meld_core_read(r->in.ctx, r->arena, r->in.file, md->offset, start, len, &md->module))
      return false;
    r->in.p = r->in.end;
    sec->count = 1;
    return true;
  }
  case MELD_CSEC_COMPONENT: {
    MeldComponent **slot;
    if (!(sec = new_section(r, c, id, c->ncomponents, id_at, width))) return false;
    if (!(slot = MELD_PUSH(r->arena, c->components, c->ncomponents, c->capcomponents)))
      return meld_br_oom(&r->in);
    *slot = NULL;
    TRY(enter(r));
    TRY(rd_component(r, r->in.p, r->in.end, slot));
    r->depth--;
    sec->count = 1;
    return true;
  }
  case MELD_CSEC_START: {
    MeldCompStart *st;
    uint32_t n;
    if (!(sec = new_section(r, c, id, c->nstarts, id_at, width))) return false;
    PUSH_ITEM(c->starts, c->nstarts, c->capstarts, st);
    st->offset = meld_br_offset(&r->in, r->in.p);
    TRY(meld_br_u32(&r->in, &st->func, "start function index"));
    TRY(meld_br_count(&r->in, &n, 1, "start argument count"));
    st->nargs = n;
    if (n && !(st->args = alloc_n(r, n, sizeof *st->args))) return false;
    for (uint32_t i = 0; i < n; i++)
      TRY(meld_br_u32(&r->in, &st->args[i], "value index"));
    const uint8_t *rat = r->in.p;
    TRY(meld_br_u32(&r->in, &st->nresults, "start result count"));
    /* Each result becomes a value definition; a component function has at most one result
     * (Binary.md's resultlist), so a larger count is refused here, before it is trusted. */
    if (st->nresults > 1)
      return meld_br_error_at(
          &r->in, rat, "start function with %u results: a component function has at most one",
          st->nresults);
    sec->count = 1;
    return true;
  }
  case MELD_CSEC_CORE_INSTANCE:
  case MELD_CSEC_CORE_TYPE:
  case MELD_CSEC_INSTANCE:
  case MELD_CSEC_ALIAS:
  case MELD_CSEC_TYPE:
  case MELD_CSEC_CANON:
  case MELD_CSEC_IMPORT:
  case MELD_CSEC_EXPORT:
  case MELD_CSEC_VALUE: {
    uint32_t first = 0;
    switch (id) {
    case MELD_CSEC_CORE_INSTANCE: first = c->ncoreinstances; break;
    case MELD_CSEC_CORE_TYPE: first = c->ncoretypes; break;
    case MELD_CSEC_INSTANCE: first = c->ninstances; break;
    case MELD_CSEC_ALIAS: first = c->naliases; break;
    case MELD_CSEC_TYPE: first = c->ntypes; break;
    case MELD_CSEC_CANON: first = c->ncanons; break;
    case MELD_CSEC_IMPORT: first = c->nimports; break;
    case MELD_CSEC_EXPORT: first = c->nexports; break;
    default: first = c->nvalues; break;
    }
    if (!(sec = new_section(r, c, id, first, id_at, width))) return false;
    return rd_section_items(r, c, id, sec);
  }
  default: return bad_byte(r, id_at, id, "section id: malformed section id");
  }
}

static bool rd_preamble(Reader *r, const uint8_t *start, const uint8_t *end) {
  size_t len = (size_t)(end - start);
  if (len < 4 || memcmp(start, "\0asm", 4) != 0) {
    if (len < 4 && (len == 0 || memcmp(start, "\0asm", len) == 0))
      return meld_br_error_at(&r->in, end, "unexpected end-of-file reading the magic header");
    return meld_br_error_at(&r->in, start, "magic header not detected: bad magic number");
  }
  if (len < 8)
    return meld_br_error_at(&r->in, end, "unexpected end-of-file reading the version header");
  uint16_t version = (uint16_t)(start[4] | start[5] << 8);
  uint16_t layer = (uint16_t)(start[6] | start[7] << 8);
  if (layer == 0 && version == 1)
    return meld_br_error_at(&r->in, start + 4,
                            "expected a version header for a component, found a core module");
  if (version != 0x0d)
    return meld_br_error_at(&r->in, start + 4, "unknown binary version 0x%x", version);
  if (layer != 1) return meld_br_error_at(&r->in, start + 6, "unknown binary layer 0x%x", layer);
  return true;
}

static bool rd_component(Reader *r, const uint8_t *start, const uint8_t *end, MeldComponent **out) {
  const uint8_t *saved_end = r->in.end;
  MeldComponent *c = meld_component_new(r->arena);
  if (!c) return meld_br_oom(&r->in);
  c->file = r->in.file;
  c->base_offset = meld_br_offset(&r->in, start);
  c->size = (uint32_t)(end - start);
  r->in.p = start;
  r->in.end = end;
  TRY(rd_preamble(r, start, end));
  r->in.p = start + 8;
  while (r->in.p < end) {
    const uint8_t *id_at = r->in.p;
    uint8_t id;
    uint32_t size;
    TRY(meld_br_byte(&r->in, &id, "section id"));
    if (id >= MELD_NUM_CSECS) return bad_byte(r, id_at, id, "section id: malformed section id");
    const uint8_t *size_at = r->in.p;
    TRY(meld_br_u32(&r->in, &size, "section size"));
    uint8_t width = (uint8_t)(r->in.p - size_at);
    if (size > (uint64_t)(end - r->in.p))
      return meld_br_error_at(&r->in, size_at,
                              "unexpected end-of-file: %s section of %u bytes, %u left",
                              meld_csection_name(id), size, (unsigned)(end - r->in.p));
    const uint8_t *send = r->in.p + size;
    r->in.end = send;
    TRY(rd_section(r, c, id, id_at, width));
    if (r->in.p != send)
      return meld_br_error_at(&r->in, r->in.p,
                              "unexpected content after the last item of the %s section",
                              meld_csection_name(id));
    r->in.p = send;
    r->in.end = end;
  }
  if (!meld_component_index(c, r->arena)) return meld_br_oom(&r->in);
  r->in.end = saved_end;
  *out = c;
  return true;
}

bool meld_component_read(MeldContext *ctx, MeldArena *arena, const char *file, uint64_t base_offset,
                         const uint8_t *data, size_t len, MeldComponent **out) {
  Reader r;
  memset(&r, 0, sizeof r);
  r.in.ctx = ctx;
  r.in.file = file;
  r.in.base = base_offset;
  r.in.start = r.in.p = data;
  r.in.end = data + len;
  r.in.wording = MELD_WORDING_WASMPARSER;
  r.arena = arena;
  if (len > UINT32_MAX) {
    meld_error(ctx, file, base_offset, "component too large (%zu bytes)", len);
    return false;
  }
  MeldComponent *c = NULL;
  if (!rd_component(&r, data, data + len, &c)) return false;
  if (arena->oom) {
    meld_error(ctx, file, base_offset, "out of memory");
    return false;
  }
  *out = c;
  return true;
}
