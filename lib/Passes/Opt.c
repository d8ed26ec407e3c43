/*
 * opt: run binaryen's optimizer on the module.
 *
 * What it does: writes the module, hands the bytes to binaryen (libbinaryen through
 * binaryen-c.h), runs either binaryen's default optimization pipeline at a level (`opt<O2>`,
 * `opt<Oz>`, ...) or the binaryen passes named as parameters, in order (`opt<vacuum;dce>`), and
 * reads binaryen's output back as the unit's module.  Parameters:
 *
 *   O0 O1 O2 O3 O4 Os Oz   the level (optimize, shrink) as wasm-opt's -O flags; default O2
 *   any other flag         a binaryen pass name (those wasm-opt --help listed at configure time)
 *
 * A level and pass names together run the passes at that level's settings.
 *
 * Why: meldc's own passes restructure the program (fusion, adapters, one address space); what
 * is left is ordinary wasm, which binaryen optimizes well.
 *
 * libbinaryen is loaded (dlopen) the first time the pass runs, so meldc runs that do not
 * optimize do not pay for it.
 *
 * Needs: a core module with at most one memory: binaryen 108 (Debian 12) predates multi-memory,
 * so a fused module must go through `rebase` first (the error says so).  Guarantees: the
 * module's exports and imports keep their names and types; indices held outside the module
 * (the fusion record) follow exported and imported entities by name, the others (internal
 * functions binaryen may merge, inline or remove) become MELD_NONE.
 */
#include "Passes/PassRegistry.h"
#include "meldc/Binary.h"

#include <stdlib.h>
#include <string.h>

#ifdef MELDC_HAVE_BINARYEN
#include <binaryen-c.h>
#include <dlfcn.h>

/* libbinaryen is loaded when `opt` first runs, not linked: mapping its 12 MB into every meldc
 * process costs every run that does not optimize (about 6.5 MB of peak memory and 16M
 * instructions of relocation).  The functions it uses, looked up once. */
static struct Binaryen {
  bool loaded;
  BinaryenFeatures (*FeatureMVP)(void);
  BinaryenFeatures (*FeatureMutableGlobals)(void);
  BinaryenFeatures (*FeatureSignExt)(void);
  BinaryenFeatures (*FeatureNontrappingFPToInt)(void);
  BinaryenFeatures (*FeatureBulkMemory)(void);
  BinaryenFeatures (*FeatureMultivalue)(void);
  BinaryenFeatures (*FeatureReferenceTypes)(void);
  BinaryenFeatures (*FeatureSIMD128)(void);
  BinaryenModuleRef (*ModuleRead)(char *, size_t);
  void (*ModuleSetFeatures)(BinaryenModuleRef, BinaryenFeatures);
  void (*SetOptimizeLevel)(int);
  void (*SetShrinkLevel)(int);
  void (*SetDebugInfo)(bool);
  void (*ModuleRunPasses)(BinaryenModuleRef, const char **, BinaryenIndex);
  void (*ModuleOptimize)(BinaryenModuleRef);
  BinaryenModuleAllocateAndWriteResult (*ModuleAllocateAndWrite)(BinaryenModuleRef,
                                                                 const char *);
  void (*ModuleDispose)(BinaryenModuleRef);
} bn;

/* Loads libbinaryen (the one found at configure time, else the system's); false, having
 * reported why, when it cannot. */
static bool load_binaryen(MeldContext *ctx) {
  if (bn.loaded) return true;
  const char *paths[] = {MELDC_BINARYEN_LIBRARY_PATH, "libbinaryen.so"};
  void *h = NULL;
  const char *why = NULL;
  for (size_t i = 0; i < sizeof paths / sizeof paths[0] && !h; i++) {
    h = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
    if (!h) why = dlerror();
  }
  if (!h) {
    meld_error(ctx, NULL, MELD_NO_OFFSET, "opt: cannot load libbinaryen: %s",
               why ? why : "not found");
    return false;
  }
  struct {
    void **slot;
    const char *name;
  } syms[] = {
      {(void **)&bn.FeatureMVP, "BinaryenFeatureMVP"},
      {(void **)&bn.FeatureMutableGlobals, "BinaryenFeatureMutableGlobals"},
      {(void **)&bn.FeatureSignExt, "BinaryenFeatureSignExt"},
      {(void **)&bn.FeatureNontrappingFPToInt, "BinaryenFeatureNontrappingFPToInt"},
      {(void **)&bn.FeatureBulkMemory, "BinaryenFeatureBulkMemory"},
      {(void **)&bn.FeatureMultivalue, "BinaryenFeatureMultivalue"},
      {(void **)&bn.FeatureReferenceTypes, "BinaryenFeatureReferenceTypes"},
      {(void **)&bn.FeatureSIMD128, "BinaryenFeatureSIMD128"},
      {(void **)&bn.ModuleRead, "BinaryenModuleRead"},
      {(void **)&bn.ModuleSetFeatures, "BinaryenModuleSetFeatures"},
      {(void **)&bn.SetOptimizeLevel, "BinaryenSetOptimizeLevel"},
      {(void **)&bn.SetShrinkLevel, "BinaryenSetShrinkLevel"},
      {(void **)&bn.SetDebugInfo, "BinaryenSetDebugInfo"},
      {(void **)&bn.ModuleRunPasses, "BinaryenModuleRunPasses"},
      {(void **)&bn.ModuleOptimize, "BinaryenModuleOptimize"},
      {(void **)&bn.ModuleAllocateAndWrite, "BinaryenModuleAllocateAndWrite"},
      {(void **)&bn.ModuleDispose, "BinaryenModuleDispose"},
  };
  for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
    void *f = dlsym(h, syms[i].name);
    if (!f) {
      meld_error(ctx, NULL, MELD_NO_OFFSET, "opt: libbinaryen has no %s", syms[i].name);
      dlclose(h);
      return false;
    }
    memcpy(syms[i].slot, &f, sizeof f);
  }
  bn.loaded = true; /* the library stays loaded for the life of the process */
  return true;
}

/* binaryen's pass names (generated from wasm-opt --help at configure time). */
static const char *const binaryen_passes[] = {
#include "BinaryenPasses.inc"
    NULL,
};

typedef struct Level {
  const char *name;
  int optimize, shrink;
} Level;

static const Level levels[] = {
    {"O0", 0, 0}, {"O1", 1, 0}, {"O2", 2, 0}, {"O3", 3, 0},
    {"O4", 4, 0}, {"Os", 2, 1}, {"Oz", 2, 2},
};

static bool is_binaryen_pass(MeldStr name) {
  for (uint32_t i = 0; binaryen_passes[i]; i++)
    if (meld_str_eq_cstr(name, binaryen_passes[i])) return true;
  return false;
}

/* Where a tracked index pointed, by a name that survives binaryen: the export that names the
 * entity, or (for an import) its module and field and how many same-named imports of that
 * space come before it. */
typedef struct Anchor {
  enum { ANCHOR_NONE, ANCHOR_EXPORT, ANCHOR_IMPORT } kind;
  MeldStr a, b;
  uint32_t nth;
} Anchor;

static uint8_t space_kind(MeldSpace s, bool *ok) {
  *ok = true;
  switch (s) {
  case MELD_SPACE_FUNC: return MELD_EXTERN_FUNC;
  case MELD_SPACE_TABLE: return MELD_EXTERN_TABLE;
  case MELD_SPACE_MEMORY: return MELD_EXTERN_MEMORY;
  case MELD_SPACE_GLOBAL: return MELD_EXTERN_GLOBAL;
  default: *ok = false; return MELD_EXTERN_FUNC;
  }
}

/* The position among the imports of the import that defines entity `index` of kind `kind`
 * (MELD_NONE when the entity is defined, not imported). */
static uint32_t import_slot(const MeldModule *m, uint8_t kind, uint32_t index) {
  for (uint32_t i = 0; i < m->nimports; i++)
    if (m->imports[i].kind == kind && m->imports[i].index == index) return i;
  return MELD_NONE;
}

static Anchor anchor_of(const MeldModule *m, MeldSpace space, uint32_t index) {
  Anchor a = {ANCHOR_NONE, {NULL, 0}, {NULL, 0}, 0};
  bool ok;
  uint8_t kind = space_kind(space, &ok);
  if (!ok || index == MELD_NONE) return a;
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == kind && m->exports[i].index == index) {
      a.kind = ANCHOR_EXPORT;
      a.a = m->exports[i].name;
      return a;
    }
  uint32_t slot = import_slot(m, kind, index);
  if (slot == MELD_NONE) return a;
  a.kind = ANCHOR_IMPORT;
  a.a = m->imports[slot].module;
  a.b = m->imports[slot].name;
  for (uint32_t i = 0; i < slot; i++)
    if (m->imports[i].kind == kind && meld_str_eq(m->imports[i].module, a.a) &&
        meld_str_eq(m->imports[i].name, a.b))
      a.nth++;
  return a;
}

static uint32_t find_anchor(const MeldModule *m, MeldSpace space, const Anchor *a) {
  bool ok;
  uint8_t kind = space_kind(space, &ok);
  if (!ok) return MELD_NONE;
  if (a->kind == ANCHOR_EXPORT) {
    for (uint32_t i = 0; i < m->nexports; i++)
      if (m->exports[i].kind == kind && meld_str_eq(m->exports[i].name, a->a))
        return m->exports[i].index;
  } else if (a->kind == ANCHOR_IMPORT) {
    uint32_t nth = 0;
    for (uint32_t i = 0; i < m->nimports; i++)
      if (m->imports[i].kind == kind && meld_str_eq(m->imports[i].module, a->a) &&
          meld_str_eq(m->imports[i].name, a->b) && nth++ == a->nth)
        return m->imports[i].index;
  }
  return MELD_NONE;
}

static BinaryenFeatures wasm2_features(void) {
  return bn.FeatureMVP() | bn.FeatureMutableGlobals() | bn.FeatureSignExt() |
         bn.FeatureNontrappingFPToInt() | bn.FeatureBulkMemory() | bn.FeatureMultivalue() |
         bn.FeatureReferenceTypes() | bn.FeatureSIMD128();
}

/* binaryen 108's remove-unused-module-elements (part of every -O level) treats a function that
 * only `ref.func` names -- declared by a declarative element segment -- as never called and
 * replaces its body by `unreachable`, although a table.set may put it in a table that
 * call_indirect reads (the component-model suite's linking/unit.wast has such a program).  A
 * passive segment counts as a use for binaryen, and it has no effect of its own unless
 * table.init or elem.drop names it: declarative segments that none names become passive (the
 * module handed to binaryen is discarded afterwards). */
static bool protect_declared_functions(MeldUnit *u, MeldModule *m) {
  bool any = false;
  for (uint32_t i = 0; i < m->nelems && !any; i++) any = m->elems[i].mode == MELD_SEG_DECLARATIVE;
  if (!any) return true;
  bool *named = meld_arena_calloc(&u->arena, m->nelems, sizeof *named);
  if (!named) {
    meld_error(u->ctx, NULL, MELD_NO_OFFSET, "opt: out of memory");
    return false;
  }
  for (uint32_t f = m->nimportfuncs; f < m->nfuncs; f++) {
    MeldInstrIter it;
    MeldInstr in;
    meld_iter_begin(&it, u->ctx, m, &m->funcs[f]);
    int r;
    while ((r = meld_iter_next(&it, &in, NULL)) > 0) {
      MeldIndexRef refs[2];
      uint32_t k = meld_instr_refs(&in, refs);
      for (uint32_t j = 0; j < k; j++)
        if (refs[j].space == MELD_SPACE_ELEM && *refs[j].slot < m->nelems)
          named[*refs[j].slot] = true;
    }
    meld_iter_end(&it);
    if (r < 0) return false;
  }
  for (uint32_t i = 0; i < m->nelems; i++)
    if (m->elems[i].mode == MELD_SEG_DECLARATIVE && !named[i])
      m->elems[i].mode = MELD_SEG_PASSIVE;
  return true;
}

bool meld_pass_opt(MeldUnit *u, const MeldPassParams *params) {
  const Level *level = NULL;
  char **names = NULL;
  uint32_t nnames = 0, capnames = 0;
  for (uint32_t i = 0; i < params->nitems; i++) {
    const MeldPassParam *p = &params->items[i];
    const Level *l = NULL;
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++)
      if (meld_str_eq_cstr(p->key, levels[k].name)) l = &levels[k];
    if (p->has_value) {
      meld_error(u->ctx, NULL, MELD_NO_OFFSET,
                 "opt: parameter '%.*s' takes no value (give a level such as Oz, or binaryen "
                 "pass names)",
                 (int)p->key.len, p->key.ptr);
      return false;
    }
    if (l) {
      if (level) {
        meld_error(u->ctx, NULL, MELD_NO_OFFSET, "opt: more than one level (%s and %s)",
                   level->name, l->name);
        return false;
      }
      level = l;
    } else if (!is_binaryen_pass(p->key)) {
      meld_error(u->ctx, NULL, MELD_NO_OFFSET,
                 "opt: unknown parameter '%.*s': not a level (O0 O1 O2 O3 O4 Os Oz) nor a "
                 "binaryen pass (wasm-opt --help lists them)",
                 (int)p->key.len, p->key.ptr);
      return false;
    }
  }
  MeldModule *m = u->module;
  uint32_t nmem = m->nmemories; /* imported ones included */
  if (nmem > 1) {
    meld_error(u->ctx, NULL, MELD_NO_OFFSET,
               "opt: the module has %u memories and binaryen %s handles one: run 'rebase' first "
               "to place them in one address space",
               nmem, "108");
    return false;
  }
  if (!level) level = &levels[2];
  if (!load_binaryen(u->ctx)) return false;
  for (uint32_t i = 0; i < params->nitems; i++) {
    const MeldPassParam *p = &params->items[i];
    if (!is_binaryen_pass(p->key)) continue;
    char **slot = MELD_PUSH(&u->arena, names, nnames, capnames);
    char *s = slot ? meld_arena_alloc(&u->arena, p->key.len + 1) : NULL;
    if (!s) {
      meld_error(u->ctx, NULL, MELD_NO_OFFSET, "opt: out of memory");
      return false;
    }
    memcpy(s, p->key.ptr, p->key.len);
    s[p->key.len] = 0;
    *slot = s;
  }

  /* Anchors of the tracked indices, taken before the module is replaced. */
  Anchor *anchors = NULL;
  if (m->ntracked) {
    anchors = meld_arena_alloc(&u->arena, (size_t)m->ntracked * sizeof *anchors);
    if (!anchors) {
      meld_error(u->ctx, NULL, MELD_NO_OFFSET, "opt: out of memory");
      return false;
    }
    for (uint32_t i = 0; i < m->ntracked; i++)
      anchors[i] = anchor_of(m, (MeldSpace)m->tracked[i].space, *m->tracked[i].slot);
  }

  if (!protect_declared_functions(u, m)) return false;
  MeldBuf in;
  meld_buf_init(&in, u->ctx->alloc);
  if (!meld_core_write(u->ctx, m, &in)) {
    meld_buf_free(&in);
    return false;
  }
  if (in.oom) {
    meld_buf_free(&in);
    meld_error(u->ctx, NULL, MELD_NO_OFFSET, "opt: out of memory");
    return false;
  }
  BinaryenModuleRef bm = bn.ModuleRead((char *)in.data, in.len);
  meld_buf_free(&in);
  bn.ModuleSetFeatures(bm, wasm2_features());
  bn.SetOptimizeLevel(level->optimize);
  bn.SetShrinkLevel(level->shrink);
  bn.SetDebugInfo(false);
  if (nnames) bn.ModuleRunPasses(bm, (const char **)names, nnames);
  else bn.ModuleOptimize(bm);
  BinaryenModuleAllocateAndWriteResult out = bn.ModuleAllocateAndWrite(bm, NULL);
  bn.ModuleDispose(bm);
  free(out.sourceMap);

  uint8_t *bytes = out.binary ? meld_arena_alloc(&u->arena, out.binaryBytes) : NULL;
  if (!bytes) {
    free(out.binary);
    meld_error(u->ctx, NULL, MELD_NO_OFFSET, "opt: out of memory (or binaryen wrote nothing)");
    return false;
  }
  memcpy(bytes, out.binary, out.binaryBytes);
  free(out.binary);
  MeldModule *nm;
  if (!meld_core_read(u->ctx, &u->arena, "<opt>", 0, bytes, out.binaryBytes, &nm)) {
    meld_error(u->ctx, NULL, MELD_NO_OFFSET, "opt: meldc cannot read binaryen's output back");
    return false;
  }
  nm->file = m->file;
  /* Custom sections binaryen does not keep are lost; meldc's own layout record is one binaryen
   * keeps (it keeps every custom section it does not interpret). */
  for (uint32_t i = 0; i < m->ntracked; i++) {
    uint32_t *slot = m->tracked[i].slot;
    MeldSpace space = (MeldSpace)m->tracked[i].space;
    *slot = find_anchor(nm, space, &anchors[i]);
    if (!meld_module_track(nm, &u->arena, space, slot)) {
      meld_error(u->ctx, NULL, MELD_NO_OFFSET, "opt: out of memory");
      return false;
    }
  }
  u->module = nm;
  return true;
}

#else

bool meld_pass_opt(MeldUnit *u, const MeldPassParams *params) {
  (void)params;
  meld_error(u->ctx, NULL, MELD_NO_OFFSET,
             "opt: this meldc was built without binaryen (libbinaryen and binaryen-c.h were not "
             "found when it was configured)");
  return false;
}

#endif
