/*
 * grow-to-bump: every memory becomes a fixed reservation with a bump counter.
 *
 * What it does: each memory gets a reservation of R pages (parameter `heap-pages`, else its
 * declared maximum when that is at most GTB_DEFAULT_MAX_PAGES, else its initial size).  Its
 * limits become min = max = R.  A new mutable i32 global holds the page count the program sees
 * (initially the memory's declared minimum); every `memory.size` of the memory becomes a
 * `global.get` of it, and every `memory.grow` a call to a helper the pass adds per memory:
 *
 *   if n >u R - cur: return -1 (grow-fail=fail) or trap (grow-fail=trap)
 *   old = cur; cur += n; return old
 *
 * Why: the memories of a fused program are later placed side by side in one address space
 * (`rebase`), which needs each of them to have a fixed size; a Cortex-M target has no virtual
 * memory to grow into anyway.
 *
 * Needs: a core module (fused or not).  Refuses imported memories (their size is decided by the
 * host), shared memories (grown atomically by other threads), a reservation below the initial
 * size or above the declared maximum or 65536 pages, and an active data segment that would no
 * longer trap at instantiation (one that ends beyond the initial size while R is larger).
 *
 * Bounds: the memory physically has R pages, so an access between the current size and R would
 * no longer trap.  For every memory that can grow (R above its initial size) the pass therefore
 * puts a check before each load, store, atomic access and bulk operation on it (plain wasm, in
 * i64: when the access ends beyond the page counter times 64 KiB and starts below R times 64 KiB,
 * i.e. touches the part of the reservation not grown yet, a load at 0xffffffff traps -- out of
 * bounds, the trap the original gives).  The parameter `unchecked` leaves them out, for programs
 * known not to access memory out of bounds; then that difference is observable.
 *
 * Guarantees afterwards: every memory is static (min = max, no memory.grow left), and the
 * program behaves exactly as if each memory had been declared with maximum R: memory.size and
 * memory.grow return what they would, and (unless `unchecked`) every access beyond the current
 * size traps.  An exported memory stays exported; the host cannot grow it any more (its maximum
 * is its size) and is not checked: it may read and write up to R (docs/grow-to-bump.md).
 * Bodies without memory.size/grow, and without accesses to a memory that can grow, stay raw.
 */
#include "Passes/BodyRewrite.h"
#include "Passes/PassRegistry.h"

#include <stdio.h>
#include <string.h>

/* The default reservation is the declared maximum only when it is at most this many pages
 * (16 MiB); above that (or with no maximum) it is the initial size. */
#define GTB_DEFAULT_MAX_PAGES 256u
#define GTB_MAX_PAGES 65536u

enum { SRC_UNSET, SRC_MAXIMUM, SRC_INITIAL, SRC_PARAM_ALL, SRC_PARAM_ONE };

typedef struct Reserve {
  uint32_t pages;
  uint8_t source;
  const MeldPassParam *param; /* the parameter that set it, for messages */
  uint32_t global, helper;    /* what the pass added */
} Reserve;

static void instance_name(const MeldUnit *u, const MeldMemory *mem, char *buf, size_t size) {
  if (u->fusion && mem->origin < u->fusion->ninstances) {
    MeldStr p = u->fusion->instances[mem->origin].path;
    snprintf(buf, size, "%.*s", (int)p.len, p.ptr);
  } else {
    snprintf(buf, size, "%s", "module");
  }
}

static bool set_one(MeldUnit *u, Reserve *r, uint32_t mem, uint32_t pages,
                    const MeldPassParam *p) {
  if (r[mem].source == SRC_PARAM_ONE && r[mem].pages != pages) {
    char msg[96];
    snprintf(msg, sizeof msg, "memory %u already has a reservation of %u pages", mem,
             r[mem].pages);
    meld_param_error(u, "grow-to-bump", p, msg);
    return false;
  }
  r[mem].pages = pages;
  r[mem].source = SRC_PARAM_ONE;
  r[mem].param = p;
  return true;
}

/* heap-pages=N, heap-pages=M:N, heap-pages=PATH:N (a fused instance's memories). */
static bool read_params(MeldUnit *u, const MeldPassParams *params, Reserve *r) {
  MeldModule *m = u->module;
  /* The global form first, so that the per-memory ones override it in any order. */
  for (uint32_t i = 0; i < params->nitems; i++) {
    const MeldPassParam *p = &params->items[i];
    if (!meld_str_eq_cstr(p->key, "heap-pages")) continue;
    uint32_t colon = p->value.len;
    while (colon > 0 && p->value.ptr[colon - 1] != ':') colon--;
    if (colon != 0) continue;
    uint32_t pages;
    if (!meld_param_u32(p->value, &pages)) {
      meld_param_error(u, "grow-to-bump", p, "expected a number of pages, MEMORY:PAGES or INSTANCE:PAGES");
      return false;
    }
    for (uint32_t k = 0; k < m->nmemories; k++) {
      r[k].pages = pages;
      r[k].source = SRC_PARAM_ALL;
      r[k].param = p;
    }
  }
  for (uint32_t i = 0; i < params->nitems; i++) {
    const MeldPassParam *p = &params->items[i];
    if (!meld_str_eq_cstr(p->key, "heap-pages")) continue;
    uint32_t colon = p->value.len;
    while (colon > 0 && p->value.ptr[colon - 1] != ':') colon--;
    if (colon == 0) continue;
    MeldStr target = {p->value.ptr, colon - 1};
    MeldStr count = {p->value.ptr + colon, p->value.len - colon};
    uint32_t pages, mem;
    if (!meld_param_u32(count, &pages)) {
      meld_param_error(u, "grow-to-bump", p, "expected a number of pages after ':'");
      return false;
    }
    if (meld_param_u32(target, &mem)) {
      if (mem >= m->nmemories) {
        char msg[80];
        snprintf(msg, sizeof msg, "the module has %u memor%s", m->nmemories,
                 m->nmemories == 1 ? "y" : "ies");
        meld_param_error(u, "grow-to-bump", p, msg);
        return false;
      }
      if (!set_one(u, r, mem, pages, p)) return false;
      continue;
    }
    if (!u->fusion) {
      meld_param_error(u, "grow-to-bump", p, "an instance path needs a fused module (run 'resolve' first)");
      return false;
    }
    uint32_t inst = MELD_NONE;
    for (uint32_t k = 0; k < u->fusion->ninstances && inst == MELD_NONE; k++)
      if (meld_str_eq(u->fusion->instances[k].path, target)) inst = k;
    if (inst == MELD_NONE) {
      meld_param_error(u, "grow-to-bump", p, "no component instance has this path (see --explain)");
      return false;
    }
    bool any = false;
    for (uint32_t k = 0; k < m->nmemories; k++)
      if (m->memories[k].origin == inst) {
        if (!set_one(u, r, k, pages, p)) return false;
        any = true;
      }
    if (!any) {
      meld_param_error(u, "grow-to-bump", p, "this component instance has no memory");
      return false;
    }
  }
  return true;
}

/* Checks every memory and settles its reservation. */
static bool decide(MeldUnit *u, Reserve *r) {
  MeldModule *m = u->module;
  for (uint32_t k = 0; k < m->nmemories; k++) {
    const MeldMemory *mem = &m->memories[k];
    const MeldLimits *l = &mem->limits;
    uint64_t at = mem->at;
    if (mem->import != MELD_NONE) {
      const MeldImport *im = &m->imports[mem->import];
      meld_error(u->ctx, m->file, at,
                 "grow-to-bump: memory %u is imported ('%.*s' '%.*s'): its size is decided by "
                 "the host, so it cannot be given a fixed reservation",
                 k, (int)im->module.len, im->module.ptr, (int)im->name.len, im->name.ptr);
      return false;
    }
    if (l->shared) {
      meld_error(u->ctx, m->file, at,
                 "grow-to-bump: memory %u is shared: other threads grow it atomically, which "
                 "grow-to-bump does not implement",
                 k);
      return false;
    }
    if (r[k].source == SRC_UNSET) {
      if (l->has_max && l->max <= GTB_DEFAULT_MAX_PAGES) {
        r[k].pages = l->max;
        r[k].source = SRC_MAXIMUM;
      } else {
        r[k].pages = l->min;
        r[k].source = SRC_INITIAL;
      }
      continue;
    }
    char msg[160];
    const char *bad = NULL;
    if (r[k].pages > GTB_MAX_PAGES) {
      snprintf(msg, sizeof msg, "memory %u: %u pages is more than a 32-bit memory has (65536)", k,
               r[k].pages);
      bad = msg;
    } else if (r[k].pages < l->min) {
      snprintf(msg, sizeof msg, "memory %u: %u pages is less than its initial size (%u pages)", k,
               r[k].pages, l->min);
      bad = msg;
    } else if (l->has_max && r[k].pages > l->max) {
      snprintf(msg, sizeof msg,
               "memory %u: %u pages is more than its declared maximum (%u pages)", k, r[k].pages,
               l->max);
      bad = msg;
    }
    if (bad) {
      meld_param_error(u, "grow-to-bump", r[k].param, bad);
      return false;
    }
  }
  return true;
}

/* An active data segment that traps at instantiation today (it ends beyond the initial size)
 * must still trap: refuse when R > min would let it through, or when its offset is not a
 * constant (then we cannot tell). */
static bool check_segments(MeldUnit *u, const Reserve *r) {
  MeldModule *m = u->module;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const MeldData *d = &m->datas[i];
    if (d->mode != MELD_SEG_ACTIVE) continue;
    const MeldLimits *l = &m->memories[d->memory].limits;
    if (r[d->memory].pages == l->min) continue;
    const MeldExpr *e = &d->offset;
    bool is_const = e->ninstrs == 2 && e->instrs[0].op == MELD_OP_I32Const;
    uint64_t end = is_const ? (uint64_t)(uint32_t)e->instrs[0].i32 + d->size : 0;
    if (is_const && end <= (uint64_t)l->min * 65536u) continue;
    meld_error(u->ctx, m->file, d->at,
               is_const ? "grow-to-bump: data segment %u ends beyond the initial size of memory "
                          "%u and traps at instantiation; with a larger reservation it would not"
                        : "grow-to-bump: data segment %u of memory %u has a non-constant offset: "
                          "whether it traps at instantiation cannot be kept",
               i, d->memory);
    return false;
  }
  return true;
}

static void add_name(MeldUnit *u, MeldNameMap *map, uint32_t idx, const char *name) {
  if (map->nitems && map->items[map->nitems - 1].index >= idx) return;
  MeldNameAssoc *na = MELD_PUSH(&u->arena, map->items, map->nitems, map->cap);
  if (na) *na = (MeldNameAssoc){idx, meld_str_dup(&u->arena, meld_str(name))};
}

static uint32_t add_global(MeldUnit *u, uint32_t mem, uint32_t initial) {
  MeldModule *m = u->module;
  MeldInstr *init = meld_arena_calloc(&u->arena, 2, sizeof *init);
  MeldGlobal *g = MELD_PUSH(&u->arena, m->globals, m->nglobals, m->capglobals);
  if (!init || !g) return MELD_NONE;
  init[0].op = MELD_OP_I32Const;
  init[0].i32 = (int32_t)initial;
  init[1].op = MELD_OP_End;
  memset(g, 0, sizeof *g);
  g->type = MELD_I32;
  g->mut = true;
  g->init = (MeldExpr){init, 2, MELD_NO_OFFSET};
  g->import = MELD_NONE;
  g->origin = m->memories[mem].origin;
  g->at = MELD_NO_OFFSET;
  uint32_t idx = m->nglobals - 1;
  char name[48];
  snprintf(name, sizeof name, "grow-to-bump.pages.%u", mem);
  add_name(u, &m->names.globals, idx, name);
  return idx;
}

static uint32_t add_helper(MeldUnit *u, uint32_t mem, uint32_t global, uint32_t pages,
                           bool trap) {
  MeldModule *m = u->module;
  static const MeldValType i32[1] = {MELD_I32};
  uint32_t type = meld_module_intern_type(m, &u->arena, i32, 1, i32, 1);
  if (type == MELD_NONE) return MELD_NONE;
  enum { N = 16 };
  MeldInstr *c = meld_arena_calloc(&u->arena, N, sizeof *c);
  MeldFunc *f = MELD_PUSH(&u->arena, m->funcs, m->nfuncs, m->capfuncs);
  if (!c || !f) return MELD_NONE;
  uint32_t n = 0;
  /* n >u R - cur: cur <= R always holds, so the subtraction cannot wrap. */
  c[n].op = MELD_OP_LocalGet, c[n++].x = 0;
  c[n].op = MELD_OP_I32Const, c[n++].i32 = (int32_t)pages;
  c[n].op = MELD_OP_GlobalGet, c[n++].x = global;
  c[n++].op = MELD_OP_I32Sub;
  c[n++].op = MELD_OP_I32GtU;
  c[n].op = MELD_OP_If, c[n++].btkind = MELD_BT_EMPTY;
  if (trap) {
    c[n++].op = MELD_OP_Unreachable;
  } else {
    c[n].op = MELD_OP_I32Const, c[n++].i32 = -1;
    c[n++].op = MELD_OP_Return;
  }
  c[n++].op = MELD_OP_End;
  c[n].op = MELD_OP_GlobalGet, c[n++].x = global; /* the result: the old size */
  c[n].op = MELD_OP_GlobalGet, c[n++].x = global;
  c[n].op = MELD_OP_LocalGet, c[n++].x = 0;
  c[n++].op = MELD_OP_I32Add;
  c[n].op = MELD_OP_GlobalSet, c[n++].x = global;
  c[n++].op = MELD_OP_End;
  memset(f, 0, sizeof *f);
  f->type = type;
  f->import = MELD_NONE;
  f->origin = m->memories[mem].origin;
  f->codeoffset = MELD_NO_OFFSET;
  f->at = MELD_NO_OFFSET;
  f->instrs = c;
  f->ninstrs = n;
  f->capinstrs = N;
  f->decoded = true;
  uint32_t idx = m->nfuncs - 1;
  char name[48];
  snprintf(name, sizeof name, "grow-to-bump.grow.%u", mem);
  add_name(u, &m->names.funcs, idx, name);
  return idx;
}

static bool is_size_or_grow(const MeldInstr *in) {
  return in->op == MELD_OP_MemorySize || in->op == MELD_OP_MemoryGrow;
}

/* ---- Bounds checks for the memories that can grow ---- */

typedef struct Checker {
  MeldUnit *u;
  const Reserve *r;
  const bool *grows; /* by memory: R above the initial size (accesses get checks) */
  MeldArena *scratch;
  MeldRewrite w;    /* the body being rewritten */
  uint32_t *checks; /* check helpers, by memory * CHECK_KINDS + kind (MELD_NONE: not yet) */
} Checker;

/* The check helpers: one per memory and access width (1, 2, 4, 8, 16 bytes), and one for a
 * (start, length) range. */
enum { CHECK_KINDS = 6, CHECK_RANGE = 5 };

static MeldInstr *emit(Checker *c, MeldOpcode op) {
  return meld_rewrite_emit(&c->w, op);
}

static void emit_x(Checker *c, MeldOpcode op, uint32_t x) {
  meld_rewrite_emit_x(&c->w, op, x);
}

static uint32_t temp(Checker *c, char t, int pos) {
  return meld_rewrite_temp(&c->w, t, pos);
}

static void put(MeldInstr *c, uint32_t *n, MeldOpcode op, uint64_t imm) {
  memset(&c[*n], 0, sizeof c[*n]);
  c[*n].op = (uint16_t)op;
  if (op == MELD_OP_I64Const) c[*n].i64 = (int64_t)imm;
  else if (op == MELD_OP_I32Const) c[*n].i32 = (int32_t)(uint32_t)imm;
  else c[*n].x = (uint32_t)imm;
  ++*n;
}

/* The helper (i32 a, i32 b) -> i32 that checks an access of memory `mem` and returns a: for a
 * width w, the access [a + b, a + b + w) (b: the static offset); for CHECK_RANGE, [a, a + b).
 * It traps when the access touches the part of the reservation not grown yet, [current size,
 * R) in bytes: its end is beyond the current size and its start below R.  (An access beyond R
 * traps by itself; beyond R is also where arena-realloc may put its arena, which the program
 * reads when the host passes it pointers there.)  The trap is the one the original gives, out of
 * bounds: a 4-byte load at 0xffffffff, beyond any 32-bit memory.  In i64, so nothing wraps. */
static uint32_t check_helper(Checker *c, uint32_t mem, uint32_t kind) {
  uint32_t *slot = &c->checks[mem * CHECK_KINDS + kind];
  if (*slot != MELD_NONE) return *slot;
  MeldUnit *u = c->u;
  MeldModule *m = u->module;
  static const MeldValType p[2] = {MELD_I32, MELD_I32}, r[1] = {MELD_I32};
  static const uint32_t widths[CHECK_KINDS - 1] = {1, 2, 4, 8, 16};
  uint32_t type = meld_module_intern_type(m, &u->arena, p, 2, r, 1);
  enum { N = 32 };
  MeldInstr *code = meld_arena_calloc(&u->arena, N, sizeof *code);
  MeldLocalGroup *locals = meld_arena_alloc(&u->arena, sizeof *locals);
  MeldFunc *f = type == MELD_NONE ? NULL : MELD_PUSH(&u->arena, m->funcs, m->nfuncs, m->capfuncs);
  if (!code || !locals || !f) {
    c->w.oom = true;
    return 0;
  }
  uint32_t n = 0;
  put(code, &n, MELD_OP_LocalGet, 0);
  put(code, &n, MELD_OP_I64ExtendI32U, 0);
  if (kind != CHECK_RANGE) {
    put(code, &n, MELD_OP_LocalGet, 1);
    put(code, &n, MELD_OP_I64ExtendI32U, 0);
    put(code, &n, MELD_OP_I64Add, 0);
  }
  put(code, &n, MELD_OP_LocalTee, 2); /* the start */
  if (kind != CHECK_RANGE) {
    put(code, &n, MELD_OP_I64Const, widths[kind]);
  } else {
    put(code, &n, MELD_OP_LocalGet, 1);
    put(code, &n, MELD_OP_I64ExtendI32U, 0);
  }
  put(code, &n, MELD_OP_I64Add, 0); /* the end */
  put(code, &n, MELD_OP_GlobalGet, c->r[mem].global);
  put(code, &n, MELD_OP_I64ExtendI32U, 0);
  put(code, &n, MELD_OP_I64Const, 16);
  put(code, &n, MELD_OP_I64Shl, 0);
  put(code, &n, MELD_OP_I64GtU, 0);
  put(code, &n, MELD_OP_LocalGet, 2);
  put(code, &n, MELD_OP_I64Const, (uint64_t)c->r[mem].pages * 65536u);
  put(code, &n, MELD_OP_I64LtU, 0);
  put(code, &n, MELD_OP_I32And, 0);
  put(code, &n, MELD_OP_If, 0); /* empty block type */
  put(code, &n, MELD_OP_I32Const, UINT32_MAX);
  put(code, &n, MELD_OP_I32Load, mem);
  code[n - 1].align = 2;
  put(code, &n, MELD_OP_Drop, 0);
  put(code, &n, MELD_OP_End, 0);
  put(code, &n, MELD_OP_LocalGet, 0);
  put(code, &n, MELD_OP_End, 0);
  *locals = (MeldLocalGroup){1, MELD_I64};
  memset(f, 0, sizeof *f);
  f->type = type;
  f->import = MELD_NONE;
  f->origin = m->memories[mem].origin;
  f->codeoffset = MELD_NO_OFFSET;
  f->at = MELD_NO_OFFSET;
  f->localgroups = locals;
  f->nlocalgroups = 1;
  f->nlocals = 1;
  f->instrs = code;
  f->ninstrs = n;
  f->capinstrs = N;
  f->decoded = true;
  *slot = m->nfuncs - 1;
  char name[64];
  if (kind == CHECK_RANGE) snprintf(name, sizeof name, "grow-to-bump.check-range.%u", mem);
  else snprintf(name, sizeof name, "grow-to-bump.check%u.%u", widths[kind], mem);
  add_name(u, &m->names.funcs, *slot, name);
  return *slot;
}

static uint32_t width_kind(uint32_t width) {
  return width <= 1 ? 0 : width == 2 ? 1 : width == 4 ? 2 : width == 8 ? 3 : 4;
}

/* Does the instruction access a memory that gets checks? */
static bool needs_check(const bool *grows, const MeldInstr *in) {
  switch (meld_op_info[in->op].imm) {
  case MELD_IMM_MEMARG:
  case MELD_IMM_MEMARG_LANE: return grows[in->x];
  default: break;
  }
  switch ((MeldOpcode)in->op) {
  case MELD_OP_MemoryFill: return grows[in->x];
  case MELD_OP_MemoryInit: return grows[in->y];
  case MELD_OP_MemoryCopy: return grows[in->x] || grows[in->y];
  default: return false;
  }
}

/* Appends the instruction with its check before it: a call of the memory's check helper, which
 * takes the address and gives it back (the other operands wait in temporaries). */
static void emit_checked(Checker *c, const MeldInstr *in) {
  const MeldOpInfo *info = &meld_op_info[in->op];
  if (info->imm == MELD_IMM_MEMARG || info->imm == MELD_IMM_MEMARG_LANE) {
    const char *sig = info->sig;
    int np = 0;
    while (sig[np] && sig[np] != ':') np++;
    for (int k = np - 1; k >= 1; k--) emit_x(c, MELD_OP_LocalSet, temp(c, sig[k], k));
    MeldInstr *k = emit(c, MELD_OP_I32Const);
    if (k) k->i32 = (int32_t)(uint32_t)in->offset; /* a valid offset fits in 32 bits */
    emit_x(c, MELD_OP_Call, check_helper(c, in->x, width_kind(info->width)));
    for (int j = 1; j < np; j++) emit_x(c, MELD_OP_LocalGet, temp(c, sig[j], j));
  } else {
    /* memory.fill (d, v, n), memory.init (d, s, n), memory.copy (d, s, n). */
    uint32_t sv = temp(c, 'i', 1), n = temp(c, 'i', 2);
    uint32_t dmem = in->op == MELD_OP_MemoryInit ? in->y : in->x;
    emit_x(c, MELD_OP_LocalSet, n);
    emit_x(c, MELD_OP_LocalSet, sv);
    if (c->grows[dmem]) {
      emit_x(c, MELD_OP_LocalGet, n);
      emit_x(c, MELD_OP_Call, check_helper(c, dmem, CHECK_RANGE));
    }
    emit_x(c, MELD_OP_LocalGet, sv);
    if (in->op == MELD_OP_MemoryCopy && c->grows[in->y]) {
      emit_x(c, MELD_OP_LocalGet, n);
      emit_x(c, MELD_OP_Call, check_helper(c, in->y, CHECK_RANGE));
    }
    emit_x(c, MELD_OP_LocalGet, n);
  }
  MeldInstr *o = emit(c, (MeldOpcode)in->op);
  if (o) *o = *in;
}

/* Rebuilds a decoded body with checks before the accesses that need them. */
static bool add_checks(Checker *c, uint32_t fidx) {
  MeldModule *m = c->u->module;
  MeldFunc *f = &m->funcs[fidx];
  bool any = false;
  for (uint32_t k = 0; k < f->ninstrs && !any; k++) any = needs_check(c->grows, &f->instrs[k]);
  if (!any) return true;
  meld_rewrite_begin(&c->w, c->scratch, m, f);
  /* Helpers added while emitting may move m->funcs: keep the body, not f. */
  const MeldInstr *ins = f->instrs;
  uint32_t nins = f->ninstrs;
  for (uint32_t k = 0; k < nins; k++) {
    if (needs_check(c->grows, &ins[k])) emit_checked(c, &ins[k]);
    else meld_rewrite_copy(&c->w, &ins[k]);
  }
  return meld_rewrite_finish(&c->w, c->u, fidx, "grow-to-bump");
}

/* memory.size -> global.get, memory.grow -> call: one instruction for one; then, with `c`,
 * the bounds checks.  Bodies with nothing to change stay raw. */
static bool rewrite_bodies(MeldUnit *u, const Reserve *r, uint32_t nfuncs, Checker *c) {
  MeldModule *m = u->module;
  for (uint32_t i = m->nimportfuncs; i < nfuncs; i++) {
    MeldFunc *f = &m->funcs[i];
    if (!f->decoded) {
      MeldInstrIter it;
      meld_iter_begin(&it, u->ctx, m, f);
      MeldInstr in;
      uint64_t off;
      int st = 0;
      bool found = false;
      while (!found && (st = meld_iter_next(&it, &in, &off)) > 0)
        found = is_size_or_grow(&in) || (c && needs_check(c->grows, &in));
      meld_iter_end(&it);
      if (!found && st < 0) return false;
      if (!found) continue;
      if (!meld_func_decode(u->ctx, m, f, &u->arena)) return false;
    }
    /* The checks go in first: they see the original memory instructions. */
    if (c && !add_checks(c, i)) return false;
    f = &m->funcs[i]; /* check helpers may have moved the array */
    for (uint32_t k = 0; k < f->ninstrs; k++) {
      MeldInstr *in = &f->instrs[k];
      if (!is_size_or_grow(in)) continue;
      uint32_t mem = in->x;
      bool grow = in->op == MELD_OP_MemoryGrow;
      memset(in, 0, sizeof *in);
      in->op = grow ? MELD_OP_Call : MELD_OP_GlobalGet;
      in->x = grow ? r[mem].helper : r[mem].global;
    }
  }
  return true;
}

static const char *source_text(uint8_t s) {
  switch (s) {
  case SRC_MAXIMUM: return "its declared maximum";
  case SRC_INITIAL: return "its initial size";
  default: return "the heap-pages parameter";
  }
}

bool meld_pass_grow_to_bump(MeldUnit *u, const MeldPassParams *params) {
  static const char *const known[] = {"heap-pages", "grow-fail", "unchecked", NULL};
  if (!meld_params_check(u, "grow-to-bump", params, known)) return false;
  MeldModule *m = u->module;
  bool trap = false;
  for (uint32_t i = 0; i < params->nitems; i++) {
    const MeldPassParam *p = &params->items[i];
    if (!meld_str_eq_cstr(p->key, "grow-fail")) continue;
    if (meld_str_eq_cstr(p->value, "trap")) trap = true;
    else if (meld_str_eq_cstr(p->value, "fail")) trap = false;
    else {
      meld_param_error(u, "grow-to-bump", p, "expected 'trap' or 'fail'");
      return false;
    }
  }
  if (m->nmemories == 0) return true;

  MeldArena scratch;
  meld_arena_init(&scratch, u->ctx->alloc, 4096);
  bool ok = false;
  Reserve *r = meld_arena_calloc(&scratch, m->nmemories, sizeof *r);
  if (!r) goto oom;
  if (!read_params(u, params, r) || !decide(u, r) || !check_segments(u, r)) goto done;

  uint32_t nfuncs = m->nfuncs; /* the helpers added below need no rewriting */
  bool checked = !meld_param_flag(params, "unchecked"), any_grows = false;
  bool *grows = meld_arena_calloc(&scratch, m->nmemories, sizeof *grows);
  if (!grows) goto oom;
  for (uint32_t k = 0; k < m->nmemories; k++) {
    uint32_t initial = m->memories[k].limits.min;
    grows[k] = checked && r[k].pages > initial;
    any_grows |= grows[k];
    r[k].global = add_global(u, k, initial);
    if (r[k].global == MELD_NONE) goto oom;
    r[k].helper = add_helper(u, k, r[k].global, r[k].pages, trap);
    if (r[k].helper == MELD_NONE) goto oom;
  }
  uint32_t *checks = meld_arena_alloc(&scratch, (size_t)m->nmemories * CHECK_KINDS * sizeof *checks);
  if (!checks) goto oom;
  memset(checks, 0xff, (size_t)m->nmemories * CHECK_KINDS * sizeof *checks);
  Checker checker = {.u = u, .r = r, .grows = grows, .scratch = &scratch, .checks = checks};
  if (!rewrite_bodies(u, r, nfuncs, any_grows ? &checker : NULL)) goto done;

  for (uint32_t k = 0; k < m->nmemories; k++) {
    MeldLimits *l = &m->memories[k].limits;
    uint32_t initial = l->min;
    l->min = l->max = r[k].pages;
    l->has_max = true;
    if (!u->fusion) continue;
    char inst[128];
    instance_name(u, &m->memories[k], inst, sizeof inst);
    if (!meld_fusion_note(u->ctx, &u->arena, u->fusion,
                          "grow-to-bump: memory %u (%s): %u of %u reserved pages in use at start "
                          "(reservation from %s); memory.grow past %u pages %s%s",
                          k, inst, initial, r[k].pages, source_text(r[k].source), r[k].pages,
                          trap ? "traps" : "returns -1",
                          initial == r[k].pages ? ""
                          : grows[k]            ? "; accesses beyond the current size trap"
                                                : "; accesses are not checked (unchecked)"))
      goto done;
  }
  ok = true;
  goto done;
oom:
  meld_error(u->ctx, m->file, MELD_NO_OFFSET, "out of memory in grow-to-bump");
done:
  meld_arena_free(&scratch);
  return ok;
}
