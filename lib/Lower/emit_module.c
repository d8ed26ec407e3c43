/*
 * Module-level lowering: what exists before and around the function bodies.
 *
 *   memories   one static, external [bytes x i8] array each, section ".bss.P_memory<i>"
 *              (NOBITS, placeable by a linker script), sized to the static size, or to the
 *              declared maximum when memory.grow can grow it (then a page counter
 *              P_memory<i>_pages holds the current size).  A memory that grows without a
 *              maximum is refused: run grow-to-bump first.
 *   globals    internal variables, with a static initializer when the init expression is a
 *              constant, else set by P_init; imported globals are external variables.
 *   tables     internal arrays (entries as described in LowerInternal.h) with a size variable.
 *   segments   data bytes as private constants (.rodata); element segments as constant arrays
 *              of references; a live-length variable per segment that memory.init/table.init
 *              read and data.drop/elem.drop zero.
 *   functions  internal functions; imports call their C symbol; exports get C wrappers.
 *   P_init     the instantiation: global initializers, active element then data segments in
 *              order (bounds-checked, trapping like instantiation does), then the start function.
 *   P_trap     weak default: llvm.trap.
 * Internal names contain a '.', so they never collide with a C symbol.
 */
#include "Lower/LowerInternal.h"

#if MELDC_HAVE_LLVM

#include <stdio.h>
#include <string.h>

/* Largest memory capacity meldc makes a static array for (2 GiB: 32-bit address arithmetic
 * stays exact). */
#define MAX_MEMORY_PAGES 32768u
/* Largest table capacity, in entries. */
#define MAX_TABLE_ENTRIES (1u << 20)

static const char *c_symbol(LowerCtx *L, const char *pre, MeldStr name) {
  MeldBuf b;
  meld_buf_init(&b, L->ctx->alloc);
  meld_buf_cstr(&b, L->opt->prefix);
  meld_buf_cstr(&b, pre);
  meld_lower_sanitise(&b, name);
  meld_buf_byte(&b, 0);
  const char *s = b.oom ? NULL : meld_arena_memdup(&L->arena, b.data, b.len);
  meld_buf_free(&b);
  return s;
}

/* The C symbol of an import: from the import map, else P_import_<module>_<field>. */
static const char *import_symbol(LowerCtx *L, const MeldImport *imp) {
  for (uint32_t i = 0; i < L->opt->nimport_map; i++) {
    const MeldImportMapEntry *e = &L->opt->import_map[i];
    if (meld_str_eq(e->module, imp->module) && meld_str_eq(e->field, imp->name))
      return lower_name(L, "%.*s", (int)e->symbol.len, e->symbol.ptr);
  }
  MeldBuf b;
  meld_buf_init(&b, L->ctx->alloc);
  meld_buf_cstr(&b, L->opt->prefix);
  meld_buf_cstr(&b, "_import_");
  meld_lower_sanitise(&b, imp->module);
  meld_buf_byte(&b, '_');
  meld_lower_sanitise(&b, imp->name);
  meld_buf_byte(&b, 0);
  const char *s = b.oom ? NULL : meld_arena_memdup(&L->arena, b.data, b.len);
  meld_buf_free(&b);
  return s;
}

static const char *import_what(LowerCtx *L, const MeldImport *imp) {
  return lower_name(L, "the import \"%.*s\" \"%.*s\"", (int)imp->module.len, imp->module.ptr,
                    (int)imp->name.len, imp->name.ptr);
}

static const char *export_what(LowerCtx *L, const MeldExport *ex) {
  return lower_name(L, "the export \"%.*s\"", (int)ex->name.len, ex->name.ptr);
}

/* ---- the scan: what the bodies use ---- */

static bool scan_bodies(LowerCtx *L) {
  const MeldModule *m = L->m;
  L->mem_grows = meld_arena_calloc(&L->arena, m->nmemories + 1, sizeof *L->mem_grows);
  L->table_grows = meld_arena_calloc(&L->arena, m->ntables + 1, sizeof *L->table_grows);
  if (!L->mem_grows || !L->table_grows) return false;
  for (uint32_t f = m->nimportfuncs; f < m->nfuncs; f++) {
    const MeldFunc *fn = &m->funcs[f];
    char label[160];
    for (uint32_t g = 0; g < fn->nlocalgroups; g++)
      if (fn->localgroups[g].type == MELD_V128) {
        lower_func_label(L, f, label, sizeof label);
        return lower_fail(L, fn->at, "%s: v128 locals (SIMD) are not supported by the backend",
                          label);
      }
    MeldInstrIter it;
    meld_iter_begin(&it, L->ctx, m, fn);
    MeldInstr in;
    uint64_t off;
    int r;
    bool ok = true;
    while ((r = meld_iter_next(&it, &in, &off)) > 0) {
      const MeldOpInfo *info = &meld_op_info[in.op];
      if (info->prefix == 0xFD || info->prefix == 0xFE) {
        lower_func_label(L, f, label, sizeof label);
        ok = lower_fail(L, off, "%s: %s instruction '%s' is not supported by the backend", label,
                        info->prefix == 0xFD ? "SIMD" : "threads (atomic)", info->text);
        break;
      }
      if (in.op == MELD_OP_SelectT && in.x == MELD_V128) {
        lower_func_label(L, f, label, sizeof label);
        ok = lower_fail(L, off, "%s: SIMD (v128) 'select' is not supported by the backend",
                        label);
        break;
      }
      if (in.op == MELD_OP_MemoryGrow && in.x < m->nmemories) L->mem_grows[in.x] = true;
      if (in.op == MELD_OP_TableGrow && in.x < m->ntables) L->table_grows[in.x] = true;
    }
    meld_iter_end(&it);
    if (!ok) return false;
    if (r < 0) return false;
  }
  return true;
}

/* ---- types ---- */

static bool has_v128(const MeldValType *t, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (t[i] == MELD_V128) return true;
  return false;
}

static bool same_type(const MeldFuncType *a, const MeldFuncType *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         memcmp(a->params, b->params, a->nparams) == 0 &&
         memcmp(a->results, b->results, a->nresults) == 0;
}

static LLVMTypeRef result_type(LowerCtx *L, const MeldFuncType *ft) {
  if (ft->nresults == 0) return L->t_void;
  if (ft->nresults == 1) return lower_valtype(L, ft->results[0]);
  LLVMTypeRef *tys = meld_arena_alloc(&L->arena, ft->nresults * sizeof *tys);
  if (!tys) return NULL;
  for (uint32_t i = 0; i < ft->nresults; i++) tys[i] = lower_valtype(L, ft->results[i]);
  return LLVMStructTypeInContext(L->llctx, tys, ft->nresults, false);
}

static bool declare_types(LowerCtx *L) {
  const MeldModule *m = L->m;
  L->fn_types = meld_arena_calloc(&L->arena, m->ntypes + 1, sizeof *L->fn_types);
  L->type_ids = meld_arena_calloc(&L->arena, m->ntypes + 1, sizeof *L->type_ids);
  if (!L->fn_types || !L->type_ids) return false;
  for (uint32_t t = 0; t < m->ntypes; t++) {
    const MeldFuncType *ft = &m->types[t];
    L->type_ids[t] = t + 1;
    for (uint32_t u = 0; u < t; u++)
      if (same_type(&m->types[u], ft)) {
        L->type_ids[t] = L->type_ids[u];
        break;
      }
    if (has_v128(ft->params, ft->nparams) || has_v128(ft->results, ft->nresults)) continue;
    LLVMTypeRef *ps = meld_arena_alloc(&L->arena, (ft->nparams + 1) * sizeof *ps);
    LLVMTypeRef rt = result_type(L, ft);
    if (!ps || !rt) return false;
    for (uint32_t i = 0; i < ft->nparams; i++) ps[i] = lower_valtype(L, ft->params[i]);
    L->fn_types[t] = LLVMFunctionType(rt, ps, ft->nparams, false);
  }
  return true;
}

/* The C-ABI function type of an import or export: results beyond one become out pointers. */
static LLVMTypeRef c_fn_type(LowerCtx *L, const MeldFuncType *ft) {
  uint32_t n = ft->nparams + (ft->nresults > 1 ? ft->nresults : 0);
  LLVMTypeRef *ps = meld_arena_alloc(&L->arena, (n + 1) * sizeof *ps);
  if (!ps) return NULL;
  for (uint32_t i = 0; i < ft->nparams; i++) ps[i] = lower_valtype(L, ft->params[i]);
  for (uint32_t i = ft->nparams; i < n; i++) ps[i] = L->t_ptr;
  LLVMTypeRef rt = ft->nresults == 1 ? lower_valtype(L, ft->results[0]) : L->t_void;
  return LLVMFunctionType(rt, ps, n, false);
}

/* ---- functions ---- */

/* Does an earlier import with the same module and field have this kind and (LLVM) type?  Such
 * imports share one C symbol. */
static bool same_import(LowerCtx *L, const MeldImport *imp, uint8_t kind, LLVMTypeRef ty) {
  const MeldModule *m = L->m;
  for (const MeldImport *p = m->imports; p < imp; p++) {
    if (!meld_str_eq(p->module, imp->module) || !meld_str_eq(p->name, imp->name)) continue;
    if (p->kind != kind) return false;
    if (kind == MELD_EXTERN_FUNC) return L->fn_types[m->funcs[p->index].type] &&
                                         c_fn_type(L, &m->types[m->funcs[p->index].type]) == ty;
    const MeldGlobal *g = &m->globals[p->index];
    return lower_valtype(L, g->type) == ty && g->mut == m->globals[imp->index].mut;
  }
  return false;
}

static void set_common_attrs(LowerCtx *L, LLVMValueRef fn) {
  lower_add_fn_attr(L, fn, "nounwind");
  /* Only memcpy and memset may be called (docs/lowering.md): no memmove, memcmp or bcmp made
   * from loops or compare chains. */
  lower_add_fn_string_attr(L, fn, "no-builtin-memmove", "");
  lower_add_fn_string_attr(L, fn, "no-builtin-memcmp", "");
  lower_add_fn_string_attr(L, fn, "no-builtin-bcmp", "");
  if (L->opt->opt_level == 's' || L->opt->opt_level == 'z') lower_add_fn_attr(L, fn, "optsize");
  if (L->opt->opt_level == 'z') lower_add_fn_attr(L, fn, "minsize");
}

/* An imported function's internal function: calls the C symbol. */
static bool define_import_thunk(LowerCtx *L, uint32_t f) {
  const MeldModule *m = L->m;
  const MeldImport *imp = &m->imports[m->funcs[f].import];
  const MeldFuncType *ft = &m->types[m->funcs[f].type];
  const char *sym = import_symbol(L, imp);
  const char *what = import_what(L, imp);
  if (!sym || !what) return false;
  LLVMTypeRef cty = c_fn_type(L, ft);
  if (!cty) return false;
  LLVMValueRef ext = LLVMGetNamedFunction(L->mod, sym);
  if (ext && !same_import(L, imp, MELD_EXTERN_FUNC, cty))
    return lower_fail(L, imp->at, "C symbol '%s' of %s is already used by another import of a "
                                  "different type or kind", sym, what);
  if (!ext) {
    if (!lower_claim_symbol(L, sym, what, imp->at)) return false;
    ext = LLVMAddFunction(L->mod, sym, cty);
  }
  LLVMValueRef fn = L->funcs[f];
  LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(L->llctx, fn, "entry");
  LLVMPositionBuilderAtEnd(L->b, bb);
  uint32_t n = ft->nparams + (ft->nresults > 1 ? ft->nresults : 0);
  LLVMValueRef *args = meld_arena_alloc(&L->arena, (n + 1) * sizeof *args);
  LLVMValueRef *slots = meld_arena_alloc(&L->arena, (ft->nresults + 1) * sizeof *slots);
  if (!args || !slots) return false;
  for (uint32_t i = 0; i < ft->nparams; i++) args[i] = LLVMGetParam(fn, i);
  if (ft->nresults > 1)
    for (uint32_t i = 0; i < ft->nresults; i++) {
      slots[i] = LLVMBuildAlloca(L->b, lower_valtype(L, ft->results[i]), "out");
      args[ft->nparams + i] = slots[i];
    }
  LLVMValueRef r = LLVMBuildCall2(L->b, cty, ext, args, n, "");
  if (ft->nresults == 0) {
    LLVMBuildRetVoid(L->b);
  } else if (ft->nresults == 1) {
    LLVMBuildRet(L->b, r);
  } else {
    LLVMValueRef agg = LLVMGetUndef(LLVMGetReturnType(L->fn_types[m->funcs[f].type]));
    for (uint32_t i = 0; i < ft->nresults; i++) {
      LLVMValueRef v = LLVMBuildLoad2(L->b, lower_valtype(L, ft->results[i]), slots[i], "");
      agg = LLVMBuildInsertValue(L->b, agg, v, i, "");
    }
    LLVMBuildRet(L->b, agg);
  }
  return true;
}

static bool declare_functions(LowerCtx *L) {
  const MeldModule *m = L->m;
  L->funcs = meld_arena_calloc(&L->arena, m->nfuncs + 1, sizeof *L->funcs);
  L->descs = meld_arena_calloc(&L->arena, m->nfuncs + 1, sizeof *L->descs);
  if (!L->funcs || !L->descs) return false;
  for (uint32_t f = 0; f < m->nfuncs; f++) {
    uint32_t t = m->funcs[f].type;
    if (!L->fn_types[t]) {
      char label[160];
      lower_func_label(L, f, label, sizeof label);
      return lower_fail(L, m->funcs[f].at, "%s: v128 (SIMD) parameters or results are not "
                                           "supported by the backend", label);
    }
    const char *name = lower_name(L, "f.%u", f);
    if (!name) return false;
    LLVMValueRef fn = LLVMAddFunction(L->mod, name, L->fn_types[t]);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    set_common_attrs(L, fn);
    L->funcs[f] = fn;
  }
  for (uint32_t f = 0; f < m->nimportfuncs; f++)
    if (!define_import_thunk(L, f)) return false;
  return true;
}

LLVMValueRef lower_func_desc(LowerCtx *L, uint32_t f) {
  if (L->descs[f]) return L->descs[f];
  const char *name = lower_name(L, "desc.%u", f);
  if (!name) return NULL;
  LLVMValueRef g = LLVMAddGlobal(L->mod, L->t_desc, name);
  LLVMValueRef fields[2] = {lower_i32(L, L->type_ids[L->m->funcs[f].type]), L->funcs[f]};
  LLVMSetInitializer(g, LLVMConstNamedStruct(L->t_desc, fields, 2));
  LLVMSetGlobalConstant(g, true);
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  L->descs[f] = g;
  return g;
}

/* ---- constant expressions ---- */

/* The value of a constant expression if it needs no run time (NULL otherwise). */
static LLVMValueRef static_const(LowerCtx *L, const MeldExpr *e, MeldValType t) {
  if (e->ninstrs == 0) return NULL;
  const MeldInstr *in = &e->instrs[0];
  switch (in->op) {
  case MELD_OP_I32Const: return LLVMConstInt(L->t_i32, (uint32_t)in->i32, false);
  case MELD_OP_I64Const: return LLVMConstInt(L->t_i64, (uint64_t)in->i64, false);
  case MELD_OP_F32Const:
    return LLVMConstBitCast(LLVMConstInt(L->t_i32, in->f32, false), L->t_f32);
  case MELD_OP_F64Const:
    return LLVMConstBitCast(LLVMConstInt(L->t_i64, in->f64, false), L->t_f64);
  case MELD_OP_RefNull: return LLVMConstNull(L->t_ptr);
  case MELD_OP_RefFunc: return lower_func_desc(L, in->x);
  default: (void)t; return NULL;
  }
}

LLVMValueRef lower_const_expr(LowerCtx *L, const MeldExpr *e, MeldValType t) {
  LLVMValueRef v = static_const(L, e, t);
  if (v) return v;
  if (e->ninstrs && e->instrs[0].op == MELD_OP_GlobalGet) {
    uint32_t g = e->instrs[0].x;
    return LLVMBuildLoad2(L->b, lower_valtype(L, L->m->globals[g].type), L->globals[g], "");
  }
  lower_fail(L, e->at, "unsupported constant expression (opcode '%s')",
             e->ninstrs ? meld_op_info[e->instrs[0].op].text : "none");
  return NULL;
}

/* ---- memories, globals, tables, segments ---- */

static bool declare_memories(LowerCtx *L) {
  const MeldModule *m = L->m;
  L->mems = meld_arena_calloc(&L->arena, m->nmemories + 1, sizeof *L->mems);
  if (!L->mems) return false;
  for (uint32_t i = 0; i < m->nmemories; i++) {
    const MeldMemory *mem = &m->memories[i];
    LMemory *lm = &L->mems[i];
    if (i < m->nimportmemories) {
      const MeldImport *imp = &m->imports[mem->import];
      return lower_fail(L, imp->at,
                        "imported memory \"%.*s\" \"%.*s\" is not supported by the backend (the "
                        "object defines its memories; fuse the module that defines it, or make "
                        "the memory the module's own)",
                        (int)imp->module.len, imp->module.ptr, (int)imp->name.len, imp->name.ptr);
    }
    if (mem->limits.shared)
      return lower_fail(L, mem->at, "memory %u is shared (threads): not supported by the backend",
                        i);
    lm->min_pages = mem->limits.min;
    bool grows = L->mem_grows[i] && !(mem->limits.has_max && mem->limits.max == mem->limits.min);
    if (grows && !mem->limits.has_max)
      return lower_fail(L, mem->at,
                        "memory %u can grow (memory.grow) and has no maximum: a static array "
                        "needs a bound; run the 'grow-to-bump' pass first "
                        "(-passes=grow-to-bump<heap-pages=N>, or --mcu)",
                        i);
    lm->max_pages = grows ? mem->limits.max : mem->limits.min;
    if (lm->max_pages > MAX_MEMORY_PAGES)
      return lower_fail(L, mem->at,
                        "memory %u needs %u pages (%llu bytes) as a static array, more than the "
                        "backend's limit of %u pages (2 GiB); give it a smaller maximum "
                        "(grow-to-bump<heap-pages=N>)",
                        i, lm->max_pages, (unsigned long long)lm->max_pages * 65536u,
                        MAX_MEMORY_PAGES);
    lm->bytes = (uint64_t)lm->max_pages * 65536u;
    const char *sym = lower_name(L, "%s_memory%u", L->opt->prefix, i);
    const char *sect = lower_name(L, ".bss.%s_memory%u", L->opt->prefix, i);
    if (!sym || !sect || !lower_claim_symbol(L, sym, lower_name(L, "memory %u", i), mem->at))
      return false;
    LLVMTypeRef aty = LLVMArrayType2(L->t_i8, lm->bytes);
    lm->array = LLVMAddGlobal(L->mod, aty, sym);
    LLVMSetInitializer(lm->array, LLVMConstNull(aty));
    LLVMSetSection(lm->array, sect);
    LLVMSetAlignment(lm->array, 16);
    if (grows) {
      const char *psym = lower_name(L, "%s_memory%u_pages", L->opt->prefix, i);
      if (!psym || !lower_claim_symbol(L, psym, lower_name(L, "memory %u's page count", i),
                                       mem->at))
        return false;
      lm->pages = LLVMAddGlobal(L->mod, L->t_i32, psym);
      LLVMSetInitializer(lm->pages, lower_i32(L, lm->min_pages));
    }
  }
  return true;
}

static bool declare_globals(LowerCtx *L) {
  const MeldModule *m = L->m;
  L->globals = meld_arena_calloc(&L->arena, m->nglobals + 1, sizeof *L->globals);
  if (!L->globals) return false;
  for (uint32_t i = 0; i < m->nglobals; i++) {
    const MeldGlobal *g = &m->globals[i];
    if (g->type == MELD_V128)
      return lower_fail(L, g->at, "global %u has type v128 (SIMD): not supported by the backend",
                        i);
    LLVMTypeRef ty = lower_valtype(L, g->type);
    if (i < m->nimportglobals) {
      const MeldImport *imp = &m->imports[g->import];
      const char *sym = import_symbol(L, imp);
      if (!sym) return false;
      LLVMValueRef prev = LLVMGetNamedGlobal(L->mod, sym);
      if (prev && !same_import(L, imp, MELD_EXTERN_GLOBAL, ty))
        return lower_fail(L, imp->at, "C symbol '%s' of %s is already used by another import of "
                                      "a different type or kind", sym, import_what(L, imp));
      if (!prev && !lower_claim_symbol(L, sym, import_what(L, imp), imp->at)) return false;
      L->globals[i] = prev ? prev : LLVMAddGlobal(L->mod, ty, sym);
      continue;
    }
    const char *name = lower_name(L, "g.%u", i);
    if (!name) return false;
    LLVMValueRef v = LLVMAddGlobal(L->mod, ty, name);
    LLVMSetLinkage(v, LLVMInternalLinkage);
    LLVMValueRef init = static_const(L, &g->init, g->type);
    LLVMSetInitializer(v, init ? init : LLVMConstNull(ty));
    bool exported = false;
    for (uint32_t e = 0; e < m->nexports; e++)
      if (m->exports[e].kind == MELD_EXTERN_GLOBAL && m->exports[e].index == i) exported = true;
    if (init && !g->mut && !exported) LLVMSetGlobalConstant(v, true);
    L->globals[i] = v;
  }
  return true;
}

static bool declare_tables(LowerCtx *L) {
  const MeldModule *m = L->m;
  L->tables = meld_arena_calloc(&L->arena, m->ntables + 1, sizeof *L->tables);
  if (!L->tables) return false;
  for (uint32_t i = 0; i < m->ntables; i++) {
    const MeldTable *t = &m->tables[i];
    LTable *lt = &L->tables[i];
    if (i < m->nimporttables) {
      const MeldImport *imp = &m->imports[t->import];
      return lower_fail(L, imp->at,
                        "imported table \"%.*s\" \"%.*s\" is not supported by the backend (the "
                        "object defines its tables)",
                        (int)imp->module.len, imp->module.ptr, (int)imp->name.len, imp->name.ptr);
    }
    uint64_t cap = t->limits.min;
    if (L->table_grows[i]) {
      uint64_t room = t->limits.has_max ? (uint64_t)t->limits.max - t->limits.min : UINT64_MAX;
      cap += room < L->opt->table_reserve ? room : L->opt->table_reserve;
    }
    if (cap > MAX_TABLE_ENTRIES)
      return lower_fail(L, t->at, "table %u needs %llu entries, more than the backend's limit of "
                                  "%u", i, (unsigned long long)cap, MAX_TABLE_ENTRIES);
    lt->cap = (uint32_t)cap;
    lt->funcref = t->elem == MELD_FUNCREF;
    LLVMTypeRef aty = LLVMArrayType2(lt->funcref ? L->t_entry : L->t_ptr, cap);
    lt->array = LLVMAddGlobal(L->mod, aty, lower_name(L, "table.%u", i));
    LLVMSetInitializer(lt->array, LLVMConstNull(aty));
    LLVMSetLinkage(lt->array, LLVMInternalLinkage);
    lt->size = LLVMAddGlobal(L->mod, L->t_i32, lower_name(L, "table.%u.size", i));
    LLVMSetInitializer(lt->size, lower_i32(L, t->limits.min));
    LLVMSetLinkage(lt->size, LLVMInternalLinkage);
    if (!L->table_grows[i]) LLVMSetGlobalConstant(lt->size, true);
  }
  return true;
}

static bool declare_segments(LowerCtx *L) {
  const MeldModule *m = L->m;
  L->data_bytes = meld_arena_calloc(&L->arena, m->ndatas + 1, sizeof *L->data_bytes);
  L->data_len = meld_arena_calloc(&L->arena, m->ndatas + 1, sizeof *L->data_len);
  L->elem_refs = meld_arena_calloc(&L->arena, m->nelems + 1, sizeof *L->elem_refs);
  L->elem_len = meld_arena_calloc(&L->arena, m->nelems + 1, sizeof *L->elem_len);
  if (!L->data_bytes || !L->data_len || !L->elem_refs || !L->elem_len) return false;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const MeldData *d = &m->datas[i];
    if (d->size == 0) continue;
    LLVMValueRef c = LLVMConstStringInContext(L->llctx, (const char *)d->bytes, d->size, true);
    LLVMValueRef g = LLVMAddGlobal(L->mod, LLVMTypeOf(c), lower_name(L, "data.%u", i));
    LLVMSetInitializer(g, c);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    LLVMSetAlignment(g, 1);
    L->data_bytes[i] = g;
  }
  return true;
}

LLVMValueRef lower_data_len(LowerCtx *L, uint32_t seg) {
  if (L->data_len[seg]) return L->data_len[seg];
  const MeldData *d = &L->m->datas[seg];
  LLVMValueRef g = LLVMAddGlobal(L->mod, L->t_i32, lower_name(L, "data.%u.len", seg));
  /* Active segments are dropped by instantiation. */
  LLVMSetInitializer(g, lower_i32(L, d->mode == MELD_SEG_PASSIVE ? d->size : 0));
  LLVMSetLinkage(g, LLVMInternalLinkage);
  L->data_len[seg] = g;
  return g;
}

LLVMValueRef lower_elem_len(LowerCtx *L, uint32_t seg) {
  if (L->elem_len[seg]) return L->elem_len[seg];
  const MeldElem *e = &L->m->elems[seg];
  LLVMValueRef g = LLVMAddGlobal(L->mod, L->t_i32, lower_name(L, "elem.%u.len", seg));
  LLVMSetInitializer(g, lower_i32(L, e->mode == MELD_SEG_PASSIVE ? e->ninit : 0));
  LLVMSetLinkage(g, LLVMInternalLinkage);
  L->elem_len[seg] = g;
  return g;
}

/* The segment's references as an array of `ptr` (descriptors or null).  Entries given by
 * global.get are filled in by P_init, so the array is a variable only then. */
LLVMValueRef lower_elem_refs(LowerCtx *L, uint32_t seg) {
  if (L->elem_refs[seg]) return L->elem_refs[seg];
  const MeldElem *e = &L->m->elems[seg];
  LLVMValueRef *vals = meld_arena_alloc(&L->arena, (e->ninit + 1) * sizeof *vals);
  if (!vals) return NULL;
  bool dynamic = false;
  for (uint32_t i = 0; i < e->ninit; i++) {
    if (e->funcs) {
      vals[i] = lower_func_desc(L, e->funcs[i]);
    } else {
      vals[i] = static_const(L, &e->exprs[i], e->type);
      if (!vals[i]) {
        vals[i] = LLVMConstNull(L->t_ptr);
        dynamic = true;
      }
    }
  }
  LLVMTypeRef aty = LLVMArrayType2(L->t_ptr, e->ninit);
  LLVMValueRef g = LLVMAddGlobal(L->mod, aty, lower_name(L, "elem.%u", seg));
  LLVMSetInitializer(g, LLVMConstArray2(L->t_ptr, vals, e->ninit));
  LLVMSetLinkage(g, LLVMPrivateLinkage);
  if (!dynamic) LLVMSetGlobalConstant(g, true);
  L->elem_refs[seg] = g;
  return g;
}

/* ---- the trap hook and the stack limit ---- */

static bool declare_runtime(LowerCtx *L) {
  const char *sym = lower_name(L, "%s_trap", L->opt->prefix);
  if (!sym || !lower_claim_symbol(L, sym, "the trap hook", MELD_NO_OFFSET)) return false;
  LLVMTypeRef arg = L->t_i32;
  LLVMTypeRef ty = LLVMFunctionType(L->t_void, &arg, 1, false);
  LLVMValueRef fn = LLVMAddFunction(L->mod, sym, ty);
  LLVMSetLinkage(fn, LLVMWeakAnyLinkage);
  lower_add_fn_attr(L, fn, "noreturn");
  lower_add_fn_attr(L, fn, "cold");
  lower_add_fn_attr(L, fn, "nounwind");
  LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(L->llctx, fn, "entry");
  LLVMPositionBuilderAtEnd(L->b, bb);
  lower_call_intrinsic(L, "llvm.trap", NULL, 0, NULL, 0);
  LLVMBuildUnreachable(L->b);
  L->trap_fn = fn;
  if (L->opt->stack_check) {
    const char *lim = lower_name(L, "%s_stack_limit", L->opt->prefix);
    if (!lim || !lower_claim_symbol(L, lim, "the stack limit", MELD_NO_OFFSET)) return false;
    L->stack_limit = LLVMAddGlobal(L->mod, L->t_ptr, lim);
    LLVMSetInitializer(L->stack_limit, LLVMConstNull(L->t_ptr));
  }
  return true;
}

bool lower_declare_module(LowerCtx *L) {
  /* functions first: constant expressions (ref.func) need their descriptors */
  return scan_bodies(L) && declare_types(L) && declare_runtime(L) && declare_functions(L) &&
         declare_memories(L) && declare_globals(L) && declare_tables(L) && declare_segments(L);
}

/* ---- after the bodies: P_init and the exports ---- */

static LLVMValueRef const_offset(LowerCtx *L, const MeldExpr *e) {
  return lower_const_expr(L, e, MELD_I32);
}

static bool build_init(LowerCtx *L) {
  const MeldModule *m = L->m;
  const char *sym = lower_name(L, "%s_init", L->opt->prefix);
  if (!sym || !lower_claim_symbol(L, sym, "the init function", MELD_NO_OFFSET)) return false;
  LLVMValueRef fn = LLVMAddFunction(L->mod, sym, LLVMFunctionType(L->t_void, NULL, 0, false));
  set_common_attrs(L, fn);
  L->init_fn = fn;
  L->fn = fn;
  memset(L->trap_bbs, 0, sizeof L->trap_bbs);
  LLVMPositionBuilderAtEnd(L->b, LLVMAppendBasicBlockInContext(L->llctx, fn, "entry"));
  for (uint32_t i = m->nimportglobals; i < m->nglobals; i++) {
    const MeldGlobal *g = &m->globals[i];
    if (static_const(L, &g->init, g->type)) continue;
    LLVMValueRef v = lower_const_expr(L, &g->init, g->type);
    if (!v) return false;
    LLVMBuildStore(L->b, v, L->globals[i]);
  }
  for (uint32_t s = 0; s < m->nelems; s++) {
    const MeldElem *e = &m->elems[s];
    /* Entries that need run time (global.get) go into the segment's array first. */
    if (e->exprs) {
      LLVMValueRef refs = NULL;
      for (uint32_t i = 0; i < e->ninit; i++) {
        if (static_const(L, &e->exprs[i], e->type)) continue;
        if (!refs) refs = lower_elem_refs(L, s);
        LLVMValueRef v = lower_const_expr(L, &e->exprs[i], e->type);
        if (!refs || !v) return false;
        LLVMValueRef idx[2] = {lower_i32(L, 0), lower_i32(L, i)};
        LLVMBuildStore(L->b, v, LLVMBuildGEP2(L->b, LLVMGlobalGetValueType(refs), refs, idx, 2, ""));
      }
    }
    if (e->mode != MELD_SEG_ACTIVE) continue;
    LLVMValueRef d = const_offset(L, &e->offset);
    if (!d) return false;
    LTable *t = &L->tables[e->table];
    LLVMValueRef size = LLVMBuildLoad2(L->b, L->t_i32, t->size, "");
    LLVMValueRef end = LLVMBuildAdd(L->b, LLVMBuildZExt(L->b, d, L->t_i64, ""),
                                    lower_i64(L, e->ninit), "");
    lower_trap_if(L, LLVMBuildICmp(L->b, LLVMIntUGT, end,
                                   LLVMBuildZExt(L->b, size, L->t_i64, ""), ""),
                  MELD_TRAP_TABLE_OUT_OF_BOUNDS);
    if (e->ninit) lower_table_write_segment(L, e->table, d, s, lower_i32(L, 0), lower_i32(L, e->ninit));
  }
  for (uint32_t s = 0; s < m->ndatas; s++) {
    const MeldData *d = &m->datas[s];
    if (d->mode != MELD_SEG_ACTIVE) continue;
    LLVMValueRef off = const_offset(L, &d->offset);
    if (!off) return false;
    LLVMValueRef end = LLVMBuildAdd(L->b, LLVMBuildZExt(L->b, off, L->t_i64, ""),
                                    lower_i64(L, d->size), "");
    lower_trap_if(L, LLVMBuildICmp(L->b, LLVMIntUGT, end, lower_memory_bytes64(L, d->memory), ""),
                  MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
    if (d->size == 0) continue;
    LLVMValueRef dst = LLVMBuildGEP2(L->b, L->t_i8, L->mems[d->memory].array,
                                     (LLVMValueRef[]){LLVMBuildZExt(L->b, off, L->t_i64, "")}, 1,
                                     "");
    LLVMBuildMemCpy(L->b, dst, 1, L->data_bytes[s], 1, lower_i32(L, d->size));
  }
  if (m->start != MELD_NONE)
    LLVMBuildCall2(L->b, L->fn_types[m->funcs[m->start].type], L->funcs[m->start], NULL, 0, "");
  LLVMBuildRetVoid(L->b);
  return true;
}

/* Is `sym` one of the object's own symbols (P_init, P_trap, P_stack_limit, P_memory<i>,
 * P_memory<i>_pages) that is already given out? */
static bool runtime_symbol_taken(LowerCtx *L, const char *sym) {
  size_t pl = strlen(L->opt->prefix);
  if (strncmp(sym, L->opt->prefix, pl) != 0 || sym[pl] != '_') return false;
  const char *rest = sym + pl + 1;
  bool runtime = !strcmp(rest, "init") || !strcmp(rest, "trap") || !strcmp(rest, "stack_limit");
  if (!runtime && !strncmp(rest, "memory", 6)) {
    const char *d = rest + 6;
    while (*d >= '0' && *d <= '9') d++;
    runtime = d > rest + 6 && (!*d || !strcmp(d, "_pages"));
  }
  if (!runtime) return false;
  MeldStr name = meld_str(sym);
  for (uint32_t i = 0; i < L->nsymbols; i++)
    if (meld_str_eq(L->symbols[i].name, name)) return true;
  return false;
}

/* An export's C symbol: P_<name>, or P_export_<name> when that is one of the object's own
 * (an export named "init" gives P_export_init, next to P_init). */
static const char *export_symbol(LowerCtx *L, const MeldExport *ex) {
  const char *sym = c_symbol(L, "_", ex->name);
  if (sym && runtime_symbol_taken(L, sym)) sym = c_symbol(L, "_export_", ex->name);
  return sym;
}

static bool build_export_wrapper(LowerCtx *L, uint32_t index, const MeldExport *ex) {
  const MeldModule *m = L->m;
  uint32_t t = m->funcs[ex->index].type;
  const MeldFuncType *ft = &m->types[t];
  const char *sym = export_symbol(L, ex);
  L->export_syms[index] = sym;
  if (!sym || !lower_claim_symbol(L, sym, export_what(L, ex), ex->at)) return false;
  LLVMTypeRef cty = c_fn_type(L, ft);
  if (!cty) return false;
  LLVMValueRef fn = LLVMAddFunction(L->mod, sym, cty);
  set_common_attrs(L, fn);
  LLVMPositionBuilderAtEnd(L->b, LLVMAppendBasicBlockInContext(L->llctx, fn, "entry"));
  LLVMValueRef *args = meld_arena_alloc(&L->arena, (ft->nparams + 1) * sizeof *args);
  if (!args) return false;
  for (uint32_t i = 0; i < ft->nparams; i++) args[i] = LLVMGetParam(fn, i);
  LLVMValueRef r = LLVMBuildCall2(L->b, L->fn_types[t], L->funcs[ex->index], args, ft->nparams, "");
  if (ft->nresults == 0) {
    LLVMBuildRetVoid(L->b);
  } else if (ft->nresults == 1) {
    LLVMBuildRet(L->b, r);
  } else {
    for (uint32_t i = 0; i < ft->nresults; i++)
      LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, r, i, ""),
                     LLVMGetParam(fn, ft->nparams + i));
    LLVMBuildRetVoid(L->b);
  }
  return true;
}

static bool build_exports(LowerCtx *L) {
  const MeldModule *m = L->m;
  L->export_syms = meld_arena_calloc(&L->arena, (size_t)m->nexports + 1, sizeof *L->export_syms);
  if (!L->export_syms) return lower_fail(L, MELD_NO_OFFSET, "out of memory");
  for (uint32_t i = 0; i < m->nexports; i++) {
    const MeldExport *ex = &m->exports[i];
    if (ex->kind == MELD_EXTERN_FUNC) {
      if (!build_export_wrapper(L, i, ex)) return false;
      continue;
    }
    if (ex->kind == MELD_EXTERN_TABLE) continue; /* tables stay inside (lowering.md) */
    LLVMValueRef target;
    if (ex->kind == MELD_EXTERN_MEMORY) {
      target = L->mems[ex->index].array;
      /* A memory exported under its own symbol's name (P_memory0) is that symbol. */
      const char *own = c_symbol(L, "_", ex->name);
      if (!own) return false;
      if (strcmp(own, LLVMGetValueName(target)) == 0) {
        L->export_syms[i] = own;
        continue;
      }
    } else {
      if (ex->index < m->nimportglobals) {
        /* already an external variable: the header #defines the export's name to it */
        L->export_syms[i] = export_symbol(L, ex);
        if (!L->export_syms[i]) return false;
        continue;
      }
      target = L->globals[ex->index];
    }
    const char *sym = export_symbol(L, ex);
    L->export_syms[i] = sym;
    if (!sym) return false;
    if (!lower_claim_symbol(L, sym, export_what(L, ex), ex->at)) return false;
    LLVMValueRef a = LLVMAddAlias2(L->mod, LLVMGlobalGetValueType(target), 0, target, sym);
    LLVMSetLinkage(a, LLVMExternalLinkage);
  }
  return true;
}

bool lower_finish_module(LowerCtx *L) {
  return build_init(L) && build_exports(L);
}

#endif /* MELDC_HAVE_LLVM */
