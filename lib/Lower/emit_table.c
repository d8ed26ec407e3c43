/*
 * References and tables.
 *
 * A funcref is a descriptor pointer or null; a funcref table entry caches the descriptor's
 * type id and function beside the descriptor, so call_indirect is: index < size (else
 * "undefined element"), one load of the type id and one compare with the expected id; only on a
 * mismatch a cold block tells null (type id 0: "uninitialized element") from a wrong type.
 * Storing a reference into an entry reads its descriptor through a select that points null at a
 * constant null descriptor {0, null}: no branch.
 * Every table access checks its index or range against the table's current size ("out of
 * bounds table access"); table.grow succeeds within the table's capacity (lowering.md) and
 * returns -1 beyond it, which the spec allows.
 */
#include "Lower/LowerInternal.h"

#if MELDC_HAVE_LLVM

static LLVMValueRef table_size(LowerCtx *L, uint32_t t) {
  return LLVMBuildLoad2(L->b, L->t_i32, L->tables[t].size, "table.size");
}

static LLVMTypeRef elem_type(LowerCtx *L, uint32_t t) {
  return L->tables[t].funcref ? L->t_entry : L->t_ptr;
}

static LLVMValueRef slot(LowerCtx *L, uint32_t t, LLVMValueRef i) {
  LLVMValueRef idx[2] = {lower_i32(L, 0), i};
  return LLVMBuildGEP2(L->b, LLVMGlobalGetValueType(L->tables[t].array), L->tables[t].array, idx,
                       2, "");
}

LLVMValueRef lower_entry_from_ref(LowerCtx *L, LLVMValueRef ref) {
  if (!L->null_desc) {
    LLVMValueRef fields[2] = {lower_i32(L, 0), LLVMConstNull(L->t_ptr)};
    L->null_desc = LLVMAddGlobal(L->mod, L->t_desc, "desc.null");
    LLVMSetInitializer(L->null_desc, LLVMConstNamedStruct(L->t_desc, fields, 2));
    LLVMSetGlobalConstant(L->null_desc, true);
    LLVMSetLinkage(L->null_desc, LLVMPrivateLinkage);
  }
  LLVMValueRef isnull = LLVMBuildICmp(L->b, LLVMIntEQ, ref, LLVMConstNull(L->t_ptr), "");
  LLVMValueRef d = LLVMBuildSelect(L->b, isnull, L->null_desc, ref, "");
  LLVMValueRef desc = LLVMBuildLoad2(L->b, L->t_desc, d, "");
  LLVMValueRef e = LLVMGetUndef(L->t_entry);
  e = LLVMBuildInsertValue(L->b, e, LLVMBuildExtractValue(L->b, desc, 0, ""), 0, "");
  e = LLVMBuildInsertValue(L->b, e, LLVMBuildExtractValue(L->b, desc, 1, ""), 1, "");
  return LLVMBuildInsertValue(L->b, e, ref, 2, "");
}

static void store_ref(LowerCtx *L, uint32_t t, LLVMValueRef i, LLVMValueRef ref) {
  LLVMValueRef v = L->tables[t].funcref ? lower_entry_from_ref(L, ref) : ref;
  LLVMBuildStore(L->b, v, slot(L, t, i));
}

/* for (i = 0; i != n; i++) body(i); */
typedef void (*LoopBody)(LowerCtx *L, LLVMValueRef i, void *ud);

static void for_each(LowerCtx *L, LLVMValueRef n, LoopBody body, void *ud) {
  LLVMBasicBlockRef entry = LLVMGetInsertBlock(L->b);
  LLVMBasicBlockRef loop = lower_block(L, "loop");
  LLVMBasicBlockRef exit = lower_block(L, "");
  LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, n, lower_i32(L, 0), ""), exit, loop);
  LLVMPositionBuilderAtEnd(L->b, loop);
  LLVMValueRef i = LLVMBuildPhi(L->b, L->t_i32, "i");
  body(L, i, ud);
  LLVMValueRef next = LLVMBuildAdd(L->b, i, lower_i32(L, 1), "");
  LLVMBasicBlockRef latch = LLVMGetInsertBlock(L->b);
  LLVMValueRef zero = lower_i32(L, 0);
  LLVMAddIncoming(i, &zero, &entry, 1);
  LLVMAddIncoming(i, &next, &latch, 1);
  LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, next, n, ""), exit, loop);
  LLVMPositionBuilderAtEnd(L->b, exit);
}

typedef struct FillCtx {
  uint32_t t;
  LLVMValueRef d, val; /* val: already an entry for funcref tables */
} FillCtx;

static void fill_body(LowerCtx *L, LLVMValueRef i, void *ud) {
  FillCtx *c = ud;
  LLVMBuildStore(L->b, c->val, slot(L, c->t, LLVMBuildAdd(L->b, c->d, i, "")));
}

static void fill(LowerCtx *L, uint32_t t, LLVMValueRef d, LLVMValueRef ref, LLVMValueRef n) {
  FillCtx c = {t, d, L->tables[t].funcref ? lower_entry_from_ref(L, ref) : ref};
  for_each(L, n, fill_body, &c);
}

typedef struct InitCtx {
  uint32_t t, seg;
  LLVMValueRef d, s;
} InitCtx;

static void init_body(LowerCtx *L, LLVMValueRef i, void *ud) {
  InitCtx *c = ud;
  LLVMValueRef refs = lower_elem_refs(L, c->seg);
  LLVMValueRef idx[2] = {lower_i32(L, 0), LLVMBuildAdd(L->b, c->s, i, "")};
  LLVMValueRef ref = LLVMBuildLoad2(
      L->b, L->t_ptr, LLVMBuildGEP2(L->b, LLVMGlobalGetValueType(refs), refs, idx, 2, ""), "");
  store_ref(L, c->t, LLVMBuildAdd(L->b, c->d, i, ""), ref);
}

void lower_table_write_segment(LowerCtx *L, uint32_t t, LLVMValueRef d, uint32_t seg,
                               LLVMValueRef s, LLVMValueRef n) {
  InitCtx c = {t, seg, d, s};
  for_each(L, n, init_body, &c);
}

/* Traps unless [start, start + n) lies within `limit` (i32) entries. */
static void check_range(LowerCtx *L, LLVMValueRef start, LLVMValueRef n, LLVMValueRef limit) {
  LLVMValueRef end = LLVMBuildAdd(L->b, LLVMBuildZExt(L->b, start, L->t_i64, ""),
                                  LLVMBuildZExt(L->b, n, L->t_i64, ""), "");
  lower_trap_if(L,
                LLVMBuildICmp(L->b, LLVMIntUGT, end, LLVMBuildZExt(L->b, limit, L->t_i64, ""), ""),
                MELD_TRAP_TABLE_OUT_OF_BOUNDS);
}

static void check_index(LowerCtx *L, uint32_t t, LLVMValueRef i, MeldTrapCode code) {
  lower_trap_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, i, table_size(L, t), ""), code);
}

LLVMValueRef lower_table_callee(LowerCtx *L, uint32_t t, uint32_t type) {
  LLVMValueRef i = lower_pop(L);
  check_index(L, t, i, MELD_TRAP_UNDEFINED_ELEMENT);
  LLVMValueRef p = slot(L, t, i);
  LLVMValueRef tid = LLVMBuildLoad2(L->b, L->t_i32, p, "type_id");
  LLVMValueRef expected = lower_i32(L, L->type_ids[type]);
  LLVMBasicBlockRef bad = lower_block(L, "call_indirect.bad");
  LLVMBasicBlockRef ok = lower_block(L, "call_indirect.ok");
  LLVMValueRef br = LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, tid, expected, ""), bad, ok);
  LLVMValueRef md[3] = {LLVMMDStringInContext(L->llctx, "branch_weights", 14),
                        LLVMConstInt(L->t_i32, 1, false), LLVMConstInt(L->t_i32, 1048575, false)};
  LLVMSetMetadata(br, LLVMGetMDKindIDInContext(L->llctx, "prof", 4),
                  LLVMMDNodeInContext(L->llctx, md, 3));
  LLVMPositionBuilderAtEnd(L->b, bad);
  lower_trap_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, tid, lower_i32(L, 0), ""),
                MELD_TRAP_UNINITIALIZED_ELEMENT);
  lower_trap_here(L, MELD_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
  LLVMPositionBuilderAtEnd(L->b, ok);
  LLVMValueRef fp = LLVMBuildStructGEP2(L->b, L->t_entry, p, 1, "");
  return LLVMBuildLoad2(L->b, L->t_ptr, fp, "callee");
}

static void table_grow(LowerCtx *L, uint32_t t) {
  LLVMValueRef n = lower_pop(L), ref = lower_pop(L);
  LLVMValueRef cur = table_size(L, t);
  LLVMValueRef room = LLVMBuildSub(L->b, lower_i32(L, L->tables[t].cap), cur, "");
  LLVMValueRef ok = LLVMBuildICmp(L->b, LLVMIntULE, n, room, "");
  LLVMBasicBlockRef grow = lower_block(L, "table.grow");
  LLVMBasicBlockRef done = lower_block(L, "");
  LLVMBuildCondBr(L->b, ok, grow, done);
  LLVMPositionBuilderAtEnd(L->b, grow);
  fill(L, t, cur, ref, n);
  LLVMBuildStore(L->b, LLVMBuildAdd(L->b, cur, n, ""), L->tables[t].size);
  LLVMBuildBr(L->b, done);
  LLVMPositionBuilderAtEnd(L->b, done);
  lower_push(L, LLVMBuildSelect(L->b, ok, cur, LLVMConstAllOnes(L->t_i32), ""));
}

static void table_copy(LowerCtx *L, uint32_t dst, uint32_t src) {
  LLVMValueRef n = lower_pop(L), s = lower_pop(L), d = lower_pop(L);
  check_range(L, s, n, table_size(L, src));
  check_range(L, d, n, table_size(L, dst));
  unsigned long long esize = LLVMABISizeOfType(L->td, elem_type(L, dst));
  LLVMValueRef bytes = LLVMBuildMul(L->b, n, lower_i32(L, esize), "");
  lower_memmove(L, slot(L, dst, d), slot(L, src, s), bytes);
}

int lower_table(LowerCtx *L, const MeldInstr *in) {
  switch (in->op) {
  case MELD_OP_RefNull: lower_push(L, LLVMConstNull(L->t_ptr)); return 1;
  case MELD_OP_RefIsNull: {
    LLVMValueRef r = lower_pop(L);
    lower_push(L, LLVMBuildZExt(L->b,
                                LLVMBuildICmp(L->b, LLVMIntEQ, r, LLVMConstNull(L->t_ptr), ""),
                                L->t_i32, ""));
    return 1;
  }
  case MELD_OP_RefFunc: {
    LLVMValueRef d = lower_func_desc(L, in->x);
    if (!d) return -1;
    lower_push(L, d);
    return 1;
  }
  case MELD_OP_TableGet: {
    LLVMValueRef i = lower_pop(L);
    check_index(L, in->x, i, MELD_TRAP_TABLE_OUT_OF_BOUNDS);
    LLVMValueRef p = slot(L, in->x, i);
    if (L->tables[in->x].funcref) p = LLVMBuildStructGEP2(L->b, L->t_entry, p, 2, "");
    lower_push(L, LLVMBuildLoad2(L->b, L->t_ptr, p, ""));
    return 1;
  }
  case MELD_OP_TableSet: {
    LLVMValueRef ref = lower_pop(L), i = lower_pop(L);
    check_index(L, in->x, i, MELD_TRAP_TABLE_OUT_OF_BOUNDS);
    store_ref(L, in->x, i, ref);
    return 1;
  }
  case MELD_OP_TableSize: lower_push(L, table_size(L, in->x)); return 1;
  case MELD_OP_TableGrow: table_grow(L, in->x); return 1;
  case MELD_OP_TableFill: {
    LLVMValueRef n = lower_pop(L), ref = lower_pop(L), d = lower_pop(L);
    check_range(L, d, n, table_size(L, in->x));
    fill(L, in->x, d, ref, n);
    return 1;
  }
  case MELD_OP_TableCopy: table_copy(L, in->x, in->y); return 1;
  case MELD_OP_TableInit: {
    uint32_t seg = in->x, t = in->y;
    LLVMValueRef n = lower_pop(L), s = lower_pop(L), d = lower_pop(L);
    check_range(L, s, n, LLVMBuildLoad2(L->b, L->t_i32, lower_elem_len(L, seg), "seglen"));
    check_range(L, d, n, table_size(L, t));
    if (!lower_elem_refs(L, seg)) return -1;
    lower_table_write_segment(L, t, d, seg, s, n);
    return 1;
  }
  case MELD_OP_ElemDrop:
    LLVMBuildStore(L->b, lower_i32(L, 0), lower_elem_len(L, in->x));
    return 1;
  default: return 0;
  }
}

#endif /* MELDC_HAVE_LLVM */
