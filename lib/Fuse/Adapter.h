/*
 * Internal to the `adapter` pass (lib/Fuse/Adapter.c, Transcode.c, CodeGen.c): a small builder
 * of decoded function bodies, and the string transcoding helpers.
 *
 * The builder appends MeldInstr to an array, hands out locals (temporaries are recycled per
 * type inside scopes), tracks block nesting so that branches name blocks by the id returned
 * when they were opened rather than by relative depth, and finally installs the body into a
 * MeldFunc (decoded form, local groups).  Allocation failure sets `oom`; everything after that
 * is a no-op and meld_gen_finish reports false.
 */
#ifndef MELDC_FUSE_ADAPTER_H
#define MELDC_FUSE_ADAPTER_H

#include "meldc/Fuse.h"
#include "meldc/Unit.h"

/* Canonical ABI limits (CanonicalABI.md, "Loading"). */
#define MELD_ABI_MAX_BYTE_LENGTH 0x0FFFFFFFu /* MAX_STRING_BYTE_LENGTH = MAX_LIST_BYTE_LENGTH */
#define MELD_ABI_UTF16_TAG 0x80000000u       /* utf16_tag('i32') */

typedef struct MeldGen {
  MeldArena *arena;   /* where the finished body and br_table label arrays go (the unit's) */
  MeldArena *scratch; /* growing arrays while building */
  MeldInstr *code;
  uint32_t ncode, capcode;
  const MeldValType *params;
  uint32_t nparams;
  MeldValType *locals; /* declared locals after the parameters */
  uint32_t nlocals, caplocals;
  uint32_t *live; /* temporaries in use, in allocation order (scopes release a suffix) */
  uint32_t nlive, caplive;
  uint32_t *free[4]; /* released temporaries per value type (i32, i64, f32, f64) */
  uint32_t nfree[4], capfree[4];
  uint32_t depth; /* open blocks */
  bool oom;
} MeldGen;

void meld_gen_init(MeldGen *g, MeldArena *arena, MeldArena *scratch, const MeldValType *params,
                   uint32_t nparams);
/* A temporary local of type t (recycled after meld_gen_release). */
uint32_t meld_gen_local(MeldGen *g, MeldValType t);
/* Scopes: temporaries taken after a mark are released (reusable) by meld_gen_release. */
uint32_t meld_gen_mark(const MeldGen *g);
void meld_gen_release(MeldGen *g, uint32_t mark);

void meld_gen_op(MeldGen *g, MeldOpcode op);              /* no immediate */
void meld_gen_idx(MeldGen *g, MeldOpcode op, uint32_t x); /* call, local.*, memory.size, ... */
void meld_gen_i32(MeldGen *g, uint32_t v);
void meld_gen_i64(MeldGen *g, uint64_t v);
void meld_gen_get(MeldGen *g, uint32_t local);
void meld_gen_set(MeldGen *g, uint32_t local);
/* A load or store on memory `mem` with a static offset; natural alignment hint. */
void meld_gen_mem(MeldGen *g, MeldOpcode op, uint32_t mem, uint64_t offset);
void meld_gen_memcopy(MeldGen *g, uint32_t dst_mem, uint32_t src_mem);

/* Blocks (always with an empty block type).  The id names the block in branches. */
uint32_t meld_gen_open(MeldGen *g, MeldOpcode block_loop_or_if);
void meld_gen_else(MeldGen *g);
void meld_gen_end(MeldGen *g);
void meld_gen_br(MeldGen *g, MeldOpcode br_or_br_if, uint32_t block);
/* br_table over blocks ids[0..n) with a default. */
void meld_gen_br_table(MeldGen *g, const uint32_t *ids, uint32_t n, uint32_t dflt);
/* Pops an i32: traps when it is non-zero. */
void meld_gen_trap_if(MeldGen *g);

/* Checks, as the Canonical ABI's trap_if: */
/* ptr (an i32 local) is not a multiple of `align` (a power of two). */
void meld_gen_check_align(MeldGen *g, uint32_t ptr, uint32_t align);
/* ptr + size > len(memory), computed in i64; size is an i32 local (size_local != MELD_NONE) or
 * the constant size_const. */
void meld_gen_check_bounds(MeldGen *g, uint32_t mem, uint32_t ptr, uint32_t size_local,
                           uint32_t size_const);
/* Pushes len(memory) in bytes as an i64. */
void meld_gen_memory_bytes(MeldGen *g, uint32_t mem);
/* Calls realloc(old, old_size, align, new_size) with i32 locals (or MELD_NONE for 0) old and
 * old_size, a constant align, and new_size (a local, or the constant new_size_const when
 * new_size is MELD_NONE); stores the result in `out`, then traps when it is not a multiple of
 * align or when out + new_size > len(mem) (the checks every caller of realloc makes in
 * CanonicalABI.md). */
void meld_gen_realloc(MeldGen *g, uint32_t realloc, uint32_t mem, uint32_t old, uint32_t old_size,
                      uint32_t align, uint32_t new_size, uint32_t new_size_const, uint32_t out);

/* Installs the body into f (decoded, with its local groups); false after allocation failure. */
bool meld_gen_finish(MeldGen *g, MeldFunc *f);

/* ---- Strings (Transcode.c) ---- */

/* The side of a value transfer: where values are read from or written to. */
typedef struct MeldAbiSide {
  uint32_t mem;
  uint32_t realloc;
  uint8_t encoding; /* MeldStringEncoding */
} MeldAbiSide;

/* Helper functions the pass adds to the module once per combination, shared by boundaries. */
typedef struct MeldStringHelper {
  uint8_t src_enc, dst_enc;
  uint32_t src_mem, dst_mem, dst_realloc;
  uint32_t func;
} MeldStringHelper;

typedef struct MeldHelperCache {
  MeldArena *arena; /* holds `items`; lives as long as the pass */
  MeldStringHelper *items;
  uint32_t nitems, cap;
} MeldHelperCache;

/* The function (i32 ptr, i32 tagged_code_units) -> (i32 ptr, i32 tagged_code_units) that lifts a
 * string from `src` (load_string_from_range: length, alignment, bounds and encoding checks) and
 * stores it into `dst` (store_string_into_range, with the spec's realloc sequence), adding it to
 * the module on first use.  Returns MELD_NONE on allocation failure. */
uint32_t meld_adapter_string_helper(MeldUnit *u, MeldHelperCache *cache, const MeldAbiSide *src,
                                    const MeldAbiSide *dst);

/* Adds a defined function with the given type, named `name` in the name section (when the
 * module has one); returns its index or MELD_NONE. */
uint32_t meld_adapter_add_func(MeldUnit *u, const MeldValType *params, uint32_t nparams,
                               const MeldValType *results, uint32_t nresults, const char *name);

/* Redirects every reference to a function through `map` (old index -> new): calls and ref.func
 * in the bodies of functions below `nbodies` and in constant expressions, element segments, the
 * start function, and the exports when `exports`; tracked indices and names stay (they name the
 * entities themselves).  False, having reported, on a malformed body or allocation failure. */
bool meld_adapter_redirect(MeldUnit *u, const uint32_t *map, uint32_t nbodies, bool exports);

#endif
