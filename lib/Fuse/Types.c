/*
 * Resolving component types into the fusion's resolved types (MeldValTy, MeldFuncSig).
 *
 * A type index is read in the scope that holds it (a component being evaluated, or the
 * declarations of a component/instance type); the entity found there says where the
 * definition's own indices resolve, so nested definitions, aliases, imports with `eq` bounds
 * and outer aliases all come out as one tree.  Results are memoized per (definition, scope), so
 * a type used by many functions is built once.  Nesting is bounded (types cannot be recursive,
 * but a long chain of them must not exhaust the stack).
 */
#include "Fuse/Resolve.h"

#include <string.h>

#define MAX_TYPE_DEPTH 512u

/* ---- Memo: open addressing over (k1, k2) pointer pairs ---- */

static uint32_t memo_hash(const void *k1, const void *k2) {
  uintptr_t a = (uintptr_t)k1, b = (uintptr_t)k2;
  uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ull ^ (uint64_t)b * 0xC2B2AE3D27D4EB4Full;
  return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

const void *meld_memo_get(Resolver *R, const void *k1, const void *k2) {
  if (!R->capmemo) return NULL;
  uint32_t mask = R->capmemo - 1;
  for (uint32_t i = memo_hash(k1, k2) & mask;; i = (i + 1) & mask) {
    const MemoEntry *e = &R->memo[i];
    if (!e->key1) return NULL;
    if (e->key1 == k1 && e->key2 == k2) return e->value;
  }
}

bool meld_memo_put(Resolver *R, const void *k1, const void *k2, const void *value) {
  if (2 * (R->nmemo + 1) > R->capmemo) {
    uint32_t ncap = R->capmemo ? R->capmemo * 2 : 64;
    MemoEntry *n = meld_arena_calloc(R->arena, ncap, sizeof *n);
    if (!n) return false;
    for (uint32_t i = 0; i < R->capmemo; i++) {
      const MemoEntry *e = &R->memo[i];
      if (!e->key1) continue;
      uint32_t j = memo_hash(e->key1, e->key2) & (ncap - 1);
      while (n[j].key1) j = (j + 1) & (ncap - 1);
      n[j] = *e;
    }
    R->memo = n;
    R->capmemo = ncap;
  }
  uint32_t mask = R->capmemo - 1;
  uint32_t i = memo_hash(k1, k2) & mask;
  while (R->memo[i].key1 && !(R->memo[i].key1 == k1 && R->memo[i].key2 == k2)) i = (i + 1) & mask;
  if (!R->memo[i].key1) R->nmemo++;
  R->memo[i].key1 = k1;
  R->memo[i].key2 = k2;
  R->memo[i].value = value;
  return true;
}

/* ---- Primitive types ---- */

static const MeldValTy prims[] = {
    {MELD_VT_BOOL, 0, 0, 0, 0, 0, 0},  {MELD_VT_S8, 0, 0, 0, 0, 0, 0},
    {MELD_VT_U8, 0, 0, 0, 0, 0, 0},    {MELD_VT_S16, 0, 0, 0, 0, 0, 0},
    {MELD_VT_U16, 0, 0, 0, 0, 0, 0},   {MELD_VT_S32, 0, 0, 0, 0, 0, 0},
    {MELD_VT_U32, 0, 0, 0, 0, 0, 0},   {MELD_VT_S64, 0, 0, 0, 0, 0, 0},
    {MELD_VT_U64, 0, 0, 0, 0, 0, 0},   {MELD_VT_F32, 0, 0, 0, 0, 0, 0},
    {MELD_VT_F64, 0, 0, 0, 0, 0, 0},   {MELD_VT_CHAR, 0, 0, 0, 0, 0, 0},
    {MELD_VT_STRING, 0, 0, 0, 0, 0, 0}, {MELD_VT_ERROR_CONTEXT, 0, 0, 0, 0, 0, 0},
};

static const MeldValTy *prim_type(uint8_t code) {
  switch (code) {
  case MELD_PRIM_BOOL: return &prims[0];
  case MELD_PRIM_S8: return &prims[1];
  case MELD_PRIM_U8: return &prims[2];
  case MELD_PRIM_S16: return &prims[3];
  case MELD_PRIM_U16: return &prims[4];
  case MELD_PRIM_S32: return &prims[5];
  case MELD_PRIM_U32: return &prims[6];
  case MELD_PRIM_S64: return &prims[7];
  case MELD_PRIM_U64: return &prims[8];
  case MELD_PRIM_F32: return &prims[9];
  case MELD_PRIM_F64: return &prims[10];
  case MELD_PRIM_CHAR: return &prims[11];
  case MELD_PRIM_STRING: return &prims[12];
  case MELD_PRIM_ERROR_CONTEXT: return &prims[13];
  default: return NULL;
  }
}

static uint64_t type_offset(const MeldCompType *t) {
  return t ? t->offset : MELD_NO_OFFSET;
}

static void *oom(Resolver *R) {
  meld_error(R->ctx, R->file, MELD_NO_OFFSET, "out of memory while resolving types");
  return NULL;
}

/* The identity of a resource type: a fresh number per (definition or import, scope). */
static bool resource_identity(Resolver *R, const Ent *e, uint32_t *out) {
  if (e->kind == ENT_RESOURCE) {
    *out = e->idx;
    return true;
  }
  if (e->kind == ENT_TYPE && e->type && e->type->code == MELD_CT_RESOURCE) {
    const void *known = meld_memo_get(R, e->type, e->scope);
    if (known) {
      *out = (uint32_t)(uintptr_t)known - 1;
      return true;
    }
    ResourceInfo *ri = MELD_PUSH(R->arena, R->resources, R->nresources, R->capresources);
    if (!ri) return oom(R);
    memset(ri, 0, sizeof *ri); /* defined by a component of the program */
    uint32_t id = R->nresources - 1;
    if (!meld_memo_put(R, e->type, e->scope, (const void *)(uintptr_t)(id + 1))) return oom(R);
    *out = id;
    return true;
  }
  meld_error(R->ctx, R->file, type_offset(e->type), "own/borrow of something that is not a resource");
  return false;
}

static const MeldValTy *resolve_def(Resolver *R, const Ent *e);

const MeldValTy *meld_resolve_valtype(Resolver *R, Scope *scope, MeldCompValType vt) {
  if (vt.prim) {
    const MeldValTy *p = prim_type(vt.prim);
    if (!p) meld_error(R->ctx, R->file, MELD_NO_OFFSET, "unknown primitive type 0x%02x", vt.prim);
    return p;
  }
  Ent e;
  if (!meld_scope_type(R, scope, vt.index, &e)) return NULL;
  return resolve_def(R, &e);
}

static const MeldValTy **resolve_fields(Resolver *R, Scope *s, const MeldCompType *t,
                                        bool optional) {
  const MeldValTy **types = meld_arena_calloc(R->arena, t->nfields ? t->nfields : 1,
                                              sizeof *types);
  if (!types) return oom(R);
  for (uint32_t i = 0; i < t->nfields; i++) {
    if (optional && !t->fields[i].has_type) continue;
    types[i] = meld_resolve_valtype(R, s, t->fields[i].type);
    if (!types[i]) return NULL;
  }
  return types;
}

static const MeldStr *labels_of(Resolver *R, const MeldCompType *t) {
  MeldStr *labels = meld_arena_alloc(R->arena, (size_t)(t->nfields ? t->nfields : 1) *
                                                   sizeof *labels);
  if (!labels) return oom(R);
  for (uint32_t i = 0; i < t->nfields; i++) labels[i] = t->fields[i].label;
  return labels;
}

static const MeldValTy *resolve_def(Resolver *R, const Ent *e) {
  if (e->kind != ENT_TYPE || !e->type) {
    meld_error(R->ctx, R->file, MELD_NO_OFFSET, "a value type was expected here");
    return NULL;
  }
  const MeldCompType *t = e->type;
  Scope *s = e->scope;
  if (t->code != MELD_CT_RESOURCE) {
    const MeldValTy *known = meld_memo_get(R, t, s);
    if (known) return known;
  }
  const MeldValTy *prim = prim_type(t->code);
  if (prim) return prim;
  if (R->depth >= MAX_TYPE_DEPTH) {
    meld_error(R->ctx, R->file, t->offset, "types nest more than %u deep", MAX_TYPE_DEPTH);
    return NULL;
  }
  R->depth++;
  MeldValTy *v = meld_arena_calloc(R->arena, 1, sizeof *v);
  bool ok = v != NULL;
  if (!ok) oom(R);
  switch (ok ? t->code : 0) {
  case 0: break;
  case MELD_CT_RECORD:
  case MELD_CT_TUPLE:
    v->kind = t->code == MELD_CT_RECORD ? MELD_VT_RECORD : MELD_VT_TUPLE;
    v->n = t->nfields;
    ok = (v->types = resolve_fields(R, s, t, false)) != NULL &&
         (t->code == MELD_CT_TUPLE || (v->labels = labels_of(R, t)) != NULL);
    break;
  case MELD_CT_VARIANT:
    v->kind = MELD_VT_VARIANT;
    v->n = t->nfields;
    ok = (v->types = resolve_fields(R, s, t, true)) != NULL && (v->labels = labels_of(R, t));
    break;
  case MELD_CT_FLAGS:
  case MELD_CT_ENUM:
    v->kind = t->code == MELD_CT_FLAGS ? MELD_VT_FLAGS : MELD_VT_ENUM;
    v->n = t->nfields;
    ok = (v->labels = labels_of(R, t)) != NULL;
    break;
  case MELD_CT_LIST:
  case MELD_CT_OPTION:
  case MELD_CT_FIXED_LIST:
    v->kind = t->code == MELD_CT_LIST     ? MELD_VT_LIST
              : t->code == MELD_CT_OPTION ? MELD_VT_OPTION
                                          : MELD_VT_FIXED_LIST;
    v->n = t->code == MELD_CT_FIXED_LIST ? t->length : 0;
    ok = (v->a = meld_resolve_valtype(R, s, t->a)) != NULL;
    break;
  case MELD_CT_RESULT:
    v->kind = MELD_VT_RESULT;
    if (t->has_a) ok = (v->a = meld_resolve_valtype(R, s, t->a)) != NULL;
    if (ok && t->has_b) ok = (v->b = meld_resolve_valtype(R, s, t->b)) != NULL;
    break;
  case MELD_CT_MAP:
    v->kind = MELD_VT_MAP;
    ok = (v->a = meld_resolve_valtype(R, s, t->a)) != NULL &&
         (v->b = meld_resolve_valtype(R, s, t->b)) != NULL;
    break;
  case MELD_CT_STREAM:
  case MELD_CT_FUTURE:
    v->kind = t->code == MELD_CT_STREAM ? MELD_VT_STREAM : MELD_VT_FUTURE;
    if (t->has_a) ok = (v->a = meld_resolve_valtype(R, s, t->a)) != NULL;
    break;
  case MELD_CT_OWN:
  case MELD_CT_BORROW: {
    v->kind = t->code == MELD_CT_OWN ? MELD_VT_OWN : MELD_VT_BORROW;
    Ent r;
    ok = meld_scope_type(R, s, t->resource, &r) && resource_identity(R, &r, &v->resource);
    break;
  }
  default:
    meld_error(R->ctx, R->file, t->offset, "a %s type is not a value type",
               t->code == MELD_CT_FUNC || t->code == MELD_CT_ASYNC_FUNC ? "function"
               : t->code == MELD_CT_COMPONENT                           ? "component"
               : t->code == MELD_CT_INSTANCE                            ? "instance"
               : t->code == MELD_CT_RESOURCE                            ? "resource"
                                                                        : "non-value");
    ok = false;
    break;
  }
  R->depth--;
  if (!ok) return NULL;
  if (!meld_memo_put(R, t, s, v)) return oom(R);
  return v;
}

const MeldFuncSig *meld_resolve_functype(Resolver *R, const Ent *e) {
  if (e->kind != ENT_TYPE || !e->type ||
      (e->type->code != MELD_CT_FUNC && e->type->code != MELD_CT_ASYNC_FUNC)) {
    meld_error(R->ctx, R->file, e->type ? e->type->offset : MELD_NO_OFFSET,
               "a function type was expected here");
    return NULL;
  }
  const MeldCompType *t = e->type;
  /* Keyed apart from value types of the same definition (they never coincide, but the key
   * spaces must not either). */
  const MeldFuncSig *known = meld_memo_get(R, (const uint8_t *)t + 1, e->scope);
  if (known) return known;
  MeldFuncSig *sig = meld_arena_calloc(R->arena, 1, sizeof *sig);
  MeldStr *names = meld_arena_alloc(R->arena, (size_t)(t->nfields ? t->nfields : 1) *
                                                  sizeof *names);
  const MeldValTy **params = meld_arena_calloc(R->arena, t->nfields ? t->nfields : 1,
                                               sizeof *params);
  if (!sig || !names || !params) return oom(R);
  for (uint32_t i = 0; i < t->nfields; i++) {
    names[i] = t->fields[i].label;
    params[i] = meld_resolve_valtype(R, e->scope, t->fields[i].type);
    if (!params[i]) return NULL;
  }
  sig->nparams = t->nfields;
  sig->param_names = names;
  sig->params = params;
  sig->async = t->code == MELD_CT_ASYNC_FUNC;
  if (t->has_a && !(sig->result = meld_resolve_valtype(R, e->scope, t->a))) return NULL;
  if (!meld_memo_put(R, (const uint8_t *)t + 1, e->scope, sig)) return oom(R);
  return sig;
}
