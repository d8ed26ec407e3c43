/*
 * Internal to lib/Fuse: the symbolic evaluation of components that `resolve` performs.
 *
 * Evaluating a component follows the component model's instantiation semantics over symbols
 * instead of values: every definition pushes an entity (Ent) onto the index space of its sort
 * in a Scope, exactly as the binary builds index spaces; core module instantiations become
 * module instances whose functions, tables, memories and globals are slots of the fused module;
 * canon lift makes a component function, canon lower a core function slot (a boundary entry for
 * a function lifted inside the program, a core import for one provided by the host).
 */
#ifndef MELDC_FUSE_RESOLVE_H
#define MELDC_FUSE_RESOLVE_H

#include "meldc/Component.h"
#include "meldc/Fuse.h"
#include "meldc/Unit.h"

typedef enum EntKind {
  ENT_NONE = 0,
  ENT_CORE_MODULE,   /* module */
  ENT_CORE_INSTANCE, /* idx: R->coreinsts */
  ENT_CORE_FUNC,     /* idx: R->funcs (slots) */
  ENT_CORE_TABLE,    /* idx: R->tables */
  ENT_CORE_MEMORY,   /* idx: R->memories */
  ENT_CORE_GLOBAL,   /* idx: R->globals */
  ENT_CORE_TYPE,     /* a core type (not needed by fusion: carried, never used) */
  ENT_FUNC,          /* idx: R->cfuncs */
  ENT_TYPE,          /* type (definition) in scope */
  ENT_RESOURCE,      /* idx: a resource identity (imported or defined resource type) */
  ENT_COMPONENT,     /* comp, defined in scope */
  ENT_INSTANCE,      /* idx: R->cinsts */
  ENT_VALUE,         /* never produced: values are refused */
} EntKind;

typedef struct Scope Scope;

typedef struct Ent {
  uint8_t kind;
  uint32_t idx;
  const MeldModule *module;
  const MeldCompType *type;
  const MeldComponent *comp;
  Scope *scope; /* TYPE: where the definition's indices resolve; COMPONENT: its defining scope */
  /* The name the entity was imported or aliased by, for messages and --explain: an instance
   * remembers the interface it was imported as; a function the interface and its name there. */
  MeldStr iface, name;
} Ent;

struct Scope {
  Scope *outer;              /* enclosing definition scope, for outer aliases */
  const MeldComponent *comp; /* NULL for the scope of a component/instance type's declarations */
  uint32_t instance;         /* MeldFusedInstance of a component scope */
  Ent *ents[MELD_NUM_SORTS];
  uint32_t nents[MELD_NUM_SORTS], capents[MELD_NUM_SORTS];
};

/* A core function slot of the fused module. */
typedef enum SlotKind {
  SLOT_MODULE, /* defined function `local` of module instance `minst` */
  SLOT_HOST,   /* a core import (R->fusion.imports[aux]) */
  SLOT_ENTRY,   /* a boundary entry (R->fusion.boundaries[aux]) */
  SLOT_START,  /* the synthesized start function */
} SlotKind;

typedef struct FuncSlot {
  uint8_t kind;
  uint32_t minst, local, aux;
  uint32_t final; /* index in the fused module */
} FuncSlot;

/* A table, memory or global slot: entity `local` of module instance `minst`. */
typedef struct DefSlot {
  uint32_t minst, local;
  uint32_t final;
} DefSlot;

/* A core module instance: one copy of a module in the fused program. */
typedef struct ModInst {
  const MeldModule *m;
  uint32_t instance; /* MeldFusedInstance */
  uint32_t *funcs, *tables, *memories, *globals; /* local index -> slot */
} ModInst;

/* A core instance entity: a module instance, or a bag of inline exports. */
typedef struct CoreInst {
  uint32_t minst; /* MELD_NONE for a bag */
  const MeldStr *names;
  const Ent *ents;
  uint32_t nexports;
} CoreInst;

/* A component function: lifted by a component instance of the program, or provided by the
 * host. */
typedef struct CFunc {
  bool host;
  uint32_t instance; /* lifted: the lifting instance */
  uint32_t core;     /* lifted: the core func slot */
  MeldAbiOpts opts;  /* lifted: options, as slot indices (memory: memory slot) */
  Ent type;          /* the function type */
  MeldStr interface, name; /* host: where it comes from */
  const MeldFuncSig *sig;  /* resolved lazily */
} CFunc;

/* A component instance entity: its exports by name. */
typedef struct CExport {
  MeldStr name;
  Ent ent;
} CExport;

typedef struct CInst {
  CExport *exports;
  uint32_t nexports, capexports;
} CInst;

/* A resource type: provided by the host (imported) or defined by a component of the program. */
typedef struct ResourceInfo {
  MeldStr iface, name;
  bool host;
} ResourceInfo;

typedef struct MemoEntry {
  const void *key1, *key2;
  const void *value;
} MemoEntry;

typedef struct Resolver {
  MeldContext *ctx;
  MeldUnit *unit;
  MeldArena *arena; /* the unit's arena: everything that outlives the pass */
  MeldFusion *fusion;
  FuncSlot *funcs;
  uint32_t nfuncs, capfuncs;
  DefSlot *tables, *memories, *globals;
  uint32_t ntables, captables, nmemories, capmemories, nglobals, capglobals;
  ModInst *minsts;
  uint32_t nminsts, capminsts;
  CoreInst *coreinsts;
  uint32_t ncoreinsts, capcoreinsts;
  CFunc *cfuncs;
  uint32_t ncfuncs, capcfuncs;
  CInst *cinsts;
  uint32_t ncinsts, capcinsts;
  uint32_t *starts; /* func slots of start functions, in instantiation order */
  uint32_t nstarts, capstarts;
  ResourceInfo *resources;
  uint32_t nresources, capresources;
  /* Memo of resolved types and resource identities, keyed by (definition, scope). */
  MemoEntry *memo;
  uint32_t nmemo, capmemo;
  uint32_t depth; /* type nesting, bounded */
  const char *file; /* input being evaluated, for diagnostics */
} Resolver;

/* Lib/Fuse/Types.c: resolve a component value type / function type seen from `scope` into the
 * fusion's resolved types (memoized).  NULL after reporting an error. */
const MeldValTy *meld_resolve_valtype(Resolver *R, Scope *scope, MeldCompValType vt);
const MeldFuncSig *meld_resolve_functype(Resolver *R, const Ent *type);
/* Memo lookup / insertion (Types.c). */
const void *meld_memo_get(Resolver *R, const void *k1, const void *k2);
bool meld_memo_put(Resolver *R, const void *k1, const void *k2, const void *value);
/* Follows a type entity through `eq` bounds to its definition (the entity itself otherwise). */
bool meld_scope_type(Resolver *R, Scope *scope, uint32_t index, Ent *out);

#endif
