/*
 * --emit=component: the fused core module wrapped back into a component with the WIT-level
 * imports and exports of the program it was fused from (Fuse.h, docs/fusion.md).
 *
 * What it builds, in the shape wit-component gives its components (so that component runtimes
 * and jco take it as they take the components it came from):
 *
 *   imports  one instance import per host interface, its instance type exporting the functions
 *            the program still imports and the resources they use (`(sub resource)` for the
 *            interface's own, an outer alias re-exported with `eq` for another interface's, as
 *            WIT's `use` is encoded); plain functions and resources as plain imports;
 *   core     the fused module.  Each core import is given the `canon lower` of its component
 *            function with the caller's options, or `canon resource.drop`.  A lowering that
 *            needs a memory or a realloc needs the fused instance, which needs the lowering: a
 *            shim module's trampolines (`call_indirect` through a funcref table) stand in for
 *            those imports, and a fixup module instantiated after the fused one fills the table
 *            with the real lowerings.  When there is a shim, the fused module's start function
 *            runs from a module instantiated after the fixup (as wit-component runs
 *            `_initialize`), so it may call any import; otherwise it runs at instantiation.
 *   exports  each exported function lifted with its callee's options; a function exported by
 *            plain name is exported as is; the functions of an exported interface go through a
 *            nested component that names their types (`import-func-*`, `import-type-*` in,
 *            the WIT names out), instantiated and exported under the interface's name.
 *
 * Types are rebuilt from the resolved signatures, each structurally distinct type defined once
 * per scope (an instance type, the component, a nested component).  Records, variants, enums and
 * flags must be named where an import or export uses them, and resolved types do not remember
 * their names: they get synthesized ones (`record1`, `enum2`, ...), the same name for the same
 * type everywhere in the component.  Resources, functions and interfaces keep their names.
 *
 * Needs: a fusion record whose host imports and exports are still those of the module (passes
 * keep them right through meld_module_track), and the core exports `resolve` adds for the
 * memories, reallocs and post-returns of the host interface.  Guarantees: the component it
 * returns passes meld_component_verify (checked here before it is handed out).
 */
#include "meldc/Component.h"
#include "meldc/Fuse.h"
#include "meldc/Verify.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- State ---- */

/* A component being built, with the number of indices defined so far in each sort. */
typedef struct Comp {
  MeldComponent *c;
  uint32_t n[MELD_NUM_SORTS];
} Comp;

typedef enum ScopeKind {
  SC_TOP,           /* the component: types named by `(import "n" (type (eq k)))` */
  SC_INSTANCE,      /* an instance type's declarations: `(export "n" (type (eq k)))` */
  SC_NESTED_IMPORT, /* a nested component's imports: `(import "import-type-n" (type (eq k)))` */
  SC_NESTED_EXPORT, /* its exports: `(export "n" (type k))` */
} ScopeKind;

typedef struct TypeEntry {
  const MeldValTy *t;
  uint32_t hash;
  bool named;
  uint32_t index;
} TypeEntry;

typedef struct FuncEntry {
  const MeldFuncSig *sig;
  uint32_t hash;
  bool named;
  uint32_t index;
} FuncEntry;

/* A type a nested component imports, which its instantiation must supply. */
typedef struct TypeArg {
  MeldStr name;
  const MeldValTy *t; /* a named type, or NULL for a resource */
  uint32_t resource;
} TypeArg;

typedef struct TypeArgs {
  TypeArg *items;
  uint32_t n, cap;
} TypeArgs;

/* Where type definitions go, and what is already defined there. */
typedef struct Scope {
  uint8_t kind;  /* ScopeKind */
  Comp *comp;    /* TOP, NESTED_* */
  MeldStr iface; /* INSTANCE: the interface it types */
  MeldCompDecl *decls; /* INSTANCE */
  uint32_t ndecls, capdecls;
  uint32_t ntypeidx; /* INSTANCE: type indices its declarations introduced */
  MeldStr *names;    /* INSTANCE: names it exports (for renaming a used resource) */
  uint32_t nnames, capnames;
  TypeEntry *types;
  uint32_t ntypes, captypes;
  FuncEntry *funcs;
  uint32_t nfuncs, capfuncs;
  uint32_t *res;  /* resource -> its type index here, or MELD_NONE */
  TypeArgs *args; /* NESTED_* */
} Scope;

/* A synthesized name of a record, variant, enum or flags type. */
typedef struct NamedType {
  const MeldValTy *t;
  uint32_t hash;
  MeldStr name;
} NamedType;

/* A host interface imported as an instance. */
typedef struct Iface {
  MeldStr name;
  uint32_t instance; /* component instance index, once imported */
  uint32_t *deps;    /* interfaces whose resources its functions use */
  uint32_t ndeps, capdeps;
  bool placed;
} Iface;

enum { HOW_DROP, HOW_DIRECT, HOW_SHIM };

/* One core import of the fused module and what it is given. */
typedef struct Host {
  const MeldHostImport *h;
  uint8_t how;
  uint32_t slot; /* HOW_SHIM: trampoline / table slot */
  uint32_t core; /* core func given to the fused instance */
} Host;

/* A component function (a host function's alias or import), by interface and name. */
typedef struct FuncRef {
  MeldStr iface, name;
  const MeldFuncSig *sig;
  uint32_t func;
} FuncRef;

/* A core entity of the fused instance, aliased once. */
typedef struct CoreAlias {
  uint8_t kind; /* MELD_EXTERN_* */
  uint32_t index;
  uint32_t core;
} CoreAlias;

typedef struct Rw {
  MeldContext *ctx;
  MeldArena *arena;
  const MeldModule *m;
  const MeldFusion *f;
  const char *file;
  bool oom, error;
  /* Where a push that failed writes, so that building goes on and fails once at the end. */
  _Alignas(16) unsigned char sink[256];

  Comp top;
  Scope tops;
  bool *used; /* host resources some live function uses */
  Iface *ifaces;
  uint32_t nifaces, capifaces;
  FuncRef *funcrefs;
  uint32_t nfuncrefs, capfuncrefs;
  CoreAlias *corealiases;
  uint32_t ncorealiases, capcorealiases;
  Host *hosts; /* per core import of the fused module */
  uint32_t main_inst;

  MeldStr *taken; /* every name of the program, and the names synthesized so far */
  uint32_t ntaken, captaken;
  NamedType *named;
  uint32_t nnamed, capnamed;
  uint32_t counter[MELD_NUM_VAL_KINDS];
} Rw;

MELD_PRINTF(2, 3)
static void fail(Rw *R, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(&R->ctx->diag, MELD_ERROR, R->file, MELD_NO_OFFSET, fmt, ap);
  va_end(ap);
  R->error = true;
}

/* Appends a zeroed element; on allocation failure returns the sink and remembers it. */
static void *push(Rw *R, void *pitems, uint32_t *n, uint32_t *cap, size_t size) {
  void *p = meld_push(R->arena, pitems, n, cap, size);
  if (!p) {
    assert(size <= sizeof R->sink);
    R->oom = true;
    p = R->sink;
  }
  memset(p, 0, size);
  return p;
}

static void *alloc_array(Rw *R, uint32_t n, size_t size) {
  void *p = meld_arena_calloc(R->arena, n ? n : 1, size);
  if (!p) R->oom = true; /* callers check R->oom before writing */
  return p;
}

/* a + b, in the arena (NUL-terminated). */
static MeldStr join(Rw *R, MeldStr a, MeldStr b) {
  char *p = meld_arena_alloc(R->arena, (size_t)a.len + b.len + 1);
  if (!p) {
    R->oom = true;
    return meld_str("");
  }
  if (a.len) memcpy(p, a.ptr, a.len);
  if (b.len) memcpy(p + a.len, b.ptr, b.len);
  p[a.len + b.len] = 0;
  return (MeldStr){p, a.len + b.len};
}

static MeldStr cat(Rw *R, const char *a, MeldStr b) {
  return join(R, meld_str(a), b);
}

static MeldStr dup_cstr(Rw *R, const char *s) {
  return join(R, meld_str(s), meld_str(""));
}

/* ---- Adding items to a component ---- */

static void section(Rw *R, Comp *k, uint8_t id, uint32_t item) {
  MeldComponent *c = k->c;
  if (c->nsections) {
    MeldCompSection *last = &c->sections[c->nsections - 1];
    if (last->id == id && id != MELD_CSEC_CORE_MODULE && id != MELD_CSEC_COMPONENT &&
        last->first + last->count == item) {
      last->count++;
      return;
    }
  }
  MeldCompSection *s = push(R, &c->sections, &c->nsections, &c->capsections, sizeof *s);
  s->id = id;
  s->first = item;
  s->count = 1;
  s->offset = MELD_NO_OFFSET;
}

static MeldExternName plain_name(MeldStr s) {
  MeldExternName n;
  memset(&n, 0, sizeof n);
  n.name = s;
  return n;
}

static MeldExternType ext(uint8_t kind, uint8_t bound, uint32_t index) {
  MeldExternType e;
  memset(&e, 0, sizeof e);
  e.kind = kind;
  e.bound = bound;
  e.index = index;
  return e;
}

static uint32_t add_type(Rw *R, Comp *k, const MeldCompType *t) {
  MeldComponent *c = k->c;
  uint32_t item = c->ntypes;
  MeldCompType *d = push(R, &c->types, &c->ntypes, &c->captypes, sizeof *d);
  *d = *t;
  d->offset = MELD_NO_OFFSET;
  section(R, k, MELD_CSEC_TYPE, item);
  return k->n[MELD_SORT_TYPE]++;
}

static uint32_t add_import(Rw *R, Comp *k, MeldStr name, MeldExternType type) {
  MeldComponent *c = k->c;
  uint32_t item = c->nimports;
  MeldCompImport *im = push(R, &c->imports, &c->nimports, &c->capimports, sizeof *im);
  im->name = plain_name(name);
  im->type = type;
  im->offset = MELD_NO_OFFSET;
  section(R, k, MELD_CSEC_IMPORT, item);
  return k->n[meld_extern_sort(type.kind)]++;
}

static uint32_t add_export(Rw *R, Comp *k, MeldStr name, MeldSort sort, uint32_t index,
                           const MeldExternType *ascribed) {
  MeldComponent *c = k->c;
  uint32_t item = c->nexports;
  MeldCompExport *ex = push(R, &c->exports, &c->nexports, &c->capexports, sizeof *ex);
  ex->name = plain_name(name);
  ex->sort = (uint8_t)sort;
  ex->index = index;
  if (ascribed) {
    ex->has_type = true;
    ex->type = *ascribed;
  }
  ex->offset = MELD_NO_OFFSET;
  section(R, k, MELD_CSEC_EXPORT, item);
  return k->n[sort]++;
}

static uint32_t add_alias(Rw *R, Comp *k, MeldSort sort, uint8_t target, uint32_t instance,
                          MeldStr name) {
  MeldComponent *c = k->c;
  uint32_t item = c->naliases;
  MeldCompAlias *a = push(R, &c->aliases, &c->naliases, &c->capaliases, sizeof *a);
  a->sort = (uint8_t)sort;
  a->target = target;
  a->instance = instance;
  a->name = name;
  a->offset = MELD_NO_OFFSET;
  section(R, k, MELD_CSEC_ALIAS, item);
  return k->n[sort]++;
}

static uint32_t add_canon(Rw *R, Comp *k, const MeldCompCanon *cn) {
  MeldComponent *c = k->c;
  uint32_t item = c->ncanons;
  MeldCompCanon *d = push(R, &c->canons, &c->ncanons, &c->capcanons, sizeof *d);
  *d = *cn;
  d->offset = MELD_NO_OFFSET;
  section(R, k, MELD_CSEC_CANON, item);
  return k->n[meld_canon_sort(cn->op)]++;
}

static uint32_t add_core_module(Rw *R, Comp *k, MeldModule *mod) {
  MeldComponent *c = k->c;
  uint32_t item = c->nmodules;
  MeldCoreModuleDef *d = push(R, &c->modules, &c->nmodules, &c->capmodules, sizeof *d);
  d->module = mod;
  d->offset = MELD_NO_OFFSET;
  section(R, k, MELD_CSEC_CORE_MODULE, item);
  return k->n[MELD_SORT_CORE_MODULE]++;
}

static uint32_t add_core_instance(Rw *R, Comp *k, const MeldCoreInstance *ci) {
  MeldComponent *c = k->c;
  uint32_t item = c->ncoreinstances;
  MeldCoreInstance *d =
      push(R, &c->coreinstances, &c->ncoreinstances, &c->capcoreinstances, sizeof *d);
  *d = *ci;
  d->offset = MELD_NO_OFFSET;
  section(R, k, MELD_CSEC_CORE_INSTANCE, item);
  return k->n[MELD_SORT_CORE_INSTANCE]++;
}

static uint32_t add_component(Rw *R, Comp *k, MeldComponent *nested) {
  MeldComponent *c = k->c;
  uint32_t item = c->ncomponents;
  MeldComponent **d = push(R, &c->components, &c->ncomponents, &c->capcomponents, sizeof *d);
  *d = nested;
  section(R, k, MELD_CSEC_COMPONENT, item);
  return k->n[MELD_SORT_COMPONENT]++;
}

static uint32_t add_instance(Rw *R, Comp *k, const MeldCompInstance *ci) {
  MeldComponent *c = k->c;
  uint32_t item = c->ninstances;
  MeldCompInstance *d = push(R, &c->instances, &c->ninstances, &c->capinstances, sizeof *d);
  *d = *ci;
  d->offset = MELD_NO_OFFSET;
  section(R, k, MELD_CSEC_INSTANCE, item);
  return k->n[MELD_SORT_INSTANCE]++;
}

/* A core instance of inline exports, built one export at a time. */
typedef struct Bag {
  MeldCoreInlineExport *items;
  uint32_t n, cap;
} Bag;

static void bag_add(Rw *R, Bag *b, MeldStr name, MeldSort sort, uint32_t index) {
  MeldCoreInlineExport *e = push(R, &b->items, &b->n, &b->cap, sizeof *e);
  e->name = name;
  e->sort = (uint8_t)sort;
  e->index = index;
}

static uint32_t add_bag(Rw *R, Comp *k, const Bag *b) {
  MeldCoreInstance ci;
  memset(&ci, 0, sizeof ci);
  ci.kind = MELD_INST_EXPORTS;
  ci.exports = b->items;
  ci.nexports = b->n;
  return add_core_instance(R, k, &ci);
}

/* ---- Resolved types: structural identity ---- */

static uint32_t mix(uint32_t h, uint32_t v) {
  return h ^ (v + 0x9e3779b9u + (h << 6) + (h >> 2));
}

static uint32_t str_hash(MeldStr s) {
  return s.len ? meld_hash_bytes(s.ptr, s.len, 0x5bd1e995u) : 0;
}

static uint32_t ty_hash(const MeldValTy *t) {
  if (!t) return 0x27d4eb2fu;
  uint32_t h = mix((uint32_t)t->kind + 1, t->n);
  switch ((MeldValKind)t->kind) {
  case MELD_VT_RECORD:
  case MELD_VT_VARIANT:
    for (uint32_t i = 0; i < t->n; i++) h = mix(mix(h, str_hash(t->labels[i])), ty_hash(t->types[i]));
    break;
  case MELD_VT_TUPLE:
    for (uint32_t i = 0; i < t->n; i++) h = mix(h, ty_hash(t->types[i]));
    break;
  case MELD_VT_ENUM:
  case MELD_VT_FLAGS:
    for (uint32_t i = 0; i < t->n; i++) h = mix(h, str_hash(t->labels[i]));
    break;
  case MELD_VT_LIST:
  case MELD_VT_FIXED_LIST:
  case MELD_VT_OPTION:
  case MELD_VT_STREAM:
  case MELD_VT_FUTURE: h = mix(h, ty_hash(t->a)); break;
  case MELD_VT_RESULT:
  case MELD_VT_MAP: h = mix(mix(h, ty_hash(t->a)), ty_hash(t->b)); break;
  case MELD_VT_OWN:
  case MELD_VT_BORROW: h = mix(h, t->resource); break;
  default: break;
  }
  return h;
}

static bool ty_eq(const MeldValTy *a, const MeldValTy *b) {
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind) return false;
  switch ((MeldValKind)a->kind) {
  case MELD_VT_RECORD:
  case MELD_VT_VARIANT:
  case MELD_VT_TUPLE:
  case MELD_VT_ENUM:
  case MELD_VT_FLAGS:
    if (a->n != b->n) return false;
    for (uint32_t i = 0; i < a->n; i++) {
      if (a->kind != MELD_VT_TUPLE && !meld_str_eq(a->labels[i], b->labels[i])) return false;
      if (a->kind != MELD_VT_ENUM && a->kind != MELD_VT_FLAGS && !ty_eq(a->types[i], b->types[i]))
        return false;
    }
    return true;
  case MELD_VT_FIXED_LIST: return a->n == b->n && ty_eq(a->a, b->a);
  case MELD_VT_LIST:
  case MELD_VT_OPTION:
  case MELD_VT_STREAM:
  case MELD_VT_FUTURE: return ty_eq(a->a, b->a);
  case MELD_VT_RESULT:
  case MELD_VT_MAP: return ty_eq(a->a, b->a) && ty_eq(a->b, b->b);
  case MELD_VT_OWN:
  case MELD_VT_BORROW: return a->resource == b->resource;
  default: return true;
  }
}

static uint32_t sig_hash(const MeldFuncSig *s) {
  uint32_t h = mix(s->nparams, s->async);
  for (uint32_t i = 0; i < s->nparams; i++)
    h = mix(mix(h, str_hash(s->param_names ? s->param_names[i] : meld_str(""))),
            ty_hash(s->params[i]));
  return mix(h, ty_hash(s->result));
}

static bool sig_eq(const MeldFuncSig *a, const MeldFuncSig *b) {
  if (a == b) return true;
  if (a->nparams != b->nparams || a->async != b->async || !ty_eq(a->result, b->result))
    return false;
  for (uint32_t i = 0; i < a->nparams; i++) {
    MeldStr na = a->param_names ? a->param_names[i] : meld_str("");
    MeldStr nb = b->param_names ? b->param_names[i] : meld_str("");
    if (!meld_str_eq(na, nb) || !ty_eq(a->params[i], b->params[i])) return false;
  }
  return true;
}

static bool nominal(uint8_t kind) {
  return kind == MELD_VT_RECORD || kind == MELD_VT_VARIANT || kind == MELD_VT_ENUM ||
         kind == MELD_VT_FLAGS;
}

static uint8_t prim_of(uint8_t kind) {
  switch ((MeldValKind)kind) {
  case MELD_VT_BOOL: return MELD_PRIM_BOOL;
  case MELD_VT_S8: return MELD_PRIM_S8;
  case MELD_VT_U8: return MELD_PRIM_U8;
  case MELD_VT_S16: return MELD_PRIM_S16;
  case MELD_VT_U16: return MELD_PRIM_U16;
  case MELD_VT_S32: return MELD_PRIM_S32;
  case MELD_VT_U32: return MELD_PRIM_U32;
  case MELD_VT_S64: return MELD_PRIM_S64;
  case MELD_VT_U64: return MELD_PRIM_U64;
  case MELD_VT_F32: return MELD_PRIM_F32;
  case MELD_VT_F64: return MELD_PRIM_F64;
  case MELD_VT_CHAR: return MELD_PRIM_CHAR;
  case MELD_VT_STRING: return MELD_PRIM_STRING;
  case MELD_VT_ERROR_CONTEXT: return MELD_PRIM_ERROR_CONTEXT;
  default: return 0;
  }
}

/* Marks the resources a type uses. */
static void mark_resources(const MeldValTy *t, bool *set, uint32_t nres) {
  if (!t) return;
  switch ((MeldValKind)t->kind) {
  case MELD_VT_OWN:
  case MELD_VT_BORROW:
    if (t->resource < nres) set[t->resource] = true;
    break;
  case MELD_VT_RECORD:
  case MELD_VT_VARIANT:
  case MELD_VT_TUPLE:
    for (uint32_t i = 0; i < t->n; i++) mark_resources(t->types[i], set, nres);
    break;
  case MELD_VT_ENUM:
  case MELD_VT_FLAGS: break;
  default:
    mark_resources(t->a, set, nres);
    mark_resources(t->b, set, nres);
    break;
  }
}

static void mark_sig_resources(const MeldFuncSig *s, bool *set, uint32_t nres) {
  for (uint32_t i = 0; i < s->nparams; i++) mark_resources(s->params[i], set, nres);
  mark_resources(s->result, set, nres);
}

/* ---- Names ---- */

static bool str_ieq(MeldStr a, MeldStr b) {
  if (a.len != b.len) return false;
  for (uint32_t i = 0; i < a.len; i++) {
    char x = a.ptr[i], y = b.ptr[i];
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

static bool name_in(MeldStr name, const MeldStr *list, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (str_ieq(name, list[i])) return true;
  return false;
}

static void take(Rw *R, MeldStr name) {
  *(MeldStr *)push(R, &R->taken, &R->ntaken, &R->captaken, sizeof name) = name;
}

/* The synthesized name of a record, variant, enum or flags type: the same for structurally
 * equal types, distinct from every name the program uses. */
static MeldStr type_name(Rw *R, const MeldValTy *t) {
  uint32_t h = ty_hash(t);
  for (uint32_t i = 0; i < R->nnamed; i++)
    if (R->named[i].hash == h && ty_eq(R->named[i].t, t)) return R->named[i].name;
  const char *base = t->kind == MELD_VT_RECORD    ? "record"
                     : t->kind == MELD_VT_VARIANT ? "variant"
                     : t->kind == MELD_VT_ENUM    ? "enum"
                                                  : "flags";
  char buf[32];
  for (;;) {
    snprintf(buf, sizeof buf, "%s%u", base, ++R->counter[t->kind]);
    if (!name_in(meld_str(buf), R->taken, R->ntaken)) break;
  }
  MeldStr name = dup_cstr(R, buf);
  take(R, name);
  NamedType *nt = push(R, &R->named, &R->nnamed, &R->capnamed, sizeof *nt);
  nt->t = t;
  nt->hash = h;
  nt->name = name;
  return name;
}

/* ---- Type definitions in a scope ---- */

static uint32_t resource_index(Rw *R, Scope *S, uint32_t r);

static MeldCompDecl *add_decl(Rw *R, Scope *S, uint8_t kind) {
  MeldCompDecl *d = push(R, &S->decls, &S->ndecls, &S->capdecls, sizeof *d);
  d->kind = kind;
  d->offset = MELD_NO_OFFSET;
  return d;
}

static uint32_t define(Rw *R, Scope *S, const MeldCompType *def) {
  if (S->kind != SC_INSTANCE) return add_type(R, S->comp, def);
  MeldCompType *copy = meld_arena_memdup(R->arena, def, sizeof *def);
  if (!copy) R->oom = true;
  add_decl(R, S, MELD_DECL_TYPE)->type = copy;
  return S->ntypeidx++;
}

static void add_type_arg(Rw *R, Scope *S, MeldStr name, const MeldValTy *t, uint32_t r) {
  TypeArg *a = push(R, &S->args->items, &S->args->n, &S->args->cap, sizeof *a);
  a->name = name;
  a->t = t;
  a->resource = r;
}

/* Gives type `index` (a record, variant, enum or flags) a name in the scope; returns the index
 * to refer to it by. */
static uint32_t name_type(Rw *R, Scope *S, uint32_t index, const MeldValTy *t) {
  MeldStr name = type_name(R, t);
  switch ((ScopeKind)S->kind) {
  case SC_INSTANCE: {
    MeldCompDecl *d = add_decl(R, S, MELD_DECL_EXPORT);
    d->name = plain_name(name);
    d->ext = ext(MELD_EXT_TYPE, MELD_BOUND_EQ, index);
    return S->ntypeidx++;
  }
  case SC_TOP: return add_import(R, S->comp, name, ext(MELD_EXT_TYPE, MELD_BOUND_EQ, index));
  case SC_NESTED_IMPORT: {
    MeldStr in = cat(R, "import-type-", name);
    add_type_arg(R, S, in, t, MELD_NONE);
    return add_import(R, S->comp, in, ext(MELD_EXT_TYPE, MELD_BOUND_EQ, index));
  }
  case SC_NESTED_EXPORT: return add_export(R, S->comp, name, MELD_SORT_TYPE, index, NULL);
  }
  return index;
}

static MeldCompValType valtype(Rw *R, Scope *S, const MeldValTy *t, bool named);

static MeldCompField *fields_of(Rw *R, Scope *S, const MeldValTy *t, bool named) {
  MeldCompField *fs = alloc_array(R, t->n, sizeof *fs);
  if (R->oom) return fs;
  for (uint32_t i = 0; i < t->n; i++) {
    if (t->kind != MELD_VT_TUPLE) fs[i].label = t->labels[i];
    if (t->kind == MELD_VT_ENUM || t->kind == MELD_VT_FLAGS) continue;
    if (t->types[i]) {
      fs[i].has_type = true;
      fs[i].type = valtype(R, S, t->types[i], named);
    }
  }
  return fs;
}

/* The component value type for `t` in scope S.  `named`: every record, variant, enum and flags
 * type it uses has a name (always so outside the top scope). */
static MeldCompValType valtype(Rw *R, Scope *S, const MeldValTy *t, bool named) {
  MeldCompValType v = {0, 0};
  if ((v.prim = prim_of(t->kind)) != 0) return v;
  v.prim = MELD_PRIM_BOOL; /* what an error leaves */
  if (S->kind != SC_TOP) named = true;
  uint32_t h = ty_hash(t);
  for (uint32_t i = 0; i < S->ntypes; i++) {
    const TypeEntry *e = &S->types[i];
    if (e->hash == h && e->named == named && ty_eq(e->t, t)) {
      v.prim = 0;
      v.index = e->index;
      return v;
    }
  }
  MeldCompType d;
  memset(&d, 0, sizeof d);
  switch ((MeldValKind)t->kind) {
  case MELD_VT_RECORD: d.code = MELD_CT_RECORD; break;
  case MELD_VT_VARIANT: d.code = MELD_CT_VARIANT; break;
  case MELD_VT_TUPLE: d.code = MELD_CT_TUPLE; break;
  case MELD_VT_ENUM: d.code = MELD_CT_ENUM; break;
  case MELD_VT_FLAGS: d.code = MELD_CT_FLAGS; break;
  case MELD_VT_LIST: d.code = MELD_CT_LIST; break;
  case MELD_VT_FIXED_LIST: d.code = MELD_CT_FIXED_LIST; break;
  case MELD_VT_OPTION: d.code = MELD_CT_OPTION; break;
  case MELD_VT_RESULT: d.code = MELD_CT_RESULT; break;
  case MELD_VT_MAP: d.code = MELD_CT_MAP; break;
  case MELD_VT_OWN: d.code = MELD_CT_OWN; break;
  case MELD_VT_BORROW: d.code = MELD_CT_BORROW; break;
  case MELD_VT_STREAM: d.code = MELD_CT_STREAM; break;
  case MELD_VT_FUTURE: d.code = MELD_CT_FUTURE; break;
  default:
    fail(R, "--emit=component: cannot write a type of kind %u", t->kind);
    return v;
  }
  switch (d.code) {
  case MELD_CT_RECORD:
  case MELD_CT_VARIANT:
  case MELD_CT_TUPLE:
  case MELD_CT_ENUM:
  case MELD_CT_FLAGS:
    d.fields = fields_of(R, S, t, named);
    d.nfields = t->n;
    break;
  case MELD_CT_OWN:
  case MELD_CT_BORROW: d.resource = resource_index(R, S, t->resource); break;
  case MELD_CT_FIXED_LIST: d.length = t->n; /* fall through */
  default:
    if (t->a) {
      d.has_a = true;
      d.a = valtype(R, S, t->a, named);
    }
    if (t->b) {
      d.has_b = true;
      d.b = valtype(R, S, t->b, named);
    }
    break;
  }
  if (R->error || R->oom) return v;
  uint32_t index = define(R, S, &d);
  if (named && nominal(t->kind)) index = name_type(R, S, index, t);
  TypeEntry *e = push(R, &S->types, &S->ntypes, &S->captypes, sizeof *e);
  e->t = t;
  e->hash = h;
  e->named = named;
  e->index = index;
  v.prim = 0;
  v.index = index;
  return v;
}

/* The function type for `sig` in scope S. */
static uint32_t functype(Rw *R, Scope *S, const MeldFuncSig *sig, bool named) {
  if (S->kind != SC_TOP) named = true;
  uint32_t h = sig_hash(sig);
  for (uint32_t i = 0; i < S->nfuncs; i++) {
    const FuncEntry *e = &S->funcs[i];
    if (e->hash == h && e->named == named && sig_eq(e->sig, sig)) return e->index;
  }
  MeldCompType d;
  memset(&d, 0, sizeof d);
  d.code = sig->async ? MELD_CT_ASYNC_FUNC : MELD_CT_FUNC;
  d.fields = alloc_array(R, sig->nparams, sizeof *d.fields);
  d.nfields = sig->nparams;
  for (uint32_t i = 0; !R->oom && i < sig->nparams; i++) {
    d.fields[i].label = sig->param_names ? sig->param_names[i] : meld_str("");
    d.fields[i].has_type = true;
    d.fields[i].type = valtype(R, S, sig->params[i], named);
  }
  if (sig->result) {
    d.has_a = true;
    d.a = valtype(R, S, sig->result, named);
  }
  if (R->error || R->oom) return 0;
  uint32_t index = define(R, S, &d);
  FuncEntry *e = push(R, &S->funcs, &S->nfuncs, &S->capfuncs, sizeof *e);
  e->sig = sig;
  e->hash = h;
  e->named = named;
  e->index = index;
  return index;
}

static uint32_t *resource_map(Rw *R) {
  uint32_t n = R->f->nresources;
  uint32_t *map = alloc_array(R, n, sizeof *map);
  if (!R->oom) memset(map, 0xff, (size_t)(n ? n : 1) * sizeof *map);
  return map;
}

static Iface *find_iface(Rw *R, MeldStr name) {
  for (uint32_t i = 0; i < R->nifaces; i++)
    if (meld_str_eq(R->ifaces[i].name, name)) return &R->ifaces[i];
  return NULL;
}

/* Resource r in the component: an alias of its interface's export, or a plain import. */
static uint32_t top_resource(Rw *R, uint32_t r) {
  if (R->tops.res[r] != MELD_NONE) return R->tops.res[r];
  const MeldFusedResource *fr = &R->f->resources[r];
  uint32_t index;
  if (!fr->interface.len) {
    index = add_import(R, &R->top, fr->name, ext(MELD_EXT_TYPE, MELD_BOUND_SUB_RESOURCE, 0));
  } else {
    const Iface *I = find_iface(R, fr->interface);
    if (!I || I->instance == MELD_NONE) {
      fail(R, "--emit=component: resource \"%.*s\" of \"%.*s\" is used before its interface is "
           "imported", (int)fr->name.len, fr->name.ptr, (int)fr->interface.len,
           fr->interface.ptr);
      return 0;
    }
    index = add_alias(R, &R->top, MELD_SORT_TYPE, MELD_ALIAS_EXPORT, I->instance, fr->name);
  }
  return R->tops.res[r] = index;
}

/* The type index of resource r in scope S (declared, aliased or imported the first time). */
static uint32_t resource_index(Rw *R, Scope *S, uint32_t r) {
  if (r >= R->f->nresources) {
    fail(R, "--emit=component: resource %u out of range", r);
    return 0;
  }
  const MeldFusedResource *fr = &R->f->resources[r];
  if (!fr->host) {
    fail(R, "--emit=component: resource \"%.*s\" is defined by a component of the program: "
         "resources with handle tables are not supported by fusion yet", (int)fr->name.len,
         fr->name.ptr);
    return 0;
  }
  if (S->res[r] != MELD_NONE) return S->res[r];
  uint32_t index;
  switch ((ScopeKind)S->kind) {
  case SC_TOP: return top_resource(R, r);
  case SC_INSTANCE: {
    /* Another interface's resource (the instance's own are declared first): WIT's `use`. */
    uint32_t outer = top_resource(R, r);
    MeldCompDecl *a = add_decl(R, S, MELD_DECL_ALIAS);
    a->alias.sort = MELD_SORT_TYPE;
    a->alias.target = MELD_ALIAS_OUTER;
    a->alias.count = 1;
    a->alias.index = outer;
    a->alias.offset = MELD_NO_OFFSET;
    uint32_t aliased = S->ntypeidx++;
    MeldStr name = fr->name;
    for (uint32_t k = 2; name_in(name, S->names, S->nnames) && !R->oom; k++) {
      char num[16];
      snprintf(num, sizeof num, "%u", k);
      name = join(R, fr->name, meld_str(num));
    }
    *(MeldStr *)push(R, &S->names, &S->nnames, &S->capnames, sizeof name) = name;
    MeldCompDecl *d = add_decl(R, S, MELD_DECL_EXPORT);
    d->name = plain_name(name);
    d->ext = ext(MELD_EXT_TYPE, MELD_BOUND_EQ, aliased);
    index = S->ntypeidx++;
    break;
  }
  default: {
    MeldStr in = cat(R, "import-type-", fr->name);
    add_type_arg(R, S, in, NULL, r);
    index = add_import(R, S->comp, in, ext(MELD_EXT_TYPE, MELD_BOUND_SUB_RESOURCE, 0));
    break;
  }
  }
  return S->res[r] = index;
}

/* ---- The host interface ---- */

static bool is_drop(const MeldHostImport *h) {
  static const char prefix[] = "[resource-drop]";
  return h->func.len > sizeof prefix - 1 && memcmp(h->func.ptr, prefix, sizeof prefix - 1) == 0 &&
         h->sig->nparams == 1 && h->sig->params[0]->kind == MELD_VT_OWN;
}

/* Which canonical options a function's types need (as resolve's export_abi_entities and the
 * verifier see it): a memory, a realloc. */
static void abi_needs(const MeldFuncSig *sig, MeldAbiContext cx, bool *mem, bool *alloc) {
  MeldCoreSig cs;
  meld_abi_core_sig(sig, cx, &cs);
  bool params = false;
  for (uint32_t i = 0; i < sig->nparams; i++) params |= meld_abi_needs_memory(sig->params[i]);
  bool result = sig->result && meld_abi_needs_memory(sig->result);
  *mem = cs.params_spilled || cs.result_spilled || params || result;
  *alloc = cx == MELD_CONTEXT_LIFT ? cs.params_spilled || params : result;
}

static MeldStr export_name_of(const MeldModule *m, uint8_t kind, uint32_t index) {
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == kind && m->exports[i].index == index) return m->exports[i].name;
  return meld_str("");
}

/* A memory or function of the fused instance, aliased from its export. */
static uint32_t core_entity(Rw *R, uint8_t kind, uint32_t index, const char *what) {
  for (uint32_t i = 0; i < R->ncorealiases; i++)
    if (R->corealiases[i].kind == kind && R->corealiases[i].index == index)
      return R->corealiases[i].core;
  MeldStr name = index == MELD_NONE ? meld_str("") : export_name_of(R->m, kind, index);
  if (!name.len) {
    if (index == MELD_NONE) fail(R, "--emit=component: the Canonical ABI needs a %s here and the "
                                 "options name none", what);
    else fail(R, "--emit=component: the fused module does not export %s %u, which the Canonical "
              "ABI uses as a %s", meld_extern_kind_name(kind), index, what);
    return 0;
  }
  MeldSort sort = kind == MELD_EXTERN_MEMORY ? MELD_SORT_CORE_MEMORY : MELD_SORT_CORE_FUNC;
  uint32_t core = add_alias(R, &R->top, sort, MELD_ALIAS_CORE_EXPORT, R->main_inst, name);
  CoreAlias *a = push(R, &R->corealiases, &R->ncorealiases, &R->capcorealiases, sizeof *a);
  a->kind = kind;
  a->index = index;
  a->core = core;
  return core;
}

typedef struct Opts {
  MeldCanonOpt items[6];
  uint32_t n;
} Opts;

static void opt(Opts *o, uint8_t kind, uint32_t index) {
  o->items[o->n].kind = kind;
  o->items[o->n].index = index;
  o->n++;
}

/* The canonical options of a lowering or lifting, with the entities its types need. */
static void canon_opts(Rw *R, const MeldFuncSig *sig, const MeldAbiOpts *ao, MeldAbiContext cx,
                       Opts *o) {
  bool mem, alloc;
  abi_needs(sig, cx, &mem, &alloc);
  o->n = 0;
  if (ao->encoding == MELD_ENC_UTF16) opt(o, MELD_OPT_UTF16, 0);
  else if (ao->encoding == MELD_ENC_LATIN1_UTF16) opt(o, MELD_OPT_LATIN1_UTF16, 0);
  if (mem) opt(o, MELD_OPT_MEMORY, core_entity(R, MELD_EXTERN_MEMORY, ao->memory, "memory"));
  if (alloc) opt(o, MELD_OPT_REALLOC, core_entity(R, MELD_EXTERN_FUNC, ao->realloc, "realloc"));
  if (cx == MELD_CONTEXT_LIFT && ao->post_return != MELD_NONE)
    opt(o, MELD_OPT_POST_RETURN, core_entity(R, MELD_EXTERN_FUNC, ao->post_return, "post-return"));
}

static MeldCanonOpt *opts_copy(Rw *R, const Opts *o) {
  MeldCanonOpt *p = alloc_array(R, o->n, sizeof *p);
  if (!R->oom && o->n) memcpy(p, o->items, o->n * sizeof *p);
  return p;
}

/* The component function of host import h: an alias of its instance's export, or the plain
 * import. */
static uint32_t host_func(Rw *R, const MeldHostImport *h) {
  for (uint32_t i = 0; i < R->nfuncrefs; i++) {
    const FuncRef *fr = &R->funcrefs[i];
    if (meld_str_eq(fr->iface, h->interface) && meld_str_eq(fr->name, h->func)) return fr->func;
  }
  const Iface *I = find_iface(R, h->interface);
  if (!I || I->instance == MELD_NONE) {
    fail(R, "--emit=component: \"%.*s\" of \"%.*s\" was not imported", (int)h->func.len,
         h->func.ptr, (int)h->interface.len, h->interface.ptr);
    return 0;
  }
  uint32_t func = add_alias(R, &R->top, MELD_SORT_FUNC, MELD_ALIAS_EXPORT, I->instance, h->func);
  FuncRef *fr = push(R, &R->funcrefs, &R->nfuncrefs, &R->capfuncrefs, sizeof *fr);
  fr->iface = h->interface;
  fr->name = h->func;
  fr->sig = h->sig;
  fr->func = func;
  return func;
}

/* Is h the first live host import of its function (the others share its component function)?
 * Two of them must agree on the function's type. */
static bool first_of_func(Rw *R, uint32_t k) {
  const MeldHostImport *h = R->hosts[k].h;
  for (uint32_t i = 0; i < k; i++) {
    const MeldHostImport *g = R->hosts[i].h;
    if (!meld_str_eq(g->interface, h->interface) || !meld_str_eq(g->func, h->func)) continue;
    if (!sig_eq(g->sig, h->sig))
      fail(R, "--emit=component: \"%.*s\" of \"%.*s\" is imported with two different types",
           (int)h->func.len, h->func.ptr, (int)h->interface.len, h->interface.ptr);
    return false;
  }
  return true;
}

/* The interfaces to import, each after those whose resources it uses. */
static void plan_interfaces(Rw *R) {
  const MeldFusion *f = R->f;
  uint32_t nimp = R->m->nimports;
  for (uint32_t k = 0; k < nimp; k++) {
    const MeldHostImport *h = R->hosts[k].h;
    if (h->interface.len && !find_iface(R, h->interface)) {
      Iface *I = push(R, &R->ifaces, &R->nifaces, &R->capifaces, sizeof *I);
      I->name = h->interface;
      I->instance = MELD_NONE;
    }
  }
  for (uint32_t r = 0; r < f->nresources; r++)
    if (R->used[r] && f->resources[r].host && f->resources[r].interface.len &&
        !find_iface(R, f->resources[r].interface)) {
      Iface *I = push(R, &R->ifaces, &R->nifaces, &R->capifaces, sizeof *I);
      I->name = f->resources[r].interface;
      I->instance = MELD_NONE;
    }
  bool *set = alloc_array(R, f->nresources, sizeof *set);
  for (uint32_t i = 0; !R->oom && i < R->nifaces; i++) {
    memset(set, 0, f->nresources ? f->nresources : 1);
    for (uint32_t k = 0; k < nimp; k++) {
      const MeldHostImport *h = R->hosts[k].h;
      if (meld_str_eq(h->interface, R->ifaces[i].name) && R->hosts[k].how != HOW_DROP)
        mark_sig_resources(h->sig, set, f->nresources);
    }
    for (uint32_t r = 0; r < f->nresources; r++) {
      if (!set[r] || meld_str_eq(f->resources[r].interface, R->ifaces[i].name)) continue;
      Iface *J = find_iface(R, f->resources[r].interface);
      if (!J) continue; /* a plain resource, imported on its own */
      uint32_t j = (uint32_t)(J - R->ifaces);
      Iface *I = &R->ifaces[i];
      *(uint32_t *)push(R, &I->deps, &I->ndeps, &I->capdeps, sizeof j) = j;
    }
  }
}

/* The instance type of interface I: its resources, then its functions. */
static void import_interface(Rw *R, Iface *I) {
  const MeldFusion *f = R->f;
  Scope S;
  memset(&S, 0, sizeof S);
  S.kind = SC_INSTANCE;
  S.iface = I->name;
  S.res = resource_map(R);
  if (R->oom) return;
  uint32_t nimp = R->m->nimports;
  for (uint32_t k = 0; k < nimp; k++) {
    const MeldHostImport *h = R->hosts[k].h;
    if (meld_str_eq(h->interface, I->name) && R->hosts[k].how != HOW_DROP)
      *(MeldStr *)push(R, &S.names, &S.nnames, &S.capnames, sizeof h->func) = h->func;
  }
  for (uint32_t r = 0; r < f->nresources; r++) {
    const MeldFusedResource *fr = &f->resources[r];
    if (!R->used[r] || !fr->host || !meld_str_eq(fr->interface, I->name)) continue;
    MeldCompDecl *d = add_decl(R, &S, MELD_DECL_EXPORT);
    d->name = plain_name(fr->name);
    d->ext = ext(MELD_EXT_TYPE, MELD_BOUND_SUB_RESOURCE, 0);
    S.res[r] = S.ntypeidx++;
    *(MeldStr *)push(R, &S.names, &S.nnames, &S.capnames, sizeof fr->name) = fr->name;
  }
  for (uint32_t k = 0; k < nimp && !R->error; k++) {
    const MeldHostImport *h = R->hosts[k].h;
    if (!meld_str_eq(h->interface, I->name) || R->hosts[k].how == HOW_DROP || !first_of_func(R, k))
      continue;
    uint32_t t = functype(R, &S, h->sig, true);
    MeldCompDecl *d = add_decl(R, &S, MELD_DECL_EXPORT);
    d->name = plain_name(h->func);
    d->ext = ext(MELD_EXT_FUNC, 0, t);
  }
  MeldCompType it;
  memset(&it, 0, sizeof it);
  it.code = MELD_CT_INSTANCE;
  it.decls = S.decls;
  it.ndecls = S.ndecls;
  uint32_t type = add_type(R, &R->top, &it);
  I->instance = add_import(R, &R->top, I->name, ext(MELD_EXT_INSTANCE, 0, type));
}

static void import_all(Rw *R) {
  plan_interfaces(R);
  for (uint32_t placed = 0; placed < R->nifaces && !R->error && !R->oom; placed++) {
    Iface *pick = NULL;
    for (uint32_t i = 0; i < R->nifaces && !pick; i++) {
      Iface *I = &R->ifaces[i];
      bool ready = !I->placed;
      for (uint32_t d = 0; d < I->ndeps && ready; d++) ready = R->ifaces[I->deps[d]].placed;
      if (ready) pick = I;
    }
    if (!pick) {
      fail(R, "--emit=component: the host interfaces use each other's resources in a cycle");
      return;
    }
    pick->placed = true;
    import_interface(R, pick);
  }
  /* Plain functions. */
  uint32_t nimp = R->m->nimports;
  for (uint32_t k = 0; k < nimp && !R->error && !R->oom; k++) {
    const MeldHostImport *h = R->hosts[k].h;
    if (h->interface.len || R->hosts[k].how == HOW_DROP || !first_of_func(R, k)) continue;
    uint32_t t = functype(R, &R->tops, h->sig, true);
    uint32_t func = add_import(R, &R->top, h->func, ext(MELD_EXT_FUNC, 0, t));
    FuncRef *fr = push(R, &R->funcrefs, &R->nfuncrefs, &R->capfuncrefs, sizeof *fr);
    fr->iface = h->interface;
    fr->name = h->func;
    fr->sig = h->sig;
    fr->func = func;
  }
}

/* ---- Core modules ---- */

static MeldModule *new_module(Rw *R) {
  MeldModule *mod = meld_module_new(R->arena);
  if (!mod) {
    R->oom = true;
    return NULL;
  }
  mod->file = R->m->file;
  mod->start = MELD_NONE;
  mod->start_at = MELD_NO_OFFSET;
  return mod;
}

static uint32_t intern(Rw *R, MeldModule *mod, const MeldFuncType *t) {
  uint32_t i = meld_module_intern_type(mod, R->arena, t->params, t->nparams, t->results,
                                       t->nresults);
  if (i == MELD_NONE) {
    R->oom = true;
    return 0;
  }
  return i;
}

static void mod_export(Rw *R, MeldModule *mod, MeldStr name, uint8_t kind, uint32_t index) {
  MeldExport *e = push(R, &mod->exports, &mod->nexports, &mod->capexports, sizeof *e);
  e->name = name;
  e->kind = kind;
  e->index = index;
  e->at = MELD_NO_OFFSET;
}

static void mod_import_func(Rw *R, MeldModule *mod, MeldStr module, MeldStr name, uint32_t type) {
  MeldImport *im = push(R, &mod->imports, &mod->nimports, &mod->capimports, sizeof *im);
  im->module = module;
  im->name = name;
  im->kind = MELD_EXTERN_FUNC;
  im->index = mod->nfuncs;
  im->at = MELD_NO_OFFSET;
  MeldFunc *fn = push(R, &mod->funcs, &mod->nfuncs, &mod->capfuncs, sizeof *fn);
  fn->type = type;
  fn->import = mod->nimports - 1;
  fn->origin = MELD_NONE;
  fn->at = fn->codeoffset = MELD_NO_OFFSET;
  mod->nimportfuncs = mod->nfuncs;
}

static MeldStr slot_name(Rw *R, uint32_t slot) {
  char buf[16];
  snprintf(buf, sizeof buf, "%u", slot);
  return dup_cstr(R, buf);
}

static const MeldFuncType *import_type(Rw *R, const Host *x) {
  return &R->m->types[R->m->funcs[x->h->import].type];
}

/* The shim: a funcref table and, per slot, a trampoline that calls through it. */
static MeldModule *shim_module(Rw *R, uint32_t nslots) {
  MeldModule *mod = new_module(R);
  if (!mod) return NULL;
  MeldTable *t = push(R, &mod->tables, &mod->ntables, &mod->captables, sizeof *t);
  t->elem = MELD_FUNCREF;
  t->limits.min = t->limits.max = nslots;
  t->limits.has_max = true;
  t->import = MELD_NONE;
  t->origin = MELD_NONE;
  t->at = MELD_NO_OFFSET;
  mod_export(R, mod, meld_str("$imports"), MELD_EXTERN_TABLE, 0);
  for (uint32_t k = 0; k < R->m->nimports; k++) {
    const Host *x = &R->hosts[k];
    if (x->how != HOW_SHIM) continue;
    const MeldFuncType *ft = import_type(R, x);
    uint32_t type = intern(R, mod, ft);
    MeldFunc *fn = push(R, &mod->funcs, &mod->nfuncs, &mod->capfuncs, sizeof *fn);
    fn->type = type;
    fn->import = MELD_NONE;
    fn->origin = MELD_NONE;
    fn->at = fn->codeoffset = MELD_NO_OFFSET;
    fn->decoded = true;
    fn->ninstrs = fn->capinstrs = ft->nparams + 3;
    fn->instrs = alloc_array(R, fn->ninstrs, sizeof *fn->instrs);
    if (R->oom) return NULL;
    for (uint32_t p = 0; p < ft->nparams; p++) {
      fn->instrs[p].op = MELD_OP_LocalGet;
      fn->instrs[p].x = p;
    }
    fn->instrs[ft->nparams].op = MELD_OP_I32Const;
    fn->instrs[ft->nparams].i32 = (int32_t)x->slot;
    fn->instrs[ft->nparams + 1].op = MELD_OP_CallIndirect;
    fn->instrs[ft->nparams + 1].x = type;
    fn->instrs[ft->nparams + 1].y = 0;
    fn->instrs[ft->nparams + 2].op = MELD_OP_End;
    mod_export(R, mod, slot_name(R, x->slot), MELD_EXTERN_FUNC, mod->nfuncs - 1);
  }
  return mod;
}

/* The fixup: imports the shim's table and the lowered functions, and fills the table. */
static MeldModule *fixup_module(Rw *R, uint32_t nslots) {
  MeldModule *mod = new_module(R);
  if (!mod) return NULL;
  MeldImport *im = push(R, &mod->imports, &mod->nimports, &mod->capimports, sizeof *im);
  im->module = meld_str("");
  im->name = meld_str("$imports");
  im->kind = MELD_EXTERN_TABLE;
  im->index = 0;
  im->at = MELD_NO_OFFSET;
  MeldTable *t = push(R, &mod->tables, &mod->ntables, &mod->captables, sizeof *t);
  t->elem = MELD_FUNCREF;
  t->limits.min = t->limits.max = nslots;
  t->limits.has_max = true;
  t->import = 0;
  t->origin = MELD_NONE;
  t->at = MELD_NO_OFFSET;
  mod->nimporttables = 1;
  for (uint32_t k = 0; k < R->m->nimports; k++) {
    const Host *x = &R->hosts[k];
    if (x->how == HOW_SHIM)
      mod_import_func(R, mod, meld_str(""), slot_name(R, x->slot), intern(R, mod, import_type(R, x)));
  }
  MeldElem *e = push(R, &mod->elems, &mod->nelems, &mod->capelems, sizeof *e);
  e->mode = MELD_SEG_ACTIVE;
  e->type = MELD_FUNCREF;
  e->table = 0;
  e->offset.instrs = alloc_array(R, 2, sizeof *e->offset.instrs);
  e->offset.ninstrs = 2;
  e->offset.at = MELD_NO_OFFSET;
  e->ninit = nslots;
  e->funcs = alloc_array(R, nslots, sizeof *e->funcs);
  e->at = MELD_NO_OFFSET;
  if (R->oom) return NULL;
  e->offset.instrs[0].op = MELD_OP_I32Const;
  e->offset.instrs[0].i32 = 0;
  e->offset.instrs[1].op = MELD_OP_End;
  /* Slot k is filled with import k (slots are numbered in import order). */
  for (uint32_t k = 0; k < nslots; k++) e->funcs[k] = k;
  return mod;
}

/* The starter: calls the fused module's start function once the fixup has run. */
static MeldModule *starter_module(Rw *R) {
  MeldModule *mod = new_module(R);
  if (!mod) return NULL;
  MeldFuncType none = {0, 0, NULL, NULL, MELD_NO_OFFSET};
  mod_import_func(R, mod, meld_str(""), meld_str("start"), intern(R, mod, &none));
  mod->start = 0;
  return mod;
}

/* The fused module as the component holds it: the same module, or (when its start must wait for
 * the fixup) a copy without the start and with the start function exported as `*start_name`. */
static MeldModule *main_module(Rw *R, bool defer_start, MeldStr *start_name) {
  MeldModule *mm = meld_arena_memdup(R->arena, R->m, sizeof *R->m);
  if (!mm) {
    R->oom = true;
    return NULL;
  }
  if (!defer_start) return mm;
  mm->exports = alloc_array(R, R->m->nexports + 1, sizeof *mm->exports);
  if (R->oom) return NULL;
  memcpy(mm->exports, R->m->exports, R->m->nexports * sizeof *mm->exports);
  mm->capexports = mm->nexports + 1;
  char buf[32];
  for (uint32_t k = 0;; k++) {
    snprintf(buf, sizeof buf, k ? "$meld-start%u" : "$meld-start", k);
    bool taken = false;
    for (uint32_t i = 0; i < R->m->nexports && !taken; i++)
      taken = meld_str_eq_cstr(R->m->exports[i].name, buf);
    if (!taken) break;
  }
  *start_name = dup_cstr(R, buf);
  mod_export(R, mm, *start_name, MELD_EXTERN_FUNC, R->m->start);
  mm->start = MELD_NONE;
  return mm;
}

/* ---- The core instances ---- */

static void instantiate_core(Rw *R) {
  const MeldModule *m = R->m;
  uint32_t nslots = 0;
  for (uint32_t k = 0; k < m->nimports; k++)
    if (R->hosts[k].how == HOW_SHIM) R->hosts[k].slot = nslots++;
  bool defer_start = nslots && m->start != MELD_NONE;
  MeldStr start_name = {"", 0};
  MeldModule *mm = main_module(R, defer_start, &start_name);
  MeldModule *shim = nslots ? shim_module(R, nslots) : NULL;
  MeldModule *fix = nslots ? fixup_module(R, nslots) : NULL;
  MeldModule *starter = defer_start ? starter_module(R) : NULL;
  if (R->oom) return;
  uint32_t main_mod = add_core_module(R, &R->top, mm);
  uint32_t shim_mod = shim ? add_core_module(R, &R->top, shim) : 0;
  uint32_t fix_mod = fix ? add_core_module(R, &R->top, fix) : 0;
  uint32_t start_mod = starter ? add_core_module(R, &R->top, starter) : 0;

  /* What needs no memory is lowered before the fused instance exists. */
  for (uint32_t k = 0; k < m->nimports && !R->error; k++) {
    Host *x = &R->hosts[k];
    MeldCompCanon cn;
    memset(&cn, 0, sizeof cn);
    if (x->how == HOW_DROP) {
      cn.op = MELD_CANON_RESOURCE_DROP;
      cn.type = top_resource(R, x->h->sig->params[0]->resource);
      x->core = add_canon(R, &R->top, &cn);
    } else if (x->how == HOW_DIRECT) {
      Opts o;
      cn.op = MELD_CANON_LOWER;
      cn.func = host_func(R, x->h);
      canon_opts(R, x->h->sig, &x->h->lower, MELD_CONTEXT_LOWER, &o);
      cn.opts = opts_copy(R, &o);
      cn.nopts = o.n;
      x->core = add_canon(R, &R->top, &cn);
    }
  }
  uint32_t shim_inst = 0;
  if (nslots) {
    MeldCoreInstance ci;
    memset(&ci, 0, sizeof ci);
    ci.kind = MELD_INST_INSTANTIATE;
    ci.module = shim_mod;
    shim_inst = add_core_instance(R, &R->top, &ci);
    for (uint32_t k = 0; k < m->nimports; k++) {
      Host *x = &R->hosts[k];
      if (x->how == HOW_SHIM)
        x->core = add_alias(R, &R->top, MELD_SORT_CORE_FUNC, MELD_ALIAS_CORE_EXPORT, shim_inst,
                            slot_name(R, x->slot));
    }
  }

  /* One instance of inline exports per import module, in first-import order. */
  MeldCoreInstArg *args = alloc_array(R, m->nimports, sizeof *args);
  uint32_t nargs = 0;
  for (uint32_t k = 0; k < m->nimports && !R->oom; k++) {
    MeldStr module = m->imports[k].module;
    bool seen = false;
    for (uint32_t a = 0; a < nargs && !seen; a++) seen = meld_str_eq(args[a].name, module);
    if (seen) continue;
    Bag bag = {NULL, 0, 0};
    for (uint32_t j = k; j < m->nimports; j++)
      if (meld_str_eq(m->imports[j].module, module))
        bag_add(R, &bag, m->imports[j].name, MELD_SORT_CORE_FUNC, R->hosts[j].core);
    args[nargs].name = module;
    args[nargs].instance = add_bag(R, &R->top, &bag);
    nargs++;
  }
  MeldCoreInstance ci;
  memset(&ci, 0, sizeof ci);
  ci.kind = MELD_INST_INSTANTIATE;
  ci.module = main_mod;
  ci.args = args;
  ci.nargs = nargs;
  R->main_inst = add_core_instance(R, &R->top, &ci);

  if (nslots) {
    Bag bag = {NULL, 0, 0};
    bag_add(R, &bag, meld_str("$imports"), MELD_SORT_CORE_TABLE,
            add_alias(R, &R->top, MELD_SORT_CORE_TABLE, MELD_ALIAS_CORE_EXPORT, shim_inst,
                      meld_str("$imports")));
    for (uint32_t k = 0; k < m->nimports && !R->error; k++) {
      const Host *x = &R->hosts[k];
      if (x->how != HOW_SHIM) continue;
      Opts o;
      MeldCompCanon cn;
      memset(&cn, 0, sizeof cn);
      cn.op = MELD_CANON_LOWER;
      cn.func = host_func(R, x->h);
      canon_opts(R, x->h->sig, &x->h->lower, MELD_CONTEXT_LOWER, &o);
      cn.opts = opts_copy(R, &o);
      cn.nopts = o.n;
      bag_add(R, &bag, slot_name(R, x->slot), MELD_SORT_CORE_FUNC, add_canon(R, &R->top, &cn));
    }
    MeldCoreInstArg *fa = alloc_array(R, 1, sizeof *fa);
    if (R->oom) return;
    fa->name = meld_str("");
    fa->instance = add_bag(R, &R->top, &bag);
    memset(&ci, 0, sizeof ci);
    ci.kind = MELD_INST_INSTANTIATE;
    ci.module = fix_mod;
    ci.args = fa;
    ci.nargs = 1;
    add_core_instance(R, &R->top, &ci);
  }
  if (defer_start) {
    Bag bag = {NULL, 0, 0};
    bag_add(R, &bag, meld_str("start"), MELD_SORT_CORE_FUNC,
            add_alias(R, &R->top, MELD_SORT_CORE_FUNC, MELD_ALIAS_CORE_EXPORT, R->main_inst,
                      start_name));
    MeldCoreInstArg *sa = alloc_array(R, 1, sizeof *sa);
    if (R->oom) return;
    sa->name = meld_str("");
    sa->instance = add_bag(R, &R->top, &bag);
    memset(&ci, 0, sizeof ci);
    ci.kind = MELD_INST_INSTANTIATE;
    ci.module = start_mod;
    ci.args = sa;
    ci.nargs = 1;
    add_core_instance(R, &R->top, &ci);
  }
}

/* ---- Exports ---- */

/* canon lift of host export h. */
static uint32_t lift(Rw *R, const MeldHostExport *h, bool named) {
  if (h->sig->async || h->lift.async) {
    fail(R, "--emit=component: export \"%.*s\": the async ABI is not supported yet",
         (int)h->name.len, h->name.ptr);
    return 0;
  }
  bool found = false;
  for (uint32_t i = 0; i < R->m->nexports && !found; i++)
    found = R->m->exports[i].kind == MELD_EXTERN_FUNC && meld_str_eq(R->m->exports[i].name, h->name);
  if (!found) {
    fail(R, "--emit=component: the fused module no longer exports \"%.*s\"", (int)h->name.len,
         h->name.ptr);
    return 0;
  }
  MeldCompCanon cn;
  memset(&cn, 0, sizeof cn);
  Opts o;
  cn.op = MELD_CANON_LIFT;
  cn.func = add_alias(R, &R->top, MELD_SORT_CORE_FUNC, MELD_ALIAS_CORE_EXPORT, R->main_inst,
                      h->name);
  canon_opts(R, h->sig, &h->lift, MELD_CONTEXT_LIFT, &o);
  cn.opts = opts_copy(R, &o);
  cn.nopts = o.n;
  cn.type = functype(R, &R->tops, h->sig, named);
  return add_canon(R, &R->top, &cn);
}

/* The functions of exported interface `iface` (exports [first, end) with that interface, some
 * of them), through a nested component that names their types. */
static void export_interface(Rw *R, MeldStr iface) {
  const MeldFusion *f = R->f;
  MeldComponent *nc = meld_component_new(R->arena);
  if (!nc) {
    R->oom = true;
    return;
  }
  nc->file = R->m->file;
  Comp nk;
  memset(&nk, 0, sizeof nk);
  nk.c = nc;
  TypeArgs targs = {NULL, 0, 0};
  Scope imp, exp;
  memset(&imp, 0, sizeof imp);
  memset(&exp, 0, sizeof exp);
  imp.kind = SC_NESTED_IMPORT;
  exp.kind = SC_NESTED_EXPORT;
  imp.comp = exp.comp = &nk;
  imp.res = exp.res = resource_map(R);
  imp.args = exp.args = &targs;
  uint32_t *lifted = alloc_array(R, f->nexports, sizeof *lifted);
  uint32_t *inner = alloc_array(R, f->nexports, sizeof *inner);
  if (R->oom) return;
  for (uint32_t i = 0; i < f->nexports && !R->error; i++) {
    const MeldHostExport *h = &f->exports[i];
    if (!meld_str_eq(h->interface, iface)) continue;
    lifted[i] = lift(R, h, false);
    uint32_t t = functype(R, &imp, h->sig, true);
    inner[i] = add_import(R, &nk, cat(R, "import-func-", h->func), ext(MELD_EXT_FUNC, 0, t));
  }
  for (uint32_t i = 0; i < f->nexports && !R->error; i++) {
    const MeldHostExport *h = &f->exports[i];
    if (!meld_str_eq(h->interface, iface)) continue;
    MeldExternType as = ext(MELD_EXT_FUNC, 0, functype(R, &exp, h->sig, true));
    add_export(R, &nk, h->func, MELD_SORT_FUNC, inner[i], &as);
  }
  if (R->error || R->oom) return;
  if (!meld_component_index(nc, R->arena)) {
    R->oom = true;
    return;
  }
  uint32_t comp = add_component(R, &R->top, nc);
  MeldCompInstance ci;
  memset(&ci, 0, sizeof ci);
  ci.kind = MELD_INST_INSTANTIATE;
  ci.component = comp;
  uint32_t capargs = 0;
  for (uint32_t i = 0; i < f->nexports; i++) {
    const MeldHostExport *h = &f->exports[i];
    if (!meld_str_eq(h->interface, iface)) continue;
    MeldCompInstArg *a = push(R, &ci.args, &ci.nargs, &capargs, sizeof *a);
    a->name = cat(R, "import-func-", h->func);
    a->sort = MELD_SORT_FUNC;
    a->index = lifted[i];
  }
  for (uint32_t i = 0; i < targs.n; i++) {
    const TypeArg *ta = &targs.items[i];
    uint32_t index = ta->t ? valtype(R, &R->tops, ta->t, false).index : top_resource(R, ta->resource);
    MeldCompInstArg *a = push(R, &ci.args, &ci.nargs, &capargs, sizeof *a);
    a->name = ta->name;
    a->sort = MELD_SORT_TYPE;
    a->index = index;
  }
  add_export(R, &R->top, iface, MELD_SORT_INSTANCE, add_instance(R, &R->top, &ci), NULL);
}

static void export_all(Rw *R) {
  const MeldFusion *f = R->f;
  for (uint32_t i = 0; i < f->nexports && !R->error && !R->oom; i++) {
    const MeldHostExport *h = &f->exports[i];
    if (!h->interface.len) {
      add_export(R, &R->top, h->func, MELD_SORT_FUNC, lift(R, h, true), NULL);
      continue;
    }
    bool seen = false;
    for (uint32_t j = 0; j < i && !seen; j++) seen = meld_str_eq(f->exports[j].interface, h->interface);
    if (!seen) export_interface(R, h->interface);
  }
}

/* ---- Entry point ---- */

/* Pairs each core import of the fused module with its host import and decides how it is
 * given. */
static void classify(Rw *R) {
  const MeldModule *m = R->m;
  const MeldFusion *f = R->f;
  R->hosts = alloc_array(R, m->nimports, sizeof *R->hosts);
  R->used = alloc_array(R, f->nresources, sizeof *R->used);
  if (R->oom) return;
  for (uint32_t k = 0; k < m->nimports; k++) {
    const MeldImport *im = &m->imports[k];
    if (im->kind != MELD_EXTERN_FUNC) {
      fail(R, "--emit=component: the fused module imports the %s \"%.*s\" \"%.*s\": only "
           "functions of the host interface can be imported", meld_extern_kind_name(im->kind),
           (int)im->module.len, im->module.ptr, (int)im->name.len, im->name.ptr);
      return;
    }
    const MeldHostImport *h = NULL;
    for (uint32_t i = 0; i < f->nimports && !h; i++)
      if (f->imports[i].import == im->index) h = &f->imports[i];
    if (!h) {
      fail(R, "--emit=component: core import \"%.*s\" \"%.*s\" is not a host import of the "
           "fused program", (int)im->module.len, im->module.ptr, (int)im->name.len, im->name.ptr);
      return;
    }
    Host *x = &R->hosts[k];
    x->h = h;
    if (is_drop(h)) {
      x->how = HOW_DROP;
    } else {
      bool mem, alloc;
      abi_needs(h->sig, MELD_CONTEXT_LOWER, &mem, &alloc);
      x->how = mem || alloc ? HOW_SHIM : HOW_DIRECT;
      if (h->sig->async || h->lower.async) {
        fail(R, "--emit=component: import \"%.*s\" \"%.*s\": the async ABI is not supported yet",
             (int)im->module.len, im->module.ptr, (int)im->name.len, im->name.ptr);
        return;
      }
    }
    mark_sig_resources(h->sig, R->used, f->nresources);
  }
  for (uint32_t i = 0; i < f->nexports; i++)
    mark_sig_resources(f->exports[i].sig, R->used, f->nresources);
  /* Names a synthesized type name must not take. */
  for (uint32_t i = 0; i < f->nimports; i++) {
    take(R, f->imports[i].func);
    take(R, f->imports[i].interface);
  }
  for (uint32_t i = 0; i < f->nexports; i++) {
    take(R, f->exports[i].func);
    take(R, f->exports[i].interface);
  }
  for (uint32_t r = 0; r < f->nresources; r++) take(R, f->resources[r].name);
}

bool meld_fusion_component(MeldContext *ctx, MeldArena *arena, const MeldModule *m,
                           const MeldFusion *f, struct MeldComponent **out) {
  Rw *R = meld_arena_calloc(arena, 1, sizeof *R);
  if (!R) {
    meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while wrapping the fused module");
    return false;
  }
  R->ctx = ctx;
  R->arena = arena;
  R->m = m;
  R->f = f;
  R->file = m->file;
  R->top.c = meld_component_new(arena);
  if (!R->top.c) R->oom = true;
  else R->top.c->file = m->file;
  R->tops.kind = SC_TOP;
  R->tops.comp = &R->top;
  R->tops.res = resource_map(R);
  R->main_inst = MELD_NONE;
  if (!R->oom) classify(R);
  if (!R->error && !R->oom) import_all(R);
  if (!R->error && !R->oom) instantiate_core(R);
  if (!R->error && !R->oom) export_all(R);
  if (!R->error && !R->oom && !meld_component_index(R->top.c, arena)) R->oom = true;
  if (R->oom && !R->error)
    meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while wrapping the fused module");
  if (R->oom || R->error) return false;
  if (!meld_component_verify(ctx, R->top.c)) {
    meld_error(ctx, m->file, MELD_NO_OFFSET,
               "--emit=component made an invalid component (a meldc bug)");
    return false;
  }
  *out = R->top.c;
  return true;
}
