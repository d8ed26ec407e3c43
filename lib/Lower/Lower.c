/*
 * The backend's entry point: a verified core module in, an object (or assembly, or LLVM IR) and
 * a C header out.
 *
 * meld_lower_module builds one LLVM module (emit_module.c declares the module's entities,
 * emit_function.c translates each body, emit_module.c then writes the init function and the
 * export wrappers), verifies it, runs LLVM's own new-pass-manager pipeline at the requested
 * level ("default<O2>", ...), and hands it to the target machine.  Everything LLVM reports is
 * copied into a diagnostic before LLVM's string is disposed of (house style 13).
 *
 * This file also holds what every family shares: symbols (sanitising, collision checks), value
 * types, intrinsics, and the trap blocks.
 */
#include "meldc/Lower.h"

#include "Lower/LowerInternal.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void meld_lower_options_init(MeldLowerOptions *o, const char *prefix) {
  memset(o, 0, sizeof *o);
  o->emit = MELD_LOWER_EMIT_OBJ;
  o->opt_level = '2';
  o->prefix = prefix;
  o->bounds_checks = true;
  o->stack_check = true;
  o->table_reserve = MELD_LOWER_DEFAULT_TABLE_RESERVE;
}

void meld_lower_sanitise(MeldBuf *out, MeldStr s) {
  for (uint32_t i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_';
    meld_buf_byte(out, ok ? (uint8_t)c : (uint8_t)'_');
  }
}

static bool is_ident(const char *s, size_t n) {
  if (n == 0 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

bool meld_lower_parse_import_map(MeldContext *ctx, MeldArena *arena, const char *file,
                                 const char *text, size_t len, MeldImportMapEntry **entries,
                                 uint32_t *nentries) {
  MeldImportMapEntry *items = NULL;
  uint32_t n = 0, cap = 0;
  uint32_t line = 0;
  size_t i = 0;
  while (i < len) {
    line++;
    size_t eol = i;
    while (eol < len && text[eol] != '\n') eol++;
    const char *words[4];
    size_t wlen[4];
    int nw = 0;
    size_t j = i;
    while (j < eol) {
      while (j < eol && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) j++;
      if (j >= eol) break;
      size_t k = j;
      while (k < eol && text[k] != ' ' && text[k] != '\t' && text[k] != '\r') k++;
      if (nw < 4) {
        words[nw] = text + j;
        wlen[nw] = k - j;
      }
      nw++;
      j = k;
    }
    if (nw > 0 && words[0][0] != '#') {
      if (nw != 3) {
        meld_error(ctx, file, MELD_NO_OFFSET,
                   "line %u: expected 'module field c_symbol', found %d word%s", line, nw,
                   nw == 1 ? "" : "s");
        return false;
      }
      if (!is_ident(words[2], wlen[2])) {
        meld_error(ctx, file, MELD_NO_OFFSET, "line %u: '%.*s' is not a C identifier", line,
                   (int)wlen[2], words[2]);
        return false;
      }
      MeldImportMapEntry *e = MELD_PUSH(arena, items, n, cap);
      if (!e) {
        meld_error(ctx, file, MELD_NO_OFFSET, "out of memory");
        return false;
      }
      e->module = (MeldStr){words[0], (uint32_t)wlen[0]};
      e->field = (MeldStr){words[1], (uint32_t)wlen[1]};
      e->symbol = (MeldStr){words[2], (uint32_t)wlen[2]};
    }
    i = eol + 1;
  }
  *entries = items;
  *nentries = n;
  return true;
}

#if !MELDC_HAVE_LLVM
/* In the library: with LLVM, lib/Support/LowerPlugin.c loads the backend (this file and the
 * emit_*.c files built as libmeldc-lower.so) when lowering runs; without LLVM: */
#if !MELDC_LOWER_LOADER

bool meld_lower_available(void) {
  return false;
}

const char *meld_lower_unavailable_reason(void) {
  return "this meldc was built without LLVM 19 (install llvm-19-dev and reconfigure)";
}

bool meld_lower_module(MeldContext *ctx, const MeldModule *m, const MeldLowerOptions *o,
                       MeldBuf *out, MeldBuf *header) {
  (void)m, (void)o, (void)out, (void)header;
  meld_error(ctx, NULL, MELD_NO_OFFSET,
             "this meldc was built without LLVM 19: lowering (--emit=obj|asm|llvm) is unavailable");
  return false;
}

#endif
#else

#include <llvm-c/Analysis.h>
#include <llvm-c/Transforms/PassBuilder.h>

bool meld_lower_available(void) {
  return true;
}

bool lower_fail(LowerCtx *L, uint64_t at, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  meld_error(L->ctx, L->file, at, "%s", msg);
  return false;
}

/* "function 12 ($name)" or "function 12", for messages. */
void lower_func_label(LowerCtx *L, uint32_t fidx, char *buf, size_t size) {
  const MeldNameMap *names = &L->m->names.funcs;
  for (uint32_t i = 0; i < names->nitems; i++)
    if (names->items[i].index == fidx) {
      snprintf(buf, size, "function %u ($%.*s)", fidx, (int)names->items[i].name.len,
               names->items[i].name.ptr);
      return;
    }
  for (uint32_t i = 0; i < L->m->nexports; i++)
    if (L->m->exports[i].kind == MELD_EXTERN_FUNC && L->m->exports[i].index == fidx) {
      snprintf(buf, size, "function %u (export \"%.*s\")", fidx,
               (int)L->m->exports[i].name.len, L->m->exports[i].name.ptr);
      return;
    }
  snprintf(buf, size, "function %u", fidx);
}

/* A formatted string in the lowering arena (NULL on allocation failure). */
const char *lower_name(LowerCtx *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *s = meld_arena_alloc(&L->arena, (size_t)n + 1);
  if (!s) return NULL;
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

bool lower_claim_symbol(LowerCtx *L, const char *sym, const char *what, uint64_t at) {
  MeldStr s = meld_str(sym);
  for (uint32_t i = 0; i < L->nsymbols; i++)
    if (meld_str_eq(L->symbols[i].name, s))
      return lower_fail(L, at, "C symbol '%s' of %s is already used by %s (C names keep "
                               "[A-Za-z0-9_] and turn other bytes into '_'; rename one, or give an "
                               "import its own symbol with --import-map)",
                        sym, what, L->symbols[i].what);
  LSymbol *slot = MELD_PUSH(&L->arena, L->symbols, L->nsymbols, L->capsymbols);
  if (!slot) return lower_fail(L, MELD_NO_OFFSET, "out of memory");
  slot->name = meld_str_dup(&L->arena, s);
  slot->what = lower_name(L, "%s", what);
  return slot->name.ptr && slot->what;
}

LLVMTypeRef lower_valtype(LowerCtx *L, MeldValType t) {
  switch (t) {
  case MELD_I32: return L->t_i32;
  case MELD_I64: return L->t_i64;
  case MELD_F32: return L->t_f32;
  case MELD_F64: return L->t_f64;
  default: return L->t_ptr; /* funcref, externref (v128 is refused before) */
  }
}

LLVMValueRef lower_zero(LowerCtx *L, MeldValType t) {
  return LLVMConstNull(lower_valtype(L, t));
}

LLVMValueRef lower_i32(LowerCtx *L, uint64_t v) {
  return LLVMConstInt(L->t_i32, v, false);
}

LLVMValueRef lower_i64(LowerCtx *L, uint64_t v) {
  return LLVMConstInt(L->t_i64, v, false);
}

LLVMBasicBlockRef lower_block(LowerCtx *L, const char *name) {
  return LLVMAppendBasicBlockInContext(L->llctx, L->fn, name);
}

LLVMValueRef lower_intrinsic(LowerCtx *L, const char *name, LLVMTypeRef *tys, unsigned ntys) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  assert(id != 0 && "unknown intrinsic");
  return LLVMGetIntrinsicDeclaration(L->mod, id, tys, ntys);
}

LLVMValueRef lower_call_intrinsic(LowerCtx *L, const char *name, LLVMTypeRef *tys, unsigned ntys,
                                  LLVMValueRef *args, unsigned nargs) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  assert(id != 0 && "unknown intrinsic");
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(L->mod, id, tys, ntys);
  LLVMTypeRef fty = LLVMIntrinsicGetType(L->llctx, id, tys, ntys);
  return LLVMBuildCall2(L->b, fty, fn, args, nargs, "");
}

void lower_add_fn_attr(LowerCtx *L, LLVMValueRef fn, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  assert(kind != 0 && "unknown attribute");
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                          LLVMCreateEnumAttribute(L->llctx, kind, 0));
}

void lower_add_fn_string_attr(LowerCtx *L, LLVMValueRef fn, const char *key, const char *value) {
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                          LLVMCreateStringAttribute(L->llctx, key, (unsigned)strlen(key), value,
                                                    (unsigned)strlen(value)));
}

static const char *const trap_block_names[MELD_NUM_TRAPS] = {
    [0] = "trap",
#define TRAP_NAME(name, code, text) [code] = "trap." #name,
    MELD_LOWER_TRAPS(TRAP_NAME)
#undef TRAP_NAME
};

/* The function's one block per trap code: `call P_trap(code); unreachable`. */
static LLVMBasicBlockRef trap_block(LowerCtx *L, MeldTrapCode code) {
  if (L->trap_bbs[code]) return L->trap_bbs[code];
  LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
  LLVMBasicBlockRef bb = lower_block(L, trap_block_names[code]);
  LLVMPositionBuilderAtEnd(L->b, bb);
  LLVMValueRef arg = lower_i32(L, (uint64_t)code);
  LLVMValueRef call =
      LLVMBuildCall2(L->b, LLVMGlobalGetValueType(L->trap_fn), L->trap_fn, &arg, 1, "");
  LLVMSetInstructionCallConv(call, LLVMCCallConv);
  LLVMBuildUnreachable(L->b);
  LLVMPositionBuilderAtEnd(L->b, here);
  L->trap_bbs[code] = bb;
  return bb;
}

void lower_trap_if(LowerCtx *L, LLVMValueRef cond, MeldTrapCode code) {
  LLVMBasicBlockRef trap = trap_block(L, code);
  LLVMBasicBlockRef cont = lower_block(L, "");
  LLVMValueRef br = LLVMBuildCondBr(L->b, cond, trap, cont);
  /* Traps are cold: weights keep the fall-through path straight. */
  LLVMValueRef md[3] = {LLVMMDStringInContext(L->llctx, "branch_weights", 14),
                        LLVMConstInt(L->t_i32, 1, false),
                        LLVMConstInt(L->t_i32, 1048575, false)};
  unsigned kind = LLVMGetMDKindIDInContext(L->llctx, "prof", 4);
  LLVMSetMetadata(br, kind, LLVMMDNodeInContext(L->llctx, md, 3));
  LLVMPositionBuilderAtEnd(L->b, cont);
}

void lower_trap_here(LowerCtx *L, MeldTrapCode code) {
  LLVMBuildBr(L->b, trap_block(L, code));
}

/* ---- target machine ---- */

static bool starts_with(const char *s, const char *p) {
  return strncmp(s, p, strlen(p)) == 0;
}

static bool is_arm_triple(const char *t) {
  return starts_with(t, "arm") || starts_with(t, "thumb");
}

/* Applies -float-abi= to an ARM triple: "hard" wants an ...hf environment, "soft"/"softfp" the
 * plain one (soft also drops the FPU).  Returns the triple to use (in the arena). */
static const char *apply_float_abi(LowerCtx *L, const char *triple, const char *abi,
                                   const char **features) {
  if (!abi) return triple;
  if (!is_arm_triple(triple)) {
    lower_fail(L, MELD_NO_OFFSET, "-float-abi= applies to ARM targets only, not '%s'", triple);
    return NULL;
  }
  bool hard = strcmp(abi, "hard") == 0;
  if (!hard && strcmp(abi, "soft") != 0 && strcmp(abi, "softfp") != 0) {
    lower_fail(L, MELD_NO_OFFSET, "unknown -float-abi '%s' (expected hard, soft or softfp)", abi);
    return NULL;
  }
  size_t n = strlen(triple);
  bool has_hf = n > 2 && strcmp(triple + n - 2, "hf") == 0;
  const char *t = triple;
  if (hard && !has_hf) t = lower_name(L, "%shf", triple);
  if (!hard && has_hf) t = lower_name(L, "%.*s", (int)(n - 2), triple);
  if (strcmp(abi, "soft") == 0)
    *features = lower_name(L, "%s%s+soft-float", *features, (*features)[0] ? "," : "");
  return t;
}

static bool make_target(LowerCtx *L) {
  const MeldLowerOptions *o = L->opt;
  const char *triple = o->triple ? o->triple : MELD_LOWER_DEFAULT_TRIPLE;
  bool m7 = starts_with(triple, "thumbv7em");
  const char *cpu = o->cpu ? o->cpu : m7 ? MELD_LOWER_DEFAULT_CPU : "generic";
  const char *features = o->features ? o->features : m7 ? MELD_LOWER_DEFAULT_FEATURES : "";
  triple = apply_float_abi(L, triple, o->float_abi, &features);
  if (!triple || !features) return false;
  LLVMTargetRef target;
  char *err = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &err) != 0) {
    lower_fail(L, MELD_NO_OFFSET, "unknown target '%s': %s", triple, err ? err : "?");
    LLVMDisposeMessage(err);
    return false;
  }
  LLVMDisposeMessage(err);
  LLVMCodeGenOptLevel level = o->opt_level == '0'   ? LLVMCodeGenLevelNone
                              : o->opt_level == '1' ? LLVMCodeGenLevelLess
                              : o->opt_level == '3' ? LLVMCodeGenLevelAggressive
                                                    : LLVMCodeGenLevelDefault;
  /* Firmware links statically; a hosted object goes into position-independent executables. */
  LLVMRelocMode reloc = is_arm_triple(triple) ? LLVMRelocStatic : LLVMRelocPIC;
  L->tm = LLVMCreateTargetMachine(target, triple, cpu, features, level, reloc,
                                  LLVMCodeModelDefault);
  if (!L->tm) return lower_fail(L, MELD_NO_OFFSET, "cannot make a target machine for '%s'", triple);
  L->td = LLVMCreateTargetDataLayout(L->tm);
  LLVMSetTarget(L->mod, triple);
  LLVMSetModuleDataLayout(L->mod, L->td);
  L->arm = is_arm_triple(triple);
  return true;
}

static void init_llvm_targets(void) {
  static bool done;
  if (done) return;
  LLVMInitializeAllTargetInfos();
  LLVMInitializeAllTargets();
  LLVMInitializeAllTargetMCs();
  LLVMInitializeAllAsmPrinters();
  done = true;
}

static bool optimise(LowerCtx *L) {
  char pipeline[32];
  snprintf(pipeline, sizeof pipeline, "default<O%c>", L->opt->opt_level);
  LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
  LLVMErrorRef e = LLVMRunPasses(L->mod, pipeline, L->tm, po);
  LLVMDisposePassBuilderOptions(po);
  if (e) {
    char *msg = LLVMGetErrorMessage(e);
    lower_fail(L, MELD_NO_OFFSET, "LLVM pipeline '%s' failed: %s", pipeline, msg);
    LLVMDisposeErrorMessage(msg);
    return false;
  }
  return true;
}

static bool verify(LowerCtx *L, const char *when) {
  char *msg = NULL;
  if (LLVMVerifyModule(L->mod, LLVMReturnStatusAction, &msg) != 0) {
    lower_fail(L, MELD_NO_OFFSET, "internal error: invalid LLVM IR %s: %s", when,
               msg ? msg : "?");
    LLVMDisposeMessage(msg);
    return false;
  }
  LLVMDisposeMessage(msg);
  return true;
}

static bool emit(LowerCtx *L, MeldBuf *out) {
  if (L->opt->emit == MELD_LOWER_EMIT_LLVM) {
    char *text = LLVMPrintModuleToString(L->mod);
    meld_buf_cstr(out, text);
    LLVMDisposeMessage(text);
    return !out->oom;
  }
  char *err = NULL;
  LLVMMemoryBufferRef mb = NULL;
  LLVMCodeGenFileType kind =
      L->opt->emit == MELD_LOWER_EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile;
  if (LLVMTargetMachineEmitToMemoryBuffer(L->tm, L->mod, kind, &err, &mb) != 0) {
    lower_fail(L, MELD_NO_OFFSET, "code generation failed: %s", err ? err : "?");
    LLVMDisposeMessage(err);
    return false;
  }
  LLVMDisposeMessage(err);
  meld_buf_bytes(out, LLVMGetBufferStart(mb), LLVMGetBufferSize(mb));
  LLVMDisposeMemoryBuffer(mb);
  return !out->oom;
}

static bool check_options(LowerCtx *L) {
  const MeldLowerOptions *o = L->opt;
  if (!strchr("0123sz", o->opt_level) || !o->opt_level)
    return lower_fail(L, MELD_NO_OFFSET, "unknown optimisation level '-O%c'", o->opt_level);
  if (!o->prefix || !is_ident(o->prefix, strlen(o->prefix)))
    return lower_fail(L, MELD_NO_OFFSET, "the symbol prefix '%s' is not a C identifier",
                      o->prefix ? o->prefix : "");
  return true;
}

bool meld_lower_module(MeldContext *ctx, const MeldModule *m, const MeldLowerOptions *o,
                       MeldBuf *out, MeldBuf *header) {
  LowerCtx L;
  memset(&L, 0, sizeof L);
  L.ctx = ctx;
  L.m = m;
  L.opt = o;
  L.file = m->file;
  meld_arena_init(&L.arena, ctx->alloc, 64 * 1024);
  bool ok = false;
  if (!check_options(&L)) goto done;
  init_llvm_targets();
  L.llctx = LLVMContextCreate();
  L.mod = LLVMModuleCreateWithNameInContext(o->prefix, L.llctx);
  L.b = LLVMCreateBuilderInContext(L.llctx);
  if (!make_target(&L)) goto done;
  L.t_void = LLVMVoidTypeInContext(L.llctx);
  L.t_i1 = LLVMInt1TypeInContext(L.llctx);
  L.t_i8 = LLVMInt8TypeInContext(L.llctx);
  L.t_i16 = LLVMInt16TypeInContext(L.llctx);
  L.t_i32 = LLVMInt32TypeInContext(L.llctx);
  L.t_i64 = LLVMInt64TypeInContext(L.llctx);
  L.t_f32 = LLVMFloatTypeInContext(L.llctx);
  L.t_f64 = LLVMDoubleTypeInContext(L.llctx);
  L.t_ptr = LLVMPointerTypeInContext(L.llctx, 0);
  LLVMTypeRef desc[2] = {L.t_i32, L.t_ptr};
  L.t_desc = LLVMStructTypeInContext(L.llctx, desc, 2, false);
  LLVMTypeRef entry[3] = {L.t_i32, L.t_ptr, L.t_ptr};
  L.t_entry = LLVMStructTypeInContext(L.llctx, entry, 3, false);

  if (!lower_declare_module(&L)) goto done;
  for (uint32_t f = m->nimportfuncs; f < m->nfuncs; f++)
    if (!lower_function(&L, f)) goto done;
  if (!lower_finish_module(&L)) goto done;
  if (!verify(&L, "after lowering")) goto done;
  if (!optimise(&L)) goto done;
  if (!verify(&L, "after the LLVM pipeline")) goto done;
  if (!emit(&L, out)) goto done;
  if (header && !lower_write_header(&L, header)) goto done;
  ok = true;
done:
  if (!ok && ctx->diag.nerrors == 0) meld_error(ctx, L.file, MELD_NO_OFFSET, "out of memory");
  if (L.b) LLVMDisposeBuilder(L.b);
  if (L.mod) LLVMDisposeModule(L.mod);
  if (L.td) LLVMDisposeTargetData(L.td);
  if (L.tm) LLVMDisposeTargetMachine(L.tm);
  if (L.llctx) LLVMContextDispose(L.llctx);
  meld_arena_free(&L.arena);
  return ok;
}

#endif /* MELDC_HAVE_LLVM */
