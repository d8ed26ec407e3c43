/*
 * rebase: place every memory of a multi-memory module as a window inside one memory.
 *
 * What it does: gives each memory a window [base, base + size) in one memory whose size is the
 * sum of the windows (each base aligned, 64 KiB by default), then rewrites every access so the
 * program sees the same bytes: loads, stores, SIMD lane accesses and atomics add the base to
 * their static memarg offset; memory.copy, memory.fill and memory.init add it to their dynamic
 * address operands; active data segments move; memory.size becomes the window's page count and
 * memory.grow n becomes "n == 0 ? size : -1", which is what wasm answers for a memory at its
 * maximum.  Pointer values are never touched: inside a window, addresses stay window-relative,
 * so pointers stored in memory and computed ones stay right with no relocation metadata.
 *
 * Why: one memory is what hosts without multi-memory, native firmware and a re-wrapped component
 * expect; it also lets later passes treat memory as one address space.
 *
 * Needs: a core module whose cross-component calls are adapted (the adapters' memory accesses
 * are rewritten like any other).  Every memory must be static (min == max): a memory that can
 * still grow would overrun the next window, so it is refused with a message naming grow-to-bump.
 * Imported memories, memories mixing shared and unshared, and active data segments whose offset
 * is not a constant are refused too.  Pointers crossing the outer boundary (remaining imports and
 * root exports whose Canonical ABI signature carries pointers, or exported memories of a plain
 * module) are window-relative: the first window that has them is placed at base 0 so the host
 * reads them unchanged; in a fused module the pointers of every other such window are
 * translated at the boundary by wrappers that follow the functions' types (OuterTranslate.c).
 * A plain module with several exported memories has no types to follow: refused.
 *
 * Guarantees afterwards: one memory (index 0, min = max = total pages); every memory index in
 * the module and in the fusion record is 0; a `meldc.layout` custom section and --explain lines
 * record the windows.  In-window accesses behave exactly as before.  An access that leaves its
 * window trapped before and now reaches the neighbour, unless the `checks` parameter inserts a
 * bounds check (plain wasm) before every access; with it, behaviour is identical, traps
 * included.  See docs/rebase.md.
 */
#include "Passes/BodyRewrite.h"
#include "Passes/OuterTranslate.h"
#include "Passes/PassRegistry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 65536u

typedef struct Window {
  uint32_t memory; /* index before rebase */
  uint64_t base;   /* bytes */
  uint32_t pages;
  bool outer;      /* pointers of the outer boundary point into it */
} Window;

typedef struct Rebase {
  MeldUnit *u;
  MeldModule *m;
  MeldArena *scratch;
  Window *win; /* by original memory index */
  bool checks;
  MeldRewrite w; /* the body being rewritten */
} Rebase;

static uint32_t temp(Rebase *r, char c, int pos) {
  return meld_rewrite_temp(&r->w, c, pos);
}

static MeldInstr *emit(Rebase *r, MeldOpcode op) {
  return meld_rewrite_emit(&r->w, op);
}

static void emit_x(Rebase *r, MeldOpcode op, uint32_t x) {
  meld_rewrite_emit_x(&r->w, op, x);
}

static void emit_i32(Rebase *r, uint32_t v) {
  MeldInstr *in = emit(r, MELD_OP_I32Const);
  if (in) in->i32 = (int32_t)v;
}

static void emit_i64(Rebase *r, uint64_t v) {
  MeldInstr *in = emit(r, MELD_OP_I64Const);
  if (in) in->i64 = (int64_t)v;
}

/* Traps unless local `addr` (i32) + `extra` (+ local `len`, i32, when not MELD_NONE) stays
 * within `limit` bytes.  Computed in i64, so nothing wraps. */
static void emit_check(Rebase *r, uint32_t addr, uint32_t len, uint64_t extra, uint64_t limit) {
  emit_x(r, MELD_OP_LocalGet, addr);
  emit(r, MELD_OP_I64ExtendI32U);
  if (len != MELD_NONE) {
    emit_x(r, MELD_OP_LocalGet, len);
    emit(r, MELD_OP_I64ExtendI32U);
    emit(r, MELD_OP_I64Add);
  }
  if (extra) {
    emit_i64(r, extra);
    emit(r, MELD_OP_I64Add);
  }
  emit_i64(r, limit);
  emit(r, MELD_OP_I64GtU);
  MeldInstr *in = emit(r, MELD_OP_If);
  if (in) in->btkind = MELD_BT_EMPTY;
  /* The trap the original gives, out of bounds: a 4-byte load at 0xffffffff, beyond any 32-bit
   * memory (not `unreachable`, whose trap a runtime reports differently). */
  emit_i32(r, UINT32_MAX);
  MeldInstr *ld = emit(r, MELD_OP_I32Load);
  if (ld) ld->align = 2;
  emit(r, MELD_OP_Drop);
  emit(r, MELD_OP_End);
}

static void emit_add_base(Rebase *r, uint64_t base) {
  if (!base) return;
  emit_i32(r, (uint32_t)base);
  emit(r, MELD_OP_I32Add);
}

static uint64_t win_bytes(const Window *w) {
  return (uint64_t)w->pages * PAGE;
}

/* Rewrites one memory instruction into the new body. */
static bool rewrite_instr(Rebase *r, const MeldInstr *in, uint32_t fidx) {
  const MeldOpInfo *info = &meld_op_info[in->op];
  switch (info->imm) {
  case MELD_IMM_MEMARG:
  case MELD_IMM_MEMARG_LANE: {
    const Window *w = &r->win[in->x];
    if (in->offset + w->base > UINT32_MAX) {
      meld_error(r->u->ctx, r->m->file, MELD_NO_OFFSET,
                 "rebase: function %u: %s offset %llu plus the window base 0x%llx of memory %u "
                 "does not fit in 32 bits",
                 fidx, info->text, (unsigned long long)in->offset, (unsigned long long)w->base,
                 in->x);
      return false;
    }
    if (r->checks) {
      /* Operands are popped into temps (the address is the first), checked, pushed back. */
      const char *sig = info->sig;
      int np = 0;
      while (sig[np] && sig[np] != ':') np++;
      for (int k = np - 1; k >= 1; k--) emit_x(r, MELD_OP_LocalSet, temp(r, sig[k], k));
      uint32_t a = temp(r, 'i', 0);
      emit_x(r, MELD_OP_LocalSet, a);
      emit_check(r, a, MELD_NONE, in->offset + info->width, win_bytes(w));
      emit_x(r, MELD_OP_LocalGet, a);
      for (int k = 1; k < np; k++) emit_x(r, MELD_OP_LocalGet, temp(r, sig[k], k));
    }
    MeldInstr *o = emit(r, (MeldOpcode)in->op);
    if (!o) return false;
    *o = *in;
    o->x = 0;
    o->offset = in->offset + w->base;
    return true;
  }
  default: break;
  }
  switch ((MeldOpcode)in->op) {
  case MELD_OP_MemorySize: emit_i32(r, r->win[in->x].pages); return true;
  case MELD_OP_MemoryGrow: {
    /* A static memory is at its maximum: growing by 0 answers the size, anything else fails. */
    emit(r, MELD_OP_I32Eqz);
    MeldInstr *i = emit(r, MELD_OP_If);
    if (i) {
      i->btkind = MELD_BT_VALTYPE;
      i->x = MELD_I32;
    }
    emit_i32(r, r->win[in->x].pages);
    emit(r, MELD_OP_Else);
    emit_i32(r, UINT32_MAX);
    emit(r, MELD_OP_End);
    return true;
  }
  case MELD_OP_MemoryFill:
  case MELD_OP_MemoryInit:
  case MELD_OP_MemoryCopy: {
    /* Operands (d, s|v, n); d (and s for copy) are addresses. */
    uint32_t dmem = in->op == MELD_OP_MemoryInit ? in->y : in->x;
    const Window *dw = &r->win[dmem];
    const Window *sw = in->op == MELD_OP_MemoryCopy ? &r->win[in->y] : NULL;
    if (!r->checks && !dw->base && (!sw || !sw->base)) break;
    uint32_t n = temp(r, 'i', 2), s = temp(r, 'i', 1);
    emit_x(r, MELD_OP_LocalSet, n);
    emit_x(r, MELD_OP_LocalSet, s);
    if (r->checks) {
      uint32_t d = temp(r, 'i', 0);
      emit_x(r, MELD_OP_LocalSet, d);
      emit_check(r, d, n, 0, win_bytes(dw));
      if (sw) emit_check(r, s, n, 0, win_bytes(sw));
      emit_x(r, MELD_OP_LocalGet, d);
    }
    emit_add_base(r, dw->base);
    emit_x(r, MELD_OP_LocalGet, s);
    if (sw) emit_add_base(r, sw->base);
    emit_x(r, MELD_OP_LocalGet, n);
    break;
  }
  default: break;
  }
  MeldInstr *o = emit(r, (MeldOpcode)in->op);
  if (!o) return false;
  *o = *in;
  if (in->op == MELD_OP_MemoryInit) o->y = 0;
  else if (in->op == MELD_OP_MemoryCopy) o->x = o->y = 0;
  else o->x = 0;
  return true;
}

static bool touches_memory(const MeldInstr *in) {
  switch (meld_op_info[in->op].imm) {
  case MELD_IMM_MEMARG:
  case MELD_IMM_MEMARG_LANE:
  case MELD_IMM_MEMORY:
  case MELD_IMM_MEMORY_MEMORY:
  case MELD_IMM_DATA_MEMORY: return true;
  default: return false;
  }
}

static bool rewrite_func(Rebase *r, uint32_t fidx) {
  MeldModule *m = r->m;
  MeldFunc *f = &m->funcs[fidx];
  MeldInstrIter it;
  meld_iter_begin(&it, r->u->ctx, m, f);
  MeldInstr in;
  uint64_t off;
  int st = 1;
  bool any = false;
  while (!any && (st = meld_iter_next(&it, &in, &off)) > 0) any = touches_memory(&in);
  meld_iter_end(&it);
  if (st < 0) return false; /* malformed, reported */
  if (!any) return true;
  if (!meld_func_decode(r->u->ctx, m, f, &r->u->arena)) return false;

  meld_rewrite_begin(&r->w, r->scratch, m, f);
  bool ok = true;
  for (uint32_t i = 0; i < f->ninstrs && ok; i++) {
    const MeldInstr *src = &f->instrs[i];
    if (touches_memory(src)) ok = rewrite_instr(r, src, fidx);
    else meld_rewrite_copy(&r->w, src);
  }
  if (!ok && !r->w.oom) { /* reported */
    meld_arena_release(r->scratch, r->w.mark);
    return false;
  }
  return meld_rewrite_finish(&r->w, r->u, fidx, "rebase"); /* reports running out of memory */
}

/* "memory N", followed by the instance it came from when the module was fused. */
static void describe(const MeldUnit *u, uint32_t mem, MeldBuf *out) {
  meld_buf_printf(out, "memory %u", mem);
  uint32_t origin = u->module->memories[mem].origin;
  if (u->fusion && origin != MELD_NONE && origin < u->fusion->ninstances) {
    MeldStr p = u->fusion->instances[origin].path;
    meld_buf_printf(out, " (%.*s)", (int)p.len, p.ptr);
  }
}

/* Marks the windows pointers of the outer boundary point into; with several, a plain module is
 * refused (a fused one has its pointers translated). */
static bool find_outer(Rebase *r, MeldBuf *msg) {
  MeldUnit *u = r->u;
  MeldModule *m = r->m;
  uint32_t nouter = 0;
#define OUTER(mem)                                                                                 \
  do {                                                                                             \
    if ((mem) < m->nmemories && !r->win[mem].outer) {                                              \
      r->win[mem].outer = true;                                                                    \
      nouter++;                                                                                    \
    }                                                                                              \
  } while (0)
  if (u->fusion) {
    const MeldFusion *fu = u->fusion;
    for (uint32_t i = 0; i < fu->nexports; i++)
      if (meld_rebase_outer_pointers(fu->exports[i].sig, MELD_CONTEXT_LIFT))
        OUTER(fu->exports[i].lift.memory);
    for (uint32_t i = 0; i < fu->nimports; i++)
      if (meld_rebase_outer_pointers(fu->imports[i].sig, MELD_CONTEXT_LOWER))
        OUTER(fu->imports[i].lower.memory);
  } else {
    for (uint32_t i = 0; i < m->nexports; i++)
      if (m->exports[i].kind == MELD_EXTERN_MEMORY) OUTER(m->exports[i].index);
  }
#undef OUTER
  if (nouter <= 1 || u->fusion) return true;
  meld_buf_cstr(msg, "rebase: pointers cross the outer boundary into more than one memory (");
  bool first = true;
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == MELD_EXTERN_MEMORY) {
      meld_buf_printf(msg, "%sexported memory '%.*s' is memory %u", first ? "" : ", ",
                      (int)m->exports[i].name.len, m->exports[i].name.ptr, m->exports[i].index);
      first = false;
    }
  meld_buf_cstr(msg, "); only one window can sit at base 0, and a module that was not fused "
                     "has no function types to translate the others' pointers by");
  return false;
}

static bool parse_align(Rebase *r, const MeldPassParams *params, uint64_t *align) {
  *align = PAGE;
  const MeldPassParam *p = meld_param_get(params, "align");
  if (!p) return true;
  uint32_t v32 = 0;
  bool ok = p->has_value && meld_param_u32(p->value, &v32);
  uint64_t v = v32;
  if (!ok || v < PAGE || (v & (v - 1)) || v > (1ull << 31)) {
    meld_error(r->u->ctx, NULL, MELD_NO_OFFSET,
               "rebase: align must be a power of two from 65536 to 2147483648, not '%.*s'",
               (int)p->value.len, p->value.ptr);
    return false;
  }
  *align = v;
  return true;
}

static bool add_layout(Rebase *r, const uint32_t *order, uint32_t n, uint32_t total) {
  MeldUnit *u = r->u;
  MeldModule *m = r->m;
  MeldBuf b;
  meld_buf_init(&b, u->ctx->alloc);
  meld_buf_printf(&b, "{\"version\": 1, \"memory\": 0, \"pages\": %u, \"windows\": [", total);
  for (uint32_t k = 0; k < n; k++) {
    const Window *w = &r->win[order[k]];
    uint32_t origin = m->memories[w->memory].origin;
    meld_buf_printf(&b, "%s\n  {\"instance\": ", k ? "," : "");
    if (u->fusion && origin != MELD_NONE && origin < u->fusion->ninstances) {
      MeldStr p = u->fusion->instances[origin].path;
      meld_buf_byte(&b, '"');
      for (uint32_t i = 0; i < p.len; i++) {
        char c = p.ptr[i];
        if (c == '"' || c == '\\') meld_buf_byte(&b, '\\');
        if ((unsigned char)c < 0x20) meld_buf_printf(&b, "\\u%04x", c);
        else meld_buf_byte(&b, (uint8_t)c);
      }
      meld_buf_byte(&b, '"');
    } else {
      meld_buf_cstr(&b, "null");
    }
    meld_buf_printf(&b, ", \"memory\": %u, \"base\": %llu, \"size\": %llu}", w->memory,
                    (unsigned long long)w->base, (unsigned long long)win_bytes(w));
  }
  meld_buf_cstr(&b, "\n]}\n");
  bool ok = !b.oom;
  uint8_t *data = ok ? meld_arena_memdup(&u->arena, b.data, b.len) : NULL;
  uint32_t size = (uint32_t)b.len;
  meld_buf_free(&b);
  if (!data) return false;
  /* A module rebased before keeps only the newest layout. */
  uint32_t out = 0;
  for (uint32_t i = 0; i < m->ncustoms; i++)
    if (!meld_str_eq_cstr(m->customs[i].name, "meldc.layout")) m->customs[out++] = m->customs[i];
  m->ncustoms = out;
  MeldCustom *c = MELD_PUSH(&u->arena, m->customs, m->ncustoms, m->capcustoms);
  if (!c) return false;
  memset(c, 0, sizeof *c);
  c->name = meld_str("meldc.layout");
  c->data = data;
  c->size = size;
  c->place = MELD_RANK_DATA;
  c->offset = MELD_NO_OFFSET;
  return true;
}

bool meld_pass_rebase(MeldUnit *u, const MeldPassParams *params) {
  static const char *const known[] = {"checks", "align", NULL};
  if (!meld_params_check(u, "rebase", params, known)) return false;
  MeldModule *m = u->module;
  if (m->nmemories <= 1) return true; /* already one address space */

  MeldArena scratch;
  meld_arena_init(&scratch, u->ctx->alloc, 64 * 1024);
  MeldBuf msg;
  meld_buf_init(&msg, u->ctx->alloc);
  Rebase r;
  memset(&r, 0, sizeof r);
  r.u = u;
  r.m = m;
  r.scratch = &scratch;
  r.checks = meld_param_flag(params, "checks");
  bool ok = false;
  uint64_t align;
  if (!parse_align(&r, params, &align)) goto fail;

  for (uint32_t i = 0; i < m->nmemories; i++) {
    const MeldMemory *mem = &m->memories[i];
    msg.len = 0;
    describe(u, i, &msg);
    if (mem->import != MELD_NONE) {
      meld_error(u->ctx, m->file, MELD_NO_OFFSET,
                 "rebase: %.*s is imported: an imported memory cannot become a window",
                 (int)msg.len, (const char *)msg.data);
      goto fail;
    }
    if (!mem->limits.has_max || mem->limits.max != mem->limits.min) {
      char maxtext[16] = "none";
      if (mem->limits.has_max) snprintf(maxtext, sizeof maxtext, "%u", mem->limits.max);
      meld_error(u->ctx, m->file, MELD_NO_OFFSET,
                 "rebase: %.*s can still grow (min %u, max %s): run grow-to-bump first",
                 (int)msg.len, (const char *)msg.data, mem->limits.min, maxtext);
      goto fail;
    }
    if (mem->limits.shared != m->memories[0].limits.shared) {
      meld_error(u->ctx, m->file, MELD_NO_OFFSET,
                 "rebase: memories 0 and %u differ in being shared: they cannot share one memory",
                 i);
      goto fail;
    }
  }

  r.win = meld_arena_calloc(&scratch, m->nmemories, sizeof *r.win);
  uint32_t *order = meld_arena_alloc(&scratch, (size_t)m->nmemories * sizeof *order);
  if (!r.win || !order) goto oom;
  for (uint32_t i = 0; i < m->nmemories; i++) {
    r.win[i].memory = i;
    r.win[i].pages = m->memories[i].limits.min;
  }
  msg.len = 0;
  if (!find_outer(&r, &msg)) {
    if (!msg.oom)
      meld_error(u->ctx, m->file, MELD_NO_OFFSET, "%.*s", (int)msg.len, (const char *)msg.data);
    goto fail;
  }

  /* Layout: the outer window (if any) first, then the others in index order. */
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->nmemories; i++)
    if (r.win[i].outer) order[n++] = i;
  for (uint32_t i = 0; i < m->nmemories; i++)
    if (!r.win[i].outer) order[n++] = i;
  uint64_t at = 0;
  for (uint32_t k = 0; k < n; k++) {
    Window *w = &r.win[order[k]];
    at = (at + align - 1) & ~(align - 1);
    w->base = at;
    at += win_bytes(w);
  }
  if (at > (uint64_t)PAGE * 65536u) {
    meld_error(u->ctx, m->file, MELD_NO_OFFSET,
               "rebase: the windows need %llu bytes, more than the 4 GiB of a 32-bit memory",
               (unsigned long long)at);
    goto fail;
  }
  uint32_t total = (uint32_t)((at + PAGE - 1) / PAGE);

  /* Pointers of the outer boundary into windows not at base 0 are translated there. */
  uint32_t ntranslated = 0;
  {
    uint64_t *base = meld_arena_alloc(&scratch, (size_t)m->nmemories * sizeof *base);
    if (!base) goto oom;
    for (uint32_t i = 0; i < m->nmemories; i++) base[i] = r.win[i].base;
    if (!meld_rebase_translate_outer(u, base, &scratch, &ntranslated)) goto fail;
  }

  /* Data segments move with their window. */
  for (uint32_t i = 0; i < m->ndatas; i++) {
    MeldData *d = &m->datas[i];
    if (d->mode != MELD_SEG_ACTIVE) continue;
    const Window *w = &r.win[d->memory];
    MeldExpr *e = &d->offset;
    if (!(e->ninstrs == 2 && e->instrs[0].op == MELD_OP_I32Const &&
          e->instrs[1].op == MELD_OP_End)) {
      meld_error(u->ctx, m->file, d->at,
                 "rebase: data segment %u: only a constant (i32.const) offset can be moved into "
                 "its window",
                 i);
      goto fail;
    }
    uint64_t off = (uint32_t)e->instrs[0].i32;
    if (off + d->size > win_bytes(w)) {
      /* It traps at instantiation; moved, it would write into the next window instead. */
      meld_error(u->ctx, m->file, d->at,
                 "rebase: data segment %u (offset %llu, %u bytes) does not fit in memory %u (%u "
                 "pages): instantiation would trap",
                 i, (unsigned long long)off, d->size, d->memory, w->pages);
      goto fail;
    }
    MeldInstr *ins = meld_arena_memdup(&u->arena, e->instrs, 2 * sizeof *ins);
    if (!ins) goto oom;
    ins[0].i32 = (int32_t)(uint32_t)(off + w->base);
    e->instrs = ins;
  }

  for (uint32_t i = m->nimportfuncs; i < m->nfuncs; i++)
    if (!rewrite_func(&r, i)) goto fail;

  /* Every memory reference (segments, exports, the fusion record, names) becomes 0. */
  {
    uint32_t *zero = meld_arena_calloc(&scratch, m->nmemories, sizeof *zero);
    if (!zero) goto oom;
    const uint32_t *maps[MELD_NUM_SPACES] = {0};
    maps[MELD_SPACE_MEMORY] = zero;
    /* The one memory keeps the name of the window at base 0. */
    MeldNameMap *nm = &m->names.memories;
    uint32_t named = MELD_NONE;
    for (uint32_t i = 0; i < nm->nitems && named == MELD_NONE; i++)
      if (nm->items[i].index == order[0]) named = i;
    if (named != MELD_NONE) nm->items[0] = nm->items[named];
    nm->nitems = named != MELD_NONE ? 1 : 0;
    if (!meld_module_remap(u->ctx, m, &u->arena, maps)) goto fail;
    if (nm->nitems) nm->items[0].index = 0;
  }
  if (u->fusion) {
    for (uint32_t i = 0; i < u->fusion->ninstances; i++)
      if (u->fusion->instances[i].memory != MELD_NONE) u->fusion->instances[i].memory = 0;
    if (ntranslated &&
        !meld_fusion_note(u->ctx, &u->arena, u->fusion,
                          "rebase: the pointers of %u host function%s are translated (windows "
                          "not at base 0)",
                          ntranslated, ntranslated == 1 ? "" : "s"))
      goto fail;
    for (uint32_t k = 0; k < n; k++) {
      const Window *w = &r.win[order[k]];
      msg.len = 0;
      describe(u, w->memory, &msg);
      if (!meld_fusion_note(u->ctx, &u->arena, u->fusion,
                            "rebase: %.*s at 0x%llx, %u pages%s", (int)msg.len,
                            (const char *)msg.data, (unsigned long long)w->base,
                            w->pages,
                            !w->outer ? "" : w->base ? " (outer boundary, translated)"
                                                     : " (outer boundary)"))
        goto fail;
    }
  }

  MeldMemory one = m->memories[order[0]];
  one.limits.min = one.limits.max = total;
  one.limits.has_max = true;
  one.at = MELD_NO_OFFSET;
  m->memories[0] = one;
  m->nmemories = 1;

  if (!add_layout(&r, order, n, total)) goto oom;
  ok = true;
  goto done;
oom:
  meld_error(u->ctx, m->file, MELD_NO_OFFSET, "out of memory in rebase");
fail:
  ok = false;
done:
  meld_buf_free(&msg);
  meld_arena_free(&scratch);
  return ok;
}
