/*
 * The pass manager: the registry table, pipeline text parsing (syntax first, names second, as
 * LLVM's PassBuilder does), requirement checking, and the inspection flags (--print-*,
 * --debug-pass-manager, --time-passes, --verify-each), which live here and not in passes.
 */
#include "Passes/PassRegistry.h"
#include "meldc/Print.h"

#include <string.h>

const MeldPassInfo meld_passes[] = {
#define MELD_PASS(name, fn, summary, doc, req, prov, rem)                                          \
  {name, fn, summary, doc, req, prov, rem},
#include "Passes/Passes.def"
};
const uint32_t meld_npasses = sizeof meld_passes / sizeof meld_passes[0];

const MeldPassInfo *meld_pass_lookup(MeldStr name) {
  for (uint32_t i = 0; i < meld_npasses; i++)
    if (meld_str_eq_cstr(name, meld_passes[i].name)) return &meld_passes[i];
  return NULL;
}

/* ---- Parameters ---- */

bool meld_params_check(MeldUnit *u, const char *pass, const MeldPassParams *p,
                       const char *const *known) {
  bool ok = true;
  for (uint32_t i = 0; i < p->nitems; i++) {
    bool found = false;
    for (const char *const *k = known; *k; k++) found |= meld_str_eq_cstr(p->items[i].key, *k);
    if (!found) {
      meld_error(u->ctx, NULL, MELD_NO_OFFSET, "unknown parameter '%.*s' of pass '%s'",
                 (int)p->items[i].key.len, p->items[i].key.ptr, pass);
      ok = false;
    }
  }
  return ok;
}

bool meld_param_flag(const MeldPassParams *p, const char *key) {
  return meld_param_get(p, key) != NULL;
}

const MeldPassParam *meld_param_get(const MeldPassParams *p, const char *key) {
  for (uint32_t i = 0; i < p->nitems; i++)
    if (meld_str_eq_cstr(p->items[i].key, key)) return &p->items[i];
  return NULL;
}

bool meld_param_u32(MeldStr s, uint32_t *out) {
  if (s.len == 0 || s.len > 10) return false;
  uint64_t v = 0;
  for (uint32_t i = 0; i < s.len; i++) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9') return false;
    v = v * 10 + (uint64_t)(s.ptr[i] - '0');
  }
  if (v > UINT32_MAX) return false;
  *out = (uint32_t)v;
  return true;
}

void meld_param_error(MeldUnit *u, const char *pass, const MeldPassParam *p, const char *why) {
  meld_error(u->ctx, NULL, MELD_NO_OFFSET, "%s: invalid parameter '%.*s=%.*s': %s", pass,
             (int)p->key.len, p->key.ptr, (int)p->value.len, p->value.ptr, why);
}

/* ---- Pipeline text ---- */

static bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool parse_params(MeldArena *arena, const char *s, size_t len, MeldPassParams *out) {
  /* s: the text between < and >, non-empty. */
  uint32_t n = 1;
  for (size_t i = 0; i < len; i++) n += s[i] == ';';
  out->items = meld_arena_calloc(arena, n, sizeof *out->items);
  if (!out->items) return false;
  out->nitems = 0;
  size_t i = 0;
  while (i <= len) {
    size_t j = i;
    while (j < len && s[j] != ';') j++;
    if (j == i) return false; /* empty parameter */
    MeldPassParam *p = &out->items[out->nitems++];
    size_t eq = i;
    while (eq < j && s[eq] != '=') eq++;
    p->key.ptr = s + i;
    p->key.len = (uint32_t)(eq - i);
    if (p->key.len == 0) return false;
    if (eq < j) {
      p->has_value = true;
      p->value.ptr = s + eq + 1;
      p->value.len = (uint32_t)(j - eq - 1);
    }
    i = j + 1;
  }
  return true;
}

bool meld_pipeline_parse(MeldContext *ctx, MeldArena *arena, const char *text,
                         MeldPipeline *out) {
  memset(out, 0, sizeof *out);
  size_t len = strlen(text);
  /* Syntax. */
  size_t i = 0;
  while (len > 0) {
    size_t start = i;
    while (i < len && is_name_char(text[i])) i++;
    size_t name_end = i;
    MeldPassParams params = {NULL, 0};
    bool syntax_ok = name_end > start;
    if (syntax_ok && i < len && text[i] == '<') {
      size_t close = i + 1;
      while (close < len && text[close] != '>' && text[close] != '<') close++;
      if (close >= len || text[close] != '>' || close == i + 1 ||
          !parse_params(arena, text + i + 1, close - i - 1, &params))
        syntax_ok = false;
      i = close + 1;
    }
    if (syntax_ok && i < len && text[i] != ',') syntax_ok = false;
    if (syntax_ok && i < len && i + 1 == len) syntax_ok = false; /* trailing comma */
    if (!syntax_ok) {
      meld_error(ctx, NULL, MELD_NO_OFFSET, "invalid pipeline '%s'", text);
      return false;
    }
    MeldPipelineEntry *e = MELD_PUSH(arena, out->items, out->nitems, out->cap);
    if (!e) {
      meld_error(ctx, NULL, MELD_NO_OFFSET, "out of memory");
      return false;
    }
    e->pass = NULL; /* resolved below, once the whole text is known to be well-formed */
    e->params = params;
    e->text.ptr = text + start;
    e->text.len = (uint32_t)(i - start);
    if (i >= len) break;
    i++; /* comma */
  }
  /* Names. */
  for (uint32_t k = 0; k < out->nitems; k++) {
    MeldStr name = out->items[k].text;
    uint32_t n = 0;
    while (n < name.len && is_name_char(name.ptr[n])) n++;
    name.len = n;
    out->items[k].pass = meld_pass_lookup(name);
    if (!out->items[k].pass) {
      meld_error(ctx, NULL, MELD_NO_OFFSET, "unknown pass '%.*s'", (int)name.len, name.ptr);
      return false;
    }
  }
  return true;
}

void meld_pipeline_print(const MeldPipeline *p, MeldBuf *out) {
  for (uint32_t i = 0; i < p->nitems; i++) {
    if (i) meld_buf_byte(out, ',');
    meld_buf_bytes(out, p->items[i].text.ptr, p->items[i].text.len);
  }
}

/* ---- Requirements ---- */

typedef struct PropInfo {
  uint32_t bit;
  const char *what;     /* "a core module" */
  const char *provider; /* the pass that establishes it */
} PropInfo;

static const PropInfo props_table[] = {
    {MELD_PROP_CORE, "a core module", "resolve"},
    {MELD_PROP_COMPONENT, "components", NULL},
    {MELD_PROP_ADAPTED, "every cross-component call adapted", "adapter"},
};

static bool check_requirements(MeldUnit *u, const MeldPipeline *p) {
  uint32_t props = u->props;
  for (uint32_t i = 0; i < p->nitems; i++) {
    const MeldPassInfo *pass = p->items[i].pass;
    uint32_t missing = pass->requires & ~props;
    for (size_t k = 0; missing && k < sizeof props_table / sizeof *props_table; k++) {
      if (!(missing & props_table[k].bit)) continue;
      const char *prov = props_table[k].provider;
      if (prov && meld_pass_lookup(meld_str(prov)))
        meld_error(u->ctx, NULL, MELD_NO_OFFSET, "'%s' needs %s: run '%s' first", pass->name,
                   props_table[k].what, prov);
      else if (prov)
        meld_error(u->ctx, NULL, MELD_NO_OFFSET,
                   "'%s' needs %s, which only the '%s' pass makes, and this version of meldc "
                   "does not have it",
                   pass->name, props_table[k].what, prov);
      else
        meld_error(u->ctx, NULL, MELD_NO_OFFSET, "'%s' needs %s", pass->name,
                   props_table[k].what);
      return false;
    }
    props = (props | pass->provides) & ~pass->removes;
  }
  return true;
}

/* ---- Running ---- */

static bool in_list(const char *list, const char *name) {
  if (!list) return false;
  size_t n = strlen(name);
  const char *s = list;
  while (*s) {
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (len == n && strncmp(s, name, n) == 0) return true;
    if (!e) break;
    s = e + 1;
  }
  return false;
}

bool meld_pass_list_check(MeldContext *ctx, const char *list, const char *flag) {
  const char *s = list;
  while (*s) {
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    MeldStr name = {s, (uint32_t)len};
    if (!meld_pass_lookup(name)) {
      meld_error(ctx, NULL, MELD_NO_OFFSET, "unknown pass '%.*s' in %s", (int)len, s, flag);
      return false;
    }
    if (!e) break;
    s = e + 1;
  }
  return true;
}

static void dump(MeldUnit *u, FILE *f, const char *when, const MeldPipelineEntry *e) {
  MeldBuf b;
  meld_buf_init(&b, u->ctx->alloc);
  fprintf(f, "; *** IR Dump %s %.*s ***\n", when, (int)e->text.len, e->text.ptr);
  if (meld_unit_emit(u, MELD_EMIT_WAT, &b)) fwrite(b.data, 1, b.len, f);
  meld_buf_free(&b);
  fflush(f);
}

void meld_timings_add(MeldTimings *t, const char *name, uint32_t namelen, double seconds) {
  MeldTiming *e = MELD_PUSH(t->arena, t->items, t->nitems, t->cap);
  if (!e) return;
  e->name = name;
  e->namelen = namelen;
  e->seconds = seconds;
}

void meld_timings_report(const MeldTimings *t, FILE *out) {
  double total = 0;
  for (uint32_t i = 0; i < t->nitems; i++) total += t->items[i].seconds;
  fprintf(out, "===-------------------------------------------------------------------------===\n"
               "                      ... Pass execution timing report ...\n"
               "===-------------------------------------------------------------------------===\n"
               "  Total Execution Time: %.4f seconds\n\n"
               "   ---Wall Time---  --- Name ---\n",
          total);
  for (uint32_t i = 0; i < t->nitems; i++)
    fprintf(out, "   %.4f (%5.1f%%)  %.*s\n", t->items[i].seconds,
            total > 0 ? 100.0 * t->items[i].seconds / total : 0.0, (int)t->items[i].namelen,
            t->items[i].name);
  fprintf(out, "   %.4f (100.0%%)  Total\n", total);
}

/* The passes that change nothing a verified body relies on but indices, and renumber only
 * through maps that keep every entity's type: resolve (checked with meld_remap_keeps_types for
 * each module it merges), adapter (adds functions, types and code; bodies it redirects are
 * decoded, which drops their marks) and dce (compaction).  After any other pass every body's
 * verifier mark is dropped, so the next verification checks the whole module. */
static bool keeps_checks(const MeldPassInfo *pass) {
  return pass->run == meld_pass_resolve || pass->run == meld_pass_adapter ||
         pass->run == meld_pass_dce;
}

/* Passes that accept bodies with a pending renumbering: adapter (which settles them itself
 * before it rewrites calls) and dce (which applies them with its own renumbering). */
static bool takes_pending(const MeldPassInfo *pass) {
  return pass->run == meld_pass_adapter || pass->run == meld_pass_dce;
}

/* May a renumbering left pending before entry `i` wait for it?  Yes when a dce comes, with at
 * most adapters before it. */
static bool defers_to(const MeldPipeline *p, uint32_t i) {
  for (; i < p->nitems; i++) {
    if (p->items[i].pass->run == meld_pass_dce) return true;
    if (p->items[i].pass->run != meld_pass_adapter) return false;
  }
  return false;
}

static bool settle(MeldUnit *u) {
  return !u->module || meld_module_settle(u->ctx, u->module, &u->arena);
}

bool meld_pipeline_run(MeldUnit *u, const MeldPipeline *p, const MeldPassManagerOptions *o) {
  if (!check_requirements(u, p)) return false;
  FILE *out = o->dump ? o->dump : stderr;
  bool ok = true;
  for (uint32_t i = 0; i < p->nitems && ok; i++) {
    const MeldPipelineEntry *e = &p->items[i];
    /* Pending renumbering (MeldFunc.pending) reaches only the passes that apply it. */
    if (!takes_pending(e->pass) && !settle(u)) {
      ok = false;
      break;
    }
    u->defer_renumbering = !o->verify_each && !o->print_after_all &&
                           !in_list(o->print_after, e->pass->name) && defers_to(p, i + 1);
    if (o->print_before_all || in_list(o->print_before, e->pass->name)) {
      if (!settle(u)) {
        ok = false;
        break;
      }
      dump(u, out, "Before", e);
    }
    if (o->debug_pass_manager) fprintf(out, "Running pass: %.*s\n", (int)e->text.len, e->text.ptr);
    double t0 = meld_now();
    ok = e->pass->run(u, &e->params);
    double t1 = meld_now();
    if (o->timings) meld_timings_add(o->timings, e->text.ptr, e->text.len, t1 - t0);
    if (ok) u->props = (u->props | e->pass->provides) & ~e->pass->removes;
    if (ok && u->module && !keeps_checks(e->pass)) meld_module_forget_checks(u->module);
    if (ok && u->module && o->debug_pass_manager) {
      uint32_t marked = 0, bodies = 0, pending = 0;
      for (uint32_t k = 0; k < u->module->nfuncs; k++) {
        const MeldFunc *f = &u->module->funcs[k];
        if (f->import != MELD_NONE) continue;
        bodies++;
        marked += meld_func_checked(f);
        pending += f->pending != NULL;
      }
      fprintf(out, "Verifier marks: %u of %u function bodies\n", marked, bodies);
      if (pending) fprintf(out, "Renumbering pending: %u function bodies\n", pending);
    }
    u->defer_renumbering = false;
    if (ok && (o->verify_each || o->print_after_all || in_list(o->print_after, e->pass->name)))
      ok = settle(u);
    if (ok && o->verify_each) {
      if (o->debug_pass_manager) fprintf(out, "Running analysis: verifier\n");
      if (!meld_unit_verify(u)) {
        meld_error(u->ctx, NULL, MELD_NO_OFFSET, "the IR is invalid after pass '%.*s'",
                   (int)e->text.len, e->text.ptr);
        ok = false;
      }
      if (o->timings) meld_timings_add(o->timings, "verifier", 8, meld_now() - t1);
    }
    if (ok && (o->print_after_all || in_list(o->print_after, e->pass->name)))
      dump(u, out, "After", e);
  }
  u->defer_renumbering = false;
  return ok && settle(u);
}
