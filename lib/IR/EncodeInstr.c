/*
 * Instruction encoding in canonical form (minimal LEB128; multi-memory forms only when a
 * memory index is not 0).
 */
#include "meldc/Core.h"

static void memarg(MeldBuf *out, const MeldInstr *in) {
  if (in->x != 0) {
    meld_buf_u32(out, (uint32_t)in->align | 0x40u);
    meld_buf_u32(out, in->x);
  } else {
    meld_buf_u32(out, in->align);
  }
  meld_buf_u64(out, in->offset);
}

void meld_encode_instr(MeldBuf *out, const MeldInstr *in) {
  const MeldOpInfo *info = &meld_op_info[in->op];
  if (info->prefix) {
    meld_buf_byte(out, info->prefix);
    meld_buf_u32(out, info->code);
  } else {
    meld_buf_byte(out, (uint8_t)info->code);
  }
  switch ((MeldImmKind)info->imm) {
  case MELD_IMM_NONE: break;
  case MELD_IMM_BLOCK:
    if (in->btkind == MELD_BT_EMPTY) meld_buf_byte(out, 0x40);
    else if (in->btkind == MELD_BT_VALTYPE) meld_buf_byte(out, (uint8_t)in->x);
    else meld_buf_s64(out, (int64_t)in->x);
    break;
  case MELD_IMM_LABEL:
  case MELD_IMM_FUNC:
  case MELD_IMM_LOCAL:
  case MELD_IMM_GLOBAL:
  case MELD_IMM_TABLE:
  case MELD_IMM_ELEM:
  case MELD_IMM_DATA:
  case MELD_IMM_MEMORY: meld_buf_u32(out, in->x); break;
  case MELD_IMM_CALL_INDIRECT:
  case MELD_IMM_TABLE_TABLE:
  case MELD_IMM_ELEM_TABLE:
  case MELD_IMM_MEMORY_MEMORY:
  case MELD_IMM_DATA_MEMORY:
    meld_buf_u32(out, in->x);
    meld_buf_u32(out, in->y);
    break;
  case MELD_IMM_BR_TABLE:
    meld_buf_u32(out, in->x);
    for (uint32_t i = 0; i <= in->x; i++) meld_buf_u32(out, in->labels[i]);
    break;
  case MELD_IMM_MEMARG: memarg(out, in); break;
  case MELD_IMM_MEMARG_LANE:
    memarg(out, in);
    meld_buf_byte(out, in->lane);
    break;
  case MELD_IMM_I32: meld_buf_s32(out, in->i32); break;
  case MELD_IMM_I64: meld_buf_s64(out, in->i64); break;
  case MELD_IMM_F32: meld_buf_le32(out, in->f32); break;
  case MELD_IMM_F64: meld_buf_le64(out, in->f64); break;
  case MELD_IMM_REFTYPE: meld_buf_byte(out, (uint8_t)in->x); break;
  case MELD_IMM_SELECT_T:
    meld_buf_u32(out, 1);
    meld_buf_byte(out, (uint8_t)in->x);
    break;
  case MELD_IMM_V128:
  case MELD_IMM_SHUFFLE: meld_buf_bytes(out, in->v128, 16); break;
  case MELD_IMM_LANE: meld_buf_byte(out, in->lane); break;
  case MELD_IMM_FENCE: meld_buf_byte(out, 0); break;
  case MELD_NUM_IMM_KINDS: break;
  }
}

void meld_encode_instrs(MeldBuf *out, const MeldInstr *in, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) meld_encode_instr(out, &in[i]);
}
