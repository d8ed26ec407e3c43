/*
 * The core layer of the IR: one WebAssembly core module.
 *
 * Shape: one array per index space / section, 32-bit indices everywhere (house style: arrays
 * and indices, not pointer graphs).  Everything is allocated in the arena of the unit that owns
 * the module; strings and byte payloads may point into the input bytes, which live as long as
 * the unit.
 *
 * Index spaces: imports come first in each space, exactly as in the binary.  `funcs[0 ..
 * nimportfuncs)` are the imported functions (their `import` field is the index of their entry in
 * `imports`), the rest are defined.  Same for tables, memories and globals.  The verifier checks
 * that `imports` and the imported prefixes agree.
 *
 * Function bodies have two forms.  After reading, a body is *raw*: `code`/`codesize` point at
 * the encoded instructions (after the local declarations, through the final `end`).  A pass that
 * rewrites a body calls meld_func_decode(), which fills `instrs` and sets `decoded`; from then on
 * `instrs` is the truth and the writer encodes it.  Readers of bodies that do not change them use
 * meld_func_instrs() with a scratch arena.  Raw bodies keep an unmodified module cheap to hold
 * (the benchmark's 3.5 MB module needs no decoded copy) and are written back byte for byte.
 */
#ifndef MELDC_CORE_H
#define MELDC_CORE_H

#include "meldc/Context.h"
#include "meldc/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Value types (their binary encodings) ---- */
typedef uint8_t MeldValType;
enum {
  MELD_I32 = 0x7F,
  MELD_I64 = 0x7E,
  MELD_F32 = 0x7D,
  MELD_F64 = 0x7C,
  MELD_V128 = 0x7B,
  MELD_FUNCREF = 0x70,
  MELD_EXTERNREF = 0x6F,
};

bool meld_valtype_valid(uint8_t byte);
bool meld_reftype_valid(uint8_t byte);
const char *meld_valtype_name(MeldValType t); /* "i32", ..., "funcref"; "?" when invalid */

/* ---- Opcodes ---- */
typedef enum MeldOpcode {
#define MELD_OP(code, name, text, imm, sig, width) MELD_OP_##name,
#define MELD_OP_PREFIXED(prefix, code, name, text, imm, sig, width) MELD_OP_##name,
#include "meldc/Opcodes.def"
  MELD_NUM_OPCODES
} MeldOpcode;

/* Immediate kinds.  The comment says which index space each immediate indexes, and which
 * MeldInstr fields hold it. */
typedef enum MeldImmKind {
  MELD_IMM_NONE,
  MELD_IMM_BLOCK,         /* blocktype: btkind + x (valtype or type index) */
  MELD_IMM_LABEL,         /* x: label */
  MELD_IMM_BR_TABLE,      /* x: number of labels n; labels[0..n]: n targets then the default */
  MELD_IMM_FUNC,          /* x: func */
  MELD_IMM_CALL_INDIRECT, /* x: type, y: table */
  MELD_IMM_LOCAL,         /* x: local */
  MELD_IMM_GLOBAL,        /* x: global */
  MELD_IMM_TABLE,         /* x: table */
  MELD_IMM_TABLE_TABLE,   /* x: destination table, y: source table (table.copy) */
  MELD_IMM_ELEM_TABLE,    /* x: elem segment, y: table (table.init) */
  MELD_IMM_ELEM,          /* x: elem segment */
  MELD_IMM_MEMARG,        /* align (log2), x: memory, offset */
  MELD_IMM_MEMORY,        /* x: memory */
  MELD_IMM_MEMORY_MEMORY, /* x: destination memory, y: source memory (memory.copy) */
  MELD_IMM_DATA_MEMORY,   /* x: data segment, y: memory (memory.init) */
  MELD_IMM_DATA,          /* x: data segment */
  MELD_IMM_I32,           /* i32 */
  MELD_IMM_I64,           /* i64 */
  MELD_IMM_F32,           /* f32 (raw bits) */
  MELD_IMM_F64,           /* f64 (raw bits) */
  MELD_IMM_REFTYPE,       /* x: heap type (MELD_FUNCREF / MELD_EXTERNREF) */
  MELD_IMM_SELECT_T,      /* ntypes (always 1 after reading), x: the value type */
  MELD_IMM_V128,          /* v128: 16 bytes */
  MELD_IMM_SHUFFLE,       /* v128: 16 lane indices */
  MELD_IMM_LANE,          /* lane */
  MELD_IMM_MEMARG_LANE,   /* memarg + lane */
  MELD_IMM_FENCE,         /* atomic.fence: a zero byte, nothing kept */
  MELD_NUM_IMM_KINDS
} MeldImmKind;

typedef struct MeldOpInfo {
  uint8_t prefix; /* 0 for single-byte opcodes, else 0xFC / 0xFD / 0xFE */
  uint8_t imm;    /* MeldImmKind */
  uint8_t width;  /* bytes accessed (memory instructions), else 0 */
  uint32_t code;  /* the opcode byte, or the u32 after the prefix */
  const char *text;
  const char *sig; /* see Opcodes.def */
} MeldOpInfo;

extern const MeldOpInfo meld_op_info[MELD_NUM_OPCODES];

/* Block type kinds (MeldInstr.btkind). */
enum { MELD_BT_EMPTY = 0, MELD_BT_VALTYPE = 1, MELD_BT_TYPEIDX = 2 };

/* One decoded instruction: 16 bytes.  Which fields hold what depends on the immediate kind of
 * the opcode (meld_op_info[op].imm), documented at MeldImmKind. */
typedef struct MeldInstr {
  uint16_t op; /* MeldOpcode */
  union {
    uint8_t align;  /* MEMARG, MEMARG_LANE: log2 of the alignment hint */
    uint8_t btkind; /* BLOCK */
    uint8_t ntypes; /* SELECT_T */
  };
  uint8_t lane; /* LANE, MEMARG_LANE */
  uint32_t x;   /* first index immediate */
  union {
    uint32_t y;       /* second index immediate */
    uint64_t offset;  /* MEMARG, MEMARG_LANE */
    int32_t i32;      /* I32 */
    int64_t i64;      /* I64 */
    uint32_t f32;     /* F32: bits */
    uint64_t f64;     /* F64: bits */
    uint32_t *labels; /* BR_TABLE: x + 1 entries */
    const uint8_t *v128; /* V128, SHUFFLE: 16 bytes */
  };
} MeldInstr;

/* ---- Types, limits, entities ---- */

typedef struct MeldFuncType {
  uint32_t nparams, nresults;
  MeldValType *params;
  MeldValType *results;
  uint64_t at; /* file offset of its encoding (MELD_NO_OFFSET when a pass made it) */
} MeldFuncType;

typedef struct MeldLimits {
  uint32_t min;
  uint32_t max;   /* valid when has_max */
  bool has_max;
  bool shared;    /* memories only (threads) */
} MeldLimits;

/* Extern kinds: the binary's import/export descriptor bytes. */
enum {
  MELD_EXTERN_FUNC = 0,
  MELD_EXTERN_TABLE = 1,
  MELD_EXTERN_MEMORY = 2,
  MELD_EXTERN_GLOBAL = 3,
};
const char *meld_extern_kind_name(uint8_t kind); /* "func", "table", "memory", "global" */

typedef struct MeldImport {
  MeldStr module;
  MeldStr name;
  uint8_t kind;   /* MELD_EXTERN_* */
  uint32_t index; /* the entity's index in its own space (always < nimport<kind>s) */
  uint64_t at; /* file offset of its encoding (MELD_NO_OFFSET when a pass made it) */
} MeldImport;

typedef struct MeldExport {
  MeldStr name;
  uint8_t kind;
  uint32_t index;
  uint64_t at; /* file offset of its encoding (MELD_NO_OFFSET when a pass made it) */
} MeldExport;

/* A constant or offset expression, decoded, including its final `end`. */
typedef struct MeldExpr {
  MeldInstr *instrs;
  uint32_t ninstrs;
  uint64_t at; /* file offset of its first byte, for diagnostics; MELD_NO_OFFSET if made by a
                  pass */
} MeldExpr;

/* Implementation limit on the locals a function declares (beyond its parameters): the limit of
 * wasmparser, which every component toolchain validates with, and of web engines.  The text form
 * lists every local, so the limit also bounds printed output. */
#define MELD_MAX_LOCALS 50000u

typedef struct MeldLocalGroup {
  uint32_t count;
  MeldValType type;
} MeldLocalGroup;

typedef struct MeldFunc {
  uint32_t type;   /* type index */
  uint32_t import; /* index into imports, or MELD_NONE for a defined function */
  /* Local declarations as encoded (groups of count x type); nlocals is their sum. */
  MeldLocalGroup *localgroups;
  uint32_t nlocalgroups;
  uint32_t nlocals;
  /* Raw form (decoded == false). */
  const uint8_t *code;
  uint32_t codesize;
  uint64_t codeoffset; /* file offset of `code`, for diagnostics; MELD_NO_OFFSET if none */
  uint64_t at;         /* file offset of its declaration (function or import section) */
  /* Decoded form (decoded == true). */
  MeldInstr *instrs;
  uint32_t ninstrs, capinstrs;
  bool decoded;
  uint32_t origin; /* fusion: the component instance it came from (MELD_NONE otherwise) */
  /* The raw bytes the verifier last accepted for this body, in this module (NULL: none); see
   * meld_func_checked.  A cache the verifier fills in even through a const module. */
  const uint8_t *checked;
  /* The module-level references of the raw body `refs_code` (see meld_func_refs), as renumbering
   * found them: NULL when not known. */
  const uint32_t *refs;
  uint32_t nrefs;
  const uint8_t *refs_code;
  /* Renumbering not yet applied to the raw body (NULL: none).  `code` (and `refs`) still use
   * the index spaces of the module the body came from; see meld_module_settle. */
  const struct MeldPending *pending;
} MeldFunc;

/* A renumbering left pending on raw bodies: old index -> index in this module, per space (NULL:
 * unchanged), and the old spaces' sizes.  `resolve` leaves the merged bodies so when the next
 * pass renumbers them anyway (dce), which then applies both renumberings in one pass over the
 * code instead of two.  Every other consumer sees settled bodies: the pass manager settles
 * before any other pass, before --verify-each and --print-*, and when the pipeline ends. */
typedef struct MeldPending {
  const uint32_t *map[7]; /* MELD_NUM_SPACES */
  uint32_t count[7];
} MeldPending;

/* An entry of MeldFunc.refs: the space in the top three bits, the index below.  Space
 * MELD_REF_TAKEN is a function that ref.func takes (also a reference to it).  A list repeats an
 * entry only when others come between (it is meant for liveness, not counting). */
#define MELD_REF_SHIFT 29
#define MELD_REF_INDEX_MASK ((1u << MELD_REF_SHIFT) - 1)
#define MELD_REF_TAKEN 7u

/* The reference list of a raw body, when renumbering left one that still describes its bytes. */
static inline bool meld_func_refs(const MeldFunc *f, const uint32_t **refs, uint32_t *n) {
  if (f->decoded || !f->refs || f->refs_code != f->code) return false;
  *refs = f->refs;
  *n = f->nrefs;
  return true;
}

/* True when this raw body is one the verifier accepted in this module and nothing it relies on
 * has changed since: the body is still those bytes, and the only renumbering in between moved
 * every entity it references to one of the same type (meld_remap_keeps_types).  The verifier
 * then skips the body.  Holds only for bodies without ref.func and without data or element
 * segment instructions (their validity also depends on declarations and the data count).  The
 * pass manager forgets every mark after a pass that may change more than indices
 * (meld_module_forget_checks). */
static inline bool meld_func_checked(const MeldFunc *f) {
  return !f->decoded && f->checked != NULL && f->checked == f->code;
}

typedef struct MeldTable {
  MeldValType elem; /* MELD_FUNCREF or MELD_EXTERNREF */
  MeldLimits limits;
  uint32_t import;
  uint32_t origin; /* as MeldFunc.origin */
  uint64_t at; /* file offset of its encoding (MELD_NO_OFFSET when a pass made it) */
} MeldTable;

typedef struct MeldMemory {
  MeldLimits limits; /* in 64 KiB pages */
  uint32_t import;
  uint32_t origin; /* as MeldFunc.origin */
  uint64_t at; /* file offset of its encoding (MELD_NO_OFFSET when a pass made it) */
} MeldMemory;

typedef struct MeldGlobal {
  MeldValType type;
  bool mut;
  MeldExpr init; /* empty for imports */
  uint32_t import;
  uint32_t origin; /* as MeldFunc.origin */
  uint64_t at; /* file offset of its encoding (MELD_NO_OFFSET when a pass made it) */
} MeldGlobal;

typedef enum MeldSegMode {
  MELD_SEG_ACTIVE = 0,
  MELD_SEG_PASSIVE = 1,
  MELD_SEG_DECLARATIVE = 2, /* element segments only */
} MeldSegMode;

typedef struct MeldElem {
  uint8_t mode;      /* MeldSegMode */
  uint8_t encoding;  /* the flags value 0..7 it was read with (kept for exact round trips;
                        the writer picks another when it no longer fits) */
  MeldValType type;  /* element reference type */
  uint32_t table;    /* active only */
  MeldExpr offset;   /* active only */
  uint32_t ninit;
  /* Exactly one of these is used: function indices (encodings 0-3) or expressions (4-7). */
  uint32_t *funcs;
  MeldExpr *exprs;
  uint64_t at; /* file offset of its encoding (MELD_NO_OFFSET when a pass made it) */
} MeldElem;

typedef struct MeldData {
  uint8_t mode;     /* MELD_SEG_ACTIVE or MELD_SEG_PASSIVE */
  uint8_t encoding; /* flags 0..2 as read */
  uint32_t memory;  /* active only */
  MeldExpr offset;  /* active only */
  const uint8_t *bytes;
  uint32_t size;
  uint64_t at; /* file offset of its encoding (MELD_NO_OFFSET when a pass made it) */
} MeldData;

/* Section ranks, in the order sections must appear; custom sections remember the rank of the
 * last non-custom section before them so that they are written back in place. */
enum {
  MELD_RANK_START_OF_MODULE = 0,
  MELD_RANK_TYPE = 1,
  MELD_RANK_IMPORT,
  MELD_RANK_FUNCTION,
  MELD_RANK_TABLE,
  MELD_RANK_MEMORY,
  MELD_RANK_GLOBAL,
  MELD_RANK_EXPORT,
  MELD_RANK_START,
  MELD_RANK_ELEM,
  MELD_RANK_DATACOUNT,
  MELD_RANK_CODE,
  MELD_RANK_DATA,
  MELD_NUM_RANKS
};

typedef struct MeldCustom {
  MeldStr name;
  const uint8_t *data; /* payload after the name */
  uint32_t size;
  uint8_t place;       /* MELD_RANK_* of the section it follows */
  bool is_names;       /* the decoded "name" section: written from MeldModule.names */
  uint64_t offset;     /* file offset of the payload, for diagnostics */
} MeldCustom;

/* ---- The "name" custom section, decoded ---- */
typedef struct MeldNameAssoc {
  uint32_t index;
  MeldStr name;
} MeldNameAssoc;

typedef struct MeldNameMap {
  MeldNameAssoc *items;
  uint32_t nitems, cap;
} MeldNameMap;

typedef struct MeldIndirectNameAssoc {
  uint32_t index;
  MeldNameMap map;
} MeldIndirectNameAssoc;

typedef struct MeldIndirectNameMap {
  MeldIndirectNameAssoc *items;
  uint32_t nitems, cap;
} MeldIndirectNameMap;

typedef struct MeldRawSubsection {
  uint8_t id;
  const uint8_t *data;
  uint32_t size;
} MeldRawSubsection;

/* Subsection ids of the name section (0-2 standard; 3-9 from the extended-name-section
 * proposal, written by binaryen, wasm-tools and LLVM). */
enum {
  MELD_NAMES_MODULE = 0,
  MELD_NAMES_FUNC = 1,
  MELD_NAMES_LOCAL = 2,
  MELD_NAMES_LABEL = 3,
  MELD_NAMES_TYPE = 4,
  MELD_NAMES_TABLE = 5,
  MELD_NAMES_MEMORY = 6,
  MELD_NAMES_GLOBAL = 7,
  MELD_NAMES_ELEM = 8,
  MELD_NAMES_DATA = 9,
};

typedef struct MeldNames {
  bool has_module;
  MeldStr module;
  MeldNameMap funcs;
  MeldIndirectNameMap locals;
  MeldIndirectNameMap labels;
  MeldNameMap types, tables, memories, globals, elems, datas;
  /* Subsections with other ids, kept verbatim and written back in id order. */
  MeldRawSubsection *raw;
  uint32_t nraw, capraw;
} MeldNames;

/* ---- The module ---- */
typedef struct MeldModule {
  MeldFuncType *types;
  uint32_t ntypes, captypes;

  MeldImport *imports;
  uint32_t nimports, capimports;

  MeldFunc *funcs;
  uint32_t nfuncs, capfuncs, nimportfuncs;
  MeldTable *tables;
  uint32_t ntables, captables, nimporttables;
  MeldMemory *memories;
  uint32_t nmemories, capmemories, nimportmemories;
  MeldGlobal *globals;
  uint32_t nglobals, capglobals, nimportglobals;

  MeldExport *exports;
  uint32_t nexports, capexports;

  uint32_t start; /* function index or MELD_NONE */
  uint64_t start_at; /* file offset of the start section's index */

  MeldElem *elems;
  uint32_t nelems, capelems;
  MeldData *datas;
  uint32_t ndatas, capdatas;
  bool has_datacount; /* write a data count section */

  MeldCustom *customs;
  uint32_t ncustoms, capcustoms;
  MeldNames names;

  /* Indices held outside the module (fusion records, ...) that renumbering must keep right:
   * meld_module_remap rewrites them too (to MELD_NONE when the entity is removed). */
  struct MeldTrackedRef *tracked;
  uint32_t ntracked, captracked;

  /* Where the module came from, for diagnostics. */
  const char *file;
  uint64_t base_offset; /* offset of the module's first byte within `file` */
  /* Which sections the input had (bit = 1 << MELD_RANK_*); the writer emits a present but
   * empty section again so that an unmodified module round-trips byte for byte. */
  uint32_t present_sections;
  /* The arena the module lives in (meld_module_new): the verifier keeps its per-body reference
   * lists there. */
  MeldArena *arena;
} MeldModule;

typedef struct MeldTrackedRef {
  uint8_t space; /* MeldSpace (declared below) */
  uint32_t *slot;
} MeldTrackedRef;

/* ---- Creating and editing ---- */

/* An empty module (no sections). */
MeldModule *meld_module_new(MeldArena *arena);

/* Adds a function type, reusing an identical existing one; returns its index or MELD_NONE on
 * allocation failure. */
uint32_t meld_module_intern_type(MeldModule *m, MeldArena *arena, const MeldValType *params,
                                 uint32_t nparams, const MeldValType *results, uint32_t nresults);

/* Type of local `idx` of function `f` (parameters first, then declared locals); 0 when out of
 * range. */
MeldValType meld_func_local_type(const MeldModule *m, const MeldFunc *f, uint32_t idx);

/* Decodes a raw body into the function (instrs in `arena`, decoded = true). No-op when already
 * decoded.  Reports errors to ctx. */
bool meld_func_decode(MeldContext *ctx, MeldModule *m, MeldFunc *f, MeldArena *arena);

/* The instructions of a body without changing its form: the decoded array itself, or a fresh
 * decoding of the raw bytes into `scratch`.  `offsets` (optional) receives, for raw bodies, the
 * file offset of each instruction (NULL for decoded bodies). */
bool meld_func_instrs(MeldContext *ctx, const MeldModule *m, const MeldFunc *f,
                      MeldArena *scratch, const MeldInstr **instrs, uint32_t *ninstrs,
                      const uint64_t **offsets);

/* Iterates over a body's instructions without materialising an array (raw bodies are decoded
 * one instruction at a time; decoded bodies are walked).  Pointers inside the returned
 * instruction (br_table labels) stay valid until the next call.  Use this in read-only
 * consumers (verifier, printer, analyses): memory stays constant whatever the body size.
 *
 *   MeldInstrIter it;
 *   meld_iter_begin(&it, ctx, m, f);
 *   MeldInstr in; uint64_t off;
 *   while (meld_iter_next(&it, &in, &off) > 0) { ... }
 *   meld_iter_end(&it);
 *
 * meld_iter_next returns 1 with the next instruction (and its file offset, MELD_NO_OFFSET for
 * decoded bodies), 0 after the last one, -1 after reporting a malformed instruction. */
typedef struct MeldInstrIter {
  MeldContext *ctx;
  const char *file;
  const MeldInstr *instrs; /* decoded form */
  uint32_t ninstrs, next;
  const uint8_t *code, *p, *end; /* raw form */
  uint64_t codeoffset;
  MeldArena labels;
  MeldArenaMark labels_base;
} MeldInstrIter;

void meld_iter_begin(MeldInstrIter *it, MeldContext *ctx, const MeldModule *m,
                     const MeldFunc *f);
int meld_iter_next(MeldInstrIter *it, MeldInstr *out, uint64_t *offset);
void meld_iter_end(MeldInstrIter *it);

/* Decodes one instruction at *p (not past end) into *out, advancing *p.  Arrays (br_table
 * labels) go into `arena`; v128 immediates point into the input bytes.  On failure returns false
 * and sets *err to a message ("unexpected end", "illegal opcode 0xfd 0x9a", ...) and leaves *p at
 * the offending byte. */
bool meld_decode_instr(const uint8_t **p, const uint8_t *end, MeldArena *arena, MeldInstr *out,
                       const char **err);

/* Decodes an expression (a sequence ending with the `end` that closes nesting level 0), checking
 * block structure (else only in if, balanced ends) but not types, and that the expression uses
 * exactly `size` bytes. */
bool meld_decode_expr(MeldContext *ctx, const char *file, uint64_t file_offset,
                      const uint8_t *code, uint32_t size, MeldArena *arena, MeldInstr **instrs,
                      uint32_t *ninstrs, uint64_t **offsets);

/* What meld_check_expr found while checking a body. */
enum { MELD_EXPR_USES_DATA = 1u << 0 /* memory.init or data.drop */ };

/* The same checks as meld_decode_expr without keeping anything: memory use does not grow with
 * the body.  `scratch` holds the block-nesting stack only. */
bool meld_check_expr(MeldContext *ctx, const char *file, uint64_t file_offset,
                     const uint8_t *code, uint32_t size, MeldArena *scratch, uint32_t *flags);

/* ---- Index spaces and references ---- */
typedef enum MeldSpace {
  MELD_SPACE_FUNC,
  MELD_SPACE_TABLE,
  MELD_SPACE_MEMORY,
  MELD_SPACE_GLOBAL,
  MELD_SPACE_TYPE,
  MELD_SPACE_ELEM,
  MELD_SPACE_DATA,
  MELD_NUM_SPACES
} MeldSpace;

const char *meld_space_name(MeldSpace s); /* "function", "table", ... */

typedef struct MeldIndexRef {
  MeldSpace space;
  uint32_t *slot; /* the immediate inside the instruction */
} MeldIndexRef;

/* The module-level index immediates of an instruction (labels and locals are not module
 * indices): at most two.  Derived from the immediate kind, so it covers every opcode.  Inline:
 * the scanners of raw code (meld_code_remap, meld_code_refs) call it for every instruction. */
static inline uint32_t meld_instr_refs(MeldInstr *in, MeldIndexRef refs[2]) {
  switch ((MeldImmKind)meld_op_info[in->op].imm) {
  case MELD_IMM_BLOCK:
    if (in->btkind != MELD_BT_TYPEIDX) return 0;
    refs[0] = (MeldIndexRef){MELD_SPACE_TYPE, &in->x};
    return 1;
  case MELD_IMM_FUNC: refs[0] = (MeldIndexRef){MELD_SPACE_FUNC, &in->x}; return 1;
  case MELD_IMM_CALL_INDIRECT:
    refs[0] = (MeldIndexRef){MELD_SPACE_TYPE, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_TABLE, &in->y};
    return 2;
  case MELD_IMM_GLOBAL: refs[0] = (MeldIndexRef){MELD_SPACE_GLOBAL, &in->x}; return 1;
  case MELD_IMM_TABLE: refs[0] = (MeldIndexRef){MELD_SPACE_TABLE, &in->x}; return 1;
  case MELD_IMM_TABLE_TABLE:
    refs[0] = (MeldIndexRef){MELD_SPACE_TABLE, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_TABLE, &in->y};
    return 2;
  case MELD_IMM_ELEM_TABLE:
    refs[0] = (MeldIndexRef){MELD_SPACE_ELEM, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_TABLE, &in->y};
    return 2;
  case MELD_IMM_ELEM: refs[0] = (MeldIndexRef){MELD_SPACE_ELEM, &in->x}; return 1;
  case MELD_IMM_MEMARG:
  case MELD_IMM_MEMARG_LANE:
  case MELD_IMM_MEMORY: refs[0] = (MeldIndexRef){MELD_SPACE_MEMORY, &in->x}; return 1;
  case MELD_IMM_MEMORY_MEMORY:
    refs[0] = (MeldIndexRef){MELD_SPACE_MEMORY, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_MEMORY, &in->y};
    return 2;
  case MELD_IMM_DATA_MEMORY:
    refs[0] = (MeldIndexRef){MELD_SPACE_DATA, &in->x};
    refs[1] = (MeldIndexRef){MELD_SPACE_MEMORY, &in->y};
    return 2;
  case MELD_IMM_DATA: refs[0] = (MeldIndexRef){MELD_SPACE_DATA, &in->x}; return 1;
  default: return 0;
  }
}

/* Rewrites every reference in the module through `maps` (old index -> new index; a NULL map
 * leaves that space alone): function bodies (decoding those that change into `arena`), constant
 * expressions, element and data segments, imports, exports, the start function and the name
 * section (entries that map to MELD_NONE are dropped from it).  It does not move the entities
 * themselves; callers compact the arrays.  A reference that maps to MELD_NONE is a caller bug
 * (asserted). */
bool meld_module_remap(MeldContext *ctx, MeldModule *m, MeldArena *arena,
                       const uint32_t *const maps[MELD_NUM_SPACES]);

/* True when renumbering references of module `from` through `maps` (NULL: identity) into module
 * `to` keeps every entity's type: each function, table, global and type that maps somewhere
 * (MELD_NONE: nowhere) maps to one of `to`'s with the same signature, element type, value type
 * and mutability, or structure; each memory to an existing memory.  A body the verifier accepted
 * in `from` (meld_func_checked) is then valid in `to` once renumbered. */
bool meld_remap_keeps_types(const MeldModule *from, const MeldModule *to,
                            const uint32_t *const maps[MELD_NUM_SPACES]);

/* Applies every pending renumbering (MeldFunc.pending) to its body, on MeldContext.threads
 * threads; bodies the verifier marked keep their marks (the renumbering keeps types: it is
 * resolve's, checked by meld_remap_keeps_types).  False (reported) on allocation failure. */
bool meld_module_settle(MeldContext *ctx, MeldModule *m, MeldArena *arena);
/* True when some body has a pending renumbering. */
bool meld_module_has_pending(const MeldModule *m);

/* Clears every body's verifier mark (MeldFunc.checked): the pass manager calls it after any pass
 * that may change entities' types, declarations or segments, not only indices. */
void meld_module_forget_checks(MeldModule *m);

/* Registers an index held outside the module (in a structure that outlives renumbering) so that
 * meld_module_remap keeps it right.  False on allocation failure. */
bool meld_module_track(MeldModule *m, MeldArena *arena, MeldSpace space, uint32_t *slot);

/* Re-encodes a raw expression (instruction bytes through the final end) with every module
 * index mapped through `maps` (NULL: unchanged).  When some index changes, *changed is set and
 * the whole new expression is appended to `out`: runs of instructions whose indices stay are
 * copied byte for byte, the others re-encoded canonically.  When none changes, *changed is
 * false and `out` is left alone (the caller keeps the original bytes).  Used to merge and
 * renumber modules without decoding bodies into arrays.  Reports malformed code like the
 * decoder (a NULL `ctx` reports nothing: the caller only learns that it failed). */
bool meld_code_remap(MeldContext *ctx, const char *file, uint64_t offset, const uint8_t *code,
                     uint32_t size, const uint32_t *const maps[MELD_NUM_SPACES], MeldBuf *out,
                     bool *changed);

/* meld_code_remap that also appends to `refs` the body's references after renumbering, as
 * uint32 entries in MeldFunc.refs' form.  *refs_ok is false when an index does not fit the
 * form (the list is then incomplete). */
bool meld_code_remap_refs(MeldContext *ctx, const char *file, uint64_t offset,
                          const uint8_t *code, uint32_t size,
                          const uint32_t *const maps[MELD_NUM_SPACES], MeldBuf *out,
                          bool *changed, MeldBuf *refs, bool *refs_ok);

/* Renumbers many raw bodies through the same maps, on MeldContext.threads threads: job j's
 * bytes (code, codesize; codeoffset for messages) go through meld_code_remap, and its `dst`
 * receives the result -- a copy in `arena` when an index changed (codeoffset becomes
 * MELD_NO_OFFSET), the original bytes otherwise (codeoffset untouched) -- and the body's
 * reference list (MeldFunc.refs, in `arena`).  Reports the first failure in job order, as a
 * loop over the jobs would, and returns false. */
typedef struct MeldRemapJob {
  const uint8_t *code;
  uint32_t codesize;
  uint64_t codeoffset;
  MeldFunc *dst;
} MeldRemapJob;
bool meld_code_remap_many(MeldContext *ctx, const char *file, const MeldRemapJob *jobs,
                          uint32_t njobs, const uint32_t *const maps[MELD_NUM_SPACES],
                          MeldArena *arena);

/* Calls `visit` for every module-level index immediate of a raw body, in order (`op` is the
 * instruction's MeldOpcode), without keeping any instruction.  Reports malformed code like the
 * decoder and returns false. */
typedef void (*MeldRefVisitor)(void *env, MeldSpace space, uint32_t index, uint16_t op);
bool meld_code_refs(MeldContext *ctx, const char *file, uint64_t offset, const uint8_t *code,
                    uint32_t size, MeldRefVisitor visit, void *env);

/* Encodes one instruction / an instruction sequence in canonical form. */
void meld_encode_instr(MeldBuf *out, const MeldInstr *in);
void meld_encode_instrs(MeldBuf *out, const MeldInstr *in, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
