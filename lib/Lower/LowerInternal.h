/*
 * Shared state of the backend (lib/Lower).  One LowerCtx per meld_lower_module call.
 *
 * Files, by instruction family (WAMR's aot_emit_*.c split):
 *   Lower.c            entry point, target machine, LLVM pipeline, symbols, traps, helpers
 *   emit_module.c      memories, globals, tables, segments, descriptors, imports, exports, init
 *   emit_function.c    the body translator: value stack, control frames, dispatch, calls
 *   emit_numeric.c     integer and float arithmetic, comparisons
 *   emit_conversion.c  conversions (trapping, saturating, reinterpretations, extensions)
 *   emit_memory.c      loads, stores, memory.size/grow, bulk memory
 *   emit_table.c       references and table instructions, call_indirect's table lookup
 *   emit_header.c      the C header
 *
 * Representation:
 *   i32/i64/f32/f64 are LLVM i32/i64/float/double; funcref and externref are `ptr`.
 *   A non-null funcref points to the function's descriptor, a constant {i32 type id, ptr fn}.
 *   A funcref table is an array of entries {i32 type id, ptr fn, ptr descriptor}: call_indirect
 *   reads the type id and the function from the entry (type id 0 is the null entry), table.get
 *   returns the descriptor.  An externref table is an array of `ptr`.
 *   Every function (defined or imported) has an internal LLVM function with the internal
 *   convention: the parameters as above, and void, the one result, or a struct of the results.
 *   Imported functions' internal functions call the C symbol (out pointers for several results);
 *   exported functions get external C wrappers.
 */
#ifndef MELDC_LOWER_INTERNAL_H
#define MELDC_LOWER_INTERNAL_H

#if MELDC_HAVE_LLVM

#include "meldc/Lower.h"

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

typedef enum FrameKind { FRAME_FUNC, FRAME_BLOCK, FRAME_LOOP, FRAME_IF } FrameKind;

typedef struct Frame {
  uint8_t kind;
  bool has_else;        /* FRAME_IF: `else` was seen */
  bool end_reached;     /* something branches to (or falls into) end_bb */
  uint32_t nparams, nresults;
  const MeldValType *params, *results;
  uint32_t height;      /* value stack height below the parameters */
  LLVMBasicBlockRef end_bb;   /* after the construct; its phis are end_phis */
  LLVMBasicBlockRef loop_bb;  /* FRAME_LOOP: the header; its phis are loop_phis */
  LLVMBasicBlockRef else_bb;  /* FRAME_IF: the false edge, until `else` */
  LLVMValueRef *end_phis;     /* nresults */
  LLVMValueRef *loop_phis;    /* nparams */
  LLVMValueRef *if_params;    /* FRAME_IF: the parameter values, for the else arm */
} Frame;

typedef struct LMemory {
  LLVMValueRef array;  /* [bytes x i8] */
  LLVMValueRef pages;  /* i32 page count when the memory can grow, else NULL */
  uint64_t bytes;      /* capacity in bytes (static size, or maximum) */
  uint32_t min_pages, max_pages;
} LMemory;

typedef struct LTable {
  LLVMValueRef array; /* [cap x entry] or [cap x ptr] */
  LLVMValueRef size;  /* i32 current size */
  uint32_t cap;
  bool funcref;
} LTable;

/* A bounds check that later accesses may share (emit_memory.c).  An address is read as a sum
 * of up to LOWER_MAX_TERMS SSA values (each added or subtracted) plus a constant, all modulo
 * 2^32; accesses whose sums have the same terms differ by constants only.  [B + lo, B + hi) of
 * a static memory, B the sum of the terms, is known to be in bounds after `cmp`, which compares
 * `anchor` (the first access's address plus the constant that makes it B + lo) with the
 * memory's size minus (hi - lo).  While `open`, nothing observable has happened since the
 * check, so a later access may widen it (anchor's and cmp's constants are rewritten in place). */
#define LOWER_MAX_TERMS 4
typedef struct LAddrSum {
  LLVMValueRef terms[LOWER_MAX_TERMS]; /* sorted by address, then sign */
  bool neg[LOWER_MAX_TERMS];
  uint32_t nterms;
  int64_t c; /* signed 32-bit */
} LAddrSum;

typedef struct LCheck {
  LAddrSum sum;           /* sum.c: the constant of the address anchor is made from */
  LLVMValueRef anchor, cmp;
  int64_t lo, hi;
  uint32_t mem;
  bool open;
} LCheck;

#define LOWER_MAX_CHECKS 8

typedef struct LSymbol {
  MeldStr name;
  const char *what;
} LSymbol;

typedef struct LowerCtx {
  MeldContext *ctx;
  const MeldModule *m;
  const MeldLowerOptions *opt;
  const char *file;
  MeldArena arena; /* everything below that is not LLVM's */

  LLVMContextRef llctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMTargetMachineRef tm;
  LLVMTargetDataRef td;
  bool arm;           /* an ARM/Thumb target */

  LLVMTypeRef t_void, t_i1, t_i8, t_i16, t_i32, t_i64, t_f32, t_f64, t_ptr;
  LLVMTypeRef t_desc;  /* {i32, ptr} */
  LLVMTypeRef t_entry; /* {i32, ptr, ptr} */

  /* per type */
  LLVMTypeRef *fn_types; /* internal convention */
  uint32_t *type_ids;    /* canonical id (>= 1) of each type index */
  /* per function */
  LLVMValueRef *funcs;   /* internal functions */
  LLVMValueRef *descs;   /* descriptors, made on first use */
  /* per memory, table, global, segment */
  LMemory *mems;
  LTable *tables;
  LLVMValueRef *globals;
  LLVMValueRef *data_bytes; /* constant [n x i8] (NULL for an empty segment) */
  LLVMValueRef *data_len;   /* i32 global: the segment's live length (0 once dropped) */
  LLVMValueRef *elem_refs;  /* [n x ptr] of descriptors / externrefs, made on first use */
  LLVMValueRef *elem_len;   /* i32 global: live length */

  LLVMValueRef trap_fn;     /* P_trap */
  LLVMValueRef stack_limit; /* P_stack_limit, when stack checks are on */
  LLVMValueRef memmove_fn, null_desc; /* made on first use */
  LLVMValueRef loop_md;                /* !llvm.loop of every back edge, made on first use */
  LLVMValueRef init_fn;

  /* symbols given out so far (C names), to refuse collisions */
  LSymbol *symbols;
  uint32_t nsymbols, capsymbols;
  /* the C symbol of each export (by export index; NULL for tables), for the header */
  const char **export_syms;
  /* what the bodies do, found before lowering them */
  bool *mem_grows;   /* per memory: some memory.grow */
  bool *table_grows; /* per table: some table.grow */

  /* the function being translated */
  uint32_t fidx;
  uint64_t at;         /* offset of the current instruction */
  LLVMValueRef fn;
  LLVMValueRef *locals;
  LLVMTypeRef *local_types;
  uint32_t nlocals;
  LLVMValueRef *stack;
  uint32_t sp, capstack;
  Frame *frames;
  uint32_t nframes, capframes;
  bool unreachable;    /* the rest of the current frame is dead code */
  uint32_t dead_depth; /* blocks opened inside dead code */
  LLVMBasicBlockRef trap_bbs[MELD_NUM_TRAPS];
  /* What the current block knows (reset where control flow joins): each local's value since
   * its last local.get/set (NULL: load it), and the bounds checks done. */
  LLVMValueRef *local_vals;
  LCheck checks[LOWER_MAX_CHECKS];
  uint32_t nchecks, next_check;
} LowerCtx;

/* ---- Lower.c ---- */
bool lower_fail(LowerCtx *L, uint64_t at, const char *fmt, ...) MELD_PRINTF(3, 4);
void lower_func_label(LowerCtx *L, uint32_t fidx, char *buf, size_t size);
const char *lower_name(LowerCtx *L, const char *fmt, ...) MELD_PRINTF(2, 3);
/* Reserves a C symbol (P_ prefix included); false, with an error, when it is taken. */
bool lower_claim_symbol(LowerCtx *L, const char *sym, const char *what, uint64_t at);
LLVMTypeRef lower_valtype(LowerCtx *L, MeldValType t);
LLVMValueRef lower_zero(LowerCtx *L, MeldValType t);
LLVMValueRef lower_intrinsic(LowerCtx *L, const char *name, LLVMTypeRef *tys, unsigned ntys);
LLVMValueRef lower_call_intrinsic(LowerCtx *L, const char *name, LLVMTypeRef *tys, unsigned ntys,
                                  LLVMValueRef *args, unsigned nargs);
void lower_add_fn_attr(LowerCtx *L, LLVMValueRef fn, const char *name);
void lower_add_fn_string_attr(LowerCtx *L, LLVMValueRef fn, const char *key, const char *value);
/* Branches to the function's trap block for `code` when `cond` is true. */
void lower_trap_if(LowerCtx *L, LLVMValueRef cond, MeldTrapCode code);
/* Calls P_trap(code) here and ends the block. */
void lower_trap_here(LowerCtx *L, MeldTrapCode code);
LLVMValueRef lower_i32(LowerCtx *L, uint64_t v);
LLVMValueRef lower_i64(LowerCtx *L, uint64_t v);
LLVMBasicBlockRef lower_block(LowerCtx *L, const char *name);

/* ---- emit_module.c ---- */
bool lower_declare_module(LowerCtx *L);
bool lower_finish_module(LowerCtx *L); /* init function, exports (after the bodies) */
LLVMValueRef lower_func_desc(LowerCtx *L, uint32_t fidx);
/* Evaluates a constant expression at the builder's position. */
LLVMValueRef lower_const_expr(LowerCtx *L, const MeldExpr *e, MeldValType t);

/* ---- emit_function.c ---- */
bool lower_function(LowerCtx *L, uint32_t fidx);
void lower_push(LowerCtx *L, LLVMValueRef v);
LLVMValueRef lower_pop(LowerCtx *L);
/* Calls the internal function type `type` at `callee` with arguments from the stack, pushing
 * its results. */
void lower_emit_call(LowerCtx *L, LLVMValueRef callee, uint32_t type);

/* ---- instruction families: 1 handled, 0 not this family, -1 error reported ---- */
int lower_numeric(LowerCtx *L, const MeldInstr *in);
int lower_conversion(LowerCtx *L, const MeldInstr *in);
int lower_memory(LowerCtx *L, const MeldInstr *in);
int lower_table(LowerCtx *L, const MeldInstr *in);
/* call_indirect: the function pointer of table `table` at the index on the stack, after the
 * bounds, null and type checks. */
LLVMValueRef lower_table_callee(LowerCtx *L, uint32_t table, uint32_t type);
/* An entry {type id, fn, desc} for a funcref value (descriptor pointer or null). */
LLVMValueRef lower_entry_from_ref(LowerCtx *L, LLVMValueRef ref);
/* Writes elem segment `seg` (`n` refs from `s`) into table `t` at `d`; checks done. */
void lower_table_write_segment(LowerCtx *L, uint32_t t, LLVMValueRef d, uint32_t seg,
                               LLVMValueRef s, LLVMValueRef n);
LLVMValueRef lower_elem_refs(LowerCtx *L, uint32_t seg);
LLVMValueRef lower_elem_len(LowerCtx *L, uint32_t seg);
LLVMValueRef lower_data_len(LowerCtx *L, uint32_t seg);
/* After an instruction that is observable or may trap: no bounds check done so far may widen. */
void lower_checks_close(LowerCtx *L);
/* At a block that the current one does not dominate: forget the checks and the locals' values. */
void lower_checks_reset(LowerCtx *L);
/* Whether `in` neither has an observable effect nor can trap (a load's own trap excepted). */
bool lower_is_quiet(const MeldInstr *in);
/* memmove of n (i32) bytes without calling memmove. */
void lower_memmove(LowerCtx *L, LLVMValueRef d, LLVMValueRef s, LLVMValueRef n);
/* Memory size in bytes as i64 (constant for a static memory). */
LLVMValueRef lower_memory_bytes64(LowerCtx *L, uint32_t mem);

/* ---- emit_header.c ---- */
bool lower_write_header(LowerCtx *L, MeldBuf *out);

#endif /* MELDC_HAVE_LLVM */
#endif
