/*
 * Memory instructions: loads, stores, memory.size/grow, bulk memory.
 *
 * Addresses: the effective address is zext(addr) + offset, an index into the memory's array;
 * with 32-bit pointers an address C + (x << s) is (array + C)[x << s] + offset, the same pointer
 * (scaled_index_address).
 * Bounds check (unless --bounds-checks=none): one unsigned compare per access.  For a static
 * memory of S bytes and an access of W bytes at offset K it is `addr > S - K - W` against a
 * constant (an access whose K + W exceeds S always traps); for a memory that can grow it is
 * `zext(addr) + K + W > pages << 16` in 64 bits.  LLVM hoists and merges such checks in loops.
 * In a static memory, accesses of one block whose addresses differ by constants share checks
 * (check_static): an access inside a range already checked needs none, and while nothing
 * observable or trapping happens between accesses, the first one's check covers them all.
 * wasm's alignment is a hint: every access is emitted with alignment 1, because an unaligned
 * address is valid wasm and vldr/ldrd fault on it (Cortex-M7 allows unaligned ldr/str only).
 * Bulk operations check the whole range in 64 bits (so zero-length accesses at the end are
 * allowed, one past it trap, as the spec says).  memory.copy calls memcpy when the ranges do not
 * overlap, else a byte loop in the right direction (the object must not need memmove).
 */
#include "Lower/LowerInternal.h"

#if MELDC_HAVE_LLVM

#include <stdint.h>
#include <string.h>

LLVMValueRef lower_memory_bytes64(LowerCtx *L, uint32_t mem) {
  LMemory *lm = &L->mems[mem];
  if (!lm->pages) return lower_i64(L, lm->bytes);
  LLVMValueRef pages = LLVMBuildLoad2(L->b, L->t_i32, lm->pages, "pages");
  return LLVMBuildShl(L->b, LLVMBuildZExt(L->b, pages, L->t_i64, ""), lower_i64(L, 16), "");
}

void lower_checks_close(LowerCtx *L) {
  for (uint32_t i = 0; i < L->nchecks; i++) L->checks[i].open = false;
}

void lower_checks_reset(LowerCtx *L) {
  L->nchecks = 0;
  L->next_check = 0;
  if (L->local_vals) memset(L->local_vals, 0, L->nlocals * sizeof *L->local_vals);
}

bool lower_is_quiet(const MeldInstr *in) {
  const MeldOpInfo *info = &meld_op_info[in->op];
  switch (in->op) {
  case MELD_OP_Nop: case MELD_OP_Drop: case MELD_OP_Select: case MELD_OP_SelectT:
  case MELD_OP_LocalGet: case MELD_OP_LocalSet: case MELD_OP_LocalTee: case MELD_OP_GlobalGet:
  case MELD_OP_MemorySize: case MELD_OP_Block:
    return true;
  case MELD_OP_I32DivS: case MELD_OP_I32DivU: case MELD_OP_I32RemS: case MELD_OP_I32RemU:
  case MELD_OP_I64DivS: case MELD_OP_I64DivU: case MELD_OP_I64RemS: case MELD_OP_I64RemU:
  case MELD_OP_I32TruncF32S: case MELD_OP_I32TruncF32U: case MELD_OP_I32TruncF64S:
  case MELD_OP_I32TruncF64U: case MELD_OP_I64TruncF32S: case MELD_OP_I64TruncF32U:
  case MELD_OP_I64TruncF64S: case MELD_OP_I64TruncF64U:
    return false;
  default: break;
  }
  if (info->sig[0] == '*') return false;
  if (info->imm == MELD_IMM_MEMARG) return info->sig[strlen(info->sig) - 1] != ':'; /* a load */
  return info->imm == MELD_IMM_NONE || info->imm == MELD_IMM_I32 || info->imm == MELD_IMM_I64 ||
         info->imm == MELD_IMM_F32 || info->imm == MELD_IMM_F64;
}

static bool add_term(LAddrSum *s, LLVMValueRef v, bool neg) {
  for (uint32_t i = 0; i < s->nterms; i++)
    if (s->terms[i] == v && s->neg[i] != neg) { /* x - x */
      s->nterms--;
      memmove(&s->terms[i], &s->terms[i + 1], (s->nterms - i) * sizeof *s->terms);
      memmove(&s->neg[i], &s->neg[i + 1], (s->nterms - i) * sizeof *s->neg);
      return true;
    }
  if (s->nterms == LOWER_MAX_TERMS) return false;
  uint32_t i = s->nterms++;
  for (; i > 0 && ((uintptr_t)s->terms[i - 1] > (uintptr_t)v ||
                   (s->terms[i - 1] == v && s->neg[i - 1] > neg));
       i--) {
    s->terms[i] = s->terms[i - 1];
    s->neg[i] = s->neg[i - 1];
  }
  s->terms[i] = v;
  s->neg[i] = neg;
  return true;
}

/* Adds v (negated when `neg`) to the sum, looking through i32 add and sub up to `depth` levels;
 * false when the terms do not fit. */
static bool read_sum(LAddrSum *s, LLVMValueRef v, bool neg, int depth) {
  if (LLVMIsAConstantInt(v)) {
    int64_t k = (int32_t)(uint32_t)LLVMConstIntGetZExtValue(v);
    s->c = (int32_t)(uint32_t)(neg ? s->c - k : s->c + k);
    return true;
  }
  LLVMOpcode op = LLVMIsAInstruction(v) ? LLVMGetInstructionOpcode(v) : LLVMRet;
  if (depth > 0 && (op == LLVMAdd || op == LLVMSub))
    return read_sum(s, LLVMGetOperand(v, 0), neg, depth - 1) &&
           read_sum(s, LLVMGetOperand(v, 1), op == LLVMSub ? !neg : neg, depth - 1);
  return add_term(s, v, neg);
}

/* addr as a sum; a sum of one term, the address itself, when it has too many. */
static void split_address(LLVMValueRef addr, LAddrSum *s) {
  memset(s, 0, sizeof *s);
  if (read_sum(s, addr, false, 3)) return;
  memset(s, 0, sizeof *s);
  add_term(s, addr, false);
}

static bool same_terms(const LAddrSum *a, const LAddrSum *b) {
  if (a->nterms != b->nterms) return false;
  for (uint32_t i = 0; i < a->nterms; i++)
    if (a->terms[i] != b->terms[i] || a->neg[i] != b->neg[i]) return false;
  return true;
}

/* The check of `c->anchor` for the range [lo, hi) relative to the sum of the terms. */
static void set_check_range(LowerCtx *L, LCheck *c, int64_t lo, int64_t hi) {
  LLVMSetOperand(c->anchor, 1, lower_i32(L, (uint32_t)(lo - c->sum.c)));
  LLVMSetOperand(c->cmp, 1, lower_i32(L, L->mems[c->mem].bytes - (uint64_t)(hi - lo)));
  c->lo = lo;
  c->hi = hi;
}

/*
 * The bounds check of an access of `width` bytes at addr + offset in a static memory of S
 * bytes, shared between accesses whose addresses differ by constants where that is exact.  An
 * access inside a range an earlier check of this block proved needs none: the terms are SSA
 * values, and a memory never shrinks.  An access next to an open check (nothing observable or
 * trapping since it) widens it: the check then compares a = B + lo with S - (hi - lo).  It
 * passes only when every access of the group is in bounds, and when it fails some access of the
 * group traps (the one reaching hi when a + (hi - lo) does not wrap, else the one at lo, whose a
 * is then above 2^31 >= S), so trapping at the first access instead is unobservable.  hi - lo
 * stays within S.
 */
static void check_static(LowerCtx *L, uint32_t mem, LLVMValueRef addr, uint64_t offset,
                         unsigned width) {
  uint64_t size = L->mems[mem].bytes, k = offset + width;
  LAddrSum sum;
  split_address(addr, &sum);
  if (k > size || sum.nterms == 0) {
    LLVMValueRef oob = k > size ? LLVMConstInt(L->t_i1, 1, false)
                                : LLVMBuildICmp(L->b, LLVMIntUGT, addr, lower_i32(L, size - k), "oob");
    lower_trap_if(L, oob, MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
    return;
  }
  int64_t lo = sum.c, hi = sum.c + (int64_t)k;
  for (uint32_t i = 0; i < L->nchecks; i++) {
    LCheck *e = &L->checks[i];
    if (e->mem != mem || !same_terms(&e->sum, &sum)) continue;
    if (lo >= e->lo && hi <= e->hi) return;
    int64_t nlo = lo < e->lo ? lo : e->lo, nhi = hi > e->hi ? hi : e->hi;
    if (e->open && (uint64_t)(nhi - nlo) <= size) {
      set_check_range(L, e, nlo, nhi);
      return;
    }
  }
  LCheck *e;
  if (L->nchecks < LOWER_MAX_CHECKS) {
    e = &L->checks[L->nchecks++];
  } else {
    e = &L->checks[L->next_check];
    L->next_check = (L->next_check + 1) % LOWER_MAX_CHECKS;
  }
  e->sum = sum;
  e->mem = mem;
  e->open = true;
  e->anchor = LLVMBuildAdd(L->b, addr, lower_i32(L, 0), "anchor");
  e->cmp = LLVMBuildICmp(L->b, LLVMIntUGT, e->anchor, lower_i32(L, 0), "oob");
  set_check_range(L, e, lo, hi);
  lower_trap_if(L, e->cmp, MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
}

/*
 * An address C + (x << s), s in 1..3, C a nonzero constant (the shape of a static array indexed
 * by a scaled value) on a target with 32-bit pointers, as (array + C)[x << s] + offset: a
 * loop-invariant base and a shifted register index, which Thumb-2's ldr/str [base, x, lsl #s]
 * takes in one instruction where array + (x << s) + C needs an add first.  Exact for every
 * address: with 32-bit pointers the address arithmetic is modulo 2^32 either way, so
 * array + zext(addr) + offset and array + C + (x << s) + offset are the same pointer.  NULL
 * when the address has another shape.
 */
static LLVMValueRef scaled_index_address(LowerCtx *L, LMemory *lm, LLVMValueRef addr,
                                         uint64_t offset) {
  if (LLVMPointerSize(L->td) != 4 || !LLVMIsAInstruction(addr) ||
      LLVMGetInstructionOpcode(addr) != LLVMAdd)
    return NULL;
  LLVMValueRef x = LLVMGetOperand(addr, 0), c = LLVMGetOperand(addr, 1);
  if (LLVMIsAConstantInt(x)) {
    LLVMValueRef t = x;
    x = c;
    c = t;
  }
  if (!LLVMIsAConstantInt(c) || LLVMConstIntGetZExtValue(c) == 0 || !LLVMIsAInstruction(x) ||
      LLVMGetInstructionOpcode(x) != LLVMShl || !LLVMIsAConstantInt(LLVMGetOperand(x, 1)))
    return NULL;
  uint64_t s = LLVMConstIntGetZExtValue(LLVMGetOperand(x, 1));
  if (s < 1 || s > 3) return NULL;
  LLVMValueRef base = LLVMBuildGEP2(L->b, L->t_i8, lm->array, &c, 1, "");
  LLVMValueRef p = LLVMBuildGEP2(L->b, L->t_i8, base, &x, 1, "");
  if (!offset) return p;
  LLVMValueRef k = lower_i32(L, (uint32_t)offset);
  return LLVMBuildGEP2(L->b, L->t_i8, p, &k, 1, "");
}

/* The address of an access of `width` bytes at addr + offset, after its bounds check. */
static LLVMValueRef access_address(LowerCtx *L, uint32_t mem, LLVMValueRef addr, uint64_t offset,
                                   unsigned width) {
  LMemory *lm = &L->mems[mem];
  if (L->opt->bounds_checks) {
    if (lm->pages) {
      LLVMValueRef end = LLVMBuildAdd(L->b, LLVMBuildZExt(L->b, addr, L->t_i64, ""),
                                      lower_i64(L, offset + width), "");
      lower_trap_if(L, LLVMBuildICmp(L->b, LLVMIntUGT, end, lower_memory_bytes64(L, mem), "oob"),
                    MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
    } else {
      check_static(L, mem, addr, offset, width);
    }
  }
  LLVMValueRef p = scaled_index_address(L, lm, addr, offset);
  if (p) return p;
  LLVMValueRef addr64 = LLVMBuildZExt(L->b, addr, L->t_i64, "");
  LLVMValueRef ea = offset ? LLVMBuildAdd(L->b, addr64, lower_i64(L, offset), "ea") : addr64;
  return LLVMBuildGEP2(L->b, L->t_i8, lm->array, &ea, 1, "");
}

static LLVMTypeRef int_type(LowerCtx *L, unsigned width) {
  return width == 1 ? L->t_i8 : width == 2 ? L->t_i16 : width == 4 ? L->t_i32 : L->t_i64;
}

static void load(LowerCtx *L, const MeldInstr *in) {
  const MeldOpInfo *info = &meld_op_info[in->op];
  unsigned width = info->width;
  char rt = info->sig[2];
  LLVMValueRef p = access_address(L, in->x, lower_pop(L), in->offset, width);
  LLVMTypeRef to = rt == 'i' ? L->t_i32 : rt == 'I' ? L->t_i64 : rt == 'f' ? L->t_f32 : L->t_f64;
  LLVMTypeRef ty = (rt == 'f' || rt == 'F') ? to : int_type(L, width);
  LLVMValueRef v = LLVMBuildLoad2(L->b, ty, p, "");
  LLVMSetAlignment(v, 1);
  if (ty != to) {
    bool sext = in->op == MELD_OP_I32Load8S || in->op == MELD_OP_I32Load16S ||
                in->op == MELD_OP_I64Load8S || in->op == MELD_OP_I64Load16S ||
                in->op == MELD_OP_I64Load32S;
    v = sext ? LLVMBuildSExt(L->b, v, to, "") : LLVMBuildZExt(L->b, v, to, "");
  }
  lower_push(L, v);
}

static void store(LowerCtx *L, const MeldInstr *in) {
  const MeldOpInfo *info = &meld_op_info[in->op];
  unsigned width = info->width;
  LLVMValueRef v = lower_pop(L);
  LLVMValueRef p = access_address(L, in->x, lower_pop(L), in->offset, width);
  LLVMTypeRef vt = LLVMTypeOf(v);
  if (LLVMGetTypeKind(vt) == LLVMIntegerTypeKind && LLVMGetIntTypeWidth(vt) != width * 8)
    v = LLVMBuildTrunc(L->b, v, int_type(L, width), "");
  LLVMSetAlignment(LLVMBuildStore(L->b, v, p), 1);
}

static void memory_size(LowerCtx *L, uint32_t mem) {
  LMemory *lm = &L->mems[mem];
  lower_push(L, lm->pages ? LLVMBuildLoad2(L->b, L->t_i32, lm->pages, "pages")
                          : lower_i32(L, lm->min_pages));
}

static void memory_grow(LowerCtx *L, uint32_t mem) {
  LMemory *lm = &L->mems[mem];
  LLVMValueRef n = lower_pop(L);
  LLVMValueRef minus1 = LLVMConstAllOnes(L->t_i32);
  if (!lm->pages) {
    /* a memory that cannot grow: growing by 0 succeeds */
    LLVMValueRef zero = LLVMBuildICmp(L->b, LLVMIntEQ, n, lower_i32(L, 0), "");
    lower_push(L, LLVMBuildSelect(L->b, zero, lower_i32(L, lm->min_pages), minus1, ""));
    return;
  }
  LLVMValueRef cur = LLVMBuildLoad2(L->b, L->t_i32, lm->pages, "pages");
  LLVMValueRef room = LLVMBuildSub(L->b, lower_i32(L, lm->max_pages), cur, "");
  LLVMValueRef ok = LLVMBuildICmp(L->b, LLVMIntULE, n, room, "");
  LLVMValueRef next = LLVMBuildSelect(L->b, ok, LLVMBuildAdd(L->b, cur, n, ""), cur, "");
  LLVMBuildStore(L->b, next, lm->pages);
  lower_push(L, LLVMBuildSelect(L->b, ok, cur, minus1, ""));
}

/* Traps unless [start, start + n) lies within `limit64` bytes. */
static void check_range(LowerCtx *L, LLVMValueRef start, LLVMValueRef n, LLVMValueRef limit64,
                        MeldTrapCode code) {
  LLVMValueRef end = LLVMBuildAdd(L->b, LLVMBuildZExt(L->b, start, L->t_i64, ""),
                                  LLVMBuildZExt(L->b, n, L->t_i64, ""), "");
  lower_trap_if(L, LLVMBuildICmp(L->b, LLVMIntUGT, end, limit64, ""), code);
}

static LLVMValueRef mem_ptr(LowerCtx *L, uint32_t mem, LLVMValueRef addr) {
  LLVMValueRef i = LLVMBuildZExt(L->b, addr, L->t_i64, "");
  return LLVMBuildGEP2(L->b, L->t_i8, L->mems[mem].array, &i, 1, "");
}

static void memory_fill(LowerCtx *L, uint32_t mem) {
  LLVMValueRef n = lower_pop(L), val = lower_pop(L), d = lower_pop(L);
  check_range(L, d, n, lower_memory_bytes64(L, mem), MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
  LLVMBuildMemSet(L->b, mem_ptr(L, mem, d), LLVMBuildTrunc(L->b, val, L->t_i8, ""), n, 1);
}

/* void move(ptr d, ptr s, i32 n): memcpy without overlap, else a byte loop forwards (d < s) or
 * backwards (d > s).  "no-builtins" keeps LLVM from turning the loops back into memmove. */
static LLVMValueRef memmove_helper(LowerCtx *L) {
  if (L->memmove_fn) return L->memmove_fn;
  LLVMTypeRef ps[3] = {L->t_ptr, L->t_ptr, L->t_i32};
  LLVMValueRef fn = LLVMAddFunction(L->mod, "memory.move", LLVMFunctionType(L->t_void, ps, 3, 0));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  lower_add_fn_attr(L, fn, "nounwind");
  lower_add_fn_string_attr(L, fn, "no-builtins", "");
  LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
  LLVMValueRef d = LLVMGetParam(fn, 0), s = LLVMGetParam(fn, 1), n = LLVMGetParam(fn, 2);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(L->llctx, fn, "entry");
  LLVMBasicBlockRef copy = LLVMAppendBasicBlockInContext(L->llctx, fn, "disjoint");
  LLVMBasicBlockRef overlap = LLVMAppendBasicBlockInContext(L->llctx, fn, "overlap");
  LLVMBasicBlockRef fwd = LLVMAppendBasicBlockInContext(L->llctx, fn, "forward");
  LLVMBasicBlockRef bwd = LLVMAppendBasicBlockInContext(L->llctx, fn, "backward");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->llctx, fn, "done");
  LLVMPositionBuilderAtEnd(L->b, entry);
  LLVMTypeRef ip = LLVMIntPtrTypeInContext(L->llctx, L->td);
  LLVMValueRef di = LLVMBuildPtrToInt(L->b, d, ip, ""), si = LLVMBuildPtrToInt(L->b, s, ip, "");
  LLVMValueRef nn = LLVMBuildZExt(L->b, n, ip, "");
  /* disjoint when |d - s| >= n, i.e. (d - s) >= n and (s - d) >= n, both unsigned */
  LLVMValueRef a = LLVMBuildICmp(L->b, LLVMIntUGE, LLVMBuildSub(L->b, di, si, ""), nn, "");
  LLVMValueRef b = LLVMBuildICmp(L->b, LLVMIntUGE, LLVMBuildSub(L->b, si, di, ""), nn, "");
  LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, a, b, ""), copy, overlap);
  LLVMPositionBuilderAtEnd(L->b, copy);
  LLVMBuildMemCpy(L->b, d, 1, s, 1, n);
  LLVMBuildRetVoid(L->b);
  LLVMPositionBuilderAtEnd(L->b, overlap);
  LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntULT, di, si, ""), fwd, bwd);
  /* forward: for (i = 0; i != n; i++) d[i] = s[i]  (n > 0 here: overlap needs n > |d - s|) */
  LLVMPositionBuilderAtEnd(L->b, fwd);
  LLVMValueRef i = LLVMBuildPhi(L->b, L->t_i32, "i");
  LLVMValueRef sp = LLVMBuildGEP2(L->b, L->t_i8, s, &i, 1, "");
  LLVMValueRef dp = LLVMBuildGEP2(L->b, L->t_i8, d, &i, 1, "");
  LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->t_i8, sp, ""), dp);
  LLVMValueRef i1 = LLVMBuildAdd(L->b, i, lower_i32(L, 1), "");
  LLVMValueRef zero = lower_i32(L, 0);
  LLVMAddIncoming(i, &zero, &overlap, 1);
  LLVMAddIncoming(i, &i1, &fwd, 1);
  LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, i1, n, ""), done, fwd);
  /* backward: for (j = n; j != 0; j--) d[j-1] = s[j-1] */
  LLVMPositionBuilderAtEnd(L->b, bwd);
  LLVMValueRef j = LLVMBuildPhi(L->b, L->t_i32, "j");
  LLVMValueRef j1 = LLVMBuildSub(L->b, j, lower_i32(L, 1), "");
  sp = LLVMBuildGEP2(L->b, L->t_i8, s, &j1, 1, "");
  dp = LLVMBuildGEP2(L->b, L->t_i8, d, &j1, 1, "");
  LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->t_i8, sp, ""), dp);
  LLVMAddIncoming(j, &n, &overlap, 1);
  LLVMAddIncoming(j, &j1, &bwd, 1);
  LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, j1, zero, ""), done, bwd);
  LLVMPositionBuilderAtEnd(L->b, done);
  LLVMBuildRetVoid(L->b);
  LLVMPositionBuilderAtEnd(L->b, here);
  L->memmove_fn = fn;
  return fn;
}

static void memory_copy(LowerCtx *L, uint32_t dst, uint32_t src) {
  LLVMValueRef n = lower_pop(L), s = lower_pop(L), d = lower_pop(L);
  check_range(L, s, n, lower_memory_bytes64(L, src), MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
  check_range(L, d, n, lower_memory_bytes64(L, dst), MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
  LLVMValueRef dp = mem_ptr(L, dst, d), sp = mem_ptr(L, src, s);
  if (dst != src) {
    LLVMBuildMemCpy(L->b, dp, 1, sp, 1, n);
    return;
  }
  lower_memmove(L, dp, sp, n);
}

void lower_memmove(LowerCtx *L, LLVMValueRef d, LLVMValueRef s, LLVMValueRef n) {
  LLVMValueRef fn = memmove_helper(L);
  LLVMValueRef args[3] = {d, s, n};
  LLVMBuildCall2(L->b, LLVMGlobalGetValueType(fn), fn, args, 3, "");
}

static void memory_init(LowerCtx *L, uint32_t seg, uint32_t mem) {
  LLVMValueRef n = lower_pop(L), s = lower_pop(L), d = lower_pop(L);
  LLVMValueRef len = LLVMBuildLoad2(L->b, L->t_i32, lower_data_len(L, seg), "seglen");
  check_range(L, s, n, LLVMBuildZExt(L->b, len, L->t_i64, ""), MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
  check_range(L, d, n, lower_memory_bytes64(L, mem), MELD_TRAP_MEMORY_OUT_OF_BOUNDS);
  if (!L->data_bytes[seg]) return; /* empty: only n = 0 got here */
  LLVMValueRef si = LLVMBuildZExt(L->b, s, L->t_i64, "");
  LLVMValueRef sp = LLVMBuildGEP2(L->b, L->t_i8, L->data_bytes[seg], &si, 1, "");
  LLVMBuildMemCpy(L->b, mem_ptr(L, mem, d), 1, sp, 1, n);
}

int lower_memory(LowerCtx *L, const MeldInstr *in) {
  switch (in->op) {
  case MELD_OP_I32Load: case MELD_OP_I64Load: case MELD_OP_F32Load: case MELD_OP_F64Load:
  case MELD_OP_I32Load8S: case MELD_OP_I32Load8U: case MELD_OP_I32Load16S:
  case MELD_OP_I32Load16U: case MELD_OP_I64Load8S: case MELD_OP_I64Load8U:
  case MELD_OP_I64Load16S: case MELD_OP_I64Load16U: case MELD_OP_I64Load32S:
  case MELD_OP_I64Load32U:
    load(L, in);
    return 1;
  case MELD_OP_I32Store: case MELD_OP_I64Store: case MELD_OP_F32Store: case MELD_OP_F64Store:
  case MELD_OP_I32Store8: case MELD_OP_I32Store16: case MELD_OP_I64Store8:
  case MELD_OP_I64Store16: case MELD_OP_I64Store32:
    store(L, in);
    return 1;
  case MELD_OP_MemorySize: memory_size(L, in->x); return 1;
  case MELD_OP_MemoryGrow: memory_grow(L, in->x); return 1;
  case MELD_OP_MemoryFill: memory_fill(L, in->x); return 1;
  case MELD_OP_MemoryCopy: memory_copy(L, in->x, in->y); return 1;
  case MELD_OP_MemoryInit: memory_init(L, in->x, in->y); return 1;
  case MELD_OP_DataDrop:
    LLVMBuildStore(L->b, lower_i32(L, 0), lower_data_len(L, in->x));
    return 1;
  default: return 0;
  }
}

#endif /* MELDC_HAVE_LLVM */
