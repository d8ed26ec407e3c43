/*
 * Integer and float arithmetic and comparisons.
 *
 * Integers: division and remainder trap on a zero divisor, signed division on INT_MIN / -1
 * (LLVM's sdiv/srem are undefined there, so the checks come first; INT_MIN rem -1 is 0 in wasm,
 * computed as rem by 1).  Shift counts are taken modulo the width; rotations are funnel shifts;
 * clz/ctz are defined at zero.
 *
 * Floats: add/sub/mul/div/sqrt and the rounding functions are LLVM's IEEE operations, which
 * return an arithmetic NaN for NaN operands as wasm requires (a canonical NaN when all NaN
 * operands are canonical).  nearest is llvm.nearbyint (round to nearest even in the default
 * mode; vrintr on FPv5, while llvm.roundeven would be a libcall).  abs, neg and copysign are
 * bitwise (LLVM's fabs/fneg/copysign never touch the payload).  min and max are written out:
 * llvm.minimum/maximum.f64 crash llc on ARM (LLVM issue 140445), and the written-out form gives
 * the same code for f32 and f64:
 *     NaN operand      -> a + b (an arithmetic NaN, quiet)
 *     a == b           -> bits(a) | bits(b) for min, & for max (so min(-0, +0) = -0)
 *     otherwise        -> a < b ? a : b   (max: a > b ? a : b)
 */
#include "Lower/LowerInternal.h"

#if MELDC_HAVE_LLVM

#include <string.h>

static LLVMValueRef bool_i32(LowerCtx *L, LLVMValueRef c) {
  return LLVMBuildZExt(L->b, c, L->t_i32, "");
}

static void icmp(LowerCtx *L, LLVMIntPredicate p) {
  LLVMValueRef b = lower_pop(L), a = lower_pop(L);
  lower_push(L, bool_i32(L, LLVMBuildICmp(L->b, p, a, b, "")));
}

static void fcmp(LowerCtx *L, LLVMRealPredicate p) {
  LLVMValueRef b = lower_pop(L), a = lower_pop(L);
  lower_push(L, bool_i32(L, LLVMBuildFCmp(L->b, p, a, b, "")));
}

static void bitcount(LowerCtx *L, const char *name) {
  LLVMValueRef a = lower_pop(L);
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[2] = {a, LLVMConstInt(L->t_i1, 0, false)};
  unsigned nargs = strcmp(name, "llvm.ctpop") == 0 ? 1 : 2; /* ctpop: no is_zero_poison */
  lower_push(L, lower_call_intrinsic(L, name, &t, 1, args, nargs));
}

static void divrem(LowerCtx *L, MeldOpcode op) {
  LLVMValueRef b = lower_pop(L), a = lower_pop(L);
  LLVMTypeRef t = LLVMTypeOf(a);
  unsigned bits = LLVMGetIntTypeWidth(t);
  LLVMValueRef zero = LLVMConstNull(t), minus1 = LLVMConstAllOnes(t);
  lower_trap_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, b, zero, ""), MELD_TRAP_INTEGER_DIVIDE_BY_ZERO);
  bool div_s = op == MELD_OP_I32DivS || op == MELD_OP_I64DivS;
  bool rem_s = op == MELD_OP_I32RemS || op == MELD_OP_I64RemS;
  LLVMValueRef r;
  if (div_s) {
    LLVMValueRef min = LLVMConstInt(t, 1ull << (bits - 1), false);
    LLVMValueRef ovf = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, a, min, ""),
                                    LLVMBuildICmp(L->b, LLVMIntEQ, b, minus1, ""), "");
    lower_trap_if(L, ovf, MELD_TRAP_INTEGER_OVERFLOW);
    r = LLVMBuildSDiv(L->b, a, b, "");
  } else if (rem_s) {
    LLVMValueRef safe = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, b, minus1, ""),
                                        LLVMConstInt(t, 1, false), b, "");
    r = LLVMBuildSRem(L->b, a, safe, "");
  } else if (op == MELD_OP_I32DivU || op == MELD_OP_I64DivU) {
    r = LLVMBuildUDiv(L->b, a, b, "");
  } else {
    r = LLVMBuildURem(L->b, a, b, "");
  }
  lower_push(L, r);
}

static void shift(LowerCtx *L, LLVMOpcode opc) {
  LLVMValueRef b = lower_pop(L), a = lower_pop(L);
  LLVMTypeRef t = LLVMTypeOf(a);
  b = LLVMBuildAnd(L->b, b, LLVMConstInt(t, LLVMGetIntTypeWidth(t) - 1, false), "");
  lower_push(L, LLVMBuildBinOp(L->b, opc, a, b, ""));
}

static void rotate(LowerCtx *L, const char *name) {
  LLVMValueRef b = lower_pop(L), a = lower_pop(L);
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[3] = {a, a, b};
  lower_push(L, lower_call_intrinsic(L, name, &t, 1, args, 3));
}

static void binop(LowerCtx *L, LLVMOpcode opc) {
  LLVMValueRef b = lower_pop(L), a = lower_pop(L);
  lower_push(L, LLVMBuildBinOp(L->b, opc, a, b, ""));
}

static void funary(LowerCtx *L, const char *name) {
  LLVMValueRef a = lower_pop(L);
  LLVMTypeRef t = LLVMTypeOf(a);
  lower_push(L, lower_call_intrinsic(L, name, &t, 1, &a, 1));
}

static void fcopysign(LowerCtx *L) {
  LLVMValueRef b = lower_pop(L), a = lower_pop(L);
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef args[2] = {a, b};
  lower_push(L, lower_call_intrinsic(L, "llvm.copysign", &t, 1, args, 2));
}

static void minmax(LowerCtx *L, bool is_min) {
  LLVMValueRef b = lower_pop(L), a = lower_pop(L);
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMTypeRef it = t == L->t_f32 ? L->t_i32 : L->t_i64;
  LLVMValueRef pick = LLVMBuildSelect(
      L->b, LLVMBuildFCmp(L->b, is_min ? LLVMRealOLT : LLVMRealOGT, a, b, ""), a, b, "");
  LLVMValueRef ai = LLVMBuildBitCast(L->b, a, it, ""), bi = LLVMBuildBitCast(L->b, b, it, "");
  LLVMValueRef same = LLVMBuildBitCast(
      L->b, is_min ? LLVMBuildOr(L->b, ai, bi, "") : LLVMBuildAnd(L->b, ai, bi, ""), t, "");
  pick = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, a, b, ""), same, pick, "");
  LLVMValueRef nan = LLVMBuildFAdd(L->b, a, b, "");
  lower_push(L, LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, a, b, ""), nan, pick,
                                is_min ? "min" : "max"));
}

int lower_numeric(LowerCtx *L, const MeldInstr *in) {
  switch (in->op) {
  case MELD_OP_I32Eqz:
  case MELD_OP_I64Eqz: {
    LLVMValueRef a = lower_pop(L);
    lower_push(L, bool_i32(L, LLVMBuildICmp(L->b, LLVMIntEQ, a, LLVMConstNull(LLVMTypeOf(a)), "")));
    return 1;
  }
  case MELD_OP_I32Eq: case MELD_OP_I64Eq: icmp(L, LLVMIntEQ); return 1;
  case MELD_OP_I32Ne: case MELD_OP_I64Ne: icmp(L, LLVMIntNE); return 1;
  case MELD_OP_I32LtS: case MELD_OP_I64LtS: icmp(L, LLVMIntSLT); return 1;
  case MELD_OP_I32LtU: case MELD_OP_I64LtU: icmp(L, LLVMIntULT); return 1;
  case MELD_OP_I32GtS: case MELD_OP_I64GtS: icmp(L, LLVMIntSGT); return 1;
  case MELD_OP_I32GtU: case MELD_OP_I64GtU: icmp(L, LLVMIntUGT); return 1;
  case MELD_OP_I32LeS: case MELD_OP_I64LeS: icmp(L, LLVMIntSLE); return 1;
  case MELD_OP_I32LeU: case MELD_OP_I64LeU: icmp(L, LLVMIntULE); return 1;
  case MELD_OP_I32GeS: case MELD_OP_I64GeS: icmp(L, LLVMIntSGE); return 1;
  case MELD_OP_I32GeU: case MELD_OP_I64GeU: icmp(L, LLVMIntUGE); return 1;
  case MELD_OP_F32Eq: case MELD_OP_F64Eq: fcmp(L, LLVMRealOEQ); return 1;
  case MELD_OP_F32Ne: case MELD_OP_F64Ne: fcmp(L, LLVMRealUNE); return 1;
  case MELD_OP_F32Lt: case MELD_OP_F64Lt: fcmp(L, LLVMRealOLT); return 1;
  case MELD_OP_F32Gt: case MELD_OP_F64Gt: fcmp(L, LLVMRealOGT); return 1;
  case MELD_OP_F32Le: case MELD_OP_F64Le: fcmp(L, LLVMRealOLE); return 1;
  case MELD_OP_F32Ge: case MELD_OP_F64Ge: fcmp(L, LLVMRealOGE); return 1;
  case MELD_OP_I32Clz: case MELD_OP_I64Clz: bitcount(L, "llvm.ctlz"); return 1;
  case MELD_OP_I32Ctz: case MELD_OP_I64Ctz: bitcount(L, "llvm.cttz"); return 1;
  case MELD_OP_I32Popcnt: case MELD_OP_I64Popcnt: bitcount(L, "llvm.ctpop"); return 1;
  case MELD_OP_I32Add: case MELD_OP_I64Add: binop(L, LLVMAdd); return 1;
  case MELD_OP_I32Sub: case MELD_OP_I64Sub: binop(L, LLVMSub); return 1;
  case MELD_OP_I32Mul: case MELD_OP_I64Mul: binop(L, LLVMMul); return 1;
  case MELD_OP_I32And: case MELD_OP_I64And: binop(L, LLVMAnd); return 1;
  case MELD_OP_I32Or: case MELD_OP_I64Or: binop(L, LLVMOr); return 1;
  case MELD_OP_I32Xor: case MELD_OP_I64Xor: binop(L, LLVMXor); return 1;
  case MELD_OP_I32DivS: case MELD_OP_I32DivU: case MELD_OP_I32RemS: case MELD_OP_I32RemU:
  case MELD_OP_I64DivS: case MELD_OP_I64DivU: case MELD_OP_I64RemS: case MELD_OP_I64RemU:
    divrem(L, (MeldOpcode)in->op);
    return 1;
  case MELD_OP_I32Shl: case MELD_OP_I64Shl: shift(L, LLVMShl); return 1;
  case MELD_OP_I32ShrS: case MELD_OP_I64ShrS: shift(L, LLVMAShr); return 1;
  case MELD_OP_I32ShrU: case MELD_OP_I64ShrU: shift(L, LLVMLShr); return 1;
  case MELD_OP_I32Rotl: case MELD_OP_I64Rotl: rotate(L, "llvm.fshl"); return 1;
  case MELD_OP_I32Rotr: case MELD_OP_I64Rotr: rotate(L, "llvm.fshr"); return 1;
  case MELD_OP_F32Abs: case MELD_OP_F64Abs: funary(L, "llvm.fabs"); return 1;
  case MELD_OP_F32Neg: case MELD_OP_F64Neg:
    lower_push(L, LLVMBuildFNeg(L->b, lower_pop(L), ""));
    return 1;
  case MELD_OP_F32Ceil: case MELD_OP_F64Ceil: funary(L, "llvm.ceil"); return 1;
  case MELD_OP_F32Floor: case MELD_OP_F64Floor: funary(L, "llvm.floor"); return 1;
  case MELD_OP_F32Trunc: case MELD_OP_F64Trunc: funary(L, "llvm.trunc"); return 1;
  case MELD_OP_F32Nearest: case MELD_OP_F64Nearest: funary(L, "llvm.nearbyint"); return 1;
  case MELD_OP_F32Sqrt: case MELD_OP_F64Sqrt: funary(L, "llvm.sqrt"); return 1;
  case MELD_OP_F32Add: case MELD_OP_F64Add: binop(L, LLVMFAdd); return 1;
  case MELD_OP_F32Sub: case MELD_OP_F64Sub: binop(L, LLVMFSub); return 1;
  case MELD_OP_F32Mul: case MELD_OP_F64Mul: binop(L, LLVMFMul); return 1;
  case MELD_OP_F32Div: case MELD_OP_F64Div: binop(L, LLVMFDiv); return 1;
  case MELD_OP_F32Min: case MELD_OP_F64Min: minmax(L, true); return 1;
  case MELD_OP_F32Max: case MELD_OP_F64Max: minmax(L, false); return 1;
  case MELD_OP_F32Copysign: case MELD_OP_F64Copysign: fcopysign(L); return 1;
  default: return 0;
  }
}

#endif /* MELDC_HAVE_LLVM */
