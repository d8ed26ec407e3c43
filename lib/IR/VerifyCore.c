/*
 * The core-module verifier: the validation rules of WebAssembly 2.0 (the spec's "Validation"
 * chapter), extended with multi-memory, fixed-width SIMD, threads (atomic accesses must be
 * exactly naturally aligned, shared memories need a maximum) and extended constant expressions
 * (i32/i64 add, sub and mul are accepted in constant expressions and typed like everywhere
 * else; 2.0 alone would refuse them, but toolchains emit them and wasm 3.0 has them).
 *
 * Why: every pass assumes a valid module (indices in range, a well-typed stack), so the driver
 * runs this after reading, before writing and, with --verify-each, after every pass.  It runs
 * on every read, so it is written for speed: one pass over each body with the operand-stack
 * algorithm of the spec's appendix, a value stack and a control stack that live across
 * functions and grow geometrically, operand types of ordinary instructions taken from the
 * `sig` column of Opcodes.def (compacted into a table once per call), local types looked up in
 * O(1), and raw bodies decoded into a scratch arena that is released after each function.
 * A raw body is first checked without instruction offsets (decoding is cheaper without them);
 * only a body with errors is decoded again with offsets, so that its report has locations.
 *
 * Needs: nothing beyond a module whose arrays match their counts.  Guarantees when it returns
 * true: the module is valid, so later code may index every space without checking.  Every
 * problem is reported; inside one body, typing stops at the first stack error (to avoid
 * cascades) while index, alignment and lane checks go on to the end of the body.
 */
#include "meldc/Verify.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "Parse/DecodeInstr.h"

/* Entries of the value stack that are not value types (neither byte is a valid type). */
enum {
  T_ANY = 0,  /* from the polymorphic stack after an unconditional branch: matches anything */
  T_NONE = 1, /* what popping an empty frame yields in reachable code */
};

/* Locals are expanded into a flat array of types when there are at most this many (and not
 * vastly more than the body has instructions); larger declarations, up to 2^32-1 locals, are
 * looked up by binary search over the declaration groups. */
#define LOCALS_FLAT_MAX (1u << 16)

/* ---- The opcode table, as the verifier needs it ---- */

typedef struct OpRow {
  const char *text;
  const char *sig;
  uint8_t imm;
  uint8_t width;
  bool atomic;
} OpRow;

static const OpRow op_rows[MELD_NUM_OPCODES] = {
#define MELD_OP(code, name, text, imm, sig, width)                                                 \
  [MELD_OP_##name] = {text, sig, MELD_IMM_##imm, width, false},
#define MELD_OP_PREFIXED(prefix, code, name, text, imm, sig, width)                                \
  [MELD_OP_##name] = {text, sig, MELD_IMM_##imm, width, (prefix) == 0xFE},
#include "meldc/Opcodes.def"
};

/* How the typing loop handles an opcode: by its sig (with no immediates to check, with a
 * memarg checked inline, or with check_imm), by one of the local fast paths, or by hand
 * (sig "*"). */
enum { K_SIG, K_SIG_CHECK, K_MEMARG, K_LOCAL_GET, K_LOCAL_SET, K_LOCAL_TEE, K_MANUAL };

/* One row compacted for the typing loop: the `sig` column parsed, natural alignment, lanes. */
typedef struct OpSig {
  uint8_t cls; /* K_*: how the typing loop dispatches */
  uint8_t imm; /* MeldImmKind */
  uint8_t nparams;
  uint8_t params[3];
  uint8_t result; /* 0: none */
  uint8_t align;  /* natural alignment, log2 of the width */
  uint8_t lanes;  /* lane count of LANE / MEMARG_LANE immediates */
  uint8_t atomic;
} OpSig;

static uint8_t sig_type(char c) {
  switch (c) {
  case 'i': return MELD_I32;
  case 'I': return MELD_I64;
  case 'f': return MELD_F32;
  case 'F': return MELD_F64;
  case 'v': return MELD_V128;
  default: return 0;
  }
}

/* "i8x16.extract_lane_s" -> 16: the number after the 'x' of the shape prefix. */
static uint8_t shape_lanes(const char *text) {
  const char *x = strchr(text, 'x');
  const char *dot = strchr(text, '.');
  if (!x || !dot || x > dot) return 0;
  unsigned n = 0;
  for (const char *p = x + 1; p < dot; p++) {
    if (*p < '0' || *p > '9') return 0;
    n = n * 10 + (unsigned)(*p - '0');
  }
  return n <= 16 ? (uint8_t)n : 0;
}

static void build_sigs(OpSig *sigs) {
  for (uint32_t op = 0; op < MELD_NUM_OPCODES; op++) {
    const OpRow *r = &op_rows[op];
    OpSig *s = &sigs[op];
    memset(s, 0, sizeof *s);
    s->imm = r->imm;
    s->atomic = r->atomic;
    for (uint32_t w = r->width; w > 1; w >>= 1)
      s->align++;
    if (r->imm == MELD_IMM_LANE)
      s->lanes = shape_lanes(r->text);
    else if (r->imm == MELD_IMM_MEMARG_LANE && r->width)
      s->lanes = (uint8_t)(16 / r->width);
    assert((r->imm != MELD_IMM_LANE && r->imm != MELD_IMM_MEMARG_LANE) || s->lanes);
    if (op == MELD_OP_LocalGet || op == MELD_OP_LocalSet || op == MELD_OP_LocalTee) {
      s->cls = op == MELD_OP_LocalGet   ? K_LOCAL_GET
               : op == MELD_OP_LocalSet ? K_LOCAL_SET
                                        : K_LOCAL_TEE;
      continue;
    }
    if (strcmp(r->sig, "*") == 0) {
      s->cls = K_MANUAL;
      continue;
    }
    switch ((MeldImmKind)r->imm) {
    case MELD_IMM_NONE:
    case MELD_IMM_I32:
    case MELD_IMM_I64:
    case MELD_IMM_F32:
    case MELD_IMM_F64:
    case MELD_IMM_V128:
    case MELD_IMM_FENCE: s->cls = K_SIG; break;
    case MELD_IMM_MEMARG: s->cls = K_MEMARG; break;
    default: s->cls = K_SIG_CHECK; break;
    }
    const char *p = r->sig;
    for (; *p && *p != ':'; p++) {
      uint8_t t = sig_type(*p);
      if (!t || s->nparams == 3) goto bad;
      s->params[s->nparams++] = t;
    }
    if (*p++ != ':') goto bad;
    if (*p) {
      s->result = sig_type(*p++);
      if (!s->result || *p) goto bad;
    }
    continue;
  bad:
    /* A malformed row is a bug in Opcodes.def; release builds report the instruction as
     * untypable instead of guessing. */
    assert(!"malformed sig column in Opcodes.def");
    s->cls = K_MANUAL;
    s->nparams = 0;
    s->result = 0;
  }
}

/* ---- Verifier state ---- */

enum { F_FUNC, F_BLOCK, F_LOOP, F_IF, F_ELSE };

typedef struct Frame {
  const MeldValType *params, *results;
  uint32_t nparams, nresults;
  uint32_t height; /* value stack height at entry, after the parameters were popped */
  uint8_t kind;
  bool unreachable;
} Frame;

/* Which constant expression is being checked (for messages, formatted only on error). */
enum { SITE_GLOBAL, SITE_ELEM_OFFSET, SITE_ELEM_ITEM, SITE_DATA_OFFSET };

typedef struct Verifier {
  MeldContext *ctx;
  const MeldModule *m;
  MeldArena scratch;
  bool ok;
  bool oom;
  /* Bodies are first checked without instruction offsets (decoding is cheaper without
   * them); a body with errors is checked again with offsets, and only that run reports. */
  bool quiet;
  bool quiet_failed;
  /* A worker of a parallel quiet check: it reports nothing, not even running out of memory
   * (the calling thread checks again whatever a worker could not pass). */
  bool worker;
  uint8_t *declared; /* bitset over functions: C.refs, the functions ref.func may name */
  /* The body uses ref.func or a data or element segment: its validity depends on more than the
   * types of what it references, so it gets no mark (MeldFunc.checked). */
  bool pinned;
  OpSig sigs[MELD_NUM_OPCODES];

  /* The function being checked. */
  uint32_t func;
  const MeldInstr *instrs;
  const uint64_t *offsets; /* file offset of each instruction, or NULL */
  uint32_t ninstrs;
  /* A raw body checked as it is decoded (quiet runs only): `instrs` is NULL, `cur` holds the
   * instruction being typed, `ninstrs` bounds the count by the body's size. */
  const uint8_t *p, *end;
  MeldInstr cur;
  /* The module-level references of the raw body being checked (MeldFunc.refs' form), kept for
   * dce when the body passes. */
  MeldBuf refs;
  bool refs_ok;
  bool keep_refs; /* MeldContext.keep_reference_lists, and the module has an arena */
  uint32_t last_ref[8];
  const MeldFuncType *ftype;
  uint64_t nlocals;          /* parameters + declared locals */
  const MeldValType *flat;   /* type of each local, or NULL: use the groups */
  const uint64_t *group_end; /* running end of each group (after the parameters) */
  const MeldLocalGroup *groups;
  uint32_t ngroups;

  /* Stacks, reused by every function (allocator memory, freed at the end). */
  MeldValType *vals;
  uint32_t nvals, capvals;
  Frame *ctrl;
  uint32_t nctrl, capctrl;
  MeldValType *flatbuf;
  uint32_t capflat;
  uint64_t at; /* file offset of the entity being checked, for module-level errors */
} Verifier;

/* ---- Reporting ---- */

MELD_PRINTF(2, 3)
static void merr(Verifier *v, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  meld_diag_vreport(&v->ctx->diag, MELD_ERROR, v->m->file, v->at, fmt, ap);
  va_end(ap);
  v->ok = false;
}

/* An error at instruction i of the current function: at its file offset when known, else
 * naming the function and the instruction index. */
MELD_PRINTF(3, 4)
static void ierr(Verifier *v, uint32_t i, const char *fmt, ...) {
  if (v->quiet) {
    v->quiet_failed = true;
    return;
  }
  char buf[640];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (v->offsets && i < v->ninstrs)
    meld_error(v->ctx, v->m->file, v->offsets[i], "%s", buf);
  else
    meld_error(v->ctx, v->m->file, MELD_NO_OFFSET, "function %u, instruction %u: %s", v->func, i,
               buf);
  v->ok = false;
}

static void report_oom(Verifier *v) {
  if (!v->oom && !v->worker) merr(v, "out of memory while verifying the module");
  v->oom = true;
}

static const char *tname(uint8_t t) {
  if (t == T_ANY) return "any";
  if (t == T_NONE) return "nothing";
  return meld_valtype_name(t);
}

static uint32_t instr_op(const Verifier *v, uint32_t i) {
  return v->instrs ? v->instrs[i].op : v->cur.op;
}

static const char *opname(const Verifier *v, uint32_t i) {
  uint32_t op = instr_op(v, i);
  return op < MELD_NUM_OPCODES ? op_rows[op].text : "?";
}

/* "[i32 f64]" into buf; long lists are cut with "...". */
static const char *fmt_types(char *buf, size_t cap, const uint8_t *ts, uint32_t n) {
  size_t len = 0;
  buf[len++] = '[';
  for (uint32_t k = 0; k < n; k++) {
    const char *s = k < 12 ? tname(ts[k]) : "...";
    size_t sl = strlen(s);
    if (len + sl + 3 > cap) break;
    if (k) buf[len++] = ' ';
    memcpy(buf + len, s, sl);
    len += sl;
    if (k >= 12) break;
  }
  buf[len++] = ']';
  buf[len] = '\0';
  return buf;
}

/* A name as it may be shown: printable ASCII, everything else as \xx, cut after 60 bytes. */
static const char *fmt_name(char *buf, size_t cap, MeldStr s) {
  size_t len = 0;
  for (uint32_t k = 0; k < s.len; k++) {
    uint8_t c = (uint8_t)s.ptr[k];
    if (len + 8 > cap || k >= 60) {
      memcpy(buf + len, "...", 3);
      len += 3;
      break;
    }
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      buf[len++] = (char)c;
    } else {
      static const char hex[] = "0123456789abcdef";
      buf[len++] = '\\';
      buf[len++] = hex[c >> 4];
      buf[len++] = hex[c & 15];
    }
  }
  buf[len] = '\0';
  return buf;
}

/* ---- Stacks ---- */

static bool grow_vals(Verifier *v, uint64_t extra) {
  uint64_t need = (uint64_t)v->nvals + extra;
  if (need <= v->capvals) return true;
  uint64_t ncap = v->capvals ? (uint64_t)v->capvals * 2 : 1024;
  if (ncap < need) ncap = need;
  if (ncap > UINT32_MAX) ncap = UINT32_MAX;
  if (need > ncap) {
    report_oom(v);
    return false;
  }
  MeldValType *n = meld_realloc(v->ctx->alloc, v->vals, v->capvals, (size_t)ncap);
  if (!n) {
    report_oom(v);
    return false;
  }
  v->vals = n;
  v->capvals = (uint32_t)ncap;
  return true;
}

static inline bool push_val(Verifier *v, uint8_t t) {
  if (v->nvals == v->capvals && !grow_vals(v, 1)) return false;
  v->vals[v->nvals++] = t;
  return true;
}

static bool push_types(Verifier *v, const MeldValType *ts, uint32_t n) {
  if (!n) return true;
  if (!grow_vals(v, n)) return false;
  memcpy(v->vals + v->nvals, ts, n);
  v->nvals += n;
  return true;
}

/* Pops one value: its type, T_ANY from the polymorphic bottom, or T_NONE when the frame has
 * nothing left. */
static inline uint8_t pop_val(Verifier *v) {
  const Frame *f = &v->ctrl[v->nctrl - 1];
  if (v->nvals == f->height) return f->unreachable ? T_ANY : T_NONE;
  return v->vals[--v->nvals];
}

static void mismatch(Verifier *v, uint32_t i, uint8_t want, uint8_t got) {
  if (got == T_NONE)
    ierr(v, i, "type mismatch in %s: expected %s, found nothing (the stack of this block is empty)",
         opname(v, i), tname(want));
  else
    ierr(v, i, "type mismatch in %s: expected %s, found %s", opname(v, i), tname(want), tname(got));
}

static inline bool pop_expect(Verifier *v, uint32_t i, uint8_t want) {
  uint8_t got = pop_val(v);
  if (got == want || got == T_ANY) return true;
  mismatch(v, i, want, got);
  return false;
}

static bool pop_types(Verifier *v, uint32_t i, const MeldValType *ts, uint32_t n) {
  for (uint32_t k = n; k-- > 0;)
    if (!pop_expect(v, i, ts[k])) return false;
  return true;
}

static bool push_frame(Verifier *v, uint8_t kind, const MeldValType *params, uint32_t nparams,
                       const MeldValType *results, uint32_t nresults) {
  if (v->nctrl == v->capctrl) {
    uint32_t ncap = v->capctrl ? v->capctrl * 2 : 64;
    if (ncap < v->capctrl) {
      report_oom(v);
      return false;
    }
    Frame *n = meld_realloc(v->ctx->alloc, v->ctrl, (size_t)v->capctrl * sizeof *n,
                            (size_t)ncap * sizeof *n);
    if (!n) {
      report_oom(v);
      return false;
    }
    v->ctrl = n;
    v->capctrl = ncap;
  }
  Frame *f = &v->ctrl[v->nctrl++];
  f->params = params;
  f->nparams = nparams;
  f->results = results;
  f->nresults = nresults;
  f->height = v->nvals;
  f->kind = (uint8_t)kind;
  f->unreachable = false;
  return true;
}

static void set_unreachable(Verifier *v) {
  Frame *f = &v->ctrl[v->nctrl - 1];
  v->nvals = f->height;
  f->unreachable = true;
}

/* The values a branch to label `l` carries: a loop's parameters, any other block's results. */
static void label_types(const Verifier *v, uint32_t l, const MeldValType **ts, uint32_t *n) {
  const Frame *f = &v->ctrl[v->nctrl - 1 - l];
  if (f->kind == F_LOOP) {
    *ts = f->params;
    *n = f->nparams;
  } else {
    *ts = f->results;
    *n = f->nresults;
  }
}

/* Checks that the values on top of the stack match `ts` without popping them. */
static bool peek_types(Verifier *v, uint32_t i, const MeldValType *ts, uint32_t n) {
  const Frame *f = &v->ctrl[v->nctrl - 1];
  uint32_t avail = v->nvals - f->height;
  for (uint32_t j = 0; j < n; j++) {
    uint8_t want = ts[n - 1 - j];
    uint8_t got = j < avail ? v->vals[v->nvals - 1 - j] : f->unreachable ? T_ANY : T_NONE;
    if (got != want && got != T_ANY) {
      mismatch(v, i, want, got);
      return false;
    }
  }
  return true;
}

static const char *frame_what(uint8_t kind) {
  switch (kind) {
  case F_FUNC: return "the function body";
  case F_BLOCK: return "block";
  case F_LOOP: return "loop";
  case F_IF: return "if";
  default: return "else";
  }
}

/* At `end` or `else`: exactly the frame's results must be left above its height. */
static bool check_frame_results(Verifier *v, uint32_t i) {
  const Frame *f = &v->ctrl[v->nctrl - 1];
  uint32_t have = v->nvals - f->height;
  bool bad = have > f->nresults || (have < f->nresults && !f->unreachable);
  for (uint32_t j = 0; !bad && j < have; j++) {
    uint8_t got = v->vals[v->nvals - 1 - j];
    if (got != f->results[f->nresults - 1 - j] && got != T_ANY) bad = true;
  }
  if (bad) {
    char want[160], found[160];
    ierr(v, i, "type mismatch in %s: %s%s must leave %s on the stack, found %s", opname(v, i),
         frame_what(f->kind), instr_op(v, i) == MELD_OP_Else ? " (then branch)" : "",
         fmt_types(want, sizeof want, f->results, f->nresults),
         fmt_types(found, sizeof found, have ? v->vals + f->height : NULL, have));
  }
  return !bad;
}

/* ---- Types, locals ---- */

static const MeldValType k_types[] = {MELD_I32,  MELD_I64,     MELD_F32,      MELD_F64,
                                      MELD_V128, MELD_FUNCREF, MELD_EXTERNREF};

/* A one-element result list for `t` that outlives any frame. */
static const MeldValType *single_type(uint8_t t) {
  for (size_t k = 0; k < sizeof k_types; k++)
    if (k_types[k] == t) return &k_types[k];
  return NULL;
}

static bool is_num(uint8_t t) {
  return t == MELD_I32 || t == MELD_I64 || t == MELD_F32 || t == MELD_F64 || t == T_ANY;
}

static bool is_vec(uint8_t t) {
  return t == MELD_V128 || t == T_ANY;
}

static bool is_ref(uint8_t t) {
  return t == MELD_FUNCREF || t == MELD_EXTERNREF;
}

static bool same_types(const MeldValType *a, uint32_t na, const MeldValType *b, uint32_t nb) {
  return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

/* Parameters and results of a block type (already checked by check_imm). */
static void block_sig(const Verifier *v, const MeldInstr *in, const MeldValType **p, uint32_t *np,
                      const MeldValType **r, uint32_t *nr) {
  *p = NULL;
  *np = 0;
  *r = NULL;
  *nr = 0;
  if (in->btkind == MELD_BT_VALTYPE) {
    *r = single_type((uint8_t)in->x);
    *nr = 1;
  } else if (in->btkind == MELD_BT_TYPEIDX) {
    const MeldFuncType *t = &v->m->types[in->x];
    *p = t->params;
    *np = t->nparams;
    *r = t->results;
    *nr = t->nresults;
  }
}

static uint8_t local_type_slow(const Verifier *v, uint32_t x) {
  if (x < v->ftype->nparams) return v->ftype->params[x];
  uint64_t rest = (uint64_t)x - v->ftype->nparams;
  uint32_t lo = 0, hi = v->ngroups;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (v->group_end[mid] <= rest)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < v->ngroups ? v->groups[lo].type : T_ANY;
}

static inline uint8_t local_type(const Verifier *v, uint32_t x) {
  return v->flat ? v->flat[x] : local_type_slow(v, x);
}

/* Prepares local lookups for the current function (flat array or group ends). */
static bool setup_locals(Verifier *v, const MeldFunc *f) {
  const MeldFuncType *t = v->ftype;
  v->nlocals = (uint64_t)t->nparams + f->nlocals;
  v->groups = f->localgroups;
  v->ngroups = f->nlocalgroups;
  v->flat = NULL;
  v->group_end = NULL;
  if (v->nlocals <= LOCALS_FLAT_MAX && v->nlocals <= 4 * (uint64_t)v->ninstrs + 1024) {
    uint32_t n = (uint32_t)v->nlocals;
    if (n > v->capflat || !v->flatbuf) {
      uint32_t ncap = v->capflat ? v->capflat : 256;
      while (ncap < n)
        ncap *= 2;
      MeldValType *nb = meld_realloc(v->ctx->alloc, v->flatbuf, v->capflat, ncap);
      if (!nb) {
        report_oom(v);
        return false;
      }
      v->flatbuf = nb;
      v->capflat = ncap;
    }
    if (t->nparams) memcpy(v->flatbuf, t->params, t->nparams);
    uint32_t at = t->nparams;
    for (uint32_t g = 0; g < f->nlocalgroups; g++) {
      memset(v->flatbuf + at, f->localgroups[g].type, f->localgroups[g].count);
      at += f->localgroups[g].count;
    }
    v->flat = v->flatbuf;
    return true;
  }
  uint64_t *ends = meld_arena_alloc(&v->scratch, (size_t)f->nlocalgroups * sizeof *ends + 1);
  if (!ends) {
    report_oom(v);
    return false;
  }
  uint64_t sum = 0;
  for (uint32_t g = 0; g < f->nlocalgroups; g++) {
    sum += f->localgroups[g].count;
    ends[g] = sum;
  }
  v->group_end = ends;
  return true;
}

/* ---- Immediates ---- */

static bool data_needs_count(Verifier *v, uint32_t i) {
  if (v->m->has_datacount) return true;
  ierr(v, i, "data count section required: %s names a data segment", opname(v, i));
  return false;
}

static void check_memarg(Verifier *v, uint32_t i, const MeldInstr *in, const OpSig *s) {
  const MeldModule *m = v->m;
  if (in->x >= m->nmemories)
    ierr(v, i, "unknown memory %u in %s (the module has %u)", in->x, opname(v, i), m->nmemories);
  if (s->atomic) {
    if (in->align != s->align)
      ierr(v, i, "alignment of an atomic access must be natural in %s: expected 2^%u, found 2^%u",
           opname(v, i), s->align, in->align);
  } else if (in->align > s->align) {
    ierr(v, i, "alignment must not be larger than natural in %s: 2^%u > %u bytes", opname(v, i),
         in->align, 1u << s->align);
  }
  if (in->offset > UINT32_MAX)
    ierr(v, i, "offset %llu out of range in %s: memories are 32-bit",
         (unsigned long long)in->offset, opname(v, i));
}

/* Checks what the immediates of instruction i name (indices, alignment, lanes, block types).
 * Returns false when the instruction cannot be typed (an index the typing needs is bad);
 * problems that leave typing possible are reported and return true. */
static bool check_imm(Verifier *v, uint32_t i, const MeldInstr *in, const OpSig *s,
                      uint32_t depth) {
  const MeldModule *m = v->m;
  switch ((MeldImmKind)s->imm) {
  case MELD_IMM_NONE:
  case MELD_IMM_I32:
  case MELD_IMM_I64:
  case MELD_IMM_F32:
  case MELD_IMM_F64:
  case MELD_IMM_V128:
  case MELD_IMM_FENCE:
  case MELD_NUM_IMM_KINDS: return true;
  case MELD_IMM_BLOCK:
    if (in->btkind == MELD_BT_EMPTY) return true;
    if (in->btkind == MELD_BT_VALTYPE) {
      if (single_type((uint8_t)in->x)) return true;
      ierr(v, i, "invalid block type 0x%02x in %s", in->x, opname(v, i));
      return false;
    }
    if (in->btkind == MELD_BT_TYPEIDX && in->x < m->ntypes) return true;
    if (in->btkind == MELD_BT_TYPEIDX)
      ierr(v, i, "unknown type %u in %s (the module has %u)", in->x, opname(v, i), m->ntypes);
    else
      ierr(v, i, "invalid block type kind %u in %s", in->btkind, opname(v, i));
    return false;
  case MELD_IMM_LABEL:
    if (in->x < depth) return true;
    ierr(v, i, "unknown label %u in %s (%u enclosing labels)", in->x, opname(v, i), depth);
    return false;
  case MELD_IMM_BR_TABLE: {
    if (!in->labels) {
      ierr(v, i, "br_table has no label array");
      return false;
    }
    bool ok = true;
    for (uint64_t k = 0; k <= in->x; k++)
      if (in->labels[k] >= depth) {
        ierr(v, i, "unknown label %u in %s (%u enclosing labels)", in->labels[k], opname(v, i),
             depth);
        ok = false;
      }
    return ok;
  }
  case MELD_IMM_FUNC:
    if (in->x >= m->nfuncs) {
      ierr(v, i, "unknown function %u in %s (the module has %u)", in->x, opname(v, i), m->nfuncs);
      return false;
    }
    if (in->op == MELD_OP_RefFunc) {
      v->pinned = true;
      if (!(v->declared[in->x >> 3] & (1u << (in->x & 7))))
        ierr(v, i,
             "undeclared function reference: ref.func %u needs the function in an element "
             "segment, an export or a global initializer",
             in->x);
      return true;
    }
    /* A bad type index of the callee was reported with the function. */
    return m->funcs[in->x].type < m->ntypes;
  case MELD_IMM_CALL_INDIRECT: {
    bool ok = true;
    if (in->y >= m->ntables) {
      ierr(v, i, "unknown table %u in %s (the module has %u)", in->y, opname(v, i), m->ntables);
    } else if (m->tables[in->y].elem != MELD_FUNCREF) {
      ierr(v, i, "type mismatch in %s: table %u holds %s, not funcref", opname(v, i), in->y,
           tname(m->tables[in->y].elem));
    }
    if (in->x >= m->ntypes) {
      ierr(v, i, "unknown type %u in %s (the module has %u)", in->x, opname(v, i), m->ntypes);
      ok = false;
    }
    return ok;
  }
  case MELD_IMM_LOCAL:
    if (in->x < v->nlocals) return true;
    ierr(v, i, "unknown local %u in %s (the function has %llu)", in->x, opname(v, i),
         (unsigned long long)v->nlocals);
    return false;
  case MELD_IMM_GLOBAL:
    if (in->x >= m->nglobals) {
      ierr(v, i, "unknown global %u in %s (the module has %u)", in->x, opname(v, i), m->nglobals);
      return false;
    }
    if (in->op == MELD_OP_GlobalSet && !m->globals[in->x].mut)
      ierr(v, i, "global is immutable: global.set %u", in->x);
    /* A bad type of the global itself was reported with the global. */
    return meld_valtype_valid(m->globals[in->x].type);
  case MELD_IMM_TABLE:
    /* A bad element type of the table itself was reported with the table. */
    if (in->x < m->ntables) return meld_reftype_valid(m->tables[in->x].elem);
    ierr(v, i, "unknown table %u in %s (the module has %u)", in->x, opname(v, i), m->ntables);
    return false;
  case MELD_IMM_TABLE_TABLE:
  case MELD_IMM_ELEM_TABLE: {
    bool is_init = s->imm == MELD_IMM_ELEM_TABLE;
    bool ok = true;
    uint8_t src = 0, dst = 0;
    if (is_init) {
      v->pinned = true;
      if (in->x >= m->nelems) {
        ierr(v, i, "unknown elem segment %u in %s (the module has %u)", in->x, opname(v, i),
             m->nelems);
        ok = false;
      } else {
        src = m->elems[in->x].type;
      }
    } else if (in->y >= m->ntables) {
      ierr(v, i, "unknown table %u in %s (the module has %u)", in->y, opname(v, i), m->ntables);
      ok = false;
    } else {
      src = m->tables[in->y].elem;
    }
    uint32_t t = is_init ? in->y : in->x;
    if (t >= m->ntables) {
      ierr(v, i, "unknown table %u in %s (the module has %u)", t, opname(v, i), m->ntables);
      ok = false;
    } else {
      dst = m->tables[t].elem;
    }
    if (ok && src != dst)
      ierr(v, i, "type mismatch in %s: %s of %s into a table of %s", opname(v, i),
           is_init ? "segment" : "table", tname(src), tname(dst));
    return true;
  }
  case MELD_IMM_ELEM:
    v->pinned = true;
    if (in->x >= m->nelems)
      ierr(v, i, "unknown elem segment %u in %s (the module has %u)", in->x, opname(v, i),
           m->nelems);
    return true;
  case MELD_IMM_MEMARG: check_memarg(v, i, in, s); return true;
  case MELD_IMM_MEMARG_LANE:
    check_memarg(v, i, in, s);
    if (in->lane >= s->lanes)
      ierr(v, i, "invalid lane index %u in %s (%u lanes)", in->lane, opname(v, i), s->lanes);
    return true;
  case MELD_IMM_MEMORY:
    if (in->x >= m->nmemories)
      ierr(v, i, "unknown memory %u in %s (the module has %u)", in->x, opname(v, i), m->nmemories);
    return true;
  case MELD_IMM_MEMORY_MEMORY:
    if (in->x >= m->nmemories)
      ierr(v, i, "unknown memory %u in %s (the module has %u)", in->x, opname(v, i), m->nmemories);
    if (in->y >= m->nmemories && in->y != in->x)
      ierr(v, i, "unknown memory %u in %s (the module has %u)", in->y, opname(v, i), m->nmemories);
    return true;
  case MELD_IMM_DATA_MEMORY:
    v->pinned = true;
    if (in->y >= m->nmemories)
      ierr(v, i, "unknown memory %u in %s (the module has %u)", in->y, opname(v, i), m->nmemories);
    if (data_needs_count(v, i) && in->x >= m->ndatas)
      ierr(v, i, "unknown data segment %u in %s (the module has %u)", in->x, opname(v, i),
           m->ndatas);
    return true;
  case MELD_IMM_DATA:
    v->pinned = true;
    if (data_needs_count(v, i) && in->x >= m->ndatas)
      ierr(v, i, "unknown data segment %u in %s (the module has %u)", in->x, opname(v, i),
           m->ndatas);
    return true;
  case MELD_IMM_REFTYPE:
    if (meld_reftype_valid((uint8_t)in->x)) return true;
    ierr(v, i, "invalid reference type 0x%02x in %s", in->x, opname(v, i));
    return false;
  case MELD_IMM_SELECT_T:
    if (in->ntypes != 1) {
      ierr(v, i, "invalid result arity: select must name exactly one type, found %u", in->ntypes);
      return false;
    }
    if (meld_valtype_valid((uint8_t)in->x)) return true;
    ierr(v, i, "invalid value type 0x%02x in select", in->x);
    return false;
  case MELD_IMM_LANE:
    if (in->lane >= s->lanes)
      ierr(v, i, "invalid lane index %u in %s (%u lanes)", in->lane, opname(v, i), s->lanes);
    return true;
  case MELD_IMM_SHUFFLE:
    if (!in->v128) {
      ierr(v, i, "i8x16.shuffle has no lane array");
      return true;
    }
    for (uint32_t k = 0; k < 16; k++)
      if (in->v128[k] >= 32) {
        ierr(v, i, "invalid lane index %u in i8x16.shuffle (lane %u; 32 lanes)", in->v128[k], k);
        break;
      }
    return true;
  }
  return true;
}

/* ---- Typing of the instructions whose sig is "*" ---- */

static bool type_br_table(Verifier *v, uint32_t i, const MeldInstr *in) {
  if (!pop_expect(v, i, MELD_I32)) return false;
  const MeldValType *dts;
  uint32_t dn;
  label_types(v, in->labels[in->x], &dts, &dn);
  for (uint64_t k = 0; k <= in->x; k++) {
    const MeldValType *ts;
    uint32_t n;
    label_types(v, in->labels[k], &ts, &n);
    if (n != dn) {
      ierr(v, i,
           "type mismatch in br_table: label %u carries %u values but the default label %u "
           "carries %u",
           in->labels[k], n, in->labels[in->x], dn);
      return false;
    }
    if ((k == 0 || in->labels[k] != in->labels[k - 1]) && !peek_types(v, i, ts, n)) return false;
  }
  if (!pop_types(v, i, dts, dn)) return false;
  set_unreachable(v);
  return true;
}

static bool type_select(Verifier *v, uint32_t i) {
  if (!pop_expect(v, i, MELD_I32)) return false;
  uint8_t t1 = pop_val(v);
  uint8_t t2 = t1 == T_NONE ? T_NONE : pop_val(v);
  if (t1 == T_NONE || t2 == T_NONE) {
    ierr(v, i, "type mismatch in select: expected two operands and a condition, found %s",
         t1 == T_NONE ? "only the condition" : "one operand and the condition");
    return false;
  }
  if (!((is_num(t1) && is_num(t2)) || (is_vec(t1) && is_vec(t2)))) {
    if (is_ref(t1) || is_ref(t2))
      ierr(v, i, "type mismatch in select: operands of reference type (%s, %s) need a typed select",
           tname(t2), tname(t1));
    else
      ierr(v, i, "type mismatch in select: operands have different types (%s, %s)", tname(t2),
           tname(t1));
    return false;
  }
  if (t1 != t2 && t1 != T_ANY && t2 != T_ANY) {
    ierr(v, i, "type mismatch in select: operands have different types (%s, %s)", tname(t2),
         tname(t1));
    return false;
  }
  return push_val(v, t1 == T_ANY ? t2 : t1);
}

static bool type_manual(Verifier *v, uint32_t i, const MeldInstr *in) {
  const MeldModule *m = v->m;
  switch ((MeldOpcode)in->op) {
  case MELD_OP_Unreachable: set_unreachable(v); return true;
  case MELD_OP_Block:
  case MELD_OP_Loop:
  case MELD_OP_If: {
    const MeldValType *p, *r;
    uint32_t np, nr;
    block_sig(v, in, &p, &np, &r, &nr);
    if (in->op == MELD_OP_If && !pop_expect(v, i, MELD_I32)) return false;
    if (!pop_types(v, i, p, np)) return false;
    uint8_t kind = in->op == MELD_OP_Block ? F_BLOCK : in->op == MELD_OP_Loop ? F_LOOP : F_IF;
    return push_frame(v, kind, p, np, r, nr) && push_types(v, p, np);
  }
  case MELD_OP_Else: {
    Frame *f = &v->ctrl[v->nctrl - 1];
    if (f->kind != F_IF) {
      ierr(v, i, "else without a matching if");
      return false;
    }
    if (!check_frame_results(v, i)) return false;
    v->nvals = f->height;
    f->kind = F_ELSE;
    f->unreachable = false;
    return push_types(v, f->params, f->nparams);
  }
  case MELD_OP_End: {
    if (!check_frame_results(v, i)) return false;
    const Frame *f = &v->ctrl[v->nctrl - 1];
    if (f->kind == F_IF && !same_types(f->params, f->nparams, f->results, f->nresults)) {
      char a[160], b[160];
      ierr(v, i, "type mismatch in if without else: the missing else branch must turn %s into %s",
           fmt_types(a, sizeof a, f->params, f->nparams),
           fmt_types(b, sizeof b, f->results, f->nresults));
      return false;
    }
    const MeldValType *r = f->results;
    uint32_t nr = f->nresults;
    v->nvals = f->height;
    v->nctrl--;
    if (v->nctrl == 0) {
      if (v->instrs ? i + 1 != v->ninstrs : v->p != v->end) {
        ierr(v, i + 1, "instructions after the end of the function body");
        return false;
      }
      return true;
    }
    return push_types(v, r, nr);
  }
  case MELD_OP_Br: {
    const MeldValType *ts;
    uint32_t n;
    label_types(v, in->x, &ts, &n);
    if (!pop_types(v, i, ts, n)) return false;
    set_unreachable(v);
    return true;
  }
  case MELD_OP_BrIf: {
    const MeldValType *ts;
    uint32_t n;
    label_types(v, in->x, &ts, &n);
    return pop_expect(v, i, MELD_I32) && pop_types(v, i, ts, n) && push_types(v, ts, n);
  }
  case MELD_OP_BrTable: return type_br_table(v, i, in);
  case MELD_OP_Return: {
    const Frame *f = &v->ctrl[0];
    if (!pop_types(v, i, f->results, f->nresults)) return false;
    set_unreachable(v);
    return true;
  }
  case MELD_OP_Call: {
    const MeldFuncType *t = &m->types[m->funcs[in->x].type];
    return pop_types(v, i, t->params, t->nparams) && push_types(v, t->results, t->nresults);
  }
  case MELD_OP_CallIndirect: {
    const MeldFuncType *t = &m->types[in->x];
    return pop_expect(v, i, MELD_I32) && pop_types(v, i, t->params, t->nparams) &&
           push_types(v, t->results, t->nresults);
  }
  case MELD_OP_Drop:
    if (pop_val(v) != T_NONE) return true;
    ierr(v, i, "type mismatch in drop: expected a value, found nothing");
    return false;
  case MELD_OP_Select: return type_select(v, i);
  case MELD_OP_SelectT: {
    uint8_t t = (uint8_t)in->x;
    return pop_expect(v, i, MELD_I32) && pop_expect(v, i, t) && pop_expect(v, i, t) &&
           push_val(v, t);
  }
  /* local.get/set/tee are typed by the fast paths of type_body. */
  case MELD_OP_GlobalGet: return push_val(v, m->globals[in->x].type);
  case MELD_OP_GlobalSet: return pop_expect(v, i, m->globals[in->x].type);
  case MELD_OP_TableGet: return pop_expect(v, i, MELD_I32) && push_val(v, m->tables[in->x].elem);
  case MELD_OP_TableSet:
    return pop_expect(v, i, m->tables[in->x].elem) && pop_expect(v, i, MELD_I32);
  case MELD_OP_TableGrow:
    return pop_expect(v, i, MELD_I32) && pop_expect(v, i, m->tables[in->x].elem) &&
           push_val(v, MELD_I32);
  case MELD_OP_TableFill:
    return pop_expect(v, i, MELD_I32) && pop_expect(v, i, m->tables[in->x].elem) &&
           pop_expect(v, i, MELD_I32);
  case MELD_OP_RefNull: return push_val(v, (uint8_t)in->x);
  case MELD_OP_RefIsNull: {
    uint8_t t = pop_val(v);
    if (t == T_NONE || !(is_ref(t) || t == T_ANY)) {
      ierr(v, i, "type mismatch in ref.is_null: expected a reference, found %s", tname(t));
      return false;
    }
    return push_val(v, MELD_I32);
  }
  case MELD_OP_RefFunc: return push_val(v, MELD_FUNCREF);
  default:
    ierr(v, i, "internal error: the verifier has no typing rule for %s", opname(v, i));
    return false;
  }
}

/* ---- Function bodies ---- */

/* Types an instruction by its sig: a direct comparison when the frame holds enough values,
 * else value by value from the top (which also finds the first mismatch to report). */
static ALWAYS_INLINE bool apply_sig(Verifier *v, uint32_t i, const OpSig *s) {
  uint32_t np = s->nparams;
  if (np == 0) return !s->result || push_val(v, s->result); /* (vals may still be NULL) */
  const Frame *f = &v->ctrl[v->nctrl - 1];
  if (v->nvals - f->height >= np) {
    const uint8_t *sp = v->vals + v->nvals - np;
    uint32_t k = 0;
    while (k < np && (sp[k] == s->params[k] || sp[k] == T_ANY))
      k++;
    if (k == np) {
      v->nvals -= np;
      return !s->result || push_val(v, s->result);
    }
  }
  for (uint32_t k = np; k-- > 0;)
    if (!pop_expect(v, i, s->params[k])) return false;
  return !s->result || push_val(v, s->result);
}

/* After typing stopped at some instruction: the remaining instructions get their immediate
 * checks; `depth` is the number of enclosing labels at `from`. */
static void scan_rest(Verifier *v, uint32_t from, uint32_t depth) {
  for (uint32_t i = from; i < v->ninstrs; i++) {
    const MeldInstr *in = &v->instrs[i];
    if (in->op >= MELD_NUM_OPCODES) {
      ierr(v, i, "unknown opcode %u", in->op);
      continue;
    }
    const OpSig *s = &v->sigs[in->op];
    if (s->imm != MELD_IMM_NONE) check_imm(v, i, in, s, depth);
    if (in->op == MELD_OP_Block || in->op == MELD_OP_Loop || in->op == MELD_OP_If)
      depth++;
    else if (in->op == MELD_OP_End && depth > 0)
      depth--;
  }
}

/* Appends a reference to the body's list unless it repeats the last of its space. */
static inline void record_ref(Verifier *v, uint32_t space, uint32_t idx) {
  if (v->keep_refs) refs_append(&v->refs, &v->refs_ok, v->last_ref, space, idx);
}

static void type_body(Verifier *v) {
  const MeldInstr *ins = v->instrs;
  uint32_t n = v->ninstrs;
  v->nvals = 0;
  v->nctrl = 0;
  if (!push_frame(v, F_FUNC, NULL, 0, v->ftype->results, v->ftype->nresults)) return;
  uint32_t i = 0, depth = 0;
  for (;; i++) {
    const MeldInstr *in;
    if (ins) {
      if (i >= n) break;
      in = &ins[i];
    } else {
      /* Streaming (quiet): a decoding error sends the body to the reporting run. */
      if (v->p >= v->end) break;
      /* The commonest instructions with short immediates, typed without decoding them; any
       * problem goes the long way, which reports it. */
      uint8_t b = *v->p;
      uint32_t len, x;
      if ((b == 0x41 || b == 0x42) && (len = short_leb(v->p + 1, v->end, &x))) {
        v->p += 1 + len;
        if (!push_val(v, b == 0x41 ? MELD_I32 : MELD_I64)) goto stop;
        continue;
      }
      if (b >= 0x20 && b <= 0x22 && (len = short_leb(v->p + 1, v->end, &x)) && x < v->nlocals) {
        v->p += 1 + len;
        uint8_t t = local_type(v, x);
        if (b == 0x20) {
          if (!push_val(v, t)) goto stop;
        } else if (!pop_expect(v, i, t) || (b == 0x22 && !push_val(v, t))) {
          goto stop;
        }
        continue;
      }
      /* global.get/set of a valid global (set: a mutable one), call of a function with a valid
       * type: their typing, after the checks check_imm would make. */
      if ((b == 0x23 || b == 0x24 || b == 0x10) && (len = short_leb(v->p + 1, v->end, &x))) {
        const MeldModule *m = v->m;
        if (b == 0x10) {
          if (x < m->nfuncs && m->funcs[x].type < m->ntypes) {
            v->p += 1 + len;
            const MeldFuncType *t = &m->types[m->funcs[x].type];
            record_ref(v, MELD_SPACE_FUNC, x);
            if (!pop_types(v, i, t->params, t->nparams) ||
                !push_types(v, t->results, t->nresults))
              goto stop;
            continue;
          }
        } else if (x < m->nglobals && meld_valtype_valid(m->globals[x].type) &&
                   (b == 0x23 || m->globals[x].mut)) {
          v->p += 1 + len;
          record_ref(v, MELD_SPACE_GLOBAL, x);
          if (b == 0x23 ? !push_val(v, m->globals[x].type)
                        : !pop_expect(v, i, m->globals[x].type))
            goto stop;
          continue;
        }
      }
      int op = (int)op_single[b] - 1;
      if (op >= 0) {
        const OpSig *s = &v->sigs[op];
        if (s->cls == K_SIG && s->imm == MELD_IMM_NONE) {
          v->p++;
          if (!apply_sig(v, i, s)) goto stop;
          continue;
        }
        /* A plain load or store of memory 0 (flags in one byte, no memory index). */
        if (s->cls == K_MEMARG && v->end - v->p >= 2 && v->p[1] <= s->align &&
            v->m->nmemories > 0 && (len = short_leb(v->p + 2, v->end, &x))) {
          v->p += 2 + len;
          record_ref(v, MELD_SPACE_MEMORY, 0);
          if (!apply_sig(v, i, s)) goto stop;
          continue;
        }
      }
      const char *err;
      if (!decode_one(&v->p, v->end, &v->scratch, &v->cur, &err)) {
        v->quiet_failed = true;
        return;
      }
      in = &v->cur;
      if (v->keep_refs) {
        MeldInstr copy = v->cur;
        MeldIndexRef refs[2];
        uint32_t nr = meld_instr_refs(&copy, refs);
        for (uint32_t r = 0; r < nr; r++)
          record_ref(v, in->op == MELD_OP_RefFunc ? MELD_REF_TAKEN : (uint32_t)refs[r].space,
                     *refs[r].slot);
      }
    }
    depth = v->nctrl;
    if (in->op >= MELD_NUM_OPCODES) {
      ierr(v, i, "unknown opcode %u", in->op);
      goto stop;
    }
    const OpSig *s = &v->sigs[in->op];
    switch (s->cls) {
    case K_SIG:
      if (!apply_sig(v, i, s)) goto stop;
      continue;
    case K_MEMARG:
      /* The common case inline; check_imm says what is wrong otherwise. */
      if (in->x < v->m->nmemories && in->offset <= UINT32_MAX &&
          (s->atomic ? in->align == s->align : in->align <= s->align)) {
        if (!apply_sig(v, i, s)) goto stop;
        continue;
      }
      /* fallthrough */
    case K_SIG_CHECK:
      if (!check_imm(v, i, in, s, depth) || !apply_sig(v, i, s)) goto stop;
      continue;
    /* The local instructions (sig "*"): typed here; a bad index falls through to check_imm,
     * which reports it. */
    case K_LOCAL_GET:
      if (in->x >= v->nlocals) break;
      if (!push_val(v, local_type(v, in->x))) goto stop;
      continue;
    case K_LOCAL_SET:
      if (in->x >= v->nlocals) break;
      if (!pop_expect(v, i, local_type(v, in->x))) goto stop;
      continue;
    case K_LOCAL_TEE: {
      if (in->x >= v->nlocals) break;
      uint8_t t = local_type(v, in->x);
      if (!pop_expect(v, i, t) || !push_val(v, t)) goto stop;
      continue;
    }
    default: break;
    }
    /* The other "*" instructions, by hand. */
    if (s->imm != MELD_IMM_NONE && !check_imm(v, i, in, s, depth)) goto stop;
    if (!type_manual(v, i, in)) goto stop;
    if (v->nctrl == 0) return; /* the function's own end, which must be last */
  }
  if (i == 0)
    ierr(v, 0, "empty function body (missing end)");
  else
    ierr(v, i - 1, "function body does not end with end");
  return;
stop:
  if (v->oom || v->quiet) return;
  assert(ins && "streaming is for quiet runs only");
  if (i < n) {
    uint16_t op = ins[i].op;
    if (op == MELD_OP_Block || op == MELD_OP_Loop || op == MELD_OP_If)
      depth++;
    else if (op == MELD_OP_End && depth > 0)
      depth--;
  }
  if (depth == 0) return;
  scan_rest(v, i + 1, depth);
}

/* Decodes and checks one body; `with_offsets` asks the decoder for instruction offsets.  A quiet
 * check of a raw body types each instruction as it is decoded, keeping no array: the common
 * case (a valid body) then reads the code once. */
static void check_body(Verifier *v, const MeldFunc *f, bool with_offsets) {
  if (v->quiet && !f->decoded && f->import == MELD_NONE) {
    v->instrs = NULL;
    v->offsets = NULL;
    v->ninstrs = f->codesize; /* a bound on the count, for setup_locals */
    v->p = f->code;
    v->end = f->code + f->codesize;
    v->refs.len = 0;
    v->refs_ok = true;
    v->keep_refs = v->ctx->keep_reference_lists && v->m->arena;
    memset(v->last_ref, 0xff, sizeof v->last_ref);
    if (setup_locals(v, f)) type_body(v);
    return;
  }
  const MeldInstr *ins;
  uint32_t n;
  const uint64_t *offs = NULL;
  if (!meld_func_instrs(v->ctx, v->m, f, &v->scratch, &ins, &n, with_offsets ? &offs : NULL)) {
    v->ok = false;
    v->quiet_failed = false; /* the decoder has reported */
    if (v->scratch.oom) report_oom(v);
    return;
  }
  v->instrs = ins;
  v->ninstrs = n;
  v->offsets = offs;
  if (setup_locals(v, f)) type_body(v);
}

/* Checks one body, reporting: 2 when it is a raw body the quiet check accepted and that may be
 * marked, 1 when it is one that may not (pinned), 0 otherwise. */
static int verify_body(Verifier *v, uint32_t fidx) {
  const MeldModule *m = v->m;
  const MeldFunc *f = &m->funcs[fidx];
  MeldArenaMark mark = meld_arena_mark(&v->scratch);
  v->func = fidx;
  v->ftype = &m->types[f->type];
  /* A decoded body has no offsets to gain: check it once, reporting. */
  v->quiet = !f->decoded;
  v->quiet_failed = false;
  v->pinned = false;
  check_body(v, f, false);
  int accepted = v->quiet && !v->quiet_failed && !v->oom ? (v->pinned ? 1 : 2) : 0;
  v->quiet = false;
  if (v->quiet_failed && !v->oom) {
    meld_arena_release(&v->scratch, mark);
    check_body(v, f, true);
  }
  meld_arena_release(&v->scratch, mark);
  return accepted;
}

/* ---- Constant expressions ---- */

static const char *site_text(char *buf, size_t cap, int site, uint32_t a, uint32_t b) {
  switch (site) {
  case SITE_GLOBAL: snprintf(buf, cap, "the initializer of global %u", a); break;
  case SITE_ELEM_OFFSET: snprintf(buf, cap, "the offset of element segment %u", a); break;
  case SITE_ELEM_ITEM: snprintf(buf, cap, "item %u of element segment %u", b, a); break;
  default: snprintf(buf, cap, "the offset of data segment %u", a); break;
  }
  return buf;
}

static void mark_declared(Verifier *v, uint32_t f) {
  if (f < v->m->nfuncs) v->declared[f >> 3] |= (uint8_t)(1u << (f & 7));
}

/* 2.0 constant expressions (t.const, ref.null, ref.func, global.get of an imported immutable
 * global; the context of every constant expression holds only the imported globals) plus
 * extended-const arithmetic. */
static void const_expr(Verifier *v, const MeldExpr *e, uint8_t want, int site, uint32_t a,
                       uint32_t b) {
  const MeldModule *m = v->m;
  char where[96];
  v->nvals = 0;
  bool ended = false;
  for (uint32_t k = 0; k < e->ninstrs; k++) {
    const MeldInstr *in = &e->instrs[k];
    if (ended) {
      merr(v, "%s: instructions after end", site_text(where, sizeof where, site, a, b));
      return;
    }
    if (in->op >= MELD_NUM_OPCODES) {
      merr(v, "%s: unknown opcode %u", site_text(where, sizeof where, site, a, b), in->op);
      return;
    }
    const OpSig *s = &v->sigs[in->op];
    uint8_t push = 0;
    switch ((MeldOpcode)in->op) {
    case MELD_OP_End: ended = true; continue;
    case MELD_OP_I32Const:
    case MELD_OP_I64Const:
    case MELD_OP_F32Const:
    case MELD_OP_F64Const:
    case MELD_OP_V128Const:
    case MELD_OP_I32Add:
    case MELD_OP_I32Sub:
    case MELD_OP_I32Mul:
    case MELD_OP_I64Add:
    case MELD_OP_I64Sub:
    case MELD_OP_I64Mul:
      for (uint32_t p = s->nparams; p-- > 0;) {
        uint8_t got = v->nvals ? v->vals[--v->nvals] : T_NONE;
        if (got != s->params[p]) {
          merr(v, "type mismatch in %s: %s expects %s, found %s",
               site_text(where, sizeof where, site, a, b), op_rows[in->op].text,
               tname(s->params[p]), tname(got));
          return;
        }
      }
      push = s->result;
      break;
    case MELD_OP_GlobalGet:
      if (in->x >= m->nglobals || in->x >= m->nimportglobals) {
        merr(v,
             "%s: unknown global %u (constant expressions may only read the %u imported "
             "globals)",
             site_text(where, sizeof where, site, a, b), in->x, m->nimportglobals);
        return;
      }
      if (m->globals[in->x].mut) {
        merr(v, "constant expression required in %s: global.get %u reads a mutable global",
             site_text(where, sizeof where, site, a, b), in->x);
        return;
      }
      push = m->globals[in->x].type;
      break;
    case MELD_OP_RefNull:
      if (!meld_reftype_valid((uint8_t)in->x)) {
        merr(v, "%s: invalid reference type 0x%02x in ref.null",
             site_text(where, sizeof where, site, a, b), in->x);
        return;
      }
      push = (uint8_t)in->x;
      break;
    case MELD_OP_RefFunc:
      if (in->x >= m->nfuncs) {
        merr(v, "%s: unknown function %u in ref.func (the module has %u)",
             site_text(where, sizeof where, site, a, b), in->x, m->nfuncs);
        return;
      }
      push = MELD_FUNCREF;
      break;
    default:
      merr(v, "constant expression required in %s: %s is not a constant instruction",
           site_text(where, sizeof where, site, a, b), op_rows[in->op].text);
      return;
    }
    if (!push_val(v, push)) return;
  }
  if (!ended) {
    merr(v, "%s: constant expression does not end with end",
         site_text(where, sizeof where, site, a, b));
    return;
  }
  if (v->nvals != 1 || v->vals[0] != want) {
    char found[160];
    merr(v, "type mismatch in %s: expected [%s], found %s",
         site_text(where, sizeof where, site, a, b), tname(want),
         fmt_types(found, sizeof found, v->vals, v->nvals));
  }
}

/* Errors in a constant expression are reported at the expression when its offset is known. */
static void verify_const_expr(Verifier *v, const MeldExpr *e, uint8_t want, int site, uint32_t a,
                              uint32_t b) {
  uint64_t outer = v->at;
  if (e->at != MELD_NO_OFFSET) v->at = e->at;
  const_expr(v, e, want, site, a, b);
  v->at = outer;
}

/* C.refs: every function named outside function bodies and the start section. */
static void collect_declared(Verifier *v) {
  const MeldModule *m = v->m;
  for (uint32_t k = 0; k < m->nexports; k++)
    if (m->exports[k].kind == MELD_EXTERN_FUNC) mark_declared(v, m->exports[k].index);
  for (uint32_t k = 0; k < m->nelems; k++) {
    const MeldElem *e = &m->elems[k];
    if (e->exprs) {
      for (uint32_t j = 0; j < e->ninit; j++)
        for (uint32_t q = 0; q < e->exprs[j].ninstrs; q++)
          if (e->exprs[j].instrs[q].op == MELD_OP_RefFunc)
            mark_declared(v, e->exprs[j].instrs[q].x);
    } else if (e->funcs) {
      for (uint32_t j = 0; j < e->ninit; j++)
        mark_declared(v, e->funcs[j]);
    }
  }
  for (uint32_t k = m->nimportglobals; k < m->nglobals; k++)
    for (uint32_t q = 0; q < m->globals[k].init.ninstrs; q++)
      if (m->globals[k].init.instrs[q].op == MELD_OP_RefFunc)
        mark_declared(v, m->globals[k].init.instrs[q].x);
}

/* ---- Module-level rules ---- */

static void verify_types(Verifier *v) {
  const MeldModule *m = v->m;
  for (uint32_t k = 0; k < m->ntypes; k++) {
    const MeldFuncType *t = &m->types[k];
    v->at = t->at;
    for (uint32_t j = 0; j < t->nparams; j++)
      if (!meld_valtype_valid(t->params[j]))
        merr(v, "type %u: invalid parameter type 0x%02x", k, t->params[j]);
    for (uint32_t j = 0; j < t->nresults; j++)
      if (!meld_valtype_valid(t->results[j]))
        merr(v, "type %u: invalid result type 0x%02x", k, t->results[j]);
  }
}

static uint32_t entity_import(const MeldModule *m, uint8_t kind, uint32_t idx) {
  switch (kind) {
  case MELD_EXTERN_FUNC: return m->funcs[idx].import;
  case MELD_EXTERN_TABLE: return m->tables[idx].import;
  case MELD_EXTERN_MEMORY: return m->memories[idx].import;
  default: return m->globals[idx].import;
  }
}

/* The IR invariant of Core.h: imports and the imported prefixes of the four index spaces
 * describe each other exactly.  Returns false when the counts themselves are inconsistent (then
 * no index space may be trusted). */
static bool verify_imports(Verifier *v) {
  const MeldModule *m = v->m;
  const uint32_t nimp[4] = {m->nimportfuncs, m->nimporttables, m->nimportmemories,
                            m->nimportglobals};
  const uint32_t ntot[4] = {m->nfuncs, m->ntables, m->nmemories, m->nglobals};
  static const char *const space[4] = {"functions", "tables", "memories", "globals"};
  bool counts_ok = true;
  for (uint8_t k = 0; k < 4; k++)
    if (nimp[k] > ntot[k]) {
      merr(v, "%u imported %s but only %u in the index space", nimp[k], space[k], ntot[k]);
      counts_ok = false;
    }
  if (!counts_ok) return false;
  for (uint32_t i = 0; i < m->nimports; i++) {
    const MeldImport *im = &m->imports[i];
    v->at = im->at;
    char name[2][200];
    if (im->kind > MELD_EXTERN_GLOBAL) {
      merr(v, "import %u (\"%s\" \"%s\"): invalid kind %u", i,
           fmt_name(name[0], sizeof name[0], im->module),
           fmt_name(name[1], sizeof name[1], im->name), im->kind);
      continue;
    }
    if (im->index >= nimp[im->kind] || entity_import(m, im->kind, im->index) != i)
      merr(v, "import %u (\"%s\" \"%s\"): %s %u is not the imported %s it names", i,
           fmt_name(name[0], sizeof name[0], im->module),
           fmt_name(name[1], sizeof name[1], im->name), meld_extern_kind_name(im->kind), im->index,
           meld_extern_kind_name(im->kind));
  }
  for (uint8_t k = 0; k < 4; k++) {
    for (uint32_t idx = 0; idx < nimp[k]; idx++) {
      uint32_t imp = entity_import(m, k, idx);
      if (imp >= m->nimports || m->imports[imp].kind != k || m->imports[imp].index != idx)
        merr(v, "imported %s %u does not link back to its import (import field %u)",
             meld_extern_kind_name(k), idx, imp);
    }
    for (uint32_t idx = nimp[k]; idx < ntot[k]; idx++)
      if (entity_import(m, k, idx) != MELD_NONE)
        merr(v, "defined %s %u has an import link (%u); imports must come first",
             meld_extern_kind_name(k), idx, entity_import(m, k, idx));
  }
  return true;
}

/* Type indices and local declarations; marks the functions whose bodies can be checked. */
static void verify_funcs(Verifier *v, uint8_t *body_ok) {
  const MeldModule *m = v->m;
  for (uint32_t k = 0; k < m->nfuncs; k++) {
    const MeldFunc *f = &m->funcs[k];
    v->at = f->at;
    body_ok[k] = 0;
    if (f->type >= m->ntypes) {
      merr(v, "function %u: unknown type %u (the module has %u)", k, f->type, m->ntypes);
      continue;
    }
    if (k < m->nimportfuncs) continue;
    if (f->pending) {
      merr(v, "internal error: function %u: its renumbering is pending (meld_module_settle)", k);
      continue;
    }
    bool ok = true;
    uint64_t sum = 0;
    for (uint32_t g = 0; g < f->nlocalgroups; g++) {
      sum += f->localgroups[g].count;
      if (!meld_valtype_valid(f->localgroups[g].type)) {
        merr(v, "function %u: invalid local type 0x%02x", k, f->localgroups[g].type);
        ok = false;
      }
    }
    if (sum != f->nlocals) {
      merr(v, "function %u: local declarations add up to %llu locals, not %u", k,
           (unsigned long long)sum, f->nlocals);
      ok = false;
    }
    body_ok[k] = ok;
  }
}

static void verify_limits(Verifier *v, const char *what, uint32_t k, const MeldLimits *l,
                          bool memory) {
  if (memory) {
    if (l->min > 65536)
      merr(v, "%s %u: memory size must be at most 65536 pages (4GiB), minimum is %u", what, k,
           l->min);
    if (l->has_max && l->max > 65536)
      merr(v, "%s %u: memory size must be at most 65536 pages (4GiB), maximum is %u", what, k,
           l->max);
    if (l->shared && !l->has_max) merr(v, "%s %u: shared memory must have a maximum", what, k);
  } else if (l->shared) {
    merr(v, "%s %u: tables cannot be shared", what, k);
  }
  if (l->has_max && l->min > l->max)
    merr(v, "%s %u: size minimum must not be greater than maximum (%u > %u)", what, k, l->min,
         l->max);
}

static void verify_exports(Verifier *v) {
  const MeldModule *m = v->m;
  const uint32_t ntot[4] = {m->nfuncs, m->ntables, m->nmemories, m->nglobals};
  char name[200];
  for (uint32_t k = 0; k < m->nexports; k++) {
    const MeldExport *x = &m->exports[k];
    v->at = x->at;
    if (x->kind > MELD_EXTERN_GLOBAL)
      merr(v, "export %u (\"%s\"): invalid kind %u", k, fmt_name(name, sizeof name, x->name),
           x->kind);
    else if (x->index >= ntot[x->kind])
      merr(v, "export %u (\"%s\"): unknown %s %u", k, fmt_name(name, sizeof name, x->name),
           meld_extern_kind_name(x->kind), x->index);
  }
  if (m->nexports < 2) return;
  /* Open addressing over export indices; the table is at least twice the export count. */
  uint32_t size = 4;
  while (size < 2 * (uint64_t)m->nexports)
    size *= 2;
  uint32_t *slots = meld_arena_alloc(&v->scratch, (size_t)size * sizeof *slots);
  if (!slots) {
    report_oom(v);
    return;
  }
  memset(slots, 0xFF, (size_t)size * sizeof *slots);
  for (uint32_t k = 0; k < m->nexports; k++) {
    MeldStr s = m->exports[k].name;
    uint32_t h = meld_hash_bytes(s.ptr, s.len, 0) & (size - 1);
    for (;; h = (h + 1) & (size - 1)) {
      if (slots[h] == MELD_NONE) {
        slots[h] = k;
        break;
      }
      if (meld_str_eq(m->exports[slots[h]].name, s)) {
        merr(v, "duplicate export name \"%s\" (exports %u and %u)", fmt_name(name, sizeof name, s),
             slots[h], k);
        break;
      }
    }
  }
}

static void verify_start(Verifier *v) {
  const MeldModule *m = v->m;
  if (m->start == MELD_NONE) return;
  v->at = m->start_at;
  if (m->start >= m->nfuncs) {
    merr(v, "start function: unknown function %u (the module has %u)", m->start, m->nfuncs);
    return;
  }
  uint32_t t = m->funcs[m->start].type;
  if (t >= m->ntypes) return;
  const MeldFuncType *ft = &m->types[t];
  if (ft->nparams || ft->nresults) {
    char a[160], b[160];
    merr(v, "start function %u must have type [] -> [], found %s -> %s", m->start,
         fmt_types(a, sizeof a, ft->params, ft->nparams),
         fmt_types(b, sizeof b, ft->results, ft->nresults));
  }
}

static void verify_elems(Verifier *v) {
  const MeldModule *m = v->m;
  for (uint32_t k = 0; k < m->nelems; k++) {
    const MeldElem *e = &m->elems[k];
    v->at = e->at;
    if (!meld_reftype_valid(e->type)) {
      merr(v, "element segment %u: invalid element type 0x%02x", k, e->type);
      continue;
    }
    if (e->mode > MELD_SEG_DECLARATIVE) {
      merr(v, "element segment %u: invalid mode %u", k, e->mode);
      continue;
    }
    if (e->mode == MELD_SEG_ACTIVE) {
      if (e->table >= m->ntables)
        merr(v, "element segment %u: unknown table %u (the module has %u)", k, e->table,
             m->ntables);
      else if (m->tables[e->table].elem != e->type)
        merr(v, "type mismatch in element segment %u: segment of %s for table %u of %s", k,
             tname(e->type), e->table, tname(m->tables[e->table].elem));
      verify_const_expr(v, &e->offset, MELD_I32, SITE_ELEM_OFFSET, k, 0);
    }
    if (e->exprs) {
      for (uint32_t j = 0; j < e->ninit; j++)
        verify_const_expr(v, &e->exprs[j], e->type, SITE_ELEM_ITEM, k, j);
    } else if (e->funcs) {
      if (e->type != MELD_FUNCREF && e->ninit)
        merr(v, "type mismatch in element segment %u: function indices in a segment of %s", k,
             tname(e->type));
      for (uint32_t j = 0; j < e->ninit; j++)
        if (e->funcs[j] >= m->nfuncs) {
          merr(v, "element segment %u, item %u: unknown function %u (the module has %u)", k, j,
               e->funcs[j], m->nfuncs);
        }
    } else if (e->ninit) {
      merr(v, "element segment %u: %u items but neither function indices nor expressions", k,
           e->ninit);
    }
  }
}

static void verify_datas(Verifier *v) {
  const MeldModule *m = v->m;
  for (uint32_t k = 0; k < m->ndatas; k++) {
    const MeldData *d = &m->datas[k];
    v->at = d->at;
    if (d->mode == MELD_SEG_PASSIVE) continue;
    if (d->mode != MELD_SEG_ACTIVE) {
      merr(v, "data segment %u: invalid mode %u", k, d->mode);
      continue;
    }
    if (d->memory >= m->nmemories)
      merr(v, "data segment %u: unknown memory %u (the module has %u)", k, d->memory, m->nmemories);
    verify_const_expr(v, &d->offset, MELD_I32, SITE_DATA_OFFSET, k, 0);
  }
}

/* ---- Bodies on several threads ---- */

typedef struct BodyCheck {
  const uint8_t *body_ok;
  uint8_t *passed;
  Verifier *workers;
  MeldArena *lists;        /* per worker: the reference lists of the bodies it passed */
  const uint32_t **list;   /* per function: its list (NULL: none) */
  uint32_t *nlist;
  MeldWorkQueue queue;
} BodyCheck;

static void check_bodies_worker(void *env, uint32_t w) {
  BodyCheck *bc = env;
  Verifier *v = &bc->workers[w];
  uint32_t b, e;
  while (meld_queue_take(&bc->queue, &b, &e)) {
    for (uint32_t k = b; k < e; k++) {
      const MeldFunc *f = &v->m->funcs[k];
      if (!bc->body_ok[k] || f->decoded || f->import != MELD_NONE) continue;
      MeldArenaMark mark = meld_arena_mark(&v->scratch);
      v->func = k;
      v->ftype = &v->m->types[f->type];
      v->quiet = true;
      v->quiet_failed = false;
      v->oom = false;
      v->pinned = false;
      check_body(v, f, false);
      /* 1: passed; 2: passed, and may be marked */
      bc->passed[k] = v->quiet_failed || v->oom ? 0 : v->pinned ? 1 : 2;
      if (bc->passed[k] && v->refs_ok && !v->refs.oom && bc->list) {
        bc->list[k] = v->refs.len ? meld_arena_memdup(&bc->lists[w], v->refs.data, v->refs.len)
                                  : meld_arena_alloc(&bc->lists[w], 4);
        bc->nlist[k] = (uint32_t)(v->refs.len / 4);
      }
      meld_arena_release(&v->scratch, mark);
    }
  }
}

/* With MeldContext.threads above 1 and enough code: the quiet check of every raw body, split
 * over workers.  Returns, per function, whether it passed (NULL when nothing ran in parallel);
 * the caller checks every other body itself, reporting, exactly as without threads. */
static uint8_t *check_bodies_parallel(Verifier *v, const uint8_t *body_ok,
                                      const uint32_t ***list_out, uint32_t **nlist_out) {
  const MeldModule *m = v->m;
  uint32_t nworkers = v->ctx->threads;
  if (nworkers <= 1 || v->oom) return NULL;
  uint64_t code = 0;
  for (uint32_t k = m->nimportfuncs; k < m->nfuncs; k++)
    if (!m->funcs[k].decoded && body_ok[k]) code += m->funcs[k].codesize;
  if (code < v->ctx->parallel_min_code) return NULL;
  uint8_t *passed = meld_arena_calloc(&v->scratch, (size_t)m->nfuncs + 1, 1);
  Verifier *ws = meld_arena_calloc(&v->scratch, nworkers, sizeof *ws);
  if (!passed || !ws) return NULL; /* the sequential check reports running out of memory */
  for (uint32_t w = 0; w < nworkers; w++) {
    ws[w].ctx = v->ctx;
    ws[w].m = m;
    ws[w].ok = true;
    ws[w].worker = true;
    ws[w].declared = v->declared;
    ws[w].at = MELD_NO_OFFSET;
    memcpy(ws[w].sigs, v->sigs, sizeof ws[w].sigs);
    meld_arena_init(&ws[w].scratch, v->ctx->alloc, 0);
    meld_buf_init(&ws[w].refs, v->ctx->alloc);
  }
  /* Reference lists go to the module's arena (a cache, like the marks). */
  MeldArena *lists = NULL;
  const uint32_t **list = NULL;
  uint32_t *nlist = NULL;
  if (m->arena && v->ctx->keep_reference_lists) {
    lists = meld_arena_calloc(&v->scratch, nworkers, sizeof *lists);
    list = meld_arena_calloc(&v->scratch, (size_t)m->nfuncs + 1, sizeof *list);
    nlist = meld_arena_calloc(&v->scratch, (size_t)m->nfuncs + 1, sizeof *nlist);
    if (!lists || !list || !nlist) lists = NULL, list = NULL, nlist = NULL;
  }
  for (uint32_t w = 0; lists && w < nworkers; w++)
    meld_arena_init(&lists[w], v->ctx->alloc, 64 * 1024);
  BodyCheck bc = {body_ok, passed, ws, lists, list, nlist, {0}};
  /* Small chunks: function sizes vary by orders of magnitude. */
  meld_queue_init(&bc.queue, m->nfuncs, 16);
  meld_parallel_run(nworkers, check_bodies_worker, &bc);
  for (uint32_t w = 0; w < nworkers; w++) {
    meld_free(v->ctx->alloc, ws[w].vals, ws[w].capvals);
    meld_free(v->ctx->alloc, ws[w].ctrl, (size_t)ws[w].capctrl * sizeof *ws[w].ctrl);
    meld_free(v->ctx->alloc, ws[w].flatbuf, ws[w].capflat);
    meld_arena_free(&ws[w].scratch);
    meld_buf_free(&ws[w].refs);
    if (lists) meld_arena_adopt(((MeldModule *)m)->arena, &lists[w]);
  }
  *list_out = list;
  *nlist_out = nlist;
  return passed;
}

bool meld_core_verify(MeldContext *ctx, const MeldModule *m) {
  Verifier *v = meld_alloc(ctx->alloc, sizeof *v);
  if (!v) {
    meld_error(ctx, m->file, MELD_NO_OFFSET, "out of memory while verifying the module");
    return false;
  }
  memset(v, 0, sizeof *v);
  v->at = MELD_NO_OFFSET;
  v->ctx = ctx;
  v->m = m;
  v->ok = true;
  meld_arena_init(&v->scratch, ctx->alloc, 0);
  meld_buf_init(&v->refs, ctx->alloc);
  build_sigs(v->sigs);

  verify_types(v);
  if (!verify_imports(v)) goto done;
  uint8_t *body_ok = meld_arena_alloc(&v->scratch, (size_t)m->nfuncs + 1);
  v->declared = meld_arena_calloc(&v->scratch, (size_t)m->nfuncs / 8 + 1, 1);
  if (!body_ok || !v->declared) {
    report_oom(v);
    goto done;
  }
  verify_funcs(v, body_ok);
  for (uint32_t k = 0; k < m->ntables; k++) {
    v->at = m->tables[k].at;
    if (!meld_reftype_valid(m->tables[k].elem))
      merr(v, "table %u: invalid element type 0x%02x", k, m->tables[k].elem);
    verify_limits(v, "table", k, &m->tables[k].limits, false);
  }
  for (uint32_t k = 0; k < m->nmemories; k++) {
    v->at = m->memories[k].at;
    verify_limits(v, "memory", k, &m->memories[k].limits, true);
  }
  collect_declared(v);
  for (uint32_t k = 0; k < m->nglobals; k++) {
    const MeldGlobal *g = &m->globals[k];
    v->at = g->at;
    if (!meld_valtype_valid(g->type)) {
      merr(v, "global %u: invalid type 0x%02x", k, g->type);
      continue;
    }
    if (k >= m->nimportglobals) verify_const_expr(v, &g->init, g->type, SITE_GLOBAL, k, 0);
  }
  verify_exports(v);
  verify_start(v);
  verify_elems(v);
  verify_datas(v);
  v->at = MELD_NO_OFFSET;
  /* Bodies the verifier accepted before, in this module, and that only type-preserving
   * renumbering has touched since, are valid still (MeldFunc.checked): skipped, unless the
   * context asks for every body (debug builds always check them, so that the tests compare
   * the marks with the full check). */
  bool recheck = v->ctx->recheck_bodies;
#ifndef NDEBUG
  recheck = true;
#endif
  for (uint32_t k = m->nimportfuncs; k < m->nfuncs && !recheck; k++)
    if (meld_func_checked(&m->funcs[k])) body_ok[k] = 0;
  const uint32_t **plist = NULL;
  uint32_t *pnlist = NULL;
  uint8_t *passed = check_bodies_parallel(v, body_ok, &plist, &pnlist);
  for (uint32_t k = m->nimportfuncs; k < m->nfuncs && !v->oom; k++) {
    if (!body_ok[k]) continue;
    bool par = passed && passed[k];
    int res = par ? passed[k] : verify_body(v, k);
    /* The mark and the reference list are caches in the function, written through the const
     * module (Core.h). */
    MeldFunc *f = (MeldFunc *)&m->funcs[k];
    f->checked = res == 2 && v->ok ? f->code : NULL;
    if (!res || f->decoded) continue;
    const uint32_t *l = NULL;
    uint32_t n = 0;
    if (par) {
      l = plist ? plist[k] : NULL;
      n = pnlist ? pnlist[k] : 0;
    } else if (m->arena && v->ctx->keep_reference_lists && v->refs_ok && !v->refs.oom) {
      l = v->refs.len ? meld_arena_memdup(m->arena, v->refs.data, v->refs.len)
                      : meld_arena_alloc(m->arena, 4);
      n = (uint32_t)(v->refs.len / 4);
    }
    if (l) {
      f->refs = l;
      f->nrefs = n;
      f->refs_code = f->code;
    }
  }

done:;
  bool ok = v->ok;
  meld_free(ctx->alloc, v->vals, v->capvals);
  meld_free(ctx->alloc, v->ctrl, (size_t)v->capctrl * sizeof *v->ctrl);
  meld_free(ctx->alloc, v->flatbuf, v->capflat);
  meld_arena_free(&v->scratch);
  meld_buf_free(&v->refs);
  meld_free(ctx->alloc, v, sizeof *v);
  return ok;
}
