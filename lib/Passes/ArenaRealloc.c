/*
 * arena-realloc: the outer boundary's realloc becomes a bump allocator over a reserved region.
 *
 * What it does: in a fused program, for every memory whose realloc the host uses (the `realloc`
 * of a host export's lift options, where the host writes the arguments, or of a host import's
 * lower options, where it writes the results), the pass adds N bytes (parameter `bytes`,
 * default 4096) of new pages at the end of the memory (min = max grows by ceil(N / 64 KiB)), two
 * mutable i32 globals `top` (next free byte, initially the arena's base) and `last` (start of the
 * last block, initially 0), and a new function with the signature of cabi_realloc:
 *
 *   realloc(old, old_size, align, new_size):
 *     trap unless align is a power of two <= 65536
 *     if old != 0 and old == last and old is aligned and old + new_size <= end:
 *       top = old + new_size; return old                      (the last block, in place)
 *     if new_size == 0: return align_up(top, align)           (nothing allocated)
 *     p = align_up(top, align); trap if p + new_size > end    (exhausted)
 *     if old != 0: memory.copy(p, old, min(old_size, new_size))
 *     last = p; top = p + new_size; return p
 *
 * The host-facing ABI exports of that realloc (`cabi_realloc`, `cabi_realloc$1`, ...) and the
 * fusion record's outer options are redirected to the new function.  The original realloc stays
 * for the internal adapters that call it (dce removes it when nothing else does).
 *
 * Why: a host that sends strings or lists into the program needs a realloc, and the component's
 * own (malloc, sbrk, memory.grow) is the one allocator firmware should not carry for it.  The
 * arena gives the binding layer a bounded, known footprint.
 *
 * Needs: a fused, adapted program.  Every memory that gets an arena must be static (min = max),
 * defined, unshared, with no memory.size or memory.grow left in the code: run grow-to-bump
 * first, whose page counter keeps the program's view of the size unchanged, so the program's
 * heap never reaches the arena.  Refused too: a memory an internal adapter copies through (its
 * bounds checks read that page counter and would trap on an arena pointer), an active data
 * segment that ends beyond the memory or has a non-constant offset (it would no longer trap, or
 * might land in the arena), a memory of 0 pages, a total above 65535 pages.
 *
 * Guarantees afterwards: the host interface is unchanged except for the allocator behind the
 * realloc exports.  The arena is monotonic: it is never reset, so it must be sized for the
 * program's lifetime, and exhaustion traps.  The program must not free or realloc the blocks
 * the host allocated with its own allocator (docs/arena-realloc.md).
 */
#include "Passes/PassRegistry.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define PAGE 65536u
#define AR_DEFAULT_BYTES 4096u
#define AR_MAX_PAGES 65535u /* every address + 65535 fits in 32 bits: align_up cannot wrap */
#define AR_MAX_ALIGN 65536u

typedef struct Arena {
  bool used;                  /* the outer boundary has a realloc with this memory */
  uint32_t realloc;           /* the original realloc (for messages) */
  uint32_t bytes;
  const MeldPassParam *param; /* the parameter that set `bytes`, or NULL (the default) */
  bool by_path;               /* set by bytes=PATH:N */
  uint32_t base, end;         /* bytes */
  uint32_t pages;             /* added */
  uint32_t top, last, func;   /* what the pass added */
} Arena;

static void instance_name(const MeldUnit *u, const MeldMemory *mem, char *buf, size_t size) {
  if (mem->origin < u->fusion->ninstances) {
    MeldStr p = u->fusion->instances[mem->origin].path;
    snprintf(buf, size, "%.*s", (int)p.len, p.ptr);
  } else {
    snprintf(buf, size, "%s", "module");
  }
}

/* The memories whose realloc the host calls.  One realloc serving two memories would need two
 * arenas behind one export: refused. */
static bool outer_memories(MeldUnit *u, Arena *a) {
  MeldFusion *F = u->fusion;
  MeldModule *m = u->module;
  for (uint32_t i = 0; i < F->nexports + F->nimports; i++) {
    const MeldAbiOpts *o = i < F->nexports ? &F->exports[i].lift
                                           : &F->imports[i - F->nexports].lower;
    if (i >= F->nexports && F->imports[i - F->nexports].import == MELD_NONE) continue;
    if (o->realloc == MELD_NONE || o->memory == MELD_NONE) continue;
    for (uint32_t k = 0; k < m->nmemories; k++)
      if (k != o->memory && a[k].used && a[k].realloc == o->realloc) {
        meld_error(u->ctx, m->file, MELD_NO_OFFSET,
                   "arena-realloc: function %u is the outer realloc of memories %u and %u; one "
                   "arena per realloc export cannot serve both",
                   o->realloc, k, o->memory);
        return false;
      }
    a[o->memory].used = true;
    a[o->memory].realloc = o->realloc;
  }
  return true;
}

/* bytes=N for every arena, bytes=PATH:N for the arena of instance PATH's memory (overrides
 * bytes=N in any order). */
static bool read_params(MeldUnit *u, const MeldPassParams *params, Arena *a) {
  MeldModule *m = u->module;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < params->nitems; i++) {
      const MeldPassParam *p = &params->items[i];
      if (!meld_str_eq_cstr(p->key, "bytes")) continue;
      uint32_t colon = p->value.len;
      while (colon > 0 && p->value.ptr[colon - 1] != ':') colon--;
      if ((colon != 0) != (pass == 1)) continue;
      MeldStr count = {p->value.ptr + colon, p->value.len - colon};
      uint32_t bytes;
      if (!meld_param_u32(count, &bytes) || bytes == 0) {
        meld_param_error(u, "arena-realloc", p, colon ? "expected a number of bytes (at least 1) after ':'"
                                : "expected a number of bytes (at least 1) or INSTANCE:BYTES");
        return false;
      }
      if (colon == 0) {
        for (uint32_t k = 0; k < m->nmemories; k++) a[k].bytes = bytes, a[k].param = p;
        continue;
      }
      MeldStr target = {p->value.ptr, colon - 1};
      uint32_t inst = MELD_NONE;
      for (uint32_t k = 0; k < u->fusion->ninstances && inst == MELD_NONE; k++)
        if (meld_str_eq(u->fusion->instances[k].path, target)) inst = k;
      if (inst == MELD_NONE) {
        meld_param_error(u, "arena-realloc", p, "no component instance has this path (see --explain)");
        return false;
      }
      bool any = false;
      for (uint32_t k = 0; k < m->nmemories; k++) {
        if (m->memories[k].origin != inst || !a[k].used) continue;
        if (a[k].by_path && a[k].bytes != bytes) {
          meld_param_error(u, "arena-realloc", p, "this instance's arena already has another size");
          return false;
        }
        a[k].bytes = bytes, a[k].param = p, a[k].by_path = true;
        any = true;
      }
      if (!any) {
        meld_param_error(u, "arena-realloc", p, "the host calls no realloc of this instance's memory");
        return false;
      }
    }
  return true;
}

static bool touches_size(const MeldInstr *in, uint32_t mem) {
  return (in->op == MELD_OP_MemorySize || in->op == MELD_OP_MemoryGrow) && in->x == mem;
}

/* Is there a memory.size or memory.grow of `mem` anywhere? */
static int find_size_or_grow(MeldUnit *u, uint32_t mem) {
  MeldModule *m = u->module;
  for (uint32_t i = m->nimportfuncs; i < m->nfuncs; i++) {
    MeldInstrIter it;
    meld_iter_begin(&it, u->ctx, m, &m->funcs[i]);
    MeldInstr in;
    uint64_t off;
    int st;
    bool found = false;
    while (!found && (st = meld_iter_next(&it, &in, &off)) > 0) found = touches_size(&in, mem);
    meld_iter_end(&it);
    if (found) return 1;
    if (st < 0) return -1;
  }
  return 0;
}

/* Every reason the arena could not be kept apart from what the program sees. */
static bool check_memory(MeldUnit *u, uint32_t k, const Arena *a) {
  MeldModule *m = u->module;
  const MeldMemory *mem = &m->memories[k];
  const MeldLimits *l = &mem->limits;
  char inst[128];
  instance_name(u, mem, inst, sizeof inst);
  if (mem->import != MELD_NONE || l->shared) {
    meld_error(u->ctx, m->file, mem->at,
               "arena-realloc: memory %u (%s) is %s: the pass cannot add pages to it", k, inst,
               l->shared ? "shared" : "imported");
    return false;
  }
  if (!l->has_max || l->max != l->min) {
    meld_error(u->ctx, m->file, mem->at,
               "arena-realloc: memory %u (%s) can still grow (run grow-to-bump first): the "
               "arena's pages would be handed out by memory.grow",
               k, inst);
    return false;
  }
  int found = find_size_or_grow(u, k);
  if (found < 0) return false;
  if (found) {
    meld_error(u->ctx, m->file, mem->at,
               "arena-realloc: memory %u (%s) is read by memory.size or memory.grow (run "
               "grow-to-bump first): the program would take the arena's pages for its own",
               k, inst);
    return false;
  }
  if (l->min == 0) {
    meld_error(u->ctx, m->file, mem->at,
               "arena-realloc: memory %u (%s) has 0 pages: an arena at address 0 would give a "
               "null pointer",
               k, inst);
    return false;
  }
  uint64_t pages = l->min + ((uint64_t)a->bytes + PAGE - 1) / PAGE;
  if (pages > AR_MAX_PAGES) {
    meld_error(u->ctx, m->file, mem->at,
               "arena-realloc: memory %u (%s): %u pages and a %u-byte arena make more than %u "
               "pages",
               k, inst, l->min, a->bytes, AR_MAX_PAGES);
    return false;
  }
  const MeldFusion *F = u->fusion;
  for (uint32_t i = 0; i < F->nboundaries; i++) {
    const MeldBoundary *b = &F->boundaries[i];
    if (b->how == MELD_ADAPT_DIRECT || (b->lower.memory != k && b->lift.memory != k)) continue;
    meld_error(u->ctx, m->file, mem->at,
               "arena-realloc: memory %u (%s) is copied through by the adapter of %.*s%s%.*s: "
               "its bounds checks read the program's page count, which does not include the "
               "arena, so a block the host allocated could not cross it (not implemented)",
               k, inst, (int)b->interface.len, b->interface.ptr, b->interface.len ? "#" : "",
               (int)b->func.len, b->func.ptr);
    return false;
  }
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const MeldData *d = &m->datas[i];
    if (d->mode != MELD_SEG_ACTIVE || d->memory != k) continue;
    const MeldExpr *e = &d->offset;
    bool is_const = e->ninstrs == 2 && e->instrs[0].op == MELD_OP_I32Const;
    uint64_t end = is_const ? (uint64_t)(uint32_t)e->instrs[0].i32 + d->size : 0;
    if (is_const && end <= (uint64_t)l->min * PAGE) continue;
    meld_error(u->ctx, m->file, d->at,
               is_const ? "arena-realloc: data segment %u ends beyond memory %u and traps at "
                          "instantiation; with the arena's pages it would not"
                        : "arena-realloc: data segment %u of memory %u has a non-constant "
                          "offset: it might land in the arena",
               i, k);
    return false;
  }
  return true;
}

static void add_name(MeldUnit *u, MeldNameMap *map, uint32_t idx, const char *name) {
  if (map->nitems && map->items[map->nitems - 1].index >= idx) return;
  MeldNameAssoc *na = MELD_PUSH(&u->arena, map->items, map->nitems, map->cap);
  if (na) *na = (MeldNameAssoc){idx, meld_str_dup(&u->arena, meld_str(name))};
}

static uint32_t add_global(MeldUnit *u, uint32_t mem, uint32_t initial, const char *what) {
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
  snprintf(name, sizeof name, "arena-realloc.%s.%u", what, mem);
  add_name(u, &m->names.globals, idx, name);
  return idx;
}

/* The instructions of the allocator (the file's opening comment gives it in pseudo-code).
 * Locals: 0 old, 1 old_size, 2 align, 3 new_size, 4 p. */
enum { OLD, OLD_SIZE, ALIGN, NEW_SIZE, P };

typedef struct Code {
  MeldInstr *c;
  uint32_t n, cap;
} Code;

static MeldInstr *op(Code *k, MeldOpcode o) {
  assert(k->n < k->cap);
  MeldInstr *in = &k->c[k->n++];
  in->op = (uint16_t)o;
  return in;
}
static void opx(Code *k, MeldOpcode o, uint32_t x) {
  op(k, o)->x = x;
}
static void i32c(Code *k, uint32_t v) {
  op(k, MELD_OP_I32Const)->i32 = (int32_t)v;
}
static void open_if(Code *k) {
  op(k, MELD_OP_If)->btkind = MELD_BT_EMPTY;
}
static void trap_if(Code *k) {
  open_if(k);
  op(k, MELD_OP_Unreachable);
  op(k, MELD_OP_End);
}
/* (value & (align - 1)) with `value` already pushed. */
static void misalign(Code *k) {
  opx(k, MELD_OP_LocalGet, ALIGN);
  i32c(k, 1);
  op(k, MELD_OP_I32Sub);
  op(k, MELD_OP_I32And);
}
/* align_up(top, align): cannot wrap, every address is below 65535 pages. */
static void align_top(Code *k, uint32_t top) {
  opx(k, MELD_OP_GlobalGet, top);
  opx(k, MELD_OP_LocalGet, ALIGN);
  op(k, MELD_OP_I32Add);
  i32c(k, 1);
  op(k, MELD_OP_I32Sub);
  i32c(k, 0);
  opx(k, MELD_OP_LocalGet, ALIGN);
  op(k, MELD_OP_I32Sub);
  op(k, MELD_OP_I32And);
}
/* local + new_size > end, in i64 so that nothing wraps. */
static void beyond_end(Code *k, uint32_t local, uint32_t end) {
  opx(k, MELD_OP_LocalGet, local);
  op(k, MELD_OP_I64ExtendI32U);
  opx(k, MELD_OP_LocalGet, NEW_SIZE);
  op(k, MELD_OP_I64ExtendI32U);
  op(k, MELD_OP_I64Add);
  op(k, MELD_OP_I64Const)->i64 = end;
  op(k, MELD_OP_I64GtU);
}

static uint32_t add_realloc(MeldUnit *u, uint32_t mem, const Arena *a) {
  MeldModule *m = u->module;
  static const MeldValType params[4] = {MELD_I32, MELD_I32, MELD_I32, MELD_I32};
  static const MeldValType result[1] = {MELD_I32};
  uint32_t type = meld_module_intern_type(m, &u->arena, params, 4, result, 1);
  if (type == MELD_NONE) return MELD_NONE;
  Code k = {meld_arena_calloc(&u->arena, 128, sizeof *k.c), 0, 128};
  MeldLocalGroup *lg = meld_arena_calloc(&u->arena, 1, sizeof *lg);
  MeldFunc *f = MELD_PUSH(&u->arena, m->funcs, m->nfuncs, m->capfuncs);
  if (!k.c || !lg || !f) return MELD_NONE;

  /* align must be a power of two, at most 65536 (the arena's base is page-aligned). */
  opx(&k, MELD_OP_LocalGet, ALIGN);
  op(&k, MELD_OP_I32Eqz);
  opx(&k, MELD_OP_LocalGet, ALIGN);
  misalign(&k);
  op(&k, MELD_OP_I32Or);
  opx(&k, MELD_OP_LocalGet, ALIGN);
  i32c(&k, AR_MAX_ALIGN);
  op(&k, MELD_OP_I32GtU);
  op(&k, MELD_OP_I32Or);
  trap_if(&k);

  /* The last block grows or shrinks in place when it is aligned and still fits.  `last` is 0
   * until the first block, which is why old != 0 is tested. */
  opx(&k, MELD_OP_LocalGet, OLD);
  opx(&k, MELD_OP_GlobalGet, a->last);
  op(&k, MELD_OP_I32Eq);
  opx(&k, MELD_OP_LocalGet, OLD);
  i32c(&k, 0);
  op(&k, MELD_OP_I32Ne);
  op(&k, MELD_OP_I32And);
  opx(&k, MELD_OP_LocalGet, OLD);
  misalign(&k);
  op(&k, MELD_OP_I32Eqz);
  op(&k, MELD_OP_I32And);
  open_if(&k);
  beyond_end(&k, OLD, a->end);
  op(&k, MELD_OP_I32Eqz);
  open_if(&k);
  opx(&k, MELD_OP_LocalGet, OLD);
  opx(&k, MELD_OP_LocalGet, NEW_SIZE);
  op(&k, MELD_OP_I32Add);
  opx(&k, MELD_OP_GlobalSet, a->top);
  opx(&k, MELD_OP_LocalGet, OLD);
  op(&k, MELD_OP_Return);
  op(&k, MELD_OP_End);
  op(&k, MELD_OP_End);

  /* Zero bytes: an aligned pointer within the memory, nothing allocated. */
  opx(&k, MELD_OP_LocalGet, NEW_SIZE);
  op(&k, MELD_OP_I32Eqz);
  open_if(&k);
  align_top(&k, a->top);
  op(&k, MELD_OP_Return);
  op(&k, MELD_OP_End);

  /* A new block, or a trap when the arena is exhausted. */
  align_top(&k, a->top);
  opx(&k, MELD_OP_LocalSet, P);
  beyond_end(&k, P, a->end);
  trap_if(&k);
  opx(&k, MELD_OP_LocalGet, OLD);
  open_if(&k);
  opx(&k, MELD_OP_LocalGet, P);
  opx(&k, MELD_OP_LocalGet, OLD);
  opx(&k, MELD_OP_LocalGet, OLD_SIZE);
  opx(&k, MELD_OP_LocalGet, NEW_SIZE);
  opx(&k, MELD_OP_LocalGet, OLD_SIZE);
  opx(&k, MELD_OP_LocalGet, NEW_SIZE);
  op(&k, MELD_OP_I32LtU);
  op(&k, MELD_OP_Select); /* min(old_size, new_size) */
  MeldInstr *copy = op(&k, MELD_OP_MemoryCopy);
  copy->x = mem;
  copy->y = mem;
  op(&k, MELD_OP_End);
  opx(&k, MELD_OP_LocalGet, P);
  opx(&k, MELD_OP_GlobalSet, a->last);
  opx(&k, MELD_OP_LocalGet, P);
  opx(&k, MELD_OP_LocalGet, NEW_SIZE);
  op(&k, MELD_OP_I32Add);
  opx(&k, MELD_OP_GlobalSet, a->top);
  opx(&k, MELD_OP_LocalGet, P);
  op(&k, MELD_OP_End);

  *lg = (MeldLocalGroup){1, MELD_I32};
  memset(f, 0, sizeof *f);
  f->type = type;
  f->import = MELD_NONE;
  f->origin = m->memories[mem].origin;
  f->codeoffset = MELD_NO_OFFSET;
  f->at = MELD_NO_OFFSET;
  f->localgroups = lg;
  f->nlocalgroups = 1;
  f->nlocals = 1;
  f->instrs = k.c;
  f->ninstrs = k.n;
  f->capinstrs = k.cap;
  f->decoded = true;
  uint32_t idx = m->nfuncs - 1;
  char name[48];
  snprintf(name, sizeof name, "arena-realloc.realloc.%u", mem);
  add_name(u, &m->names.funcs, idx, name);
  return idx;
}

/* The outer options and the host-facing exports of memory k's realloc now name the arena.  The
 * exports' names go to `names` for --explain. */
static void redirect(MeldUnit *u, uint32_t k, const Arena *a, MeldBuf *names) {
  MeldFusion *F = u->fusion;
  MeldModule *m = u->module;
  for (uint32_t i = 0; i < F->nexports; i++)
    if (F->exports[i].lift.memory == k && F->exports[i].lift.realloc == a->realloc)
      F->exports[i].lift.realloc = a->func;
  for (uint32_t i = 0; i < F->nimports; i++)
    if (F->imports[i].lower.memory == k && F->imports[i].lower.realloc == a->realloc)
      F->imports[i].lower.realloc = a->func;
  for (uint32_t i = 0; i < m->nexports; i++) {
    MeldExport *e = &m->exports[i];
    if (e->kind != MELD_EXTERN_FUNC || e->index != a->realloc) continue;
    bool program = false;
    for (uint32_t j = 0; j < F->nexports && !program; j++)
      program = meld_str_eq(F->exports[j].name, e->name);
    if (program) continue;
    e->index = a->func;
    meld_buf_cstr(names, names->len ? ", \"" : "\"");
    meld_buf_bytes(names, e->name.ptr, e->name.len);
    meld_buf_byte(names, '"');
  }
}

bool meld_pass_arena_realloc(MeldUnit *u, const MeldPassParams *params) {
  static const char *const known[] = {"bytes", NULL};
  if (!meld_params_check(u, "arena-realloc", params, known)) return false;
  MeldModule *m = u->module;
  if (!u->fusion) {
    meld_error(u->ctx, m->file, MELD_NO_OFFSET,
               "arena-realloc: needs a fused program (run 'resolve' first): only the fusion "
               "record says which realloc the host calls");
    return false;
  }
  MeldArena scratch;
  meld_arena_init(&scratch, u->ctx->alloc, 4096);
  MeldBuf names;
  meld_buf_init(&names, u->ctx->alloc);
  bool ok = false;
  Arena *a = m->nmemories ? meld_arena_calloc(&scratch, m->nmemories, sizeof *a) : NULL;
  if (m->nmemories && !a) goto oom;
  for (uint32_t k = 0; k < m->nmemories; k++) a[k].bytes = AR_DEFAULT_BYTES;
  if (!outer_memories(u, a) || !read_params(u, params, a)) goto done;
  bool any = false;
  for (uint32_t k = 0; k < m->nmemories; k++) {
    if (!a[k].used) continue;
    if (!check_memory(u, k, &a[k])) goto done;
    any = true;
  }
  if (!any) {
    /* bytes=N with nothing to apply it to is no error: the same pipeline fits every program. */
    ok = meld_fusion_note(u->ctx, &u->arena, u->fusion,
                          "arena-realloc: the host calls no realloc: nothing to replace");
    goto done;
  }

  for (uint32_t k = 0; k < m->nmemories; k++) {
    if (!a[k].used) continue;
    MeldLimits *l = &m->memories[k].limits;
    a[k].base = l->min * PAGE;
    a[k].end = a[k].base + a[k].bytes;
    a[k].pages = (a[k].bytes + PAGE - 1) / PAGE;
    a[k].top = add_global(u, k, a[k].base, "top");
    a[k].last = a[k].top == MELD_NONE ? MELD_NONE : add_global(u, k, 0, "last");
    if (a[k].last == MELD_NONE) goto oom;
    a[k].func = add_realloc(u, k, &a[k]);
    if (a[k].func == MELD_NONE) goto oom;
    l->min = l->max = l->min + a[k].pages;
    names.len = 0;
    redirect(u, k, &a[k], &names);
    if (names.oom) goto oom;
    char inst[128];
    instance_name(u, &m->memories[k], inst, sizeof inst);
    if (!meld_fusion_note(u->ctx, &u->arena, u->fusion,
                          "arena-realloc: memory %u (%s): %.*s%s replaced by a %u-byte arena at "
                          "0x%x (%u page%s added, %s); the original stays for internal callers "
                          "(dce removes it if there are none)",
                          k, inst, (int)names.len, names.len ? (const char *)names.data : "",
                          names.len ? "" : "the outer boundary's realloc (not exported)",
                          a[k].bytes, a[k].base, a[k].pages, a[k].pages == 1 ? "" : "s",
                          a[k].param ? "size from the bytes parameter" : "default size"))
      goto done;
  }
  ok = true;
  goto done;
oom:
  meld_error(u->ctx, m->file, MELD_NO_OFFSET, "out of memory in arena-realloc");
done:
  meld_buf_free(&names);
  meld_arena_free(&scratch);
  return ok;
}
