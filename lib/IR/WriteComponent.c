/*
 * The component writer: the component IR back to the binary format, section by section in the
 * order of MeldComponent.sections.  Each section is encoded into a scratch buffer first so its
 * size is known; a size that was read with a padded (non-minimal) LEB128 is written back with
 * the same width when it still fits, so an unmodified component round-trips byte for byte.
 * Other integers are written minimally (docs/component-ir.md lists the exceptions).  Nested core
 * modules go through meld_core_write.
 */
#include "meldc/Binary.h"

#include <string.h>

typedef struct Writer {
  MeldContext *ctx;
} Writer;

static void put_u32_width(MeldBuf *b, uint32_t v, uint8_t width) {
  uint32_t min = meld_leb_u32_size(v);
  if (width <= min || width > 5) {
    meld_buf_u32(b, v);
    return;
  }
  for (uint8_t i = 0; i < width; i++) {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    if (i + 1 < width) byte |= 0x80;
    meld_buf_byte(b, byte);
  }
}

static void put_valtype(MeldBuf *b, MeldCompValType t) {
  if (t.prim)
    meld_buf_byte(b, t.prim);
  else
    meld_buf_s64(b, (int64_t)t.index);
}

static void put_opt_valtype(MeldBuf *b, bool has, MeldCompValType t) {
  meld_buf_byte(b, has ? 1 : 0);
  if (has) put_valtype(b, t);
}

static void put_resultlist(MeldBuf *b, bool has, MeldCompValType t) {
  if (has) {
    meld_buf_byte(b, 0x00);
    put_valtype(b, t);
  } else {
    meld_buf_byte(b, 0x01);
    meld_buf_byte(b, 0x00);
  }
}

/* ---- Core types ---- */

static void put_core_valtype(MeldBuf *b, MeldCoreValType t) {
  meld_buf_byte(b, t.code);
  if (t.code == 0x63 || t.code == 0x64) {
    if (t.heap)
      meld_buf_byte(b, t.heap);
    else
      meld_buf_s64(b, (int64_t)t.index);
  }
}

/* `top` is a top-level core type of a component, where an open `sub` takes a 0x00 prefix. */
static void put_subtype(MeldBuf *b, const MeldCoreSubType *st, bool top) {
  if (st->form != MELD_SUB_BARE) {
    if (st->form == MELD_SUB_OPEN && top) meld_buf_byte(b, 0x00);
    meld_buf_byte(b, st->form == MELD_SUB_OPEN ? 0x50 : 0x4f);
    meld_buf_u32(b, st->nsupers);
    for (uint32_t i = 0; i < st->nsupers; i++)
      meld_buf_u32(b, st->supers[i]);
  }
  meld_buf_byte(b, st->kind);
  switch (st->kind) {
  case MELD_COMP_FUNC:
    meld_buf_u32(b, st->nparams);
    for (uint32_t i = 0; i < st->nparams; i++)
      put_core_valtype(b, st->params[i]);
    meld_buf_u32(b, st->nresults);
    for (uint32_t i = 0; i < st->nresults; i++)
      put_core_valtype(b, st->results[i]);
    break;
  case MELD_COMP_STRUCT:
    meld_buf_u32(b, st->nfields);
    /* fallthrough */
  default:
    for (uint32_t i = 0; i < st->nfields; i++) {
      put_core_valtype(b, st->fields[i].type);
      meld_buf_byte(b, st->fields[i].mut ? 1 : 0);
    }
    break;
  }
}

static void put_limits(MeldBuf *b, const MeldCoreExternType *e) {
  meld_buf_byte(b, e->flags);
  if (e->flags & 4) {
    meld_buf_u64(b, e->min);
    if (e->flags & 1) meld_buf_u64(b, e->max);
  } else {
    meld_buf_u32(b, (uint32_t)e->min);
    if (e->flags & 1) meld_buf_u32(b, (uint32_t)e->max);
  }
  if (e->flags & 8) meld_buf_u32(b, e->page_log2);
}

static void put_core_externtype(MeldBuf *b, const MeldCoreExternType *e) {
  meld_buf_byte(b, e->kind);
  switch (e->kind) {
  case MELD_EXTERN_FUNC: meld_buf_u32(b, e->index); break;
  case MELD_EXTERN_TABLE:
    put_core_valtype(b, e->type);
    put_limits(b, e);
    break;
  case MELD_EXTERN_MEMORY: put_limits(b, e); break;
  case MELD_EXTERN_GLOBAL:
    put_core_valtype(b, e->type);
    meld_buf_byte(b, e->mut ? 1 : 0);
    break;
  default: /* tag */
    meld_buf_byte(b, 0x00);
    meld_buf_u32(b, e->index);
    break;
  }
}

static void put_rectype(MeldBuf *b, const MeldCoreTypeDef *t, bool top);

static void put_core_type(MeldBuf *b, const MeldCoreTypeDef *t, bool top) {
  if (t->kind != MELD_CORETYPE_MODULE) {
    put_rectype(b, t, top);
    return;
  }
  meld_buf_byte(b, 0x50);
  meld_buf_u32(b, t->ndecls);
  for (uint32_t i = 0; i < t->ndecls; i++) {
    const MeldCoreModuleDecl *d = &t->decls[i];
    meld_buf_byte(b, d->kind);
    switch (d->kind) {
    case MELD_MDECL_IMPORT:
      meld_buf_str(b, d->module);
      meld_buf_str(b, d->name);
      put_core_externtype(b, &d->ext);
      break;
    case MELD_MDECL_TYPE: put_rectype(b, d->type, false); break;
    case MELD_MDECL_ALIAS:
      meld_buf_byte(b, 0x10);
      meld_buf_byte(b, 0x01);
      meld_buf_u32(b, d->alias.count);
      meld_buf_u32(b, d->alias.index);
      break;
    default:
      meld_buf_str(b, d->name);
      put_core_externtype(b, &d->ext);
      break;
    }
  }
}

static void put_rectype(MeldBuf *b, const MeldCoreTypeDef *t, bool top) {
  if (t->kind == MELD_CORETYPE_REC) {
    meld_buf_byte(b, 0x4e);
    meld_buf_u32(b, t->nsubs);
    for (uint32_t i = 0; i < t->nsubs; i++)
      put_subtype(b, &t->subs[i], false);
  } else if (t->nsubs == 1) {
    put_subtype(b, t->subs, top);
  }
}

/* ---- Names, sorts, extern types, aliases ---- */

static void put_extern_name(MeldBuf *b, const MeldExternName *n) {
  meld_buf_byte(b, n->form);
  meld_buf_str(b, n->name);
  if (n->form != 2) return;
  meld_buf_u32(b, n->nattrs);
  for (uint32_t i = 0; i < n->nattrs; i++) {
    meld_buf_byte(b, n->attrs[i].kind);
    meld_buf_str(b, n->attrs[i].value);
  }
}

static void put_externtype(MeldBuf *b, const MeldExternType *e) {
  meld_buf_byte(b, e->kind);
  switch (e->kind) {
  case MELD_EXT_MODULE:
    meld_buf_byte(b, 0x11);
    meld_buf_u32(b, e->index);
    break;
  case MELD_EXT_VALUE:
    meld_buf_byte(b, e->bound);
    if (e->bound == MELD_BOUND_EQ)
      meld_buf_u32(b, e->index);
    else
      put_valtype(b, e->val);
    break;
  case MELD_EXT_TYPE:
    meld_buf_byte(b, e->bound);
    if (e->bound == MELD_BOUND_EQ) meld_buf_u32(b, e->index);
    break;
  default: meld_buf_u32(b, e->index); break;
  }
}

static void put_alias(MeldBuf *b, const MeldCompAlias *a) {
  meld_sort_encode(b, (MeldSort)a->sort);
  meld_buf_byte(b, a->target);
  if (a->target == MELD_ALIAS_OUTER) {
    meld_buf_u32(b, a->count);
    meld_buf_u32(b, a->index);
  } else {
    meld_buf_u32(b, a->instance);
    meld_buf_str(b, a->name);
  }
}

/* ---- Component types ---- */

static void put_type(MeldBuf *b, const MeldCompType *t);

static void put_decls(MeldBuf *b, const MeldCompType *t) {
  meld_buf_u32(b, t->ndecls);
  for (uint32_t i = 0; i < t->ndecls; i++) {
    const MeldCompDecl *d = &t->decls[i];
    meld_buf_byte(b, d->kind);
    switch (d->kind) {
    case MELD_DECL_CORE_TYPE: put_core_type(b, d->coretype, true); break;
    case MELD_DECL_TYPE: put_type(b, d->type); break;
    case MELD_DECL_ALIAS: put_alias(b, &d->alias); break;
    default:
      put_extern_name(b, &d->name);
      put_externtype(b, &d->ext);
      break;
    }
  }
}

static void put_type(MeldBuf *b, const MeldCompType *t) {
  meld_buf_byte(b, t->code);
  switch (t->code) {
  case MELD_CT_RECORD:
  case MELD_CT_FUNC:
  case MELD_CT_ASYNC_FUNC:
    meld_buf_u32(b, t->nfields);
    for (uint32_t i = 0; i < t->nfields; i++) {
      meld_buf_str(b, t->fields[i].label);
      put_valtype(b, t->fields[i].type);
    }
    if (t->code != MELD_CT_RECORD) put_resultlist(b, t->has_a, t->a);
    break;
  case MELD_CT_VARIANT:
    meld_buf_u32(b, t->nfields);
    for (uint32_t i = 0; i < t->nfields; i++) {
      meld_buf_str(b, t->fields[i].label);
      put_opt_valtype(b, t->fields[i].has_type, t->fields[i].type);
      meld_buf_byte(b, 0x00);
    }
    break;
  case MELD_CT_LIST:
  case MELD_CT_OPTION: put_valtype(b, t->a); break;
  case MELD_CT_FIXED_LIST:
    put_valtype(b, t->a);
    meld_buf_u32(b, t->length);
    break;
  case MELD_CT_TUPLE:
    meld_buf_u32(b, t->nfields);
    for (uint32_t i = 0; i < t->nfields; i++)
      put_valtype(b, t->fields[i].type);
    break;
  case MELD_CT_FLAGS:
  case MELD_CT_ENUM:
    meld_buf_u32(b, t->nfields);
    for (uint32_t i = 0; i < t->nfields; i++)
      meld_buf_str(b, t->fields[i].label);
    break;
  case MELD_CT_RESULT:
    put_opt_valtype(b, t->has_a, t->a);
    put_opt_valtype(b, t->has_b, t->b);
    break;
  case MELD_CT_OWN:
  case MELD_CT_BORROW: meld_buf_u32(b, t->resource); break;
  case MELD_CT_STREAM:
  case MELD_CT_FUTURE: put_opt_valtype(b, t->has_a, t->a); break;
  case MELD_CT_MAP:
    put_valtype(b, t->a);
    put_valtype(b, t->b);
    break;
  case MELD_CT_COMPONENT:
  case MELD_CT_INSTANCE: put_decls(b, t); break;
  case MELD_CT_RESOURCE:
    meld_buf_byte(b, t->rep);
    meld_buf_byte(b, t->has_dtor ? 1 : 0);
    if (t->has_dtor) meld_buf_u32(b, t->dtor);
    break;
  default: /* a primitive: the code is all */ break;
  }
}

/* ---- Canon ---- */

static void put_opts(MeldBuf *b, const MeldCompCanon *c) {
  meld_buf_u32(b, c->nopts);
  for (uint32_t i = 0; i < c->nopts; i++) {
    meld_buf_byte(b, c->opts[i].kind);
    switch (c->opts[i].kind) {
    case MELD_OPT_MEMORY:
    case MELD_OPT_REALLOC:
    case MELD_OPT_POST_RETURN:
    case MELD_OPT_CALLBACK: meld_buf_u32(b, c->opts[i].index); break;
    default: break;
    }
  }
}

static void put_canon(MeldBuf *b, const MeldCompCanon *c) {
  meld_buf_byte(b, c->op);
  switch (meld_canon_shape(c->op)) {
  case MELD_CANON_SHAPE_NONE: break;
  case MELD_CANON_SHAPE_LIFT:
    meld_buf_byte(b, 0x00);
    meld_buf_u32(b, c->func);
    put_opts(b, c);
    meld_buf_u32(b, c->type);
    break;
  case MELD_CANON_SHAPE_LOWER:
    meld_buf_byte(b, 0x00);
    meld_buf_u32(b, c->func);
    put_opts(b, c);
    break;
  case MELD_CANON_SHAPE_TYPE: meld_buf_u32(b, c->type); break;
  case MELD_CANON_SHAPE_TYPE_OPTS:
    meld_buf_u32(b, c->type);
    put_opts(b, c);
    break;
  case MELD_CANON_SHAPE_TYPE_ASYNC:
    meld_buf_u32(b, c->type);
    meld_buf_byte(b, c->flag);
    break;
  case MELD_CANON_SHAPE_RESULT_OPTS:
    put_resultlist(b, c->has_result, c->result);
    put_opts(b, c);
    break;
  case MELD_CANON_SHAPE_CONTEXT:
    meld_buf_byte(b, c->valtype);
    meld_buf_u32(b, c->imm);
    break;
  case MELD_CANON_SHAPE_OPTS: put_opts(b, c); break;
  case MELD_CANON_SHAPE_ASYNC:
  case MELD_CANON_SHAPE_CANCEL:
  case MELD_CANON_SHAPE_SHARED: meld_buf_byte(b, c->flag); break;
  case MELD_CANON_SHAPE_CANCEL_MEMORY:
    meld_buf_byte(b, c->flag);
    meld_buf_u32(b, c->memory);
    break;
  case MELD_CANON_SHAPE_CORE_TYPE_TABLE:
    meld_buf_u32(b, c->type);
    meld_buf_u32(b, c->table);
    break;
  case MELD_CANON_SHAPE_SHARED_CORE_TYPE:
    meld_buf_byte(b, c->flag);
    meld_buf_u32(b, c->type);
    break;
  case MELD_CANON_SHAPE_SHARED_CORE_TYPE_TABLE:
    meld_buf_byte(b, c->flag);
    meld_buf_u32(b, c->type);
    meld_buf_u32(b, c->table);
    break;
  }
}

/* ---- Sections ---- */

static bool write_component(Writer *w, const MeldComponent *c, MeldBuf *out);

static bool put_section_items(Writer *w, const MeldComponent *c, const MeldCompSection *s,
                              MeldBuf *b) {
  uint32_t first = s->first, n = s->count;
  switch (s->id) {
  case MELD_CSEC_CUSTOM: {
    const MeldCompCustom *cu = &c->customs[first];
    meld_buf_str(b, cu->name);
    if (cu->is_names)
      meld_component_names_encode(&c->names, b);
    else
      meld_buf_bytes(b, cu->data, cu->size);
    return true;
  }
  case MELD_CSEC_CORE_MODULE: return meld_core_write(w->ctx, c->modules[first].module, b);
  case MELD_CSEC_COMPONENT: return write_component(w, c->components[first], b);
  case MELD_CSEC_START: {
    const MeldCompStart *st = &c->starts[first];
    meld_buf_u32(b, st->func);
    meld_buf_u32(b, st->nargs);
    for (uint32_t i = 0; i < st->nargs; i++)
      meld_buf_u32(b, st->args[i]);
    meld_buf_u32(b, st->nresults);
    return true;
  }
  default: break;
  }
  meld_buf_u32(b, n);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t i = first + k;
    switch (s->id) {
    case MELD_CSEC_CORE_INSTANCE: {
      const MeldCoreInstance *ci = &c->coreinstances[i];
      meld_buf_byte(b, ci->kind);
      if (ci->kind == MELD_INST_INSTANTIATE) {
        meld_buf_u32(b, ci->module);
        meld_buf_u32(b, ci->nargs);
        for (uint32_t a = 0; a < ci->nargs; a++) {
          meld_buf_str(b, ci->args[a].name);
          meld_buf_byte(b, 0x12);
          meld_buf_u32(b, ci->args[a].instance);
        }
      } else {
        meld_buf_u32(b, ci->nexports);
        for (uint32_t e = 0; e < ci->nexports; e++) {
          meld_buf_str(b, ci->exports[e].name);
          meld_buf_byte(b, meld_sort_core_byte((MeldSort)ci->exports[e].sort));
          meld_buf_u32(b, ci->exports[e].index);
        }
      }
      break;
    }
    case MELD_CSEC_CORE_TYPE: put_core_type(b, &c->coretypes[i], true); break;
    case MELD_CSEC_INSTANCE: {
      const MeldCompInstance *in = &c->instances[i];
      meld_buf_byte(b, in->kind);
      if (in->kind == MELD_INST_INSTANTIATE) {
        meld_buf_u32(b, in->component);
        meld_buf_u32(b, in->nargs);
        for (uint32_t a = 0; a < in->nargs; a++) {
          meld_buf_str(b, in->args[a].name);
          meld_sort_encode(b, (MeldSort)in->args[a].sort);
          meld_buf_u32(b, in->args[a].index);
        }
      } else {
        meld_buf_u32(b, in->nexports);
        for (uint32_t e = 0; e < in->nexports; e++) {
          put_extern_name(b, &in->exports[e].name);
          meld_sort_encode(b, (MeldSort)in->exports[e].sort);
          meld_buf_u32(b, in->exports[e].index);
        }
      }
      break;
    }
    case MELD_CSEC_ALIAS: put_alias(b, &c->aliases[i]); break;
    case MELD_CSEC_TYPE: put_type(b, &c->types[i]); break;
    case MELD_CSEC_CANON: put_canon(b, &c->canons[i]); break;
    case MELD_CSEC_IMPORT:
      put_extern_name(b, &c->imports[i].name);
      put_externtype(b, &c->imports[i].type);
      break;
    case MELD_CSEC_EXPORT: {
      const MeldCompExport *ex = &c->exports[i];
      put_extern_name(b, &ex->name);
      meld_sort_encode(b, (MeldSort)ex->sort);
      meld_buf_u32(b, ex->index);
      meld_buf_byte(b, ex->has_type ? 1 : 0);
      if (ex->has_type) put_externtype(b, &ex->type);
      break;
    }
    case MELD_CSEC_VALUE: {
      const MeldCompValue *v = &c->values[i];
      put_valtype(b, v->type);
      meld_buf_u32(b, v->len);
      meld_buf_bytes(b, v->bytes, v->len);
      break;
    }
    default:
      meld_error(w->ctx, c->file, s->offset, "cannot encode a section with id %u", s->id);
      return false;
    }
  }
  return true;
}

static bool write_component(Writer *w, const MeldComponent *c, MeldBuf *out) {
  static const uint8_t preamble[8] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  meld_buf_bytes(out, preamble, sizeof preamble);
  MeldBuf sec;
  meld_buf_init(&sec, out->alloc);
  bool ok = true;
  for (uint32_t i = 0; i < c->nsections && ok; i++) {
    const MeldCompSection *s = &c->sections[i];
    sec.len = 0;
    ok = put_section_items(w, c, s, &sec);
    if (!ok) break;
    if (sec.oom) {
      out->oom = true;
      break;
    }
    if (sec.len > UINT32_MAX) {
      meld_error(w->ctx, c->file, s->offset, "%s section too large to encode",
                 meld_csection_name(s->id));
      ok = false;
      break;
    }
    meld_buf_byte(out, s->id);
    put_u32_width(out, (uint32_t)sec.len, s->size_width);
    meld_buf_bytes(out, sec.data, sec.len);
    meld_buf_maybe_flush(out); /* nothing written so far is patched again */
  }
  if (sec.oom) out->oom = true;
  meld_buf_free(&sec);
  return ok;
}

bool meld_component_write(MeldContext *ctx, const MeldComponent *c, MeldBuf *out) {
  Writer w = {ctx};
  bool ok = write_component(&w, c, out);
  if (ok && out->oom) {
    meld_error(ctx, c->file, MELD_NO_OFFSET, "out of memory while writing the component");
    ok = false;
  }
  return ok;
}
