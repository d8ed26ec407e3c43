/*
 * The component verifier: the validation rules of the component model (Binary.md, Explainer.md,
 * CanonicalABI.md "Canonical Definitions") over the component IR.
 *
 * What it checks.  Every index against its index space, built incrementally in definition order
 * exactly as the binary defines it, including outer aliases across component, component-type and
 * instance-type scopes; the types of everything (a semantic type store, below), so that
 * instantiation arguments, export ascriptions, aliases and canon definitions are type-checked;
 * resources (generative definitions, fresh per instantiation and per instance-typed import,
 * substitution by `instantiate`, the outer-alias resource rule, local-resource built-ins); the
 * external-visibility rule for imported/exported types; extern names (kebab labels, interface
 * names and versions, [constructor]/[method]/[static] typing, strong uniqueness, attributes);
 * defined-type well-formedness (labels, emptiness, 32 flags, stream<char>, borrows, map keys,
 * elem_size < 2^28); the Canonical ABI signatures and options of every canon form; start and
 * value definitions; nested core modules through meld_core_verify plus the component-level rules
 * on them (unique two-level import names), and core module types.
 *
 * Semantic types.  Types live in a store of entries (Ent) addressed by 32-bit ids.  An index
 * space entry of sort `type` is an id; so is a value type that is not primitive (VT).  An id is
 * also an *identity*: an `eq` import or a type export makes a new id for the same type content,
 * which is how "externally visible names" are tracked (sets of ids), as in the spec's treatment
 * of `typeidx`s introduced by imports and exports.  Equality of types is structural; resources
 * compare by their resource number.  Instantiation substitutes resources (and renamed type ids)
 * by building new entries (remap), memoized per substitution.
 *
 * Control flow.  Validation stops at the first error (later definitions are typed against the
 * earlier ones, so errors after the first would mostly be echoes).  A failure reports
 * `file:0xOFFSET: error: ...` at the definition being checked and unwinds with longjmp to
 * meld_component_verify, which frees the one scratch arena that holds every semantic type; no
 * other resource is held across a check.  Subtype checks return false with an explanation in
 * V.why, which the caller prefixes with its context.
 */
#include "meldc/Verify.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define MAX_TYPE_SIZE         1000000u
#define MAX_TYPE_DEPTH        100
#define MAX_ELEM_BYTES        (1ull << 28)
#define MAX_FLAT_PARAMS       16
#define MAX_FLAT_ASYNC_PARAMS 4
#define MAX_FLAT_RESULTS      1
#define NONE                  UINT32_MAX

/* ---- Semantic types ---- */

enum {
  TK_RESOURCE,
  TK_DEFINED,
  TK_FUNC,
  TK_INSTANCE,
  TK_COMPONENT,
  TK_MODULE,
  TK_CORE_INSTANCE,
  TK_CORE_SUB
};

typedef struct VT {
  uint32_t id;  /* TK_DEFINED entry when prim == 0 */
  uint8_t prim; /* MELD_PRIM_* or 0 */
} VT;

typedef struct Lab {
  MeldStr name;
  VT t;
  bool has;
} Lab;

typedef struct DefTy {
  uint8_t code; /* MELD_CT_* or a MELD_PRIM_* */
  bool has_a, has_b;
  VT a, b;
  uint32_t len; /* fixed list */
  uint32_t res; /* own/borrow: TK_RESOURCE entry */
  Lab *f;
  uint32_t nf;
  /* Canonical ABI layout, computed once (saturating at 2^40). */
  uint64_t size32, size64;
  uint8_t align32, align64;
  bool ptr; /* contains a string or a list */
} DefTy;

typedef struct FuncTy {
  bool async;
  Lab *p;
  uint32_t np;
  bool has_result;
  VT result;
} FuncTy;

/* Entity kinds use the MELD_EXT_* numbering. */
typedef struct ET {
  uint8_t kind;
  uint32_t id;  /* MODULE, FUNC, INSTANCE, COMPONENT: the entry; TYPE: created */
  uint32_t ref; /* TYPE: referenced */
  VT val;       /* VALUE */
} ET;

typedef struct Item {
  MeldStr name;
  ET et;
} Item;

typedef struct RPath {
  uint32_t res;
  uint32_t *path;
  uint32_t n;
  uint8_t rep; /* defined resources of a concrete component: the rep valtype, else 0 */
} RPath;

/* A hash index over the names of an item array, built on first use when the array is long, so
 * that name lookups stay linear overall on hostile inputs with many imports or exports. */
typedef struct NameIndex {
  uint32_t *slots;
  uint32_t nslots;
} NameIndex;

typedef struct InstTy {
  NameIndex ix;
  Item *ex;
  uint32_t nex;
  uint32_t *def; /* defined resources (instance types only) */
  uint32_t ndef;
  RPath *expl;
  uint32_t nexpl;
} InstTy;

typedef struct CompTy {
  NameIndex imix, exix;
  Item *im, *ex;
  uint32_t nim, nex;
  RPath *imp, *def, *expl;
  uint32_t nimp, ndef, nexpl;
} CompTy;

typedef struct CVT {
  uint8_t code, heap;
  uint32_t id; /* concrete heap type: TK_CORE_SUB entry */
} CVT;

typedef struct CoreSub {
  uint8_t kind; /* MELD_COMP_* */
  bool final;
  uint32_t super; /* entry or NONE */
  CVT *p, *r, *f;
  bool *mut;
  uint32_t np, nr, nf;
} CoreSub;

typedef struct CET {
  uint8_t kind;  /* MELD_EXTERN_* */
  uint32_t func; /* FUNC, TAG: TK_CORE_SUB entry */
  CVT type;      /* TABLE element, GLOBAL value */
  bool mut;
  uint8_t flags; /* TABLE, MEMORY limits: 1 max, 2 shared, 4 64-bit, 8 page size */
  uint64_t min, max;
  uint32_t page_log2;
} CET;

typedef struct CImp {
  MeldStr module, name;
  CET et;
} CImp;

typedef struct CExp {
  MeldStr name;
  CET et;
} CExp;

typedef struct ModTy {
  NameIndex imix, exix;
  CImp *im;
  CExp *ex;
  uint32_t nim, nex;
} ModTy;

typedef struct CInstTy {
  NameIndex ix;
  CExp *ex;
  uint32_t nex;
} CInstTy;

typedef struct Ent {
  uint8_t kind;
  uint16_t depth;
  bool borrow;
  uint32_t size;
  uint32_t res; /* TK_RESOURCE: the resource number */
  void *p;
} Ent;

/* ---- Verifier state ---- */

typedef struct U32s {
  uint32_t *items;
  uint32_t n, cap;
} U32s;

typedef struct Map { /* u32 -> u32, open addressing; key NONE is empty */
  uint32_t *k, *v;
  uint32_t cap, n;
} Map;

typedef struct NameSet { /* canonical names for strong uniqueness; remembers the original */
  MeldStr *canon, *orig;
  uint32_t n, cap;
  uint32_t *slots;
  uint32_t nslots;
} NameSet;

typedef struct V {
  MeldContext *ctx;
  MeldArena a;
  jmp_buf jb;
  const char *file;
  uint64_t off;
  char why[1024];
  uint32_t next_res;
  Ent *ents;
  uint32_t nents, capents;
  size_t budget;         /* most bytes the type store may hold (0: no limit) */
  uint32_t prim[256];    /* the shared entry of each primitive defined type */
  struct CoreSigs *sigs; /* interned core function signatures */
} V;

MELD_PRINTF(2, 3)
static _Noreturn void bail(V *v, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(&v->ctx->diag, MELD_ERROR, v->file, v->off, fmt, ap);
  va_end(ap);
  longjmp(v->jb, 1);
}

/* Subtype explanations: set the innermost reason, then callers prefix context. */
MELD_PRINTF(2, 3)
static bool why(V *v, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->why, sizeof v->why, fmt, ap);
  va_end(ap);
  return false;
}

MELD_PRINTF(2, 3)
static bool why_ctx(V *v, const char *fmt, ...) {
  char head[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(head, sizeof head, fmt, ap);
  va_end(ap);
  size_t hl = strlen(head), tl = strlen(v->why), cap = sizeof v->why - 1;
  if (hl + 2 >= cap) hl = cap - 2;
  if (hl + 2 + tl > cap) tl = cap - hl - 2;
  memmove(v->why + hl + 2, v->why, tl);
  memcpy(v->why, head, hl);
  v->why[hl] = ':';
  v->why[hl + 1] = ' ';
  v->why[hl + 2 + tl] = 0;
  return false;
}

/* Memory is bounded by the input: a component whose type information needs more than
 * MEMORY_FACTOR times its size (plus MEMORY_CONSTANT) is refused as too complex, rather than
 * letting repeated instantiation of large types grow the store without bound. */
#define MEMORY_FACTOR   64u
#define MEMORY_CONSTANT (8u << 20)

static void check_budget(V *v) {
  if (v->budget && v->a.total > v->budget)
    bail(v, "component too complex to verify: its types need more than %zu MiB", v->budget >> 20);
}

static void *alloc(V *v, size_t n, size_t size) {
  if (n == 0) return NULL;
  void *p = meld_arena_calloc(&v->a, n, size);
  if (!p) bail(v, "out of memory");
  check_budget(v);
  return p;
}

#define NEW(v, T) ((T *)alloc((v), 1, sizeof(T)))
/* Room for one more element of a vector struct (items, n, cap); returns the zeroed slot. */
static void *push_slot(V *v, void *pitems, uint32_t *n, uint32_t *cap, size_t size) {
  if (!meld_grow(&v->a, pitems, cap, *n + 1, size)) bail(v, "out of memory");
  check_budget(v);
  char *items;
  memcpy(&items, pitems, sizeof items);
  void *slot = items + (size_t)(*n)++ * size;
  memset(slot, 0, size);
  return slot;
}
#define PUSH(v, vec) push_slot((v), &(vec).items, &(vec).n, &(vec).cap, sizeof *(vec).items)

static void u32_push(V *v, U32s *s, uint32_t x) {
  uint32_t *slot = MELD_PUSH(&v->a, s->items, s->n, s->cap);
  if (!slot) bail(v, "out of memory");
  check_budget(v);
  *slot = x;
}

static uint32_t hash32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

static bool map_get(const Map *m, uint32_t key, uint32_t *val) {
  if (!m->cap) return false;
  for (uint32_t i = hash32(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    if (m->k[i] == NONE) return false;
    if (m->k[i] == key) {
      if (val) *val = m->v[i];
      return true;
    }
  }
}

static void map_put(V *v, Map *m, uint32_t key, uint32_t val) {
  if ((m->n + 1) * 2 > m->cap) {
    uint32_t ncap = m->cap ? m->cap * 2 : 16;
    Map nm = {alloc(v, ncap, 4), alloc(v, ncap, 4), ncap, 0};
    memset(nm.k, 0xff, (size_t)ncap * 4);
    for (uint32_t i = 0; i < m->cap; i++)
      if (m->k[i] != NONE) map_put(v, &nm, m->k[i], m->v[i]);
    *m = nm;
  }
  for (uint32_t i = hash32(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    if (m->k[i] == NONE) {
      m->k[i] = key;
      m->v[i] = val;
      m->n++;
      return;
    }
    if (m->k[i] == key) {
      m->v[i] = val;
      return;
    }
  }
}

/* Adds `canon`; returns false (and the original spelling of the earlier name in *prev) when
 * an equal canonical name is present. */
static bool nameset_add(V *v, NameSet *s, MeldStr canon, MeldStr orig, MeldStr *prev) {
  if ((s->n + 1) * 2 > s->nslots) {
    uint32_t nn = s->nslots ? s->nslots * 2 : 16;
    uint32_t *slots = alloc(v, nn, 4);
    memset(slots, 0xff, (size_t)nn * 4);
    for (uint32_t i = 0; i < s->n; i++) {
      uint32_t h = meld_hash_bytes(s->canon[i].ptr, s->canon[i].len, 0) & (nn - 1);
      while (slots[h] != NONE)
        h = (h + 1) & (nn - 1);
      slots[h] = i;
    }
    s->slots = slots;
    s->nslots = nn;
  }
  uint32_t h = meld_hash_bytes(canon.ptr, canon.len, 0) & (s->nslots - 1);
  for (; s->slots[h] != NONE; h = (h + 1) & (s->nslots - 1)) {
    if (meld_str_eq(s->canon[s->slots[h]], canon)) {
      if (prev) *prev = s->orig[s->slots[h]];
      return false;
    }
  }
  if (s->n == s->cap) {
    uint32_t ncap = s->cap ? s->cap * 2 : 8;
    MeldStr *c = alloc(v, ncap, sizeof *c), *o = alloc(v, ncap, sizeof *o);
    if (s->n) {
      memcpy(c, s->canon, s->n * sizeof *c);
      memcpy(o, s->orig, s->n * sizeof *o);
    }
    s->canon = c;
    s->orig = o;
    s->cap = ncap;
  }
  s->canon[s->n] = canon;
  s->orig[s->n] = orig;
  s->slots[h] = s->n++;
  return true;
}

/* An unambiguous single key for a two-level core import name: the module's length, the module,
 * the name. */
static MeldStr pair_key(V *v, MeldStr module, MeldStr name) {
  size_t len = (size_t)module.len + name.len + 4;
  char *key = alloc(v, len, 1);
  memcpy(key, &module.len, 4);
  if (module.len) memcpy(key + 4, module.ptr, module.len);
  if (name.len) memcpy(key + 4 + module.len, name.ptr, name.len);
  MeldStr k = {key, (uint32_t)len};
  return k;
}

static bool nameset_has(const NameSet *s, MeldStr canon) {
  if (!s->nslots) return false;
  for (uint32_t h = meld_hash_bytes(canon.ptr, canon.len, 0) & (s->nslots - 1); s->slots[h] != NONE;
       h = (h + 1) & (s->nslots - 1))
    if (meld_str_eq(s->canon[s->slots[h]], canon)) return true;
  return false;
}

static MeldStr lower_dup(V *v, MeldStr s) {
  char *p = alloc(v, (size_t)s.len + 1, 1);
  for (uint32_t i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    p[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  MeldStr r = {p, s.len};
  return r;
}

#define NO_KEY2 SIZE_MAX

static MeldStr key_at(const void *base, size_t stride, uint32_t i, size_t off) {
  MeldStr k;
  memcpy(&k, (const char *)base + (size_t)i * stride + off, sizeof k);
  return k;
}

static uint32_t key_hash(MeldStr a, MeldStr b) {
  return meld_hash_bytes(a.ptr, a.len, 0) * 31u ^ meld_hash_bytes(b.ptr, b.len, 7);
}

/* Finds the first element of `base[0..n)` (elements of `stride` bytes) whose MeldStr at `off1`
 * (and at `off2`, unless NO_KEY2) equals `k1` (`k2`); NONE when absent.  Short arrays are
 * scanned; long ones get an index in `ix` (when given) on first use. */
static uint32_t name_lookup(V *v, NameIndex *ix, const void *base, size_t stride, uint32_t n,
                            size_t off1, size_t off2, MeldStr k1, MeldStr k2) {
  MeldStr none = {"", 0};
  if (n <= 8 || !ix) {
    for (uint32_t i = 0; i < n; i++)
      if (meld_str_eq(key_at(base, stride, i, off1), k1) &&
          (off2 == NO_KEY2 || meld_str_eq(key_at(base, stride, i, off2), k2)))
        return i;
    return NONE;
  }
  if (!ix->slots) {
    uint32_t ns = 16;
    while (ns < 2 * n)
      ns *= 2;
    uint32_t *slots = alloc(v, ns, sizeof *slots);
    memset(slots, 0xff, (size_t)ns * sizeof *slots);
    for (uint32_t i = 0; i < n; i++) {
      MeldStr a = key_at(base, stride, i, off1),
              b = off2 == NO_KEY2 ? none : key_at(base, stride, i, off2);
      uint32_t h = key_hash(a, b) & (ns - 1);
      bool dup = false;
      for (; slots[h] != NONE; h = (h + 1) & (ns - 1)) {
        uint32_t j = slots[h];
        if (meld_str_eq(key_at(base, stride, j, off1), a) &&
            (off2 == NO_KEY2 || meld_str_eq(key_at(base, stride, j, off2), b))) {
          dup = true;
          break;
        }
      }
      if (!dup) slots[h] = i;
    }
    ix->slots = slots;
    ix->nslots = ns;
  }
  for (uint32_t h = key_hash(k1, off2 == NO_KEY2 ? none : k2) & (ix->nslots - 1);
       ix->slots[h] != NONE; h = (h + 1) & (ix->nslots - 1)) {
    uint32_t j = ix->slots[h];
    if (meld_str_eq(key_at(base, stride, j, off1), k1) &&
        (off2 == NO_KEY2 || meld_str_eq(key_at(base, stride, j, off2), k2)))
      return j;
  }
  return NONE;
}

/* ---- The type store ---- */

static Ent *ent(V *v, uint32_t id) {
  return &v->ents[id];
}

static uint32_t new_ent(V *v, uint8_t kind, void *p) {
  Ent *e = MELD_PUSH(&v->a, v->ents, v->nents, v->capents);
  if (!e || v->nents >= NONE - 1) bail(v, "out of memory");
  check_budget(v);
  memset(e, 0, sizeof *e);
  e->kind = kind;
  e->p = p;
  e->size = 1;
  e->depth = 1;
  return v->nents - 1;
}

/* A new identity for the same type (an `eq` import, a type export). */
static uint32_t unique(V *v, uint32_t id) {
  Ent copy = *ent(v, id);
  uint32_t n = new_ent(v, copy.kind, copy.p);
  *ent(v, n) = copy;
  return n;
}

static uint32_t new_resource(V *v) {
  uint32_t id = new_ent(v, TK_RESOURCE, NULL);
  ent(v, id)->res = v->next_res++;
  return id;
}

#define DEF(v, id)   ((DefTy *)ent((v), (id))->p)
#define FUNC(v, id)  ((FuncTy *)ent((v), (id))->p)
#define INST(v, id)  ((InstTy *)ent((v), (id))->p)
#define COMP(v, id)  ((CompTy *)ent((v), (id))->p)
#define MOD(v, id)   ((ModTy *)ent((v), (id))->p)
#define CINST(v, id) ((CInstTy *)ent((v), (id))->p)
#define CSUB(v, id)  ((CoreSub *)ent((v), (id))->p)

typedef struct Info {
  uint32_t size;
  uint32_t depth;
  bool borrow;
} Info;

static Info info_new(void) {
  Info i = {1, 1, false};
  return i;
}

static Info info_of(V *v, uint32_t id) {
  Ent *e = ent(v, id);
  Info i = {e->size, e->depth, e->borrow};
  return i;
}

static Info info_vt(V *v, VT t) {
  return t.prim ? info_new() : info_of(v, t.id);
}

static Info info_et(V *v, const ET *et) {
  switch (et->kind) {
  case MELD_EXT_VALUE: return info_vt(v, et->val);
  default: return info_of(v, et->id);
  }
}

static void combine(V *v, Info *into, Info other) {
  uint64_t size = (uint64_t)into->size + other.size;
  if (size > MAX_TYPE_SIZE) bail(v, "effective type size exceeds the limit of %u", MAX_TYPE_SIZE);
  into->size = (uint32_t)size;
  if (other.depth + 1 > into->depth) into->depth = other.depth + 1;
  into->borrow |= other.borrow;
}

/* Value types nest at most MAX_TYPE_DEPTH deep (checked where they are defined); function,
 * instance and component types at most MAX_NESTING, which bounds every recursion over types. */
#define MAX_NESTING 1000

static void set_info(V *v, uint32_t id, Info i) {
  Ent *e = ent(v, id);
  if (i.depth > MAX_NESTING) bail(v, "type nesting is too deep");
  e->size = i.size;
  e->depth = (uint16_t)i.depth;
  e->borrow = i.borrow;
}

/* Resolves a valtype to its defined type (NULL for a primitive). */
static const DefTy *vt_def(V *v, VT t) {
  return t.prim ? NULL : DEF(v, t.id);
}

/* The primitive a valtype denotes directly or through a primitive defined type, else 0. */
static uint8_t vt_prim(V *v, VT t) {
  if (t.prim) return t.prim;
  const DefTy *d = DEF(v, t.id);
  return meld_prim_valid(d->code) ? d->code : 0;
}

/* ---- Canonical ABI layout (CanonicalABI.md "Alignment", "Element Size") ---- */

#define SAT (1ull << 40)

static uint64_t sat_add(uint64_t a, uint64_t b) {
  return a + b > SAT ? SAT : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b) {
  if (a && b > SAT / a) return SAT;
  return a * b > SAT ? SAT : a * b;
}

static uint64_t align_to(uint64_t x, uint64_t a) {
  return (x + a - 1) / a * a;
}

static void prim_layout(uint8_t prim, bool p64, uint64_t *size, uint8_t *align) {
  switch (prim) {
  case MELD_PRIM_BOOL:
  case MELD_PRIM_S8:
  case MELD_PRIM_U8: *size = 1; break;
  case MELD_PRIM_S16:
  case MELD_PRIM_U16: *size = 2; break;
  case MELD_PRIM_S64:
  case MELD_PRIM_U64:
  case MELD_PRIM_F64: *size = 8; break;
  case MELD_PRIM_STRING:
    *size = p64 ? 16 : 8;
    *align = p64 ? 8 : 4;
    return;
  default: *size = 4; break;
  }
  *align = (uint8_t)*size;
}

static void vt_layout(V *v, VT t, bool p64, uint64_t *size, uint8_t *align) {
  if (t.prim) {
    prim_layout(t.prim, p64, size, align);
    return;
  }
  const DefTy *d = DEF(v, t.id);
  *size = p64 ? d->size64 : d->size32;
  *align = p64 ? d->align64 : d->align32;
}

static uint64_t disc_size(uint32_t ncases) {
  return ncases <= 256 ? 1 : ncases <= 65536 ? 2 : 4;
}

/* The cases of a variant, an option (none, some) or a result (ok, error), the last two written
 * into `two`; NULL for any other type. */
static const Lab *variant_cases(const DefTy *d, Lab two[2], uint32_t *n) {
  memset(two, 0, 2 * sizeof *two);
  *n = 2;
  switch (d->code) {
  case MELD_CT_VARIANT: *n = d->nf; return d->f;
  case MELD_CT_OPTION:
    two[1].t = d->a;
    two[1].has = true;
    return two;
  case MELD_CT_RESULT:
    two[0].t = d->a;
    two[0].has = d->has_a;
    two[1].t = d->b;
    two[1].has = d->has_b;
    return two;
  default: return NULL;
  }
}

/* Layout of a variant, option or result. */
static void variant_layout(V *v, const DefTy *d, bool p64, uint64_t *size, uint8_t *align) {
  Lab two[2];
  uint32_t n;
  const Lab *cases = variant_cases(d, two, &n);
  uint64_t ds = disc_size(n), cs = 0;
  uint8_t a = (uint8_t)ds;
  uint8_t maxcase = 1;
  for (uint32_t i = 0; i < n; i++) {
    if (!cases[i].has) continue;
    uint64_t s;
    uint8_t al;
    vt_layout(v, cases[i].t, p64, &s, &al);
    if (al > maxcase) maxcase = al;
    if (s > cs) cs = s;
  }
  if (maxcase > a) a = maxcase;
  uint64_t sz = sat_add(align_to(ds, maxcase), cs);
  *size = align_to(sz, a) > SAT ? SAT : align_to(sz, a);
  *align = a;
}

static void def_layout(V *v, DefTy *d, bool p64, uint64_t *size, uint8_t *align) {
  uint64_t s = 0, es;
  uint8_t a = 1, ea;
  switch (d->code) {
  case MELD_CT_RECORD:
  case MELD_CT_TUPLE:
    for (uint32_t i = 0; i < d->nf; i++) {
      vt_layout(v, d->f[i].t, p64, &es, &ea);
      s = sat_add(align_to(s, ea), es);
      if (ea > a) a = ea;
    }
    *size = align_to(s, a);
    *align = a;
    return;
  case MELD_CT_VARIANT:
  case MELD_CT_OPTION:
  case MELD_CT_RESULT: variant_layout(v, d, p64, size, align); return;
  case MELD_CT_ENUM: {
    *size = disc_size(d->nf);
    *align = (uint8_t)*size;
    return;
  }
  case MELD_CT_FLAGS:
    *size = d->nf <= 8 ? 1 : d->nf <= 16 ? 2 : 4;
    *align = (uint8_t)*size;
    return;
  case MELD_CT_LIST:
  case MELD_CT_MAP:
    *size = p64 ? 16 : 8;
    *align = p64 ? 8 : 4;
    return;
  case MELD_CT_FIXED_LIST:
    vt_layout(v, d->a, p64, &es, &ea);
    *size = sat_mul(es, d->len);
    *align = ea;
    return;
  case MELD_CT_OWN:
  case MELD_CT_BORROW:
  case MELD_CT_STREAM:
  case MELD_CT_FUTURE:
    *size = 4;
    *align = 4;
    return;
  default: prim_layout(d->code, p64, size, align); return;
  }
}

static bool vt_ptr(V *v, VT t) {
  return t.prim ? t.prim == MELD_PRIM_STRING : DEF(v, t.id)->ptr;
}

static void def_finish_layout(V *v, DefTy *d) {
  def_layout(v, d, false, &d->size32, &d->align32);
  def_layout(v, d, true, &d->size64, &d->align64);
  switch (d->code) {
  case MELD_CT_LIST:
  case MELD_CT_MAP: d->ptr = true; break;
  case MELD_CT_RECORD:
  case MELD_CT_TUPLE:
  case MELD_CT_VARIANT:
    for (uint32_t i = 0; i < d->nf; i++)
      d->ptr |= d->f[i].has && vt_ptr(v, d->f[i].t);
    break;
  case MELD_CT_OPTION:
  case MELD_CT_FIXED_LIST: d->ptr = vt_ptr(v, d->a); break;
  case MELD_CT_RESULT:
    d->ptr = (d->has_a && vt_ptr(v, d->a)) || (d->has_b && vt_ptr(v, d->b));
    break;
  default: d->ptr = d->code == MELD_PRIM_STRING; break;
  }
}

/* ---- Flattening (CanonicalABI.md "Flattening") ---- */

typedef struct Flat {
  uint8_t t[MAX_FLAT_PARAMS + 1];
  uint32_t n;
  bool over; /* more than MAX_FLAT_PARAMS values */
} Flat;

static void flat_push(Flat *f, uint8_t t) {
  if (f->n >= MAX_FLAT_PARAMS)
    f->over = true;
  else
    f->t[f->n++] = t;
}

static uint8_t join(uint8_t a, uint8_t b) {
  if (a == b) return a;
  if ((a == MELD_I32 && b == MELD_F32) || (a == MELD_F32 && b == MELD_I32)) return MELD_I32;
  return MELD_I64;
}

static void flatten(V *v, VT t, bool p64, Flat *f);

static void flatten_variant(V *v, const DefTy *d, bool p64, Flat *f) {
  Lab two[2];
  uint32_t n;
  const Lab *cases = variant_cases(d, two, &n);
  Flat payload = {{0}, 0, false};
  for (uint32_t i = 0; i < n && !payload.over; i++) {
    if (!cases[i].has) continue;
    Flat c = {{0}, 0, false};
    flatten(v, cases[i].t, p64, &c);
    if (c.over) payload.over = true;
    for (uint32_t k = 0; k < c.n; k++) {
      if (k < payload.n)
        payload.t[k] = join(payload.t[k], c.t[k]);
      else
        flat_push(&payload, c.t[k]);
    }
  }
  flat_push(f, MELD_I32);
  if (payload.over) f->over = true;
  for (uint32_t k = 0; k < payload.n && !f->over; k++)
    flat_push(f, payload.t[k]);
}

static void flatten(V *v, VT t, bool p64, Flat *f) {
  if (f->over) return;
  uint8_t ptr = p64 ? MELD_I64 : MELD_I32;
  if (t.prim) {
    switch (t.prim) {
    case MELD_PRIM_S64:
    case MELD_PRIM_U64: flat_push(f, MELD_I64); break;
    case MELD_PRIM_F32: flat_push(f, MELD_F32); break;
    case MELD_PRIM_F64: flat_push(f, MELD_F64); break;
    case MELD_PRIM_STRING:
      flat_push(f, ptr);
      flat_push(f, ptr);
      break;
    default: flat_push(f, MELD_I32); break;
    }
    return;
  }
  const DefTy *d = DEF(v, t.id);
  switch (d->code) {
  case MELD_CT_RECORD:
  case MELD_CT_TUPLE:
    for (uint32_t i = 0; i < d->nf && !f->over; i++)
      flatten(v, d->f[i].t, p64, f);
    return;
  case MELD_CT_VARIANT:
  case MELD_CT_OPTION:
  case MELD_CT_RESULT: flatten_variant(v, d, p64, f); return;
  case MELD_CT_LIST:
  case MELD_CT_MAP:
    flat_push(f, ptr);
    flat_push(f, ptr);
    return;
  case MELD_CT_FIXED_LIST:
    for (uint32_t i = 0; i < d->len && !f->over; i++)
      flatten(v, d->a, p64, f);
    return;
  default:
    if (meld_prim_valid(d->code)) {
      VT p = {0, d->code};
      flatten(v, p, p64, f);
    } else {
      flat_push(f, MELD_I32); /* flags, enum, own, borrow, stream, future */
    }
    return;
  }
}

/* ---- Free variables (resources a type refers to but does not bind) ---- */

static void fv_ent(V *v, uint32_t id, Map *set);

static void fv_vt(V *v, VT t, Map *set) {
  if (!t.prim) fv_ent(v, t.id, set);
}

static void fv_et(V *v, const ET *et, Map *set) {
  switch (et->kind) {
  case MELD_EXT_MODULE: return;
  case MELD_EXT_VALUE: fv_vt(v, et->val, set); return;
  default: fv_ent(v, et->id, set); return;
  }
}

static void fv_ent(V *v, uint32_t id, Map *set) {
  Ent *e = ent(v, id);
  switch (e->kind) {
  case TK_RESOURCE: map_put(v, set, e->res, 1); return;
  case TK_DEFINED: {
    const DefTy *d = e->p;
    if (d->code == MELD_CT_OWN || d->code == MELD_CT_BORROW) {
      map_put(v, set, ent(v, d->res)->res, 1);
      return;
    }
    if (d->has_a) fv_vt(v, d->a, set);
    if (d->has_b) fv_vt(v, d->b, set);
    for (uint32_t i = 0; i < d->nf; i++)
      if (d->f[i].has) fv_vt(v, d->f[i].t, set);
    return;
  }
  case TK_FUNC: {
    const FuncTy *f = e->p;
    for (uint32_t i = 0; i < f->np; i++)
      fv_vt(v, f->p[i].t, set);
    if (f->has_result) fv_vt(v, f->result, set);
    return;
  }
  case TK_INSTANCE: {
    const InstTy *t = e->p;
    Map inner = {0};
    for (uint32_t i = 0; i < t->nex; i++)
      fv_et(v, &t->ex[i].et, &inner);
    Map bound = {0};
    for (uint32_t k = 0; k < t->ndef; k++)
      map_put(v, &bound, t->def[k], 1);
    for (uint32_t i = 0; i < inner.cap; i++)
      if (inner.k[i] != NONE && !map_get(&bound, inner.k[i], NULL)) map_put(v, set, inner.k[i], 1);
    return;
  }
  case TK_COMPONENT: {
    const CompTy *t = e->p;
    Map inner = {0};
    for (uint32_t i = 0; i < t->nim; i++)
      fv_et(v, &t->im[i].et, &inner);
    for (uint32_t i = 0; i < t->nex; i++)
      fv_et(v, &t->ex[i].et, &inner);
    Map bound = {0};
    for (uint32_t k = 0; k < t->nimp; k++)
      map_put(v, &bound, t->imp[k].res, 1);
    for (uint32_t k = 0; k < t->ndef; k++)
      map_put(v, &bound, t->def[k].res, 1);
    for (uint32_t i = 0; i < inner.cap; i++)
      if (inner.k[i] != NONE && !map_get(&bound, inner.k[i], NULL)) map_put(v, set, inner.k[i], 1);
    return;
  }
  default: return;
  }
}

/* ---- Substitution ---- */

typedef struct Remap {
  Map res;   /* resource number -> resource number */
  Map types; /* entry -> entry: renamings given up front, then the memo */
} Remap;

static bool rm_ent(V *v, uint32_t *id, Remap *m);

static bool rm_vt(V *v, VT *t, Remap *m) {
  return t->prim ? false : rm_ent(v, &t->id, m);
}

static bool rm_et(V *v, ET *et, Remap *m) {
  switch (et->kind) {
  case MELD_EXT_MODULE: return false;
  case MELD_EXT_VALUE: return rm_vt(v, &et->val, m);
  case MELD_EXT_TYPE: {
    bool changed = rm_ent(v, &et->ref, m);
    changed |= rm_ent(v, &et->id, m);
    return changed;
  }
  default: return rm_ent(v, &et->id, m);
  }
}

static Item *copy_items(V *v, const Item *src, uint32_t n) {
  Item *d = alloc(v, n, sizeof *d);
  if (n) memcpy(d, src, n * sizeof *d);
  return d;
}

static bool rm_res(Remap *m, uint32_t *res) {
  uint32_t nr;
  if (map_get(&m->res, *res, &nr) && nr != *res) {
    *res = nr;
    return true;
  }
  return false;
}

static RPath *rm_paths(V *v, const RPath *src, uint32_t n, Remap *m, bool *any) {
  RPath *d = alloc(v, n, sizeof *d);
  for (uint32_t i = 0; i < n; i++) {
    d[i] = src[i];
    *any |= rm_res(m, &d[i].res);
  }
  return d;
}

/* Sets the exports and explicit resources of `to` to copies of these, renamed by `m`. */
static void rm_exports(V *v, InstTy *to, const Item *ex, uint32_t nex, const RPath *expl,
                       uint32_t nexpl, Remap *m) {
  to->ex = copy_items(v, ex, nex);
  to->nex = nex;
  for (uint32_t i = 0; i < nex; i++)
    rm_et(v, &to->ex[i].et, m);
  bool any = false;
  to->expl = rm_paths(v, expl, nexpl, m, &any);
  to->nexpl = nexpl;
}

/* Replaces instance type *id by a new entry, with the same size information, whose exports and
 * explicit resources are renamed by `m`. */
static const InstTy *rm_instance_exports(V *v, uint32_t *id, Remap *m) {
  const InstTy *t = INST(v, *id);
  InstTy *n = NEW(v, InstTy);
  rm_exports(v, n, t->ex, t->nex, t->expl, t->nexpl, m);
  Info info = info_of(v, *id);
  *id = new_ent(v, TK_INSTANCE, n);
  set_info(v, *id, info);
  return n;
}

static bool rm_ent(V *v, uint32_t *id, Remap *m) {
  uint32_t got;
  if (map_get(&m->types, *id, &got)) {
    bool changed = got != *id;
    *id = got;
    return changed;
  }
  uint32_t old = *id, nid = old;
  Ent e = *ent(v, old);
  bool any = false;
  switch (e.kind) {
  case TK_RESOURCE: {
    uint32_t r = e.res;
    if (rm_res(m, &r)) {
      nid = new_ent(v, TK_RESOURCE, NULL);
      ent(v, nid)->res = r;
    }
    break;
  }
  case TK_DEFINED: {
    DefTy *d = NEW(v, DefTy);
    *d = *(const DefTy *)e.p;
    if (d->nf) {
      d->f = alloc(v, d->nf, sizeof *d->f);
      memcpy(d->f, ((const DefTy *)e.p)->f, d->nf * sizeof *d->f);
    }
    if (d->has_a) any |= rm_vt(v, &d->a, m);
    if (d->has_b) any |= rm_vt(v, &d->b, m);
    for (uint32_t i = 0; i < d->nf; i++)
      if (d->f[i].has) any |= rm_vt(v, &d->f[i].t, m);
    if (d->code == MELD_CT_OWN || d->code == MELD_CT_BORROW) any |= rm_ent(v, &d->res, m);
    if (any) nid = new_ent(v, TK_DEFINED, d);
    break;
  }
  case TK_FUNC: {
    FuncTy *f = NEW(v, FuncTy);
    *f = *(const FuncTy *)e.p;
    if (f->np) {
      f->p = alloc(v, f->np, sizeof *f->p);
      memcpy(f->p, ((const FuncTy *)e.p)->p, f->np * sizeof *f->p);
    }
    for (uint32_t i = 0; i < f->np; i++)
      any |= rm_vt(v, &f->p[i].t, m);
    if (f->has_result) any |= rm_vt(v, &f->result, m);
    if (any) nid = new_ent(v, TK_FUNC, f);
    break;
  }
  case TK_INSTANCE: {
    const InstTy *src = e.p;
    InstTy *t = NEW(v, InstTy);
    *t = *src;
    t->ex = copy_items(v, src->ex, src->nex);
    for (uint32_t i = 0; i < t->nex; i++)
      any |= rm_et(v, &t->ex[i].et, m);
    t->def = alloc(v, t->ndef, sizeof *t->def);
    for (uint32_t i = 0; i < t->ndef; i++) {
      t->def[i] = src->def[i];
      any |= rm_res(m, &t->def[i]);
    }
    t->expl = rm_paths(v, src->expl, src->nexpl, m, &any);
    if (any) nid = new_ent(v, TK_INSTANCE, t);
    break;
  }
  case TK_COMPONENT: {
    const CompTy *src = e.p;
    CompTy *t = NEW(v, CompTy);
    *t = *src;
    t->im = copy_items(v, src->im, src->nim);
    t->ex = copy_items(v, src->ex, src->nex);
    for (uint32_t i = 0; i < t->nim; i++)
      any |= rm_et(v, &t->im[i].et, m);
    for (uint32_t i = 0; i < t->nex; i++)
      any |= rm_et(v, &t->ex[i].et, m);
    t->imp = rm_paths(v, src->imp, src->nimp, m, &any);
    t->def = rm_paths(v, src->def, src->ndef, m, &any);
    t->expl = rm_paths(v, src->expl, src->nexpl, m, &any);
    if (any) nid = new_ent(v, TK_COMPONENT, t);
    break;
  }
  default: break;
  }
  if (nid != old) {
    Ent *ne = ent(v, nid);
    ne->size = e.size;
    ne->depth = e.depth;
    ne->borrow = e.borrow;
  }
  map_put(v, &m->types, old, nid);
  *id = nid;
  return nid != old;
}

/* ---- External visibility ("named" types) ---- */

static bool named_vt(V *v, VT t, const Map *set);

/* Is the defined type itself nameable through `set`? (type_named_type_id) */
static bool named_def(V *v, uint32_t id, const Map *set) {
  const DefTy *d = DEF(v, id);
  switch (d->code) {
  case MELD_CT_FLAGS:
  case MELD_CT_ENUM:
  case MELD_CT_RECORD:
  case MELD_CT_VARIANT: return map_get(set, id, NULL);
  case MELD_CT_OWN:
  case MELD_CT_BORROW: return map_get(set, d->res, NULL);
  default:
    if (d->has_a && !named_vt(v, d->a, set)) return false;
    if (d->has_b && !named_vt(v, d->b, set)) return false;
    for (uint32_t i = 0; i < d->nf; i++)
      if (d->f[i].has && !named_vt(v, d->f[i].t, set)) return false;
    return true;
  }
}

static bool named_vt(V *v, VT t, const Map *set) {
  return t.prim ? true : named_def(v, t.id, set);
}

/* Are the components of a defined type named? (all_valtypes_named_in_defined) */
static bool named_in_def(V *v, uint32_t id, const Map *set) {
  const DefTy *d = DEF(v, id);
  switch (d->code) {
  case MELD_CT_FLAGS:
  case MELD_CT_ENUM: return true;
  case MELD_CT_OWN:
  case MELD_CT_BORROW: return map_get(set, d->res, NULL);
  default:
    if (meld_prim_valid(d->code)) return true;
    if (d->has_a && !named_vt(v, d->a, set)) return false;
    if (d->has_b && !named_vt(v, d->b, set)) return false;
    for (uint32_t i = 0; i < d->nf; i++)
      if (d->f[i].has && !named_vt(v, d->f[i].t, set)) return false;
    return true;
  }
}

static bool named_func(V *v, uint32_t id, const Map *set) {
  const FuncTy *f = FUNC(v, id);
  for (uint32_t i = 0; i < f->np; i++)
    if (!named_vt(v, f->p[i].t, set)) return false;
  return !f->has_result || named_vt(v, f->result, set);
}

static bool named_any(V *v, uint32_t id, const Map *set);

static bool named_inst(V *v, uint32_t id, const Map *set) {
  const InstTy *t = INST(v, id);
  for (uint32_t i = 0; i < t->nex; i++) {
    const ET *et = &t->ex[i].et;
    bool ok = true;
    switch (et->kind) {
    case MELD_EXT_FUNC: ok = named_func(v, et->id, set); break;
    case MELD_EXT_TYPE: ok = named_any(v, et->id, set); break;
    case MELD_EXT_VALUE: ok = et->val.prim || named_in_def(v, et->val.id, set); break;
    case MELD_EXT_INSTANCE: ok = named_inst(v, et->id, set); break;
    default: break;
    }
    if (!ok) return false;
  }
  return true;
}

static bool named_any(V *v, uint32_t id, const Map *set) {
  switch (ent(v, id)->kind) {
  case TK_DEFINED: return named_in_def(v, id, set);
  case TK_FUNC: return named_func(v, id, set);
  case TK_INSTANCE: return named_inst(v, id, set);
  default: return true;
  }
}

/* ---- Descriptions for messages ---- */

static const char *def_desc(uint8_t code) {
  switch (code) {
  case MELD_CT_RECORD: return "record";
  case MELD_CT_VARIANT: return "variant";
  case MELD_CT_LIST: return "list";
  case MELD_CT_FIXED_LIST: return "fixed-length list";
  case MELD_CT_TUPLE: return "tuple";
  case MELD_CT_FLAGS: return "flags";
  case MELD_CT_ENUM: return "enum";
  case MELD_CT_OPTION: return "option";
  case MELD_CT_RESULT: return "result";
  case MELD_CT_OWN: return "own";
  case MELD_CT_BORROW: return "borrow";
  case MELD_CT_STREAM: return "stream";
  case MELD_CT_FUTURE: return "future";
  case MELD_CT_MAP: return "map";
  default: return "primitive";
  }
}

static const char *any_desc(uint8_t kind) {
  switch (kind) {
  case TK_RESOURCE: return "resource";
  case TK_DEFINED: return "defined type";
  case TK_FUNC: return "func type";
  case TK_INSTANCE: return "instance type";
  case TK_COMPONENT: return "component type";
  default: return "core type";
  }
}

static const char *et_desc(uint8_t kind) {
  switch (kind) {
  case MELD_EXT_MODULE: return "module";
  case MELD_EXT_FUNC: return "func";
  case MELD_EXT_VALUE: return "value";
  case MELD_EXT_TYPE: return "type";
  case MELD_EXT_COMPONENT: return "component";
  default: return "instance";
  }
}

static const char *cet_desc(uint8_t kind) {
  switch (kind) {
  case MELD_EXTERN_FUNC: return "func";
  case MELD_EXTERN_TABLE: return "table";
  case MELD_EXTERN_MEMORY: return "memory";
  case MELD_EXTERN_GLOBAL: return "global";
  default: return "tag";
  }
}

static void cvt_text(MeldBuf *b, CVT t) {
  switch (t.code) {
  case 0x7f: meld_buf_cstr(b, "i32"); return;
  case 0x7e: meld_buf_cstr(b, "i64"); return;
  case 0x7d: meld_buf_cstr(b, "f32"); return;
  case 0x7c: meld_buf_cstr(b, "f64"); return;
  case 0x7b: meld_buf_cstr(b, "v128"); return;
  case 0x78: meld_buf_cstr(b, "i8"); return;
  case 0x77: meld_buf_cstr(b, "i16"); return;
  case 0x63:
  case 0x64:
    meld_buf_cstr(b, t.code == 0x63 ? "(ref null " : "(ref ");
    if (t.heap)
      meld_buf_cstr(b, meld_heap_type_name(t.heap));
    else
      meld_buf_printf(b, "$%u", t.id);
    meld_buf_cstr(b, ")");
    return;
  case 0x71: meld_buf_cstr(b, "nullref"); return;
  case 0x72: meld_buf_cstr(b, "nullexternref"); return;
  case 0x73: meld_buf_cstr(b, "nullfuncref"); return;
  case 0x74: meld_buf_cstr(b, "nullexnref"); return;
  default: meld_buf_printf(b, "%sref", meld_heap_type_name(t.code)); return;
  }
}

/* Reports "expected <what> <expected>, found <found>" as the reason of a failed match. */
static bool cvt_mismatch(V *v, const char *what, CVT expected, CVT found) {
  MeldBuf x, y;
  meld_buf_init(&x, v->ctx->alloc);
  meld_buf_init(&y, v->ctx->alloc);
  cvt_text(&x, expected);
  cvt_text(&y, found);
  why(v, "expected %s %.*s, found %.*s", what, (int)x.len, (char *)x.data, (int)y.len,
      (char *)y.data);
  meld_buf_free(&x);
  meld_buf_free(&y);
  return false;
}

/* "(func (param i32) (result i32))" into a static-size buffer. */
static const char *csub_text(V *v, uint32_t id, char *out, size_t n) {
  MeldBuf b;
  meld_buf_init(&b, v->ctx->alloc);
  const CoreSub *s = CSUB(v, id);
  if (s->kind == MELD_COMP_FUNC) {
    meld_buf_cstr(&b, "(func");
    if (s->np) {
      meld_buf_cstr(&b, " (param");
      for (uint32_t i = 0; i < s->np; i++) {
        meld_buf_byte(&b, ' ');
        cvt_text(&b, s->p[i]);
      }
      meld_buf_byte(&b, ')');
    }
    if (s->nr) {
      meld_buf_cstr(&b, " (result");
      for (uint32_t i = 0; i < s->nr; i++) {
        meld_buf_byte(&b, ' ');
        cvt_text(&b, s->r[i]);
      }
      meld_buf_byte(&b, ')');
    }
    meld_buf_byte(&b, ')');
  } else {
    meld_buf_cstr(&b, s->kind == MELD_COMP_STRUCT ? "(struct ...)" : "(array ...)");
  }
  snprintf(out, n, "%.*s", b.oom ? 0 : (int)b.len, b.data ? (const char *)b.data : "");
  meld_buf_free(&b);
  return out;
}

/* "[I32, I64]" as wasm-tools prints flat type lists. */
static const char *flat_text(const uint8_t *t, uint32_t n, char *out, size_t len) {
  size_t k = 0;
  k += (size_t)snprintf(out + k, len - k, "[");
  for (uint32_t i = 0; i < n && k < len; i++) {
    const char *s = t[i] == MELD_I32   ? "I32"
                    : t[i] == MELD_I64 ? "I64"
                    : t[i] == MELD_F32 ? "F32"
                    : t[i] == MELD_F64 ? "F64"
                                       : "?";
    k += (size_t)snprintf(out + k, len - k, "%s%s", i ? ", " : "", s);
  }
  if (k < len) snprintf(out + k, len - k, "]");
  return out;
}

/* ---- Subtyping ----
 * Every check tests `a` (what is provided) against `b` (what is expected) and returns false
 * with the reason in v->why.  Component value types and functions are compared for equality
 * (as wasm-tools and wasmtime do); instances, components and core modules by width subtyping. */

static bool sub_vt(V *v, VT a, VT b);

static bool sub_prim(V *v, uint8_t a, uint8_t b) {
  if (a == b) return true;
  return why(v, "expected primitive `%s` found primitive `%s`", meld_prim_name(b),
             meld_prim_name(a));
}

static bool sub_opt(V *v, bool ha, VT a, bool hb, VT b, const char *what, const char *ctx) {
  if (ha && hb) return sub_vt(v, a, b) || why_ctx(v, "type mismatch in %s", ctx);
  if (!ha && !hb) return true;
  if (!ha) return why(v, "expected %s type, but found none", what);
  return why(v, "expected %s type to not be present", what);
}

static bool sub_def(V *v, uint32_t ia, uint32_t ib) {
  const DefTy *a = DEF(v, ia), *b = DEF(v, ib);
  bool pa = meld_prim_valid(a->code), pb = meld_prim_valid(b->code);
  if (pa && pb) return sub_prim(v, a->code, b->code);
  if (pa) return why(v, "expected %s, found %s", def_desc(b->code), meld_prim_name(a->code));
  bool same = a->code == b->code;
  if (!same) return why(v, "expected %s, found %s", def_desc(b->code), def_desc(a->code));
  switch (a->code) {
  case MELD_CT_RECORD:
    if (a->nf != b->nf) return why(v, "expected %u fields, found %u", b->nf, a->nf);
    for (uint32_t i = 0; i < a->nf; i++) {
      if (!meld_str_eq(a->f[i].name, b->f[i].name))
        return why(v, "expected field name `%.*s`, found `%.*s`", (int)b->f[i].name.len,
                   b->f[i].name.ptr, (int)a->f[i].name.len, a->f[i].name.ptr);
      if (!sub_vt(v, a->f[i].t, b->f[i].t))
        return why_ctx(v, "type mismatch in record field `%.*s`", (int)a->f[i].name.len,
                       a->f[i].name.ptr);
    }
    return true;
  case MELD_CT_VARIANT:
    if (a->nf != b->nf) return why(v, "expected %u cases, found %u", b->nf, a->nf);
    for (uint32_t i = 0; i < a->nf; i++) {
      const Lab *x = &a->f[i], *y = &b->f[i];
      if (!meld_str_eq(x->name, y->name))
        return why(v, "expected case named `%.*s`, found `%.*s`", (int)y->name.len, y->name.ptr,
                   (int)x->name.len, x->name.ptr);
      if (x->has && y->has) {
        if (!sub_vt(v, x->t, y->t))
          return why_ctx(v, "type mismatch in variant case `%.*s`", (int)x->name.len, x->name.ptr);
      } else if (!x->has && y->has) {
        return why(v, "expected case `%.*s` to have a type, found none", (int)x->name.len,
                   x->name.ptr);
      } else if (x->has) {
        return why(v, "expected case `%.*s` to have no type", (int)x->name.len, x->name.ptr);
      }
    }
    return true;
  case MELD_CT_LIST:
  case MELD_CT_OPTION: return sub_vt(v, a->a, b->a);
  case MELD_CT_FIXED_LIST:
    if (a->len != b->len) return why(v, "expected fixed-length %u, found size %u", b->len, a->len);
    return sub_vt(v, a->a, b->a);
  case MELD_CT_MAP:
    if (!sub_vt(v, a->a, b->a)) return why_ctx(v, "type mismatch in map key");
    return sub_vt(v, a->b, b->b) || why_ctx(v, "type mismatch in map value");
  case MELD_CT_TUPLE:
    if (a->nf != b->nf) return why(v, "expected %u types, found %u", b->nf, a->nf);
    for (uint32_t i = 0; i < a->nf; i++)
      if (!sub_vt(v, a->f[i].t, b->f[i].t)) return why_ctx(v, "type mismatch in tuple field %u", i);
    return true;
  case MELD_CT_FLAGS:
  case MELD_CT_ENUM:
    if (a->nf == b->nf) {
      uint32_t i = 0;
      while (i < a->nf && meld_str_eq(a->f[i].name, b->f[i].name))
        i++;
      if (i == a->nf) return true;
    }
    return why(v, "mismatch in %s elements", a->code == MELD_CT_FLAGS ? "flags" : "enum");
  case MELD_CT_RESULT:
    return sub_opt(v, a->has_a, a->a, b->has_a, b->a, "ok", "ok variant") &&
           sub_opt(v, a->has_b, a->b, b->has_b, b->b, "err", "err variant");
  case MELD_CT_OWN:
  case MELD_CT_BORROW:
    if (ent(v, a->res)->res == ent(v, b->res)->res) return true;
    return why(v, "resource types are not the same");
  case MELD_CT_STREAM:
  case MELD_CT_FUTURE:
    return sub_opt(v, a->has_a, a->a, b->has_a, b->a, def_desc(a->code), def_desc(a->code));
  default: return true;
  }
}

static bool sub_vt(V *v, VT a, VT b) {
  if (a.prim && b.prim) return sub_prim(v, a.prim, b.prim);
  if (!a.prim && !b.prim) return sub_def(v, a.id, b.id);
  if (a.prim) {
    const DefTy *d = DEF(v, b.id);
    if (meld_prim_valid(d->code)) return sub_prim(v, a.prim, d->code);
    return why(v, "expected %s, found %s", def_desc(d->code), meld_prim_name(a.prim));
  }
  const DefTy *d = DEF(v, a.id);
  if (meld_prim_valid(d->code)) return sub_prim(v, d->code, b.prim);
  return why(v, "expected %s, found %s", meld_prim_name(b.prim), def_desc(d->code));
}

static bool sub_func(V *v, uint32_t ia, uint32_t ib) {
  const FuncTy *a = FUNC(v, ia), *b = FUNC(v, ib);
  if (a->async != b->async)
    return why(v, "expected %s function, found %s function", b->async ? "async" : "sync",
               a->async ? "async" : "sync");
  if (a->np != b->np) return why(v, "expected %u parameters, found %u", b->np, a->np);
  for (uint32_t i = 0; i < a->np; i++) {
    if (!meld_str_eq(a->p[i].name, b->p[i].name))
      return why(v, "expected parameter named `%.*s`, found `%.*s`", (int)b->p[i].name.len,
                 b->p[i].name.ptr, (int)a->p[i].name.len, a->p[i].name.ptr);
    if (!sub_vt(v, a->p[i].t, b->p[i].t))
      return why_ctx(v, "type mismatch in function parameter `%.*s`", (int)a->p[i].name.len,
                     a->p[i].name.ptr);
  }
  if (a->has_result && b->has_result)
    return sub_vt(v, a->result, b->result) || why_ctx(v, "type mismatch with result type");
  if (a->has_result != b->has_result)
    return why(v,
               b->has_result ? "expected a result, found none" : "expected no result, found one");
  return true;
}

/* Core types: structural equality (through concrete references, to a bounded depth), and
 * declared subtyping for GC types. */
static bool csub_eq(V *v, uint32_t a, uint32_t b, uint32_t depth);

static bool cvt_eq(V *v, CVT a, CVT b, uint32_t depth) {
  if (a.code != b.code || a.heap != b.heap) return false;
  if ((a.code == 0x63 || a.code == 0x64) && !a.heap) return csub_eq(v, a.id, b.id, depth + 1);
  return true;
}

static bool csub_eq(V *v, uint32_t a, uint32_t b, uint32_t depth) {
  if (a == b) return true;
  if (depth > 32) return false;
  const CoreSub *x = CSUB(v, a), *y = CSUB(v, b);
  if (x->kind != y->kind || x->final != y->final || x->np != y->np || x->nr != y->nr ||
      x->nf != y->nf || (x->super == NONE) != (y->super == NONE))
    return false;
  for (uint32_t i = 0; i < x->np; i++)
    if (!cvt_eq(v, x->p[i], y->p[i], depth)) return false;
  for (uint32_t i = 0; i < x->nr; i++)
    if (!cvt_eq(v, x->r[i], y->r[i], depth)) return false;
  for (uint32_t i = 0; i < x->nf; i++)
    if (x->mut[i] != y->mut[i] || !cvt_eq(v, x->f[i], y->f[i], depth)) return false;
  return x->super == NONE || csub_eq(v, x->super, y->super, depth + 1);
}

static bool csub_sub(V *v, uint32_t a, uint32_t b) {
  for (uint32_t i = 0; a != NONE && i < 64; i++) {
    if (csub_eq(v, a, b, 0)) return true;
    a = CSUB(v, a)->super;
  }
  return false;
}

static bool limits_match(const CET *a, const CET *b) {
  if (a->min < b->min) return false;
  if (!(b->flags & 1)) return true;
  return (a->flags & 1) && a->max <= b->max;
}

static uint32_t page_log2(const CET *e) {
  return (e->flags & 8) ? e->page_log2 : 16;
}

static bool sub_cet(V *v, const CET *a, const CET *b) {
  char ta[256], tb[256];
  if (a->kind != b->kind)
    return why(v, "expected %s, found %s", cet_desc(b->kind), cet_desc(a->kind));
  switch (a->kind) {
  case MELD_EXTERN_FUNC:
  case MELD_EXTERN_TAG:
    if (csub_sub(v, a->func, b->func)) return true;
    return why(v, "expected: %s, found: %s", csub_text(v, b->func, tb, sizeof tb),
               csub_text(v, a->func, ta, sizeof ta));
  case MELD_EXTERN_TABLE: {
    if (!cvt_eq(v, a->type, b->type, 0))
      return cvt_mismatch(v, "table element type", b->type, a->type);
    if ((a->flags & 2) != (b->flags & 2)) return why(v, "mismatch in the shared flag for tables");
    return limits_match(a, b) || why(v, "mismatch in table limits");
  }
  case MELD_EXTERN_MEMORY:
    if ((a->flags & 2) != (b->flags & 2)) return why(v, "mismatch in the shared flag for memories");
    if ((a->flags & 4) != (b->flags & 4)) return why(v, "mismatch in index type used for memories");
    if (page_log2(a) != page_log2(b)) return why(v, "mismatch in page size for memories");
    return limits_match(a, b) || why(v, "mismatch in memory limits");
  default:
    if (a->mut != b->mut) return why(v, "global types differ in mutability");
    if (!cvt_eq(v, a->type, b->type, 0)) return cvt_mismatch(v, "global type", b->type, a->type);
    return true;
  }
}

static const CImp *mod_import(V *v, ModTy *m, MeldStr module, MeldStr name) {
  uint32_t i = name_lookup(v, &m->imix, m->im, sizeof *m->im, m->nim, offsetof(CImp, module),
                           offsetof(CImp, name), module, name);
  return i == NONE ? NULL : &m->im[i];
}

static const CExp *cexp_find(V *v, NameIndex *ix, const CExp *ex, uint32_t n, MeldStr name) {
  uint32_t i = name_lookup(v, ix, ex, sizeof *ex, n, offsetof(CExp, name), NO_KEY2, name, name);
  return i == NONE ? NULL : &ex[i];
}

static bool sub_module(V *v, uint32_t ia, uint32_t ib) {
  ModTy *a = MOD(v, ia), *b = MOD(v, ib);
  /* Imports are contravariant: every import of `a` must be provided by what `b` imports. */
  for (uint32_t i = 0; i < a->nim; i++) {
    const CImp *ai = &a->im[i];
    const CImp *bi = mod_import(v, b, ai->module, ai->name);
    if (!bi)
      return why(v, "missing expected import `%.*s::%.*s`", (int)ai->module.len, ai->module.ptr,
                 (int)ai->name.len, ai->name.ptr);
    if (!sub_cet(v, &bi->et, &ai->et))
      return why_ctx(v, "type mismatch in import `%.*s::%.*s`", (int)ai->module.len, ai->module.ptr,
                     (int)ai->name.len, ai->name.ptr);
  }
  for (uint32_t i = 0; i < b->nex; i++) {
    const CExp *be = &b->ex[i];
    const CExp *ae = cexp_find(v, &a->exix, a->ex, a->nex, be->name);
    if (!ae) return why(v, "missing expected export `%.*s`", (int)be->name.len, be->name.ptr);
    if (!sub_cet(v, &ae->et, &be->et))
      return why_ctx(v, "type mismatch in export `%.*s`", (int)be->name.len, be->name.ptr);
  }
  return true;
}

static bool sub_et(V *v, const ET *a, const ET *b);
static bool sub_component(V *v, uint32_t ia, uint32_t ib);

static const Item *item_find(V *v, NameIndex *ix, const Item *items, uint32_t n, MeldStr name) {
  uint32_t i =
      name_lookup(v, ix, items, sizeof *items, n, offsetof(Item, name), NO_KEY2, name, name);
  return i == NONE ? NULL : &items[i];
}

static bool sub_instance(V *v, uint32_t ia, uint32_t ib) {
  InstTy *a = INST(v, ia), *b = INST(v, ib);
  for (uint32_t i = 0; i < b->nex; i++) {
    const Item *be = &b->ex[i];
    const Item *ae = item_find(v, &a->ix, a->ex, a->nex, be->name);
    if (!ae) return why(v, "missing expected export `%.*s`", (int)be->name.len, be->name.ptr);
    if (!sub_et(v, &ae->et, &be->et))
      return why_ctx(v, "type mismatch in instance export `%.*s`", (int)be->name.len, be->name.ptr);
  }
  return true;
}

static bool sub_any(V *v, uint32_t ia, uint32_t ib) {
  uint8_t ka = ent(v, ia)->kind, kb = ent(v, ib)->kind;
  if (ka != kb) return why(v, "expected %s, found %s", any_desc(kb), any_desc(ka));
  switch (ka) {
  case TK_RESOURCE:
    if (ent(v, ia)->res == ent(v, ib)->res) return true;
    return why(v, "resource types are not the same (resource %u vs. resource %u)", ent(v, ia)->res,
               ent(v, ib)->res);
  case TK_DEFINED: return sub_def(v, ia, ib);
  case TK_FUNC: return sub_func(v, ia, ib);
  case TK_INSTANCE: return sub_instance(v, ia, ib);
  case TK_COMPONENT: return sub_component(v, ia, ib);
  default: return true;
  }
}

static bool sub_et(V *v, const ET *a, const ET *b) {
  if (a->kind != b->kind)
    return why(v, "expected %s, found %s", et_desc(b->kind), et_desc(a->kind));
  switch (a->kind) {
  case MELD_EXT_MODULE: return sub_module(v, a->id, b->id);
  case MELD_EXT_FUNC: return sub_func(v, a->id, b->id);
  case MELD_EXT_VALUE: return sub_vt(v, a->val, b->val);
  case MELD_EXT_TYPE: return sub_any(v, a->ref, b->ref);
  case MELD_EXT_INSTANCE: return sub_instance(v, a->id, b->id);
  default: return sub_component(v, a->id, b->id);
  }
}

/* Records, for every type import satisfied, which provided type replaces it. */
static void type_renamings(V *v, const ET *actual, const ET *expected, Map *types) {
  if (expected->kind == MELD_EXT_TYPE && actual->kind == MELD_EXT_TYPE) {
    map_put(v, types, expected->id, actual->id);
  } else if (expected->kind == MELD_EXT_INSTANCE && actual->kind == MELD_EXT_INSTANCE) {
    InstTy *a = INST(v, actual->id), *e = INST(v, expected->id);
    for (uint32_t i = 0; i < e->nex; i++) {
      const Item *ai = item_find(v, &a->ix, a->ex, a->nex, e->ex[i].name);
      if (ai) type_renamings(v, &ai->et, &e->ex[i].et, types);
    }
  }
}

/* The heart of instantiation and component subtyping: do the named items `args` satisfy the
 * imports (or exports) of component type `b`?  On success fills `out` with the substitution of
 * b's imported (or defined) resources by the provided ones, and the type renamings. */
static bool open_instance(V *v, const Item *args, uint32_t nargs, uint32_t ib, bool imports,
                          Remap *out) {
  const CompTy *b = COMP(v, ib);
  NameIndex argix = {0};
  const Item *ents = imports ? b->im : b->ex;
  uint32_t nents = imports ? b->nim : b->nex;
  const RPath *res = imports ? b->imp : b->def;
  uint32_t nres = imports ? b->nimp : b->ndef;
  memset(out, 0, sizeof *out);
  for (uint32_t r = 0; r < nres; r++) {
    const RPath *p = &res[r];
    if (!p->n || p->path[0] >= nents) continue;
    const Item *it = &ents[p->path[0]];
    ET ty = it->et;
    const Item *arg = item_find(v, &argix, args, nargs, it->name);
    const ET *at = arg ? &arg->et : NULL;
    bool ok = true;
    for (uint32_t k = 1; k < p->n && ok; k++) {
      if (ty.kind != MELD_EXT_INSTANCE) {
        ok = false;
        break;
      }
      InstTy *inst = INST(v, ty.id);
      if (p->path[k] >= inst->nex) {
        ok = false;
        break;
      }
      const Item *next = &inst->ex[p->path[k]];
      ty = next->et;
      if (!at || at->kind != MELD_EXT_INSTANCE) {
        ok = false;
        break;
      }
      InstTy *ai = INST(v, at->id);
      const Item *an = item_find(v, &ai->ix, ai->ex, ai->nex, next->name);
      at = an ? &an->et : NULL;
    }
    if (ok && at && at->kind == MELD_EXT_TYPE && ent(v, at->id)->kind == TK_RESOURCE)
      map_put(v, &out->res, p->res, ent(v, at->id)->res);
  }
  Map renames = {0};
  for (uint32_t i = 0; i < nents; i++) {
    const Item *e = &ents[i];
    const Item *arg = item_find(v, &argix, args, nargs, e->name);
    if (!arg)
      return why(v, "missing %s named `%.*s`", imports ? "import" : "export", (int)e->name.len,
                 e->name.ptr);
  }
  for (uint32_t i = 0; i < nents; i++) {
    const Item *e = &ents[i];
    const Item *arg = item_find(v, &argix, args, nargs, e->name);
    ET expected = e->et;
    memset(&out->types, 0, sizeof out->types);
    rm_et(v, &expected, out);
    if (!sub_et(v, &arg->et, &expected))
      return why_ctx(v, "type mismatch for %s `%.*s`", imports ? "import" : "export",
                     (int)e->name.len, e->name.ptr);
    type_renamings(v, &arg->et, &e->et, &renames);
  }
  memset(&out->types, 0, sizeof out->types);
  for (uint32_t i = 0; i < renames.cap; i++)
    if (renames.k[i] != NONE) map_put(v, &out->types, renames.k[i], renames.v[i]);
  return true;
}

static bool sub_component(V *v, uint32_t ia, uint32_t ib) {
  const CompTy *a = COMP(v, ia), *b = COMP(v, ib);
  Remap imports;
  /* b's imports must satisfy a's imports (contravariance)... */
  if (!open_instance(v, b->im, b->nim, ia, true, &imports)) return false;
  /* ...and a's exports, in terms of those imports, must satisfy b's exports. */
  Item *ex = copy_items(v, a->ex, a->nex);
  for (uint32_t i = 0; i < a->nex; i++)
    rm_et(v, &ex[i].et, &imports);
  Remap exports;
  return open_instance(v, ex, a->nex, ib, false, &exports);
}

/* ---- Scopes: a component, a component type or an instance type being validated ---- */

enum { SK_COMPONENT, SK_COMPONENT_TYPE, SK_INSTANCE_TYPE };

typedef struct Val {
  VT t;
  bool used;
} Val;

typedef struct Vals {
  Val *items;
  uint32_t n, cap;
} Vals;

typedef struct CETs {
  CET *items;
  uint32_t n, cap;
} CETs;

typedef struct Items {
  Item *items;
  uint32_t n, cap;
} Items;

typedef struct RPaths {
  RPath *items;
  uint32_t n, cap;
  Map idx; /* resource -> position (maintained by explicit_set) */
} RPaths;

typedef struct Strs {
  MeldStr *items;
  uint32_t n, cap;
} Strs;

/* Resource names registered by top-level type imports (or exports), for [method] & co. */
typedef struct NameCtx {
  Map ids; /* resource type entry -> index in names */
  Strs names;
  NameSet set; /* the names, for [static] */
} NameCtx;

typedef struct Scope {
  uint8_t kind;
  struct Scope *parent;
  U32s core_types, core_funcs, core_tags, core_modules, core_instances;
  CETs core_tables, core_memories, core_globals;
  U32s types, funcs, instances, components;
  Vals values;
  Items imports, exports;
  NameSet import_names, export_names, import_items, export_items;
  RPaths imported, defined, explicit_;
  Map defined_idx; /* resource -> index in defined */
  Map exported_types, imported_types;
  NameCtx ctx_imp, ctx_exp;
  uint8_t context_type;
  bool has_start;
} Scope;

static Scope *new_scope(V *v, uint8_t kind, Scope *parent) {
  Scope *s = NEW(v, Scope);
  s->kind = kind;
  s->parent = parent;
  return s;
}

static uint32_t at(V *v, const U32s *s, uint32_t idx, const char *what, const char *space) {
  if (idx >= s->n) bail(v, "unknown %s %u: %s index out of bounds", what, idx, space);
  return s->items[idx];
}

static uint32_t core_type_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->core_types, i, "type", "type");
}
static uint32_t type_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->types, i, "type", "type");
}
static uint32_t func_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->funcs, i, "function", "function");
}
static uint32_t core_func_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->core_funcs, i, "core function", "function");
}
static uint32_t component_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->components, i, "component", "component");
}
static uint32_t instance_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->instances, i, "instance", "instance");
}
static uint32_t module_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->core_modules, i, "module", "module");
}
static uint32_t core_instance_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->core_instances, i, "core instance", "instance");
}
static uint32_t tag_at(V *v, Scope *s, uint32_t i) {
  return at(v, &s->core_tags, i, "tag", "tag");
}

static const CET *cet_at(V *v, const CETs *s, uint32_t idx, const char *what) {
  if (idx >= s->n) bail(v, "unknown %s %u: %s index out of bounds", what, idx, what);
  return &s->items[idx];
}

static VT value_at(V *v, Scope *s, uint32_t idx, bool use) {
  if (idx >= s->values.n) bail(v, "unknown value %u: value index out of bounds", idx);
  Val *val = &s->values.items[idx];
  if (use) {
    if (val->used) bail(v, "value %u cannot be used more than once", idx);
    val->used = true;
  }
  return val->t;
}

static uint32_t defined_type_at(V *v, Scope *s, uint32_t idx) {
  uint32_t id = type_at(v, s, idx);
  if (ent(v, id)->kind != TK_DEFINED) bail(v, "type index %u is not a defined type", idx);
  return id;
}

static uint32_t resource_at(V *v, Scope *s, uint32_t idx) {
  uint32_t id = type_at(v, s, idx);
  if (ent(v, id)->kind != TK_RESOURCE) bail(v, "type index %u is not a resource type", idx);
  return id;
}

static VT vt_of(V *v, Scope *s, MeldCompValType t) {
  VT r = {0, 0};
  if (t.prim)
    r.prim = t.prim;
  else
    r.id = defined_type_at(v, s, t.index);
  return r;
}

/* The scope `count` levels out, or an error naming the count. */
static Scope *outer_scope(V *v, Scope *s, uint32_t count) {
  Scope *o = s;
  for (uint32_t i = 0; i < count; i++) {
    o = o->parent;
    if (!o) bail(v, "invalid outer alias count of %u", count);
  }
  return o;
}

static void defined_insert(V *v, Scope *s, uint32_t res, uint8_t rep) {
  map_put(v, &s->defined_idx, res, s->defined.n);
  RPath *p = PUSH(v, s->defined);
  p->res = res;
  p->rep = rep;
}

static RPath *explicit_find(RPaths *e, uint32_t res) {
  uint32_t i;
  return map_get(&e->idx, res, &i) ? &e->items[i] : NULL;
}

/* Sets the explicit path of `res` to `first` followed by `rest`. */
static void explicit_set(V *v, RPaths *e, uint32_t res, uint32_t first, const uint32_t *rest,
                         uint32_t nrest) {
  RPath *p = explicit_find(e, res);
  if (!p) {
    map_put(v, &e->idx, res, e->n);
    p = PUSH(v, *e);
    p->res = res;
  }
  p->n = nrest + 1;
  p->path = alloc(v, p->n, sizeof *p->path);
  p->path[0] = first;
  if (nrest) memcpy(p->path + 1, rest, nrest * sizeof *rest);
}

/* ---- Core types and modules ---- */

/* Core function types made from flat signatures are interned: many canon built-ins share a few
 * signatures, and their identity does not matter. */
typedef struct CoreSigs {
  Map byhash;    /* hash of the signature -> first entry with it */
  U32s overflow; /* entries whose hash slot was taken by another signature */
} CoreSigs;

static bool sig_equal(V *v, uint32_t id, const uint8_t *params, uint32_t np, const uint8_t *results,
                      uint32_t nr);

static uint32_t sig_hash(const uint8_t *params, uint32_t np, const uint8_t *results, uint32_t nr) {
  uint32_t h = meld_hash_bytes(params, np, np) * 31u ^ meld_hash_bytes(results, nr, nr + 7u);
  return h == NONE ? 0 : h;
}

static uint32_t new_core_func_uninterned(V *v, const uint8_t *params, uint32_t np,
                                         const uint8_t *results, uint32_t nr);

static uint32_t new_core_func(V *v, const uint8_t *params, uint32_t np, const uint8_t *results,
                              uint32_t nr) {
  if (!v->sigs) v->sigs = NEW(v, CoreSigs);
  uint32_t h = sig_hash(params, np, results, nr), id;
  if (map_get(&v->sigs->byhash, h, &id) && sig_equal(v, id, params, np, results, nr)) return id;
  for (uint32_t i = 0; i < v->sigs->overflow.n; i++)
    if (sig_equal(v, v->sigs->overflow.items[i], params, np, results, nr))
      return v->sigs->overflow.items[i];
  id = new_core_func_uninterned(v, params, np, results, nr);
  if (!map_get(&v->sigs->byhash, h, NULL))
    map_put(v, &v->sigs->byhash, h, id);
  else if (v->sigs->overflow.n < 64)
    u32_push(v, &v->sigs->overflow, id);
  return id;
}

static uint32_t new_core_func_uninterned(V *v, const uint8_t *params, uint32_t np,
                                         const uint8_t *results, uint32_t nr) {
  CoreSub *s = NEW(v, CoreSub);
  s->kind = MELD_COMP_FUNC;
  s->final = true;
  s->super = NONE;
  s->np = np;
  s->nr = nr;
  s->p = alloc(v, np, sizeof *s->p);
  s->r = alloc(v, nr, sizeof *s->r);
  for (uint32_t i = 0; i < np; i++)
    s->p[i].code = params[i];
  for (uint32_t i = 0; i < nr; i++)
    s->r[i].code = results[i];
  return new_ent(v, TK_CORE_SUB, s);
}

static bool sig_equal(V *v, uint32_t id, const uint8_t *params, uint32_t np, const uint8_t *results,
                      uint32_t nr) {
  const CoreSub *s = CSUB(v, id);
  if (s->np != np || s->nr != nr) return false;
  for (uint32_t i = 0; i < np; i++)
    if (s->p[i].code != params[i] || s->p[i].heap) return false;
  for (uint32_t i = 0; i < nr; i++)
    if (s->r[i].code != results[i] || s->r[i].heap) return false;
  return true;
}

static bool csub_is_func(V *v, uint32_t id, const uint8_t *params, uint32_t np,
                         const uint8_t *results, uint32_t nr) {
  const CoreSub *s = CSUB(v, id);
  if (s->kind != MELD_COMP_FUNC || s->np != np || s->nr != nr) return false;
  for (uint32_t i = 0; i < np; i++)
    if (s->p[i].code != params[i]) return false;
  for (uint32_t i = 0; i < nr; i++)
    if (s->r[i].code != results[i]) return false;
  return true;
}

static CVT cvt_of(V *v, const U32s *space, MeldCoreValType t) {
  CVT r = {t.code, t.heap, NONE};
  if ((t.code == 0x63 || t.code == 0x64) && !t.heap) {
    if (t.index >= space->n) bail(v, "unknown type %u: type index out of bounds", t.index);
    r.id = space->items[t.index];
    if (ent(v, r.id)->kind != TK_CORE_SUB)
      bail(v, "type index %u is a module type, not a sub type", t.index);
  }
  return r;
}

static bool cvt_is_ref(CVT t) {
  return t.code == 0x63 || t.code == 0x64 || (t.code >= 0x69 && t.code <= 0x74);
}

/* A rec group: its members are added to `space` first so they can refer to each other. */
static void add_rec_group(V *v, U32s *space, const MeldCoreTypeDef *t) {
  uint32_t first = space->n;
  for (uint32_t i = 0; i < t->nsubs; i++) {
    CoreSub *s = NEW(v, CoreSub);
    s->super = NONE;
    u32_push(v, space, new_ent(v, TK_CORE_SUB, s));
  }
  for (uint32_t i = 0; i < t->nsubs; i++) {
    const MeldCoreSubType *st = &t->subs[i];
    CoreSub *s = CSUB(v, space->items[first + i]);
    s->kind = st->kind;
    s->final = st->form != MELD_SUB_OPEN;
    if (st->nsupers > 1) bail(v, "a core type can have at most one supertype");
    if (st->nsupers) {
      uint32_t sup = st->supers[0];
      if (sup >= first + i) bail(v, "supertype index %u must refer to an earlier type", sup);
      s->super = space->items[sup];
      if (ent(v, s->super)->kind != TK_CORE_SUB)
        bail(v, "type index %u is a module type, not a sub type", sup);
      const CoreSub *ss = CSUB(v, s->super);
      if (ss->final) bail(v, "supertype %u is final", sup);
      if (ss->kind != s->kind) bail(v, "subtype must have the same kind of type as its supertype");
    }
    s->np = st->nparams;
    s->nr = st->nresults;
    s->nf = st->nfields;
    s->p = alloc(v, s->np, sizeof *s->p);
    s->r = alloc(v, s->nr, sizeof *s->r);
    s->f = alloc(v, s->nf, sizeof *s->f);
    s->mut = alloc(v, s->nf, sizeof *s->mut);
    for (uint32_t k = 0; k < s->np; k++)
      s->p[k] = cvt_of(v, space, st->params[k]);
    for (uint32_t k = 0; k < s->nr; k++)
      s->r[k] = cvt_of(v, space, st->results[k]);
    for (uint32_t k = 0; k < s->nf; k++) {
      s->f[k] = cvt_of(v, space, st->fields[k].type);
      s->mut[k] = st->fields[k].mut;
    }
  }
}

static void check_limits(V *v, const CET *e, bool memory) {
  if ((e->flags & 1) && e->min > e->max) bail(v, "size minimum must not be greater than maximum");
  if (memory) {
    uint32_t lg = page_log2(e);
    if (lg != 0 && lg != 16) bail(v, "invalid custom page size");
    uint64_t limit = (e->flags & 4) ? (1ull << 48) : (1ull << 32) >> lg;
    if (e->min > limit || ((e->flags & 1) && e->max > limit))
      bail(v, "memory size must be at most %llu pages (%s)", (unsigned long long)limit,
           (e->flags & 4) ? "2**64 bytes" : "4GiB");
    if ((e->flags & 2) && !(e->flags & 1)) bail(v, "shared memory must have maximum size");
  } else {
    if (!(e->flags & 4) && (e->min > UINT32_MAX || e->max > UINT32_MAX))
      bail(v, "table size must be at most 2**32-1");
  }
}

static CET cet_of_decl(V *v, const U32s *space, const MeldCoreExternType *x) {
  CET e;
  memset(&e, 0, sizeof e);
  e.kind = x->kind;
  switch (x->kind) {
  case MELD_EXTERN_FUNC:
  case MELD_EXTERN_TAG:
    if (x->index >= space->n) bail(v, "unknown type %u: type index out of bounds", x->index);
    e.func = space->items[x->index];
    if (ent(v, e.func)->kind != TK_CORE_SUB || CSUB(v, e.func)->kind != MELD_COMP_FUNC)
      bail(v, "type index %u is not a function type", x->index);
    if (x->kind == MELD_EXTERN_TAG && CSUB(v, e.func)->nr)
      bail(v, "invalid exception type: non-empty tag result type");
    break;
  case MELD_EXTERN_TABLE:
    e.type = cvt_of(v, space, x->type);
    if (!cvt_is_ref(e.type)) bail(v, "table element type must be a reference type");
    /* fallthrough */
  case MELD_EXTERN_MEMORY:
    e.flags = x->flags;
    e.min = x->min;
    e.max = x->max;
    e.page_log2 = x->page_log2;
    check_limits(v, &e, x->kind == MELD_EXTERN_MEMORY);
    break;
  default:
    e.type = cvt_of(v, space, x->type);
    e.mut = x->mut;
    break;
  }
  return e;
}

static void add_core_type(V *v, Scope *s, const MeldCoreTypeDef *t);

/* A core module type: decls are validated in a fresh core type space. */
static uint32_t module_type(V *v, Scope *s, const MeldCoreTypeDef *t) {
  U32s space = {0};
  struct {
    CImp *items;
    uint32_t n, cap;
  } im = {0};
  struct {
    CExp *items;
    uint32_t n, cap;
  } ex = {0};
  NameSet imnames = {0}, exnames = {0};
  for (uint32_t i = 0; i < t->ndecls; i++) {
    const MeldCoreModuleDecl *d = &t->decls[i];
    v->off = d->offset;
    switch (d->kind) {
    case MELD_MDECL_IMPORT: {
      CImp *ci = PUSH(v, im);
      ci->module = d->module;
      ci->name = d->name;
      ci->et = cet_of_decl(v, &space, &d->ext);
      MeldStr k = pair_key(v, d->module, d->name);
      if (!nameset_add(v, &imnames, k, k, NULL))
        bail(v, "duplicate import name `%.*s:%.*s`", (int)d->module.len, d->module.ptr,
             (int)d->name.len, d->name.ptr);
      break;
    }
    case MELD_MDECL_TYPE:
      if (d->type->kind == MELD_CORETYPE_MODULE)
        bail(v, "invalid leading byte: module types cannot be declared inside module types");
      add_rec_group(v, &space, d->type);
      break;
    case MELD_MDECL_ALIAS: {
      uint32_t id;
      if (d->alias.count == 0) {
        if (d->alias.index >= space.n)
          bail(v, "unknown type %u: type index out of bounds", d->alias.index);
        id = space.items[d->alias.index];
      } else {
        id = core_type_at(v, outer_scope(v, s, d->alias.count - 1), d->alias.index);
      }
      if (ent(v, id)->kind == TK_MODULE)
        bail(v, "cannot alias a core module type into a core module's type index space");
      u32_push(v, &space, id);
      break;
    }
    default: {
      CExp *ce = PUSH(v, ex);
      ce->name = d->name;
      ce->et = cet_of_decl(v, &space, &d->ext);
      if (!nameset_add(v, &exnames, d->name, d->name, NULL))
        bail(v, "export name `%.*s` already defined", (int)d->name.len, d->name.ptr);
      break;
    }
    }
  }
  ModTy *m = NEW(v, ModTy);
  m->im = im.items;
  m->nim = im.n;
  m->ex = ex.items;
  m->nex = ex.n;
  uint32_t id = new_ent(v, TK_MODULE, m);
  ent(v, id)->size = 1 + m->nim + m->nex;
  return id;
}

static void add_core_type(V *v, Scope *s, const MeldCoreTypeDef *t) {
  v->off = t->offset;
  if (t->kind == MELD_CORETYPE_MODULE)
    u32_push(v, &s->core_types, module_type(v, s, t));
  else
    add_rec_group(v, &s->core_types, t);
}

static CET cet_of_module(V *v, const MeldModule *m, uint8_t kind, uint32_t index,
                         uint32_t *fcache) {
  CET e;
  memset(&e, 0, sizeof e);
  e.kind = kind;
  switch (kind) {
  case MELD_EXTERN_FUNC: {
    if (index >= m->nfuncs || m->funcs[index].type >= m->ntypes)
      bail(v, "core module: function %u is out of range", index);
    uint32_t t = m->funcs[index].type;
    if (fcache[t] == NONE) {
      const MeldFuncType *ft = &m->types[t];
      fcache[t] = new_core_func(v, ft->params, ft->nparams, ft->results, ft->nresults);
    }
    e.func = fcache[t];
    break;
  }
  case MELD_EXTERN_TABLE: {
    if (index >= m->ntables) bail(v, "core module: table %u is out of range", index);
    const MeldTable *t = &m->tables[index];
    e.type.code = t->elem;
    e.flags = (uint8_t)((t->limits.has_max ? 1 : 0) | (t->limits.shared ? 2 : 0));
    e.min = t->limits.min;
    e.max = t->limits.max;
    break;
  }
  case MELD_EXTERN_MEMORY: {
    if (index >= m->nmemories) bail(v, "core module: memory %u is out of range", index);
    const MeldMemory *mm = &m->memories[index];
    e.flags = (uint8_t)((mm->limits.has_max ? 1 : 0) | (mm->limits.shared ? 2 : 0));
    e.min = mm->limits.min;
    e.max = mm->limits.max;
    break;
  }
  default: {
    if (index >= m->nglobals) bail(v, "core module: global %u is out of range", index);
    e.type.code = m->globals[index].type;
    e.mut = m->globals[index].mut;
    break;
  }
  }
  return e;
}

/* A nested core module: core-validated, then given its module type (two-level import names
 * must be unique, since components see them as one name). */
static uint32_t core_module(V *v, const MeldCoreModuleDef *md) {
  const MeldModule *m = md->module;
  v->off = md->offset;
  if (!m) bail(v, "core module without IR");
  uint32_t before = v->ctx->diag.nerrors;
  if (!meld_core_verify(v->ctx, m) || v->ctx->diag.nerrors != before) longjmp(v->jb, 1);
  uint32_t *fcache = alloc(v, m->ntypes ? m->ntypes : 1, sizeof *fcache);
  memset(fcache, 0xff, (size_t)(m->ntypes ? m->ntypes : 1) * sizeof *fcache);
  ModTy *mt = NEW(v, ModTy);
  mt->nim = m->nimports;
  mt->nex = m->nexports;
  mt->im = alloc(v, mt->nim, sizeof *mt->im);
  mt->ex = alloc(v, mt->nex, sizeof *mt->ex);
  NameSet names = {0};
  for (uint32_t i = 0; i < m->nimports; i++) {
    const MeldImport *imp = &m->imports[i];
    mt->im[i].module = imp->module;
    mt->im[i].name = imp->name;
    mt->im[i].et = cet_of_module(v, m, imp->kind, imp->index, fcache);
    MeldStr k = pair_key(v, imp->module, imp->name);
    if (!nameset_add(v, &names, k, k, NULL))
      bail(v, "duplicate import name `%.*s:%.*s`", (int)imp->module.len, imp->module.ptr,
           (int)imp->name.len, imp->name.ptr);
  }
  for (uint32_t i = 0; i < m->nexports; i++) {
    mt->ex[i].name = m->exports[i].name;
    mt->ex[i].et = cet_of_module(v, m, m->exports[i].kind, m->exports[i].index, fcache);
  }
  uint32_t id = new_ent(v, TK_MODULE, mt);
  ent(v, id)->size = 1 + mt->nim + mt->nex;
  return id;
}

static CET core_item(V *v, Scope *s, uint8_t sort, uint32_t index) {
  CET e;
  memset(&e, 0, sizeof e);
  switch (sort) {
  case MELD_SORT_CORE_FUNC:
    e.kind = MELD_EXTERN_FUNC;
    e.func = core_func_at(v, s, index);
    return e;
  case MELD_SORT_CORE_TABLE: return *cet_at(v, &s->core_tables, index, "table");
  case MELD_SORT_CORE_MEMORY: return *cet_at(v, &s->core_memories, index, "memory");
  case MELD_SORT_CORE_GLOBAL: return *cet_at(v, &s->core_globals, index, "global");
  case MELD_SORT_CORE_TAG:
    e.kind = MELD_EXTERN_TAG;
    e.func = tag_at(v, s, index);
    return e;
  default: bail(v, "a core instance cannot export a %s", meld_sort_name((MeldSort)sort));
  }
}

static void add_core_instance(V *v, Scope *s, const MeldCoreInstance *ci) {
  v->off = ci->offset;
  CInstTy *t = NEW(v, CInstTy);
  if (ci->kind == MELD_INST_INSTANTIATE) {
    const ModTy *m = MOD(v, module_at(v, s, ci->module));
    CInstTy **args = alloc(v, ci->nargs, sizeof *args);
    NameSet seen = {0};
    NameIndex argix = {0};
    for (uint32_t i = 0; i < ci->nargs; i++) {
      if (!nameset_add(v, &seen, ci->args[i].name, ci->args[i].name, NULL))
        bail(v, "duplicate module instantiation argument named `%.*s`", (int)ci->args[i].name.len,
             ci->args[i].name.ptr);
      args[i] = CINST(v, core_instance_at(v, s, ci->args[i].instance));
    }
    for (uint32_t i = 0; i < m->nim; i++) {
      const CImp *imp = &m->im[i];
      uint32_t k = name_lookup(v, &argix, ci->args, sizeof *ci->args, ci->nargs,
                               offsetof(MeldCoreInstArg, name), NO_KEY2, imp->module, imp->module);
      if (k == NONE)
        bail(v, "missing module instantiation argument named `%.*s`", (int)imp->module.len,
             imp->module.ptr);
      CInstTy *arg = args[k];
      const CExp *ex = cexp_find(v, &arg->ix, arg->ex, arg->nex, imp->name);
      if (!ex)
        bail(v, "module instantiation argument `%.*s` does not export an item named `%.*s`",
             (int)imp->module.len, imp->module.ptr, (int)imp->name.len, imp->name.ptr);
      if (!sub_cet(v, &ex->et, &imp->et))
        bail(v, "type mismatch for export `%.*s` of module instantiation argument `%.*s`: %s",
             (int)imp->name.len, imp->name.ptr, (int)imp->module.len, imp->module.ptr, v->why);
    }
    t->ex = m->ex;
    t->nex = m->nex;
  } else {
    NameSet names = {0};
    t->nex = ci->nexports;
    t->ex = alloc(v, t->nex, sizeof *t->ex);
    for (uint32_t i = 0; i < ci->nexports; i++) {
      const MeldCoreInlineExport *e = &ci->exports[i];
      t->ex[i].name = e->name;
      t->ex[i].et = core_item(v, s, e->sort, e->index);
      if (!nameset_add(v, &names, e->name, e->name, NULL))
        bail(v, "duplicate instantiation export name `%.*s` already defined", (int)e->name.len,
             e->name.ptr);
    }
  }
  u32_push(v, &s->core_instances, new_ent(v, TK_CORE_INSTANCE, t));
}

static void core_alias(V *v, Scope *s, const MeldCompAlias *a) {
  static const char *const what[] = {"function", "table", "memory", "global", "tag"};
  uint8_t want;
  switch (a->sort) {
  case MELD_SORT_CORE_FUNC: want = MELD_EXTERN_FUNC; break;
  case MELD_SORT_CORE_TABLE: want = MELD_EXTERN_TABLE; break;
  case MELD_SORT_CORE_MEMORY: want = MELD_EXTERN_MEMORY; break;
  case MELD_SORT_CORE_GLOBAL: want = MELD_EXTERN_GLOBAL; break;
  case MELD_SORT_CORE_TAG: want = MELD_EXTERN_TAG; break;
  default:
    bail(v, "a core instance export cannot be aliased as a %s", meld_sort_name((MeldSort)a->sort));
  }
  CInstTy *t = CINST(v, core_instance_at(v, s, a->instance));
  const CExp *e = cexp_find(v, &t->ix, t->ex, t->nex, a->name);
  if (!e)
    bail(v, "core instance %u has no export named `%.*s`", a->instance, (int)a->name.len,
         a->name.ptr);
  if (e->et.kind != want)
    bail(v, "export `%.*s` for core instance %u is not a %s", (int)a->name.len, a->name.ptr,
         a->instance, what[want]);
  switch (want) {
  case MELD_EXTERN_FUNC: u32_push(v, &s->core_funcs, e->et.func); break;
  case MELD_EXTERN_TAG: u32_push(v, &s->core_tags, e->et.func); break;
  case MELD_EXTERN_TABLE: *(CET *)PUSH(v, s->core_tables) = e->et; break;
  case MELD_EXTERN_MEMORY: *(CET *)PUSH(v, s->core_memories) = e->et; break;
  default: *(CET *)PUSH(v, s->core_globals) = e->et; break;
  }
}

/* ---- Component type definitions ---- */

static void add_type_def(V *v, Scope *s, const MeldCompType *t);
static void add_alias(V *v, Scope *s, const MeldCompAlias *a);
static void add_import(V *v, Scope *s, const MeldExternName *name, const MeldExternType *ext,
                       uint64_t off);
static void add_export(V *v, Scope *s, const MeldExternName *name, ET et);
static ET check_type_ref(V *v, Scope *s, const MeldExternType *x);
static uint32_t finish_component(V *v, Scope *s);

/* A label of a record field, variant case, flag, enum case or parameter: kebab-case and unique
 * (case-insensitively) among its siblings. */
static void check_label(V *v, NameSet *seen, MeldStr label, const char *desc,
                        const char *conflict) {
  if (!meld_name_is_kebab(label)) {
    if (label.len == 0) bail(v, "%s name cannot be empty", desc);
    bail(v, "%s name `%.*s` is not in kebab case", desc, (int)label.len, label.ptr);
  }
  MeldStr prev;
  if (!nameset_add(v, seen, lower_dup(v, label), label, &prev))
    bail(v, "%s name `%.*s` conflicts with previous %s name `%.*s`", desc, (int)label.len,
         label.ptr, conflict, (int)prev.len, prev.ptr);
}

static bool is_keytype(V *v, VT t) {
  switch (vt_prim(v, t)) {
  case MELD_PRIM_BOOL:
  case MELD_PRIM_S8:
  case MELD_PRIM_U8:
  case MELD_PRIM_S16:
  case MELD_PRIM_U16:
  case MELD_PRIM_S32:
  case MELD_PRIM_U32:
  case MELD_PRIM_S64:
  case MELD_PRIM_U64:
  case MELD_PRIM_CHAR:
  case MELD_PRIM_STRING: return true;
  default: return false;
  }
}

static uint32_t defined_type(V *v, Scope *s, const MeldCompType *t) {
  /* Primitive defined types carry no identity (they are always externally visible), so all
   * definitions of one primitive share an entry. */
  if (meld_prim_valid(t->code) && v->prim[t->code] != NONE) return v->prim[t->code];
  DefTy *d = NEW(v, DefTy);
  Info info = info_new();
  NameSet seen = {0};
  d->code = t->code;
  d->res = NONE;
  switch (t->code) {
  case MELD_CT_RECORD:
  case MELD_CT_VARIANT:
  case MELD_CT_TUPLE:
  case MELD_CT_FLAGS:
  case MELD_CT_ENUM: {
    static const char *const empty[] = {
        "record type must have at least one field", "variant type must have at least one case",
        "tuple type must have at least one type", "flags must have at least one entry",
        "enum type must have at least one variant"};
    uint32_t which = t->code == MELD_CT_RECORD    ? 0
                     : t->code == MELD_CT_VARIANT ? 1
                     : t->code == MELD_CT_TUPLE   ? 2
                     : t->code == MELD_CT_FLAGS   ? 3
                                                  : 4;
    if (t->nfields == 0) bail(v, "%s", empty[which]);
    if (t->code == MELD_CT_FLAGS && t->nfields > 32) bail(v, "cannot have more than 32 flags");
    d->nf = t->nfields;
    d->f = alloc(v, d->nf, sizeof *d->f);
    for (uint32_t i = 0; i < d->nf; i++) {
      const MeldCompField *f = &t->fields[i];
      d->f[i].name = f->label;
      switch (t->code) {
      case MELD_CT_RECORD: check_label(v, &seen, f->label, "record field", "field"); break;
      case MELD_CT_VARIANT: check_label(v, &seen, f->label, "variant case", "case"); break;
      case MELD_CT_FLAGS: check_label(v, &seen, f->label, "flag", "flag"); break;
      case MELD_CT_ENUM: check_label(v, &seen, f->label, "enum tag", "tag"); break;
      default: break;
      }
      if (f->has_type) {
        d->f[i].has = true;
        d->f[i].t = vt_of(v, s, f->type);
        combine(v, &info, info_vt(v, d->f[i].t));
      }
    }
    break;
  }
  case MELD_CT_LIST:
  case MELD_CT_OPTION:
  case MELD_CT_FIXED_LIST:
    if (t->code == MELD_CT_FIXED_LIST && t->length == 0)
      bail(v, "Fixed-length lists must have more than zero elements");
    d->has_a = true;
    d->a = vt_of(v, s, t->a);
    d->len = t->length;
    combine(v, &info, info_vt(v, d->a));
    break;
  case MELD_CT_RESULT:
  case MELD_CT_STREAM:
  case MELD_CT_FUTURE:
  case MELD_CT_MAP:
    if ((d->has_a = t->has_a)) {
      d->a = vt_of(v, s, t->a);
      combine(v, &info, info_vt(v, d->a));
    }
    if ((d->has_b = t->has_b)) {
      d->b = vt_of(v, s, t->b);
      combine(v, &info, info_vt(v, d->b));
    }
    if (t->code == MELD_CT_STREAM && d->has_a && vt_prim(v, d->a) == MELD_PRIM_CHAR)
      bail(v, "`stream<char>` is not valid at this time, use `stream<u8>` with a defined "
              "encoding instead for now");
    if ((t->code == MELD_CT_STREAM || t->code == MELD_CT_FUTURE) && info.borrow)
      bail(v, "%s element type cannot contain a `borrow` type", def_desc(t->code));
    if (t->code == MELD_CT_MAP && !is_keytype(v, d->a))
      bail(v, "map key type must be bool, an integer type, char or string");
    break;
  case MELD_CT_OWN:
  case MELD_CT_BORROW:
    d->res = resource_at(v, s, t->resource);
    info.borrow = t->code == MELD_CT_BORROW;
    break;
  default:
    if (!meld_prim_valid(t->code)) bail(v, "0x%x is not a defined value type", t->code);
    break;
  }
  if (info.depth > MAX_TYPE_DEPTH) bail(v, "type nesting is too deep");
  def_finish_layout(v, d);
  if (d->size64 >= MAX_ELEM_BYTES)
    bail(v, "type exceeds maximum byte size: elem_size(t, 'i64') must be less than 2^28");
  uint32_t id = new_ent(v, TK_DEFINED, d);
  set_info(v, id, info);
  if (meld_prim_valid(t->code)) v->prim[t->code] = id;
  return id;
}

static uint32_t func_type(V *v, Scope *s, const MeldCompType *t) {
  FuncTy *f = NEW(v, FuncTy);
  Info info = info_new();
  NameSet seen = {0};
  f->async = t->code == MELD_CT_ASYNC_FUNC;
  f->np = t->nfields;
  f->p = alloc(v, f->np, sizeof *f->p);
  for (uint32_t i = 0; i < f->np; i++) {
    check_label(v, &seen, t->fields[i].label, "function parameter", "parameter");
    f->p[i].name = t->fields[i].label;
    f->p[i].t = vt_of(v, s, t->fields[i].type);
    f->p[i].has = true;
    combine(v, &info, info_vt(v, f->p[i].t));
  }
  if ((f->has_result = t->has_a)) {
    f->result = vt_of(v, s, t->a);
    Info ri = info_vt(v, f->result);
    if (ri.borrow) bail(v, "function result cannot contain a `borrow` type");
    combine(v, &info, ri);
  }
  uint32_t id = new_ent(v, TK_FUNC, f);
  set_info(v, id, info);
  return id;
}

static uint32_t resource_type(V *v, Scope *s, const MeldCompType *t) {
  if (s->kind != SK_COMPONENT) bail(v, "resources can only be defined within a concrete component");
  if (t->rep != MELD_I32 && t->rep != MELD_I64)
    bail(v, "resources can only be represented by `i32` or `i64`");
  if (t->has_dtor) {
    uint8_t rep = t->rep;
    if (!csub_is_func(v, core_func_at(v, s, t->dtor), &rep, 1, NULL, 0))
      bail(v, "core function %u has wrong signature for a destructor", t->dtor);
  }
  uint32_t id = new_resource(v);
  defined_insert(v, s, ent(v, id)->res, t->rep);
  return id;
}

static void add_decls(V *v, Scope *s, const MeldCompDecl *decls, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    const MeldCompDecl *d = &decls[i];
    v->off = d->offset;
    switch (d->kind) {
    case MELD_DECL_CORE_TYPE: add_core_type(v, s, d->coretype); break;
    case MELD_DECL_TYPE: add_type_def(v, s, d->type); break;
    case MELD_DECL_ALIAS: add_alias(v, s, &d->alias); break;
    case MELD_DECL_IMPORT: add_import(v, s, &d->name, &d->ext, d->offset); break;
    case MELD_DECL_EXPORT: {
      ET et = check_type_ref(v, s, &d->ext);
      add_export(v, s, &d->name, et);
      break;
    }
    default: bail(v, "invalid declaration kind 0x%x", d->kind);
    }
  }
}

static Info items_info(V *v, const Item *items, uint32_t n, Info info) {
  for (uint32_t i = 0; i < n; i++)
    combine(v, &info, info_et(v, &items[i].et));
  return info;
}

static uint32_t instance_type(V *v, Scope *s, const MeldCompType *t) {
  Scope *c = new_scope(v, SK_INSTANCE_TYPE, s);
  add_decls(v, c, t->decls, t->ndecls);
  InstTy *it = NEW(v, InstTy);
  it->ex = c->exports.items;
  it->nex = c->exports.n;
  it->ndef = c->defined.n;
  it->def = alloc(v, it->ndef, sizeof *it->def);
  for (uint32_t i = 0; i < it->ndef; i++)
    it->def[i] = c->defined.items[i].res;
  it->expl = c->explicit_.items;
  it->nexpl = c->explicit_.n;
  uint32_t id = new_ent(v, TK_INSTANCE, it);
  set_info(v, id, items_info(v, it->ex, it->nex, info_new()));
  return id;
}

static uint32_t component_type(V *v, Scope *s, const MeldCompType *t) {
  Scope *c = new_scope(v, SK_COMPONENT_TYPE, s);
  add_decls(v, c, t->decls, t->ndecls);
  return finish_component(v, c);
}

static void add_type_def(V *v, Scope *s, const MeldCompType *t) {
  uint32_t id;
  v->off = t->offset;
  switch (t->code) {
  case MELD_CT_FUNC:
  case MELD_CT_ASYNC_FUNC: id = func_type(v, s, t); break;
  case MELD_CT_COMPONENT: id = component_type(v, s, t); break;
  case MELD_CT_INSTANCE: id = instance_type(v, s, t); break;
  case MELD_CT_RESOURCE: id = resource_type(v, s, t); break;
  default: id = defined_type(v, s, t); break;
  }
  v->off = t->offset;
  u32_push(v, &s->types, id);
}

/* ---- Entities: imports, exports, aliases ---- */

static ET check_type_ref(V *v, Scope *s, const MeldExternType *x) {
  ET et;
  memset(&et, 0, sizeof et);
  et.kind = x->kind;
  switch (x->kind) {
  case MELD_EXT_MODULE:
    et.id = core_type_at(v, s, x->index);
    if (ent(v, et.id)->kind != TK_MODULE)
      bail(v, "core type index %u is not a module type", x->index);
    break;
  case MELD_EXT_FUNC:
    et.id = type_at(v, s, x->index);
    if (ent(v, et.id)->kind != TK_FUNC) bail(v, "type index %u is not a function type", x->index);
    break;
  case MELD_EXT_VALUE:
    et.val = x->bound == MELD_BOUND_EQ ? value_at(v, s, x->index, false) : vt_of(v, s, x->val);
    break;
  case MELD_EXT_TYPE:
    if (x->bound == MELD_BOUND_EQ) {
      et.ref = type_at(v, s, x->index);
      et.id = unique(v, et.ref);
    } else {
      et.ref = et.id = new_resource(v);
    }
    break;
  case MELD_EXT_INSTANCE:
    et.id = type_at(v, s, x->index);
    if (ent(v, et.id)->kind != TK_INSTANCE)
      bail(v, "type index %u is not an instance type", x->index);
    break;
  case MELD_EXT_COMPONENT:
    et.id = type_at(v, s, x->index);
    if (ent(v, et.id)->kind != TK_COMPONENT)
      bail(v, "type index %u is not a component type", x->index);
    break;
  default: bail(v, "invalid extern kind 0x%x", x->kind);
  }
  return et;
}

/* Indexes an explicit-resources list by resource. */
static Map rpath_index(V *v, const RPath *p, uint32_t n) {
  Map m = {0};
  for (uint32_t i = 0; i < n; i++)
    if (!map_get(&m, p[i].res, NULL)) map_put(v, &m, p[i].res, i);
  return m;
}

/* Importing an instance of a type with defined resources: each import gets fresh resources,
 * which become imported resources of this scope. */
static void prepare_instance_import(V *v, Scope *s, uint32_t *id) {
  const InstTy *t = INST(v, *id);
  if (!t->ndef) return;
  Remap m = {0};
  Map where = rpath_index(v, t->expl, t->nexpl);
  for (uint32_t i = 0; i < t->ndef; i++) {
    uint32_t fresh = v->next_res++, k;
    map_put(v, &m.res, t->def[i], fresh);
    const RPath *e = map_get(&where, t->def[i], &k) ? &t->expl[k] : NULL;
    RPath *p = PUSH(v, s->imported);
    p->res = fresh;
    p->n = 1 + (e ? e->n : 0);
    p->path = alloc(v, p->n, sizeof *p->path);
    p->path[0] = s->imports.n;
    if (e && e->n) memcpy(p->path + 1, e->path, e->n * sizeof *e->path);
  }
  rm_instance_exports(v, id, &m);
}

/* Exporting an instance: freshen resources of a floating instance type into this scope's
 * defined resources, and record the paths of its explicit resources. */
static void prepare_instance_export(V *v, Scope *s, uint32_t *id) {
  const InstTy *t = INST(v, *id);
  if (t->ndef) {
    Remap m = {0};
    for (uint32_t i = 0; i < t->ndef; i++) {
      uint32_t fresh = v->next_res++;
      map_put(v, &m.res, t->def[i], fresh);
      defined_insert(v, s, fresh, 0);
    }
    t = rm_instance_exports(v, id, &m);
  }
  for (uint32_t i = 0; i < t->nexpl; i++)
    explicit_set(v, &s->explicit_, t->expl[i].res, s->exports.n, t->expl[i].path, t->expl[i].n);
}

enum { XK_NONE, XK_IMPORT, XK_EXPORT };

static void name_register(V *v, NameCtx *c, MeldStr name, uint32_t id) {
  map_put(v, &c->ids, id, c->names.n);
  *(MeldStr *)PUSH(v, c->names) = name;
  nameset_add(v, &c->set, name, name, NULL);
}

/* External visibility: everything an imported/exported item refers to must itself be
 * imported/exported (records, variants, enums, flags, resources); registers the item's types. */
static bool register_named(V *v, Scope *s, const MeldStr *name, uint8_t kind, const ET *et) {
  if (et->kind == MELD_EXT_TYPE && name && ent(v, et->id)->kind == TK_RESOURCE)
    name_register(v, kind == XK_IMPORT ? &s->ctx_imp : &s->ctx_exp, *name, et->id);
  if (s->kind == SK_INSTANCE_TYPE) return true;
  Map *set = kind == XK_IMPORT ? &s->imported_types : &s->exported_types;
  switch (et->kind) {
  case MELD_EXT_TYPE:
    if (!named_any(v, et->ref, set)) return false;
    if (kind == XK_IMPORT) map_put(v, &s->imported_types, et->id, 1);
    map_put(v, &s->exported_types, et->id, 1);
    return true;
  case MELD_EXT_INSTANCE: {
    const InstTy *t = INST(v, et->id);
    for (uint32_t i = 0; i < t->nex; i++)
      if (!register_named(v, s, NULL, kind, &t->ex[i].et)) return false;
    return true;
  }
  case MELD_EXT_FUNC: return named_func(v, et->id, set);
  case MELD_EXT_VALUE: return named_vt(v, et->val, set);
  default: return true;
  }
}

static void add_entity(V *v, Scope *s, ET *et, const MeldStr *name, uint8_t kind) {
  switch (et->kind) {
  case MELD_EXT_MODULE: u32_push(v, &s->core_modules, et->id); break;
  case MELD_EXT_COMPONENT: u32_push(v, &s->components, et->id); break;
  case MELD_EXT_INSTANCE:
    if (kind == XK_IMPORT)
      prepare_instance_import(v, s, &et->id);
    else if (kind == XK_EXPORT)
      prepare_instance_export(v, s, &et->id);
    u32_push(v, &s->instances, et->id);
    break;
  case MELD_EXT_FUNC: u32_push(v, &s->funcs, et->id); break;
  case MELD_EXT_VALUE: {
    Val *val = PUSH(v, s->values);
    val->t = et->val;
    val->used = kind == XK_EXPORT;
    break;
  }
  default: {
    u32_push(v, &s->types, et->id);
    if (ent(v, et->id)->kind != TK_RESOURCE) break;
    uint32_t res = ent(v, et->id)->res;
    if (kind == XK_IMPORT && et->id == et->ref) {
      RPath *p = PUSH(v, s->imported);
      p->res = res;
      p->n = 1;
      p->path = alloc(v, 1, sizeof *p->path);
      p->path[0] = s->imports.n;
    } else if (kind == XK_EXPORT) {
      if (et->id == et->ref) defined_insert(v, s, res, 0);
      explicit_set(v, &s->explicit_, res, s->exports.n, NULL, 0);
    }
    break;
  }
  }
  if (name && !register_named(v, s, name, kind, et))
    bail(v, "%s not valid to be used as %s", et_desc(et->kind),
         kind == XK_IMPORT ? "import" : "export");
}

/* ---- Extern names ---- */

static void resource_name_check(V *v, const NameCtx *c, uint32_t res_ent, MeldStr expected) {
  uint32_t idx;
  if (!map_get(&c->ids, res_ent, &idx))
    bail(v, "resource used in function does not have a name in this context");
  MeldStr have = c->names.items[idx];
  if (!meld_str_eq(have, expected))
    bail(v, "function does not match expected resource name `%.*s`", (int)have.len, have.ptr);
}

/* The strongly-unique canonical form of a name (Explainer.md "Name Uniqueness"). */
static MeldStr canonical_name(V *v, MeldStr name, const MeldNameInfo *ni) {
  if (ni->kind == MELD_NAME_METHOD || ni->kind == MELD_NAME_STATIC) {
    MeldStr r = lower_dup(v, ni->resource), m = lower_dup(v, ni->method);
    if (meld_str_eq(r, m)) return r;
    MeldStr rest = {ni->resource.ptr, (uint32_t)(name.ptr + name.len - ni->resource.ptr)};
    return lower_dup(v, rest);
  }
  return lower_dup(v, name);
}

static void check_version(V *v, const MeldNameInfo *ni, MeldStr name, const MeldStr *suffix) {
  char err[200];
  if (suffix) {
    if (!ni->has_version || !ni->version.len)
      bail(v, "name `%.*s` needs an interface version to carry a `versionsuffix`", (int)name.len,
           name.ptr);
    MeldStr ver = ni->version;
    bool canon = false;
    if (ver.len == 5 && memcmp(ver.ptr, "0.0.0", 5) == 0)
      canon = true;
    else {
      uint32_t zeros = 0, i = 0;
      while (zeros < 2 && i + 1 < ver.len && ver.ptr[i] == '0' && ver.ptr[i + 1] == '.') {
        zeros++;
        i += 2;
      }
      canon = i < ver.len && ver.ptr[i] >= '1' && ver.ptr[i] <= '9';
      for (uint32_t k = i + 1; k < ver.len && canon; k++)
        canon = ver.ptr[k] >= '0' && ver.ptr[k] <= '9';
    }
    if (!canon)
      bail(v,
           "invalid interface version: `%.*s` is not a canonical version (a `versionsuffix` "
           "needs one)",
           (int)ver.len, ver.ptr);
    char *joined = alloc(v, (size_t)ver.len + suffix->len + 1, 1);
    memcpy(joined, ver.ptr, ver.len);
    if (suffix->len) memcpy(joined + ver.len, suffix->ptr, suffix->len);
    MeldStr full = {joined, ver.len + suffix->len};
    if (!meld_semver_valid(full, err, sizeof err)) bail(v, "invalid interface version: %s", err);
    return;
  }
  if (!ni->has_version) return;
  if (!ni->version.len)
    bail(v, "invalid interface version: empty string, expected a semver version");
  /* A valid semver, or a bare canonical version (🔗). */
  MeldStr ver = ni->version;
  bool canon = true;
  uint32_t dots = 0;
  for (uint32_t i = 0; i < ver.len && canon; i++) {
    if (ver.ptr[i] == '.')
      dots++;
    else if (ver.ptr[i] < '0' || ver.ptr[i] > '9')
      canon = false;
  }
  if (canon && dots < 2) {
    bool ok = (dots == 0 && ver.ptr[0] != '0') || (dots == 1 && ver.len > 2 && ver.ptr[0] == '0' &&
                                                   ver.ptr[1] == '.' && ver.ptr[2] != '0');
    if (ok) return;
  }
  if (!meld_semver_valid(ver, err, sizeof err)) bail(v, "invalid interface version: %s", err);
}

static void validate_extern(V *v, NameCtx *c, const MeldExternName *xn, uint8_t kind, const ET *et,
                            NameSet *names, NameSet *raw, Items *list) {
  const char *kd = kind == XK_IMPORT ? "import" : "export";
  MeldNameInfo ni;
  char err[200];
  MeldStr name = xn->name;
  if (!meld_name_parse(name, &ni, err, sizeof err))
    bail(v, "%s name `%.*s` is not a valid extern name: %s", kd, (int)name.len, name.ptr, err);
  if (kind == XK_EXPORT && ni.kind == MELD_NAME_DEPENDENCY)
    bail(v, "name `%.*s` is not a valid export name", (int)name.len, name.ptr);
  const MeldStr *implements = NULL, *suffix = NULL, *extid = NULL;
  for (uint32_t i = 0; i < xn->nattrs; i++) {
    const MeldNameAttr *a = &xn->attrs[i];
    const MeldStr **slot = a->kind == MELD_ATTR_IMPLEMENTS       ? &implements
                           : a->kind == MELD_ATTR_VERSION_SUFFIX ? &suffix
                                                                 : &extid;
    if (*slot)
      bail(v, "duplicate '%s' option in name",
           a->kind == MELD_ATTR_IMPLEMENTS       ? "implements"
           : a->kind == MELD_ATTR_VERSION_SUFFIX ? "versionsuffix"
                                                 : "external-id");
    *slot = &a->value;
  }
  if (implements) {
    if (ni.kind != MELD_NAME_LABEL)
      bail(v, "name `%.*s` is not valid with `implements`", (int)name.len, name.ptr);
    if (et->kind != MELD_EXT_INSTANCE) bail(v, "only instances can have an `implements`");
    MeldNameInfo ii;
    if (!meld_name_parse(*implements, &ii, err, sizeof err))
      bail(v, "`%.*s` is not a valid name: %s", (int)implements->len, implements->ptr, err);
    if (ii.kind != MELD_NAME_INTERFACE)
      bail(v, "name `%.*s` must be an interface", (int)implements->len, implements->ptr);
  }
  if (suffix) {
    if (et->kind != MELD_EXT_INSTANCE) bail(v, "only instances can have a `versionsuffix`");
    for (uint32_t i = 0; i < suffix->len; i++) {
      char ch = suffix->ptr[i];
      if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            ch == '.' || ch == '+' || ch == '-'))
        bail(v, "invalid character in `versionsuffix` `%.*s`", (int)suffix->len, suffix->ptr);
    }
    if (ni.kind != MELD_NAME_INTERFACE)
      bail(v, "name `%.*s` is not valid with `versionsuffix`", (int)name.len, name.ptr);
  }
  /* Names with structure constrain the item's type. */
  const FuncTy *f = et->kind == MELD_EXT_FUNC ? FUNC(v, et->id) : NULL;
  switch (ni.kind) {
  case MELD_NAME_INTERFACE: check_version(v, &ni, name, suffix); break;
  case MELD_NAME_CONSTRUCTOR: {
    if (!f) bail(v, "%s name `%.*s` is not valid: item is not a func", kd, (int)name.len, name.ptr);
    if (f->async) bail(v, "constructor function cannot be async");
    if (!f->has_result) bail(v, "function should return one value");
    uint32_t res = NONE;
    const DefTy *r = vt_def(v, f->result);
    if (r && r->code == MELD_CT_OWN)
      res = r->res;
    else if (r && r->code == MELD_CT_RESULT && r->has_a && !r->a.prim &&
             DEF(v, r->a.id)->code == MELD_CT_OWN)
      res = DEF(v, r->a.id)->res;
    if (res == NONE) bail(v, "function should return `(own $T)` or `(result (own $T))`");
    resource_name_check(v, c, res, ni.resource);
    break;
  }
  case MELD_NAME_METHOD: {
    if (!f) bail(v, "%s name `%.*s` is not valid: item is not a func", kd, (int)name.len, name.ptr);
    if (f->np == 0) bail(v, "function should have at least one argument");
    if (!meld_str_eq_cstr(f->p[0].name, "self"))
      bail(v, "function should have a first argument called `self`");
    const DefTy *p = vt_def(v, f->p[0].t);
    if (!p || p->code != MELD_CT_BORROW)
      bail(v, "function should take a first argument of `(borrow $T)`");
    resource_name_check(v, c, p->res, ni.resource);
    break;
  }
  case MELD_NAME_STATIC: {
    if (!f) bail(v, "%s name `%.*s` is not valid: item is not a func", kd, (int)name.len, name.ptr);
    if (!nameset_has(&c->set, ni.resource))
      bail(v, "static resource name is not known in this context");
    break;
  }
  default: break;
  }
  MeldStr prev;
  if (!nameset_add(v, names, canonical_name(v, name, &ni), name, &prev) ||
      !nameset_add(v, raw, name, name, &prev))
    bail(v, "%s name `%.*s` conflicts with previous name `%.*s`", kd, (int)name.len, name.ptr,
         (int)prev.len, prev.ptr);
  Item *it = PUSH(v, *list);
  it->name = name;
  it->et = *et;
}

static void add_import(V *v, Scope *s, const MeldExternName *name, const MeldExternType *ext,
                       uint64_t off) {
  v->off = off;
  ET et = check_type_ref(v, s, ext);
  add_entity(v, s, &et, &name->name, XK_IMPORT);
  validate_extern(v, &s->ctx_imp, name, XK_IMPORT, &et, &s->import_names, &s->import_items,
                  &s->imports);
}

static void add_export(V *v, Scope *s, const MeldExternName *name, ET et) {
  add_entity(v, s, &et, &name->name, XK_EXPORT);
  validate_extern(v, &s->ctx_exp, name, XK_EXPORT, &et, &s->export_names, &s->export_items,
                  &s->exports);
}

static uint8_t sort_ext(uint8_t sort) {
  switch (sort) {
  case MELD_SORT_CORE_MODULE: return MELD_EXT_MODULE;
  case MELD_SORT_FUNC: return MELD_EXT_FUNC;
  case MELD_SORT_VALUE: return MELD_EXT_VALUE;
  case MELD_SORT_TYPE: return MELD_EXT_TYPE;
  case MELD_SORT_COMPONENT: return MELD_EXT_COMPONENT;
  case MELD_SORT_INSTANCE: return MELD_EXT_INSTANCE;
  default: return 0xff;
  }
}

/* The entity that index `index` of `sort` denotes (exports, instantiation arguments). */
static ET sort_entity(V *v, Scope *s, uint8_t sort, uint32_t index, bool fresh_type,
                      const char *use) {
  ET et;
  memset(&et, 0, sizeof et);
  et.kind = sort_ext(sort);
  switch (sort) {
  case MELD_SORT_CORE_MODULE: et.id = module_at(v, s, index); break;
  case MELD_SORT_FUNC: et.id = func_at(v, s, index); break;
  case MELD_SORT_VALUE: et.val = value_at(v, s, index, true); break;
  case MELD_SORT_TYPE:
    et.ref = type_at(v, s, index);
    et.id = fresh_type ? unique(v, et.ref) : et.ref;
    break;
  case MELD_SORT_COMPONENT: et.id = component_at(v, s, index); break;
  case MELD_SORT_INSTANCE: et.id = instance_at(v, s, index); break;
  default: bail(v, "a %s cannot be used as %s", meld_sort_name((MeldSort)sort), use);
  }
  return et;
}

static void add_export_def(V *v, Scope *s, const MeldCompExport *e) {
  v->off = e->offset;
  ET et = sort_entity(v, s, e->sort, e->index, true, "a component export");
  if (e->has_type) {
    ET asc = check_type_ref(v, s, &e->type);
    if (!sub_et(v, &et, &asc))
      bail(v, "ascribed type of export is not compatible with item's type: %s", v->why);
    et = asc;
  }
  add_export(v, s, &e->name, et);
}

static void add_alias(V *v, Scope *s, const MeldCompAlias *a) {
  v->off = a->offset;
  if (s->kind != SK_COMPONENT) {
    bool ok = (a->target == MELD_ALIAS_EXPORT &&
               (a->sort == MELD_SORT_TYPE || a->sort == MELD_SORT_INSTANCE)) ||
              (a->target == MELD_ALIAS_OUTER &&
               (a->sort == MELD_SORT_TYPE || a->sort == MELD_SORT_CORE_TYPE));
    if (!ok)
      bail(v, "aliases in a component or instance type may only refer to types or instances");
  }
  switch (a->target) {
  case MELD_ALIAS_EXPORT: {
    InstTy *t = INST(v, instance_at(v, s, a->instance));
    const Item *it = item_find(v, &t->ix, t->ex, t->nex, a->name);
    if (!it)
      bail(v, "instance %u has no export named `%.*s`", a->instance, (int)a->name.len, a->name.ptr);
    uint8_t want = sort_ext(a->sort);
    if (it->et.kind != want)
      bail(v, "export `%.*s` for instance %u is not a %s", (int)a->name.len, a->name.ptr,
           a->instance, want == 0xff ? meld_sort_name((MeldSort)a->sort) : et_desc(want));
    ET et = it->et;
    add_entity(v, s, &et, NULL, XK_NONE);
    return;
  }
  case MELD_ALIAS_CORE_EXPORT: core_alias(v, s, a); return;
  default: {
    Scope *o = outer_scope(v, s, a->count);
    switch (a->sort) {
    case MELD_SORT_CORE_MODULE: u32_push(v, &s->core_modules, module_at(v, o, a->index)); return;
    case MELD_SORT_COMPONENT: u32_push(v, &s->components, component_at(v, o, a->index)); return;
    case MELD_SORT_CORE_TYPE: u32_push(v, &s->core_types, core_type_at(v, o, a->index)); return;
    case MELD_SORT_TYPE: {
      uint32_t id = type_at(v, o, a->index);
      if (a->count > 0 && outer_scope(v, s, a->count - 1)->kind == SK_COMPONENT) {
        Map fv = {0};
        fv_ent(v, id, &fv);
        if (fv.n)
          bail(v, "cannot alias outer type which transitively refers to resources not defined "
                  "in the current component");
      }
      u32_push(v, &s->types, id);
      return;
    }
    default:
      bail(v, "a %s cannot be aliased from an outer scope", meld_sort_name((MeldSort)a->sort));
    }
  }
  }
}

/* ---- Canonical definitions (CanonicalABI.md "Canonical Definitions") ---- */

typedef struct Opts {
  uint8_t enc; /* 0xff: none given */
  bool has_mem, p64, has_realloc, has_post, async, has_cb;
  uint32_t mem, realloc, post, cb;
} Opts;

static const char *opt_enc_name(uint8_t k) {
  return k == MELD_OPT_UTF8 ? "utf8" : k == MELD_OPT_UTF16 ? "utf16" : "latin1-utf16";
}

static bool cabi_memory(V *v, Scope *s, uint32_t idx) {
  const CET *m = cet_at(v, &s->core_memories, idx, "memory");
  if (m->flags & 2) bail(v, "canonical ABI memory %u must not be a shared memory", idx);
  return (m->flags & 4) != 0;
}

static Opts check_opts(V *v, Scope *s, const MeldCompCanon *c) {
  Opts o;
  memset(&o, 0, sizeof o);
  o.enc = 0xff;
  for (uint32_t i = 0; i < c->nopts; i++) {
    const MeldCanonOpt *op = &c->opts[i];
    switch (op->kind) {
    case MELD_OPT_UTF8:
    case MELD_OPT_UTF16:
    case MELD_OPT_LATIN1_UTF16:
      if (o.enc != 0xff)
        bail(v, "canonical encoding option `%s` conflicts with option `%s`", opt_enc_name(o.enc),
             opt_enc_name(op->kind));
      o.enc = op->kind;
      break;
    case MELD_OPT_MEMORY:
      if (o.has_mem) bail(v, "canonical option `memory` is specified more than once");
      o.p64 = cabi_memory(v, s, op->index);
      o.has_mem = true;
      o.mem = op->index;
      break;
    case MELD_OPT_REALLOC:
      if (o.has_realloc) bail(v, "canonical option `realloc` is specified more than once");
      o.has_realloc = true;
      o.realloc = op->index;
      break;
    case MELD_OPT_POST_RETURN:
      if (o.has_post) bail(v, "canonical option `post-return` is specified more than once");
      o.has_post = true;
      o.post = op->index;
      break;
    case MELD_OPT_ASYNC:
      if (o.async) bail(v, "canonical option `async` is specified more than once");
      o.async = true;
      break;
    case MELD_OPT_CALLBACK:
      if (o.has_cb) bail(v, "canonical option `callback` is specified more than once");
      o.has_cb = true;
      o.cb = op->index;
      break;
    default: bail(v, "invalid canonical option 0x%x", op->kind);
    }
  }
  if (o.has_cb && !o.async) bail(v, "cannot specify callback without async");
  if (o.async && o.has_post) bail(v, "cannot specify post-return function in async");
  if (o.has_realloc) {
    if (!o.has_mem) bail(v, "canonical option `realloc` requires `memory` to also be specified");
    uint8_t p = o.p64 ? MELD_I64 : MELD_I32, ps[4] = {p, p, p, p};
    if (!csub_is_func(v, core_func_at(v, s, o.realloc), ps, 4, &p, 1))
      bail(v, "canonical option `realloc` uses a core function with an incorrect signature");
  }
  return o;
}

static void require_memory(V *v, const Opts *o) {
  if (!o->has_mem) bail(v, "canonical option `memory` is required");
}

static void require_realloc(V *v, const Opts *o) {
  require_memory(v, o);
  if (!o->has_realloc) bail(v, "canonical option `realloc` is required");
}

static void check_lower_opts(V *v, const Opts *o) {
  if (o->has_post) bail(v, "canonical option `post-return` cannot be specified for lowerings");
  if (o->has_cb) bail(v, "canonical option `callback` cannot be specified for lowerings");
}

static void require_sync(V *v, const Opts *o, const char *where) {
  if (o->async) bail(v, "cannot specify `async` option on `%s`", where);
}

/* The core signature of lifting or lowering `f` under `o` (flatten_functype), checking the
 * options the value types require. */
static void lower_sig(V *v, const FuncTy *f, const Opts *o, bool lift, Flat *params,
                      Flat *results) {
  bool p64 = o->has_mem && o->p64;
  uint8_t ptr = p64 ? MELD_I64 : MELD_I32;
  uint32_t pmax = (!lift && o->async) ? MAX_FLAT_ASYNC_PARAMS : MAX_FLAT_PARAMS;
  memset(params, 0, sizeof *params);
  memset(results, 0, sizeof *results);
  for (uint32_t i = 0; i < f->np; i++) {
    if (vt_ptr(v, f->p[i].t)) {
      if (lift)
        require_realloc(v, o);
      else
        require_memory(v, o);
    }
    flatten(v, f->p[i].t, p64, params);
    if (params->over || params->n > pmax) {
      memset(params, 0, sizeof *params);
      params->t[params->n++] = ptr;
      require_memory(v, o);
      if (lift) require_realloc(v, o);
      break;
    }
  }
  if (f->has_result && !lift && vt_ptr(v, f->result)) require_realloc(v, o);
  if (!o->async) {
    if (f->has_result) {
      flatten(v, f->result, p64, results);
      if (results->over || results->n > MAX_FLAT_RESULTS) {
        memset(results, 0, sizeof *results);
        require_memory(v, o);
        if (lift)
          results->t[results->n++] = ptr;
        else
          params->t[params->n++] = ptr;
      }
    }
  } else if (!lift) {
    if (f->has_result) {
      params->t[params->n++] = ptr;
      require_memory(v, o);
    }
    results->t[results->n++] = MELD_I32;
  } else {
    if (f->has_result) {
      Flat r = {{0}, 0, false};
      flatten(v, f->result, p64, &r);
      if (r.over || vt_ptr(v, f->result)) require_memory(v, o);
    }
    if (o->has_cb) results->t[results->n++] = MELD_I32;
  }
}

static bool flat_matches(const CVT *c, uint32_t nc, const Flat *f) {
  if (nc != f->n) return false;
  for (uint32_t i = 0; i < nc; i++)
    if (c[i].code != f->t[i]) return false;
  return true;
}

/* Refuses core function `func` when its `what` ("parameter", "result") types `c` are not the
 * lowered ones, `f`. */
static void check_flat(V *v, const char *what, const CVT *c, uint32_t nc, const Flat *f,
                       uint32_t func) {
  if (flat_matches(c, nc, f)) return;
  char a[160], b[160];
  uint8_t t[64];
  uint32_t n = nc < 64 ? nc : 64;
  for (uint32_t i = 0; i < n; i++)
    t[i] = c[i].code;
  bail(v, "lowered %s types `%s` do not match %s types `%s` of core function %u", what,
       flat_text(f->t, f->n, a, sizeof a), what, flat_text(t, n, b, sizeof b), func);
}

static void canon_lift(V *v, Scope *s, const MeldCompCanon *c) {
  uint32_t ft = type_at(v, s, c->type);
  if (ent(v, ft)->kind != TK_FUNC) bail(v, "type index %u is not a function type", c->type);
  uint32_t core = core_func_at(v, s, c->func);
  Opts o = check_opts(v, s, c);
  const CoreSub *cs = CSUB(v, core);
  if (o.has_post) {
    const CoreSub *pr = CSUB(v, core_func_at(v, s, o.post));
    bool ok = pr->kind == MELD_COMP_FUNC && pr->nr == 0 && pr->np == cs->nr;
    for (uint32_t i = 0; ok && i < pr->np; i++)
      ok = cvt_eq(v, pr->p[i], cs->r[i], 0);
    if (!ok)
      bail(v, "canonical option `post-return` uses a core function with an incorrect signature");
  }
  if (o.has_cb) {
    const CoreSub *cb = CSUB(v, core_func_at(v, s, o.cb));
    static const uint8_t three[3] = {MELD_I32, MELD_I32, MELD_I32};
    bool ok = cb->kind == MELD_COMP_FUNC && (csub_is_func(v, core_func_at(v, s, o.cb), three, 3,
                                                          cb->nr ? &cb->r[0].code : NULL, cb->nr) ||
                                             csub_is_func(v, core_func_at(v, s, o.cb), three, 1,
                                                          cb->nr ? &cb->r[0].code : NULL, cb->nr));
    if (!ok)
      bail(v, "canonical option `callback` uses a core function with an incorrect signature");
  }
  const FuncTy *f = FUNC(v, ft);
  if (o.async && !f->async) bail(v, "the `async` canonical option requires an async function type");
  Flat params, results;
  lower_sig(v, f, &o, true, &params, &results);
  if (cs->kind != MELD_COMP_FUNC) bail(v, "core function %u is not a function", c->func);
  check_flat(v, "parameter", cs->p, cs->np, &params, c->func);
  check_flat(v, "result", cs->r, cs->nr, &results, c->func);
  u32_push(v, &s->funcs, ft);
}

static uint32_t core_sig(V *v, const Flat *p, const Flat *r) {
  return new_core_func(v, p->t, p->n, r->t, r->n);
}

static uint32_t sig(V *v, const uint8_t *p, uint32_t np, const uint8_t *r, uint32_t nr) {
  return new_core_func(v, p, np, r, nr);
}

static const DefTy *stream_or_future(V *v, Scope *s, const MeldCompCanon *c, uint8_t code) {
  const DefTy *d = DEF(v, defined_type_at(v, s, c->type));
  if (d->code != code) bail(v, "`%s` requires a %s type", meld_canon_name(c->op), def_desc(code));
  return d;
}

static void add_canon(V *v, Scope *s, const MeldCompCanon *c) {
  static const uint8_t I32 = MELD_I32;
  const uint8_t i32x2[2] = {MELD_I32, MELD_I32};
  v->off = c->offset;
  uint32_t id = NONE;
  switch (c->op) {
  case MELD_CANON_LIFT: canon_lift(v, s, c); return;
  case MELD_CANON_LOWER: {
    const FuncTy *f = FUNC(v, func_at(v, s, c->func));
    Opts o = check_opts(v, s, c);
    check_lower_opts(v, &o);
    if (o.async && !f->async)
      bail(v, "the `async` canonical option requires an async function type");
    Flat p, r;
    lower_sig(v, f, &o, false, &p, &r);
    id = core_sig(v, &p, &r);
    break;
  }
  case MELD_CANON_RESOURCE_NEW:
  case MELD_CANON_RESOURCE_REP: {
    uint32_t res = ent(v, resource_at(v, s, c->type))->res;
    uint32_t di;
    uint8_t rep = map_get(&s->defined_idx, res, &di) ? s->defined.items[di].rep : 0;
    if (!rep) bail(v, "type %u is not a local resource", c->type);
    id = c->op == MELD_CANON_RESOURCE_NEW ? sig(v, &rep, 1, &I32, 1) : sig(v, &I32, 1, &rep, 1);
    break;
  }
  case MELD_CANON_RESOURCE_DROP:
    resource_at(v, s, c->type);
    id = sig(v, &I32, 1, NULL, 0);
    break;
  case MELD_CANON_BACKPRESSURE_INC:
  case MELD_CANON_BACKPRESSURE_DEC:
  case MELD_CANON_TASK_CANCEL: id = sig(v, NULL, 0, NULL, 0); break;
  case MELD_CANON_TASK_RETURN: {
    FuncTy f;
    Lab param;
    memset(&f, 0, sizeof f);
    if (c->has_result) {
      param.name = meld_str("v");
      param.t = vt_of(v, s, c->result);
      param.has = true;
      f.p = &param;
      f.np = 1;
    }
    Opts o = check_opts(v, s, c);
    if (o.has_realloc) bail(v, "cannot specify `realloc` option on `task.return`");
    if (o.has_post) bail(v, "cannot specify `post-return` option on `task.return`");
    check_lower_opts(v, &o);
    require_sync(v, &o, "task.return");
    Flat p, r;
    lower_sig(v, &f, &o, false, &p, &r);
    id = core_sig(v, &p, &r);
    break;
  }
  case MELD_CANON_CONTEXT_GET:
  case MELD_CANON_CONTEXT_SET: {
    const char *what = meld_canon_name(c->op);
    if (c->valtype != MELD_I32 && c->valtype != MELD_I64)
      bail(v, "`%s` only supports `i32` or `i64`", what);
    if (s->context_type && s->context_type != c->valtype)
      bail(v, "`%s` type must match previous context type", what);
    s->context_type = c->valtype;
    if (c->imm > 1) bail(v, "`%s` immediate must be zero or one: %u", what, c->imm);
    id = c->op == MELD_CANON_CONTEXT_GET ? sig(v, NULL, 0, &c->valtype, 1)
                                         : sig(v, &c->valtype, 1, NULL, 0);
    break;
  }
  case MELD_CANON_SUBTASK_CANCEL: id = sig(v, &I32, 1, &I32, 1); break;
  case MELD_CANON_SUBTASK_DROP:
  case MELD_CANON_WAITABLE_SET_DROP:
  case MELD_CANON_ERROR_CONTEXT_DROP:
  case MELD_CANON_THREAD_RESUME_LATER: id = sig(v, &I32, 1, NULL, 0); break;
  case MELD_CANON_STREAM_NEW:
  case MELD_CANON_FUTURE_NEW: {
    static const uint8_t I64 = MELD_I64;
    stream_or_future(v, s, c, c->op == MELD_CANON_STREAM_NEW ? MELD_CT_STREAM : MELD_CT_FUTURE);
    id = sig(v, NULL, 0, &I64, 1);
    break;
  }
  case MELD_CANON_STREAM_READ:
  case MELD_CANON_STREAM_WRITE:
  case MELD_CANON_FUTURE_READ:
  case MELD_CANON_FUTURE_WRITE: {
    bool stream = c->op == MELD_CANON_STREAM_READ || c->op == MELD_CANON_STREAM_WRITE;
    bool read = c->op == MELD_CANON_STREAM_READ || c->op == MELD_CANON_FUTURE_READ;
    const DefTy *d = stream_or_future(v, s, c, stream ? MELD_CT_STREAM : MELD_CT_FUTURE);
    Opts o = check_opts(v, s, c);
    if (d->has_a) {
      require_memory(v, &o);
      if (read && vt_ptr(v, d->a)) require_realloc(v, &o);
    }
    check_lower_opts(v, &o);
    uint8_t p = o.has_mem && o.p64 ? MELD_I64 : MELD_I32;
    uint8_t params[3] = {MELD_I32, p, p};
    id = sig(v, params, stream ? 3 : 2, &I32, 1);
    break;
  }
  case MELD_CANON_STREAM_CANCEL_READ:
  case MELD_CANON_STREAM_CANCEL_WRITE:
  case MELD_CANON_STREAM_DROP_READABLE:
  case MELD_CANON_STREAM_DROP_WRITABLE:
    stream_or_future(v, s, c, MELD_CT_STREAM);
    id = c->op >= MELD_CANON_STREAM_DROP_READABLE ? sig(v, &I32, 1, NULL, 0)
                                                  : sig(v, &I32, 1, &I32, 1);
    break;
  case MELD_CANON_FUTURE_CANCEL_READ:
  case MELD_CANON_FUTURE_CANCEL_WRITE:
  case MELD_CANON_FUTURE_DROP_READABLE:
  case MELD_CANON_FUTURE_DROP_WRITABLE:
    stream_or_future(v, s, c, MELD_CT_FUTURE);
    id = c->op >= MELD_CANON_FUTURE_DROP_READABLE ? sig(v, &I32, 1, NULL, 0)
                                                  : sig(v, &I32, 1, &I32, 1);
    break;
  case MELD_CANON_ERROR_CONTEXT_NEW:
  case MELD_CANON_ERROR_CONTEXT_DEBUG_MESSAGE: {
    Opts o = check_opts(v, s, c);
    require_memory(v, &o);
    if (c->op == MELD_CANON_ERROR_CONTEXT_DEBUG_MESSAGE) require_realloc(v, &o);
    require_sync(v, &o, meld_canon_name(c->op));
    check_lower_opts(v, &o);
    uint8_t p = o.p64 ? MELD_I64 : MELD_I32;
    uint8_t params[2] = {c->op == MELD_CANON_ERROR_CONTEXT_NEW ? p : MELD_I32, p};
    id = c->op == MELD_CANON_ERROR_CONTEXT_NEW ? sig(v, params, 2, &I32, 1)
                                               : sig(v, params, 2, NULL, 0);
    break;
  }
  case MELD_CANON_WAITABLE_SET_NEW:
  case MELD_CANON_THREAD_INDEX:
  case MELD_CANON_THREAD_SUSPEND:
  case MELD_CANON_THREAD_YIELD:
  case MELD_CANON_THREAD_AVAILABLE_PARALLELISM: id = sig(v, NULL, 0, &I32, 1); break;
  case MELD_CANON_WAITABLE_SET_WAIT:
  case MELD_CANON_WAITABLE_SET_POLL: {
    uint8_t params[2] = {MELD_I32, cabi_memory(v, s, c->memory) ? MELD_I64 : MELD_I32};
    id = sig(v, params, 2, &I32, 1);
    break;
  }
  case MELD_CANON_WAITABLE_JOIN: id = sig(v, i32x2, 2, NULL, 0); break;
  case MELD_CANON_THREAD_SUSPEND_THEN_RESUME:
  case MELD_CANON_THREAD_YIELD_THEN_RESUME:
  case MELD_CANON_THREAD_SUSPEND_THEN_PROMOTE:
  case MELD_CANON_THREAD_YIELD_THEN_PROMOTE: id = sig(v, &I32, 1, &I32, 1); break;
  case MELD_CANON_THREAD_NEW_INDIRECT:
  case MELD_CANON_THREAD_SPAWN_INDIRECT:
  case MELD_CANON_THREAD_SPAWN_REF: {
    uint32_t ft = core_type_at(v, s, c->type);
    if (ent(v, ft)->kind != TK_CORE_SUB || CSUB(v, ft)->kind != MELD_COMP_FUNC)
      bail(v, "core type %u is not a function type", c->type);
    const CoreSub *cs = CSUB(v, ft);
    if (cs->np != 1 || (cs->p[0].code != MELD_I32 && cs->p[0].code != MELD_I64))
      bail(v, "start function must take a single `i32` argument (currently)");
    if (cs->nr) bail(v, "start function must not return any values");
    if (c->op == MELD_CANON_THREAD_SPAWN_REF) {
      CoreSub *r = NEW(v, CoreSub);
      r->kind = MELD_COMP_FUNC;
      r->final = true;
      r->super = NONE;
      r->np = 2;
      r->p = alloc(v, 2, sizeof *r->p);
      r->p[0].code = 0x63;
      r->p[0].id = ft;
      r->p[1] = cs->p[0];
      r->nr = 1;
      r->r = alloc(v, 1, sizeof *r->r);
      r->r[0].code = MELD_I32;
      id = new_ent(v, TK_CORE_SUB, r);
      break;
    }
    const CET *tbl = cet_at(v, &s->core_tables, c->table, "table");
    if (tbl->type.code != 0x70 && !(tbl->type.code == 0x63 && tbl->type.heap == 0x70))
      bail(v, "table %u is not a table of (ref null func)", c->table);
    if (c->op == MELD_CANON_THREAD_NEW_INDIRECT && (tbl->flags & 6))
      bail(v, "table is not a 32-bit table of (ref null (func))");
    uint8_t params[2] = {(tbl->flags & 4) ? MELD_I64 : MELD_I32, cs->p[0].code};
    id = sig(v, params, 2, &I32, 1);
    break;
  }
  default: bail(v, "unknown canonical function 0x%x", c->op);
  }
  u32_push(v, &s->core_funcs, id);
}

/* ---- Instances ---- */

static void add_instance(V *v, Scope *s, const MeldCompInstance *in) {
  v->off = in->offset;
  InstTy *t = NEW(v, InstTy);
  Info info = info_new();
  if (in->kind == MELD_INST_INSTANTIATE) {
    uint32_t cid = component_at(v, s, in->component);
    Item *args = alloc(v, in->nargs, sizeof *args);
    NameSet seen = {0};
    for (uint32_t i = 0; i < in->nargs; i++) {
      MeldStr prev;
      if (!nameset_add(v, &seen, in->args[i].name, in->args[i].name, &prev))
        bail(v, "instantiation argument `%.*s` conflicts with previous argument `%.*s`",
             (int)in->args[i].name.len, in->args[i].name.ptr, (int)prev.len, prev.ptr);
      args[i].name = in->args[i].name;
      args[i].et = sort_entity(v, s, in->args[i].sort, in->args[i].index, false,
                               "an instantiation argument");
    }
    Remap m;
    if (!open_instance(v, args, in->nargs, cid, true, &m)) bail(v, "%s", v->why);
    const CompTy *ct = COMP(v, cid);
    uint32_t *fresh = alloc(v, ct->ndef, sizeof *fresh);
    for (uint32_t i = 0; i < ct->ndef; i++) {
      fresh[i] = v->next_res++;
      map_put(v, &m.res, ct->def[i].res, fresh[i]);
    }
    rm_exports(v, t, ct->ex, ct->nex, ct->expl, ct->nexpl, &m);
    for (uint32_t i = 0; i < ct->ndef; i++)
      defined_insert(v, s, fresh[i], 0);
  } else {
    NameSet names = {0}, raw = {0};
    NameCtx empty = {0};
    Items items = {0};
    RPaths expl = {0};
    for (uint32_t i = 0; i < in->nexports; i++) {
      const MeldCompInlineExport *e = &in->exports[i];
      ET et = sort_entity(v, s, e->sort, e->index, false, "an instance export");
      if (et.kind == MELD_EXT_INSTANCE) {
        const InstTy *sub = INST(v, et.id);
        for (uint32_t k = 0; k < sub->nexpl; k++)
          explicit_set(v, &expl, sub->expl[k].res, items.n, sub->expl[k].path, sub->expl[k].n);
      } else if (et.kind == MELD_EXT_TYPE && ent(v, et.id)->kind == TK_RESOURCE) {
        explicit_set(v, &expl, ent(v, et.id)->res, items.n, NULL, 0);
      }
      validate_extern(v, &empty, &e->name, XK_EXPORT, &et, &names, &raw, &items);
    }
    t->ex = items.items;
    t->nex = items.n;
    t->expl = expl.items;
    t->nexpl = expl.n;
  }
  uint32_t id = new_ent(v, TK_INSTANCE, t);
  set_info(v, id, items_info(v, t->ex, t->nex, info));
  u32_push(v, &s->instances, id);
}

/* ---- Start and values (🪙) ---- */

static void add_start(V *v, Scope *s, const MeldCompStart *st) {
  v->off = st->offset;
  if (s->has_start) bail(v, "component cannot have more than one start function");
  const FuncTy *f = FUNC(v, func_at(v, s, st->func));
  if (f->np != st->nargs)
    bail(v, "component start function requires %u arguments but was given %u", f->np, st->nargs);
  if ((f->has_result ? 1u : 0u) != st->nresults)
    bail(v,
         "component start function has a result count of %u but the function type has a "
         "result count of %u",
         st->nresults, f->has_result ? 1u : 0u);
  for (uint32_t i = 0; i < st->nargs; i++) {
    VT t = value_at(v, s, st->args[i], true);
    if (!sub_vt(v, t, f->p[i].t))
      bail(v, "value type mismatch for component start function argument %u: %s", i, v->why);
  }
  if (f->has_result) {
    Val *val = PUSH(v, s->values);
    val->t = f->result;
  }
  s->has_start = true;
}

static bool val_ok(V *v, VT t, const uint8_t **p, const uint8_t *end);

static bool val_leb(const uint8_t **p, const uint8_t *end, bool sign, unsigned bits) {
  if (sign) {
    int64_t x;
    if (meld_leb_s64(p, end, &x) != MELD_LEB_OK) return false;
    return bits == 64 || (x >= -(1ll << (bits - 1)) && x < (1ll << (bits - 1)));
  }
  uint64_t x;
  if (meld_leb_u64(p, end, &x) != MELD_LEB_OK) return false;
  return bits == 64 || x < (1ull << bits);
}

static bool val_variant(V *v, const DefTy *d, const uint8_t **p, const uint8_t *end) {
  Lab two[2];
  uint32_t n, i;
  const Lab *cases = variant_cases(d, two, &n);
  /* The discriminant of an option or a result is one byte, 0 or 1. */
  if (d->code != MELD_CT_VARIANT && (*p >= end || **p > 1)) return false;
  if (meld_leb_u32(p, end, &i) != MELD_LEB_OK || i >= n) return false;
  return !cases[i].has || val_ok(v, cases[i].t, p, end);
}

static bool val_ok(V *v, VT t, const uint8_t **p, const uint8_t *end) {
  uint8_t prim = t.prim;
  const DefTy *d = NULL;
  if (!prim) {
    d = DEF(v, t.id);
    if (meld_prim_valid(d->code)) prim = d->code;
  }
  if (prim) {
    switch (prim) {
    case MELD_PRIM_BOOL:
      if (*p >= end || **p > 1) return false;
      (*p)++;
      return true;
    case MELD_PRIM_S8:
    case MELD_PRIM_U8:
      if (*p >= end) return false;
      (*p)++;
      return true;
    case MELD_PRIM_S16: return val_leb(p, end, true, 16);
    case MELD_PRIM_U16: return val_leb(p, end, false, 16);
    case MELD_PRIM_S32: return val_leb(p, end, true, 32);
    case MELD_PRIM_U32: return val_leb(p, end, false, 32);
    case MELD_PRIM_S64: return val_leb(p, end, true, 64);
    case MELD_PRIM_U64: return val_leb(p, end, false, 64);
    case MELD_PRIM_F32: {
      if (end - *p < 4) return false;
      uint32_t bits = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 | (uint32_t)(*p)[2] << 16 |
                      (uint32_t)(*p)[3] << 24;
      *p += 4;
      bool nan = (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffffu);
      return !nan || bits == 0x7fc00000u;
    }
    case MELD_PRIM_F64: {
      if (end - *p < 8) return false;
      uint64_t bits = 0;
      for (int i = 7; i >= 0; i--)
        bits = bits << 8 | (*p)[i];
      *p += 8;
      bool nan =
          (bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0xfffffffffffffull);
      return !nan || bits == 0x7ff8000000000000ull;
    }
    case MELD_PRIM_CHAR: {
      if (*p >= end) return false;
      uint8_t b = **p;
      size_t n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if ((size_t)(end - *p) < n || !meld_utf8_valid(*p, n)) return false;
      *p += n;
      return true;
    }
    case MELD_PRIM_STRING: {
      uint32_t len;
      if (meld_leb_u32(p, end, &len) != MELD_LEB_OK || len > (uint64_t)(end - *p) ||
          !meld_utf8_valid(*p, len))
        return false;
      *p += len;
      return true;
    }
    default: return false; /* error-context values cannot be written down */
    }
  }
  switch (d->code) {
  case MELD_CT_RECORD:
  case MELD_CT_TUPLE:
    for (uint32_t i = 0; i < d->nf; i++)
      if (!val_ok(v, d->f[i].t, p, end)) return false;
    return true;
  case MELD_CT_VARIANT:
  case MELD_CT_OPTION:
  case MELD_CT_RESULT: return val_variant(v, d, p, end);
  case MELD_CT_LIST:
  case MELD_CT_MAP: {
    uint32_t n;
    if (meld_leb_u32(p, end, &n) != MELD_LEB_OK || n > (uint64_t)(end - *p)) return false;
    for (uint32_t i = 0; i < n; i++) {
      if (!val_ok(v, d->a, p, end)) return false;
      if (d->code == MELD_CT_MAP && !val_ok(v, d->b, p, end)) return false;
    }
    return true;
  }
  case MELD_CT_FIXED_LIST:
    for (uint32_t i = 0; i < d->len; i++)
      if (!val_ok(v, d->a, p, end)) return false;
    return true;
  case MELD_CT_FLAGS: {
    uint32_t n = (d->nf + 7) / 8;
    if ((uint32_t)(end - *p) < n) return false;
    *p += n;
    return true;
  }
  case MELD_CT_ENUM: {
    uint32_t i;
    return meld_leb_u32(p, end, &i) == MELD_LEB_OK && i < d->nf;
  }
  default: return false; /* handles, streams and futures cannot be values */
  }
}

static void add_value(V *v, Scope *s, const MeldCompValue *val) {
  v->off = val->offset;
  VT t = vt_of(v, s, val->type);
  const uint8_t *p = val->bytes, *end = val->bytes + val->len;
  if (!val_ok(v, t, &p, end) || p != end)
    bail(v, "value does not match its type (or its length is wrong)");
  Val *slot = PUSH(v, s->values);
  slot->t = t;
}

/* ---- Components ---- */

static uint32_t finish_component(V *v, Scope *s) {
  CompTy *t = NEW(v, CompTy);
  t->im = s->imports.items;
  t->nim = s->imports.n;
  t->ex = s->exports.items;
  t->nex = s->exports.n;
  t->imp = s->imported.items;
  t->nimp = s->imported.n;
  t->expl = s->explicit_.items;
  t->nexpl = s->explicit_.n;
  Map free = {0};
  for (uint32_t i = 0; i < t->nim; i++)
    fv_et(v, &t->im[i].et, &free);
  for (uint32_t i = 0; i < s->defined.n; i++)
    if (map_get(&free, s->defined.items[i].res, NULL))
      bail(v, "local resource type found in imports");
  Map efree = {0};
  for (uint32_t i = 0; i < t->nex; i++)
    fv_et(v, &t->ex[i].et, &efree);
  RPaths def = {0};
  for (uint32_t i = 0; i < s->defined.n; i++) {
    uint32_t res = s->defined.items[i].res;
    if (!map_get(&efree, res, NULL)) continue;
    const RPath *e = explicit_find(&s->explicit_, res);
    if (!e) bail(v, "local resource type found in export but not exported itself");
    *(RPath *)PUSH(v, def) = *e;
  }
  t->def = def.items;
  t->ndef = def.n;
  if (s->kind == SK_COMPONENT)
    for (uint32_t i = 0; i < s->values.n; i++)
      if (!s->values.items[i].used) bail(v, "value %u is never used", i);
  Info info = items_info(v, t->im, t->nim, info_new());
  info = items_info(v, t->ex, t->nex, info);
  uint32_t id = new_ent(v, TK_COMPONENT, t);
  set_info(v, id, info);
  return id;
}

static uint32_t verify_component(V *v, Scope *parent, const MeldComponent *c) {
  Scope *s = new_scope(v, SK_COMPONENT, parent);
  for (uint32_t si = 0; si < c->nsections; si++) {
    const MeldCompSection *sec = &c->sections[si];
    for (uint32_t k = 0; k < sec->count; k++) {
      uint32_t i = sec->first + k;
      v->file = c->file;
      v->off = sec->offset;
      switch (sec->id) {
      case MELD_CSEC_CUSTOM: break;
      case MELD_CSEC_CORE_MODULE:
        u32_push(v, &s->core_modules, core_module(v, &c->modules[i]));
        break;
      case MELD_CSEC_CORE_INSTANCE: add_core_instance(v, s, &c->coreinstances[i]); break;
      case MELD_CSEC_CORE_TYPE: add_core_type(v, s, &c->coretypes[i]); break;
      case MELD_CSEC_COMPONENT: {
        if (!c->components[i]) bail(v, "missing nested component");
        uint32_t id = verify_component(v, s, c->components[i]);
        v->file = c->file;
        u32_push(v, &s->components, id);
        break;
      }
      case MELD_CSEC_INSTANCE: add_instance(v, s, &c->instances[i]); break;
      case MELD_CSEC_ALIAS: add_alias(v, s, &c->aliases[i]); break;
      case MELD_CSEC_TYPE: add_type_def(v, s, &c->types[i]); break;
      case MELD_CSEC_CANON: add_canon(v, s, &c->canons[i]); break;
      case MELD_CSEC_START: add_start(v, s, &c->starts[i]); break;
      case MELD_CSEC_IMPORT:
        add_import(v, s, &c->imports[i].name, &c->imports[i].type, c->imports[i].offset);
        break;
      case MELD_CSEC_EXPORT: add_export_def(v, s, &c->exports[i]); break;
      case MELD_CSEC_VALUE: add_value(v, s, &c->values[i]); break;
      default: bail(v, "unknown section id %u", sec->id);
      }
    }
  }
  v->file = c->file;
  v->off = c->base_offset;
  return finish_component(v, s);
}

bool meld_component_verify(MeldContext *ctx, const MeldComponent *c) {
  V *v = meld_alloc(ctx->alloc, sizeof *v);
  if (!v) {
    meld_error(ctx, c->file, MELD_NO_OFFSET, "out of memory");
    return false;
  }
  memset(v, 0, sizeof *v);
  v->ctx = ctx;
  v->file = c->file;
  v->off = c->base_offset;
  meld_arena_init(&v->a, ctx->alloc, 0);
  memset(v->prim, 0xff, sizeof v->prim);
  if (c->size) v->budget = (size_t)c->size * MEMORY_FACTOR + MEMORY_CONSTANT;
  volatile bool ok = false; /* read after a longjmp */
  if (setjmp(v->jb) == 0) {
    verify_component(v, NULL, c);
    ok = true;
  }
  meld_arena_free(&v->a);
  meld_free(ctx->alloc, v, sizeof *v);
  return ok;
}
