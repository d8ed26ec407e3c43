/*
 * The component printer: the component IR in the wasm-tools text syntax (docs/component-ir.md
 * "Text form"), deterministic, one definition per line except nested components, component and
 * instance types, and core module types, which open a block indented by two spaces.
 *
 * Every definition carries its index as a `(;N;)` comment in its sort's index space, in the
 * position wasm-tools' printer puts it.  Identifiers come from the component-name section where
 * it decoded: an item gets `$name` when the name is a valid identifier not taken earlier in its
 * index space, and references to it print `$name`; everything else prints as an index.  Inside
 * component and instance types (which have their own index spaces and no names) everything is an
 * index.  Nested core modules are printed by meld_core_print and re-headed as `(core module`.
 *
 * Custom sections print as `(@custom "name" "bytes")` annotations where they sit; the decoded
 * component-name section is not repeated (it shows as the identifiers).
 */
#include "meldc/Print.h"

#include <string.h>

typedef struct Names {
  const char **ids[MELD_NUM_SORTS]; /* NUL-terminated identifier (with `$`) or NULL per index */
  uint32_t counts[MELD_NUM_SORTS];
} Names;

typedef struct P {
  MeldContext *ctx;
  MeldBuf *out;
  MeldArena arena;
  uint32_t indent;
  bool failed;
} P;

static void nl(P *p) {
  meld_buf_byte(p->out, '\n');
  for (uint32_t i = 0; i < p->indent; i++)
    meld_buf_cstr(p->out, "  ");
}

static void str_lit(MeldBuf *b, const char *s, uint32_t len) {
  static const char hex[] = "0123456789abcdef";
  meld_buf_byte(b, '"');
  for (uint32_t i = 0; i < len; i++) {
    uint8_t c = (uint8_t)s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      meld_buf_byte(b, c);
    } else {
      meld_buf_byte(b, '\\');
      meld_buf_byte(b, (uint8_t)hex[c >> 4]);
      meld_buf_byte(b, (uint8_t)hex[c & 15]);
    }
  }
  meld_buf_byte(b, '"');
}

static void str(P *p, MeldStr s) {
  str_lit(p->out, s.ptr, s.len);
}

static bool idchar(uint8_t c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c && strchr("!#$%&'*+-./:<=>?@\\^_`|~", c) != NULL;
}

/* ---- Names from the component-name section ---- */

static void build_names(P *p, const MeldComponent *c, Names *n) {
  memset(n, 0, sizeof *n);
  for (int s = 0; s < MELD_NUM_SORTS; s++)
    n->counts[s] = c->spaces[s].nitems;
  bool decoded = false;
  for (uint32_t i = 0; i < c->ncustoms; i++)
    decoded |= c->customs[i].is_names;
  if (!decoded) return;
  for (uint32_t k = 0; k < c->names.nsorts; k++) {
    const MeldCompSortNames *sn = &c->names.sorts[k];
    uint8_t s = sn->sort;
    if (s >= MELD_NUM_SORTS || !n->counts[s]) continue;
    if (!n->ids[s]) {
      n->ids[s] = meld_arena_calloc(&p->arena, n->counts[s], sizeof(char *));
      if (!n->ids[s]) return;
    }
    /* Identifiers taken in this space, hashed, so a later duplicate prints as an index. */
    uint32_t nslots = 16;
    while (nslots < 2 * n->counts[s])
      nslots *= 2;
    const char **taken = meld_arena_calloc(&p->arena, nslots, sizeof *taken);
    if (!taken) return;
    for (uint32_t i = 0; i < n->counts[s]; i++) {
      const char *o = n->ids[s][i];
      if (!o) continue;
      uint32_t h = meld_hash_bytes(o + 1, strlen(o + 1), 0) & (nslots - 1);
      while (taken[h])
        h = (h + 1) & (nslots - 1);
      taken[h] = o;
    }
    for (uint32_t i = 0; i < sn->map.nitems; i++) {
      const MeldNameAssoc *a = &sn->map.items[i];
      if (a->index >= n->counts[s] || n->ids[s][a->index] || !a->name.len) continue;
      bool ok = true;
      for (uint32_t j = 0; j < a->name.len && ok; j++)
        ok = idchar((uint8_t)a->name.ptr[j]);
      if (!ok) continue;
      uint32_t h = meld_hash_bytes(a->name.ptr, a->name.len, 0) & (nslots - 1);
      for (; taken[h] && ok; h = (h + 1) & (nslots - 1))
        ok = strlen(taken[h] + 1) != a->name.len || memcmp(taken[h] + 1, a->name.ptr, a->name.len);
      if (!ok) continue;
      char *id = meld_arena_alloc(&p->arena, (size_t)a->name.len + 2);
      if (!id) return;
      id[0] = '$';
      memcpy(id + 1, a->name.ptr, a->name.len);
      id[a->name.len + 1] = 0;
      n->ids[s][a->index] = id;
      taken[h] = id;
    }
  }
}

/* A reference to index `i` of `sort`: its identifier or the number. */
static void ref(P *p, const Names *n, uint8_t sort, uint32_t i) {
  const char *id =
      n && sort < MELD_NUM_SORTS && n->ids[sort] && i < n->counts[sort] ? n->ids[sort][i] : NULL;
  if (id)
    meld_buf_cstr(p->out, id);
  else
    meld_buf_printf(p->out, "%u", i);
}

/* The binding part of a definition: "$id (;N;)" or "(;N;)". */
static void bind(P *p, const Names *n, uint8_t sort, uint32_t *next) {
  uint32_t i = next[sort]++;
  const char *id = n && n->ids[sort] && i < n->counts[sort] ? n->ids[sort][i] : NULL;
  if (id) meld_buf_printf(p->out, "%s ", id);
  meld_buf_printf(p->out, "(;%u;)", i);
}

/* ---- Types ---- */

static void valtype(P *p, const Names *n, MeldCompValType t) {
  if (t.prim)
    meld_buf_cstr(p->out, meld_prim_name(t.prim));
  else
    ref(p, n, MELD_SORT_TYPE, t.index);
}

static void core_valtype(P *p, MeldCoreValType t) {
  switch (t.code) {
  case 0x7f: meld_buf_cstr(p->out, "i32"); return;
  case 0x7e: meld_buf_cstr(p->out, "i64"); return;
  case 0x7d: meld_buf_cstr(p->out, "f32"); return;
  case 0x7c: meld_buf_cstr(p->out, "f64"); return;
  case 0x7b: meld_buf_cstr(p->out, "v128"); return;
  case 0x78: meld_buf_cstr(p->out, "i8"); return;
  case 0x77: meld_buf_cstr(p->out, "i16"); return;
  case 0x71: meld_buf_cstr(p->out, "nullref"); return;
  case 0x72: meld_buf_cstr(p->out, "nullexternref"); return;
  case 0x73: meld_buf_cstr(p->out, "nullfuncref"); return;
  case 0x74: meld_buf_cstr(p->out, "nullexnref"); return;
  case 0x63:
  case 0x64:
    meld_buf_cstr(p->out, t.code == 0x63 ? "(ref null " : "(ref ");
    if (t.heap)
      meld_buf_cstr(p->out, meld_heap_type_name(t.heap));
    else
      meld_buf_printf(p->out, "%u", t.index);
    meld_buf_byte(p->out, ')');
    return;
  default: meld_buf_printf(p->out, "%sref", meld_heap_type_name(t.code)); return;
  }
}

static void subtype(P *p, const MeldCoreSubType *st) {
  if (st->form != MELD_SUB_BARE) {
    meld_buf_cstr(p->out, st->form == MELD_SUB_FINAL ? "(sub final" : "(sub");
    for (uint32_t i = 0; i < st->nsupers; i++)
      meld_buf_printf(p->out, " %u", st->supers[i]);
    meld_buf_byte(p->out, ' ');
  }
  switch (st->kind) {
  case MELD_COMP_FUNC:
    meld_buf_cstr(p->out, "(func");
    if (st->nparams) {
      meld_buf_cstr(p->out, " (param");
      for (uint32_t i = 0; i < st->nparams; i++) {
        meld_buf_byte(p->out, ' ');
        core_valtype(p, st->params[i]);
      }
      meld_buf_byte(p->out, ')');
    }
    if (st->nresults) {
      meld_buf_cstr(p->out, " (result");
      for (uint32_t i = 0; i < st->nresults; i++) {
        meld_buf_byte(p->out, ' ');
        core_valtype(p, st->results[i]);
      }
      meld_buf_byte(p->out, ')');
    }
    meld_buf_byte(p->out, ')');
    break;
  default:
    meld_buf_cstr(p->out, st->kind == MELD_COMP_STRUCT ? "(struct" : "(array");
    for (uint32_t i = 0; i < st->nfields; i++) {
      meld_buf_cstr(p->out, st->kind == MELD_COMP_STRUCT ? " (field " : " ");
      if (st->fields[i].mut) meld_buf_cstr(p->out, "(mut ");
      core_valtype(p, st->fields[i].type);
      if (st->fields[i].mut) meld_buf_byte(p->out, ')');
      if (st->kind == MELD_COMP_STRUCT) meld_buf_byte(p->out, ')');
    }
    meld_buf_byte(p->out, ')');
    break;
  }
  if (st->form != MELD_SUB_BARE) meld_buf_byte(p->out, ')');
}

static void limits(P *p, const MeldCoreExternType *e) {
  if (e->flags & 4) meld_buf_cstr(p->out, " i64");
  meld_buf_printf(p->out, " %llu", (unsigned long long)e->min);
  if (e->flags & 1) meld_buf_printf(p->out, " %llu", (unsigned long long)e->max);
}

static void core_externtype(P *p, const MeldCoreExternType *e) {
  switch (e->kind) {
  case MELD_EXTERN_FUNC: meld_buf_printf(p->out, "(func (type %u))", e->index); break;
  case MELD_EXTERN_TABLE:
    meld_buf_cstr(p->out, "(table");
    limits(p, e);
    meld_buf_byte(p->out, ' ');
    core_valtype(p, e->type);
    meld_buf_byte(p->out, ')');
    break;
  case MELD_EXTERN_MEMORY:
    meld_buf_cstr(p->out, "(memory");
    limits(p, e);
    if (e->flags & 2) meld_buf_cstr(p->out, " shared");
    if (e->flags & 8) meld_buf_printf(p->out, " (pagesize %llu)", 1ull << (e->page_log2 & 63));
    meld_buf_byte(p->out, ')');
    break;
  case MELD_EXTERN_GLOBAL:
    meld_buf_cstr(p->out, "(global ");
    if (e->mut) meld_buf_cstr(p->out, "(mut ");
    core_valtype(p, e->type);
    if (e->mut) meld_buf_byte(p->out, ')');
    meld_buf_byte(p->out, ')');
    break;
  default: meld_buf_printf(p->out, "(tag (type %u))", e->index); break;
  }
}

/* A rec group (or a lone subtype) as the body after "(core type (;N;) " / "(type (;N;) ". */
static void rec_body(P *p, const MeldCoreTypeDef *t, uint32_t *core_next) {
  if (t->kind == MELD_CORETYPE_REC) {
    meld_buf_cstr(p->out, "(rec");
    for (uint32_t i = 0; i < t->nsubs; i++) {
      meld_buf_printf(p->out, " (type (;%u;) ", (*core_next)++);
      subtype(p, &t->subs[i]);
      meld_buf_byte(p->out, ')');
    }
    meld_buf_byte(p->out, ')');
  } else if (t->nsubs == 1) {
    (*core_next)++;
    subtype(p, t->subs);
  }
}

static void core_type(P *p, const MeldCoreTypeDef *t, const Names *n, uint32_t *next) {
  if (t->kind == MELD_CORETYPE_REC) {
    meld_buf_cstr(p->out, "(core rec");
    for (uint32_t i = 0; i < t->nsubs; i++) {
      meld_buf_cstr(p->out, " (type ");
      bind(p, n, MELD_SORT_CORE_TYPE, next);
      meld_buf_byte(p->out, ' ');
      subtype(p, &t->subs[i]);
      meld_buf_byte(p->out, ')');
    }
    meld_buf_byte(p->out, ')');
    return;
  }
  meld_buf_cstr(p->out, "(core type ");
  if (t->kind == MELD_CORETYPE_SUB) {
    bind(p, n, MELD_SORT_CORE_TYPE, next);
    meld_buf_byte(p->out, ' ');
    subtype(p, t->subs);
    meld_buf_byte(p->out, ')');
    return;
  }
  bind(p, n, MELD_SORT_CORE_TYPE, next);
  p->indent++;
  nl(p);
  meld_buf_cstr(p->out, "(module");
  p->indent++;
  uint32_t local = 0;
  for (uint32_t i = 0; i < t->ndecls; i++) {
    const MeldCoreModuleDecl *d = &t->decls[i];
    nl(p);
    switch (d->kind) {
    case MELD_MDECL_IMPORT:
      meld_buf_cstr(p->out, "(import ");
      str(p, d->module);
      meld_buf_byte(p->out, ' ');
      str(p, d->name);
      meld_buf_byte(p->out, ' ');
      core_externtype(p, &d->ext);
      meld_buf_byte(p->out, ')');
      break;
    case MELD_MDECL_TYPE:
      if (d->type->kind == MELD_CORETYPE_REC) {
        rec_body(p, d->type, &local);
      } else {
        meld_buf_printf(p->out, "(type (;%u;) ", local);
        rec_body(p, d->type, &local);
        meld_buf_byte(p->out, ')');
      }
      break;
    case MELD_MDECL_ALIAS:
      meld_buf_printf(p->out, "(alias outer %u %u (type (;%u;)))", d->alias.count, d->alias.index,
                      local++);
      break;
    default:
      meld_buf_cstr(p->out, "(export ");
      str(p, d->name);
      meld_buf_byte(p->out, ' ');
      core_externtype(p, &d->ext);
      meld_buf_byte(p->out, ')');
      break;
    }
  }
  p->indent--;
  nl(p);
  meld_buf_byte(p->out, ')');
  p->indent--;
  nl(p);
  meld_buf_byte(p->out, ')');
}

static void decls(P *p, const MeldCompType *t);

static void deftype(P *p, const MeldCompType *t, const Names *n) {
  switch (t->code) {
  case MELD_CT_RECORD:
    meld_buf_cstr(p->out, "(record");
    for (uint32_t i = 0; i < t->nfields; i++) {
      meld_buf_cstr(p->out, " (field ");
      str(p, t->fields[i].label);
      meld_buf_byte(p->out, ' ');
      valtype(p, n, t->fields[i].type);
      meld_buf_byte(p->out, ')');
    }
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_VARIANT:
    meld_buf_cstr(p->out, "(variant");
    for (uint32_t i = 0; i < t->nfields; i++) {
      meld_buf_cstr(p->out, " (case ");
      str(p, t->fields[i].label);
      if (t->fields[i].has_type) {
        meld_buf_byte(p->out, ' ');
        valtype(p, n, t->fields[i].type);
      }
      meld_buf_byte(p->out, ')');
    }
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_LIST:
  case MELD_CT_OPTION:
  case MELD_CT_FIXED_LIST:
    meld_buf_cstr(p->out, t->code == MELD_CT_OPTION ? "(option " : "(list ");
    valtype(p, n, t->a);
    if (t->code == MELD_CT_FIXED_LIST) meld_buf_printf(p->out, " %u", t->length);
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_TUPLE:
    meld_buf_cstr(p->out, "(tuple");
    for (uint32_t i = 0; i < t->nfields; i++) {
      meld_buf_byte(p->out, ' ');
      valtype(p, n, t->fields[i].type);
    }
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_FLAGS:
  case MELD_CT_ENUM:
    meld_buf_cstr(p->out, t->code == MELD_CT_FLAGS ? "(flags" : "(enum");
    for (uint32_t i = 0; i < t->nfields; i++) {
      meld_buf_byte(p->out, ' ');
      str(p, t->fields[i].label);
    }
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_RESULT:
    meld_buf_cstr(p->out, "(result");
    if (t->has_a) {
      meld_buf_byte(p->out, ' ');
      valtype(p, n, t->a);
    }
    if (t->has_b) {
      meld_buf_cstr(p->out, " (error ");
      valtype(p, n, t->b);
      meld_buf_byte(p->out, ')');
    }
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_OWN:
  case MELD_CT_BORROW:
    meld_buf_cstr(p->out, t->code == MELD_CT_OWN ? "(own " : "(borrow ");
    ref(p, n, MELD_SORT_TYPE, t->resource);
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_STREAM:
  case MELD_CT_FUTURE:
    meld_buf_cstr(p->out, t->code == MELD_CT_STREAM ? "(stream" : "(future");
    if (t->has_a) {
      meld_buf_byte(p->out, ' ');
      valtype(p, n, t->a);
    }
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_MAP:
    meld_buf_cstr(p->out, "(map ");
    valtype(p, n, t->a);
    meld_buf_byte(p->out, ' ');
    valtype(p, n, t->b);
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_FUNC:
  case MELD_CT_ASYNC_FUNC:
    meld_buf_cstr(p->out, t->code == MELD_CT_ASYNC_FUNC ? "(func async" : "(func");
    for (uint32_t i = 0; i < t->nfields; i++) {
      meld_buf_cstr(p->out, " (param ");
      str(p, t->fields[i].label);
      meld_buf_byte(p->out, ' ');
      valtype(p, n, t->fields[i].type);
      meld_buf_byte(p->out, ')');
    }
    if (t->has_a) {
      meld_buf_cstr(p->out, " (result ");
      valtype(p, n, t->a);
      meld_buf_byte(p->out, ')');
    }
    meld_buf_byte(p->out, ')');
    return;
  case MELD_CT_COMPONENT:
  case MELD_CT_INSTANCE:
    p->indent++;
    nl(p);
    meld_buf_cstr(p->out, t->code == MELD_CT_COMPONENT ? "(component" : "(instance");
    if (t->ndecls) {
      p->indent++;
      decls(p, t);
      p->indent--;
      nl(p);
    }
    meld_buf_byte(p->out, ')');
    p->indent--;
    nl(p);
    return;
  case MELD_CT_RESOURCE:
    meld_buf_printf(p->out, "(resource (rep %s)", meld_valtype_name(t->rep));
    if (t->has_dtor) {
      meld_buf_cstr(p->out, " (dtor (core func ");
      ref(p, n, MELD_SORT_CORE_FUNC, t->dtor);
      meld_buf_cstr(p->out, "))");
    }
    meld_buf_byte(p->out, ')');
    return;
  default: meld_buf_cstr(p->out, meld_prim_name(t->code)); return;
  }
}

static const char *sort_kw(uint8_t sort) {
  switch (sort) {
  case MELD_SORT_CORE_FUNC: return "core func";
  case MELD_SORT_CORE_TABLE: return "core table";
  case MELD_SORT_CORE_MEMORY: return "core memory";
  case MELD_SORT_CORE_GLOBAL: return "core global";
  case MELD_SORT_CORE_TAG: return "core tag";
  case MELD_SORT_CORE_TYPE: return "core type";
  case MELD_SORT_CORE_MODULE: return "core module";
  case MELD_SORT_CORE_INSTANCE: return "core instance";
  case MELD_SORT_FUNC: return "func";
  case MELD_SORT_VALUE: return "value";
  case MELD_SORT_TYPE: return "type";
  case MELD_SORT_COMPONENT: return "component";
  case MELD_SORT_INSTANCE: return "instance";
  default: return "?";
  }
}

static void extern_name(P *p, const MeldExternName *xn) {
  str(p, xn->name);
  for (uint32_t i = 0; i < xn->nattrs; i++) {
    static const char *const kw[] = {"implements", "versionsuffix", "external-id"};
    meld_buf_printf(p->out, " (%s ", kw[xn->attrs[i].kind < 3 ? xn->attrs[i].kind : 2]);
    str(p, xn->attrs[i].value);
    meld_buf_byte(p->out, ')');
  }
}

/* An extern type; `binder` prints "(;N;)" (and $id) right after the keyword when non-NULL. */
static void externtype(P *p, const MeldExternType *e, const Names *n, uint32_t *next, bool binder) {
  uint8_t sort = (uint8_t)meld_extern_sort(e->kind);
  meld_buf_printf(p->out, "(%s", sort_kw(sort));
  if (binder) {
    meld_buf_byte(p->out, ' ');
    bind(p, n, sort, next);
  }
  switch (e->kind) {
  case MELD_EXT_TYPE:
    if (e->bound == MELD_BOUND_EQ) {
      meld_buf_cstr(p->out, " (eq ");
      ref(p, n, MELD_SORT_TYPE, e->index);
      meld_buf_byte(p->out, ')');
    } else {
      meld_buf_cstr(p->out, " (sub resource)");
    }
    break;
  case MELD_EXT_VALUE:
    meld_buf_byte(p->out, ' ');
    if (e->bound == MELD_BOUND_EQ) {
      meld_buf_cstr(p->out, "(eq ");
      ref(p, n, MELD_SORT_VALUE, e->index);
      meld_buf_byte(p->out, ')');
    } else {
      valtype(p, n, e->val);
    }
    break;
  case MELD_EXT_MODULE:
    meld_buf_cstr(p->out, " (type ");
    ref(p, n, MELD_SORT_CORE_TYPE, e->index);
    meld_buf_byte(p->out, ')');
    break;
  default:
    meld_buf_cstr(p->out, " (type ");
    ref(p, n, MELD_SORT_TYPE, e->index);
    meld_buf_byte(p->out, ')');
    break;
  }
  meld_buf_byte(p->out, ')');
}

static void alias(P *p, const MeldCompAlias *a, const Names *n, uint32_t *next) {
  switch (a->target) {
  case MELD_ALIAS_EXPORT:
    meld_buf_cstr(p->out, "(alias export ");
    ref(p, n, MELD_SORT_INSTANCE, a->instance);
    meld_buf_byte(p->out, ' ');
    str(p, a->name);
    break;
  case MELD_ALIAS_CORE_EXPORT:
    meld_buf_cstr(p->out, "(alias core export ");
    ref(p, n, MELD_SORT_CORE_INSTANCE, a->instance);
    meld_buf_byte(p->out, ' ');
    str(p, a->name);
    break;
  default: meld_buf_printf(p->out, "(alias outer %u %u", a->count, a->index); break;
  }
  meld_buf_printf(p->out, " (%s ", sort_kw(a->sort));
  bind(p, n, a->sort, next);
  meld_buf_cstr(p->out, "))");
}

static void decls(P *p, const MeldCompType *t) {
  uint32_t next[MELD_NUM_SORTS] = {0};
  for (uint32_t i = 0; i < t->ndecls; i++) {
    const MeldCompDecl *d = &t->decls[i];
    nl(p);
    switch (d->kind) {
    case MELD_DECL_CORE_TYPE: core_type(p, d->coretype, NULL, next); break;
    case MELD_DECL_TYPE:
      meld_buf_cstr(p->out, "(type ");
      bind(p, NULL, MELD_SORT_TYPE, next);
      if (d->type->code != MELD_CT_COMPONENT && d->type->code != MELD_CT_INSTANCE)
        meld_buf_byte(p->out, ' ');
      deftype(p, d->type, NULL);
      meld_buf_byte(p->out, ')');
      break;
    case MELD_DECL_ALIAS: alias(p, &d->alias, NULL, next); break;
    case MELD_DECL_IMPORT:
      meld_buf_cstr(p->out, "(import ");
      extern_name(p, &d->name);
      meld_buf_byte(p->out, ' ');
      externtype(p, &d->ext, NULL, next, true);
      meld_buf_byte(p->out, ')');
      break;
    default: {
      uint8_t sort = (uint8_t)meld_extern_sort(d->ext.kind);
      meld_buf_printf(p->out, "(export (;%u;) ", next[sort]++);
      extern_name(p, &d->name);
      meld_buf_byte(p->out, ' ');
      externtype(p, &d->ext, NULL, next, false);
      meld_buf_byte(p->out, ')');
      break;
    }
    }
  }
}

/* ---- Canon ---- */

static void canon_opts(P *p, const MeldCompCanon *c, const Names *n) {
  for (uint32_t i = 0; i < c->nopts; i++) {
    const MeldCanonOpt *o = &c->opts[i];
    switch (o->kind) {
    case MELD_OPT_UTF8: meld_buf_cstr(p->out, " string-encoding=utf8"); break;
    case MELD_OPT_UTF16: meld_buf_cstr(p->out, " string-encoding=utf16"); break;
    case MELD_OPT_LATIN1_UTF16: meld_buf_cstr(p->out, " string-encoding=latin1+utf16"); break;
    case MELD_OPT_ASYNC: meld_buf_cstr(p->out, " async"); break;
    case MELD_OPT_MEMORY:
      meld_buf_cstr(p->out, " (memory ");
      ref(p, n, MELD_SORT_CORE_MEMORY, o->index);
      meld_buf_byte(p->out, ')');
      break;
    default:
      meld_buf_printf(p->out, " (%s ",
                      o->kind == MELD_OPT_REALLOC       ? "realloc"
                      : o->kind == MELD_OPT_POST_RETURN ? "post-return"
                                                        : "callback");
      ref(p, n, MELD_SORT_CORE_FUNC, o->index);
      meld_buf_byte(p->out, ')');
      break;
    }
  }
}

/* A space and a reference to index `i` of `sort`, or " (keyword i)". */
static void canon_ref(P *p, const Names *n, const char *keyword, uint8_t sort, uint32_t i) {
  if (keyword)
    meld_buf_printf(p->out, " (%s ", keyword);
  else
    meld_buf_byte(p->out, ' ');
  ref(p, n, sort, i);
  if (keyword) meld_buf_byte(p->out, ')');
}

static void canon(P *p, const MeldCompCanon *c, const Names *n, uint32_t *next) {
  MeldCanonShape shape = meld_canon_shape(c->op);
  if (shape == MELD_CANON_SHAPE_LIFT) {
    meld_buf_cstr(p->out, "(func ");
    bind(p, n, MELD_SORT_FUNC, next);
    canon_ref(p, n, "type", MELD_SORT_TYPE, c->type);
    meld_buf_cstr(p->out, " (canon lift");
    canon_ref(p, n, "core func", MELD_SORT_CORE_FUNC, c->func);
    canon_opts(p, c, n);
    meld_buf_cstr(p->out, "))");
    return;
  }
  const char *name = meld_canon_name(c->op);
  meld_buf_cstr(p->out, "(core func ");
  bind(p, n, MELD_SORT_CORE_FUNC, next);
  meld_buf_printf(p->out, " (canon %s", name ? name : "?");
  switch (shape) {
  case MELD_CANON_SHAPE_NONE:
  case MELD_CANON_SHAPE_LIFT: break;
  case MELD_CANON_SHAPE_LOWER:
    canon_ref(p, n, "func", MELD_SORT_FUNC, c->func);
    canon_opts(p, c, n);
    break;
  case MELD_CANON_SHAPE_TYPE: canon_ref(p, n, NULL, MELD_SORT_TYPE, c->type); break;
  case MELD_CANON_SHAPE_TYPE_OPTS:
    canon_ref(p, n, NULL, MELD_SORT_TYPE, c->type);
    canon_opts(p, c, n);
    break;
  case MELD_CANON_SHAPE_TYPE_ASYNC:
    canon_ref(p, n, NULL, MELD_SORT_TYPE, c->type);
    if (c->flag) meld_buf_cstr(p->out, " async");
    break;
  case MELD_CANON_SHAPE_RESULT_OPTS:
    if (c->has_result) {
      meld_buf_cstr(p->out, " (result ");
      valtype(p, n, c->result);
      meld_buf_byte(p->out, ')');
    }
    canon_opts(p, c, n);
    break;
  case MELD_CANON_SHAPE_CONTEXT:
    meld_buf_printf(p->out, " %s %u", meld_valtype_name(c->valtype), c->imm);
    break;
  case MELD_CANON_SHAPE_OPTS: canon_opts(p, c, n); break;
  case MELD_CANON_SHAPE_ASYNC:
    if (c->flag) meld_buf_cstr(p->out, " async");
    break;
  case MELD_CANON_SHAPE_CANCEL:
    if (c->flag) meld_buf_cstr(p->out, " cancellable");
    break;
  case MELD_CANON_SHAPE_SHARED:
    if (c->flag) meld_buf_cstr(p->out, " shared");
    break;
  case MELD_CANON_SHAPE_CANCEL_MEMORY:
    if (c->flag) meld_buf_cstr(p->out, " cancellable");
    canon_ref(p, n, "memory", MELD_SORT_CORE_MEMORY, c->memory);
    break;
  case MELD_CANON_SHAPE_CORE_TYPE_TABLE:
    canon_ref(p, n, NULL, MELD_SORT_CORE_TYPE, c->type);
    canon_ref(p, n, "core table", MELD_SORT_CORE_TABLE, c->table);
    break;
  case MELD_CANON_SHAPE_SHARED_CORE_TYPE:
    if (c->flag) meld_buf_cstr(p->out, " shared");
    canon_ref(p, n, NULL, MELD_SORT_CORE_TYPE, c->type);
    break;
  case MELD_CANON_SHAPE_SHARED_CORE_TYPE_TABLE:
    if (c->flag) meld_buf_cstr(p->out, " shared");
    canon_ref(p, n, NULL, MELD_SORT_CORE_TYPE, c->type);
    canon_ref(p, n, "core table", MELD_SORT_CORE_TABLE, c->table);
    break;
  }
  meld_buf_cstr(p->out, "))");
}

/* ---- Values (🪙): literals for primitive types, the encoding otherwise ---- */

static bool value_literal(P *p, const MeldCompValue *v) {
  const uint8_t *b = v->bytes, *end = v->bytes + v->len;
  switch (v->type.prim) {
  case MELD_PRIM_BOOL:
    if (v->len != 1 || b[0] > 1) return false;
    meld_buf_cstr(p->out, b[0] ? "true" : "false");
    return true;
  case MELD_PRIM_U8:
    if (v->len != 1) return false;
    meld_buf_printf(p->out, "%u", b[0]);
    return true;
  case MELD_PRIM_S8:
    if (v->len != 1) return false;
    meld_buf_printf(p->out, "%d", (int)(int8_t)b[0]);
    return true;
  case MELD_PRIM_U16:
  case MELD_PRIM_U32:
  case MELD_PRIM_U64: {
    uint64_t x;
    if (meld_leb_u64(&b, end, &x) != MELD_LEB_OK || b != end) return false;
    meld_buf_printf(p->out, "%llu", (unsigned long long)x);
    return true;
  }
  case MELD_PRIM_S16:
  case MELD_PRIM_S32:
  case MELD_PRIM_S64: {
    int64_t x;
    if (meld_leb_s64(&b, end, &x) != MELD_LEB_OK || b != end) return false;
    meld_buf_printf(p->out, "%lld", (long long)x);
    return true;
  }
  case MELD_PRIM_STRING: {
    uint32_t len;
    if (meld_leb_u32(&b, end, &len) != MELD_LEB_OK || len != (uint64_t)(end - b)) return false;
    str_lit(p->out, (const char *)b, len);
    return true;
  }
  default: return false;
  }
}

/* ---- Components ---- */

static void component(P *p, const MeldComponent *c, const Names *outer, uint32_t *outer_next);

static void core_module(P *p, const MeldCoreModuleDef *md, const Names *n, uint32_t *next) {
  MeldBuf text;
  meld_buf_init(&text, p->out->alloc);
  if (!md->module || !meld_core_print(p->ctx, md->module, &text) || text.oom) {
    p->failed = true;
    meld_buf_free(&text);
    return;
  }
  const char *s = (const char *)text.data, *end = s + text.len;
  while (end > s && (end[-1] == '\n' || end[-1] == ' '))
    end--;
  /* Re-head "(module ..." as "(core module $id (;N;) ...". */
  const char *rest = s;
  if (end - s >= 7 && memcmp(s, "(module", 7) == 0) {
    rest = s + 7;
    /* The module's own identifier would collide across modules in the component's space; the
     * component-level name (if any) is the binding. */
    if (rest + 1 < end && rest[0] == ' ' && rest[1] == '$') {
      rest++;
      while (rest < end && *rest != ' ' && *rest != '\n' && *rest != ')')
        rest++;
    }
  }
  meld_buf_cstr(p->out, "(core module ");
  bind(p, n, MELD_SORT_CORE_MODULE, next);
  for (const char *q = rest; q < end; q++) {
    if (*q == '\n')
      nl(p);
    else
      meld_buf_byte(p->out, (uint8_t)*q);
  }
  meld_buf_free(&text);
}

static void section_items(P *p, const MeldComponent *c, const MeldCompSection *s, const Names *n,
                          uint32_t *next) {
  for (uint32_t k = 0; k < s->count; k++) {
    uint32_t i = s->first + k;
    switch (s->id) {
    case MELD_CSEC_CUSTOM: {
      const MeldCompCustom *cu = &c->customs[i];
      if (cu->is_names) continue;
      nl(p);
      meld_buf_cstr(p->out, "(@custom ");
      str(p, cu->name);
      meld_buf_byte(p->out, ' ');
      str_lit(p->out, (const char *)cu->data, cu->size);
      meld_buf_byte(p->out, ')');
      continue;
    }
    case MELD_CSEC_CORE_MODULE:
      nl(p);
      core_module(p, &c->modules[i], n, next);
      continue;
    case MELD_CSEC_COMPONENT:
      nl(p);
      component(p, c->components[i], n, next);
      continue;
    default: break;
    }
    nl(p);
    switch (s->id) {
    case MELD_CSEC_CORE_INSTANCE: {
      const MeldCoreInstance *ci = &c->coreinstances[i];
      meld_buf_cstr(p->out, "(core instance ");
      bind(p, n, MELD_SORT_CORE_INSTANCE, next);
      if (ci->kind == MELD_INST_INSTANTIATE) {
        meld_buf_cstr(p->out, " (instantiate ");
        ref(p, n, MELD_SORT_CORE_MODULE, ci->module);
        for (uint32_t a = 0; a < ci->nargs; a++) {
          meld_buf_cstr(p->out, " (with ");
          str(p, ci->args[a].name);
          meld_buf_cstr(p->out, " (instance ");
          ref(p, n, MELD_SORT_CORE_INSTANCE, ci->args[a].instance);
          meld_buf_cstr(p->out, "))");
        }
        meld_buf_byte(p->out, ')');
      } else {
        for (uint32_t e = 0; e < ci->nexports; e++) {
          meld_buf_cstr(p->out, " (export ");
          str(p, ci->exports[e].name);
          meld_buf_printf(p->out, " (%s ", sort_kw(ci->exports[e].sort) + 5);
          ref(p, n, ci->exports[e].sort, ci->exports[e].index);
          meld_buf_cstr(p->out, "))");
        }
      }
      meld_buf_byte(p->out, ')');
      break;
    }
    case MELD_CSEC_CORE_TYPE: core_type(p, &c->coretypes[i], n, next); break;
    case MELD_CSEC_INSTANCE: {
      const MeldCompInstance *in = &c->instances[i];
      meld_buf_cstr(p->out, "(instance ");
      bind(p, n, MELD_SORT_INSTANCE, next);
      if (in->kind == MELD_INST_INSTANTIATE) {
        meld_buf_cstr(p->out, " (instantiate ");
        ref(p, n, MELD_SORT_COMPONENT, in->component);
        for (uint32_t a = 0; a < in->nargs; a++) {
          meld_buf_cstr(p->out, " (with ");
          str(p, in->args[a].name);
          meld_buf_printf(p->out, " (%s ", sort_kw(in->args[a].sort));
          ref(p, n, in->args[a].sort, in->args[a].index);
          meld_buf_cstr(p->out, "))");
        }
        meld_buf_byte(p->out, ')');
      } else {
        for (uint32_t e = 0; e < in->nexports; e++) {
          meld_buf_cstr(p->out, " (export ");
          extern_name(p, &in->exports[e].name);
          meld_buf_printf(p->out, " (%s ", sort_kw(in->exports[e].sort));
          ref(p, n, in->exports[e].sort, in->exports[e].index);
          meld_buf_cstr(p->out, "))");
        }
      }
      meld_buf_byte(p->out, ')');
      break;
    }
    case MELD_CSEC_ALIAS: alias(p, &c->aliases[i], n, next); break;
    case MELD_CSEC_TYPE:
      meld_buf_cstr(p->out, "(type ");
      bind(p, n, MELD_SORT_TYPE, next);
      if (c->types[i].code != MELD_CT_COMPONENT && c->types[i].code != MELD_CT_INSTANCE)
        meld_buf_byte(p->out, ' ');
      deftype(p, &c->types[i], n);
      meld_buf_byte(p->out, ')');
      break;
    case MELD_CSEC_CANON: canon(p, &c->canons[i], n, next); break;
    case MELD_CSEC_START: {
      const MeldCompStart *st = &c->starts[i];
      meld_buf_cstr(p->out, "(start ");
      ref(p, n, MELD_SORT_FUNC, st->func);
      for (uint32_t a = 0; a < st->nargs; a++) {
        meld_buf_cstr(p->out, " (value ");
        ref(p, n, MELD_SORT_VALUE, st->args[a]);
        meld_buf_byte(p->out, ')');
      }
      for (uint32_t r = 0; r < st->nresults; r++) {
        meld_buf_cstr(p->out, " (result (value ");
        bind(p, n, MELD_SORT_VALUE, next);
        meld_buf_cstr(p->out, "))");
      }
      meld_buf_byte(p->out, ')');
      break;
    }
    case MELD_CSEC_IMPORT:
      meld_buf_cstr(p->out, "(import ");
      extern_name(p, &c->imports[i].name);
      meld_buf_byte(p->out, ' ');
      externtype(p, &c->imports[i].type, n, next, true);
      meld_buf_byte(p->out, ')');
      break;
    case MELD_CSEC_EXPORT: {
      const MeldCompExport *e = &c->exports[i];
      meld_buf_cstr(p->out, "(export ");
      bind(p, n, e->sort, next);
      meld_buf_byte(p->out, ' ');
      extern_name(p, &e->name);
      meld_buf_printf(p->out, " (%s ", sort_kw(e->sort));
      ref(p, n, e->sort, e->index);
      meld_buf_byte(p->out, ')');
      if (e->has_type) {
        meld_buf_byte(p->out, ' ');
        externtype(p, &e->type, n, next, false);
      }
      meld_buf_byte(p->out, ')');
      break;
    }
    case MELD_CSEC_VALUE: {
      const MeldCompValue *v = &c->values[i];
      meld_buf_cstr(p->out, "(value ");
      bind(p, n, MELD_SORT_VALUE, next);
      meld_buf_byte(p->out, ' ');
      valtype(p, n, v->type);
      meld_buf_byte(p->out, ' ');
      if (!value_literal(p, v)) {
        meld_buf_cstr(p->out, "(; encoded ;) ");
        str_lit(p->out, (const char *)v->bytes, v->len);
      }
      meld_buf_byte(p->out, ')');
      break;
    }
    default: meld_buf_printf(p->out, "(; unknown section %u ;)", s->id); break;
    }
  }
}

static void component(P *p, const MeldComponent *c, const Names *outer, uint32_t *outer_next) {
  Names n;
  build_names(p, c, &n);
  meld_buf_cstr(p->out, "(component");
  bool decoded = false, own = false;
  for (uint32_t i = 0; i < c->ncustoms; i++)
    decoded |= c->customs[i].is_names;
  if (decoded && c->names.has_component && c->names.component.len) {
    own = true;
    for (uint32_t i = 0; i < c->names.component.len && own; i++)
      own = idchar((uint8_t)c->names.component.ptr[i]);
    if (own) meld_buf_printf(p->out, " $%.*s", (int)c->names.component.len, c->names.component.ptr);
  }
  if (outer) {
    meld_buf_byte(p->out, ' ');
    uint32_t i = outer_next[MELD_SORT_COMPONENT]++;
    const char *id = outer->ids[MELD_SORT_COMPONENT] && i < outer->counts[MELD_SORT_COMPONENT]
                         ? outer->ids[MELD_SORT_COMPONENT][i]
                         : NULL;
    if (id && !own) meld_buf_printf(p->out, "%s ", id);
    meld_buf_printf(p->out, "(;%u;)", i);
  }
  uint32_t next[MELD_NUM_SORTS] = {0};
  p->indent++;
  for (uint32_t s = 0; s < c->nsections; s++) {
    section_items(p, c, &c->sections[s], &n, next);
    meld_buf_maybe_flush(p->out); /* text is never patched */
  }
  p->indent--;
  nl(p);
  meld_buf_byte(p->out, ')');
}

bool meld_component_print(MeldContext *ctx, const MeldComponent *c, MeldBuf *out) {
  P p;
  memset(&p, 0, sizeof p);
  p.ctx = ctx;
  p.out = out;
  meld_arena_init(&p.arena, ctx->alloc, 0);
  component(&p, c, NULL, NULL);
  meld_buf_byte(out, '\n');
  bool ok = !p.failed;
  if (p.arena.oom || out->oom) {
    meld_error(ctx, c->file, MELD_NO_OFFSET, "out of memory while printing the component");
    ok = false;
  }
  meld_arena_free(&p.arena);
  return ok;
}
