/*
 * rebase's translation of pointers on the outer boundary (docs/rebase.md, "Several windows with
 * pointers on the outer boundary").
 *
 * What it does: inside a window every address is window-relative; the host, which sees the one
 * memory, needs absolute ones.  One window can sit at base 0 and needs nothing; for every other
 * window with pointers on the outer boundary this adds wrappers that add or subtract the
 * window's base B wherever the Canonical ABI puts a pointer, guided by the function's type:
 *
 *   - the realloc the host calls (the `realloc` option of the window's host exports and
 *     imports): old - B in (0 stays 0), result + B out;
 *   - each host export: flat pointer parameters - B (a spilled parameter block: its pointer,
 *     then the pointers stored inside it), pointers stored in argument memory (a list<string>'s
 *     strings) - B before the call; a spilled result's pointers stored inside + B, its own
 *     pointer + B;
 *   - each host export's post-return: the result's stored pointers back to - B (the callee frees
 *     through them), then the original post-return;
 *   - each host import: the other way round -- pointers + B for the host, stored argument
 *     pointers restored afterwards (the caller still owns that memory), the return area passed
 *     + B and the pointers the host stored in it - B after the call.
 *
 * Variants are followed by their discriminant, flat slots joined to i64 are wrapped and extended
 * back, lists are walked element by element when their elements hold pointers.  The wrappers
 * access memory through the window's own memory index, so rebase's rewrite gives them the base
 * like any other code.  Exports and the fusion record are pointed at the wrappers: the host
 * calls them by the same names.  Every adjustment wraps modulo 2^32 and is undone exactly by its
 * inverse.
 */
#include "Fuse/Adapter.h"
#include "Passes/OuterTranslate.h"

#include <stdio.h>
#include <string.h>

typedef struct Tr {
  MeldUnit *u;
  MeldModule *m;
  MeldArena *scratch;
  MeldGen *g;
  uint32_t mem;  /* the window's memory index (rebase rewrites it afterwards) */
  uint32_t base; /* the window's base */
  bool failed;
} Tr;

static uint32_t align_up(uint32_t v, uint32_t a) {
  return (v + a - 1) / a * a;
}

static uint32_t flat_count(const MeldValTy *t) {
  return meld_abi_flatten(t, NULL, 0);
}

/* A tuple type over `types` (for spilled parameter blocks and map entries). */
static const MeldValTy *tuple_of(Tr *t, const MeldValTy *const *types, uint32_t n) {
  MeldValTy *tu = meld_arena_calloc(t->scratch, 1, sizeof *tu);
  const MeldValTy **ts = meld_arena_alloc(t->scratch, (n ? n : 1) * sizeof *ts);
  if (!tu || !ts) {
    t->failed = true;
    return NULL;
  }
  memcpy(ts, types, n * sizeof *ts);
  tu->kind = MELD_VT_TUPLE;
  tu->n = n;
  tu->types = ts;
  return tu;
}

/* The element type of a list, or the (key, value) entry of a map. */
static const MeldValTy *elem_of(Tr *t, const MeldValTy *ty) {
  if (ty->kind == MELD_VT_LIST) return ty->a;
  const MeldValTy *kv[2] = {ty->a, ty->b};
  return tuple_of(t, kv, 2);
}

/* Pushes local x (i32) +- base. */
static void shifted(Tr *t, uint32_t x, int dir) {
  meld_gen_get(t->g, x);
  meld_gen_i32(t->g, t->base);
  meld_gen_op(t->g, dir > 0 ? MELD_OP_I32Add : MELD_OP_I32Sub);
}

static void walk_mem(Tr *t, const MeldValTy *ty, uint32_t p, uint32_t off, int dir);

/* Walks `len` elements of type `elem` from the window-relative address in local ptr. */
static void walk_elems(Tr *t, const MeldValTy *elem, uint32_t ptr, uint32_t len, int dir) {
  MeldGen *g = t->g;
  if (!elem || !meld_abi_needs_memory(elem)) return;
  uint32_t mark = meld_gen_mark(g);
  uint32_t q = meld_gen_local(g, MELD_I32), i = meld_gen_local(g, MELD_I32);
  meld_gen_get(g, ptr);
  meld_gen_set(g, q);
  meld_gen_get(g, len);
  meld_gen_set(g, i);
  uint32_t done = meld_gen_open(g, MELD_OP_Block), next = meld_gen_open(g, MELD_OP_Loop);
  meld_gen_get(g, i);
  meld_gen_op(g, MELD_OP_I32Eqz);
  meld_gen_br(g, MELD_OP_BrIf, done);
  walk_mem(t, elem, q, 0, dir);
  meld_gen_get(g, q);
  meld_gen_i32(g, meld_abi_size(elem));
  meld_gen_op(g, MELD_OP_I32Add);
  meld_gen_set(g, q);
  meld_gen_get(g, i);
  meld_gen_i32(g, 1);
  meld_gen_op(g, MELD_OP_I32Sub);
  meld_gen_set(g, i);
  meld_gen_br(g, MELD_OP_Br, next);
  meld_gen_end(g);
  meld_gen_end(g);
  meld_gen_release(g, mark);
}

static MeldOpcode disc_load(uint32_t size) {
  return size == 1 ? MELD_OP_I32Load8U : size == 2 ? MELD_OP_I32Load16U : MELD_OP_I32Load;
}

/* The cases of a variant-like value whose payloads hold pointers, each run through `each`;
 * `disc` is an i32 local holding the discriminant. */
typedef void (*CaseFn)(Tr *t, const MeldValTy *payload, void *env, int dir);
static void each_case(Tr *t, const MeldValTy *ty, uint32_t disc, CaseFn each, void *env, int dir) {
  MeldGen *g = t->g;
  uint32_t n = meld_abi_ncases(ty), last = n;
  for (uint32_t c = 0; c < n; c++) {
    const MeldValTy *p = meld_abi_case(ty, c);
    if (p && meld_abi_needs_memory(p)) last = c;
  }
  if (last == n) return;
  uint32_t *ids = meld_arena_alloc(t->scratch, (size_t)n * sizeof *ids);
  if (!ids) {
    t->failed = true;
    return;
  }
  uint32_t done = meld_gen_open(g, MELD_OP_Block);
  for (uint32_t c = n; c-- > 0;) {
    const MeldValTy *p = meld_abi_case(ty, c);
    ids[c] = p && meld_abi_needs_memory(p) ? meld_gen_open(g, MELD_OP_Block) : done;
  }
  meld_gen_get(g, disc);
  /* A discriminant out of range was trapped on by whoever lifted it; here it changes nothing. */
  meld_gen_br_table(g, ids, n, done);
  for (uint32_t c = 0; c < n; c++) {
    const MeldValTy *p = meld_abi_case(ty, c);
    if (!p || !meld_abi_needs_memory(p)) continue;
    meld_gen_end(g);
    uint32_t mark = meld_gen_mark(g);
    each(t, p, env, dir);
    meld_gen_release(g, mark);
    if (c != last) meld_gen_br(g, MELD_OP_Br, done);
  }
  meld_gen_end(g);
}

typedef struct MemAt {
  uint32_t p, off;
} MemAt;

static void mem_case(Tr *t, const MeldValTy *payload, void *env, int dir) {
  const MemAt *at = env;
  walk_mem(t, payload, at->p, at->off, dir);
}

/* Adjusts every pointer stored in the value of type ty at window-relative address p + off:
 * dir < 0 turns absolute ones into relative ones (host to window), dir > 0 the other way. */
static void walk_mem(Tr *t, const MeldValTy *ty, uint32_t p, uint32_t off, int dir) {
  MeldGen *g = t->g;
  if (t->failed || !meld_abi_needs_memory(ty)) return;
  switch ((MeldValKind)ty->kind) {
  case MELD_VT_STRING:
  case MELD_VT_LIST:
  case MELD_VT_MAP: {
    const MeldValTy *elem = ty->kind == MELD_VT_STRING ? NULL : elem_of(t, ty);
    uint32_t mark = meld_gen_mark(g);
    uint32_t x = meld_gen_local(g, MELD_I32), len = meld_gen_local(g, MELD_I32);
    meld_gen_get(g, p);
    meld_gen_mem(g, MELD_OP_I32Load, t->mem, off);
    meld_gen_set(g, x);
    meld_gen_get(g, p);
    meld_gen_mem(g, MELD_OP_I32Load, t->mem, off + 4);
    meld_gen_set(g, len);
    if (dir < 0) {
      shifted(t, x, -1);
      meld_gen_set(g, x);
      walk_elems(t, elem, x, len, dir);
      meld_gen_get(g, p);
      meld_gen_get(g, x);
    } else {
      walk_elems(t, elem, x, len, dir);
      meld_gen_get(g, p);
      shifted(t, x, +1);
    }
    meld_gen_mem(g, MELD_OP_I32Store, t->mem, off);
    meld_gen_release(g, mark);
    return;
  }
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE: {
    uint32_t at = 0;
    for (uint32_t i = 0; i < ty->n; i++) {
      const MeldValTy *f = ty->types[i];
      at = align_up(at, meld_abi_alignment(f));
      walk_mem(t, f, p, off + at, dir);
      at += meld_abi_size(f);
    }
    return;
  }
  case MELD_VT_FIXED_LIST: {
    uint32_t es = meld_abi_size(ty->a);
    for (uint32_t i = 0; i < ty->n && !t->failed; i++) walk_mem(t, ty->a, p, off + i * es, dir);
    return;
  }
  case MELD_VT_VARIANT:
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: {
    uint32_t mark = meld_gen_mark(g);
    uint32_t disc = meld_gen_local(g, MELD_I32);
    meld_gen_get(g, p);
    meld_gen_mem(g, disc_load(meld_abi_disc_size(meld_abi_ncases(ty))), t->mem, off);
    meld_gen_set(g, disc);
    MemAt at = {p, off + meld_abi_payload_offset(ty)};
    each_case(t, ty, disc, mem_case, &at, dir);
    meld_gen_release(g, mark);
    return;
  }
  default: t->failed = true; return; /* handles and async values never reach rebase */
  }
}

/* ---- Flat values ---- */

/* Pushes the i32 in local x, which a variant may have widened to an i64 slot. */
static void get_i32(Tr *t, uint32_t x, MeldValType type) {
  meld_gen_get(t->g, x);
  if (type == MELD_I64) meld_gen_op(t->g, MELD_OP_I32WrapI64);
}

/* Pops an i32 into local x (widening it back for an i64 slot). */
static void set_i32(Tr *t, uint32_t x, MeldValType type) {
  if (type == MELD_I64) meld_gen_op(t->g, MELD_OP_I64ExtendI32U);
  meld_gen_set(t->g, x);
}

static void walk_flat(Tr *t, const MeldValTy *ty, const uint32_t *slots, const MeldValType *types,
                      int dir);

typedef struct FlatAt {
  const uint32_t *slots;
  const MeldValType *types;
} FlatAt;

static void flat_case(Tr *t, const MeldValTy *payload, void *env, int dir) {
  const FlatAt *at = env;
  walk_flat(t, payload, at->slots, at->types, dir);
}

/* Adjusts the pointers among a value's flat core values (locals `slots`, of core types
 * `types`) and those stored in the memory they point to; dir as walk_mem. */
static void walk_flat(Tr *t, const MeldValTy *ty, const uint32_t *slots, const MeldValType *types,
                      int dir) {
  MeldGen *g = t->g;
  if (t->failed || !meld_abi_needs_memory(ty)) return;
  switch ((MeldValKind)ty->kind) {
  case MELD_VT_STRING:
  case MELD_VT_LIST:
  case MELD_VT_MAP: {
    const MeldValTy *elem = ty->kind == MELD_VT_STRING ? NULL : elem_of(t, ty);
    uint32_t mark = meld_gen_mark(g);
    uint32_t x = meld_gen_local(g, MELD_I32), len = meld_gen_local(g, MELD_I32);
    get_i32(t, slots[0], types[0]);
    meld_gen_set(g, x);
    get_i32(t, slots[1], types[1]);
    meld_gen_set(g, len);
    if (dir < 0) {
      shifted(t, x, -1);
      meld_gen_set(g, x);
      walk_elems(t, elem, x, len, dir);
      meld_gen_get(g, x);
    } else {
      walk_elems(t, elem, x, len, dir);
      shifted(t, x, +1);
    }
    set_i32(t, slots[0], types[0]);
    meld_gen_release(g, mark);
    return;
  }
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE:
  case MELD_VT_FIXED_LIST: {
    uint32_t k = 0;
    for (uint32_t i = 0; i < ty->n && !t->failed; i++) {
      const MeldValTy *f = ty->kind == MELD_VT_FIXED_LIST ? ty->a : ty->types[i];
      walk_flat(t, f, slots + k, types + k, dir);
      k += flat_count(f);
    }
    return;
  }
  case MELD_VT_VARIANT:
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: {
    uint32_t mark = meld_gen_mark(g);
    uint32_t disc = meld_gen_local(g, MELD_I32);
    get_i32(t, slots[0], types[0]);
    meld_gen_set(g, disc);
    /* A case's payload occupies the slots after the discriminant, in order. */
    FlatAt at = {slots + 1, types + 1};
    each_case(t, ty, disc, flat_case, &at, dir);
    meld_gen_release(g, mark);
    return;
  }
  default: t->failed = true; return;
  }
}

/* The flat parameters of sig as slots 0.. of a function whose core parameters are `cs`'s. */
static void walk_params(Tr *t, const MeldFuncSig *sig, const MeldCoreSig *cs, int dir) {
  if (cs->params_spilled) {
    const MeldValTy *tu = tuple_of(t, sig->params, sig->nparams);
    if (!tu) return;
    /* Slot 0 points at the parameter block. */
    if (dir < 0) {
      shifted(t, 0, -1);
      meld_gen_set(t->g, 0);
      walk_mem(t, tu, 0, 0, dir);
    } else {
      walk_mem(t, tu, 0, 0, dir);
      shifted(t, 0, +1);
      meld_gen_set(t->g, 0);
    }
    return;
  }
  uint32_t slots[MELD_MAX_FLAT_PARAMS], k = 0;
  for (uint32_t i = 0; i < cs->nparams && i < MELD_MAX_FLAT_PARAMS; i++) slots[i] = i;
  for (uint32_t i = 0; i < sig->nparams && !t->failed; i++) {
    walk_flat(t, sig->params[i], slots + k, cs->params + k, dir);
    k += flat_count(sig->params[i]);
  }
}

/* ---- Wrappers ---- */

typedef struct Cache {
  uint32_t from, to;
  const MeldFuncSig *sig; /* post-returns: the export's signature it was made for */
} Cache;

typedef struct Translate {
  MeldUnit *u;
  MeldModule *m;
  MeldArena *scratch;
  const uint64_t *base; /* by memory index */
  Cache *reallocs, *posts;
  uint32_t nreallocs, capreallocs, nposts, capposts;
  uint32_t *map; /* host imports -> their wrappers, applied to the program's code at the end */
} Translate;

static bool oom(Translate *x) {
  meld_error(x->u->ctx, x->m->file, MELD_NO_OFFSET, "out of memory in rebase");
  return false;
}

static void name_of(char *buf, size_t size, const char *what, MeldStr s) {
  snprintf(buf, size, "rebase.%s.%.*s", what, (int)s.len, s.ptr);
}

/* Points the Canonical ABI exports of `from` (cabi_realloc, cabi_post_...) at `to`; an export
 * that is one of the program's own functions, which the host calls by its name, keeps it. */
static void reexport(const MeldFusion *fu, MeldModule *m, uint32_t from, uint32_t to) {
  for (uint32_t i = 0; i < m->nexports; i++) {
    MeldExport *e = &m->exports[i];
    if (e->kind != MELD_EXTERN_FUNC || e->index != from) continue;
    bool program = false;
    for (uint32_t j = 0; j < fu->nexports && !program; j++)
      program = meld_str_eq(fu->exports[j].name, e->name);
    if (!program) e->index = to;
  }
}

static bool finish(Translate *x, Tr *t, MeldGen *g, uint32_t idx) {
  if (t->failed || g->oom || !meld_gen_finish(g, &x->m->funcs[idx])) return oom(x);
  x->m->funcs[idx].origin = x->m->memories[t->mem].origin;
  return true;
}

/* realloc(old, old_size, align, new_size) for the host: old - B in (0 stays 0), result + B. */
static uint32_t wrap_realloc(Translate *x, uint32_t realloc, uint32_t mem) {
  for (uint32_t i = 0; i < x->nreallocs; i++)
    if (x->reallocs[i].from == realloc) return x->reallocs[i].to;
  static const MeldValType p[4] = {MELD_I32, MELD_I32, MELD_I32, MELD_I32}, r[1] = {MELD_I32};
  char name[64];
  snprintf(name, sizeof name, "rebase.realloc.%u", realloc);
  uint32_t idx = meld_adapter_add_func(x->u, p, 4, r, 1, name);
  if (idx == MELD_NONE) return MELD_NONE;
  MeldGen gen;
  meld_gen_init(&gen, &x->u->arena, x->scratch, p, 4);
  Tr t = {x->u, x->m, x->scratch, &gen, mem, (uint32_t)x->base[mem], false};
  shifted(&t, 0, -1);
  meld_gen_i32(&gen, 0);
  meld_gen_get(&gen, 0);
  meld_gen_op(&gen, MELD_OP_Select);
  for (uint32_t i = 1; i < 4; i++) meld_gen_get(&gen, i);
  meld_gen_idx(&gen, MELD_OP_Call, realloc);
  meld_gen_i32(&gen, t.base);
  meld_gen_op(&gen, MELD_OP_I32Add);
  if (!finish(x, &t, &gen, idx)) return MELD_NONE;
  Cache *c = MELD_PUSH(x->scratch, x->reallocs, x->nreallocs, x->capreallocs);
  if (!c) return MELD_NONE;
  *c = (Cache){realloc, idx, NULL};
  reexport(x->u->fusion, x->m, realloc, idx);
  return idx;
}

static bool translate_export(Translate *x, MeldHostExport *he) {
  uint32_t mem = he->lift.memory;
  MeldCoreSig li;
  meld_abi_core_sig(he->sig, MELD_CONTEXT_LIFT, &li);
  char name[160];
  name_of(name, sizeof name, "export", he->name);
  uint32_t idx = meld_adapter_add_func(x->u, li.params, li.nparams, li.results, li.nresults, name);
  if (idx == MELD_NONE) return oom(x);
  MeldGen gen;
  meld_gen_init(&gen, &x->u->arena, x->scratch, li.params, li.nparams);
  Tr t = {x->u, x->m, x->scratch, &gen, mem, (uint32_t)x->base[mem], false};
  walk_params(&t, he->sig, &li, -1);
  for (uint32_t i = 0; i < li.nparams; i++) meld_gen_get(&gen, i);
  meld_gen_idx(&gen, MELD_OP_Call, he->target);
  if (li.result_spilled) {
    uint32_t r = meld_gen_local(&gen, MELD_I32);
    meld_gen_set(&gen, r);
    walk_mem(&t, he->sig->result, r, 0, +1);
    shifted(&t, r, +1);
  }
  if (!finish(x, &t, &gen, idx)) return false;
  /* The host calls the export by its name: point it (and the record) at the wrapper. */
  for (uint32_t i = 0; i < x->m->nexports; i++) {
    MeldExport *e = &x->m->exports[i];
    if (e->kind == MELD_EXTERN_FUNC && e->index == he->target && meld_str_eq(e->name, he->name))
      e->index = idx;
  }
  he->target = idx;

  if (he->lift.realloc != MELD_NONE) {
    uint32_t r = wrap_realloc(x, he->lift.realloc, mem);
    if (r == MELD_NONE) return oom(x);
    he->lift.realloc = r;
  }
  if (he->lift.post_return != MELD_NONE && li.result_spilled) {
    uint32_t post = he->lift.post_return;
    for (uint32_t i = 0; i < x->nposts; i++) {
      if (x->posts[i].from != post) continue;
      /* Shared by several exports: only when their results are laid out alike. */
      const MeldValTy *a = x->posts[i].sig->result, *b = he->sig->result;
      MeldBuf ta, tb;
      meld_buf_init(&ta, x->u->ctx->alloc);
      meld_buf_init(&tb, x->u->ctx->alloc);
      meld_valty_print(a, &ta);
      meld_valty_print(b, &tb);
      bool same = ta.len == tb.len && (!ta.len || memcmp(ta.data, tb.data, ta.len) == 0);
      meld_buf_free(&ta);
      meld_buf_free(&tb);
      if (!same) {
        meld_error(x->u->ctx, x->m->file, MELD_NO_OFFSET,
                   "rebase: post-return function %u serves exports with different result types "
                   "(export '%.*s'): its pointers cannot be translated for both",
                   post, (int)he->name.len, he->name.ptr);
        return false;
      }
      he->lift.post_return = x->posts[i].to;
      return true;
    }
    name_of(name, sizeof name, "post-return", he->name);
    uint32_t pidx = meld_adapter_add_func(x->u, li.results, li.nresults, NULL, 0, name);
    if (pidx == MELD_NONE) return oom(x);
    meld_gen_init(&gen, &x->u->arena, x->scratch, li.results, li.nresults);
    /* The host passes back the result pointer it was given (absolute). */
    shifted(&t, 0, -1);
    meld_gen_set(&gen, 0);
    walk_mem(&t, he->sig->result, 0, 0, -1);
    meld_gen_get(&gen, 0);
    meld_gen_idx(&gen, MELD_OP_Call, post);
    if (!finish(x, &t, &gen, pidx)) return false;
    Cache *c = MELD_PUSH(x->scratch, x->posts, x->nposts, x->capposts);
    if (!c) return oom(x);
    *c = (Cache){post, pidx, he->sig};
    reexport(x->u->fusion, x->m, post, pidx);
    he->lift.post_return = pidx;
  }
  return true;
}

static bool translate_import(Translate *x, MeldHostImport *hi) {
  uint32_t mem = hi->lower.memory;
  MeldCoreSig lo;
  meld_abi_core_sig(hi->sig, MELD_CONTEXT_LOWER, &lo);
  char name[160];
  snprintf(name, sizeof name, "rebase.import.%.*s#%.*s", (int)hi->interface.len,
           hi->interface.ptr, (int)hi->func.len, hi->func.ptr);
  uint32_t idx = meld_adapter_add_func(x->u, lo.params, lo.nparams, lo.results, lo.nresults, name);
  if (idx == MELD_NONE) return oom(x);
  MeldGen gen;
  meld_gen_init(&gen, &x->u->arena, x->scratch, lo.params, lo.nparams);
  Tr t = {x->u, x->m, x->scratch, &gen, mem, (uint32_t)x->base[mem], false};
  /* The parameters without the return pointer (the last one when the result is spilled). */
  MeldCoreSig ps = lo;
  if (lo.result_spilled) ps.nparams--;
  walk_params(&t, hi->sig, &ps, +1);
  for (uint32_t i = 0; i < ps.nparams; i++) meld_gen_get(&gen, i);
  uint32_t retp = lo.result_spilled ? lo.nparams - 1 : MELD_NONE;
  if (retp != MELD_NONE) shifted(&t, retp, +1);
  meld_gen_idx(&gen, MELD_OP_Call, hi->import);
  uint32_t res = MELD_NONE;
  if (lo.nresults) {
    res = meld_gen_local(&gen, lo.results[0]);
    meld_gen_set(&gen, res);
  }
  /* The arguments' memory is the caller's again; the host's results become relative. */
  walk_params(&t, hi->sig, &ps, -1);
  if (retp != MELD_NONE) walk_mem(&t, hi->sig->result, retp, 0, -1);
  if (res != MELD_NONE) meld_gen_get(&gen, res);
  if (!finish(x, &t, &gen, idx)) return false;

  x->map[hi->import] = idx;

  if (hi->lower.realloc != MELD_NONE) {
    uint32_t r = wrap_realloc(x, hi->lower.realloc, mem);
    if (r == MELD_NONE) return oom(x);
    hi->lower.realloc = r;
  }
  return true;
}

bool meld_rebase_outer_pointers(const MeldFuncSig *sig, MeldAbiContext cx) {
  bool memory = false, realloc = false;
  if (sig) meld_abi_host_needs(sig, cx, &memory, &realloc);
  return memory;
}

bool meld_rebase_translate_outer(MeldUnit *u, const uint64_t *base, MeldArena *scratch,
                                 uint32_t *ntranslated) {
  MeldFusion *fu = u->fusion;
  MeldModule *m = u->module;
  *ntranslated = 0;
  if (!fu) return true;
  Translate x;
  memset(&x, 0, sizeof x);
  x.u = u;
  x.m = m;
  x.scratch = scratch;
  x.base = base;
  uint32_t nbodies = m->nfuncs; /* the program's functions, before any wrapper */
  for (uint32_t i = 0; i < fu->nexports; i++) {
    MeldHostExport *he = &fu->exports[i];
    if (he->lift.memory >= m->nmemories || !base[he->lift.memory] ||
        !meld_rebase_outer_pointers(he->sig, MELD_CONTEXT_LIFT) || he->target == MELD_NONE)
      continue;
    if (!translate_export(&x, he)) return false;
    ++*ntranslated;
  }
  x.map = meld_arena_alloc(scratch, ((size_t)nbodies + 1) * sizeof *x.map);
  if (!x.map) return oom(&x);
  for (uint32_t f = 0; f < nbodies; f++) x.map[f] = f;
  bool any_import = false;
  for (uint32_t i = 0; i < fu->nimports; i++) {
    MeldHostImport *hi = &fu->imports[i];
    if (hi->lower.memory >= m->nmemories || !base[hi->lower.memory] ||
        !meld_rebase_outer_pointers(hi->sig, MELD_CONTEXT_LOWER) || hi->import == MELD_NONE ||
        hi->import >= nbodies)
      continue;
    if (!translate_import(&x, hi)) return false;
    any_import = true;
    ++*ntranslated;
  }
  if (!any_import) return true;
  /* The program's code calls the host through the wrappers; the wrappers themselves (added
   * after `nbodies`) keep calling the imports.  Exports of an import stay as they are. */
  uint32_t *full = meld_arena_alloc(scratch, (size_t)m->nfuncs * sizeof *full);
  if (!full) return oom(&x);
  for (uint32_t f = 0; f < m->nfuncs; f++) full[f] = f < nbodies ? x.map[f] : f;
  return meld_adapter_redirect(u, full, nbodies, false);
}
