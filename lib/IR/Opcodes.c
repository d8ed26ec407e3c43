/*
 * The opcode information table (an expansion of Opcodes.def) and small type helpers.
 */
#include "meldc/Core.h"

const MeldOpInfo meld_op_info[MELD_NUM_OPCODES] = {
#define MELD_OP(code, name, text, imm, sig, width) {0, MELD_IMM_##imm, width, code, text, sig},
#define MELD_OP_PREFIXED(prefix, code, name, text, imm, sig, width)                                \
  {prefix, MELD_IMM_##imm, width, code, text, sig},
#include "meldc/Opcodes.def"
};

bool meld_valtype_valid(uint8_t b) {
  switch (b) {
  case MELD_I32:
  case MELD_I64:
  case MELD_F32:
  case MELD_F64:
  case MELD_V128:
  case MELD_FUNCREF:
  case MELD_EXTERNREF: return true;
  default: return false;
  }
}

bool meld_reftype_valid(uint8_t b) {
  return b == MELD_FUNCREF || b == MELD_EXTERNREF;
}

const char *meld_valtype_name(MeldValType t) {
  switch (t) {
  case MELD_I32: return "i32";
  case MELD_I64: return "i64";
  case MELD_F32: return "f32";
  case MELD_F64: return "f64";
  case MELD_V128: return "v128";
  case MELD_FUNCREF: return "funcref";
  case MELD_EXTERNREF: return "externref";
  default: return "?";
  }
}

const char *meld_extern_kind_name(uint8_t kind) {
  switch (kind) {
  case MELD_EXTERN_FUNC: return "func";
  case MELD_EXTERN_TABLE: return "table";
  case MELD_EXTERN_MEMORY: return "memory";
  case MELD_EXTERN_GLOBAL: return "global";
  default: return "?";
  }
}
