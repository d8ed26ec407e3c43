/*
 * The Canonical ABI of resolved value types (CanonicalABI.md, "Alignment", "Element Size",
 * "Flattening"), for 32-bit memories: what `adapter` lays out and flattens, and what resolve
 * uses to give entries and host imports/exports their core signatures.  Specialized types are
 * handled as their despecialization (tuple as record, enum and option and result as variant,
 * map as list of tuples) without building the expansion.
 */
#include "meldc/Fuse.h"

#include <assert.h>

const char *meld_val_kind_name(uint8_t kind) {
  static const char *const names[MELD_NUM_VAL_KINDS] = {
      "bool",  "s8",      "u8",     "s16",  "u16",    "s32",    "u32",   "s64",
      "u64",   "f32",     "f64",    "char", "string", "list",   "list",  "record",
      "tuple", "variant", "enum",   "option", "result", "flags", "map",  "own",
      "borrow", "stream", "future", "error-context"};
  return kind < MELD_NUM_VAL_KINDS ? names[kind] : "?";
}

static uint32_t align_to(uint32_t v, uint32_t a) {
  return (v + a - 1) / a * a;
}

uint32_t meld_abi_disc_size(uint32_t n) {
  return n <= 256 ? 1 : n <= 65536 ? 2 : 4;
}

static uint32_t flags_size(uint32_t n) {
  return n <= 8 ? 1 : n <= 16 ? 2 : 4;
}

uint32_t meld_abi_ncases(const MeldValTy *t) {
  switch (t->kind) {
  case MELD_VT_VARIANT:
  case MELD_VT_ENUM: return t->n;
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: return 2;
  default: return 0;
  }
}

const MeldValTy *meld_abi_case(const MeldValTy *t, uint32_t i) {
  switch (t->kind) {
  case MELD_VT_VARIANT: return t->types[i];
  case MELD_VT_OPTION: return i == 1 ? t->a : NULL;
  case MELD_VT_RESULT: return i == 0 ? t->a : t->b;
  default: return NULL;
  }
}

static uint32_t max_case_alignment(const MeldValTy *t) {
  uint32_t a = 1, n = meld_abi_ncases(t);
  for (uint32_t i = 0; i < n; i++) {
    const MeldValTy *p = meld_abi_case(t, i);
    if (p) {
      uint32_t pa = meld_abi_alignment(p);
      if (pa > a) a = pa;
    }
  }
  return a;
}

uint32_t meld_abi_payload_offset(const MeldValTy *t) {
  return align_to(meld_abi_disc_size(meld_abi_ncases(t)), max_case_alignment(t));
}

uint32_t meld_abi_alignment(const MeldValTy *t) {
  switch ((MeldValKind)t->kind) {
  case MELD_VT_BOOL:
  case MELD_VT_S8:
  case MELD_VT_U8: return 1;
  case MELD_VT_S16:
  case MELD_VT_U16: return 2;
  case MELD_VT_S32:
  case MELD_VT_U32:
  case MELD_VT_F32:
  case MELD_VT_CHAR: return 4;
  case MELD_VT_S64:
  case MELD_VT_U64:
  case MELD_VT_F64: return 8;
  case MELD_VT_STRING:
  case MELD_VT_LIST:
  case MELD_VT_MAP: return 4;
  case MELD_VT_FIXED_LIST: return meld_abi_alignment(t->a);
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE: {
    uint32_t a = 1;
    for (uint32_t i = 0; i < t->n; i++) {
      uint32_t fa = meld_abi_alignment(t->types[i]);
      if (fa > a) a = fa;
    }
    return a;
  }
  case MELD_VT_VARIANT:
  case MELD_VT_ENUM:
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: {
    uint32_t d = meld_abi_disc_size(meld_abi_ncases(t)), c = max_case_alignment(t);
    return d > c ? d : c;
  }
  case MELD_VT_FLAGS: return flags_size(t->n);
  case MELD_VT_OWN:
  case MELD_VT_BORROW:
  case MELD_VT_STREAM:
  case MELD_VT_FUTURE:
  case MELD_VT_ERROR_CONTEXT: return 4;
  case MELD_NUM_VAL_KINDS: break;
  }
  assert(!"unknown value kind");
  return 1;
}

uint32_t meld_abi_size(const MeldValTy *t) {
  switch ((MeldValKind)t->kind) {
  case MELD_VT_STRING:
  case MELD_VT_LIST:
  case MELD_VT_MAP: return 8;
  case MELD_VT_FIXED_LIST: return t->n * meld_abi_size(t->a);
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE: {
    uint32_t s = 0;
    for (uint32_t i = 0; i < t->n; i++) {
      s = align_to(s, meld_abi_alignment(t->types[i]));
      s += meld_abi_size(t->types[i]);
    }
    return align_to(s, meld_abi_alignment(t));
  }
  case MELD_VT_VARIANT:
  case MELD_VT_ENUM:
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: {
    uint32_t n = meld_abi_ncases(t);
    uint32_t s = align_to(meld_abi_disc_size(n), max_case_alignment(t));
    uint32_t cs = 0;
    for (uint32_t i = 0; i < n; i++) {
      const MeldValTy *p = meld_abi_case(t, i);
      if (p) {
        uint32_t ps = meld_abi_size(p);
        if (ps > cs) cs = ps;
      }
    }
    return align_to(s + cs, meld_abi_alignment(t));
  }
  case MELD_VT_FLAGS: return flags_size(t->n);
  default: return meld_abi_alignment(t); /* scalars and handles: size = alignment */
  }
}

static MeldValType join(MeldValType a, MeldValType b) {
  if (a == b) return a;
  if ((a == MELD_I32 && b == MELD_F32) || (a == MELD_F32 && b == MELD_I32)) return MELD_I32;
  return MELD_I64;
}

static uint32_t flat_count(const MeldValTy *t);

/* The i-th flat type of t (i < flat_count(t)). */
static MeldValType flat_type_at(const MeldValTy *t, uint32_t i) {
  switch ((MeldValKind)t->kind) {
  case MELD_VT_S64:
  case MELD_VT_U64: return MELD_I64;
  case MELD_VT_F32: return MELD_F32;
  case MELD_VT_F64: return MELD_F64;
  case MELD_VT_FIXED_LIST: {
    uint32_t c = flat_count(t->a); /* never 0 for a valid type; guarded all the same */
    return c ? flat_type_at(t->a, i % c) : MELD_I32;
  }
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE:
    for (uint32_t f = 0; f < t->n; f++) {
      uint32_t c = flat_count(t->types[f]);
      if (i < c) return flat_type_at(t->types[f], i);
      i -= c;
    }
    break;
  case MELD_VT_VARIANT:
  case MELD_VT_ENUM:
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: {
    if (i == 0) return MELD_I32; /* the discriminant */
    i -= 1;
    bool any = false;
    MeldValType r = MELD_I32;
    for (uint32_t c = 0; c < meld_abi_ncases(t); c++) {
      const MeldValTy *p = meld_abi_case(t, c);
      if (!p || i >= flat_count(p)) continue;
      MeldValType ft = flat_type_at(p, i);
      r = any ? join(r, ft) : ft;
      any = true;
    }
    return r;
  }
  default: break; /* one i32: bool, small integers, char, flags, handles; strings and lists */
  }
  return MELD_I32;
}

static uint32_t flat_count(const MeldValTy *t) {
  switch ((MeldValKind)t->kind) {
  case MELD_VT_STRING:
  case MELD_VT_LIST:
  case MELD_VT_MAP: return 2;
  case MELD_VT_FIXED_LIST: return t->n * flat_count(t->a);
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE: {
    uint32_t n = 0;
    for (uint32_t f = 0; f < t->n; f++) n += flat_count(t->types[f]);
    return n;
  }
  case MELD_VT_VARIANT:
  case MELD_VT_ENUM:
  case MELD_VT_OPTION:
  case MELD_VT_RESULT: {
    uint32_t w = 0;
    for (uint32_t c = 0; c < meld_abi_ncases(t); c++) {
      const MeldValTy *p = meld_abi_case(t, c);
      uint32_t k = p ? flat_count(p) : 0;
      if (k > w) w = k;
    }
    return 1 + w;
  }
  default: return 1;
  }
}

uint32_t meld_abi_flatten(const MeldValTy *t, MeldValType *out, uint32_t cap) {
  uint32_t n = flat_count(t);
  for (uint32_t i = 0; i < n && i < cap; i++) out[i] = flat_type_at(t, i);
  return n;
}

static bool contains(const MeldValTy *t, uint32_t kinds) {
  if (!t) return false;
  if (kinds & (1u << t->kind)) return true;
  switch ((MeldValKind)t->kind) {
  case MELD_VT_LIST:
  case MELD_VT_FIXED_LIST:
  case MELD_VT_OPTION:
  case MELD_VT_STREAM:
  case MELD_VT_FUTURE: return contains(t->a, kinds);
  case MELD_VT_RESULT:
  case MELD_VT_MAP: return contains(t->a, kinds) || contains(t->b, kinds);
  case MELD_VT_RECORD:
  case MELD_VT_TUPLE:
  case MELD_VT_VARIANT:
    for (uint32_t i = 0; i < t->n; i++)
      if (contains(t->types[i], kinds)) return true;
    return false;
  default: return false;
  }
}

bool meld_abi_needs_memory(const MeldValTy *t) {
  return contains(t, 1u << MELD_VT_STRING | 1u << MELD_VT_LIST | 1u << MELD_VT_MAP);
}

bool meld_abi_has_handles(const MeldValTy *t) {
  return contains(t, 1u << MELD_VT_OWN | 1u << MELD_VT_BORROW);
}

bool meld_abi_has_async(const MeldValTy *t) {
  return contains(t, 1u << MELD_VT_STREAM | 1u << MELD_VT_FUTURE | 1u << MELD_VT_ERROR_CONTEXT);
}

void meld_abi_core_sig(const MeldFuncSig *sig, MeldAbiContext context, MeldCoreSig *out) {
  MeldValType params[MELD_MAX_FLAT_PARAMS] = {0};
  uint32_t np = 0;
  for (uint32_t i = 0; i < sig->nparams; i++) {
    uint32_t k = np < MELD_MAX_FLAT_PARAMS ? MELD_MAX_FLAT_PARAMS - np : 0;
    np += meld_abi_flatten(sig->params[i], params + (np < MELD_MAX_FLAT_PARAMS ? np : 0),
                           np < MELD_MAX_FLAT_PARAMS ? k : 0);
  }
  MeldValType results[MELD_MAX_FLAT_RESULTS] = {0};
  uint32_t nr = sig->result ? meld_abi_flatten(sig->result, results, MELD_MAX_FLAT_RESULTS) : 0;
  out->params_spilled = np > MELD_MAX_FLAT_PARAMS;
  out->result_spilled = nr > MELD_MAX_FLAT_RESULTS;
  out->nparams = 0;
  out->nresults = 0;
  if (out->params_spilled) {
    out->params[out->nparams++] = MELD_I32;
  } else {
    for (uint32_t i = 0; i < np; i++) out->params[out->nparams++] = params[i];
  }
  if (out->result_spilled) {
    if (context == MELD_CONTEXT_LIFT) out->results[out->nresults++] = MELD_I32;
    else out->params[out->nparams++] = MELD_I32;
  } else {
    for (uint32_t i = 0; i < nr; i++) out->results[out->nresults++] = results[i];
  }
}

void meld_abi_host_needs(const MeldFuncSig *sig, MeldAbiContext context, bool *memory,
                         bool *realloc) {
  MeldCoreSig cs;
  meld_abi_core_sig(sig, context, &cs);
  bool params_mem = false;
  for (uint32_t p = 0; p < sig->nparams; p++) params_mem |= meld_abi_needs_memory(sig->params[p]);
  bool result_mem = sig->result && meld_abi_needs_memory(sig->result);
  *memory = cs.params_spilled || cs.result_spilled || params_mem || result_mem;
  *realloc = context == MELD_CONTEXT_LIFT ? cs.params_spilled || params_mem : result_mem;
}

/* ---- Printing (WIT syntax) ---- */

void meld_valty_print(const MeldValTy *t, MeldBuf *out) {
  if (!t) {
    meld_buf_cstr(out, "_");
    return;
  }
  switch ((MeldValKind)t->kind) {
  case MELD_VT_LIST:
  case MELD_VT_OPTION:
  case MELD_VT_STREAM:
  case MELD_VT_FUTURE:
    meld_buf_cstr(out, meld_val_kind_name(t->kind));
    if (t->a) {
      meld_buf_byte(out, '<');
      meld_valty_print(t->a, out);
      meld_buf_byte(out, '>');
    }
    return;
  case MELD_VT_FIXED_LIST:
    meld_buf_cstr(out, "list<");
    meld_valty_print(t->a, out);
    meld_buf_printf(out, ", %u>", t->n);
    return;
  case MELD_VT_RESULT:
    meld_buf_cstr(out, "result");
    if (t->a || t->b) {
      meld_buf_byte(out, '<');
      meld_valty_print(t->a, out);
      if (t->b) {
        meld_buf_cstr(out, ", ");
        meld_valty_print(t->b, out);
      }
      meld_buf_byte(out, '>');
    }
    return;
  case MELD_VT_MAP:
    meld_buf_cstr(out, "map<");
    meld_valty_print(t->a, out);
    meld_buf_cstr(out, ", ");
    meld_valty_print(t->b, out);
    meld_buf_byte(out, '>');
    return;
  case MELD_VT_TUPLE:
    meld_buf_cstr(out, "tuple<");
    for (uint32_t i = 0; i < t->n; i++) {
      if (i) meld_buf_cstr(out, ", ");
      meld_valty_print(t->types[i], out);
    }
    meld_buf_byte(out, '>');
    return;
  case MELD_VT_RECORD:
  case MELD_VT_VARIANT:
    meld_buf_cstr(out, meld_val_kind_name(t->kind));
    meld_buf_cstr(out, " { ");
    for (uint32_t i = 0; i < t->n; i++) {
      if (i) meld_buf_cstr(out, ", ");
      meld_buf_bytes(out, t->labels[i].ptr, t->labels[i].len);
      if (t->types[i]) {
        meld_buf_cstr(out, t->kind == MELD_VT_RECORD ? ": " : "(");
        meld_valty_print(t->types[i], out);
        if (t->kind == MELD_VT_VARIANT) meld_buf_byte(out, ')');
      }
    }
    meld_buf_cstr(out, " }");
    return;
  case MELD_VT_ENUM:
  case MELD_VT_FLAGS:
    meld_buf_cstr(out, meld_val_kind_name(t->kind));
    meld_buf_cstr(out, " { ");
    for (uint32_t i = 0; i < t->n; i++) {
      if (i) meld_buf_cstr(out, ", ");
      meld_buf_bytes(out, t->labels[i].ptr, t->labels[i].len);
    }
    meld_buf_cstr(out, " }");
    return;
  case MELD_VT_OWN:
  case MELD_VT_BORROW:
    meld_buf_printf(out, "%s<resource %u>", meld_val_kind_name(t->kind), t->resource);
    return;
  default: meld_buf_cstr(out, meld_val_kind_name(t->kind)); return;
  }
}

void meld_funcsig_print(const MeldFuncSig *sig, MeldBuf *out) {
  meld_buf_cstr(out, sig->async ? "async func(" : "func(");
  for (uint32_t i = 0; i < sig->nparams; i++) {
    if (i) meld_buf_cstr(out, ", ");
    if (sig->param_names) {
      meld_buf_bytes(out, sig->param_names[i].ptr, sig->param_names[i].len);
      meld_buf_cstr(out, ": ");
    }
    meld_valty_print(sig->params[i], out);
  }
  meld_buf_byte(out, ')');
  if (sig->result) {
    meld_buf_cstr(out, " -> ");
    meld_valty_print(sig->result, out);
  }
}
