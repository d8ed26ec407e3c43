/*
 * drop-realloc: keep only the Canonical ABI exports the outer boundary still needs.
 *
 * What it does: a fused module exports, beside the program's functions, what a host needs to
 * speak the Canonical ABI with it: memories, `cabi_realloc` functions, `cabi_post_*`
 * post-return functions (Resolve.c's export_abi_entities).  This pass decides again, from the
 * fusion record, which of them the remaining host exports and imports need
 * (meld_abi_host_needs): a realloc only where the host writes arguments (exports) or results
 * (imports) that hold strings or lists, a memory only where values go through memory, a
 * post-return unless its body is empty.  The canonical options that are not needed are cleared
 * in the fusion record (so --emit-abi and --emit=component no longer mention them) and every
 * ABI export nothing needs is removed; `dce` then removes the allocator behind it (realloc,
 * malloc, sbrk, memory.grow) when nothing live reaches it.  With --explain, one line per ABI
 * export says why it was kept or that it was removed.
 *
 * Why: each component carries its own allocator for the Canonical ABI's sake; once the
 * boundaries between components are adapters inside one module, an all-scalar outer boundary
 * needs none of them, and firmware should not carry them.
 *
 * Needs: a fused, adapted program (the fusion record).  Guarantees: the host interface is
 * unchanged for every function; only exports no host call can use disappear.
 */
#include "Passes/PassRegistry.h"

#include <string.h>

/* Is the body of function `f` empty (just `end`)?  Imports are not. */
static bool empty_body(MeldUnit *u, uint32_t f) {
  MeldModule *m = u->module;
  if (f >= m->nfuncs || m->funcs[f].import != MELD_NONE) return false;
  MeldInstrIter it;
  meld_iter_begin(&it, u->ctx, m, &m->funcs[f]);
  MeldInstr in;
  uint64_t off;
  uint32_t n = 0;
  bool only_end = true;
  while (meld_iter_next(&it, &in, &off) > 0) {
    n++;
    if (in.op != MELD_OP_End) only_end = false;
  }
  meld_iter_end(&it);
  return only_end && n == 1;
}

static void put_func(MeldBuf *b, MeldStr iface, MeldStr func) {
  if (iface.len) {
    meld_buf_bytes(b, iface.ptr, iface.len);
    meld_buf_byte(b, '#');
  }
  meld_buf_bytes(b, func.ptr, func.len);
}

/* Why an ABI export is needed: the first host function whose options use it. */
typedef struct Need {
  uint8_t kind;
  uint32_t index;
  const char *why; /* static text */
  MeldStr iface, func;
} Need;

typedef struct Needs {
  Need *items;
  uint32_t n, cap;
} Needs;

static bool need(MeldUnit *u, Needs *ns, uint8_t kind, uint32_t index, const char *why,
                 MeldStr iface, MeldStr func) {
  if (index == MELD_NONE) return true;
  for (uint32_t i = 0; i < ns->n; i++)
    if (ns->items[i].kind == kind && ns->items[i].index == index) return true;
  Need *slot = MELD_PUSH(&u->arena, ns->items, ns->n, ns->cap);
  if (!slot) {
    meld_error(u->ctx, NULL, MELD_NO_OFFSET, "drop-realloc: out of memory");
    return false;
  }
  *slot = (Need){kind, index, why, iface, func};
  return true;
}

static bool note(MeldUnit *u, const MeldExport *e, const Need *n) {
  MeldBuf b;
  meld_buf_init(&b, u->ctx->alloc);
  if (n) {
    meld_buf_cstr(&b, "kept export \"");
    meld_buf_bytes(&b, e->name.ptr, e->name.len);
    meld_buf_cstr(&b, "\": ");
    put_func(&b, n->iface, n->func);
    meld_buf_cstr(&b, n->why);
  } else {
    meld_buf_cstr(&b, "removed export \"");
    meld_buf_bytes(&b, e->name.ptr, e->name.len);
    meld_buf_cstr(&b, "\": nothing on the outer boundary needs it");
  }
  bool ok = !b.oom && meld_fusion_note(u->ctx, &u->arena, u->fusion, "drop-realloc: %.*s",
                                       (int)b.len, (const char *)b.data);
  if (b.oom) meld_error(u->ctx, NULL, MELD_NO_OFFSET, "drop-realloc: out of memory");
  meld_buf_free(&b);
  return ok;
}

bool meld_pass_drop_realloc(MeldUnit *u, const MeldPassParams *params) {
  static const char *const known[] = {NULL};
  if (!meld_params_check(u, "drop-realloc", params, known)) return false;
  MeldFusion *F = u->fusion;
  if (!F) {
    meld_error(u->ctx, NULL, MELD_NO_OFFSET,
               "drop-realloc: needs a fused program (run 'resolve' first): only the fusion "
               "record says which exports the Canonical ABI needs");
    return false;
  }
  MeldModule *m = u->module;
  Needs ns = {NULL, 0, 0};

  for (uint32_t i = 0; i < F->nexports; i++) {
    MeldHostExport *h = &F->exports[i];
    bool mem, alloc;
    meld_abi_host_needs(h->sig, MELD_CONTEXT_LIFT, &mem, &alloc);
    if (!mem) h->lift.memory = MELD_NONE;
    if (!alloc) h->lift.realloc = MELD_NONE;
    if (h->lift.post_return != MELD_NONE && empty_body(u, h->lift.post_return))
      h->lift.post_return = MELD_NONE;
    if (!need(u, &ns, MELD_EXTERN_MEMORY, h->lift.memory,
              ": its arguments or results go through this memory", h->interface, h->func) ||
        !need(u, &ns, MELD_EXTERN_FUNC, h->lift.realloc,
              ": the host writes its strings or lists into the callee's memory through this "
              "realloc",
              h->interface, h->func) ||
        !need(u, &ns, MELD_EXTERN_FUNC, h->lift.post_return,
              ": the host calls this post-return after each call (it has code)", h->interface,
              h->func))
      return false;
  }
  for (uint32_t i = 0; i < F->nimports; i++) {
    MeldHostImport *h = &F->imports[i];
    if (h->import == MELD_NONE) continue;
    bool mem, alloc;
    meld_abi_host_needs(h->sig, MELD_CONTEXT_LOWER, &mem, &alloc);
    if (!mem) h->lower.memory = MELD_NONE;
    if (!alloc) h->lower.realloc = MELD_NONE;
    if (!need(u, &ns, MELD_EXTERN_MEMORY, h->lower.memory,
              " (imported): its arguments or results go through this memory", h->interface,
              h->func) ||
        !need(u, &ns, MELD_EXTERN_FUNC, h->lower.realloc,
              " (imported): the host writes the strings or lists of its result into the "
              "caller's memory through this realloc",
              h->interface, h->func))
      return false;
  }

  /* Every export that is not one of the program's functions was made for the ABI. */
  uint32_t out = 0;
  for (uint32_t i = 0; i < m->nexports; i++) {
    MeldExport *e = &m->exports[i];
    bool program = false;
    for (uint32_t k = 0; k < F->nexports && !program; k++)
      program = e->kind == MELD_EXTERN_FUNC && meld_str_eq(F->exports[k].name, e->name);
    const Need *n = NULL;
    for (uint32_t k = 0; k < ns.n && !n; k++)
      if (ns.items[k].kind == e->kind && ns.items[k].index == e->index) n = &ns.items[k];
    if (!program && !note(u, e, n)) return false;
    if (program || n) m->exports[out++] = *e;
  }
  if (out == m->nexports && ns.n == 0 &&
      !meld_fusion_note(u->ctx, &u->arena, F,
                        "drop-realloc: the outer boundary is all scalar: no memory, realloc "
                        "or post-return is exported"))
    return false;
  m->nexports = out;
  return true;
}
