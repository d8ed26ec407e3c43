/*
 * What fusion did, for people (--explain) and for hosts (--emit-abi JSON, docs/fusion.md).
 */
#include "meldc/Fuse.h"

#include <stdarg.h>
#include <stdio.h>

static const char *how_name(uint8_t how) {
  switch (how) {
  case MELD_ADAPT_DIRECT: return "direct";
  case MELD_ADAPT_COPY: return "copy";
  case MELD_ADAPT_TRANSCODE: return "transcode";
  default: return "not adapted";
  }
}

static void put_str(MeldBuf *out, MeldStr s) {
  meld_buf_bytes(out, s.ptr, s.len);
}

static void put_instance(MeldBuf *out, const MeldFusion *f, uint32_t i) {
  if (i < f->ninstances) put_str(out, f->instances[i].path);
  else meld_buf_cstr(out, "host");
}

static void put_func_name(MeldBuf *out, MeldStr iface, MeldStr func) {
  if (iface.len) {
    put_str(out, iface);
    meld_buf_byte(out, '#');
  }
  put_str(out, func);
}

void meld_fusion_explain(const MeldModule *m, const MeldFusion *f, MeldBuf *out) {
  (void)m;
  for (uint32_t i = 0; i < f->nboundaries; i++) {
    const MeldBoundary *b = &f->boundaries[i];
    meld_buf_cstr(out, "explain: ");
    put_instance(out, f, b->caller);
    meld_buf_cstr(out, " -> ");
    put_instance(out, f, b->callee);
    meld_buf_cstr(out, ": ");
    put_func_name(out, b->interface, b->func);
    meld_buf_printf(out, ": %s (", how_name(b->how));
    meld_funcsig_print(b->sig, out);
    meld_buf_cstr(out, ")\n");
  }
  for (uint32_t i = 0; i < f->nimports; i++) {
    const MeldHostImport *h = &f->imports[i];
    meld_buf_cstr(out, "explain: ");
    put_instance(out, f, h->caller);
    meld_buf_cstr(out, " -> host: ");
    put_func_name(out, h->interface, h->func);
    meld_buf_cstr(out, h->import == MELD_NONE ? ": import removed (unused)\n" : ": core import\n");
  }
  for (uint32_t i = 0; i < f->nexports; i++) {
    const MeldHostExport *h = &f->exports[i];
    meld_buf_cstr(out, "explain: host -> ");
    put_instance(out, f, h->callee);
    meld_buf_cstr(out, ": ");
    put_func_name(out, h->interface, h->func);
    meld_buf_cstr(out, ": core export \"");
    put_str(out, h->name);
    meld_buf_cstr(out, "\"\n");
  }
  for (uint32_t i = 0; i < f->nnotes; i++) {
    meld_buf_cstr(out, "explain: ");
    put_str(out, f->notes[i]);
    meld_buf_byte(out, '\n');
  }
}

bool meld_fusion_note(MeldContext *ctx, MeldArena *arena, MeldFusion *f, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if ((size_t)n >= sizeof line) n = sizeof line - 1;
  MeldStr *slot = MELD_PUSH(arena, f->notes, f->nnotes, f->capnotes);
  MeldStr s = {line, (uint32_t)n};
  if (slot) *slot = meld_str_dup(arena, s);
  if (!slot || (n && !slot->ptr)) {
    if (slot) f->nnotes--;
    meld_error(ctx, NULL, MELD_NO_OFFSET, "out of memory while recording --explain notes");
    return false;
  }
  return true;
}

/* ---- JSON ---- */

static void json_str(MeldBuf *out, MeldStr s) {
  meld_buf_byte(out, '"');
  for (uint32_t i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c == '"' || c == '\\') {
      meld_buf_byte(out, '\\');
      meld_buf_byte(out, c);
    } else if (c < 0x20) {
      meld_buf_printf(out, "\\u%04x", c);
    } else {
      meld_buf_byte(out, c);
    }
  }
  meld_buf_byte(out, '"');
}

/* Resource names for own/borrow, while one document is being written. */
static _Thread_local const MeldFusion *json_fusion;

static void json_type(MeldBuf *out, const MeldValTy *t);

static void json_opt_type(MeldBuf *out, const MeldValTy *t) {
  if (t) json_type(out, t);
  else meld_buf_cstr(out, "null");
}

static void json_type(MeldBuf *out, const MeldValTy *t) {
  meld_buf_printf(out, "{\"kind\": \"%s\"", meld_val_kind_name(t->kind));
  switch ((MeldValKind)t->kind) {
  case MELD_VT_LIST:
    meld_buf_cstr(out, ", \"element\": ");
    json_type(out, t->a);
    break;
  case MELD_VT_FIXED_LIST:
    meld_buf_cstr(out, ", \"element\": ");
    json_type(out, t->a);
    meld_buf_printf(out, ", \"length\": %u", t->n);
    break;
  case MELD_VT_RECORD:
    meld_buf_cstr(out, ", \"fields\": [");
    for (uint32_t i = 0; i < t->n; i++) {
      meld_buf_cstr(out, i ? ", {\"name\": " : "{\"name\": ");
      json_str(out, t->labels[i]);
      meld_buf_cstr(out, ", \"type\": ");
      json_type(out, t->types[i]);
      meld_buf_byte(out, '}');
    }
    meld_buf_byte(out, ']');
    break;
  case MELD_VT_TUPLE:
    meld_buf_cstr(out, ", \"types\": [");
    for (uint32_t i = 0; i < t->n; i++) {
      if (i) meld_buf_cstr(out, ", ");
      json_type(out, t->types[i]);
    }
    meld_buf_byte(out, ']');
    break;
  case MELD_VT_VARIANT:
    meld_buf_cstr(out, ", \"cases\": [");
    for (uint32_t i = 0; i < t->n; i++) {
      meld_buf_cstr(out, i ? ", {\"name\": " : "{\"name\": ");
      json_str(out, t->labels[i]);
      meld_buf_cstr(out, ", \"type\": ");
      json_opt_type(out, t->types[i]);
      meld_buf_byte(out, '}');
    }
    meld_buf_byte(out, ']');
    break;
  case MELD_VT_ENUM:
  case MELD_VT_FLAGS:
    meld_buf_cstr(out, t->kind == MELD_VT_ENUM ? ", \"cases\": [" : ", \"flags\": [");
    for (uint32_t i = 0; i < t->n; i++) {
      if (i) meld_buf_cstr(out, ", ");
      json_str(out, t->labels[i]);
    }
    meld_buf_byte(out, ']');
    break;
  case MELD_VT_OPTION:
    meld_buf_cstr(out, ", \"type\": ");
    json_type(out, t->a);
    break;
  case MELD_VT_RESULT:
    meld_buf_cstr(out, ", \"ok\": ");
    json_opt_type(out, t->a);
    meld_buf_cstr(out, ", \"error\": ");
    json_opt_type(out, t->b);
    break;
  case MELD_VT_MAP:
    meld_buf_cstr(out, ", \"key\": ");
    json_type(out, t->a);
    meld_buf_cstr(out, ", \"value\": ");
    json_type(out, t->b);
    break;
  case MELD_VT_OWN:
  case MELD_VT_BORROW:
    if (json_fusion && t->resource < json_fusion->nresources) {
      const MeldFusedResource *r = &json_fusion->resources[t->resource];
      meld_buf_cstr(out, ", \"resource\": {\"interface\": ");
      json_str(out, r->interface);
      meld_buf_cstr(out, ", \"name\": ");
      json_str(out, r->name);
      meld_buf_byte(out, '}');
    }
    break;
  default: break;
  }
  meld_buf_byte(out, '}');
}

/* The name of the core export of entity (kind, index), as a JSON string or null. */
static void json_export_of(MeldBuf *out, const MeldModule *m, uint8_t kind, uint32_t index) {
  if (index != MELD_NONE)
    for (uint32_t i = 0; i < m->nexports; i++)
      if (m->exports[i].kind == kind && m->exports[i].index == index) {
        json_str(out, m->exports[i].name);
        return;
      }
  meld_buf_cstr(out, "null");
}

static const char *encoding_name(uint8_t e) {
  return e == MELD_ENC_UTF16 ? "utf16" : e == MELD_ENC_LATIN1_UTF16 ? "latin1+utf16" : "utf8";
}

static void json_sig(MeldBuf *out, const MeldFuncSig *sig) {
  meld_buf_cstr(out, "\"params\": [");
  for (uint32_t i = 0; i < sig->nparams; i++) {
    meld_buf_cstr(out, i ? ", {\"name\": " : "{\"name\": ");
    json_str(out, sig->param_names ? sig->param_names[i] : meld_str(""));
    meld_buf_cstr(out, ", \"type\": ");
    json_type(out, sig->params[i]);
    meld_buf_byte(out, '}');
  }
  meld_buf_cstr(out, "], \"result\": ");
  json_opt_type(out, sig->result);
}

void meld_fusion_abi_json(const MeldModule *m, const MeldFusion *f, MeldBuf *out) {
  json_fusion = f;
  meld_buf_cstr(out, "{\n  \"version\": 1,\n  \"exports\": [");
  for (uint32_t i = 0; i < f->nexports; i++) {
    const MeldHostExport *h = &f->exports[i];
    meld_buf_cstr(out, i ? ",\n    {\"core\": " : "\n    {\"core\": ");
    json_str(out, h->name);
    meld_buf_cstr(out, ", \"interface\": ");
    json_str(out, h->interface);
    meld_buf_cstr(out, ", \"name\": ");
    json_str(out, h->func);
    meld_buf_cstr(out, ",\n     ");
    json_sig(out, h->sig);
    meld_buf_cstr(out, ",\n     \"memory\": ");
    json_export_of(out, m, MELD_EXTERN_MEMORY, h->lift.memory);
    meld_buf_cstr(out, ", \"realloc\": ");
    json_export_of(out, m, MELD_EXTERN_FUNC, h->lift.realloc);
    meld_buf_cstr(out, ", \"post_return\": ");
    json_export_of(out, m, MELD_EXTERN_FUNC, h->lift.post_return);
    meld_buf_printf(out, ", \"string_encoding\": \"%s\"}", encoding_name(h->lift.encoding));
  }
  meld_buf_cstr(out, "\n  ],\n  \"imports\": [");
  bool first = true;
  for (uint32_t i = 0; i < f->nimports; i++) {
    const MeldHostImport *h = &f->imports[i];
    if (h->import == MELD_NONE || h->import >= m->nfuncs) continue; /* removed (unused) */
    const MeldImport *im = &m->imports[m->funcs[h->import].import];
    meld_buf_cstr(out, first ? "\n    {\"module\": " : ",\n    {\"module\": ");
    first = false;
    json_str(out, im->module);
    meld_buf_cstr(out, ", \"field\": ");
    json_str(out, im->name);
    meld_buf_cstr(out, ", \"interface\": ");
    json_str(out, h->interface);
    meld_buf_cstr(out, ", \"name\": ");
    json_str(out, h->func);
    meld_buf_cstr(out, ",\n     ");
    json_sig(out, h->sig);
    meld_buf_cstr(out, ",\n     \"memory\": ");
    json_export_of(out, m, MELD_EXTERN_MEMORY, h->lower.memory);
    meld_buf_cstr(out, ", \"realloc\": ");
    json_export_of(out, m, MELD_EXTERN_FUNC, h->lower.realloc);
    meld_buf_printf(out, ", \"string_encoding\": \"%s\"}", encoding_name(h->lower.encoding));
  }
  meld_buf_cstr(out, "\n  ]\n}\n");
  json_fusion = NULL;
}
