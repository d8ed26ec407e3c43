/*
 * The core module printer: a MeldModule as standard WAT (the form is specified in
 * docs/text-format.md).
 *
 * Why this shape: the text serves two readers.  FileCheck tests walk it line by line, so
 * instructions are flat (never folded), one per line, indented by block depth, and every
 * function opens with a line that starts the same way whether or not it has a name.  wabt's
 * wat2wasm (1.0.32) must assemble it back into an equivalent module, so everything the IR holds
 * is printed in a syntax that version accepts, and references that could be ambiguous are
 * printed as indices.
 *
 * Identifiers come from the name section.  Characters a WAT identifier cannot hold become `_`,
 * and a name already taken in its index space gets `.<index>` appended (then `.<index>.<k>`), so
 * that wat2wasm never sees a duplicate.  Functions, locals and globals are referred to by
 * identifier when they have one; types, tables, memories, segments and labels always by index
 * (wabt 1.0.32 crashes validating an atomic access to a named memory, and those indices are
 * small anyway).
 *
 * Fields appear in binary section order (types, imports, tables, memories, globals, exports,
 * start, elements, functions, data) so that custom sections, which WAT cannot express, show as
 * comments exactly where they sit in the binary.
 *
 * Bodies come from meld_func_instrs(), decoded into a scratch arena that is released after each
 * function, so memory stays bounded by the largest function.
 */
#include "meldc/Print.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Identifier sets (open addressing over NUL-terminated strings) ---- */

typedef struct IdSet {
  const char **slots;
  uint32_t mask;
} IdSet;

typedef struct LocalId {
  uint32_t index; /* local index */
  uint32_t order; /* position in the name map, so the first entry for an index wins */
  const char *id;
} LocalId;

typedef struct Printer {
  MeldContext *ctx;
  const MeldModule *m;
  MeldBuf *out;
  MeldArena scratch;
  bool oom;
  /* Identifier of each entity, or NULL; arrays are NULL when no entity of the space is named. */
  const char *module_id;
  const char **type_ids, **func_ids, **table_ids, **memory_ids, **global_ids, **elem_ids,
      **data_ids;
  /* Local name map of each function (NULL when none). */
  const MeldNameMap **local_maps;
  /* Named locals of the function being printed, sorted by index. */
  LocalId *locals;
  uint32_t nlocals;
} Printer;

static bool is_idchar(uint8_t c) {
  if (c < '!' || c > '~') return false;
  switch (c) {
  case '"':
  case '(':
  case ')':
  case ',':
  case ';':
  case '[':
  case ']':
  case '{':
  case '}': return false;
  default: return true;
  }
}

static bool idset_init(Printer *p, IdSet *s, uint32_t n) {
  uint64_t cap = 16;
  while (cap < (uint64_t)n * 2)
    cap *= 2;
  s->slots = meld_arena_calloc(&p->scratch, (size_t)cap, sizeof *s->slots);
  s->mask = (uint32_t)(cap - 1);
  if (!s->slots) p->oom = true;
  return s->slots != NULL;
}

/* Inserts `id` unless present; returns whether it was inserted. */
static bool idset_add(IdSet *s, const char *id, size_t len) {
  uint32_t h = meld_hash_bytes(id, len, 0) & s->mask;
  while (s->slots[h]) {
    if (strlen(s->slots[h]) == len && memcmp(s->slots[h], id, len) == 0) return false;
    h = (h + 1) & s->mask;
  }
  s->slots[h] = id;
  return true;
}

/* Identifiers longer than this are cut (then made unique like any other): a name is printed at
 * every reference, so an unbounded one would make the text grow with (name length x uses). */
#define MAX_ID_LEN 200

/* The identifier (without `$`) for entity `index` called `name`, unique within `set`; NULL for
 * an empty name. */
static const char *make_id(Printer *p, IdSet *set, MeldStr name, uint32_t index) {
  if (name.len == 0) return NULL;
  /* Room for the name, ".<index>", ".<k>" and the NUL. */
  size_t cap = (size_t)name.len + 24;
  char *s = meld_arena_alloc(&p->scratch, cap);
  if (!s) {
    p->oom = true;
    return NULL;
  }
  /* One `_` per character: UTF-8 continuation bytes add nothing (names are valid UTF-8). */
  size_t len = 0;
  for (uint32_t i = 0; i < name.len && len < MAX_ID_LEN; i++) {
    uint8_t c = (uint8_t)name.ptr[i];
    if (c >= 0x80 && c < 0xC0) continue;
    s[len++] = is_idchar(c) ? (char)c : '_';
  }
  if (len == 0) s[len++] = '_'; /* only stray continuation bytes: not valid UTF-8 */
  s[len] = 0;
  if (idset_add(set, s, len)) return s;
  len += (size_t)snprintf(s + len, cap - len, ".%u", index);
  if (idset_add(set, s, len)) return s;
  size_t base = len;
  for (uint32_t k = 1;; k++) {
    len = base + (size_t)snprintf(s + base, cap - base, ".%u", k);
    if (idset_add(set, s, len)) return s;
  }
}

/* Identifiers for an index space of `count` entities from its name map: the first entry for
 * each index counts, identifiers are given in index order. */
static const char **build_ids(Printer *p, const MeldNameMap *map, uint32_t count) {
  if (!map->nitems || !count) return NULL;
  uint32_t *first = meld_arena_alloc(&p->scratch, (size_t)count * sizeof *first);
  const char **ids = meld_arena_calloc(&p->scratch, count, sizeof *ids);
  if (!first || !ids) {
    p->oom = true;
    return NULL;
  }
  memset(first, 0xFF, (size_t)count * sizeof *first);
  uint32_t named = 0;
  for (uint32_t i = 0; i < map->nitems; i++) {
    uint32_t idx = map->items[i].index;
    if (idx < count && first[idx] == MELD_NONE) {
      first[idx] = i;
      named++;
    }
  }
  IdSet set;
  if (!idset_init(p, &set, named)) return NULL;
  for (uint32_t idx = 0; idx < count; idx++)
    if (first[idx] != MELD_NONE) ids[idx] = make_id(p, &set, map->items[first[idx]].name, idx);
  return ids;
}

static const char *id_of(const char **ids, uint32_t count, uint32_t idx) {
  return ids && idx < count ? ids[idx] : NULL;
}

/* ---- Output primitives ---- */

static void put(Printer *p, const char *s, size_t n) {
  meld_buf_bytes(p->out, s, n);
}

static void put_cstr(Printer *p, const char *s) {
  meld_buf_bytes(p->out, s, strlen(s));
}

static void putch(Printer *p, char c) {
  meld_buf_byte(p->out, (uint8_t)c);
}

static void put_u64(Printer *p, uint64_t v) {
  char t[20];
  size_t n = sizeof t;
  do {
    t[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  put(p, t + n, sizeof t - n);
}

static void put_i64(Printer *p, int64_t v) {
  if (v < 0) {
    putch(p, '-');
    put_u64(p, 0 - (uint64_t)v);
  } else {
    put_u64(p, (uint64_t)v);
  }
}

/* Space, then a number. */
static void sp_u64(Printer *p, uint64_t v) {
  putch(p, ' ');
  put_u64(p, v);
}

static void put_hex(Printer *p, uint64_t v, int mindigits) {
  static const char digits[] = "0123456789abcdef";
  char t[16];
  int n = 0;
  do {
    t[n++] = digits[v & 15];
    v >>= 4;
  } while (v || n < mindigits);
  put(p, "0x", 2);
  while (n)
    putch(p, t[--n]);
}

static void indent(Printer *p, uint32_t n) {
  static const char spaces[] = "                                ";
  while (n > sizeof spaces - 1) {
    put(p, spaces, sizeof spaces - 1);
    n -= (uint32_t)(sizeof spaces - 1);
  }
  put(p, spaces, n);
}

/* Instructions indent by two spaces per open block, but only up to MAX_INDENT_DEPTH blocks:
 * compiled `match` statements nest hundreds of blocks deep, and full indentation would make the
 * text of a real module mostly spaces (130 MB instead of 51 for the 3.5 MB benchmark module). */
enum { MAX_INDENT_DEPTH = 32 };

static void indent_body(Printer *p, uint32_t depth) {
  indent(p, 4 + 2 * (depth < MAX_INDENT_DEPTH ? depth : MAX_INDENT_DEPTH));
}

/* ` $id` when the entity has an identifier, else ` index`. */
static void sp_ref(Printer *p, const char *id, uint32_t idx) {
  if (id) {
    put(p, " $", 2);
    put_cstr(p, id);
  } else {
    sp_u64(p, idx);
  }
}

/* ` $id (;N;)` or ` (;N;)`: the start of a definition. */
static void sp_def(Printer *p, const char *id, uint32_t idx) {
  if (id) {
    put(p, " $", 2);
    put_cstr(p, id);
  }
  put(p, " (;", 3);
  put_u64(p, idx);
  put(p, ";)", 2);
}

/* A WAT string literal: printable ASCII stays, everything else is a \hh escape. */
static void put_string(Printer *p, const uint8_t *s, size_t n) {
  static const char digits[] = "0123456789abcdef";
  if (n > (SIZE_MAX - 2) / 3 || !meld_buf_reserve(p->out, n * 3 + 2)) return;
  uint8_t *o = p->out->data + p->out->len;
  *o++ = '"';
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      *o++ = c;
    } else {
      *o++ = '\\';
      *o++ = (uint8_t)digits[c >> 4];
      *o++ = (uint8_t)digits[c & 15];
    }
  }
  *o++ = '"';
  p->out->len = (size_t)(o - p->out->data);
}

static void sp_str(Printer *p, MeldStr s) {
  putch(p, ' ');
  put_string(p, (const uint8_t *)s.ptr, s.len);
}

/* ---- Numbers ---- */

/* The C library writes the decimal point of the current locale; WAT wants '.'. */
static void fix_decimal_point(char *buf) {
  const char *dp = localeconv()->decimal_point;
  if (!dp || !dp[0] || (dp[0] == '.' && !dp[1])) return;
  size_t dplen = strlen(dp);
  char *at = strstr(buf, dp);
  if (!at) return;
  *at = '.';
  memmove(at + 1, at + dplen, strlen(at + dplen) + 1);
}

/* inf, nan, nan:0x..., with sign; returns false for finite values. */
static bool put_special(Printer *p, bool neg, bool maxexp, uint64_t mant, uint64_t quiet) {
  if (!maxexp) return false;
  if (neg) putch(p, '-');
  if (mant == 0) {
    put(p, "inf", 3);
  } else {
    put(p, "nan", 3);
    if (mant != quiet) {
      putch(p, ':');
      put_hex(p, mant, 1);
    }
  }
  return true;
}

/* Finite values print as the shortest decimal (up to the precision that always suffices) that
 * reads back, through the correctly rounded strtof/strtod that wat2wasm also uses, as exactly
 * the same bits. */
static void put_f32(Printer *p, uint32_t bits) {
  if (put_special(p, bits >> 31, ((bits >> 23) & 0xFF) == 0xFF, bits & 0x7FFFFF, 0x400000)) return;
  float v;
  memcpy(&v, &bits, sizeof v);
  char buf[48];
  for (int prec = 6; prec <= 9; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, (double)v);
    float back = strtof(buf, NULL);
    uint32_t bb;
    memcpy(&bb, &back, sizeof bb);
    if (bb == bits) break;
  }
  fix_decimal_point(buf);
  put_cstr(p, buf);
}

static void put_f64(Printer *p, uint64_t bits) {
  if (put_special(p, bits >> 63, ((bits >> 52) & 0x7FF) == 0x7FF, bits & 0xFFFFFFFFFFFFFull,
                  0x8000000000000ull))
    return;
  double v;
  memcpy(&v, &bits, sizeof v);
  char buf[48];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    double back = strtod(buf, NULL);
    uint64_t bb;
    memcpy(&bb, &back, sizeof bb);
    if (bb == bits) break;
  }
  fix_decimal_point(buf);
  put_cstr(p, buf);
}

/* ---- Types ---- */

static void put_valtypes(Printer *p, const char *kw, const MeldValType *t, uint32_t n) {
  if (!n) return;
  put(p, " (", 2);
  put_cstr(p, kw);
  for (uint32_t i = 0; i < n; i++) {
    putch(p, ' ');
    put_cstr(p, meld_valtype_name(t[i]));
  }
  putch(p, ')');
}

static const MeldFuncType *type_at(const Printer *p, uint32_t idx) {
  return idx < p->m->ntypes ? &p->m->types[idx] : NULL;
}

/* ` (type N) (param ...) (result ...)`: wat2wasm checks the inline signature against N. */
static void put_typeuse(Printer *p, uint32_t typeidx, bool with_params) {
  put(p, " (type", 6);
  sp_u64(p, typeidx);
  putch(p, ')');
  const MeldFuncType *t = type_at(p, typeidx);
  if (!t) return;
  if (with_params) put_valtypes(p, "param", t->params, t->nparams);
  put_valtypes(p, "result", t->results, t->nresults);
}

static void put_limits(Printer *p, const MeldLimits *l) {
  sp_u64(p, l->min);
  if (l->has_max) sp_u64(p, l->max);
  if (l->shared) put(p, " shared", 7);
}

/* ---- Instructions ---- */

static const char *local_id(const Printer *p, uint32_t idx) {
  uint32_t lo = 0, hi = p->nlocals;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (p->locals[mid].index < idx)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < p->nlocals && p->locals[lo].index == idx ? p->locals[lo].id : NULL;
}

static uint32_t log2_width(uint32_t width) {
  uint32_t a = 0;
  while (width > 1) {
    width >>= 1;
    a++;
  }
  return a;
}

/* Memory index (when not 0), offset (when not 0), alignment (when not natural). */
static void put_memarg(Printer *p, const MeldInstr *in, uint32_t width) {
  if (in->x) sp_u64(p, in->x);
  if (in->offset) {
    put(p, " offset=", 8);
    put_u64(p, in->offset);
  }
  if (width && in->align != log2_width(width)) {
    put(p, " align=", 7);
    put_u64(p, in->align < 64 ? (uint64_t)1 << in->align : 0);
  }
}

/* One instruction, mnemonic and immediates, without indentation or newline. */
static void put_instr(Printer *p, const MeldInstr *in) {
  const MeldModule *m = p->m;
  if (in->op >= MELD_NUM_OPCODES) {
    put(p, ";; invalid opcode", 17);
    return;
  }
  const MeldOpInfo *info = &meld_op_info[in->op];
  put_cstr(p, info->text);
  switch ((MeldImmKind)info->imm) {
  case MELD_IMM_NONE:
  case MELD_IMM_FENCE: break;
  case MELD_IMM_BLOCK:
    if (in->btkind == MELD_BT_VALTYPE) {
      put(p, " (result ", 9);
      put_cstr(p, meld_valtype_name((MeldValType)in->x));
      putch(p, ')');
    } else if (in->btkind == MELD_BT_TYPEIDX) {
      put_typeuse(p, in->x, true);
    }
    break;
  case MELD_IMM_LABEL:
  case MELD_IMM_TABLE:
  case MELD_IMM_ELEM:
  case MELD_IMM_DATA: sp_u64(p, in->x); break;
  case MELD_IMM_BR_TABLE:
    for (uint64_t i = 0; i <= in->x; i++)
      sp_u64(p, in->labels[i]);
    break;
  case MELD_IMM_FUNC: sp_ref(p, id_of(p->func_ids, m->nfuncs, in->x), in->x); break;
  case MELD_IMM_CALL_INDIRECT:
    if (in->y) sp_u64(p, in->y);
    put(p, " (type", 6);
    sp_u64(p, in->x);
    putch(p, ')');
    break;
  case MELD_IMM_LOCAL: sp_ref(p, local_id(p, in->x), in->x); break;
  case MELD_IMM_GLOBAL: sp_ref(p, id_of(p->global_ids, m->nglobals, in->x), in->x); break;
  case MELD_IMM_TABLE_TABLE:
    sp_u64(p, in->x);
    sp_u64(p, in->y);
    break;
  case MELD_IMM_ELEM_TABLE: /* text order: table, then segment */
    sp_u64(p, in->y);
    sp_u64(p, in->x);
    break;
  case MELD_IMM_MEMARG: put_memarg(p, in, info->width); break;
  case MELD_IMM_MEMARG_LANE:
    put_memarg(p, in, info->width);
    sp_u64(p, in->lane);
    break;
  case MELD_IMM_MEMORY:
    if (in->x) sp_u64(p, in->x);
    break;
  case MELD_IMM_MEMORY_MEMORY:
    if (in->x || in->y) {
      sp_u64(p, in->x);
      sp_u64(p, in->y);
    }
    break;
  case MELD_IMM_DATA_MEMORY: /* text order: memory (when not 0), then segment */
    if (in->y) sp_u64(p, in->y);
    sp_u64(p, in->x);
    break;
  case MELD_IMM_I32:
    putch(p, ' ');
    put_i64(p, in->i32);
    break;
  case MELD_IMM_I64:
    putch(p, ' ');
    put_i64(p, in->i64);
    break;
  case MELD_IMM_F32:
    putch(p, ' ');
    put_f32(p, in->f32);
    break;
  case MELD_IMM_F64:
    putch(p, ' ');
    put_f64(p, in->f64);
    break;
  case MELD_IMM_REFTYPE: put_cstr(p, in->x == MELD_EXTERNREF ? " extern" : " func"); break;
  case MELD_IMM_SELECT_T:
    put(p, " (result ", 9);
    put_cstr(p, meld_valtype_name((MeldValType)in->x));
    putch(p, ')');
    break;
  case MELD_IMM_V128:
    put(p, " i32x4", 6);
    for (int i = 0; i < 16; i += 4) {
      const uint8_t *b = in->v128 + i;
      putch(p, ' ');
      put_hex(p, (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24,
              8);
    }
    break;
  case MELD_IMM_SHUFFLE:
    for (int i = 0; i < 16; i++)
      sp_u64(p, in->v128[i]);
    break;
  case MELD_IMM_LANE: sp_u64(p, in->lane); break;
  case MELD_NUM_IMM_KINDS: break;
  }
}

/* Instructions of a constant expression without its final `end`. */
static uint32_t expr_len(const MeldExpr *e) {
  uint32_t n = e->ninstrs;
  if (n && e->instrs[n - 1].op == MELD_OP_End) n--;
  return n;
}

/* A constant expression: ` (instr)` when it is one instruction, else ` (kw instr instr ...)`
 * (kw is "offset" or "item"); with kw NULL, several instructions print bare. */
static void put_const_expr(Printer *p, const MeldExpr *e, const char *kw) {
  uint32_t n = expr_len(e);
  if (n == 1) {
    put(p, " (", 2);
    put_instr(p, &e->instrs[0]);
    putch(p, ')');
    return;
  }
  if (kw) {
    put(p, " (", 2);
    put_cstr(p, kw);
  }
  for (uint32_t i = 0; i < n; i++) {
    putch(p, ' ');
    put_instr(p, &e->instrs[i]);
  }
  if (kw) putch(p, ')');
}

/* ---- Functions ---- */

static int cmp_local(const void *a, const void *b) {
  const LocalId *x = a, *y = b;
  if (x->index != y->index) return x->index < y->index ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Named locals of function `fi` (parameters and declared locals), with unique identifiers. */
static bool setup_locals(Printer *p, uint32_t fi, uint64_t nlocals) {
  p->locals = NULL;
  p->nlocals = 0;
  const MeldNameMap *map = p->local_maps ? p->local_maps[fi] : NULL;
  if (!map || !map->nitems) return true;
  LocalId *l = meld_arena_alloc(&p->scratch, (size_t)map->nitems * sizeof *l);
  if (!l) {
    p->oom = true;
    return false;
  }
  uint32_t n = 0;
  bool sorted = true;
  for (uint32_t i = 0; i < map->nitems; i++) {
    if (map->items[i].index >= nlocals || map->items[i].name.len == 0) continue;
    l[n].index = map->items[i].index;
    l[n].order = i;
    l[n].id = NULL;
    if (n && l[n - 1].index >= l[n].index) sorted = false;
    n++;
  }
  if (!sorted) qsort(l, n, sizeof *l, cmp_local);
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++)
    if (k == 0 || l[k - 1].index != l[i].index) l[k++] = l[i];
  IdSet set;
  if (!idset_init(p, &set, k)) return false;
  for (uint32_t i = 0; i < k; i++)
    l[i].id = make_id(p, &set, map->items[l[i].order].name, l[i].index);
  p->locals = l;
  p->nlocals = k;
  return true;
}

/* Prints a list of locals (or parameters) `kw`: named ones one per group, consecutive unnamed
 * ones together (wat2wasm regroups declarations by type anyway). */
typedef struct LocalList {
  Printer *p;
  const char *kw;
  bool open;
} LocalList;

static void local_list_add(LocalList *ll, uint32_t idx, MeldValType t) {
  Printer *p = ll->p;
  const char *id = local_id(p, idx);
  if (id || !ll->open) {
    if (ll->open) putch(p, ')');
    put(p, " (", 2);
    put_cstr(p, ll->kw);
    ll->open = !id;
    if (id) {
      put(p, " $", 2);
      put_cstr(p, id);
    }
  }
  putch(p, ' ');
  put_cstr(p, meld_valtype_name(t));
  if (id) putch(p, ')');
}

static void local_list_end(LocalList *ll) {
  if (ll->open) putch(ll->p, ')');
  ll->open = false;
}

/* `func $id (;N;) (type T) (param ...) (result ...)`, without the opening parenthesis. */
static void put_func_head(Printer *p, uint32_t fi, bool named_params) {
  const MeldFunc *f = &p->m->funcs[fi];
  put(p, "func", 4);
  sp_def(p, id_of(p->func_ids, p->m->nfuncs, fi), fi);
  const MeldFuncType *t = type_at(p, f->type);
  if (!named_params || !t) {
    put_typeuse(p, f->type, true);
    return;
  }
  put(p, " (type", 6);
  sp_u64(p, f->type);
  putch(p, ')');
  LocalList ll = {p, "param", false};
  for (uint32_t i = 0; i < t->nparams; i++)
    local_list_add(&ll, i, t->params[i]);
  local_list_end(&ll);
  put_valtypes(p, "result", t->results, t->nresults);
}

static bool print_func(Printer *p, uint32_t fi) {
  const MeldModule *m = p->m;
  const MeldFunc *f = &m->funcs[fi];
  const MeldFuncType *t = type_at(p, f->type);
  uint64_t nparams = t ? t->nparams : 0;
  MeldArenaMark mark = meld_arena_mark(&p->scratch);
  bool ok = setup_locals(p, fi, nparams + f->nlocals);

  put(p, "  (", 3);
  put_func_head(p, fi, true);
  putch(p, '\n');
  if (f->nlocals) {
    /* Each list starts with a space of its own. */
    indent(p, 3);
    LocalList ll = {p, "local", false};
    uint64_t idx = nparams;
    for (uint32_t g = 0; g < f->nlocalgroups; g++)
      for (uint32_t k = 0; k < f->localgroups[g].count; k++)
        local_list_add(&ll, (uint32_t)idx++, f->localgroups[g].type);
    local_list_end(&ll);
    putch(p, '\n');
  }

  const MeldInstr *instrs = NULL;
  uint32_t n = 0;
  if (ok && !meld_func_instrs(p->ctx, m, f, &p->scratch, &instrs, &n, NULL)) ok = false;
  if (ok) {
    uint32_t depth = 0;
    for (uint32_t i = 0; i < n; i++) {
      const MeldInstr *in = &instrs[i];
      uint16_t op = in->op;
      if (op == MELD_OP_End || op == MELD_OP_Else) {
        /* The `end` that closes the body is implicit in the text. */
        if (op == MELD_OP_End && depth == 0 && i + 1 == n) break;
        indent_body(p, depth ? depth - 1 : 0);
        if (op == MELD_OP_End && depth) depth--;
      } else {
        indent_body(p, depth);
        if (op == MELD_OP_Block || op == MELD_OP_Loop || op == MELD_OP_If) depth++;
      }
      put_instr(p, in);
      putch(p, '\n');
    }
  }
  put(p, "  )\n", 4);
  meld_arena_release(&p->scratch, mark);
  p->locals = NULL;
  p->nlocals = 0;
  return ok;
}

/* ---- Module fields ---- */

static void print_customs(Printer *p, uint8_t place) {
  const MeldModule *m = p->m;
  for (uint32_t i = 0; i < m->ncustoms; i++) {
    const MeldCustom *c = &m->customs[i];
    if (c->place != place) continue;
    put(p, "  ;; custom section ", 20);
    put_string(p, (const uint8_t *)c->name.ptr, c->name.len);
    put(p, ", ", 2);
    put_u64(p, c->size);
    put_cstr(p, c->size == 1 ? " byte\n" : " bytes\n");
  }
}

static void print_import(Printer *p, const MeldImport *im) {
  const MeldModule *m = p->m;
  uint32_t i = im->index;
  put(p, "  (import", 9);
  sp_str(p, im->module);
  sp_str(p, im->name);
  put(p, " (", 2);
  switch (im->kind) {
  case MELD_EXTERN_FUNC:
    if (i < m->nfuncs) {
      /* Parameter names are not printed: wat2wasm keeps none for imports. */
      put_func_head(p, i, false);
    } else {
      put(p, "func", 4);
      sp_def(p, NULL, i);
    }
    break;
  case MELD_EXTERN_TABLE:
    put(p, "table", 5);
    sp_def(p, id_of(p->table_ids, m->ntables, i), i);
    if (i < m->ntables) {
      put_limits(p, &m->tables[i].limits);
      putch(p, ' ');
      put_cstr(p, meld_valtype_name(m->tables[i].elem));
    }
    break;
  case MELD_EXTERN_MEMORY:
    put(p, "memory", 6);
    sp_def(p, id_of(p->memory_ids, m->nmemories, i), i);
    if (i < m->nmemories) put_limits(p, &m->memories[i].limits);
    break;
  case MELD_EXTERN_GLOBAL:
    put(p, "global", 6);
    sp_def(p, id_of(p->global_ids, m->nglobals, i), i);
    if (i < m->nglobals) {
      const MeldGlobal *g = &m->globals[i];
      if (g->mut)
        put(p, " (mut ", 6);
      else
        putch(p, ' ');
      put_cstr(p, meld_valtype_name(g->type));
      if (g->mut) putch(p, ')');
    }
    break;
  default: put_cstr(p, meld_extern_kind_name(im->kind)); break;
  }
  put(p, "))\n", 3);
}

static void print_export(Printer *p, const MeldExport *e) {
  const MeldModule *m = p->m;
  put(p, "  (export", 9);
  sp_str(p, e->name);
  put(p, " (", 2);
  put_cstr(p, meld_extern_kind_name(e->kind));
  switch (e->kind) {
  case MELD_EXTERN_FUNC: sp_ref(p, id_of(p->func_ids, m->nfuncs, e->index), e->index); break;
  case MELD_EXTERN_GLOBAL: sp_ref(p, id_of(p->global_ids, m->nglobals, e->index), e->index); break;
  default: sp_u64(p, e->index); break;
  }
  put(p, "))\n", 3);
}

/* Can the segment print as `func x y ...`?  Function indices always can; expressions can when
 * each is a lone ref.func of a funcref segment (wat2wasm then picks the function-index
 * encoding, so printing both alike keeps the text stable across a round trip). */
static bool elem_as_funcs(const MeldElem *e) {
  if (e->type != MELD_FUNCREF) return false;
  if (!e->exprs) return true;
  for (uint32_t i = 0; i < e->ninit; i++)
    if (expr_len(&e->exprs[i]) != 1 || e->exprs[i].instrs[0].op != MELD_OP_RefFunc) return false;
  return true;
}

static void print_elem(Printer *p, uint32_t idx) {
  const MeldModule *m = p->m;
  const MeldElem *e = &m->elems[idx];
  bool funcs = elem_as_funcs(e);
  put(p, "  (elem", 7);
  sp_def(p, id_of(p->elem_ids, m->nelems, idx), idx);
  if (e->mode == MELD_SEG_ACTIVE) {
    /* `(table 0)` may only be left out before a function-index list. */
    if (e->table || !funcs) {
      put(p, " (table", 7);
      sp_u64(p, e->table);
      putch(p, ')');
    }
    put_const_expr(p, &e->offset, "offset");
  } else if (e->mode == MELD_SEG_DECLARATIVE) {
    put(p, " declare", 8);
  }
  if (funcs) {
    put(p, " func", 5);
    for (uint32_t i = 0; i < e->ninit; i++) {
      uint32_t f = e->exprs ? e->exprs[i].instrs[0].x : e->funcs[i];
      sp_ref(p, id_of(p->func_ids, m->nfuncs, f), f);
    }
  } else {
    putch(p, ' ');
    put_cstr(p, meld_valtype_name(e->type));
    for (uint32_t i = 0; i < e->ninit; i++)
      put_const_expr(p, &e->exprs[i], "item");
  }
  put(p, ")\n", 2);
}

/* Data bytes: inline when short, else one string of at most 32 bytes per line. */
enum { DATA_CHUNK = 32 };

static void print_data(Printer *p, uint32_t idx) {
  const MeldModule *m = p->m;
  const MeldData *d = &m->datas[idx];
  put(p, "  (data", 7);
  sp_def(p, id_of(p->data_ids, m->ndatas, idx), idx);
  if (d->mode == MELD_SEG_ACTIVE) {
    if (d->memory) {
      put(p, " (memory", 8);
      sp_u64(p, d->memory);
      putch(p, ')');
    }
    put_const_expr(p, &d->offset, "offset");
  }
  if (d->size <= DATA_CHUNK) {
    putch(p, ' ');
    put_string(p, d->bytes, d->size);
  } else {
    for (uint32_t at = 0; at < d->size; at += DATA_CHUNK) {
      uint32_t n = d->size - at < DATA_CHUNK ? d->size - at : DATA_CHUNK;
      putch(p, '\n');
      indent(p, 4);
      put_string(p, d->bytes + at, n);
    }
  }
  put(p, ")\n", 2);
}

static bool print_module(Printer *p) {
  const MeldModule *m = p->m;
  const MeldNames *nm = &m->names;

  if (nm->has_module) {
    IdSet set;
    if (idset_init(p, &set, 1)) p->module_id = make_id(p, &set, nm->module, 0);
  }
  p->type_ids = build_ids(p, &nm->types, m->ntypes);
  p->func_ids = build_ids(p, &nm->funcs, m->nfuncs);
  p->table_ids = build_ids(p, &nm->tables, m->ntables);
  p->memory_ids = build_ids(p, &nm->memories, m->nmemories);
  p->global_ids = build_ids(p, &nm->globals, m->nglobals);
  p->elem_ids = build_ids(p, &nm->elems, m->nelems);
  p->data_ids = build_ids(p, &nm->datas, m->ndatas);
  if (nm->locals.nitems && m->nfuncs) {
    p->local_maps = meld_arena_calloc(&p->scratch, m->nfuncs, sizeof *p->local_maps);
    if (!p->local_maps) p->oom = true;
    for (uint32_t i = 0; p->local_maps && i < nm->locals.nitems; i++) {
      uint32_t fi = nm->locals.items[i].index;
      if (fi < m->nfuncs && !p->local_maps[fi]) p->local_maps[fi] = &nm->locals.items[i].map;
    }
  }
  if (p->oom) return false;

  put(p, "(module", 7);
  if (p->module_id) {
    put(p, " $", 2);
    put_cstr(p, p->module_id);
  }
  putch(p, '\n');
  print_customs(p, MELD_RANK_START_OF_MODULE);

  for (uint32_t i = 0; i < m->ntypes; i++) {
    const MeldFuncType *t = &m->types[i];
    put(p, "  (type", 7);
    sp_def(p, id_of(p->type_ids, m->ntypes, i), i);
    put(p, " (func", 6);
    put_valtypes(p, "param", t->params, t->nparams);
    put_valtypes(p, "result", t->results, t->nresults);
    put(p, "))\n", 3);
  }
  print_customs(p, MELD_RANK_TYPE);

  for (uint32_t i = 0; i < m->nimports; i++)
    print_import(p, &m->imports[i]);
  print_customs(p, MELD_RANK_IMPORT);
  print_customs(p, MELD_RANK_FUNCTION);

  for (uint32_t i = m->nimporttables; i < m->ntables; i++) {
    put(p, "  (table", 8);
    sp_def(p, id_of(p->table_ids, m->ntables, i), i);
    put_limits(p, &m->tables[i].limits);
    putch(p, ' ');
    put_cstr(p, meld_valtype_name(m->tables[i].elem));
    put(p, ")\n", 2);
  }
  print_customs(p, MELD_RANK_TABLE);

  for (uint32_t i = m->nimportmemories; i < m->nmemories; i++) {
    put(p, "  (memory", 9);
    sp_def(p, id_of(p->memory_ids, m->nmemories, i), i);
    put_limits(p, &m->memories[i].limits);
    put(p, ")\n", 2);
  }
  print_customs(p, MELD_RANK_MEMORY);

  for (uint32_t i = m->nimportglobals; i < m->nglobals; i++) {
    const MeldGlobal *g = &m->globals[i];
    put(p, "  (global", 9);
    sp_def(p, id_of(p->global_ids, m->nglobals, i), i);
    if (g->mut)
      put(p, " (mut ", 6);
    else
      putch(p, ' ');
    put_cstr(p, meld_valtype_name(g->type));
    if (g->mut) putch(p, ')');
    put_const_expr(p, &g->init, NULL);
    put(p, ")\n", 2);
  }
  print_customs(p, MELD_RANK_GLOBAL);

  for (uint32_t i = 0; i < m->nexports; i++)
    print_export(p, &m->exports[i]);
  print_customs(p, MELD_RANK_EXPORT);

  if (m->start != MELD_NONE) {
    put(p, "  (start", 8);
    sp_ref(p, id_of(p->func_ids, m->nfuncs, m->start), m->start);
    put(p, ")\n", 2);
  }
  print_customs(p, MELD_RANK_START);

  for (uint32_t i = 0; i < m->nelems; i++)
    print_elem(p, i);
  print_customs(p, MELD_RANK_ELEM);
  print_customs(p, MELD_RANK_DATACOUNT);

  bool ok = true;
  for (uint32_t i = m->nimportfuncs; i < m->nfuncs && ok; i++) {
    ok = print_func(p, i);
    meld_buf_maybe_flush(p->out); /* text is append-only: a streaming output may take it */
  }
  if (!ok) return false;
  print_customs(p, MELD_RANK_CODE);

  for (uint32_t i = 0; i < m->ndatas; i++) {
    print_data(p, i);
    meld_buf_maybe_flush(p->out);
  }
  print_customs(p, MELD_RANK_DATA);

  put(p, ")\n", 2);
  return !p->oom;
}

bool meld_core_print(MeldContext *ctx, const MeldModule *m, MeldBuf *out) {
  Printer p;
  memset(&p, 0, sizeof p);
  p.ctx = ctx;
  p.m = m;
  p.out = out;
  meld_arena_init(&p.scratch, ctx->alloc, 64 * 1024);
  size_t nerrors = ctx->diag.nerrors;
  bool ok = print_module(&p);
  if (p.oom || p.scratch.oom || out->oom) {
    meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while printing the module");
    ok = false;
  } else if (!ok && ctx->diag.nerrors == nerrors) {
    meld_error(ctx, m->file, MELD_NO_OFFSET, "cannot print the module");
  }
  meld_arena_free(&p.scratch);
  return ok;
}
