/*
 * strip: remove custom sections.
 *
 * What it does: drops the custom sections of a core module -- all of them by default, only
 * debug information with `strip<debug>` (.debug_* DWARF sections, sourceMappingURL,
 * external_debug_info), and never those named by `keep=NAME`.  Removing "name" also clears the
 * decoded names.
 *
 * Why: custom sections carry no semantics; shipping firmware wants them gone, and tests want
 * output without toolchain-specific producers sections.
 *
 * Needs: a core module.  Guarantees: semantics unchanged (custom sections never affect them).
 */
#include "Passes/PassRegistry.h"

#include <string.h>

static bool is_debug_section(MeldStr n) {
  return (n.len > 7 && memcmp(n.ptr, ".debug_", 7) == 0) ||
         meld_str_eq_cstr(n, "sourceMappingURL") || meld_str_eq_cstr(n, "external_debug_info");
}

static bool kept(const MeldPassParams *p, MeldStr name) {
  for (uint32_t i = 0; i < p->nitems; i++)
    if (meld_str_eq_cstr(p->items[i].key, "keep") && meld_str_eq(p->items[i].value, name))
      return true;
  return false;
}

bool meld_pass_strip(MeldUnit *u, const MeldPassParams *params) {
  static const char *const known[] = {"debug", "keep", NULL};
  if (!meld_params_check(u, "strip", params, known)) return false;
  for (uint32_t i = 0; i < params->nitems; i++) {
    const MeldPassParam *p = &params->items[i];
    bool is_keep = meld_str_eq_cstr(p->key, "keep");
    if (is_keep != p->has_value || (is_keep && p->value.len == 0)) {
      meld_error(u->ctx, NULL, MELD_NO_OFFSET,
                 is_keep ? "strip: 'keep' needs a section name (keep=NAME)"
                         : "strip: 'debug' takes no value");
      return false;
    }
  }
  bool only_debug = meld_param_flag(params, "debug");
  MeldModule *m = u->module;
  uint32_t out = 0;
  for (uint32_t i = 0; i < m->ncustoms; i++) {
    MeldCustom *c = &m->customs[i];
    bool drop = !kept(params, c->name) && (!only_debug || is_debug_section(c->name));
    if (!drop) {
      m->customs[out++] = *c;
      continue;
    }
    if (c->is_names) memset(&m->names, 0, sizeof m->names);
  }
  m->ncustoms = out;
  return true;
}
