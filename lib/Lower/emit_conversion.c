/*
 * Conversions.
 *
 * Trapping truncations (iNN.trunc_fMM_s/u): a NaN traps with "invalid conversion to integer";
 * a value whose truncation does not fit traps with "integer overflow".  The range test is one
 * pair of ordered compares against the exact float bounds of each case: the lower bound is
 * inclusive where the integer minimum is the first representable value (-2^31 as f32, -2^63), and
 * exclusive at MIN - 1 where the float type has values between (f64 -> i32), and at -1 for the
 * unsigned cases.  Then fptosi/fptoui, now defined.
 * Saturating truncations are llvm.fpto[su]i.sat, which are wasm's trunc_sat exactly (NaN -> 0);
 * on FPv5 they are one vcvt.
 * The rest are LLVM casts: sitofp/uitofp (correctly rounded), fptrunc/fpext (NaNs come out
 * quiet, which wasm allows), bitcasts, trunc/sext/zext.
 */
#include "Lower/LowerInternal.h"

#if MELDC_HAVE_LLVM

typedef struct TruncCase {
  uint16_t op;
  bool is_signed, lo_inclusive;
  double lo, hi; /* exact in the source type */
} TruncCase;

static const TruncCase trunc_cases[] = {
    {MELD_OP_I32TruncF32S, true, true, -2147483648.0, 2147483648.0},
    {MELD_OP_I32TruncF64S, true, false, -2147483649.0, 2147483648.0},
    {MELD_OP_I32TruncF32U, false, false, -1.0, 4294967296.0},
    {MELD_OP_I32TruncF64U, false, false, -1.0, 4294967296.0},
    {MELD_OP_I64TruncF32S, true, true, -9223372036854775808.0, 9223372036854775808.0},
    {MELD_OP_I64TruncF64S, true, true, -9223372036854775808.0, 9223372036854775808.0},
    {MELD_OP_I64TruncF32U, false, false, -1.0, 18446744073709551616.0},
    {MELD_OP_I64TruncF64U, false, false, -1.0, 18446744073709551616.0},
};

static void trunc_trapping(LowerCtx *L, const TruncCase *c, LLVMTypeRef to) {
  LLVMValueRef x = lower_pop(L);
  LLVMTypeRef ft = LLVMTypeOf(x);
  lower_trap_if(L, LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, ""), MELD_TRAP_INVALID_CONVERSION);
  LLVMValueRef lo = LLVMBuildFCmp(L->b, c->lo_inclusive ? LLVMRealOGE : LLVMRealOGT, x,
                                  LLVMConstReal(ft, c->lo), "");
  LLVMValueRef hi = LLVMBuildFCmp(L->b, LLVMRealOLT, x, LLVMConstReal(ft, c->hi), "");
  LLVMValueRef in_range = LLVMBuildAnd(L->b, lo, hi, "");
  lower_trap_if(L, LLVMBuildNot(L->b, in_range, ""), MELD_TRAP_INTEGER_OVERFLOW);
  lower_push(L, c->is_signed ? LLVMBuildFPToSI(L->b, x, to, "") : LLVMBuildFPToUI(L->b, x, to, ""));
}

static void trunc_sat(LowerCtx *L, bool is_signed, LLVMTypeRef to) {
  LLVMValueRef x = lower_pop(L);
  LLVMTypeRef tys[2] = {to, LLVMTypeOf(x)};
  lower_push(L, lower_call_intrinsic(L, is_signed ? "llvm.fptosi.sat" : "llvm.fptoui.sat", tys, 2,
                                     &x, 1));
}

static void cast(LowerCtx *L, LLVMOpcode opc, LLVMTypeRef to) {
  lower_push(L, LLVMBuildCast(L->b, opc, lower_pop(L), to, ""));
}

/* extendN_s: the low N bits, sign-extended in place. */
static void extend_low(LowerCtx *L, unsigned bits) {
  LLVMValueRef a = lower_pop(L);
  LLVMTypeRef t = LLVMTypeOf(a);
  LLVMValueRef low = LLVMBuildTrunc(L->b, a, LLVMIntTypeInContext(L->llctx, bits), "");
  lower_push(L, LLVMBuildSExt(L->b, low, t, ""));
}

int lower_conversion(LowerCtx *L, const MeldInstr *in) {
  for (size_t i = 0; i < sizeof trunc_cases / sizeof trunc_cases[0]; i++)
    if (trunc_cases[i].op == in->op) {
      const char *sig = meld_op_info[in->op].sig;
      trunc_trapping(L, &trunc_cases[i], sig[2] == 'i' ? L->t_i32 : L->t_i64);
      return 1;
    }
  switch (in->op) {
  case MELD_OP_I32TruncSatF32S: case MELD_OP_I32TruncSatF64S: trunc_sat(L, true, L->t_i32); return 1;
  case MELD_OP_I32TruncSatF32U: case MELD_OP_I32TruncSatF64U: trunc_sat(L, false, L->t_i32); return 1;
  case MELD_OP_I64TruncSatF32S: case MELD_OP_I64TruncSatF64S: trunc_sat(L, true, L->t_i64); return 1;
  case MELD_OP_I64TruncSatF32U: case MELD_OP_I64TruncSatF64U: trunc_sat(L, false, L->t_i64); return 1;
  case MELD_OP_I32WrapI64: cast(L, LLVMTrunc, L->t_i32); return 1;
  case MELD_OP_I64ExtendI32S: cast(L, LLVMSExt, L->t_i64); return 1;
  case MELD_OP_I64ExtendI32U: cast(L, LLVMZExt, L->t_i64); return 1;
  case MELD_OP_F32ConvertI32S: case MELD_OP_F32ConvertI64S: cast(L, LLVMSIToFP, L->t_f32); return 1;
  case MELD_OP_F32ConvertI32U: case MELD_OP_F32ConvertI64U: cast(L, LLVMUIToFP, L->t_f32); return 1;
  case MELD_OP_F64ConvertI32S: case MELD_OP_F64ConvertI64S: cast(L, LLVMSIToFP, L->t_f64); return 1;
  case MELD_OP_F64ConvertI32U: case MELD_OP_F64ConvertI64U: cast(L, LLVMUIToFP, L->t_f64); return 1;
  case MELD_OP_F32DemoteF64: cast(L, LLVMFPTrunc, L->t_f32); return 1;
  case MELD_OP_F64PromoteF32: cast(L, LLVMFPExt, L->t_f64); return 1;
  case MELD_OP_I32ReinterpretF32: cast(L, LLVMBitCast, L->t_i32); return 1;
  case MELD_OP_I64ReinterpretF64: cast(L, LLVMBitCast, L->t_i64); return 1;
  case MELD_OP_F32ReinterpretI32: cast(L, LLVMBitCast, L->t_f32); return 1;
  case MELD_OP_F64ReinterpretI64: cast(L, LLVMBitCast, L->t_f64); return 1;
  case MELD_OP_I32Extend8S: case MELD_OP_I64Extend8S: extend_low(L, 8); return 1;
  case MELD_OP_I32Extend16S: case MELD_OP_I64Extend16S: extend_low(L, 16); return 1;
  case MELD_OP_I64Extend32S: extend_low(L, 32); return 1;
  default: return 0;
  }
}

#endif /* MELDC_HAVE_LLVM */
