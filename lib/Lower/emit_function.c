/*
 * The body translator: one pass over a function's instructions with a compile-time value stack
 * of LLVM values (the wasm operand stack becomes SSA values) and a stack of control frames.
 *
 * Control: every block, loop, if and the function itself has an end block whose phis receive
 * the results of every branch to it and of the fall-through; a loop also has a header whose phis
 * receive its parameters (from the entry and from every branch back).  br_table branches through
 * one small block per distinct target, so that each target's phis see one edge per predecessor.
 * After br, br_table, return and unreachable the rest of the frame is dead: it is skipped (blocks
 * opened inside it are only counted) until the frame's else or end.  An end block nothing
 * reaches is deleted, and the code after it is dead too.
 *
 * Locals are allocas (LLVM's mem2reg makes them SSA at -O1 and above); within a block, local.get
 * reuses the value last stored or loaded, so addresses built from one local are one SSA value to
 * the bounds-check sharing (emit_memory.c).  Every back edge carries loop metadata (loop_metadata).  With stack checks on,
 * each function first compares the stack pointer with P_stack_limit (docs/lowering.md) and
 * carries "disable-tail-calls": wasm 2.0 has no tail calls, every call uses stack, and LLVM must
 * not turn a runaway recursion into a loop that never reaches the check.
 */
#include "Lower/LowerInternal.h"

#if MELDC_HAVE_LLVM

#include <llvm-c/DebugInfo.h>

#include <assert.h>
#include <string.h>

void lower_push(LowerCtx *L, LLVMValueRef v) {
  if (L->sp == L->capstack &&
      !meld_grow(&L->arena, &L->stack, &L->capstack, L->sp + 1, sizeof *L->stack)) {
    L->arena.oom = true;
    return;
  }
  L->stack[L->sp++] = v;
}

LLVMValueRef lower_pop(LowerCtx *L) {
  assert(L->sp > 0 && "operand stack underflow in a verified module");
  return L->stack[--L->sp];
}

/* The top n values of the stack (NULL when n is 0: the stack may never have been allocated,
 * and arithmetic on a null pointer is undefined even by 0). */
static LLVMValueRef *vals(LowerCtx *L, uint32_t n) {
  return n ? L->stack + L->sp - n : NULL;
}

static LLVMValueRef *make_phis(LowerCtx *L, LLVMBasicBlockRef bb, const MeldValType *types,
                               uint32_t n) {
  LLVMValueRef *phis = meld_arena_alloc(&L->arena, (n + 1) * sizeof *phis);
  if (!phis) return NULL;
  LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
  LLVMPositionBuilderAtEnd(L->b, bb);
  for (uint32_t i = 0; i < n; i++) phis[i] = LLVMBuildPhi(L->b, lower_valtype(L, types[i]), "");
  LLVMPositionBuilderAtEnd(L->b, here);
  return phis;
}

static void add_incoming(LLVMValueRef *phis, LLVMValueRef *vals, uint32_t n,
                         LLVMBasicBlockRef from) {
  for (uint32_t i = 0; i < n; i++) {
    LLVMValueRef v = vals[i];
    LLVMBasicBlockRef b = from;
    LLVMAddIncoming(phis[i], &v, &b, 1);
  }
}

static Frame *push_frame(LowerCtx *L, FrameKind kind, const MeldValType *params, uint32_t np,
                         const MeldValType *results, uint32_t nr) {
  Frame *f = MELD_PUSH(&L->arena, L->frames, L->nframes, L->capframes);
  if (!f) return NULL;
  memset(f, 0, sizeof *f);
  f->kind = (uint8_t)kind;
  f->params = params;
  f->nparams = np;
  f->results = results;
  f->nresults = nr;
  f->height = L->sp - np;
  f->end_bb = lower_block(L, kind == FRAME_FUNC ? "return" : "end");
  f->end_phis = make_phis(L, f->end_bb, results, nr);
  return f->end_phis ? f : NULL;
}

/* The block type of block/loop/if as parameter and result arrays. */
static bool block_type(LowerCtx *L, const MeldInstr *in, const MeldValType **params,
                       uint32_t *np, const MeldValType **results, uint32_t *nr) {
  *params = *results = NULL;
  *np = *nr = 0;
  if (in->btkind == MELD_BT_VALTYPE) {
    MeldValType *t = meld_arena_alloc(&L->arena, 1);
    if (!t) return false;
    *t = (MeldValType)in->x;
    *results = t;
    *nr = 1;
  } else if (in->btkind == MELD_BT_TYPEIDX) {
    const MeldFuncType *ft = &L->m->types[in->x];
    *params = ft->params;
    *np = ft->nparams;
    *results = ft->results;
    *nr = ft->nresults;
  }
  return true;
}

/* The loop metadata of every back edge: no runtime unrolling.  The module comes from a compiler
 * that has made its own unrolling choices (clang's wasm32 pipeline unrolls by a runtime count
 * already); unrolling its loops again by a runtime count multiplies their code and register
 * pressure for little, and on a microcontroller flash is scarce.  Loops with a known trip count
 * may still be unrolled. */
static LLVMValueRef loop_metadata(LowerCtx *L) {
  if (L->loop_md) return L->loop_md;
  static const char prop[] = "llvm.loop.unroll.runtime.disable";
  LLVMMetadataRef self = LLVMTemporaryMDNode(L->llctx, NULL, 0);
  LLVMMetadataRef ops[2] = {self, LLVMMDNodeInContext2(
                                      L->llctx,
                                      (LLVMMetadataRef[]){LLVMMDStringInContext2(
                                          L->llctx, prop, sizeof prop - 1)},
                                      1)};
  LLVMMetadataRef id = LLVMMDNodeInContext2(L->llctx, ops, 2);
  LLVMMetadataReplaceAllUsesWith(self, id); /* also frees the temporary */
  L->loop_md = LLVMMetadataAsValue(L->llctx, id);
  return L->loop_md;
}

/* Branch to the frame `depth` levels up with the values on top of the stack (not popped). */
static void branch_to(LowerCtx *L, uint32_t depth) {
  Frame *f = &L->frames[L->nframes - 1 - depth];
  LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
  if (f->kind == FRAME_LOOP) {
    add_incoming(f->loop_phis, vals(L, f->nparams), f->nparams, here);
    LLVMValueRef br = LLVMBuildBr(L->b, f->loop_bb);
    LLVMSetMetadata(br, LLVMGetMDKindIDInContext(L->llctx, "llvm.loop", 9), loop_metadata(L));
  } else {
    add_incoming(f->end_phis, vals(L, f->nresults), f->nresults, here);
    f->end_reached = true;
    LLVMBuildBr(L->b, f->end_bb);
  }
}

static LLVMValueRef nonzero(LowerCtx *L, LLVMValueRef v) {
  return LLVMBuildICmp(L->b, LLVMIntNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
}

static void emit_br_if(LowerCtx *L, uint32_t depth) {
  LLVMValueRef cond = nonzero(L, lower_pop(L));
  LLVMBasicBlockRef taken = lower_block(L, "br_if");
  LLVMBasicBlockRef cont = lower_block(L, "");
  LLVMBuildCondBr(L->b, cond, taken, cont);
  LLVMPositionBuilderAtEnd(L->b, taken);
  branch_to(L, depth);
  LLVMPositionBuilderAtEnd(L->b, cont);
}

static bool emit_br_table(LowerCtx *L, const MeldInstr *in) {
  LLVMValueRef index = lower_pop(L);
  uint32_t n = in->x;
  /* one block per distinct depth */
  LLVMBasicBlockRef *via = meld_arena_calloc(&L->arena, L->nframes, sizeof *via);
  if (!via) return false;
  LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
  for (uint32_t i = 0; i <= n; i++) {
    uint32_t d = in->labels[i];
    if (via[d]) continue;
    via[d] = lower_block(L, "br_table");
    LLVMPositionBuilderAtEnd(L->b, via[d]);
    branch_to(L, d);
  }
  LLVMPositionBuilderAtEnd(L->b, here);
  LLVMValueRef sw = LLVMBuildSwitch(L->b, index, via[in->labels[n]], n);
  for (uint32_t i = 0; i < n; i++)
    if (in->labels[i] != in->labels[n])
      LLVMAddCase(sw, lower_i32(L, i), via[in->labels[i]]);
  return true;
}

static bool emit_block(LowerCtx *L, const MeldInstr *in) {
  const MeldValType *ps, *rs;
  uint32_t np, nr;
  if (!block_type(L, in, &ps, &np, &rs, &nr)) return false;
  if (in->op == MELD_OP_Block) return push_frame(L, FRAME_BLOCK, ps, np, rs, nr) != NULL;
  if (in->op == MELD_OP_Loop) {
    Frame *f = push_frame(L, FRAME_LOOP, ps, np, rs, nr);
    if (!f) return false;
    f->loop_bb = lower_block(L, "loop");
    f->loop_phis = make_phis(L, f->loop_bb, ps, np);
    if (!f->loop_phis) return false;
    add_incoming(f->loop_phis, vals(L, np), np, LLVMGetInsertBlock(L->b));
    LLVMBuildBr(L->b, f->loop_bb);
    LLVMPositionBuilderAtEnd(L->b, f->loop_bb);
    lower_checks_reset(L);
    L->sp -= np;
    for (uint32_t i = 0; i < np; i++) lower_push(L, f->loop_phis[i]);
    return true;
  }
  /* if */
  LLVMValueRef cond = nonzero(L, lower_pop(L));
  Frame *f = push_frame(L, FRAME_IF, ps, np, rs, nr);
  if (!f) return false;
  f->if_params = meld_arena_alloc(&L->arena, (np + 1) * sizeof *f->if_params);
  if (!f->if_params) return false;
  if (np) memcpy(f->if_params, vals(L, np), np * sizeof *f->if_params);
  LLVMBasicBlockRef then_bb = lower_block(L, "then");
  f->else_bb = lower_block(L, "else");
  LLVMBuildCondBr(L->b, cond, then_bb, f->else_bb);
  LLVMPositionBuilderAtEnd(L->b, then_bb);
  return true;
}

static void emit_else(LowerCtx *L) {
  Frame *f = &L->frames[L->nframes - 1];
  if (!L->unreachable) {
    add_incoming(f->end_phis, vals(L, f->nresults), f->nresults,
                 LLVMGetInsertBlock(L->b));
    f->end_reached = true;
    LLVMBuildBr(L->b, f->end_bb);
  }
  LLVMPositionBuilderAtEnd(L->b, f->else_bb);
  lower_checks_reset(L);
  L->sp = f->height;
  for (uint32_t i = 0; i < f->nparams; i++) lower_push(L, f->if_params[i]);
  f->has_else = true;
  L->unreachable = false;
}

static void build_return(LowerCtx *L, Frame *f) {
  if (f->nresults == 0) {
    LLVMBuildRetVoid(L->b);
  } else if (f->nresults == 1) {
    LLVMBuildRet(L->b, f->end_phis[0]);
  } else {
    LLVMValueRef agg = LLVMGetUndef(LLVMGetReturnType(LLVMGlobalGetValueType(L->fn)));
    for (uint32_t i = 0; i < f->nresults; i++)
      agg = LLVMBuildInsertValue(L->b, agg, f->end_phis[i], i, "");
    LLVMBuildRet(L->b, agg);
  }
}

static void emit_end(LowerCtx *L) {
  Frame *f = &L->frames[L->nframes - 1];
  if (!L->unreachable) {
    add_incoming(f->end_phis, vals(L, f->nresults), f->nresults,
                 LLVMGetInsertBlock(L->b));
    f->end_reached = true;
    LLVMBuildBr(L->b, f->end_bb);
  }
  if (f->kind == FRAME_IF && !f->has_else) {
    /* the implicit else passes the parameters through (validation: params == results) */
    LLVMPositionBuilderAtEnd(L->b, f->else_bb);
    add_incoming(f->end_phis, f->if_params, f->nresults, f->else_bb);
    f->end_reached = true;
    LLVMBuildBr(L->b, f->end_bb);
  }
  L->nframes--;
  L->sp = f->height;
  lower_checks_reset(L);
  if (!f->end_reached) {
    LLVMDeleteBasicBlock(f->end_bb);
    L->unreachable = true;
    return;
  }
  LLVMPositionBuilderAtEnd(L->b, f->end_bb);
  if (f->kind == FRAME_FUNC) {
    build_return(L, f);
    return;
  }
  for (uint32_t i = 0; i < f->nresults; i++) lower_push(L, f->end_phis[i]);
  L->unreachable = false;
}

void lower_emit_call(LowerCtx *L, LLVMValueRef callee, uint32_t type) {
  const MeldFuncType *ft = &L->m->types[type];
  LLVMValueRef *args = vals(L, ft->nparams);
  LLVMValueRef r = LLVMBuildCall2(L->b, L->fn_types[type], callee, args, ft->nparams, "");
  L->sp -= ft->nparams;
  if (ft->nresults == 1) {
    lower_push(L, r);
  } else {
    for (uint32_t i = 0; i < ft->nresults; i++)
      lower_push(L, LLVMBuildExtractValue(L->b, r, i, ""));
  }
}

static LLVMValueRef const_f32(LowerCtx *L, uint32_t bits) {
  return LLVMConstBitCast(LLVMConstInt(L->t_i32, bits, false), L->t_f32);
}

static LLVMValueRef const_f64(LowerCtx *L, uint64_t bits) {
  return LLVMConstBitCast(LLVMConstInt(L->t_i64, bits, false), L->t_f64);
}

/* Control, parametric and variable instructions; the rest goes to the families. */
static bool emit_instr(LowerCtx *L, const MeldInstr *in) {
  const MeldModule *m = L->m;
  switch (in->op) {
  case MELD_OP_Unreachable:
    lower_trap_here(L, MELD_TRAP_UNREACHABLE);
    L->unreachable = true;
    return true;
  case MELD_OP_Nop: return true;
  case MELD_OP_Block:
  case MELD_OP_Loop:
  case MELD_OP_If: return emit_block(L, in);
  case MELD_OP_Else: emit_else(L); return true;
  case MELD_OP_End: emit_end(L); return true;
  case MELD_OP_Br:
    branch_to(L, in->x);
    L->unreachable = true;
    return true;
  case MELD_OP_BrIf: emit_br_if(L, in->x); return true;
  case MELD_OP_BrTable:
    if (!emit_br_table(L, in)) return false;
    L->unreachable = true;
    return true;
  case MELD_OP_Return:
    branch_to(L, L->nframes - 1);
    L->unreachable = true;
    return true;
  case MELD_OP_Call: lower_emit_call(L, L->funcs[in->x], m->funcs[in->x].type); return true;
  case MELD_OP_CallIndirect: {
    LLVMValueRef callee = lower_table_callee(L, in->y, in->x);
    lower_emit_call(L, callee, in->x);
    return true;
  }
  case MELD_OP_Drop: lower_pop(L); return true;
  case MELD_OP_Select:
  case MELD_OP_SelectT: {
    LLVMValueRef c = nonzero(L, lower_pop(L));
    LLVMValueRef b = lower_pop(L);
    LLVMValueRef a = lower_pop(L);
    lower_push(L, LLVMBuildSelect(L->b, c, a, b, ""));
    return true;
  }
  case MELD_OP_LocalGet:
    if (!L->local_vals[in->x])
      L->local_vals[in->x] = LLVMBuildLoad2(L->b, L->local_types[in->x], L->locals[in->x], "");
    lower_push(L, L->local_vals[in->x]);
    return true;
  case MELD_OP_LocalSet:
  case MELD_OP_LocalTee: {
    LLVMValueRef v = in->op == MELD_OP_LocalSet ? lower_pop(L) : L->stack[L->sp - 1];
    LLVMBuildStore(L->b, v, L->locals[in->x]);
    L->local_vals[in->x] = v;
    return true;
  }
  case MELD_OP_GlobalGet:
    lower_push(L, LLVMBuildLoad2(L->b, lower_valtype(L, m->globals[in->x].type),
                                 L->globals[in->x], ""));
    return true;
  case MELD_OP_GlobalSet: LLVMBuildStore(L->b, lower_pop(L), L->globals[in->x]); return true;
  case MELD_OP_I32Const: lower_push(L, lower_i32(L, (uint32_t)in->i32)); return true;
  case MELD_OP_I64Const: lower_push(L, lower_i64(L, (uint64_t)in->i64)); return true;
  case MELD_OP_F32Const: lower_push(L, const_f32(L, in->f32)); return true;
  case MELD_OP_F64Const: lower_push(L, const_f64(L, in->f64)); return true;
  default: break;
  }
  int r;
  if ((r = lower_numeric(L, in)) != 0) return r > 0;
  if ((r = lower_conversion(L, in)) != 0) return r > 0;
  if ((r = lower_memory(L, in)) != 0) return r > 0;
  if ((r = lower_table(L, in)) != 0) return r > 0;
  char label[160];
  lower_func_label(L, L->fidx, label, sizeof label);
  return lower_fail(L, L->at, "%s: instruction '%s' is not supported by the backend", label,
                    meld_op_info[in->op].text);
}

static void emit_stack_check(LowerCtx *L) {
  LLVMValueRef sp = lower_call_intrinsic(L, "llvm.stacksave", &L->t_ptr, 1, NULL, 0);
  LLVMValueRef lim = LLVMBuildLoad2(L->b, L->t_ptr, L->stack_limit, "stack_limit");
  lower_trap_if(L, LLVMBuildICmp(L->b, LLVMIntULT, sp, lim, ""), MELD_TRAP_CALL_STACK_EXHAUSTED);
}

static bool setup_locals(LowerCtx *L, const MeldFunc *fn, const MeldFuncType *ft) {
  uint32_t n = ft->nparams + fn->nlocals;
  L->nlocals = n;
  L->locals = meld_arena_alloc(&L->arena, (n + 1) * sizeof *L->locals);
  L->local_types = meld_arena_alloc(&L->arena, (n + 1) * sizeof *L->local_types);
  L->local_vals = meld_arena_calloc(&L->arena, n + 1, sizeof *L->local_vals);
  if (!L->locals || !L->local_types || !L->local_vals) return false;
  uint32_t i = 0;
  for (; i < ft->nparams; i++) {
    L->local_types[i] = lower_valtype(L, ft->params[i]);
    L->locals[i] = LLVMBuildAlloca(L->b, L->local_types[i], "");
    LLVMBuildStore(L->b, LLVMGetParam(L->fn, i), L->locals[i]);
  }
  for (uint32_t g = 0; g < fn->nlocalgroups; g++)
    for (uint32_t k = 0; k < fn->localgroups[g].count; k++, i++) {
      L->local_types[i] = lower_valtype(L, fn->localgroups[g].type);
      L->locals[i] = LLVMBuildAlloca(L->b, L->local_types[i], "");
      LLVMBuildStore(L->b, LLVMConstNull(L->local_types[i]), L->locals[i]);
    }
  return true;
}

bool lower_function(LowerCtx *L, uint32_t fidx) {
  const MeldModule *m = L->m;
  const MeldFunc *fn = &m->funcs[fidx];
  const MeldFuncType *ft = &m->types[fn->type];
  MeldArenaMark mark = meld_arena_mark(&L->arena);
  L->fidx = fidx;
  L->fn = L->funcs[fidx];
  L->sp = 0;
  L->nframes = 0;
  L->unreachable = false;
  L->dead_depth = 0;
  L->stack = NULL;
  L->capstack = 0;
  L->frames = NULL;
  L->capframes = 0;
  memset(L->trap_bbs, 0, sizeof L->trap_bbs);
  L->local_vals = NULL;
  lower_checks_reset(L);
  L->at = fn->codeoffset;

  LLVMPositionBuilderAtEnd(L->b, LLVMAppendBasicBlockInContext(L->llctx, L->fn, "entry"));
  if (!setup_locals(L, fn, ft)) return false;
  if (L->stack_limit) {
    lower_add_fn_string_attr(L, L->fn, "disable-tail-calls", "true");
    emit_stack_check(L);
  }
  if (!push_frame(L, FRAME_FUNC, NULL, 0, ft->results, ft->nresults)) return false;

  MeldInstrIter it;
  meld_iter_begin(&it, L->ctx, m, fn);
  MeldInstr in;
  uint64_t off;
  int r = 0;
  bool ok = true;
  while (ok && (r = meld_iter_next(&it, &in, &off)) > 0) {
    L->at = off;
    if (L->unreachable) {
      if (in.op == MELD_OP_Block || in.op == MELD_OP_Loop || in.op == MELD_OP_If) {
        L->dead_depth++;
        continue;
      }
      if (in.op == MELD_OP_End && L->dead_depth > 0) {
        L->dead_depth--;
        continue;
      }
      if (!(in.op == MELD_OP_End || (in.op == MELD_OP_Else && L->dead_depth == 0))) continue;
    }
    ok = emit_instr(L, &in);
    if (!lower_is_quiet(&in)) lower_checks_close(L);
    if (L->arena.oom) ok = lower_fail(L, off, "out of memory");
  }
  meld_iter_end(&it);
  if (ok && r < 0) ok = false;
  if (ok && L->nframes != 0)
    ok = lower_fail(L, L->at, "internal error: unbalanced control frames at the end of a body");
  meld_arena_release(&L->arena, mark);
  L->stack = NULL;
  L->frames = NULL;
  L->local_vals = NULL;
  return ok;
}

#endif /* MELDC_HAVE_LLVM */
