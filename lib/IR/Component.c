/*
 * Component IR helpers: the tables of sorts, sections, primitives, heap types and canon forms,
 * index-space derivation, and the extern-name grammar (kebab labels, interface names, semver).
 */
#include "meldc/Component.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- Tables ---- */

static const char *const sort_names[MELD_NUM_SORTS] = {
    "core func", "core table",  "core memory",   "core global", "core tag",
    "core type", "core module", "core instance", "func",        "value",
    "type",      "component",   "instance",
};

const char *meld_sort_name(MeldSort sort) {
  return (unsigned)sort < MELD_NUM_SORTS ? sort_names[sort] : "?";
}

bool meld_sort_is_core(MeldSort sort) {
  return sort <= MELD_SORT_CORE_INSTANCE;
}

MeldSort meld_sort_from_core_byte(uint8_t byte) {
  switch (byte) {
  case 0x00: return MELD_SORT_CORE_FUNC;
  case 0x01: return MELD_SORT_CORE_TABLE;
  case 0x02: return MELD_SORT_CORE_MEMORY;
  case 0x03: return MELD_SORT_CORE_GLOBAL;
  case 0x04: return MELD_SORT_CORE_TAG;
  case 0x10: return MELD_SORT_CORE_TYPE;
  case 0x11: return MELD_SORT_CORE_MODULE;
  case 0x12: return MELD_SORT_CORE_INSTANCE;
  default: return MELD_NUM_SORTS;
  }
}

uint8_t meld_sort_core_byte(MeldSort sort) {
  static const uint8_t bytes[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x12};
  return meld_sort_is_core(sort) ? bytes[sort] : 0xff;
}

void meld_sort_encode(MeldBuf *out, MeldSort sort) {
  switch (sort) {
  case MELD_SORT_FUNC: meld_buf_byte(out, 0x01); break;
  case MELD_SORT_VALUE: meld_buf_byte(out, 0x02); break;
  case MELD_SORT_TYPE: meld_buf_byte(out, 0x03); break;
  case MELD_SORT_COMPONENT: meld_buf_byte(out, 0x04); break;
  case MELD_SORT_INSTANCE: meld_buf_byte(out, 0x05); break;
  default:
    meld_buf_byte(out, 0x00);
    meld_buf_byte(out, meld_sort_core_byte(sort));
    break;
  }
}

const char *meld_csection_name(uint8_t id) {
  static const char *const names[MELD_NUM_CSECS] = {
      "custom", "core module", "core instance", "core type", "component", "instance", "alias",
      "type",   "canon",       "start",         "import",    "export",    "value"};
  return id < MELD_NUM_CSECS ? names[id] : "?";
}

bool meld_prim_valid(uint8_t byte) {
  return (byte >= MELD_PRIM_STRING && byte <= MELD_PRIM_BOOL) || byte == MELD_PRIM_ERROR_CONTEXT;
}

const char *meld_prim_name(uint8_t prim) {
  switch (prim) {
  case MELD_PRIM_BOOL: return "bool";
  case MELD_PRIM_S8: return "s8";
  case MELD_PRIM_U8: return "u8";
  case MELD_PRIM_S16: return "s16";
  case MELD_PRIM_U16: return "u16";
  case MELD_PRIM_S32: return "s32";
  case MELD_PRIM_U32: return "u32";
  case MELD_PRIM_S64: return "s64";
  case MELD_PRIM_U64: return "u64";
  case MELD_PRIM_F32: return "f32";
  case MELD_PRIM_F64: return "f64";
  case MELD_PRIM_CHAR: return "char";
  case MELD_PRIM_STRING: return "string";
  case MELD_PRIM_ERROR_CONTEXT: return "error-context";
  default: return "?";
  }
}

bool meld_comptype_is_defval(uint8_t code) {
  if (meld_prim_valid(code)) return true;
  switch (code) {
  case MELD_CT_RECORD:
  case MELD_CT_VARIANT:
  case MELD_CT_LIST:
  case MELD_CT_TUPLE:
  case MELD_CT_FLAGS:
  case MELD_CT_ENUM:
  case MELD_CT_OPTION:
  case MELD_CT_RESULT:
  case MELD_CT_OWN:
  case MELD_CT_BORROW:
  case MELD_CT_FIXED_LIST:
  case MELD_CT_STREAM:
  case MELD_CT_FUTURE:
  case MELD_CT_MAP: return true;
  default: return false;
  }
}

const char *meld_heap_type_name(uint8_t heap) {
  switch (heap) {
  case 0x73: return "nofunc";
  case 0x72: return "noextern";
  case 0x71: return "none";
  case 0x70: return "func";
  case 0x6f: return "extern";
  case 0x6e: return "any";
  case 0x6d: return "eq";
  case 0x6c: return "i31";
  case 0x6b: return "struct";
  case 0x6a: return "array";
  case 0x69: return "exn";
  case 0x74: return "noexn";
  default: return "?";
  }
}

/* Canon.def by code.  Designated initializers make a code listed twice a compile error under
 * -Werror (-Woverride-init, clang's -Winitializer-overrides); a byte that is no form has no text
 * and shape NONE. */
static const struct {
  const char *text;
  uint8_t shape; /* MeldCanonShape */
} canon_forms[256] = {
#define MELD_CANON(code, name, text, shape) [code] = {text, MELD_CANON_SHAPE_##shape},
#include "meldc/Canon.def"
};

const char *meld_canon_name(uint8_t op) {
  return canon_forms[op].text;
}

MeldCanonShape meld_canon_shape(uint8_t op) {
  return (MeldCanonShape)canon_forms[op].shape;
}

MeldSort meld_canon_sort(uint8_t op) {
  return op == MELD_CANON_LIFT ? MELD_SORT_FUNC : MELD_SORT_CORE_FUNC;
}

MeldSort meld_extern_sort(uint8_t ext_kind) {
  switch (ext_kind) {
  case MELD_EXT_MODULE: return MELD_SORT_CORE_MODULE;
  case MELD_EXT_FUNC: return MELD_SORT_FUNC;
  case MELD_EXT_VALUE: return MELD_SORT_VALUE;
  case MELD_EXT_TYPE: return MELD_SORT_TYPE;
  case MELD_EXT_COMPONENT: return MELD_SORT_COMPONENT;
  case MELD_EXT_INSTANCE: return MELD_SORT_INSTANCE;
  default: return MELD_NUM_SORTS;
  }
}

/* ---- Components and index spaces ---- */

MeldComponent *meld_component_new(MeldArena *arena) {
  return meld_arena_calloc(arena, 1, sizeof(MeldComponent));
}

static bool add_def(MeldComponent *c, MeldArena *arena, MeldSort sort, MeldDefKind kind,
                    uint32_t index, uint32_t sub) {
  MeldIndexSpace *s = &c->spaces[sort];
  MeldCompDef *d = MELD_PUSH(arena, s->items, s->nitems, s->cap);
  if (!d) return false;
  d->kind = (uint8_t)kind;
  d->index = index;
  d->sub = sub;
  return true;
}

bool meld_component_index(MeldComponent *c, MeldArena *arena) {
  for (int s = 0; s < MELD_NUM_SORTS; s++)
    c->spaces[s].nitems = 0;
  for (uint32_t si = 0; si < c->nsections; si++) {
    const MeldCompSection *sec = &c->sections[si];
    for (uint32_t k = 0; k < sec->count; k++) {
      uint32_t i = sec->first + k;
      bool ok = true;
      switch (sec->id) {
      case MELD_CSEC_CORE_MODULE:
        ok = add_def(c, arena, MELD_SORT_CORE_MODULE, MELD_DEF_CORE_MODULE, i, 0);
        break;
      case MELD_CSEC_CORE_INSTANCE:
        ok = add_def(c, arena, MELD_SORT_CORE_INSTANCE, MELD_DEF_CORE_INSTANCE, i, 0);
        break;
      case MELD_CSEC_CORE_TYPE: {
        const MeldCoreTypeDef *t = &c->coretypes[i];
        uint32_t n = t->kind == MELD_CORETYPE_MODULE ? 1 : t->nsubs;
        for (uint32_t m = 0; m < n && ok; m++)
          ok = add_def(c, arena, MELD_SORT_CORE_TYPE, MELD_DEF_CORE_TYPE, i, m);
        break;
      }
      case MELD_CSEC_COMPONENT:
        ok = add_def(c, arena, MELD_SORT_COMPONENT, MELD_DEF_COMPONENT, i, 0);
        break;
      case MELD_CSEC_INSTANCE:
        ok = add_def(c, arena, MELD_SORT_INSTANCE, MELD_DEF_INSTANCE, i, 0);
        break;
      case MELD_CSEC_ALIAS:
        ok = add_def(c, arena, (MeldSort)c->aliases[i].sort, MELD_DEF_ALIAS, i, 0);
        break;
      case MELD_CSEC_TYPE: ok = add_def(c, arena, MELD_SORT_TYPE, MELD_DEF_TYPE, i, 0); break;
      case MELD_CSEC_CANON:
        ok = add_def(c, arena, meld_canon_sort(c->canons[i].op), MELD_DEF_CANON, i, 0);
        break;
      case MELD_CSEC_START:
        for (uint32_t r = 0; r < c->starts[i].nresults && ok; r++)
          ok = add_def(c, arena, MELD_SORT_VALUE, MELD_DEF_START, i, r);
        break;
      case MELD_CSEC_IMPORT:
        ok = add_def(c, arena, meld_extern_sort(c->imports[i].type.kind), MELD_DEF_IMPORT, i, 0);
        break;
      case MELD_CSEC_EXPORT:
        ok = add_def(c, arena, (MeldSort)c->exports[i].sort, MELD_DEF_EXPORT, i, 0);
        break;
      case MELD_CSEC_VALUE: ok = add_def(c, arena, MELD_SORT_VALUE, MELD_DEF_VALUE, i, 0); break;
      default: break;
      }
      if (!ok) return false;
    }
  }
  return true;
}

const MeldCompDef *meld_component_def(const MeldComponent *c, MeldSort sort, uint32_t index) {
  if ((unsigned)sort >= MELD_NUM_SORTS || index >= c->spaces[sort].nitems) return NULL;
  return &c->spaces[sort].items[index];
}

MeldStr meld_component_name_of(const MeldComponent *c, MeldSort sort, uint32_t index) {
  MeldStr none = {"", 0};
  bool decoded = false;
  for (uint32_t i = 0; i < c->ncustoms; i++)
    decoded |= c->customs[i].is_names;
  if (!decoded) return none;
  for (uint32_t i = 0; i < c->names.nsorts; i++) {
    const MeldCompSortNames *s = &c->names.sorts[i];
    if (s->sort != sort) continue;
    /* Name maps are sorted by index when valid; a linear scan keeps unsorted ones working. */
    for (uint32_t k = 0; k < s->map.nitems; k++)
      if (s->map.items[k].index == index) return s->map.items[k].name;
  }
  return none;
}

void meld_component_names_encode(const MeldCompNames *names, MeldBuf *out) {
  MeldBuf sub;
  meld_buf_init(&sub, out->alloc);
  if (names->has_component) {
    meld_buf_str(&sub, names->component);
    meld_buf_byte(out, 0);
    meld_buf_u32(out, (uint32_t)sub.len);
    meld_buf_bytes(out, sub.data, sub.len);
  }
  for (uint32_t i = 0; i < names->nsorts; i++) {
    const MeldCompSortNames *s = &names->sorts[i];
    sub.len = 0;
    meld_sort_encode(&sub, (MeldSort)s->sort);
    meld_buf_u32(&sub, s->map.nitems);
    for (uint32_t k = 0; k < s->map.nitems; k++) {
      meld_buf_u32(&sub, s->map.items[k].index);
      meld_buf_str(&sub, s->map.items[k].name);
    }
    meld_buf_byte(out, 1);
    meld_buf_u32(out, (uint32_t)sub.len);
    meld_buf_bytes(out, sub.data, sub.len);
  }
  if (sub.oom) out->oom = true;
  meld_buf_free(&sub);
}

/* ---- Extern names ---- */

MELD_PRINTF(3, 4)
static bool fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return false;
}

static bool is_lower(char ch) {
  return ch >= 'a' && ch <= 'z';
}
static bool is_upper(char ch) {
  return ch >= 'A' && ch <= 'Z';
}
static bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

/* label ::= fragment ('-' fragment)*, each fragment all-lowercase or all-uppercase (digits
 * anywhere but first in the first fragment). */
bool meld_name_is_kebab(MeldStr s) {
  if (s.len == 0 || s.ptr[s.len - 1] == '-') return false;
  bool lower = false, upper = false, first = true, digit = false;
  for (uint32_t i = 0; i < s.len; i++) {
    char ch = s.ptr[i];
    if (is_lower(ch) && !upper) {
      lower = true;
    } else if (is_upper(ch) && !lower) {
      upper = true;
    } else if (is_digit(ch) && (lower || upper || !first)) {
      digit = true;
    } else if (ch == '-' && (lower || upper || digit)) {
      lower = upper = digit = false;
      first = false;
    } else {
      return false;
    }
  }
  return true;
}

static MeldStr slice(const char *p, const char *e) {
  MeldStr s = {p, (uint32_t)(e - p)};
  return s;
}

static bool starts_with(MeldStr s, const char *prefix) {
  size_t n = strlen(prefix);
  return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static bool kebab_or_fail(MeldStr s, char *err, size_t errlen) {
  if (meld_name_is_kebab(s)) return true;
  return fail(err, errlen, "`%.*s` is not in kebab case", (int)s.len, s.ptr);
}

/* A run of [a-zA-Z0-9-] starting at *p, which must be kebab; lowercase when `lower`. */
static bool take_kebab(const char **p, const char *end, bool lower, MeldStr *out, char *err,
                       size_t errlen) {
  const char *q = *p;
  while (q < end && (is_lower(*q) || is_upper(*q) || is_digit(*q) || *q == '-'))
    q++;
  MeldStr s = slice(*p, q);
  if (!kebab_or_fail(s, err, errlen)) return false;
  if (lower)
    for (uint32_t i = 0; i < s.len; i++)
      if (is_upper(s.ptr[i]))
        return fail(err, errlen, "character `%c` is not lowercase in package name/namespace",
                    s.ptr[i]);
  *p = q;
  *out = s;
  return true;
}

/* Numeric identifier: digits, no leading zero unless "0". */
static bool semver_number(const char **p, const char *end, char *err, size_t errlen) {
  const char *q = *p;
  if (q >= end) return fail(err, errlen, "unexpected end of input while parsing version");
  if (!is_digit(*q))
    return fail(err, errlen, "unexpected character '%c' while parsing version", *q);
  if (*q == '0' && q + 1 < end && is_digit(q[1]))
    return fail(err, errlen, "invalid leading zero in version number");
  while (q < end && is_digit(*q))
    q++;
  if (q - *p > 19) return fail(err, errlen, "version number too large");
  *p = q;
  return true;
}

/* dot-separated identifiers of [0-9A-Za-z-]; numeric ones without leading zeros (pre-release). */
static bool semver_idents(const char **p, const char *end, bool prerelease, char *err,
                          size_t errlen) {
  const char *q = *p;
  for (;;) {
    const char *s = q;
    bool numeric = true;
    while (q < end && (is_lower(*q) || is_upper(*q) || is_digit(*q) || *q == '-')) {
      if (!is_digit(*q)) numeric = false;
      q++;
    }
    if (q == s) return fail(err, errlen, "empty identifier segment in version");
    if (prerelease && numeric && *s == '0' && q - s > 1)
      return fail(err, errlen, "invalid leading zero in pre-release identifier");
    if (q < end && *q == '.') {
      q++;
      continue;
    }
    break;
  }
  *p = q;
  return true;
}

bool meld_semver_valid(MeldStr v, char *err, size_t errlen) {
  if (v.len == 0) return fail(err, errlen, "empty string, expected a semver version");
  const char *p = v.ptr, *end = v.ptr + v.len;
  for (int part = 0; part < 3; part++) {
    if (part > 0) {
      if (p >= end) return fail(err, errlen, "unexpected end of input while parsing version");
      if (*p != '.') return fail(err, errlen, "unexpected character '%c' after version number", *p);
      p++;
    }
    if (!semver_number(&p, end, err, errlen)) return false;
  }
  if (p < end && *p == '-') {
    p++;
    if (!semver_idents(&p, end, true, err, errlen)) return false;
  }
  if (p < end && *p == '+') {
    p++;
    if (!semver_idents(&p, end, false, err, errlen)) return false;
  }
  if (p < end) return fail(err, errlen, "unexpected character '%c' after version", *p);
  return true;
}

/* pkgpath ::= ns ':' pkg ('/' label)?  (required when `need_projection`). */
static bool pkg_path(const char **p, const char *end, bool need_projection, MeldNameInfo *out,
                     char *err, size_t errlen) {
  if (!take_kebab(p, end, true, &out->namespace_, err, errlen)) return false;
  if (*p >= end || **p != ':')
    return fail(err, errlen, "expected `:` at `%.*s`", (int)(end - *p), *p);
  (*p)++;
  if (!take_kebab(p, end, true, &out->package, err, errlen)) return false;
  if (*p < end && **p == '/') {
    (*p)++;
    if (!take_kebab(p, end, false, &out->interface, err, errlen)) return false;
  } else if (need_projection) {
    return fail(err, errlen, "expected `/` after package name");
  }
  return true;
}

static bool dependency_name(const char *p, const char *end, char *err, size_t errlen) {
  /* The forms wasm-tools and wac emit: prefix=<...> with an optional ",integrity=<...>"; the
   * bracketed part must be present, non-empty and free of '<'. */
  if (p >= end || *p != '<') return fail(err, errlen, "expected `<` at `%.*s`", (int)(end - p), p);
  const char *q = memchr(p, '>', (size_t)(end - p));
  if (!q) return fail(err, errlen, "failed to find `>` character");
  if (q == p + 1) return fail(err, errlen, "empty dependency name");
  if (memchr(p + 1, '<', (size_t)(q - p - 1))) return fail(err, errlen, "url cannot contain `<`");
  q++;
  if (q < end) {
    static const char integ[] = ",integrity=<";
    size_t n = sizeof integ - 1;
    if ((size_t)(end - q) < n + 1 || memcmp(q, integ, n) != 0 || end[-1] != '>')
      return fail(err, errlen, "trailing characters found: `%.*s`", (int)(end - q), q);
  }
  return true;
}

bool meld_name_parse(MeldStr name, MeldNameInfo *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  const char *p = name.ptr, *end = name.ptr + name.len;
  if (starts_with(name, "[constructor]")) {
    out->kind = MELD_NAME_CONSTRUCTOR;
    out->resource = out->label = slice(p + 13, end);
    return kebab_or_fail(out->resource, err, errlen);
  }
  if (starts_with(name, "[method]") || starts_with(name, "[static]")) {
    out->kind = name.ptr[1] == 'm' ? MELD_NAME_METHOD : MELD_NAME_STATIC;
    p += 8;
    const char *dot = memchr(p, '.', (size_t)(end - p));
    if (!dot) return fail(err, errlen, "failed to find `.` character");
    out->resource = slice(p, dot);
    out->method = slice(dot + 1, end);
    out->label = out->method;
    return kebab_or_fail(out->resource, err, errlen) && kebab_or_fail(out->method, err, errlen);
  }
  static const char *const deps[] = {"unlocked-dep=", "locked-dep=", "url=", "integrity="};
  for (size_t i = 0; i < sizeof deps / sizeof deps[0]; i++) {
    if (starts_with(name, deps[i])) {
      out->kind = MELD_NAME_DEPENDENCY;
      out->label = name;
      return dependency_name(p + strlen(deps[i]), end, err, errlen);
    }
  }
  if (memchr(p, ':', name.len)) {
    out->kind = MELD_NAME_INTERFACE;
    if (!pkg_path(&p, end, true, out, err, errlen)) return false;
    if (p < end && *p == '@') {
      out->has_version = true;
      out->version = slice(p + 1, end);
      p = end;
    }
    if (p < end) return fail(err, errlen, "trailing characters found: `%.*s`", (int)(end - p), p);
    out->label = out->interface;
    return true;
  }
  out->kind = MELD_NAME_LABEL;
  out->label = name;
  return kebab_or_fail(name, err, errlen);
}
