/*
 * resolve: fuse components into one core module.
 *
 * What it does: evaluates the component instance graph of the inputs symbolically (Resolve.h):
 * every core module instantiation becomes a copy of that module in the fused module, linked to
 * what its imports were given; every canon lower of a function another instance of the program
 * lifted becomes a boundary with an entry the `adapter` pass fills; every component import nobody
 * provides becomes a core import (module = interface, field = function); the root's lifted
 * functions become core exports.  Several input files are linked by interface name, with
 * semver-compatible versions.  Then the fused module is assembled: indices remapped (raw bodies
 * are rewritten, not decoded), identical function types shared, active segments kept, start
 * functions called in instantiation order, and wit-component's shim/fixup trampolines (indirect
 * calls through a private table filled once) replaced by direct calls.
 *
 * Why: a component boundary inside one program costs a host round trip and keeps every
 * component's allocator alive; fused, the program is one module an optimizer and a native
 * backend can see through.
 *
 * Needs: components (MELD_PROP_COMPONENT).  Refuses, with errors naming them: resources and the
 * async built-ins (a later issue), values and component-level start functions, core tags,
 * components that import core modules or components from the host.
 *
 * Guarantees: a valid core module (multi-memory: each component instance keeps its memories,
 * tables and globals) behaving as the components linked by a component runtime, except that
 * cross-component calls reach entries that trap until `adapter` runs (MELD_PROP_ADAPTED is
 * removed); every fused entity's `origin` names its component instance; the unit's `fusion`
 * record lists instances, boundaries, host imports and exports (indices tracked through
 * later renumbering).  Active element and data segments of every module instance are applied
 * when the fused module is instantiated, before any start function runs (docs/fusion.md).
 */
#include "Fuse/Resolve.h"
#include "Passes/PassRegistry.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- Errors ---- */

MELD_PRINTF(3, 4)
static bool fail_at(Resolver *R, uint64_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(&R->ctx->diag, MELD_ERROR, R->file, offset, fmt, ap);
  va_end(ap);
  return false;
}

static bool oom(Resolver *R) {
  return fail_at(R, MELD_NO_OFFSET, "out of memory while fusing");
}

#define TRY(x)                                                                                     \
  do {                                                                                             \
    if (!(x)) return false;                                                                        \
  } while (0)

/* ---- Scopes ---- */

static Scope *scope_new(Resolver *R, Scope *outer, const MeldComponent *comp, uint32_t instance) {
  Scope *s = meld_arena_calloc(R->arena, 1, sizeof *s);
  if (!s) {
    oom(R);
    return NULL;
  }
  s->outer = outer;
  s->comp = comp;
  s->instance = instance;
  return s;
}

static bool push(Resolver *R, Scope *s, MeldSort sort, Ent e) {
  Ent *slot = MELD_PUSH(R->arena, s->ents[sort], s->nents[sort], s->capents[sort]);
  if (!slot) return oom(R);
  *slot = e;
  return true;
}

static bool get(Resolver *R, Scope *s, MeldSort sort, uint32_t index, Ent *out) {
  if (index >= s->nents[sort])
    return fail_at(R, MELD_NO_OFFSET, "%s index %u out of range (%u defined)",
                   meld_sort_name(sort), index, s->nents[sort]);
  *out = s->ents[sort][index];
  return true;
}

bool meld_scope_type(Resolver *R, Scope *scope, uint32_t index, Ent *out) {
  return get(R, scope, MELD_SORT_TYPE, index, out);
}

static Ent ent(uint8_t kind, uint32_t idx) {
  Ent e;
  memset(&e, 0, sizeof e);
  e.kind = kind;
  e.idx = idx;
  return e;
}

static uint8_t ent_kind_of_sort(MeldSort sort) {
  switch (sort) {
  case MELD_SORT_CORE_FUNC: return ENT_CORE_FUNC;
  case MELD_SORT_CORE_TABLE: return ENT_CORE_TABLE;
  case MELD_SORT_CORE_MEMORY: return ENT_CORE_MEMORY;
  case MELD_SORT_CORE_GLOBAL: return ENT_CORE_GLOBAL;
  case MELD_SORT_CORE_TYPE: return ENT_CORE_TYPE;
  case MELD_SORT_CORE_MODULE: return ENT_CORE_MODULE;
  case MELD_SORT_CORE_INSTANCE: return ENT_CORE_INSTANCE;
  case MELD_SORT_FUNC: return ENT_FUNC;
  case MELD_SORT_COMPONENT: return ENT_COMPONENT;
  case MELD_SORT_INSTANCE: return ENT_INSTANCE;
  default: return ENT_NONE;
  }
}

/* Does the entity fit the sort (types may be resources)? */
static bool ent_fits(const Ent *e, MeldSort sort) {
  if (sort == MELD_SORT_TYPE) return e->kind == ENT_TYPE || e->kind == ENT_RESOURCE;
  return e->kind == ent_kind_of_sort(sort);
}

/* ---- Instances of the fused program ---- */

static uint32_t new_instance(Resolver *R, MeldStr path, uint32_t parent, uint32_t input) {
  MeldFusion *F = R->fusion;
  MeldFusedInstance *fi = MELD_PUSH(R->arena, F->instances, F->ninstances, F->capinstances);
  if (!fi) {
    oom(R);
    return MELD_NONE;
  }
  fi->path = path;
  fi->parent = parent;
  fi->input = input;
  fi->memory = MELD_NONE;
  return F->ninstances - 1;
}

/* a + sep + b, in the arena (sep may be 0 for none). */
static MeldStr str_join(Resolver *R, MeldStr a, char sep, MeldStr b) {
  MeldBuf buf;
  meld_buf_init(&buf, R->ctx->alloc);
  meld_buf_bytes(&buf, a.ptr, a.len);
  if (sep) meld_buf_byte(&buf, (uint8_t)sep);
  meld_buf_bytes(&buf, b.ptr, b.len);
  MeldStr tmp = {(const char *)buf.data, (uint32_t)buf.len}, out = {NULL, 0};
  if (!buf.oom) out = meld_str_dup(R->arena, tmp);
  meld_buf_free(&buf);
  if (!out.ptr) oom(R);
  return out;
}

/* ---- Slots ---- */

static uint32_t new_func_slot(Resolver *R, uint8_t kind, uint32_t minst, uint32_t local,
                              uint32_t aux) {
  FuncSlot *s = MELD_PUSH(R->arena, R->funcs, R->nfuncs, R->capfuncs);
  if (!s) {
    oom(R);
    return MELD_NONE;
  }
  s->kind = kind;
  s->minst = minst;
  s->local = local;
  s->aux = aux;
  s->final = MELD_NONE;
  return R->nfuncs - 1;
}

static uint32_t new_def_slot(Resolver *R, DefSlot **items, uint32_t *n, uint32_t *cap,
                             uint32_t minst, uint32_t local) {
  DefSlot *s = MELD_PUSH(R->arena, *items, *n, *cap);
  if (!s) {
    oom(R);
    return MELD_NONE;
  }
  s->minst = minst;
  s->local = local;
  s->final = MELD_NONE;
  return *n - 1;
}

/* The core signature of a function slot (as params/results of a MeldFuncType, arena-backed). */
static bool slot_sig(Resolver *R, uint32_t slot, MeldFuncType *out) {
  const FuncSlot *s = &R->funcs[slot];
  memset(out, 0, sizeof *out);
  if (s->kind == SLOT_MODULE) {
    const ModInst *mi = &R->minsts[s->minst];
    *out = mi->m->types[mi->m->funcs[s->local].type];
    return true;
  }
  if (s->kind == SLOT_START) return true;
  const MeldFuncSig *sig = s->kind == SLOT_HOST ? R->fusion->imports[s->aux].sig
                                                : R->fusion->boundaries[s->aux].sig;
  MeldCoreSig cs;
  meld_abi_core_sig(sig, MELD_CONTEXT_LOWER, &cs);
  out->nparams = cs.nparams;
  out->nresults = cs.nresults;
  out->params = meld_arena_memdup(R->arena, cs.params, cs.nparams ? cs.nparams : 1);
  out->results = meld_arena_memdup(R->arena, cs.results, cs.nresults ? cs.nresults : 1);
  if (!out->params || !out->results) return oom(R);
  return true;
}

static bool functype_equal(const MeldFuncType *a, const MeldFuncType *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         (!a->nparams || memcmp(a->params, b->params, a->nparams) == 0) &&
         (!a->nresults || memcmp(a->results, b->results, a->nresults) == 0);
}

/* ---- Core instances ---- */

static uint32_t new_coreinst(Resolver *R, uint32_t minst, const MeldStr *names, const Ent *ents,
                             uint32_t n) {
  CoreInst *ci = MELD_PUSH(R->arena, R->coreinsts, R->ncoreinsts, R->capcoreinsts);
  if (!ci) {
    oom(R);
    return MELD_NONE;
  }
  ci->minst = minst;
  ci->names = names;
  ci->ents = ents;
  ci->nexports = n;
  return R->ncoreinsts - 1;
}

/* The export `name` of a core instance, of the given core sort. */
static bool core_export(Resolver *R, uint32_t coreinst, MeldStr name, MeldSort sort, Ent *out,
                        uint64_t at) {
  const CoreInst *ci = &R->coreinsts[coreinst];
  if (ci->minst == MELD_NONE) {
    for (uint32_t i = 0; i < ci->nexports; i++)
      if (meld_str_eq(ci->names[i], name)) {
        if (!ent_fits(&ci->ents[i], sort))
          return fail_at(R, at, "core instance export \"%.*s\" is not a %s", (int)name.len,
                         name.ptr, meld_sort_name(sort));
        *out = ci->ents[i];
        return true;
      }
    return fail_at(R, at, "core instance has no export \"%.*s\"", (int)name.len, name.ptr);
  }
  const ModInst *mi = &R->minsts[ci->minst];
  for (uint32_t i = 0; i < mi->m->nexports; i++) {
    const MeldExport *e = &mi->m->exports[i];
    if (!meld_str_eq(e->name, name)) continue;
    switch (e->kind) {
    case MELD_EXTERN_FUNC: *out = ent(ENT_CORE_FUNC, mi->funcs[e->index]); break;
    case MELD_EXTERN_TABLE: *out = ent(ENT_CORE_TABLE, mi->tables[e->index]); break;
    case MELD_EXTERN_MEMORY: *out = ent(ENT_CORE_MEMORY, mi->memories[e->index]); break;
    default: *out = ent(ENT_CORE_GLOBAL, mi->globals[e->index]); break;
    }
    if (!ent_fits(out, sort))
      return fail_at(R, at, "core module export \"%.*s\" is not a %s", (int)name.len, name.ptr,
                     meld_sort_name(sort));
    return true;
  }
  return fail_at(R, at, "core module instance has no export \"%.*s\"", (int)name.len, name.ptr);
}

/* Instantiates a core module: a new copy of it in the fused program, its imports bound to the
 * entities the arguments' instances export. */
static bool instantiate_module(Resolver *R, Scope *s, const MeldCoreInstance *ci, Ent *out) {
  Ent me;
  TRY(get(R, s, MELD_SORT_CORE_MODULE, ci->module, &me));
  const MeldModule *m = me.module;
  ModInst *mi = MELD_PUSH(R->arena, R->minsts, R->nminsts, R->capminsts);
  if (!mi) return oom(R);
  uint32_t minst = R->nminsts - 1;
  mi->m = m;
  mi->instance = s->instance;
  mi->funcs = meld_arena_alloc(R->arena, (size_t)(m->nfuncs + 1) * sizeof *mi->funcs);
  mi->tables = meld_arena_alloc(R->arena, (size_t)(m->ntables + 1) * sizeof *mi->tables);
  mi->memories = meld_arena_alloc(R->arena, (size_t)(m->nmemories + 1) * sizeof *mi->memories);
  mi->globals = meld_arena_alloc(R->arena, (size_t)(m->nglobals + 1) * sizeof *mi->globals);
  if (!mi->funcs || !mi->tables || !mi->memories || !mi->globals) return oom(R);

  for (uint32_t i = 0; i < m->nimports; i++) {
    const MeldImport *im = &m->imports[i];
    const MeldCoreInstArg *arg = NULL;
    for (uint32_t a = 0; a < ci->nargs; a++)
      if (meld_str_eq(ci->args[a].name, im->module)) arg = &ci->args[a];
    if (!arg)
      return fail_at(R, ci->offset, "core module import \"%.*s\" \"%.*s\": no instance \"%.*s\" "
                     "given to the instantiation", (int)im->module.len, im->module.ptr,
                     (int)im->name.len, im->name.ptr, (int)im->module.len, im->module.ptr);
    Ent inst, e;
    TRY(get(R, s, MELD_SORT_CORE_INSTANCE, arg->instance, &inst));
    static const MeldSort sorts[] = {MELD_SORT_CORE_FUNC, MELD_SORT_CORE_TABLE,
                                     MELD_SORT_CORE_MEMORY, MELD_SORT_CORE_GLOBAL};
    if (im->kind > MELD_EXTERN_GLOBAL) return fail_at(R, ci->offset, "unsupported import kind");
    TRY(core_export(R, inst.idx, im->name, sorts[im->kind], &e, ci->offset));
    switch (im->kind) {
    case MELD_EXTERN_FUNC: {
      MeldFuncType have;
      TRY(slot_sig(R, e.idx, &have));
      if (R->funcs[e.idx].kind != SLOT_START &&
          !functype_equal(&have, &m->types[m->funcs[im->index].type]))
        return fail_at(R, ci->offset,
                       "core function import \"%.*s\" \"%.*s\" is given a function of another "
                       "type", (int)im->module.len, im->module.ptr, (int)im->name.len,
                       im->name.ptr);
      mi->funcs[im->index] = e.idx;
      break;
    }
    case MELD_EXTERN_TABLE: mi->tables[im->index] = e.idx; break;
    case MELD_EXTERN_MEMORY: mi->memories[im->index] = e.idx; break;
    default: mi->globals[im->index] = e.idx; break;
    }
  }
  for (uint32_t k = m->nimportfuncs; k < m->nfuncs; k++)
    if ((mi->funcs[k] = new_func_slot(R, SLOT_MODULE, minst, k, 0)) == MELD_NONE) return false;
  for (uint32_t k = m->nimporttables; k < m->ntables; k++)
    if ((mi->tables[k] = new_def_slot(R, &R->tables, &R->ntables, &R->captables, minst, k)) ==
        MELD_NONE)
      return false;
  for (uint32_t k = m->nimportmemories; k < m->nmemories; k++)
    if ((mi->memories[k] = new_def_slot(R, &R->memories, &R->nmemories, &R->capmemories, minst,
                                        k)) == MELD_NONE)
      return false;
  for (uint32_t k = m->nimportglobals; k < m->nglobals; k++)
    if ((mi->globals[k] = new_def_slot(R, &R->globals, &R->nglobals, &R->capglobals, minst, k)) ==
        MELD_NONE)
      return false;
  if (m->start != MELD_NONE) {
    uint32_t *st = MELD_PUSH(R->arena, R->starts, R->nstarts, R->capstarts);
    if (!st) return oom(R);
    *st = mi->funcs[m->start];
  }
  uint32_t c = new_coreinst(R, minst, NULL, NULL, 0);
  if (c == MELD_NONE) return false;
  *out = ent(ENT_CORE_INSTANCE, c);
  return true;
}

static bool inline_core_instance(Resolver *R, Scope *s, const MeldCoreInstance *ci, Ent *out) {
  MeldStr *names = meld_arena_alloc(R->arena, (size_t)(ci->nexports + 1) * sizeof *names);
  Ent *ents = meld_arena_alloc(R->arena, (size_t)(ci->nexports + 1) * sizeof *ents);
  if (!names || !ents) return oom(R);
  for (uint32_t i = 0; i < ci->nexports; i++) {
    names[i] = ci->exports[i].name;
    MeldSort sort = (MeldSort)ci->exports[i].sort;
    if (sort == MELD_SORT_CORE_TAG)
      return fail_at(R, ci->offset, "core tags (exception handling) are not supported");
    TRY(get(R, s, sort, ci->exports[i].index, &ents[i]));
  }
  uint32_t c = new_coreinst(R, MELD_NONE, names, ents, ci->nexports);
  if (c == MELD_NONE) return false;
  *out = ent(ENT_CORE_INSTANCE, c);
  return true;
}

/* ---- Component instances ---- */

static uint32_t new_cinst(Resolver *R) {
  CInst *ci = MELD_PUSH(R->arena, R->cinsts, R->ncinsts, R->capcinsts);
  if (!ci) {
    oom(R);
    return MELD_NONE;
  }
  memset(ci, 0, sizeof *ci);
  return R->ncinsts - 1;
}

static bool cinst_add(Resolver *R, uint32_t cinst, MeldStr name, Ent e) {
  CInst *ci = &R->cinsts[cinst];
  CExport *x = MELD_PUSH(R->arena, ci->exports, ci->nexports, ci->capexports);
  if (!x) return oom(R);
  x->name = name;
  x->ent = e;
  return true;
}

static const Ent *cinst_find(const Resolver *R, uint32_t cinst, MeldStr name) {
  const CInst *ci = &R->cinsts[cinst];
  for (uint32_t i = 0; i < ci->nexports; i++)
    if (meld_str_eq(ci->exports[i].name, name)) return &ci->exports[i].ent;
  return NULL;
}

/* ---- Component functions ---- */

static uint32_t new_cfunc(Resolver *R, const CFunc *f) {
  CFunc *c = MELD_PUSH(R->arena, R->cfuncs, R->ncfuncs, R->capcfuncs);
  if (!c) {
    oom(R);
    return MELD_NONE;
  }
  *c = *f;
  return R->ncfuncs - 1;
}

static const MeldFuncSig *cfunc_sig(Resolver *R, uint32_t f) {
  CFunc *c = &R->cfuncs[f];
  if (!c->sig) c->sig = meld_resolve_functype(R, &c->type);
  return c->sig;
}

/* Canonical options, with memory and functions as slots. */
static bool canon_opts(Resolver *R, Scope *s, const MeldCompCanon *cn, MeldAbiOpts *o) {
  o->memory = o->realloc = o->post_return = o->callback = MELD_NONE;
  o->encoding = MELD_ENC_UTF8;
  o->async = false;
  for (uint32_t i = 0; i < cn->nopts; i++) {
    const MeldCanonOpt *op = &cn->opts[i];
    Ent e;
    switch (op->kind) {
    case MELD_OPT_UTF8: o->encoding = MELD_ENC_UTF8; break;
    case MELD_OPT_UTF16: o->encoding = MELD_ENC_UTF16; break;
    case MELD_OPT_LATIN1_UTF16: o->encoding = MELD_ENC_LATIN1_UTF16; break;
    case MELD_OPT_MEMORY:
      TRY(get(R, s, MELD_SORT_CORE_MEMORY, op->index, &e));
      o->memory = e.idx;
      break;
    case MELD_OPT_REALLOC:
      TRY(get(R, s, MELD_SORT_CORE_FUNC, op->index, &e));
      o->realloc = e.idx;
      break;
    case MELD_OPT_POST_RETURN:
      TRY(get(R, s, MELD_SORT_CORE_FUNC, op->index, &e));
      o->post_return = e.idx;
      break;
    case MELD_OPT_ASYNC: o->async = true; break;
    case MELD_OPT_CALLBACK:
      TRY(get(R, s, MELD_SORT_CORE_FUNC, op->index, &e));
      o->callback = e.idx;
      break;
    default: return fail_at(R, cn->offset, "unknown canonical option 0x%02x", op->kind);
    }
  }
  return true;
}

static MeldStr describe_cfunc(const CFunc *f) {
  return f->name.len ? f->name : meld_str("(an unnamed function)");
}

/* Does calling `sig` across the host boundary read or write the caller's memory? */
static bool sig_uses_memory(const MeldFuncSig *sig) {
  MeldCoreSig cs;
  meld_abi_core_sig(sig, MELD_CONTEXT_LOWER, &cs);
  if (cs.params_spilled || cs.result_spilled) return true;
  if (sig->result && meld_abi_needs_memory(sig->result)) return true;
  for (uint32_t i = 0; i < sig->nparams; i++)
    if (meld_abi_needs_memory(sig->params[i])) return true;
  return false;
}

/* The core import for host function interface#func lowered with `lower` by instance `caller`:
 * callers share one import when the host cannot tell them apart (same function, and the same
 * memory options where the function's types touch memory). */
static uint32_t host_func_slot(Resolver *R, uint32_t caller, MeldStr iface, MeldStr func,
                               const MeldFuncSig *sig, const MeldAbiOpts *lower) {
  MeldFusion *F = R->fusion;
  bool mem = sig_uses_memory(sig);
  for (uint32_t i = 0; i < R->nfuncs; i++) {
    const FuncSlot *sl = &R->funcs[i];
    if (sl->kind != SLOT_HOST) continue;
    const MeldHostImport *h = &F->imports[sl->aux];
    if (!meld_str_eq(h->interface, iface) || !meld_str_eq(h->func, func)) continue;
    if (!mem || (h->lower.memory == lower->memory && h->lower.realloc == lower->realloc &&
                 h->lower.encoding == lower->encoding))
      return i;
  }
  MeldHostImport *h = MELD_PUSH(R->arena, F->imports, F->nimports, F->capimports);
  if (!h) {
    oom(R);
    return MELD_NONE;
  }
  memset(h, 0, sizeof *h);
  h->caller = caller;
  h->interface = iface;
  h->func = func;
  h->sig = sig;
  h->lower = *lower;
  h->import = MELD_NONE;
  return new_func_slot(R, SLOT_HOST, MELD_NONE, 0, F->nimports - 1);
}

/* canon resource.drop of a resource type the host provides: the core import
 * "[resource-drop]<name>" of the resource's interface, taking the handle (the convention core
 * modules made by wit-bindgen use).  Handles of host resources are opaque to the program: they
 * pass through as i32.  Resources the program's components define need handle tables, which
 * fusion does not build yet. */
static bool canon_resource_drop(Resolver *R, Scope *s, const MeldCompCanon *cn, Ent *out) {
  Ent rt;
  TRY(get(R, s, MELD_SORT_TYPE, cn->type, &rt));
  if (rt.kind != ENT_RESOURCE || !R->resources[rt.idx].host)
    return fail_at(R, cn->offset, "canon resource.drop of a resource type a component of the "
                   "program defines: resources with handle tables are not supported by fusion "
                   "yet");
  const ResourceInfo *ri = &R->resources[rt.idx];
  MeldValTy *own = meld_arena_calloc(R->arena, 1, sizeof *own);
  MeldFuncSig *sig = meld_arena_calloc(R->arena, 1, sizeof *sig);
  const MeldValTy **params = meld_arena_alloc(R->arena, sizeof *params);
  MeldStr *pname = meld_arena_alloc(R->arena, sizeof *pname);
  if (!own || !sig || !params || !pname) return oom(R);
  own->kind = MELD_VT_OWN;
  own->resource = rt.idx;
  params[0] = own;
  pname[0] = meld_str("self");
  sig->nparams = 1;
  sig->params = params;
  sig->param_names = pname;
  MeldStr func = str_join(R, meld_str("[resource-drop]"), 0, ri->name);
  if (!func.ptr) return false;
  MeldAbiOpts none = {MELD_NONE, MELD_NONE, MELD_NONE, MELD_ENC_UTF8, false, MELD_NONE};
  uint32_t slot = host_func_slot(R, s->instance, ri->iface, func, sig, &none);
  if (slot == MELD_NONE) return false;
  *out = ent(ENT_CORE_FUNC, slot);
  return true;
}

/* canon lower: a core function slot for component function `fe` called from scope `s`. */
static bool canon_lower(Resolver *R, Scope *s, const MeldCompCanon *cn, Ent *out) {
  Ent fe = {0};
  TRY(get(R, s, MELD_SORT_FUNC, cn->func, &fe));
  MeldAbiOpts lower;
  TRY(canon_opts(R, s, cn, &lower));
  const MeldFuncSig *sig = cfunc_sig(R, fe.idx);
  if (!sig) return false;
  const CFunc *f = &R->cfuncs[fe.idx];
  if (lower.async || sig->async)
    return fail_at(R, cn->offset, "%.*s: the async ABI is not supported yet",
                   (int)describe_cfunc(f).len, describe_cfunc(f).ptr);
  MeldFusion *F = R->fusion;
  uint32_t slot;
  if (f->host) {
    slot = host_func_slot(R, s->instance, f->interface, f->name, sig, &lower);
  } else {
    if (f->opts.async) return fail_at(R, cn->offset, "lifting with the async ABI is not supported yet");
    MeldBoundary *b = MELD_PUSH(R->arena, F->boundaries, F->nboundaries, F->capboundaries);
    if (!b) return oom(R);
    memset(b, 0, sizeof *b);
    b->caller = s->instance;
    b->callee = f->instance;
    b->interface = fe.name.len ? fe.iface : f->interface;
    b->func = fe.name.len ? fe.name : f->name;
    b->sig = sig;
    b->lower = lower;
    b->lift = f->opts;
    b->target = f->core;
    b->how = MELD_ADAPT_PENDING;
    slot = new_func_slot(R, SLOT_ENTRY, MELD_NONE, 0, F->nboundaries - 1);
  }
  if (slot == MELD_NONE) return false;
  *out = ent(ENT_CORE_FUNC, slot);
  return true;
}

static bool canon_lift(Resolver *R, Scope *s, const MeldCompCanon *cn, Ent *out) {
  CFunc f;
  memset(&f, 0, sizeof f);
  Ent core;
  TRY(get(R, s, MELD_SORT_CORE_FUNC, cn->func, &core));
  TRY(get(R, s, MELD_SORT_TYPE, cn->type, &f.type));
  TRY(canon_opts(R, s, cn, &f.opts));
  f.instance = s->instance;
  f.core = core.idx;
  uint32_t c = new_cfunc(R, &f);
  if (c == MELD_NONE) return false;
  /* Check the core function has the lifted signature now, where the error has a location. */
  const MeldFuncSig *sig = cfunc_sig(R, c);
  if (!sig) return false;
  if (!sig->async && !f.opts.async) {
    MeldCoreSig cs;
    meld_abi_core_sig(sig, MELD_CONTEXT_LIFT, &cs);
    MeldFuncType want = {.nparams = cs.nparams, .nresults = cs.nresults, .params = cs.params,
                         .results = cs.results, .at = MELD_NO_OFFSET},
                 have;
    TRY(slot_sig(R, core.idx, &have));
    if (!functype_equal(&want, &have))
      return fail_at(R, cn->offset, "canon lift: the core function's type does not match the "
                     "flattened function type");
  }
  if (f.opts.memory != MELD_NONE && R->fusion->instances[s->instance].memory == MELD_NONE)
    R->fusion->instances[s->instance].memory = f.opts.memory;
  *out = ent(ENT_FUNC, c);
  return true;
}

/* A resource type the host provides (`iface` may be empty). */
static bool host_resource(Resolver *R, MeldStr iface, MeldStr name, Ent *out) {
  ResourceInfo *ri = MELD_PUSH(R->arena, R->resources, R->nresources, R->capresources);
  if (!ri) return oom(R);
  ri->iface = iface;
  ri->name = name;
  ri->host = true;
  *out = ent(ENT_RESOURCE, R->nresources - 1);
  return true;
}

/* ---- Host instances: a component import nobody in the program provides ---- */

static bool outer_alias(Resolver *R, Scope *s, const MeldCompAlias *a, Ent *out) {
  Scope *t = s;
  for (uint32_t i = 0; i < a->count && t; i++) t = t->outer;
  if (!t) return fail_at(R, a->offset, "outer alias goes out %u scopes, beyond the outermost",
                         a->count);
  return get(R, t, (MeldSort)a->sort, a->index, out);
}

/* The instance a host provides for an import of instance type `it` (declared in `defscope`),
 * named `iface`: its functions become host functions of that interface. */
static bool host_instance(Resolver *R, Scope *defscope, const MeldCompType *it, MeldStr iface,
                          Ent *out) {
  Scope *ds = scope_new(R, defscope, NULL, MELD_NONE);
  uint32_t cinst = new_cinst(R);
  if (!ds || cinst == MELD_NONE) return false;
  for (uint32_t i = 0; i < it->ndecls; i++) {
    const MeldCompDecl *d = &it->decls[i];
    Ent e;
    switch (d->kind) {
    case MELD_DECL_CORE_TYPE: TRY(push(R, ds, MELD_SORT_CORE_TYPE, ent(ENT_CORE_TYPE, 0))); break;
    case MELD_DECL_TYPE:
      e = ent(ENT_TYPE, 0);
      e.type = d->type;
      e.scope = ds;
      TRY(push(R, ds, MELD_SORT_TYPE, e));
      break;
    case MELD_DECL_ALIAS:
      if (d->alias.target != MELD_ALIAS_OUTER)
        return fail_at(R, d->offset, "an export alias inside an instance type is not supported");
      TRY(outer_alias(R, ds, &d->alias, &e));
      TRY(push(R, ds, (MeldSort)d->alias.sort, e));
      break;
    case MELD_DECL_EXPORT:
      switch (d->ext.kind) {
      case MELD_EXT_FUNC: {
        CFunc f;
        memset(&f, 0, sizeof f);
        f.host = true;
        f.instance = MELD_NONE;
        f.interface = iface;
        f.name = d->name.name;
        TRY(get(R, ds, MELD_SORT_TYPE, d->ext.index, &f.type));
        uint32_t c = new_cfunc(R, &f);
        if (c == MELD_NONE) return false;
        TRY(cinst_add(R, cinst, d->name.name, ent(ENT_FUNC, c)));
        break;
      }
      case MELD_EXT_TYPE:
        if (d->ext.bound == MELD_BOUND_EQ) TRY(get(R, ds, MELD_SORT_TYPE, d->ext.index, &e));
        else TRY(host_resource(R, iface, d->name.name, &e));
        TRY(push(R, ds, MELD_SORT_TYPE, e));
        TRY(cinst_add(R, cinst, d->name.name, e));
        break;
      default:
        return fail_at(R, d->offset, "\"%.*s\" exports a %s: only functions and types of a "
                       "host-provided instance are supported", (int)iface.len, iface.ptr,
                       meld_sort_name(meld_extern_sort(d->ext.kind)));
      }
      break;
    default: return fail_at(R, d->offset, "unexpected declaration in an instance type");
    }
  }
  *out = ent(ENT_INSTANCE, cinst);
  return true;
}

/* What the host provides for import `im` of a component evaluated in `s`. */
static bool host_import(Resolver *R, Scope *s, const MeldCompImport *im, Ent *out) {
  MeldStr name = im->name.name;
  switch (im->type.kind) {
  case MELD_EXT_INSTANCE: {
    Ent t;
    TRY(get(R, s, MELD_SORT_TYPE, im->type.index, &t));
    if (t.kind != ENT_TYPE || !t.type || t.type->code != MELD_CT_INSTANCE)
      return fail_at(R, im->offset, "import \"%.*s\": not an instance type", (int)name.len,
                     name.ptr);
    return host_instance(R, t.scope, t.type, name, out);
  }
  case MELD_EXT_FUNC: {
    CFunc f;
    memset(&f, 0, sizeof f);
    f.host = true;
    f.instance = MELD_NONE;
    f.interface = meld_str("");
    f.name = name;
    TRY(get(R, s, MELD_SORT_TYPE, im->type.index, &f.type));
    uint32_t c = new_cfunc(R, &f);
    if (c == MELD_NONE) return false;
    *out = ent(ENT_FUNC, c);
    return true;
  }
  case MELD_EXT_TYPE:
    if (im->type.bound == MELD_BOUND_EQ) return get(R, s, MELD_SORT_TYPE, im->type.index, out);
    return host_resource(R, meld_str(""), name, out);
  default:
    return fail_at(R, im->offset, "import \"%.*s\": a %s cannot be provided to a fused module by "
                   "the host", (int)name.len, name.ptr,
                   meld_sort_name(meld_extern_sort(im->type.kind)));
  }
}

/* ---- Evaluating a component ---- */

typedef struct Args {
  const MeldStr *names;
  const Ent *ents;
  uint32_t n;
  bool host_fallback; /* top-level: an import no argument names is provided by the host */
} Args;

static bool eval_component(Resolver *R, const MeldComponent *c, Scope *defscope, const Args *args,
                           uint32_t instance, uint32_t *out_cinst);

static bool instantiate_component(Resolver *R, Scope *s, const MeldCompInstance *ci, Ent *out) {
  Ent ce;
  TRY(get(R, s, MELD_SORT_COMPONENT, ci->component, &ce));
  MeldStr *names = meld_arena_alloc(R->arena, (size_t)(ci->nargs + 1) * sizeof *names);
  Ent *ents = meld_arena_alloc(R->arena, (size_t)(ci->nargs + 1) * sizeof *ents);
  if (!names || !ents) return oom(R);
  for (uint32_t i = 0; i < ci->nargs; i++) {
    names[i] = ci->args[i].name;
    TRY(get(R, s, (MeldSort)ci->args[i].sort, ci->args[i].index, &ents[i]));
  }
  Args args = {names, ents, ci->nargs, false};
  /* Name the nested instance after the component's name in the name section, if any. */
  MeldStr n = meld_component_name_of(s->comp, MELD_SORT_INSTANCE, s->nents[MELD_SORT_INSTANCE]);
  char buf[32];
  if (!n.len) {
    snprintf(buf, sizeof buf, "instance%u", s->nents[MELD_SORT_INSTANCE]);
    n = meld_str(buf);
  }
  MeldStr path = str_join(R, R->fusion->instances[s->instance].path, '/', n);
  uint32_t inst = new_instance(R, path, s->instance, R->fusion->instances[s->instance].input);
  uint32_t cinst;
  if (inst == MELD_NONE || !eval_component(R, ce.comp, ce.scope, &args, inst, &cinst))
    return false;
  *out = ent(ENT_INSTANCE, cinst);
  return true;
}

static bool inline_instance(Resolver *R, Scope *s, const MeldCompInstance *ci, Ent *out) {
  uint32_t cinst = new_cinst(R);
  if (cinst == MELD_NONE) return false;
  for (uint32_t i = 0; i < ci->nexports; i++) {
    Ent e;
    TRY(get(R, s, (MeldSort)ci->exports[i].sort, ci->exports[i].index, &e));
    TRY(cinst_add(R, cinst, ci->exports[i].name.name, e));
  }
  *out = ent(ENT_INSTANCE, cinst);
  return true;
}

static bool alias(Resolver *R, Scope *s, const MeldCompAlias *a, Ent *out) {
  MeldSort sort = (MeldSort)a->sort;
  switch (a->target) {
  case MELD_ALIAS_EXPORT: {
    Ent inst;
    TRY(get(R, s, MELD_SORT_INSTANCE, a->instance, &inst));
    const Ent *e = cinst_find(R, inst.idx, a->name);
    if (!e)
      return fail_at(R, a->offset, "instance has no export \"%.*s\"", (int)a->name.len,
                     a->name.ptr);
    if (!ent_fits(e, sort))
      return fail_at(R, a->offset, "instance export \"%.*s\" is not a %s", (int)a->name.len,
                     a->name.ptr, meld_sort_name(sort));
    *out = *e;
    if (inst.iface.len) {
      out->iface = inst.iface;
      out->name = a->name;
    }
    return true;
  }
  case MELD_ALIAS_CORE_EXPORT: {
    Ent inst;
    TRY(get(R, s, MELD_SORT_CORE_INSTANCE, a->instance, &inst));
    if (sort == MELD_SORT_CORE_TAG)
      return fail_at(R, a->offset, "core tags (exception handling) are not supported");
    return core_export(R, inst.idx, a->name, sort, out, a->offset);
  }
  default: return outer_alias(R, s, a, out);
  }
}

static bool canon(Resolver *R, Scope *s, const MeldCompCanon *cn, Ent *out) {
  switch (cn->op) {
  case MELD_CANON_LIFT: return canon_lift(R, s, cn, out);
  case MELD_CANON_LOWER: return canon_lower(R, s, cn, out);
  case MELD_CANON_RESOURCE_DROP: return canon_resource_drop(R, s, cn, out);
  case MELD_CANON_RESOURCE_NEW:
  case MELD_CANON_RESOURCE_REP:
    return fail_at(R, cn->offset, "canon %s: resources a component of the program defines are "
                   "not supported by fusion yet", meld_canon_name(cn->op));
  default:
    return fail_at(R, cn->offset, "canon %s: the async and thread built-ins are not supported by "
                   "fusion yet", meld_canon_name(cn->op) ? meld_canon_name(cn->op) : "?");
  }
}

static bool eval_item(Resolver *R, Scope *s, const MeldComponent *c, const Args *args, uint8_t id,
                      uint32_t i, uint32_t cinst) {
  Ent e;
  memset(&e, 0, sizeof e);
  switch (id) {
  case MELD_CSEC_CUSTOM: return true;
  case MELD_CSEC_CORE_MODULE:
    e.kind = ENT_CORE_MODULE;
    e.module = c->modules[i].module;
    return push(R, s, MELD_SORT_CORE_MODULE, e);
  case MELD_CSEC_CORE_INSTANCE: {
    const MeldCoreInstance *ci = &c->coreinstances[i];
    TRY(ci->kind == MELD_INST_INSTANTIATE ? instantiate_module(R, s, ci, &e)
                                          : inline_core_instance(R, s, ci, &e));
    return push(R, s, MELD_SORT_CORE_INSTANCE, e);
  }
  case MELD_CSEC_CORE_TYPE: {
    const MeldCoreTypeDef *t = &c->coretypes[i];
    uint32_t n = t->kind == MELD_CORETYPE_MODULE ? 1 : t->nsubs;
    for (uint32_t k = 0; k < n; k++) TRY(push(R, s, MELD_SORT_CORE_TYPE, ent(ENT_CORE_TYPE, 0)));
    return true;
  }
  case MELD_CSEC_COMPONENT:
    e.kind = ENT_COMPONENT;
    e.comp = c->components[i];
    e.scope = s;
    return push(R, s, MELD_SORT_COMPONENT, e);
  case MELD_CSEC_INSTANCE: {
    const MeldCompInstance *ci = &c->instances[i];
    TRY(ci->kind == MELD_INST_INSTANTIATE ? instantiate_component(R, s, ci, &e)
                                          : inline_instance(R, s, ci, &e));
    return push(R, s, MELD_SORT_INSTANCE, e);
  }
  case MELD_CSEC_ALIAS:
    TRY(alias(R, s, &c->aliases[i], &e));
    return push(R, s, (MeldSort)c->aliases[i].sort, e);
  case MELD_CSEC_TYPE:
    e.kind = ENT_TYPE;
    e.type = &c->types[i];
    e.scope = s;
    return push(R, s, MELD_SORT_TYPE, e);
  case MELD_CSEC_CANON: {
    const MeldCompCanon *cn = &c->canons[i];
    TRY(canon(R, s, cn, &e));
    return push(R, s, meld_canon_sort(cn->op), e);
  }
  case MELD_CSEC_START:
    return fail_at(R, c->starts[i].offset, "component start functions (values) are not supported");
  case MELD_CSEC_VALUE:
    return fail_at(R, c->values[i].offset, "component values are not supported");
  case MELD_CSEC_IMPORT: {
    const MeldCompImport *im = &c->imports[i];
    MeldSort sort = meld_extern_sort(im->type.kind);
    const Ent *given = NULL;
    for (uint32_t a = 0; a < args->n; a++)
      if (meld_str_eq(args->names[a], im->name.name)) given = &args->ents[a];
    if (given) {
      if (!ent_fits(given, sort))
        return fail_at(R, im->offset, "import \"%.*s\" is given something that is not a %s",
                       (int)im->name.name.len, im->name.name.ptr, meld_sort_name(sort));
      e = *given;
    } else if (args->host_fallback) {
      TRY(host_import(R, s, im, &e));
    } else {
      e.kind = ENT_NONE;
    }
    if (e.kind == ENT_NONE) {
      return fail_at(R, im->offset, "import \"%.*s\" is not given to the instantiation",
                     (int)im->name.name.len, im->name.name.ptr);
    }
    if (e.kind == ENT_INSTANCE) e.iface = im->name.name;
    else if (e.kind == ENT_FUNC) {
      e.iface = meld_str("");
      e.name = im->name.name;
    }
    return push(R, s, sort, e);
  }
  case MELD_CSEC_EXPORT: {
    const MeldCompExport *ex = &c->exports[i];
    MeldSort sort = (MeldSort)ex->sort;
    TRY(get(R, s, sort, ex->index, &e));
    TRY(cinst_add(R, cinst, ex->name.name, e));
    return push(R, s, sort, e);
  }
  default: return fail_at(R, MELD_NO_OFFSET, "unknown section id %u", id);
  }
}

static bool eval_component(Resolver *R, const MeldComponent *c, Scope *defscope, const Args *args,
                           uint32_t instance, uint32_t *out_cinst) {
  Scope *s = scope_new(R, defscope, c, instance);
  uint32_t cinst = new_cinst(R);
  if (!s || cinst == MELD_NONE) return false;
  const char *saved = R->file;
  R->file = c->file;
  for (uint32_t si = 0; si < c->nsections; si++) {
    const MeldCompSection *sec = &c->sections[si];
    for (uint32_t k = 0; k < sec->count; k++)
      if (!eval_item(R, s, c, args, sec->id, sec->first + k, cinst)) {
        R->file = saved;
        return false;
      }
  }
  R->file = saved;
  *out_cinst = cinst;
  return true;
}

/* ---- Linking the inputs ---- */

/* major.minor.patch of a version (pre-release and build suffixes in `rest`). */
typedef struct Semver {
  uint64_t v[3];
  MeldStr rest;
} Semver;

static bool semver_parse(MeldStr s, Semver *out) {
  memset(out, 0, sizeof *out);
  uint32_t i = 0;
  for (int k = 0; k < 3; k++) {
    if (i >= s.len || s.ptr[i] < '0' || s.ptr[i] > '9') return false;
    while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9') {
      if (out->v[k] > UINT32_MAX) return false;
      out->v[k] = out->v[k] * 10 + (uint64_t)(s.ptr[i++] - '0');
    }
    if (k < 2) {
      if (i >= s.len || s.ptr[i] != '.') return false;
      i++;
    }
  }
  out->rest.ptr = s.ptr + i;
  out->rest.len = s.len - i;
  return true;
}

/* Does an export of version `have` satisfy an import of version `want` (Cargo's caret rule:
 * the leftmost non-zero component must agree, and `have` is not older; pre-releases only match
 * exactly)? */
static bool semver_compatible(MeldStr want, MeldStr have) {
  Semver w, h;
  if (!semver_parse(want, &w) || !semver_parse(have, &h)) return meld_str_eq(want, have);
  if (w.rest.len || h.rest.len) return meld_str_eq(want, have);
  if (w.v[0] != h.v[0]) return false;
  if (w.v[0] == 0) {
    if (w.v[1] != h.v[1]) return false;
    if (w.v[1] == 0) return w.v[2] == h.v[2];
    return h.v[2] >= w.v[2];
  }
  return h.v[1] > w.v[1] || (h.v[1] == w.v[1] && h.v[2] >= w.v[2]);
}

static bool names_match(MeldStr import, MeldStr export) {
  MeldNameInfo a, b;
  char err[8];
  if (!meld_name_parse(import, &a, err, sizeof err) || !meld_name_parse(export, &b, err, sizeof err))
    return meld_str_eq(import, export);
  if (a.kind != MELD_NAME_INTERFACE || b.kind != MELD_NAME_INTERFACE)
    return meld_str_eq(import, export);
  if (!meld_str_eq(a.namespace_, b.namespace_) || !meld_str_eq(a.package, b.package) ||
      !meld_str_eq(a.interface, b.interface))
    return false;
  if (!a.has_version || !b.has_version) return a.has_version == b.has_version;
  return semver_compatible(a.version, b.version);
}

typedef struct Link {
  uint32_t input;  /* the input providing */
  uint32_t export; /* its export index (MeldComponent.exports) */
} Link;

static MeldStr file_stem(Resolver *R, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (n > 5 && strcmp(base + n - 5, ".wasm") == 0) n -= 5;
  MeldStr s = {base, (uint32_t)n};
  return meld_str_dup(R->arena, s);
}

/* ---- Assembly of the fused module ---- */

typedef struct Maps {
  uint32_t *space[MELD_NUM_SPACES];
} Maps;

/* Copies a constant expression through the maps; `global.get` of a global that the fused module
 * defines is replaced by that global's (already copied) initializer, because WebAssembly 2.0
 * constant expressions may only read imported globals and a fused module imports none. */
static bool copy_const_expr(Resolver *R, MeldModule *fm, const MeldExpr *src, const Maps *maps,
                            MeldExpr *dst) {
  uint32_t cap = src->ninstrs + 8, n = 0;
  MeldInstr *out = meld_arena_alloc(R->arena, (size_t)cap * sizeof *out);
  if (!out) return oom(R);
  for (uint32_t i = 0; i < src->ninstrs; i++) {
    MeldInstr in = src->instrs[i];
    MeldIndexRef refs[2];
    uint32_t k = meld_instr_refs(&in, refs);
    for (uint32_t r = 0; r < k; r++)
      if (maps->space[refs[r].space]) *refs[r].slot = maps->space[refs[r].space][*refs[r].slot];
    if (in.op == MELD_OP_GlobalGet && in.x < fm->nglobals && fm->globals[in.x].import == MELD_NONE) {
      const MeldExpr *g = &fm->globals[in.x].init;
      uint32_t add = g->ninstrs ? g->ninstrs - 1 : 0; /* without its end */
      if (!meld_grow(R->arena, &out, &cap, n + add + (src->ninstrs - i), sizeof *out))
        return oom(R);
      for (uint32_t j = 0; j < add; j++) out[n++] = g->instrs[j];
      continue;
    }
    if (!meld_grow(R->arena, &out, &cap, n + 1, sizeof *out)) return oom(R);
    out[n++] = in;
  }
  dst->instrs = out;
  dst->ninstrs = n;
  dst->at = MELD_NO_OFFSET;
  return true;
}

static uint32_t intern(Resolver *R, MeldModule *fm, const MeldFuncType *t) {
  uint32_t i = meld_module_intern_type(fm, R->arena, t->params, t->nparams, t->results,
                                       t->nresults);
  if (i == MELD_NONE) oom(R);
  return i;
}

/* Export names are unique: `base`, then base$1, base$2, ... */
static bool unique_export_name(Resolver *R, MeldModule *fm, const char *base, MeldStr *out) {
  char buf[256];
  for (uint32_t k = 0;; k++) {
    if (k) snprintf(buf, sizeof buf, "%s$%u", base, k);
    else snprintf(buf, sizeof buf, "%s", base);
    MeldStr cand = meld_str(buf);
    bool taken = false;
    for (uint32_t i = 0; i < fm->nexports && !taken; i++) taken = meld_str_eq(fm->exports[i].name, cand);
    if (!taken) {
      *out = meld_str_dup(R->arena, cand);
      return out->ptr != NULL || oom(R);
    }
  }
}

static bool add_export(Resolver *R, MeldModule *fm, MeldStr name, uint8_t kind, uint32_t index) {
  for (uint32_t i = 0; i < fm->nexports; i++)
    if (meld_str_eq(fm->exports[i].name, name))
      return fail_at(R, MELD_NO_OFFSET, "two exports of the fused program are called \"%.*s\"",
                     (int)name.len, name.ptr);
  MeldExport *e = MELD_PUSH(R->arena, fm->exports, fm->nexports, fm->capexports);
  if (!e) return oom(R);
  e->name = name;
  e->kind = kind;
  e->index = index;
  e->at = MELD_NO_OFFSET;
  return true;
}

/* The export of entity `index` of `kind`, added under a fresh name from `base` unless the entity
 * is exported already (then that name). */
static bool export_entity(Resolver *R, MeldModule *fm, uint8_t kind, uint32_t index,
                          const char *base, MeldStr *name) {
  for (uint32_t i = 0; i < fm->nexports; i++)
    if (fm->exports[i].kind == kind && fm->exports[i].index == index) {
      *name = fm->exports[i].name;
      return true;
    }
  TRY(unique_export_name(R, fm, base, name));
  return add_export(R, fm, *name, kind, index);
}

static void map_opts(const Resolver *R, MeldAbiOpts *o) {
  if (o->memory != MELD_NONE) o->memory = R->memories[o->memory].final;
  if (o->realloc != MELD_NONE) o->realloc = R->funcs[o->realloc].final;
  if (o->post_return != MELD_NONE) o->post_return = R->funcs[o->post_return].final;
  if (o->callback != MELD_NONE) o->callback = R->funcs[o->callback].final;
}

static bool track_opts(Resolver *R, MeldModule *fm, MeldAbiOpts *o) {
  return meld_module_track(fm, R->arena, MELD_SPACE_MEMORY, &o->memory) &&
         meld_module_track(fm, R->arena, MELD_SPACE_FUNC, &o->realloc) &&
         meld_module_track(fm, R->arena, MELD_SPACE_FUNC, &o->post_return) &&
         meld_module_track(fm, R->arena, MELD_SPACE_FUNC, &o->callback);
}

static bool assemble(Resolver *R, MeldModule **out) {
  MeldFusion *F = R->fusion;
  MeldModule *fm = meld_module_new(R->arena);
  if (!fm) return oom(R);
  fm->file = R->unit->inputs[0].file;
  fm->base_offset = 0;

  /* A start function calling every module instance's start, in instantiation order. */
  uint32_t start_slot = MELD_NONE;
  if (R->nstarts > 1) start_slot = new_func_slot(R, SLOT_START, MELD_NONE, 0, 0);
  else if (R->nstarts == 1) start_slot = R->starts[0];
  if (R->nstarts > 1 && start_slot == MELD_NONE) return false;

  /* Final function indices: host imports first, then everything else in creation order. */
  uint32_t next = 0;
  for (uint32_t i = 0; i < R->nfuncs; i++)
    if (R->funcs[i].kind == SLOT_HOST) R->funcs[i].final = next++;
  uint32_t nhost = next;
  for (uint32_t i = 0; i < R->nfuncs; i++)
    if (R->funcs[i].kind != SLOT_HOST) R->funcs[i].final = next++;
  for (uint32_t i = 0; i < R->ntables; i++) R->tables[i].final = i;
  for (uint32_t i = 0; i < R->nmemories; i++) R->memories[i].final = i;
  for (uint32_t i = 0; i < R->nglobals; i++) R->globals[i].final = i;

  fm->funcs = meld_arena_calloc(R->arena, next ? next : 1, sizeof *fm->funcs);
  fm->tables = meld_arena_calloc(R->arena, R->ntables ? R->ntables : 1, sizeof *fm->tables);
  fm->memories = meld_arena_calloc(R->arena, R->nmemories ? R->nmemories : 1,
                                   sizeof *fm->memories);
  fm->globals = meld_arena_calloc(R->arena, R->nglobals ? R->nglobals : 1, sizeof *fm->globals);
  if (!fm->funcs || !fm->tables || !fm->memories || !fm->globals) return oom(R);
  fm->capfuncs = fm->nfuncs = next;
  fm->nimportfuncs = nhost;
  fm->captables = fm->ntables = R->ntables;
  fm->capmemories = fm->nmemories = R->nmemories;
  fm->capglobals = fm->nglobals = R->nglobals;

  /* Host imports; a second caller lowering the same function with other options gets its own
   * import, named func$N. */
  for (uint32_t i = 0; i < R->nfuncs; i++) {
    const FuncSlot *s = &R->funcs[i];
    if (s->kind != SLOT_HOST) continue;
    MeldHostImport *h = &F->imports[s->aux];
    MeldImport *im = MELD_PUSH(R->arena, fm->imports, fm->nimports, fm->capimports);
    if (!im) return oom(R);
    im->module = h->interface.len ? h->interface : meld_str("$root");
    im->name = h->func;
    for (uint32_t dup = 1;; dup++) {
      bool taken = false;
      for (uint32_t k = 0; k + 1 < fm->nimports && !taken; k++)
        taken = meld_str_eq(fm->imports[k].module, im->module) &&
                meld_str_eq(fm->imports[k].name, im->name);
      if (!taken) break;
      char buf[16];
      snprintf(buf, sizeof buf, "%u", dup);
      im->name = str_join(R, h->func, '$', meld_str(buf));
      if (!im->name.ptr) return false;
    }
    im->kind = MELD_EXTERN_FUNC;
    im->index = s->final;
    im->at = MELD_NO_OFFSET;
    MeldFunc *f = &fm->funcs[s->final];
    MeldFuncType t;
    TRY(slot_sig(R, i, &t));
    if ((f->type = intern(R, fm, &t)) == MELD_NONE) return false;
    f->import = fm->nimports - 1;
    f->origin = h->caller;
    f->at = f->codeoffset = MELD_NO_OFFSET;
    h->import = s->final;
  }

  /* Per module instance: maps from its indices to the fused module's, then its entities. */
  uint32_t elem_base = 0, data_base = 0;
  MeldBuf code;
  meld_buf_init(&code, R->ctx->alloc);
  MeldArena scratch; /* one module instance's maps at a time */
  meld_arena_init(&scratch, R->ctx->alloc, 64 * 1024);
  bool ok = true;
  for (uint32_t mi_i = 0; mi_i < R->nminsts && ok; mi_i++) {
    const ModInst *mi = &R->minsts[mi_i];
    const MeldModule *m = mi->m;
    Maps maps;
    memset(&maps, 0, sizeof maps);
    MeldArenaMark mark = meld_arena_mark(&scratch);
    /* Deferred renumbering keeps the maps with the bodies (MeldPending). */
    bool defer = R->unit->defer_renumbering;
    MeldArena *ma = defer ? R->arena : &scratch;
    uint32_t *fmap = meld_arena_alloc(ma, (size_t)(m->nfuncs + 1) * 4);
    uint32_t *tmap = meld_arena_alloc(ma, (size_t)(m->ntables + 1) * 4);
    uint32_t *mmap = meld_arena_alloc(ma, (size_t)(m->nmemories + 1) * 4);
    uint32_t *gmap = meld_arena_alloc(ma, (size_t)(m->nglobals + 1) * 4);
    uint32_t *ymap = meld_arena_alloc(ma, (size_t)(m->ntypes + 1) * 4);
    uint32_t *emap = meld_arena_alloc(ma, (size_t)(m->nelems + 1) * 4);
    uint32_t *dmap = meld_arena_alloc(ma, (size_t)(m->ndatas + 1) * 4);
    MeldPending *pending = defer ? meld_arena_calloc(R->arena, 1, sizeof *pending) : NULL;
    if (defer && !pending) {
      ok = oom(R);
      break;
    }
    if (!fmap || !tmap || !mmap || !gmap || !ymap || !emap || !dmap) {
      ok = oom(R);
      break;
    }
    for (uint32_t k = 0; k < m->nfuncs; k++) fmap[k] = R->funcs[mi->funcs[k]].final;
    for (uint32_t k = 0; k < m->ntables; k++) tmap[k] = R->tables[mi->tables[k]].final;
    for (uint32_t k = 0; k < m->nmemories; k++) mmap[k] = R->memories[mi->memories[k]].final;
    for (uint32_t k = 0; k < m->nglobals; k++) gmap[k] = R->globals[mi->globals[k]].final;
    for (uint32_t k = 0; k < m->ntypes && ok; k++) ok = (ymap[k] = intern(R, fm, &m->types[k])) != MELD_NONE;
    for (uint32_t k = 0; k < m->nelems; k++) emap[k] = elem_base + k;
    for (uint32_t k = 0; k < m->ndatas; k++) dmap[k] = data_base + k;
    maps.space[MELD_SPACE_FUNC] = fmap;
    maps.space[MELD_SPACE_TABLE] = tmap;
    maps.space[MELD_SPACE_MEMORY] = mmap;
    maps.space[MELD_SPACE_GLOBAL] = gmap;
    maps.space[MELD_SPACE_TYPE] = ymap;
    maps.space[MELD_SPACE_ELEM] = emap;
    maps.space[MELD_SPACE_DATA] = dmap;
    if (pending) {
      const uint32_t counts[MELD_NUM_SPACES] = {m->nfuncs, m->ntables, m->nmemories, m->nglobals,
                                                m->ntypes, m->nelems, m->ndatas};
      for (int sp = 0; sp < MELD_NUM_SPACES; sp++) {
        pending->map[sp] = maps.space[sp];
        pending->count[sp] = counts[sp];
      }
    }

    for (uint32_t k = m->nimporttables; k < m->ntables && ok; k++) {
      MeldTable *t = &fm->tables[tmap[k]];
      *t = m->tables[k];
      t->import = MELD_NONE;
      t->origin = mi->instance;
    }
    for (uint32_t k = m->nimportmemories; k < m->nmemories && ok; k++) {
      MeldMemory *mem = &fm->memories[mmap[k]];
      *mem = m->memories[k];
      mem->import = MELD_NONE;
      mem->origin = mi->instance;
    }
    for (uint32_t k = m->nimportglobals; k < m->nglobals && ok; k++) {
      MeldGlobal *g = &fm->globals[gmap[k]];
      *g = m->globals[k];
      g->import = MELD_NONE;
      g->origin = mi->instance;
      ok = copy_const_expr(R, fm, &m->globals[k].init, &maps, &g->init);
    }
    for (uint32_t k = 0; k < m->nelems && ok; k++) {
      MeldElem *e = MELD_PUSH(R->arena, fm->elems, fm->nelems, fm->capelems);
      if (!e) {
        ok = oom(R);
        break;
      }
      *e = m->elems[k];
      if (e->mode == MELD_SEG_ACTIVE) {
        e->table = tmap[e->table];
        ok = copy_const_expr(R, fm, &m->elems[k].offset, &maps, &e->offset);
      }
      if (ok && e->funcs) {
        e->funcs = meld_arena_alloc(R->arena, (size_t)(e->ninit + 1) * 4);
        if (!e->funcs) ok = oom(R);
        for (uint32_t j = 0; ok && j < e->ninit; j++) e->funcs[j] = fmap[m->elems[k].funcs[j]];
      } else if (ok && e->exprs) {
        e->exprs = meld_arena_alloc(R->arena, (size_t)(e->ninit + 1) * sizeof *e->exprs);
        if (!e->exprs) ok = oom(R);
        for (uint32_t j = 0; ok && j < e->ninit; j++)
          ok = copy_const_expr(R, fm, &m->elems[k].exprs[j], &maps, &e->exprs[j]);
      }
    }
    for (uint32_t k = 0; k < m->ndatas && ok; k++) {
      MeldData *d = MELD_PUSH(R->arena, fm->datas, fm->ndatas, fm->capdatas);
      if (!d) {
        ok = oom(R);
        break;
      }
      *d = m->datas[k];
      if (d->mode == MELD_SEG_ACTIVE) {
        d->memory = mmap[d->memory];
        ok = copy_const_expr(R, fm, &m->datas[k].offset, &maps, &d->offset);
      }
    }
    fm->has_datacount |= m->has_datacount;
    elem_base += m->nelems;
    data_base += m->ndatas;

    /* Raw bodies are renumbered together (meld_code_remap_many, on several threads); the
     * rare decoded one is encoded first. */
    MeldRemapJob *jobs = ok ? meld_arena_alloc(&scratch, ((size_t)m->nfuncs + 1) * sizeof *jobs)
                            : NULL;
    if (ok && !jobs) ok = oom(R);
    uint32_t njobs = 0;
    for (uint32_t k = m->nimportfuncs; k < m->nfuncs && ok; k++) {
      const MeldFunc *src = &m->funcs[k];
      MeldFunc *f = &fm->funcs[fmap[k]];
      f->type = ymap[src->type];
      f->import = MELD_NONE;
      f->origin = mi->instance;
      f->localgroups = src->localgroups;
      f->nlocalgroups = src->nlocalgroups;
      f->nlocals = src->nlocals;
      f->at = MELD_NO_OFFSET;
      f->codeoffset = MELD_NO_OFFSET;
      if (!src->decoded && pending) {
        /* The bytes stay the input's; dce (or meld_module_settle) renumbers them. */
        f->code = src->code;
        f->codesize = src->codesize;
        f->codeoffset = src->codeoffset;
        f->pending = pending;
        const uint32_t *l;
        uint32_t nl;
        if (meld_func_refs(src, &l, &nl)) {
          f->refs = l;
          f->nrefs = nl;
          f->refs_code = src->code;
        }
        continue;
      }
      if (!src->decoded) {
        jobs[njobs++] = (MeldRemapJob){src->code, src->codesize, src->codeoffset, f};
        continue;
      }
      code.len = 0;
      meld_encode_instrs(&code, src->instrs, src->ninstrs);
      const uint8_t *raw = code.oom ? NULL : meld_arena_memdup(R->arena, code.data, code.len);
      if (!raw && code.len) {
        ok = oom(R);
        break;
      }
      MeldRemapJob one = {raw, (uint32_t)code.len, MELD_NO_OFFSET, f};
      ok = meld_code_remap_many(R->ctx, m->file, &one, 1, (const uint32_t *const *)maps.space,
                                R->arena);
    }
    if (ok)
      ok = meld_code_remap_many(R->ctx, m->file, jobs, njobs,
                                (const uint32_t *const *)maps.space, R->arena);
    meld_arena_release(&scratch, mark);
  }
  meld_buf_free(&code);
  meld_arena_free(&scratch);
  if (!ok) return false;

  /* Boundary entries: the caller's lowered signature, a body that traps until `adapter` writes one; and
   * the synthesized start function. */
  for (uint32_t i = 0; i < R->nfuncs; i++) {
    const FuncSlot *s = &R->funcs[i];
    if (s->kind != SLOT_ENTRY && s->kind != SLOT_START) continue;
    MeldFunc *f = &fm->funcs[s->final];
    MeldFuncType t;
    TRY(slot_sig(R, i, &t));
    if ((f->type = intern(R, fm, &t)) == MELD_NONE) return false;
    f->import = MELD_NONE;
    f->at = f->codeoffset = MELD_NO_OFFSET;
    f->decoded = true;
    uint32_t n = s->kind == SLOT_ENTRY ? 2 : R->nstarts + 1;
    f->instrs = meld_arena_calloc(R->arena, n, sizeof *f->instrs);
    if (!f->instrs) return oom(R);
    f->ninstrs = f->capinstrs = n;
    if (s->kind == SLOT_ENTRY) {
      f->origin = F->boundaries[s->aux].caller;
      f->instrs[0].op = MELD_OP_Unreachable;
      F->boundaries[s->aux].entry = s->final;
    } else {
      f->origin = MELD_NONE;
      for (uint32_t k = 0; k < R->nstarts; k++) {
        f->instrs[k].op = MELD_OP_Call;
        f->instrs[k].x = R->funcs[R->starts[k]].final;
      }
    }
    f->instrs[n - 1].op = MELD_OP_End;
  }
  if (start_slot != MELD_NONE) fm->start = R->funcs[start_slot].final;

  /* Boundary records in fused indices. */
  for (uint32_t i = 0; i < F->nboundaries; i++) {
    MeldBoundary *b = &F->boundaries[i];
    b->target = R->funcs[b->target].final;
    map_opts(R, &b->lower);
    map_opts(R, &b->lift);
  }
  for (uint32_t i = 0; i < F->nimports; i++) map_opts(R, &F->imports[i].lower);
  for (uint32_t i = 0; i < F->ninstances; i++)
    if (F->instances[i].memory != MELD_NONE)
      F->instances[i].memory = R->memories[F->instances[i].memory].final;
  *out = fm;
  return true;
}

/* Exports of the root instances: each lifted function under its component-level name, and the
 * memories, reallocs and post-returns their Canonical ABI uses. */
/* The verifier's marks (MeldFunc.checked) of the merged bodies: a body the verifier accepted in
 * its own module keeps its mark in the fused one when the module's renumbering sends every
 * entity to one of the same type, as instantiation's import matching normally guarantees.  A
 * module whose maps do not keep types (or when memory for the check runs out) leaves its bodies
 * unmarked: the output's verification then checks them. */
static void carry_checks(Resolver *R, MeldModule *fm) {
  MeldArena scratch;
  meld_arena_init(&scratch, R->ctx->alloc, 64 * 1024);
  for (uint32_t mi_i = 0; mi_i < R->nminsts; mi_i++) {
    const ModInst *mi = &R->minsts[mi_i];
    const MeldModule *m = mi->m;
    bool any = false;
    for (uint32_t k = m->nimportfuncs; k < m->nfuncs && !any; k++)
      any = meld_func_checked(&m->funcs[k]);
    if (!any) continue;
    MeldArenaMark mark = meld_arena_mark(&scratch);
    uint32_t *fmap = meld_arena_alloc(&scratch, (size_t)(m->nfuncs + 1) * 4);
    uint32_t *tmap = meld_arena_alloc(&scratch, (size_t)(m->ntables + 1) * 4);
    uint32_t *mmap = meld_arena_alloc(&scratch, (size_t)(m->nmemories + 1) * 4);
    uint32_t *gmap = meld_arena_alloc(&scratch, (size_t)(m->nglobals + 1) * 4);
    uint32_t *ymap = meld_arena_alloc(&scratch, (size_t)(m->ntypes + 1) * 4);
    if (!fmap || !tmap || !mmap || !gmap || !ymap) break;
    for (uint32_t k = 0; k < m->nfuncs; k++) fmap[k] = R->funcs[mi->funcs[k]].final;
    for (uint32_t k = 0; k < m->ntables; k++) tmap[k] = R->tables[mi->tables[k]].final;
    for (uint32_t k = 0; k < m->nmemories; k++) mmap[k] = R->memories[mi->memories[k]].final;
    for (uint32_t k = 0; k < m->nglobals; k++) gmap[k] = R->globals[mi->globals[k]].final;
    /* Every type of the module was interned when it was merged: this only looks it up. */
    bool ok = true;
    for (uint32_t k = 0; k < m->ntypes && ok; k++)
      ok = (ymap[k] = meld_module_intern_type(fm, R->arena, m->types[k].params,
                                              m->types[k].nparams, m->types[k].results,
                                              m->types[k].nresults)) != MELD_NONE;
    const uint32_t *maps[MELD_NUM_SPACES] = {NULL};
    maps[MELD_SPACE_FUNC] = fmap;
    maps[MELD_SPACE_TABLE] = tmap;
    maps[MELD_SPACE_MEMORY] = mmap;
    maps[MELD_SPACE_GLOBAL] = gmap;
    maps[MELD_SPACE_TYPE] = ymap;
    if (ok && meld_remap_keeps_types(m, fm, maps))
      for (uint32_t k = m->nimportfuncs; k < m->nfuncs; k++)
        if (meld_func_checked(&m->funcs[k])) {
          MeldFunc *f = &fm->funcs[fmap[k]];
          if (!f->decoded) f->checked = f->code;
        }
    meld_arena_release(&scratch, mark);
  }
  meld_arena_free(&scratch);
}

static bool export_roots(Resolver *R, MeldModule *fm, const uint32_t *roots, uint32_t nroots) {
  MeldFusion *F = R->fusion;
  for (uint32_t r = 0; r < nroots; r++) {
    const CInst *ci = &R->cinsts[roots[r]];
    for (uint32_t i = 0; i < ci->nexports; i++) {
      const CExport *x = &ci->exports[i];
      const CExport *funcs = x;
      uint32_t nfuncs = 1;
      MeldStr iface = {"", 0};
      if (x->ent.kind == ENT_TYPE || x->ent.kind == ENT_RESOURCE) continue;
      if (x->ent.kind == ENT_INSTANCE) {
        funcs = R->cinsts[x->ent.idx].exports;
        nfuncs = R->cinsts[x->ent.idx].nexports;
        iface = x->name;
      } else if (x->ent.kind != ENT_FUNC) {
        return fail_at(R, MELD_NO_OFFSET, "export \"%.*s\": a fused core module can export "
                       "functions and instances of functions only", (int)x->name.len,
                       x->name.ptr);
      }
      for (uint32_t k = 0; k < nfuncs; k++) {
        const CExport *fx = &funcs[k];
        if (fx->ent.kind == ENT_TYPE || fx->ent.kind == ENT_RESOURCE) continue;
        if (fx->ent.kind != ENT_FUNC)
          return fail_at(R, MELD_NO_OFFSET, "export \"%.*s\": instance export \"%.*s\" is not a "
                         "function", (int)x->name.len, x->name.ptr, (int)fx->name.len,
                         fx->name.ptr);
        const CFunc *cf = &R->cfuncs[fx->ent.idx];
        if (cf->host)
          return fail_at(R, MELD_NO_OFFSET, "export \"%.*s\": re-exporting a function the host "
                         "provides is not supported", (int)fx->name.len, fx->name.ptr);
        const MeldFuncSig *sig = cfunc_sig(R, fx->ent.idx);
        if (!sig) return false;
        if (sig->async || cf->opts.async)
          return fail_at(R, MELD_NO_OFFSET, "export \"%.*s\": the async ABI is not supported yet",
                         (int)fx->name.len, fx->name.ptr);
        MeldHostExport *h = MELD_PUSH(R->arena, F->exports, F->nexports, F->capexports);
        if (!h) return oom(R);
        memset(h, 0, sizeof *h);
        h->callee = cf->instance;
        h->interface = iface;
        h->func = fx->name;
        h->name = iface.len ? str_join(R, iface, '#', fx->name) : fx->name;
        if (!h->name.ptr) return false;
        h->sig = sig;
        h->lift = cf->opts;
        map_opts(R, &h->lift);
        h->target = R->funcs[cf->core].final;
        TRY(add_export(R, fm, h->name, MELD_EXTERN_FUNC, h->target));
      }
    }
  }
  return true;
}

/* Exports what the host needs to speak the Canonical ABI with the fused module: for each
 * export, the callee's memory/realloc/post-return; for each import, the caller's memory and
 * realloc; only where the function's types need them. */
static bool export_abi_entities(Resolver *R, MeldModule *fm) {
  MeldFusion *F = R->fusion;
  MeldStr name;
  for (uint32_t i = 0; i < F->nexports; i++) {
    MeldHostExport *h = &F->exports[i];
    bool mem, alloc;
    meld_abi_host_needs(h->sig, MELD_CONTEXT_LIFT, &mem, &alloc);
    if (mem && h->lift.memory != MELD_NONE)
      TRY(export_entity(R, fm, MELD_EXTERN_MEMORY, h->lift.memory, "memory", &name));
    if (alloc && h->lift.realloc != MELD_NONE)
      TRY(export_entity(R, fm, MELD_EXTERN_FUNC, h->lift.realloc, "cabi_realloc", &name));
    if (h->lift.post_return != MELD_NONE) {
      char base[300];
      snprintf(base, sizeof base, "cabi_post_%.*s", (int)h->name.len, h->name.ptr);
      TRY(export_entity(R, fm, MELD_EXTERN_FUNC, h->lift.post_return, base, &name));
    }
  }
  for (uint32_t i = 0; i < F->nimports; i++) {
    MeldHostImport *h = &F->imports[i];
    bool mem, alloc;
    meld_abi_host_needs(h->sig, MELD_CONTEXT_LOWER, &mem, &alloc);
    if (mem && h->lower.memory != MELD_NONE)
      TRY(export_entity(R, fm, MELD_EXTERN_MEMORY, h->lower.memory, "memory", &name));
    if (alloc && h->lower.realloc != MELD_NONE)
      TRY(export_entity(R, fm, MELD_EXTERN_FUNC, h->lower.realloc, "cabi_realloc", &name));
  }
  return true;
}

/* ---- Devirtualizing trampolines ----
 * wit-component breaks the cycle "the main module imports functions whose lowering needs the
 * main module's memory" with a shim module: each import is a trampoline
 *   local.get 0 .. local.get n-1, i32.const K, call_indirect (type T) (table X)
 * through a private table that a fixup module fills once with the lowered functions.  Fused,
 * the table is filled when the module is instantiated and never changes, so a trampoline is the
 * function in slot K: references to it become references to that function (dce then removes the
 * shim and, once unused, the table).  The rewrite is made only when that is provable: X is
 * defined here, neither imported nor exported, no instruction writes it (table.set/grow/fill/
 * copy/init), every active segment on it has a constant offset, and slot K holds a function of
 * exactly type T. */

static bool table_written(const MeldInstr *in, uint32_t table) {
  switch (in->op) {
  case MELD_OP_TableSet:
  case MELD_OP_TableGrow:
  case MELD_OP_TableFill: return in->x == table;
  case MELD_OP_TableCopy: return in->x == table; /* the destination */
  case MELD_OP_TableInit: return in->y == table;
  default: return false;
  }
}

/* Is f a trampoline?  Sets *table, *slot. */
static bool is_trampoline(Resolver *R, const MeldModule *fm, const MeldFunc *f, MeldArena *scratch,
                          uint32_t *table, uint32_t *slot) {
  if (f->import != MELD_NONE || f->nlocalgroups || (!f->decoded && f->codesize > 96)) return false;
  const MeldFuncType *t = &fm->types[f->type];
  MeldInstr *in;
  uint32_t n;
  MeldArenaMark mark = meld_arena_mark(scratch);
  bool ok;
  if (f->pending) {
    /* Still in its module's indices: decoded as they are, the two that matter mapped below. */
    ok = meld_decode_expr(R->ctx, fm->file, f->codeoffset, f->code, f->codesize, scratch, &in,
                          &n, NULL);
    for (uint32_t i = 0; ok && i < n; i++) {
      MeldIndexRef refs[2];
      uint32_t nr = meld_instr_refs(&in[i], refs);
      for (uint32_t r = 0; r < nr; r++) {
        const uint32_t *map = f->pending->map[refs[r].space];
        if (!map) continue;
        if (*refs[r].slot >= f->pending->count[refs[r].space]) ok = false;
        else *refs[r].slot = map[*refs[r].slot];
      }
    }
  } else {
    const MeldInstr *cin;
    ok = meld_func_instrs(R->ctx, fm, f, scratch, &cin, &n, NULL);
    in = (MeldInstr *)cin;
  }
  ok = ok && n == t->nparams + 3;
  for (uint32_t i = 0; ok && i < t->nparams; i++)
    ok = in[i].op == MELD_OP_LocalGet && in[i].x == i;
  if (ok) {
    const MeldInstr *k = &in[t->nparams], *ci = &in[t->nparams + 1];
    ok = k->op == MELD_OP_I32Const && ci->op == MELD_OP_CallIndirect && ci->x == f->type &&
         in[n - 1].op == MELD_OP_End;
    if (ok) {
      *slot = (uint32_t)k->i32;
      *table = ci->y;
    }
  }
  meld_arena_release(scratch, mark);
  return ok;
}

static bool devirtualize(Resolver *R, MeldModule *fm) {
  if (!fm->ntables) return true;
  MeldArena scratch;
  meld_arena_init(&scratch, R->ctx->alloc, 64 * 1024);
  bool ok = false;
  uint32_t *target = meld_arena_alloc(&scratch, (size_t)fm->nfuncs * sizeof *target + 4);
  bool *fixed = meld_arena_calloc(&scratch, fm->ntables, sizeof *fixed);
  if (!target || !fixed) goto oom;
  /* Candidate tables, then rule out those any code writes. */
  for (uint32_t t = 0; t < fm->ntables; t++) fixed[t] = fm->tables[t].import == MELD_NONE;
  for (uint32_t i = 0; i < fm->nexports; i++)
    if (fm->exports[i].kind == MELD_EXTERN_TABLE) fixed[fm->exports[i].index] = false;
  for (uint32_t i = 0; i < fm->nelems; i++) {
    const MeldElem *e = &fm->elems[i];
    if (e->mode == MELD_SEG_ACTIVE &&
        !(e->offset.ninstrs == 2 && e->offset.instrs[0].op == MELD_OP_I32Const))
      fixed[e->table] = false;
  }
  bool any = false;
  for (uint32_t t = 0; t < fm->ntables; t++) any |= fixed[t];
  if (!any) {
    ok = true;
    goto done;
  }
  /* Which function each trampoline stands for (assuming, for now, that no code writes the
   * candidate tables: checked below, only when there are trampolines at all, since it means
   * walking every body). */
  uint32_t nfound = 0;
  for (uint32_t i = 0; i < fm->nfuncs; i++) target[i] = i;
  for (uint32_t i = fm->nimportfuncs; i < fm->nfuncs; i++) {
    uint32_t table, slot;
    if (!is_trampoline(R, fm, &fm->funcs[i], &scratch, &table, &slot) || table >= fm->ntables ||
        !fixed[table])
      continue;
    /* The last active segment writing the slot decides its content. */
    uint32_t g = MELD_NONE;
    for (uint32_t s = 0; s < fm->nelems; s++) {
      const MeldElem *e = &fm->elems[s];
      if (e->mode != MELD_SEG_ACTIVE || e->table != table) continue;
      uint32_t off = (uint32_t)e->offset.instrs[0].i32;
      if (slot < off || slot - off >= e->ninit) continue;
      uint32_t k = slot - off;
      if (e->funcs) g = e->funcs[k];
      else if (e->exprs[k].ninstrs == 2 && e->exprs[k].instrs[0].op == MELD_OP_RefFunc)
        g = e->exprs[k].instrs[0].x;
      else g = MELD_NONE; /* ref.null or something else: the call traps; leave it */
    }
    if (g == MELD_NONE || g == i || fm->funcs[g].type != fm->funcs[i].type) continue;
    target[i] = g;
    nfound++;
  }
  if (nfound) {
    bool *used = meld_arena_calloc(&scratch, fm->ntables, sizeof *used);
    uint32_t *via = meld_arena_alloc(&scratch, (size_t)fm->nfuncs * sizeof *via + 4);
    if (!used || !via) goto oom;
    for (uint32_t i = 0; i < fm->nfuncs; i++) via[i] = MELD_NONE;
    for (uint32_t i = fm->nimportfuncs; i < fm->nfuncs; i++) {
      uint32_t table, slot;
      if (target[i] != i && is_trampoline(R, fm, &fm->funcs[i], &scratch, &table, &slot)) {
        via[i] = table;
        used[table] = true;
      }
    }
    if (!meld_module_settle(R->ctx, fm, R->arena)) goto done;
    for (uint32_t i = fm->nimportfuncs; i < fm->nfuncs; i++) {
      MeldInstrIter it;
      MeldInstr in;
      meld_iter_begin(&it, R->ctx, fm, &fm->funcs[i]);
      int r;
      while ((r = meld_iter_next(&it, &in, NULL)) > 0)
        for (uint32_t t = 0; t < fm->ntables; t++)
          if (used[t] && fixed[t] && table_written(&in, t)) fixed[t] = false;
      meld_iter_end(&it);
      if (r < 0) goto done;
    }
    /* A trampoline through a table some code writes stays a trampoline. */
    for (uint32_t i = fm->nimportfuncs; i < fm->nfuncs; i++)
      if (via[i] != MELD_NONE && !fixed[via[i]]) {
        target[i] = i;
        nfound--;
      }
  }
  if (nfound) {
    /* Follow chains (a trampoline to a trampoline), guarding against cycles. */
    for (uint32_t i = 0; i < fm->nfuncs; i++) {
      uint32_t t = target[i];
      for (uint32_t steps = 0; target[t] != t && steps < fm->nfuncs; steps++) t = target[t];
      target[i] = t;
    }
    const uint32_t *maps[MELD_NUM_SPACES] = {target};
    if (!meld_module_remap(R->ctx, fm, R->arena, maps)) goto done;
  }
  ok = true;
  goto done;
oom:
  oom(R);
done:
  meld_arena_free(&scratch);
  return ok;
}

/* ---- The pass ---- */

static bool track(Resolver *R, MeldModule *fm) {
  MeldFusion *F = R->fusion;
  for (uint32_t i = 0; i < F->nboundaries; i++) {
    MeldBoundary *b = &F->boundaries[i];
    if (!meld_module_track(fm, R->arena, MELD_SPACE_FUNC, &b->target) ||
        !meld_module_track(fm, R->arena, MELD_SPACE_FUNC, &b->entry) ||
        !track_opts(R, fm, &b->lower) || !track_opts(R, fm, &b->lift))
      return oom(R);
  }
  for (uint32_t i = 0; i < F->nimports; i++)
    if (!meld_module_track(fm, R->arena, MELD_SPACE_FUNC, &F->imports[i].import) ||
        !track_opts(R, fm, &F->imports[i].lower))
      return oom(R);
  for (uint32_t i = 0; i < F->nexports; i++)
    if (!meld_module_track(fm, R->arena, MELD_SPACE_FUNC, &F->exports[i].target) ||
        !track_opts(R, fm, &F->exports[i].lift))
      return oom(R);
  for (uint32_t i = 0; i < F->ninstances; i++)
    if (!meld_module_track(fm, R->arena, MELD_SPACE_MEMORY, &F->instances[i].memory))
      return oom(R);
  return true;
}

/* Links the inputs (imports to other inputs' exports by interface name), orders them so every
 * input comes after those it imports from, evaluates them, and returns the roots (inputs no other
 * input imports from) as component instances. */
static bool link_and_evaluate(Resolver *R, uint32_t **roots_out, uint32_t *nroots_out) {
  MeldUnit *u = R->unit;
  uint32_t n = u->ninputs;
  Link **links = meld_arena_calloc(R->arena, n, sizeof *links);
  uint32_t *indeg = meld_arena_calloc(R->arena, n, sizeof *indeg);
  bool *used = meld_arena_calloc(R->arena, n, sizeof *used);
  uint32_t *cinst = meld_arena_alloc(R->arena, (size_t)n * sizeof *cinst);
  uint32_t *order = meld_arena_alloc(R->arena, (size_t)n * sizeof *order);
  if (!links || !indeg || !used || !cinst || !order) return oom(R);
  for (uint32_t i = 0; i < n; i++) {
    const MeldComponent *c = u->inputs[i].component;
    R->file = c->file;
    links[i] = meld_arena_alloc(R->arena, (size_t)(c->nimports + 1) * sizeof **links);
    if (!links[i]) return oom(R);
    for (uint32_t k = 0; k < c->nimports; k++) {
      MeldStr name = c->imports[k].name.name;
      Link found = {MELD_NONE, MELD_NONE};
      uint32_t ncand = 0;
      for (uint32_t j = 0; j < n; j++) {
        if (j == i) continue;
        const MeldComponent *d = u->inputs[j].component;
        for (uint32_t e = 0; e < d->nexports; e++)
          if (names_match(name, d->exports[e].name.name)) {
            if (ncand++ == 0) found = (Link){j, e};
          }
      }
      if (ncand > 1) {
        MeldBuf list;
        meld_buf_init(&list, R->ctx->alloc);
        for (uint32_t j = 0; j < n; j++) {
          if (j == i) continue;
          const MeldComponent *d = u->inputs[j].component;
          for (uint32_t e = 0; e < d->nexports; e++)
            if (names_match(name, d->exports[e].name.name))
              meld_buf_printf(&list, "%s%s exports \"%.*s\"", list.len ? "; " : "",
                              u->inputs[j].file, (int)d->exports[e].name.name.len,
                              d->exports[e].name.name.ptr);
        }
        meld_buf_byte(&list, 0);
        fail_at(R, c->imports[k].offset, "import \"%.*s\" is ambiguous: %s", (int)name.len,
                name.ptr, list.oom ? "(out of memory)" : (const char *)list.data);
        meld_buf_free(&list);
        return false;
      }
      links[i][k] = found;
      if (found.input != MELD_NONE) {
        indeg[i]++;
        used[found.input] = true;
      }
    }
  }
  /* Kahn's algorithm: an input is ready when everything it imports from was evaluated. */
  bool *done = meld_arena_calloc(R->arena, n, sizeof *done);
  if (!done) return oom(R);
  for (uint32_t step = 0; step < n; step++) {
    uint32_t pick = MELD_NONE;
    for (uint32_t i = 0; i < n && pick == MELD_NONE; i++) {
      if (done[i]) continue;
      const MeldComponent *c = u->inputs[i].component;
      bool ready = true;
      for (uint32_t k = 0; k < c->nimports && ready; k++)
        if (links[i][k].input != MELD_NONE && !done[links[i][k].input]) ready = false;
      if (ready) pick = i;
    }
    if (pick == MELD_NONE) {
      MeldBuf list;
      meld_buf_init(&list, R->ctx->alloc);
      for (uint32_t i = 0; i < n; i++)
        if (!done[i]) meld_buf_printf(&list, "%s%s", list.len ? ", " : "", u->inputs[i].file);
      meld_buf_byte(&list, 0);
      R->file = NULL;
      fail_at(R, MELD_NO_OFFSET, "the inputs import from each other in a cycle: %s",
              list.oom ? "(out of memory)" : (const char *)list.data);
      meld_buf_free(&list);
      return false;
    }
    done[pick] = true;
    order[step] = pick;
  }
  for (uint32_t step = 0; step < n; step++) {
    uint32_t i = order[step];
    const MeldComponent *c = u->inputs[i].component;
    MeldStr *names = meld_arena_alloc(R->arena, (size_t)(c->nimports + 1) * sizeof *names);
    Ent *ents = meld_arena_alloc(R->arena, (size_t)(c->nimports + 1) * sizeof *ents);
    if (!names || !ents) return oom(R);
    uint32_t na = 0;
    for (uint32_t k = 0; k < c->nimports; k++) {
      Link l = links[i][k];
      if (l.input == MELD_NONE) continue;
      const MeldCompExport *ex = &u->inputs[l.input].component->exports[l.export];
      const Ent *e = cinst_find(R, cinst[l.input], ex->name.name);
      if (!e) return fail_at(R, ex->offset, "export \"%.*s\" not found", (int)ex->name.name.len,
                             ex->name.name.ptr);
      names[na] = c->imports[k].name.name;
      ents[na++] = *e;
    }
    Args args = {names, ents, na, true};
    uint32_t inst = new_instance(R, file_stem(R, u->inputs[i].file), MELD_NONE, i);
    if (inst == MELD_NONE || !eval_component(R, c, NULL, &args, inst, &cinst[i])) return false;
  }
  uint32_t nroots = 0;
  for (uint32_t i = 0; i < n; i++)
    if (!used[i]) order[nroots++] = cinst[i];
  *roots_out = order;
  *nroots_out = nroots;
  return true;
}

bool meld_pass_resolve(MeldUnit *u, const MeldPassParams *params) {
  static const char *const known[] = {NULL};
  if (!meld_params_check(u, "resolve", params, known)) return false;
  Resolver R;
  memset(&R, 0, sizeof R);
  R.ctx = u->ctx;
  R.unit = u;
  R.arena = &u->arena;
  R.fusion = meld_arena_calloc(&u->arena, 1, sizeof *R.fusion);
  if (!R.fusion) return oom(&R);
  uint32_t *roots = NULL, nroots = 0;
  MeldModule *fm = NULL;
  if (!link_and_evaluate(&R, &roots, &nroots)) return false;
  R.file = u->inputs[0].file;
  if (!assemble(&R, &fm)) return false;
  carry_checks(&R, fm);
  if (!export_roots(&R, fm, roots, nroots) ||
      !export_abi_entities(&R, fm) || !devirtualize(&R, fm) || !track(&R, fm))
    return false;
  R.fusion->resources = meld_arena_calloc(&u->arena, R.nresources + 1, sizeof *R.fusion->resources);
  if (!R.fusion->resources) return oom(&R);
  for (uint32_t i = 0; i < R.nresources; i++) {
    R.fusion->resources[i].interface = R.resources[i].iface;
    R.fusion->resources[i].name = R.resources[i].name;
    R.fusion->resources[i].host = R.resources[i].host;
  }
  R.fusion->nresources = R.nresources;
  u->module = fm;
  u->component = NULL;
  u->fusion = R.fusion;
  return true;
}
