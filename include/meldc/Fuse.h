/*
 * Fusion: what `resolve` produces and `adapter` consumes.
 *
 * After `resolve` the unit holds one fused core module (multi-memory: one memory per component
 * instance that had one) and a MeldFusion record describing how it came about:
 *
 *   - instances: every component instance of the program (top-level inputs and nested ones);
 *     each fused function, memory, table and global carries the instance it came from in its
 *     `origin` field (Core.h);
 *   - boundaries: every call from one component instance into a function another one lifted.
 *     The caller's core code calls `entry`, a function `resolve` creates with the caller's lowered
 *     signature and an `unreachable` body; `adapter` gives it a body that follows the Canonical
 *     ABI (CanonicalABI.md) from the caller's options (`lower`) to the callee's (`lift`) and calls
 *     `target`, the callee's core function;
 *   - host imports: component functions nobody in the program provides; they stay imports of the
 *     fused module (module = interface name, field = function name) with the caller's lowering;
 *   - host exports: the root's lifted functions, exported from the fused module under their
 *     component-level name, with the callee's lifting.
 *
 * Types are resolved: MeldValTy trees in which every type index of the component IR has been
 * followed (aliases, imports with `eq` bounds, outer aliases), so the Canonical ABI can be
 * computed without the component IR.
 *
 * Function indices held here (boundary entries and targets, options' realloc/post-return, host
 * import/export functions) and memory indices are registered with meld_module_track, so passes
 * that renumber the module (dce) keep them right; an entity a pass removes reads MELD_NONE.
 */
#ifndef MELDC_FUSE_H
#define MELDC_FUSE_H

#include "meldc/Core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Resolved component value types ---- */
typedef enum MeldValKind {
  MELD_VT_BOOL,
  MELD_VT_S8,
  MELD_VT_U8,
  MELD_VT_S16,
  MELD_VT_U16,
  MELD_VT_S32,
  MELD_VT_U32,
  MELD_VT_S64,
  MELD_VT_U64,
  MELD_VT_F32,
  MELD_VT_F64,
  MELD_VT_CHAR,
  MELD_VT_STRING,
  MELD_VT_LIST,       /* a: element */
  MELD_VT_FIXED_LIST, /* a: element, n: length */
  MELD_VT_RECORD,     /* n fields: labels, types */
  MELD_VT_TUPLE,      /* n types */
  MELD_VT_VARIANT,    /* n cases: labels, types (NULL entry: no payload) */
  MELD_VT_ENUM,       /* n labels */
  MELD_VT_OPTION,     /* a: payload */
  MELD_VT_RESULT,     /* a: ok payload or NULL, b: error payload or NULL */
  MELD_VT_FLAGS,      /* n labels (1..32) */
  MELD_VT_MAP,        /* a: key, b: value (a list of (key, value) tuples in the ABI) */
  MELD_VT_OWN,        /* resource: the resource's identity */
  MELD_VT_BORROW,
  MELD_VT_STREAM,     /* a: element or NULL */
  MELD_VT_FUTURE,     /* a: payload or NULL */
  MELD_VT_ERROR_CONTEXT,
  MELD_NUM_VAL_KINDS
} MeldValKind;

typedef struct MeldValTy MeldValTy;
struct MeldValTy {
  uint8_t kind; /* MeldValKind */
  uint32_t n;
  const MeldValTy *a;
  const MeldValTy *b;
  const MeldValTy *const *types;
  const MeldStr *labels;
  uint32_t resource;
};

typedef struct MeldFuncSig {
  uint32_t nparams;
  const MeldStr *param_names;
  const MeldValTy *const *params;
  const MeldValTy *result; /* NULL: no result */
  bool async;
} MeldFuncSig;

const char *meld_val_kind_name(uint8_t kind); /* "bool", "u32", "list", ... */
/* Writes the type in WIT-like syntax ("list<tuple<u32, string>>"); for messages and --explain. */
void meld_valty_print(const MeldValTy *t, MeldBuf *out);
void meld_funcsig_print(const MeldFuncSig *sig, MeldBuf *out);

/* ---- The Canonical ABI of resolved types (CanonicalABI.md; 32-bit memories) ---- */
uint32_t meld_abi_alignment(const MeldValTy *t);
uint32_t meld_abi_size(const MeldValTy *t); /* elem_size */
/* Flattened core types of one value; returns the count (the types go to `out`, which holds at
 * least `cap`; a larger count is still returned so callers can detect overflow). */
uint32_t meld_abi_flatten(const MeldValTy *t, MeldValType *out, uint32_t cap);
/* Variant-like types (variant, enum, option, result): the number of cases, a case's payload
 * (NULL: none), the size of the discriminant for n cases (1, 2 or 4 bytes), and where the
 * payload sits after the discriminant in memory. */
uint32_t meld_abi_ncases(const MeldValTy *t);
const MeldValTy *meld_abi_case(const MeldValTy *t, uint32_t i);
uint32_t meld_abi_disc_size(uint32_t n);
uint32_t meld_abi_payload_offset(const MeldValTy *t);
/* Does the type, anywhere inside, need memory (string, list, map) / a handle (own, borrow) /
 * the async ABI (stream, future, error-context)? */
bool meld_abi_needs_memory(const MeldValTy *t);
bool meld_abi_has_handles(const MeldValTy *t);
bool meld_abi_has_async(const MeldValTy *t);

#define MELD_MAX_FLAT_PARAMS 16u
#define MELD_MAX_FLAT_RESULTS 1u

/* The core signature of a lifted or lowered function (flatten_functype): params beyond 16 flat
 * values become one i32 pointer; a result beyond 1 flat value becomes an i32 pointer result
 * (lift) or an extra i32 return-pointer parameter (lower). */
typedef struct MeldCoreSig {
  uint32_t nparams, nresults;
  MeldValType params[MELD_MAX_FLAT_PARAMS + 1];
  MeldValType results[MELD_MAX_FLAT_RESULTS];
  bool params_spilled; /* parameters go through memory */
  bool result_spilled; /* the result goes through memory */
} MeldCoreSig;

typedef enum { MELD_CONTEXT_LIFT, MELD_CONTEXT_LOWER } MeldAbiContext;
void meld_abi_core_sig(const MeldFuncSig *sig, MeldAbiContext context, MeldCoreSig *out);

/* What the host needs from the program's side of a function on the outer boundary: for an
 * export (LIFT: the host lowers the arguments into the callee and lifts the result), the memory
 * whenever anything goes through memory, and the callee's realloc when the arguments do; for an
 * import (LOWER: the host lifts the arguments from the caller and lowers the result into it),
 * the memory likewise, and the caller's realloc when the result holds strings or lists. */
void meld_abi_host_needs(const MeldFuncSig *sig, MeldAbiContext context, bool *memory,
                         bool *realloc);

/* ---- Canonical options ---- */
typedef enum MeldStringEncoding {
  MELD_ENC_UTF8 = 0,
  MELD_ENC_UTF16 = 1,
  MELD_ENC_LATIN1_UTF16 = 2,
} MeldStringEncoding;

typedef struct MeldAbiOpts {
  uint32_t memory;      /* fused memory index, or MELD_NONE */
  uint32_t realloc;     /* fused function index, or MELD_NONE */
  uint32_t post_return; /* fused function index, or MELD_NONE (lifts only) */
  uint8_t encoding;     /* MeldStringEncoding */
  bool async;
  uint32_t callback;    /* fused function index, or MELD_NONE */
} MeldAbiOpts;

/* ---- The fusion record ---- */
typedef struct MeldFusedInstance {
  MeldStr path;    /* "app.wasm", "app.wasm/$inner", ... for messages and --explain */
  uint32_t parent; /* enclosing instance, MELD_NONE for a top-level input */
  uint32_t input;  /* index of the input file */
  uint32_t memory; /* the instance's main memory in the fused module, or MELD_NONE */
} MeldFusedInstance;

typedef enum MeldAdaptKind {
  MELD_ADAPT_PENDING = 0, /* not adapted yet */
  MELD_ADAPT_DIRECT,      /* same flat signature, no memory work: callers call the target */
  MELD_ADAPT_COPY,        /* values copied between the two memories */
  MELD_ADAPT_TRANSCODE,   /* strings transcoded between different encodings */
} MeldAdaptKind;

typedef struct MeldBoundary {
  uint32_t caller; /* MeldFusedInstance index */
  uint32_t callee;
  MeldStr interface; /* "ns:pkg/iface@1.2.3", or empty for a function imported by plain name */
  MeldStr func;      /* the function's name */
  const MeldFuncSig *sig;
  MeldAbiOpts lower; /* the caller's canon lower options */
  MeldAbiOpts lift;  /* the callee's canon lift options */
  uint32_t target;   /* fused function the lift wraps */
  uint32_t entry;     /* fused function the caller calls; `adapter` writes its body */
  uint8_t how;       /* MeldAdaptKind */
} MeldBoundary;

typedef struct MeldHostImport {
  uint32_t caller;
  MeldStr interface;
  MeldStr func;
  const MeldFuncSig *sig;
  MeldAbiOpts lower;
  uint32_t import; /* fused function index of the core import */
} MeldHostImport;

typedef struct MeldHostExport {
  uint32_t callee;
  MeldStr name; /* the core export's name: "ns:pkg/iface#func", or "func" */
  MeldStr interface;
  MeldStr func;
  const MeldFuncSig *sig;
  MeldAbiOpts lift;
  uint32_t target; /* fused function exported */
} MeldHostExport;

typedef struct MeldFusedResource {
  MeldStr interface; /* the host interface that provides it ("" for a plain import) */
  MeldStr name;
  bool host;         /* provided by the host (else defined by a component of the program) */
} MeldFusedResource;

typedef struct MeldFusion {
  MeldFusedResource *resources; /* indexed by MeldValTy.resource */
  uint32_t nresources;
  MeldFusedInstance *instances;
  uint32_t ninstances, capinstances;
  MeldBoundary *boundaries;
  uint32_t nboundaries, capboundaries;
  MeldHostImport *imports;
  uint32_t nimports, capimports;
  MeldHostExport *exports;
  uint32_t nexports, capexports;
  /* Lines passes after `resolve` add for --explain (each without "explain: " and newline),
   * printed after the boundaries, host imports and exports, in the order they were added. */
  MeldStr *notes;
  uint32_t nnotes, capnotes;
} MeldFusion;

/* Adds a --explain line (printf-style; "explain: " and the newline are added when printed).
 * Returns false, having reported the error, when out of memory. */
bool meld_fusion_note(MeldContext *ctx, MeldArena *arena, MeldFusion *f, const char *fmt, ...)
    MELD_PRINTF(4, 5);

/* --emit=component: the fused module wrapped back into a component with the same WIT-level
 * imports and exports as the program (lib/Fuse/Rewrap.c): the host imports become component
 * imports of the interfaces they came from, lowered with their callers' options; the host
 * exports are lifted with their callees' options and exported as the interfaces (or functions)
 * they were.  The component is built in `arena` and written with meld_component_write. */
struct MeldComponent;
bool meld_fusion_component(MeldContext *ctx, MeldArena *arena, const MeldModule *m,
                           const MeldFusion *f, struct MeldComponent **out);

/* --explain: one line per boundary, host import and export (docs/fusion.md). */
void meld_fusion_explain(const MeldModule *m, const MeldFusion *f, MeldBuf *out);
/* --emit-abi: the host interface as JSON (docs/fusion.md, schema version 1). */
void meld_fusion_abi_json(const MeldModule *m, const MeldFusion *f, MeldBuf *out);

#ifdef __cplusplus
}
#endif
#endif
