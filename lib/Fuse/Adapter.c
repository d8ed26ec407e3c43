/*
 * adapter: the code of every cross-component call (a "fused adapter", in wasmtime's words).
 *
 * What it does: `resolve` leaves, for each call from one component instance into a function
 * another one lifted, a boundary record and an entry function with the caller's lowered core
 * signature.  For each boundary this pass gives the entry a body that does what a component
 * runtime does for `canon lower` of a `canon lift` (CanonicalABI.md): lift the caller's
 * arguments (lift_flat / load, from the caller's memory and string encoding) and lower them for
 * the callee (lower_flat / store, into the callee's memory through the callee's realloc); call
 * the callee's core function; lift its results the same way in the other direction, into the
 * caller's memory (through the caller's realloc, or at the return pointer the caller passed);
 * call the callee's post-return with the callee's core results; return.  Lifting and lowering
 * are fused per value, never materialised: a u8 argument becomes `i32.and 0xff`, a list<u8> a
 * checked realloc and one memory.copy between the two memories, a string one call to a shared
 * transcoding helper (Transcode.c).  docs/adapter.md lists what each type becomes and every trap.
 *
 * Direct calls: when nothing in the call needs code -- no spilled parameters or result, no
 * post-return, and every value is bit-identical through lift_flat then lower_flat (u32, s32,
 * u64, s64, f32, f64, flags of 32 labels, and records, tuples and fixed-size lists of those) --
 * every reference to the entry (calls, ref.func, element segments, exports, the start function,
 * global initialisers) is redirected to the callee's function, and the entry is left for dce.
 * Floats count as bit-identical because the spec lets an implementation lower a NaN with "the
 * original value of the NaN before lifting" (CanonicalABI.md, "Storing", maybe_scramble_nan32).
 *
 * Why: this is what removes the component boundary; a boundary that needs no conversion costs
 * nothing.
 *
 * Needs: a core module whose MeldFusion (unit->fusion) lists the boundaries (resolve).  Refuses,
 * naming the interface and function, boundaries that pass resource handles (own, borrow),
 * streams, futures or error contexts, or that use the async ABI: their semantics need handle
 * tables and a scheduler this version does not generate.
 *
 * Guarantees afterwards: every boundary's `how` is DIRECT, COPY or TRANSCODE; every entry of a
 * non-direct boundary has a decoded body; no reference to the entry of a direct boundary is left.
 * The values, traps and realloc/post-return calls are those of the Canonical ABI, except that a
 * value found invalid while copying traps after the destination's realloc ran where the spec
 * lifts everything first -- unobservable, since a trap ends both component instances and
 * realloc may not call out of its own.
 */
#include "Fuse/Adapter.h"
#include "Passes/PassRegistry.h"

#include <string.h>

typedef struct Dir {
  MeldAbiSide src, dst;
} Dir;

typedef struct Adapt {
  MeldUnit *u;
  MeldModule *m;
  MeldGen *g;
  MeldArena *scratch; /* this boundary's temporary types and arrays */
  MeldHelperCache *cache;
  bool failed;
} Adapt;

/* ---- Types ---- */

static uint32_t align_to(uint32_t v, uint32_t a) {
  return (v + a - 1) / a * a;
}

static uint32_t flat_count(const MeldValTy *t) {
  return meld_abi_flatten(t, NULL, 0);
}

static uint32_t flags_mask(uint32_t n) {
  return n >= 32 ? 0xFFFFFFFFu : (1u << n) - 1;
}

/* Is every flat value of t unchanged by lift_flat followed by lower_flat? */
static bool flat_transparent(const MeldValTy *t) {
  switch ((MeldValKind)t->kind) {
  case MELD_VT_S32:
  case MELD_VT_U32:
  case MELD_VT_S64:
  case MELD_VT_U64:
  case MELD_VT_F32:
  case MELD_VT_F64: return true;
  case MELD_VT_FLAGS: return t->n == 32;
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE:
    for (uint32_t i = 0; i < t->n; i++)
      if (!flat_transparent(t->types[i])) return false;
    return true;
  case MELD_VT_FIXED_LIST: return flat_transparent(t->a);
  default: return false;
  }
}

/* Is t's memory representation copied exactly by load then store, byte for byte, with no
 * padding (which store leaves untouched)? */
static bool mem_plain(const MeldValTy *t) {
  switch ((MeldValKind)t->kind) {
  case MELD_VT_S8:
  case MELD_VT_U8:
  case MELD_VT_S16:
  case MELD_VT_U16:
  case MELD_VT_S32:
  case MELD_VT_U32:
  case MELD_VT_S64:
  case MELD_VT_U64:
  case MELD_VT_F32:
  case MELD_VT_F64: return true;
  case MELD_VT_FLAGS: return t->n == 8 || t->n == 16 || t->n == 32;
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE: {
    uint32_t off = 0;
    for (uint32_t i = 0; i < t->n; i++) {
      if (!mem_plain(t->types[i]) || align_to(off, meld_abi_alignment(t->types[i])) != off)
        return false;
      off += meld_abi_size(t->types[i]);
    }
    return off == meld_abi_size(t);
  }
  case MELD_VT_FIXED_LIST: return mem_plain(t->a);
  default: return false;
  }
}

static bool has_string(const MeldValTy *t) {
  if (!t) return false;
  switch ((MeldValKind)t->kind) {
  case MELD_VT_STRING: return true;
  case MELD_VT_LIST:
  case MELD_VT_FIXED_LIST:
  case MELD_VT_OPTION: return has_string(t->a);
  case MELD_VT_RESULT:
  case MELD_VT_MAP: return has_string(t->a) || has_string(t->b);
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE:
  case MELD_VT_VARIANT:
    for (uint32_t i = 0; i < t->n; i++)
      if (has_string(t->types[i])) return true;
    return false;
  default: return false;
  }
}

static const MeldValTy *make_tuple(Adapt *a, const MeldValTy *const *types, uint32_t n) {
  MeldValTy *t = meld_arena_calloc(a->scratch, 1, sizeof *t);
  if (!t) {
    a->failed = true;
    return NULL;
  }
  t->kind = MELD_VT_TUPLE;
  t->n = n;
  t->types = types;
  return t;
}

/* The element of a list or map (map<k, v> is list<tuple<k, v>>). */
static const MeldValTy *list_elem(Adapt *a, const MeldValTy *t) {
  if (t->kind != MELD_VT_MAP) return t->a;
  const MeldValTy **kv = meld_arena_alloc(a->scratch, 2 * sizeof *kv);
  if (!kv) {
    a->failed = true;
    return NULL;
  }
  kv[0] = t->a;
  kv[1] = t->b;
  return make_tuple(a, kv, 2);
}

static uint32_t *locals_array(Adapt *a, uint32_t n) {
  uint32_t *p = meld_arena_calloc(a->scratch, n ? n : 1, sizeof *p);
  if (!p) a->failed = true;
  return p;
}

/* ---- Scalars ---- */

static void zero_of(MeldGen *g, MeldValType t) {
  switch (t) {
  case MELD_I64: meld_gen_i64(g, 0); break;
  case MELD_F32: meld_gen_op(g, MELD_OP_F32Const); break; /* immediate bits 0: +0.0 */
  case MELD_F64: meld_gen_op(g, MELD_OP_F64Const); break;
  default: meld_gen_i32(g, 0); break;
  }
}

/* convert_i32_to_char: trap_if(i >= 0x110000), trap_if(0xD800 <= i <= 0xDFFF). */
static void check_char(MeldGen *g, uint32_t x) {
  meld_gen_get(g, x);
  meld_gen_i32(g, 0x110000);
  meld_gen_op(g, MELD_OP_I32GeU);
  meld_gen_trap_if(g);
  meld_gen_get(g, x);
  meld_gen_i32(g, 0xD800);
  meld_gen_op(g, MELD_OP_I32Sub);
  meld_gen_i32(g, 0x800);
  meld_gen_op(g, MELD_OP_I32LtU);
  meld_gen_trap_if(g);
}

/* trap_if(case_index >= len(cases)) */
static void check_disc(MeldGen *g, uint32_t x, uint32_t n) {
  meld_gen_get(g, x);
  meld_gen_i32(g, n);
  meld_gen_op(g, MELD_OP_I32GeU);
  meld_gen_trap_if(g);
}

/* The coercions of lift_flat_variant (joined slot type -> case type) and lower_flat_variant
 * (case type -> joined slot type) applied to the value on the stack. */
static void coerce_lift(MeldGen *g, MeldValType have, MeldValType want) {
  if (have == want) return;
  if (want == MELD_F64) { /* (i64, f64) */
    meld_gen_op(g, MELD_OP_F64ReinterpretI64);
    return;
  }
  if (have == MELD_I64) meld_gen_op(g, MELD_OP_I32WrapI64); /* (i64, i32), (i64, f32) */
  if (want == MELD_F32) meld_gen_op(g, MELD_OP_F32ReinterpretI32); /* (i32, f32), (i64, f32) */
}

static void coerce_lower(MeldGen *g, MeldValType have, MeldValType want) {
  if (have == want) return;
  if (have == MELD_F32) meld_gen_op(g, MELD_OP_I32ReinterpretF32);
  if (have == MELD_F64) meld_gen_op(g, MELD_OP_I64ReinterpretF64);
  if (want == MELD_I64 && have != MELD_F64) meld_gen_op(g, MELD_OP_I64ExtendI32U);
}

static void adapt_mem(Adapt *a, const Dir *d, const MeldValTy *t, uint32_t sp, uint32_t soff,
                      uint32_t dp, uint32_t doff);

/* ---- Strings and lists: a (pointer, length) pair in the source becomes one in the
 * destination ---- */

static void adapt_string(Adapt *a, const Dir *d, uint32_t sptr, uint32_t slen, uint32_t *dptr,
                         uint32_t *dlen) {
  MeldGen *g = a->g;
  uint32_t h = meld_adapter_string_helper(a->u, a->cache, &d->src, &d->dst);
  if (h == MELD_NONE) {
    a->failed = true;
    return;
  }
  *dptr = meld_gen_local(g, MELD_I32);
  *dlen = meld_gen_local(g, MELD_I32);
  meld_gen_get(g, sptr);
  meld_gen_get(g, slen);
  meld_gen_idx(g, MELD_OP_Call, h);
  meld_gen_set(g, *dlen);
  meld_gen_set(g, *dptr);
}

/* load_list_from_range then store_list_into_range. */
static void adapt_list(Adapt *a, const Dir *d, const MeldValTy *elem, uint32_t sptr, uint32_t slen,
                       uint32_t *dptr, uint32_t *dlen) {
  MeldGen *g = a->g;
  if (!elem) return;
  uint32_t size = meld_abi_size(elem), align = meld_abi_alignment(elem);
  uint32_t out = meld_gen_local(g, MELD_I32), bytes = meld_gen_local(g, MELD_I32);
  uint32_t mark = meld_gen_mark(g);
  uint32_t b64 = meld_gen_local(g, MELD_I64);
  meld_gen_get(g, slen);
  meld_gen_op(g, MELD_OP_I64ExtendI32U);
  meld_gen_i64(g, size);
  meld_gen_op(g, MELD_OP_I64Mul);
  meld_gen_idx(g, MELD_OP_LocalTee, b64);
  meld_gen_i64(g, MELD_ABI_MAX_BYTE_LENGTH);
  meld_gen_op(g, MELD_OP_I64GtU);
  meld_gen_trap_if(g);
  meld_gen_get(g, b64);
  meld_gen_op(g, MELD_OP_I32WrapI64);
  meld_gen_set(g, bytes);
  meld_gen_release(g, mark);
  meld_gen_check_align(g, sptr, align);
  meld_gen_check_bounds(g, d->src.mem, sptr, bytes, 0);
  meld_gen_realloc(g, d->dst.realloc, d->dst.mem, MELD_NONE, MELD_NONE, align, bytes, 0, out);
  if (mem_plain(elem)) {
    meld_gen_get(g, out);
    meld_gen_get(g, sptr);
    meld_gen_get(g, bytes);
    meld_gen_memcopy(g, d->dst.mem, d->src.mem);
  } else {
    mark = meld_gen_mark(g);
    uint32_t ps = meld_gen_local(g, MELD_I32), pd = meld_gen_local(g, MELD_I32);
    uint32_t i = meld_gen_local(g, MELD_I32);
    meld_gen_get(g, sptr);
    meld_gen_set(g, ps);
    meld_gen_get(g, out);
    meld_gen_set(g, pd);
    meld_gen_get(g, slen);
    meld_gen_set(g, i);
    uint32_t done = meld_gen_open(g, MELD_OP_Block), next = meld_gen_open(g, MELD_OP_Loop);
    meld_gen_get(g, i);
    meld_gen_op(g, MELD_OP_I32Eqz);
    meld_gen_br(g, MELD_OP_BrIf, done);
    adapt_mem(a, d, elem, ps, 0, pd, 0);
    uint32_t step[3] = {ps, pd, i};
    for (int k = 0; k < 3; k++) {
      meld_gen_get(g, step[k]);
      meld_gen_i32(g, k < 2 ? size : 1);
      meld_gen_op(g, k < 2 ? MELD_OP_I32Add : MELD_OP_I32Sub);
      meld_gen_set(g, step[k]);
    }
    meld_gen_br(g, MELD_OP_Br, next);
    meld_gen_end(g);
    meld_gen_end(g);
    meld_gen_release(g, mark);
  }
  *dptr = out;
  *dlen = slen;
}

/* ---- Flat values: lift_flat from the source's core values, lower_flat to the
 * destination's ---- */

static void adapt_flat(Adapt *a, const Dir *d, const MeldValTy *t, const uint32_t *src,
                       uint32_t *dst);

static void adapt_flat_variant(Adapt *a, const Dir *d, const MeldValTy *t, const uint32_t *src,
                               uint32_t *dst) {
  MeldGen *g = a->g;
  uint32_t n = meld_abi_ncases(t), w = flat_count(t);
  check_disc(g, src[0], n);
  dst[0] = src[0];
  if (w == 1) return;
  MeldValType *joined = meld_arena_alloc(a->scratch, w);
  uint32_t *ids = locals_array(a, n);
  if (!joined || !ids) {
    a->failed = true;
    return;
  }
  meld_abi_flatten(t, joined, w);
  /* Slots a case's payload does not fill are zero (lower_flat_variant's padding). */
  for (uint32_t i = 1; i < w; i++) {
    dst[i] = meld_gen_local(g, joined[i]);
    zero_of(g, joined[i]);
    meld_gen_set(g, dst[i]);
  }
  uint32_t done = meld_gen_open(g, MELD_OP_Block);
  for (uint32_t c = n; c-- > 0;)
    ids[c] = meld_abi_case(t, c) ? meld_gen_open(g, MELD_OP_Block) : done;
  meld_gen_get(g, src[0]);
  meld_gen_br_table(g, ids, n, done);
  uint32_t last = n;
  for (uint32_t c = 0; c < n; c++)
    if (meld_abi_case(t, c)) last = c;
  for (uint32_t c = 0; c < n; c++) {
    const MeldValTy *p = meld_abi_case(t, c);
    if (!p) continue;
    meld_gen_end(g);
    uint32_t mark = meld_gen_mark(g);
    uint32_t k = flat_count(p);
    MeldValType *pt = meld_arena_alloc(a->scratch, k ? k : 1);
    uint32_t *in = locals_array(a, k), *out = locals_array(a, k);
    if (!pt || !in || !out) {
      a->failed = true;
      return;
    }
    meld_abi_flatten(p, pt, k);
    for (uint32_t i = 0; i < k; i++) {
      if (pt[i] == joined[1 + i]) {
        in[i] = src[1 + i];
        continue;
      }
      in[i] = meld_gen_local(g, pt[i]);
      meld_gen_get(g, src[1 + i]);
      coerce_lift(g, joined[1 + i], pt[i]);
      meld_gen_set(g, in[i]);
    }
    adapt_flat(a, d, p, in, out);
    for (uint32_t i = 0; i < k; i++) {
      meld_gen_get(g, out[i]);
      coerce_lower(g, pt[i], joined[1 + i]);
      meld_gen_set(g, dst[1 + i]);
    }
    meld_gen_release(g, mark);
    if (c != last) meld_gen_br(g, MELD_OP_Br, done);
  }
  meld_gen_end(g);
}

static void adapt_flat(Adapt *a, const Dir *d, const MeldValTy *t, const uint32_t *src,
                       uint32_t *dst) {
  MeldGen *g = a->g;
  if (a->failed) return;
  if (flat_transparent(t)) {
    memcpy(dst, src, flat_count(t) * sizeof *dst);
    return;
  }
  switch ((MeldValKind)t->kind) {
  case MELD_VT_BOOL:
  case MELD_VT_U8:
  case MELD_VT_U16:
  case MELD_VT_S8:
  case MELD_VT_S16:
  case MELD_VT_FLAGS:
    dst[0] = meld_gen_local(g, MELD_I32);
    meld_gen_get(g, src[0]);
    switch (t->kind) {
    case MELD_VT_BOOL:
      meld_gen_i32(g, 0);
      meld_gen_op(g, MELD_OP_I32Ne);
      break;
    case MELD_VT_U8: meld_gen_i32(g, 0xFF); meld_gen_op(g, MELD_OP_I32And); break;
    case MELD_VT_U16: meld_gen_i32(g, 0xFFFF); meld_gen_op(g, MELD_OP_I32And); break;
    case MELD_VT_S8: meld_gen_op(g, MELD_OP_I32Extend8S); break;
    case MELD_VT_S16: meld_gen_op(g, MELD_OP_I32Extend16S); break;
    default: meld_gen_i32(g, flags_mask(t->n)); meld_gen_op(g, MELD_OP_I32And); break;
    }
    meld_gen_set(g, dst[0]);
    return;
  case MELD_VT_CHAR:
    check_char(g, src[0]);
    dst[0] = src[0];
    return;
  case MELD_VT_ENUM:
  case MELD_VT_VARIANT:
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: adapt_flat_variant(a, d, t, src, dst); return;
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE:
  case MELD_VT_FIXED_LIST: {
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->n; i++) {
      const MeldValTy *f = t->kind == MELD_VT_FIXED_LIST ? t->a : t->types[i];
      adapt_flat(a, d, f, src + k, dst + k);
      k += flat_count(f);
    }
    return;
  }
  case MELD_VT_STRING: adapt_string(a, d, src[0], src[1], &dst[0], &dst[1]); return;
  case MELD_VT_LIST:
  case MELD_VT_MAP: adapt_list(a, d, list_elem(a, t), src[0], src[1], &dst[0], &dst[1]); return;
  default: a->failed = true; return; /* handles and async values are refused before */
  }
}

/* ---- Values in memory: load from the source at sp + soff, store to the destination at
 * dp + doff ---- */

static MeldOpcode load_op(uint32_t size) {
  return size == 1 ? MELD_OP_I32Load8U
         : size == 2 ? MELD_OP_I32Load16U
         : size == 4 ? MELD_OP_I32Load
                     : MELD_OP_I64Load;
}

static MeldOpcode store_op(uint32_t size) {
  return size == 1 ? MELD_OP_I32Store8
         : size == 2 ? MELD_OP_I32Store16
         : size == 4 ? MELD_OP_I32Store
                     : MELD_OP_I64Store;
}

/* Pushes local + off. */
static void address(MeldGen *g, uint32_t base, uint32_t off) {
  meld_gen_get(g, base);
  if (off) {
    meld_gen_i32(g, off);
    meld_gen_op(g, MELD_OP_I32Add);
  }
}

static void adapt_mem_variant(Adapt *a, const Dir *d, const MeldValTy *t, uint32_t sp,
                              uint32_t soff, uint32_t dp, uint32_t doff) {
  MeldGen *g = a->g;
  uint32_t n = meld_abi_ncases(t), ds = meld_abi_disc_size(n);
  uint32_t x = meld_gen_local(g, MELD_I32);
  meld_gen_get(g, sp);
  meld_gen_mem(g, load_op(ds), d->src.mem, soff);
  meld_gen_set(g, x);
  check_disc(g, x, n);
  meld_gen_get(g, dp);
  meld_gen_get(g, x);
  meld_gen_mem(g, store_op(ds), d->dst.mem, doff);
  uint32_t maxa = 1, last = n;
  for (uint32_t c = 0; c < n; c++) {
    const MeldValTy *p = meld_abi_case(t, c);
    if (!p) continue;
    last = c;
    if (meld_abi_alignment(p) > maxa) maxa = meld_abi_alignment(p);
  }
  if (last == n) return;
  uint32_t po = align_to(ds, maxa);
  uint32_t *ids = locals_array(a, n);
  if (!ids) return;
  uint32_t done = meld_gen_open(g, MELD_OP_Block);
  for (uint32_t c = n; c-- > 0;)
    ids[c] = meld_abi_case(t, c) ? meld_gen_open(g, MELD_OP_Block) : done;
  meld_gen_get(g, x);
  meld_gen_br_table(g, ids, n, done);
  for (uint32_t c = 0; c < n; c++) {
    const MeldValTy *p = meld_abi_case(t, c);
    if (!p) continue;
    meld_gen_end(g);
    uint32_t mark = meld_gen_mark(g);
    adapt_mem(a, d, p, sp, soff + po, dp, doff + po);
    meld_gen_release(g, mark);
    if (c != last) meld_gen_br(g, MELD_OP_Br, done);
  }
  meld_gen_end(g);
}

static void adapt_mem(Adapt *a, const Dir *d, const MeldValTy *t, uint32_t sp, uint32_t soff,
                      uint32_t dp, uint32_t doff) {
  MeldGen *g = a->g;
  if (a->failed) return;
  uint32_t size = meld_abi_size(t);
  if (mem_plain(t)) {
    if (size == 1 || size == 2 || size == 4 || size == 8) {
      meld_gen_get(g, dp);
      meld_gen_get(g, sp);
      meld_gen_mem(g, load_op(size), d->src.mem, soff);
      meld_gen_mem(g, store_op(size), d->dst.mem, doff);
    } else {
      address(g, dp, doff);
      address(g, sp, soff);
      meld_gen_i32(g, size);
      meld_gen_memcopy(g, d->dst.mem, d->src.mem);
    }
    return;
  }
  switch ((MeldValKind)t->kind) {
  case MELD_VT_BOOL:
  case MELD_VT_FLAGS:
    meld_gen_get(g, dp);
    meld_gen_get(g, sp);
    meld_gen_mem(g, load_op(size), d->src.mem, soff);
    if (t->kind == MELD_VT_BOOL) {
      meld_gen_i32(g, 0);
      meld_gen_op(g, MELD_OP_I32Ne);
    } else {
      meld_gen_i32(g, flags_mask(t->n));
      meld_gen_op(g, MELD_OP_I32And);
    }
    meld_gen_mem(g, store_op(size), d->dst.mem, doff);
    return;
  case MELD_VT_CHAR: {
    uint32_t x = meld_gen_local(g, MELD_I32);
    meld_gen_get(g, sp);
    meld_gen_mem(g, MELD_OP_I32Load, d->src.mem, soff);
    meld_gen_set(g, x);
    check_char(g, x);
    meld_gen_get(g, dp);
    meld_gen_get(g, x);
    meld_gen_mem(g, MELD_OP_I32Store, d->dst.mem, doff);
    return;
  }
  case MELD_VT_ENUM:
  case MELD_VT_VARIANT:
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: adapt_mem_variant(a, d, t, sp, soff, dp, doff); return;
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE: {
    uint32_t off = 0;
    for (uint32_t i = 0; i < t->n; i++) {
      const MeldValTy *f = t->types[i];
      off = align_to(off, meld_abi_alignment(f));
      adapt_mem(a, d, f, sp, soff + off, dp, doff + off);
      off += meld_abi_size(f);
    }
    return;
  }
  case MELD_VT_FIXED_LIST: {
    uint32_t es = meld_abi_size(t->a);
    if (t->n <= 4) {
      for (uint32_t i = 0; i < t->n; i++) adapt_mem(a, d, t->a, sp, soff + i * es, dp, doff + i * es);
      return;
    }
    uint32_t ps = meld_gen_local(g, MELD_I32), pd = meld_gen_local(g, MELD_I32);
    uint32_t i = meld_gen_local(g, MELD_I32);
    address(g, sp, soff);
    meld_gen_set(g, ps);
    address(g, dp, doff);
    meld_gen_set(g, pd);
    meld_gen_i32(g, t->n);
    meld_gen_set(g, i);
    uint32_t next = meld_gen_open(g, MELD_OP_Loop);
    adapt_mem(a, d, t->a, ps, 0, pd, 0);
    uint32_t step[3] = {ps, pd, i};
    for (int k = 0; k < 3; k++) {
      meld_gen_get(g, step[k]);
      meld_gen_i32(g, k < 2 ? es : 1);
      meld_gen_op(g, k < 2 ? MELD_OP_I32Add : MELD_OP_I32Sub);
      if (k < 2) meld_gen_set(g, step[k]);
      else meld_gen_idx(g, MELD_OP_LocalTee, i);
    }
    meld_gen_br(g, MELD_OP_BrIf, next);
    meld_gen_end(g);
    return;
  }
  case MELD_VT_STRING:
  case MELD_VT_LIST:
  case MELD_VT_MAP: {
    uint32_t sptr = meld_gen_local(g, MELD_I32), slen = meld_gen_local(g, MELD_I32);
    meld_gen_get(g, sp);
    meld_gen_mem(g, MELD_OP_I32Load, d->src.mem, soff);
    meld_gen_set(g, sptr);
    meld_gen_get(g, sp);
    meld_gen_mem(g, MELD_OP_I32Load, d->src.mem, soff + 4);
    meld_gen_set(g, slen);
    uint32_t dptr = 0, dlen = 0;
    if (t->kind == MELD_VT_STRING) adapt_string(a, d, sptr, slen, &dptr, &dlen);
    else adapt_list(a, d, list_elem(a, t), sptr, slen, &dptr, &dlen);
    meld_gen_get(g, dp);
    meld_gen_get(g, dptr);
    meld_gen_mem(g, MELD_OP_I32Store, d->dst.mem, doff);
    meld_gen_get(g, dp);
    meld_gen_get(g, dlen);
    meld_gen_mem(g, MELD_OP_I32Store, d->dst.mem, doff + 4);
    return;
  }
  default: a->failed = true; return;
  }
}

/* ---- Functions the pass adds ---- */

uint32_t meld_adapter_add_func(MeldUnit *u, const MeldValType *params, uint32_t nparams,
                               const MeldValType *results, uint32_t nresults, const char *name) {
  MeldModule *m = u->module;
  uint32_t type = meld_module_intern_type(m, &u->arena, params, nparams, results, nresults);
  if (type == MELD_NONE) return MELD_NONE;
  MeldFunc *f = MELD_PUSH(&u->arena, m->funcs, m->nfuncs, m->capfuncs);
  if (!f) return MELD_NONE;
  memset(f, 0, sizeof *f);
  f->type = type;
  f->import = MELD_NONE;
  f->origin = MELD_NONE;
  f->codeoffset = MELD_NO_OFFSET;
  f->at = MELD_NO_OFFSET;
  f->decoded = true;
  uint32_t idx = m->nfuncs - 1;
  MeldNameMap *names = &m->names.funcs;
  if (name && (names->nitems == 0 || names->items[names->nitems - 1].index < idx)) {
    MeldNameAssoc *na = MELD_PUSH(&u->arena, names->items, names->nitems, names->cap);
    if (na) *na = (MeldNameAssoc){idx, meld_str_dup(&u->arena, meld_str(name))};
  }
  return idx;
}

/* ---- Boundaries ---- */

static void print_name(MeldBuf *out, const MeldBoundary *b) {
  if (b->interface.len) {
    meld_buf_bytes(out, b->interface.ptr, b->interface.len);
    meld_buf_byte(out, '#');
  }
  meld_buf_bytes(out, b->func.ptr, b->func.len);
}

static void print_instance(MeldBuf *out, const MeldFusion *fu, uint32_t i) {
  if (i < fu->ninstances) meld_buf_bytes(out, fu->instances[i].path.ptr, fu->instances[i].path.len);
  else meld_buf_cstr(out, "?");
}

/* Reports "adapter: cannot adapt the call to 'iface#func' from 'a' to 'b': <what> <why>". */
static void refuse(MeldUnit *u, const MeldBoundary *b, const MeldValTy *t, const MeldStr *param,
                   const char *why) {
  MeldBuf msg;
  meld_buf_init(&msg, u->ctx->alloc);
  meld_buf_cstr(&msg, "adapter: cannot adapt the call to '");
  print_name(&msg, b);
  meld_buf_cstr(&msg, "' from '");
  print_instance(&msg, u->fusion, b->caller);
  meld_buf_cstr(&msg, "' to '");
  print_instance(&msg, u->fusion, b->callee);
  meld_buf_cstr(&msg, "': ");
  if (t) {
    if (param) {
      meld_buf_cstr(&msg, "parameter '");
      meld_buf_bytes(&msg, param->ptr, param->len);
      meld_buf_cstr(&msg, "' (");
    } else {
      meld_buf_cstr(&msg, "the result (");
    }
    meld_valty_print(t, &msg);
    meld_buf_cstr(&msg, ") ");
  }
  meld_buf_cstr(&msg, why);
  meld_buf_byte(&msg, 0);
  if (msg.oom) meld_error(u->ctx, NULL, MELD_NO_OFFSET, "adapter: out of memory");
  else meld_error(u->ctx, NULL, MELD_NO_OFFSET, "%s", (const char *)msg.data);
  meld_buf_free(&msg);
}

/* Handles, async values and the async ABI are refused; true when the boundary is supported. */
static bool supported(MeldUnit *u, const MeldBoundary *b) {
  const MeldFuncSig *sig = b->sig;
  if (sig->async || b->lower.async || b->lift.async) {
    refuse(u, b, NULL, NULL, "the function uses the async ABI, which is not supported yet");
    return false;
  }
  for (uint32_t i = 0; i <= sig->nparams; i++) {
    bool is_param = i < sig->nparams;
    const MeldValTy *t = is_param ? sig->params[i] : sig->result;
    static const MeldStr unnamed = {"", 0};
    const MeldStr *name = !is_param ? NULL : sig->param_names ? &sig->param_names[i] : &unnamed;
    if (!t) continue;
    if (meld_abi_has_handles(t)) {
      refuse(u, b, t, name,
             "passes a resource handle; resource handles (own, borrow) are not supported yet");
      return false;
    }
    if (meld_abi_has_async(t)) {
      refuse(u, b, t, name,
             "passes a stream, future or error-context, which are not supported yet");
      return false;
    }
  }
  return true;
}

static bool type_is(const MeldModule *m, uint32_t func, const MeldCoreSig *s) {
  if (func >= m->nfuncs) return false;
  const MeldFuncType *ft = &m->types[m->funcs[func].type];
  if (ft->nparams != s->nparams || ft->nresults != s->nresults) return false;
  for (uint32_t i = 0; i < s->nparams; i++)
    if (ft->params[i] != s->params[i]) return false;
  for (uint32_t i = 0; i < s->nresults; i++)
    if (ft->results[i] != s->results[i]) return false;
  return true;
}

/* The options a boundary needs (canonopt validation guarantees them for valid components; a
 * missing one is reported, not assumed). */
static bool options_present(MeldUnit *u, const MeldBoundary *b, const MeldCoreSig *lo) {
  const MeldFuncSig *sig = b->sig;
  bool params_mem = lo->params_spilled, result_mem = lo->result_spilled;
  bool params_realloc = lo->params_spilled, result_realloc = false;
  for (uint32_t i = 0; i < sig->nparams; i++)
    if (meld_abi_needs_memory(sig->params[i])) params_mem = params_realloc = true;
  if (sig->result && meld_abi_needs_memory(sig->result)) result_mem = result_realloc = true;
  const char *missing = NULL;
  if ((params_mem || result_mem) && b->lower.memory == MELD_NONE) missing = "the caller's memory";
  else if ((params_mem || result_mem) && b->lift.memory == MELD_NONE)
    missing = "the callee's memory";
  else if (params_realloc && b->lift.realloc == MELD_NONE) missing = "the callee's realloc";
  else if (result_realloc && b->lower.realloc == MELD_NONE) missing = "the caller's realloc";
  if (!missing) return true;
  MeldBuf name;
  meld_buf_init(&name, u->ctx->alloc);
  print_name(&name, b);
  meld_error(u->ctx, NULL, MELD_NO_OFFSET,
             "adapter: the call to '%.*s' passes values through memory but has no option for %s",
             (int)name.len, name.data ? (const char *)name.data : "", missing);
  meld_buf_free(&name);
  return false;
}

static bool is_direct(const MeldBoundary *b, const MeldCoreSig *lo) {
  if (lo->params_spilled || lo->result_spilled || b->lift.post_return != MELD_NONE) return false;
  for (uint32_t i = 0; i < b->sig->nparams; i++)
    if (!flat_transparent(b->sig->params[i])) return false;
  return !b->sig->result || flat_transparent(b->sig->result);
}

/* The entry's body: parameters in, call, results out, post-return. */
static bool build_adapter(Adapt *a, const MeldBoundary *b, const MeldCoreSig *lo,
                          const MeldCoreSig *li, bool forward) {
  MeldGen gen, *g = &gen;
  meld_gen_init(g, &a->u->arena, a->scratch, lo->params, lo->nparams);
  a->g = g;
  const MeldFuncSig *sig = b->sig;
  Dir pd = {{b->lower.memory, b->lower.realloc, b->lower.encoding},
            {b->lift.memory, b->lift.realloc, b->lift.encoding}};
  Dir rd = {pd.dst, pd.src};
  uint32_t args[MELD_MAX_FLAT_PARAMS + 1], nargs = 0;
  if (forward) {
    for (uint32_t i = 0; i < lo->nparams; i++) args[nargs++] = i;
  } else if (!lo->params_spilled) {
    uint32_t src[MELD_MAX_FLAT_PARAMS];
    for (uint32_t i = 0; i < lo->nparams; i++) src[i] = i;
    for (uint32_t i = 0; i < sig->nparams; i++) {
      adapt_flat(a, &pd, sig->params[i], src + nargs, args + nargs);
      nargs += flat_count(sig->params[i]);
    }
  } else {
    const MeldValTy *tuple = make_tuple(a, sig->params, sig->nparams);
    if (!tuple) return false;
    uint32_t align = meld_abi_alignment(tuple), size = meld_abi_size(tuple);
    uint32_t dptr = meld_gen_local(g, MELD_I32);
    meld_gen_check_align(g, 0, align);
    meld_gen_check_bounds(g, pd.src.mem, 0, MELD_NONE, size);
    meld_gen_realloc(g, pd.dst.realloc, pd.dst.mem, MELD_NONE, MELD_NONE, align, MELD_NONE, size,
                     dptr);
    adapt_mem(a, &pd, tuple, 0, 0, dptr, 0);
    args[nargs++] = dptr;
  }
  for (uint32_t i = 0; i < nargs; i++) meld_gen_get(g, args[i]);
  meld_gen_idx(g, MELD_OP_Call, b->target);
  if (forward) return meld_gen_finish(g, &a->m->funcs[b->entry]);
  uint32_t r[MELD_MAX_FLAT_RESULTS], out[MELD_MAX_FLAT_RESULTS];
  for (uint32_t i = li->nresults; i-- > 0;) {
    r[i] = meld_gen_local(g, li->results[i]);
    meld_gen_set(g, r[i]);
  }
  if (!sig->result) {
    memcpy(out, r, li->nresults * sizeof *out);
  } else if (!li->result_spilled) {
    adapt_flat(a, &rd, sig->result, r, out);
  } else {
    const MeldValTy *t = sig->result;
    uint32_t align = meld_abi_alignment(t), size = meld_abi_size(t), retp = lo->nparams - 1;
    meld_gen_check_align(g, r[0], align);
    meld_gen_check_bounds(g, rd.src.mem, r[0], MELD_NONE, size);
    meld_gen_check_align(g, retp, align);
    meld_gen_check_bounds(g, rd.dst.mem, retp, MELD_NONE, size);
    adapt_mem(a, &rd, t, r[0], 0, retp, 0);
  }
  if (b->lift.post_return != MELD_NONE) {
    for (uint32_t i = 0; i < li->nresults; i++) meld_gen_get(g, r[i]);
    meld_gen_idx(g, MELD_OP_Call, b->lift.post_return);
  }
  for (uint32_t i = 0; i < lo->nresults; i++) meld_gen_get(g, out[i]);
  if (a->failed) return false;
  return meld_gen_finish(g, &a->m->funcs[b->entry]);
}

bool meld_adapter_redirect(MeldUnit *u, const uint32_t *map, uint32_t nbodies, bool exports) {
  MeldModule *m = u->module;
  if (!meld_module_settle(u->ctx, m, &u->arena)) return false;
  MeldArena scratch;
  meld_arena_init(&scratch, u->ctx->alloc, 64 * 1024);
  bool ok = true;
  for (uint32_t i = m->nimportfuncs; i < nbodies && ok; i++) {
    MeldFunc *f = &m->funcs[i];
    if (!f->decoded) {
      MeldArenaMark mark = meld_arena_mark(&scratch);
      const MeldInstr *in;
      uint32_t n;
      ok = meld_func_instrs(u->ctx, m, f, &scratch, &in, &n, NULL);
      bool change = false;
      for (uint32_t k = 0; ok && k < n && !change; k++) {
        MeldInstr copy = in[k];
        MeldIndexRef refs[2];
        uint32_t nr = meld_instr_refs(&copy, refs);
        for (uint32_t r = 0; r < nr; r++)
          if (refs[r].space == MELD_SPACE_FUNC && map[*refs[r].slot] != *refs[r].slot) change = true;
      }
      meld_arena_release(&scratch, mark);
      if (!ok || !change) continue;
      ok = meld_func_decode(u->ctx, m, f, &u->arena);
      if (!ok) break;
    }
    for (uint32_t k = 0; k < f->ninstrs; k++) {
      MeldIndexRef refs[2];
      uint32_t nr = meld_instr_refs(&f->instrs[k], refs);
      for (uint32_t r = 0; r < nr; r++)
        if (refs[r].space == MELD_SPACE_FUNC) *refs[r].slot = map[*refs[r].slot];
    }
  }
  meld_arena_free(&scratch);
  if (!ok) return false;
  for (uint32_t i = m->nimportglobals; i < m->nglobals; i++) {
    MeldExpr *e = &m->globals[i].init;
    for (uint32_t k = 0; k < e->ninstrs; k++)
      if (e->instrs[k].op == MELD_OP_RefFunc) e->instrs[k].x = map[e->instrs[k].x];
  }
  for (uint32_t i = 0; i < m->nelems; i++) {
    MeldElem *e = &m->elems[i];
    for (uint32_t k = 0; k < e->ninit; k++) {
      if (!e->exprs) {
        e->funcs[k] = map[e->funcs[k]];
        continue;
      }
      for (uint32_t j = 0; j < e->exprs[k].ninstrs; j++)
        if (e->exprs[k].instrs[j].op == MELD_OP_RefFunc)
          e->exprs[k].instrs[j].x = map[e->exprs[k].instrs[j].x];
    }
  }
  for (uint32_t i = 0; exports && i < m->nexports; i++)
    if (m->exports[i].kind == MELD_EXTERN_FUNC) m->exports[i].index = map[m->exports[i].index];
  if (m->start != MELD_NONE) m->start = map[m->start];
  return true;
}

bool meld_pass_adapter(MeldUnit *u, const MeldPassParams *params) {
  static const char *const known[] = {NULL};
  if (!meld_params_check(u, "adapter", params, known)) return false;
  MeldFusion *fu = u->fusion;
  if (!fu || fu->nboundaries == 0) return true;
  MeldModule *m = u->module;
  bool ok = true;
  for (uint32_t i = 0; i < fu->nboundaries; i++) {
    const MeldBoundary *b = &fu->boundaries[i];
    if (b->how != MELD_ADAPT_PENDING || b->entry == MELD_NONE) continue;
    if (!supported(u, b)) ok = false;
  }
  if (!ok) return false;

  MeldArena scratch, keep;
  meld_arena_init(&scratch, u->ctx->alloc, 64 * 1024);
  meld_arena_init(&keep, u->ctx->alloc, 4 * 1024);
  MeldHelperCache cache = {.arena = &keep};
  bool any_direct = false;
  for (uint32_t i = 0; i < fu->nboundaries && ok; i++) {
    MeldBoundary *b = &fu->boundaries[i];
    if (b->how != MELD_ADAPT_PENDING || b->entry == MELD_NONE) continue;
    MeldCoreSig lo, li;
    meld_abi_core_sig(b->sig, MELD_CONTEXT_LOWER, &lo);
    meld_abi_core_sig(b->sig, MELD_CONTEXT_LIFT, &li);
    if (!type_is(m, b->entry, &lo) || !type_is(m, b->target, &li)) {
      MeldBuf name;
      meld_buf_init(&name, u->ctx->alloc);
      print_name(&name, b);
      meld_error(u->ctx, NULL, MELD_NO_OFFSET,
                 "adapter: the functions of the call to '%.*s' do not have the core signatures "
                 "its type flattens to",
                 (int)name.len, name.data ? (const char *)name.data : "");
      meld_buf_free(&name);
      ok = false;
      break;
    }
    bool direct = is_direct(b, &lo);
    if (!direct && !options_present(u, b, &lo)) {
      ok = false;
      break;
    }
    MeldArenaMark mark = meld_arena_mark(&scratch);
    Adapt a = {.u = u, .m = m, .scratch = &scratch, .cache = &cache};
    ok = build_adapter(&a, b, &lo, &li, direct);
    meld_arena_release(&scratch, mark);
    if (!ok) break;
    if (direct) {
      any_direct = true;
      b->how = MELD_ADAPT_DIRECT;
      continue;
    }
    bool transcode = false;
    if (b->lower.encoding != b->lift.encoding) {
      for (uint32_t p = 0; p < b->sig->nparams; p++)
        if (has_string(b->sig->params[p])) transcode = true;
      if (has_string(b->sig->result)) transcode = true;
    }
    b->how = transcode ? MELD_ADAPT_TRANSCODE : MELD_ADAPT_COPY;
  }
  if (ok && any_direct) {
    uint32_t *map = meld_arena_alloc(&keep, (size_t)m->nfuncs * sizeof *map);
    ok = map != NULL;
    for (uint32_t f = 0; ok && f < m->nfuncs; f++) map[f] = f;
    for (uint32_t i = 0; ok && i < fu->nboundaries; i++) {
      const MeldBoundary *b = &fu->boundaries[i];
      if (b->how == MELD_ADAPT_DIRECT && b->entry < m->nfuncs && b->target < m->nfuncs)
        map[b->entry] = b->target;
    }
    /* A target may itself be the entry of another direct boundary (a component that lifts what
     * it lowered): follow the chain to its end. */
    for (uint32_t f = 0; ok && f < m->nfuncs; f++) {
      uint32_t t = map[f], steps = 0;
      while (map[t] != t && steps++ < m->nfuncs) t = map[t];
      map[f] = t;
    }
    if (ok) ok = meld_adapter_redirect(u, map, m->nfuncs, true);
  }
  if (!ok && !u->ctx->diag.nerrors) meld_error(u->ctx, NULL, MELD_NO_OFFSET, "adapter: out of memory");
  meld_arena_free(&scratch);
  meld_arena_free(&keep);
  return ok;
}
