/*
 * The core module writer.  Sections are written in the standard order; custom sections go back
 * where they were read (after the section of rank `place`).  Raw function bodies and data
 * payloads are copied byte for byte; everything else is encoded canonically (minimal LEB128).
 *
 * Sizes: small sections reserve five bytes for their size, write the payload, then close the
 * gap.  The code, data and custom sections, which can be large, compute their size first and
 * stream their payload, with a flush point (meld_buf_maybe_flush) after each function body and
 * segment, so a streaming output never holds more than a few hundred KiB.
 */
#include "meldc/Binary.h"

#include <string.h>

static size_t begin_sized(MeldBuf *b) {
  size_t at = b->len;
  meld_buf_u32_fixed5(b, 0);
  return at;
}

static bool end_sized(MeldBuf *b, size_t at) {
  if (b->oom) return false;
  size_t payload = b->len - at - 5;
  if (payload > UINT32_MAX) return false;
  uint32_t v = (uint32_t)payload;
  uint32_t n = meld_leb_u32_size(v);
  memmove(b->data + at + n, b->data + at + 5, payload);
  for (uint32_t i = 0; i < n; i++) {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    if (i + 1 < n) byte |= 0x80;
    b->data[at + i] = byte;
  }
  b->len -= 5 - n;
  return true;
}

static void write_limits(MeldBuf *b, const MeldLimits *l) {
  meld_buf_byte(b, (uint8_t)((l->has_max ? 1 : 0) | (l->shared ? 2 : 0)));
  meld_buf_u32(b, l->min);
  if (l->has_max) meld_buf_u32(b, l->max);
}

static void write_expr(MeldBuf *b, const MeldExpr *e) {
  meld_encode_instrs(b, e->instrs, e->ninstrs);
}

static void write_name_map(MeldBuf *b, const MeldNameMap *map) {
  meld_buf_u32(b, map->nitems);
  for (uint32_t i = 0; i < map->nitems; i++) {
    meld_buf_u32(b, map->items[i].index);
    meld_buf_str(b, map->items[i].name);
  }
}

static void write_indirect_map(MeldBuf *b, const MeldIndirectNameMap *map) {
  meld_buf_u32(b, map->nitems);
  for (uint32_t i = 0; i < map->nitems; i++) {
    meld_buf_u32(b, map->items[i].index);
    write_name_map(b, &map->items[i].map);
  }
}

static bool write_names(MeldBuf *b, const MeldNames *names) {
  const MeldNameMap *maps[10] = {NULL,           &names->funcs,   NULL,
                                 NULL,           &names->types,   &names->tables,
                                 &names->memories, &names->globals, &names->elems,
                                 &names->datas};
  uint32_t raw = 0;
  for (uint32_t id = 0; id < 256; id++) {
    while (raw < names->nraw && names->raw[raw].id == id) {
      meld_buf_byte(b, (uint8_t)id);
      meld_buf_u32(b, names->raw[raw].size);
      meld_buf_bytes(b, names->raw[raw].data, names->raw[raw].size);
      raw++;
    }
    if (id >= 10) continue;
    size_t at;
    if (id == MELD_NAMES_MODULE) {
      if (!names->has_module) continue;
      meld_buf_byte(b, 0);
      at = begin_sized(b);
      meld_buf_str(b, names->module);
    } else if (id == MELD_NAMES_LOCAL || id == MELD_NAMES_LABEL) {
      const MeldIndirectNameMap *map = id == MELD_NAMES_LOCAL ? &names->locals : &names->labels;
      if (!map->nitems) continue;
      meld_buf_byte(b, (uint8_t)id);
      at = begin_sized(b);
      write_indirect_map(b, map);
    } else {
      if (!maps[id]->nitems) continue;
      meld_buf_byte(b, (uint8_t)id);
      at = begin_sized(b);
      write_name_map(b, maps[id]);
    }
    if (!end_sized(b, at)) return false;
  }
  return true;
}

static bool write_customs(MeldBuf *b, const MeldModule *m, int place) {
  for (uint32_t i = 0; i < m->ncustoms; i++) {
    const MeldCustom *c = &m->customs[i];
    if (c->place != place) continue;
    meld_buf_byte(b, 0);
    if (c->is_names) {
      size_t at = begin_sized(b);
      meld_buf_str(b, c->name);
      if (!write_names(b, &m->names) || !end_sized(b, at)) return false;
    } else {
      uint64_t size = (uint64_t)meld_leb_u32_size(c->name.len) + c->name.len + c->size;
      if (size > UINT32_MAX) return false;
      meld_buf_u32(b, (uint32_t)size);
      meld_buf_str(b, c->name);
      meld_buf_bytes(b, c->data, c->size);
    }
    meld_buf_maybe_flush(b);
  }
  return true;
}

/* The part of a data segment before its bytes (flags, memory, offset). */
static void data_header(MeldBuf *b, const MeldData *d) {
  if (d->mode == MELD_SEG_PASSIVE) {
    meld_buf_u32(b, 1);
  } else if (d->memory == 0 && d->encoding != 2) {
    meld_buf_u32(b, 0);
    write_expr(b, &d->offset);
  } else {
    meld_buf_u32(b, 2);
    meld_buf_u32(b, d->memory);
    write_expr(b, &d->offset);
  }
  meld_buf_u32(b, d->size);
}

static uint8_t elem_encoding(const MeldElem *e) {
  bool exprs = e->exprs != NULL || (e->funcs == NULL && e->ninit == 0 && (e->encoding & 4));
  uint8_t enc;
  switch (e->mode) {
  case MELD_SEG_PASSIVE: enc = 1; break;
  case MELD_SEG_DECLARATIVE: enc = 3; break;
  default:
    /* Encodings 0/4 imply table 0 and funcref; keep 2/6 when they were used. */
    enc = (e->table == 0 && e->type == MELD_FUNCREF && (e->encoding & 3) != 2) ? 0 : 2;
    break;
  }
  if (exprs || e->type != MELD_FUNCREF) enc |= 4;
  return enc;
}

static bool section(MeldBuf *b, const MeldModule *m, int rank, bool present) {
  return present || (m->present_sections & (1u << rank));
}

bool meld_core_write(MeldContext *ctx, const MeldModule *m, MeldBuf *b) {
  static const uint8_t preamble[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  if (meld_module_has_pending(m)) {
    /* A caller bug: the bytes would carry another module's indices. */
    meld_error(ctx, m->file, MELD_NO_OFFSET,
               "internal error: a function body's renumbering is pending (meld_module_settle)");
    return false;
  }
  meld_buf_bytes(b, preamble, sizeof preamble);
  size_t at;
#define BEGIN(id)                                                                                  \
  do {                                                                                             \
    meld_buf_byte(b, id);                                                                          \
    at = begin_sized(b);                                                                           \
  } while (0)
#define END()                                                                                      \
  do {                                                                                             \
    if (!end_sized(b, at)) goto fail;                                                              \
    meld_buf_maybe_flush(b);                                                                       \
  } while (0)

  if (!write_customs(b, m, MELD_RANK_START_OF_MODULE)) goto fail;

  if (section(b, m, MELD_RANK_TYPE, m->ntypes)) {
    BEGIN(1);
    meld_buf_u32(b, m->ntypes);
    for (uint32_t i = 0; i < m->ntypes; i++) {
      const MeldFuncType *t = &m->types[i];
      meld_buf_byte(b, 0x60);
      meld_buf_u32(b, t->nparams);
      meld_buf_bytes(b, t->params, t->nparams);
      meld_buf_u32(b, t->nresults);
      meld_buf_bytes(b, t->results, t->nresults);
    }
    END();
  }
  if (!write_customs(b, m, MELD_RANK_TYPE)) goto fail;

  if (section(b, m, MELD_RANK_IMPORT, m->nimports)) {
    BEGIN(2);
    meld_buf_u32(b, m->nimports);
    for (uint32_t i = 0; i < m->nimports; i++) {
      const MeldImport *im = &m->imports[i];
      meld_buf_str(b, im->module);
      meld_buf_str(b, im->name);
      meld_buf_byte(b, im->kind);
      switch (im->kind) {
      case MELD_EXTERN_FUNC: meld_buf_u32(b, m->funcs[im->index].type); break;
      case MELD_EXTERN_TABLE:
        meld_buf_byte(b, m->tables[im->index].elem);
        write_limits(b, &m->tables[im->index].limits);
        break;
      case MELD_EXTERN_MEMORY: write_limits(b, &m->memories[im->index].limits); break;
      case MELD_EXTERN_GLOBAL:
        meld_buf_byte(b, m->globals[im->index].type);
        meld_buf_byte(b, m->globals[im->index].mut ? 1 : 0);
        break;
      }
    }
    END();
  }
  if (!write_customs(b, m, MELD_RANK_IMPORT)) goto fail;

  uint32_t ndefined = m->nfuncs - m->nimportfuncs;
  if (section(b, m, MELD_RANK_FUNCTION, ndefined)) {
    BEGIN(3);
    meld_buf_u32(b, ndefined);
    for (uint32_t i = m->nimportfuncs; i < m->nfuncs; i++) meld_buf_u32(b, m->funcs[i].type);
    END();
  }
  if (!write_customs(b, m, MELD_RANK_FUNCTION)) goto fail;

  if (section(b, m, MELD_RANK_TABLE, m->ntables - m->nimporttables)) {
    BEGIN(4);
    meld_buf_u32(b, m->ntables - m->nimporttables);
    for (uint32_t i = m->nimporttables; i < m->ntables; i++) {
      meld_buf_byte(b, m->tables[i].elem);
      write_limits(b, &m->tables[i].limits);
    }
    END();
  }
  if (!write_customs(b, m, MELD_RANK_TABLE)) goto fail;

  if (section(b, m, MELD_RANK_MEMORY, m->nmemories - m->nimportmemories)) {
    BEGIN(5);
    meld_buf_u32(b, m->nmemories - m->nimportmemories);
    for (uint32_t i = m->nimportmemories; i < m->nmemories; i++)
      write_limits(b, &m->memories[i].limits);
    END();
  }
  if (!write_customs(b, m, MELD_RANK_MEMORY)) goto fail;

  if (section(b, m, MELD_RANK_GLOBAL, m->nglobals - m->nimportglobals)) {
    BEGIN(6);
    meld_buf_u32(b, m->nglobals - m->nimportglobals);
    for (uint32_t i = m->nimportglobals; i < m->nglobals; i++) {
      meld_buf_byte(b, m->globals[i].type);
      meld_buf_byte(b, m->globals[i].mut ? 1 : 0);
      write_expr(b, &m->globals[i].init);
    }
    END();
  }
  if (!write_customs(b, m, MELD_RANK_GLOBAL)) goto fail;

  if (section(b, m, MELD_RANK_EXPORT, m->nexports)) {
    BEGIN(7);
    meld_buf_u32(b, m->nexports);
    for (uint32_t i = 0; i < m->nexports; i++) {
      meld_buf_str(b, m->exports[i].name);
      meld_buf_byte(b, m->exports[i].kind);
      meld_buf_u32(b, m->exports[i].index);
    }
    END();
  }
  if (!write_customs(b, m, MELD_RANK_EXPORT)) goto fail;

  if (m->start != MELD_NONE) {
    BEGIN(8);
    meld_buf_u32(b, m->start);
    END();
  }
  if (!write_customs(b, m, MELD_RANK_START)) goto fail;

  if (section(b, m, MELD_RANK_ELEM, m->nelems)) {
    BEGIN(9);
    meld_buf_u32(b, m->nelems);
    for (uint32_t i = 0; i < m->nelems; i++) {
      const MeldElem *e = &m->elems[i];
      uint8_t enc = elem_encoding(e);
      meld_buf_u32(b, enc);
      if ((enc & 3) == 2) meld_buf_u32(b, e->table);
      if (!(enc & 1)) write_expr(b, &e->offset);
      if (enc & 3) {
        if (enc & 4) meld_buf_byte(b, e->type);
        else meld_buf_byte(b, 0x00);
      }
      meld_buf_u32(b, e->ninit);
      for (uint32_t k = 0; k < e->ninit; k++) {
        if (enc & 4) {
          if (e->exprs) write_expr(b, &e->exprs[k]);
          else {
            /* Function indices written as ref.func expressions. */
            MeldInstr in[2];
            memset(in, 0, sizeof in);
            in[0].op = MELD_OP_RefFunc;
            in[0].x = e->funcs[k];
            in[1].op = MELD_OP_End;
            meld_encode_instrs(b, in, 2);
          }
        } else {
          meld_buf_u32(b, e->funcs[k]);
        }
      }
    }
    END();
  }
  if (!write_customs(b, m, MELD_RANK_ELEM)) goto fail;

  if (m->has_datacount) {
    BEGIN(12);
    meld_buf_u32(b, m->ndatas);
    END();
  }
  if (!write_customs(b, m, MELD_RANK_DATACOUNT)) goto fail;

  if (section(b, m, MELD_RANK_CODE, ndefined)) {
    /* Decoded bodies are encoded once, into `enc` (their offsets in `spans`), because the
     * section's size comes before them; raw bodies are copied as they are. */
    MeldBuf enc, spans;
    meld_buf_init(&enc, b->alloc);
    meld_buf_init(&spans, b->alloc);
    uint64_t total = meld_leb_u32_size(ndefined);
    bool too_big = false;
    for (uint32_t i = m->nimportfuncs; i < m->nfuncs; i++) {
      const MeldFunc *f = &m->funcs[i];
      uint64_t bs = meld_leb_u32_size(f->nlocalgroups);
      for (uint32_t g = 0; g < f->nlocalgroups; g++)
        bs += meld_leb_u32_size(f->localgroups[g].count) + 1;
      if (f->decoded) {
        size_t start = enc.len;
        meld_encode_instrs(&enc, f->instrs, f->ninstrs);
        uint64_t span[2] = {start, enc.len - start};
        meld_buf_bytes(&spans, span, sizeof span);
        bs += span[1];
      } else {
        bs += f->codesize;
      }
      too_big |= bs > UINT32_MAX;
      total += meld_leb_u64_size(bs) + bs;
    }
    if (too_big || total > UINT32_MAX || enc.oom || spans.oom) {
      meld_buf_free(&enc);
      meld_buf_free(&spans);
      goto fail;
    }
    meld_buf_byte(b, 10);
    meld_buf_u32(b, (uint32_t)total);
    meld_buf_u32(b, ndefined);
    size_t next_span = 0;
    for (uint32_t i = m->nimportfuncs; i < m->nfuncs; i++) {
      const MeldFunc *f = &m->funcs[i];
      const uint8_t *code = f->code;
      uint64_t codesize = f->codesize;
      if (f->decoded) {
        uint64_t span[2];
        memcpy(span, spans.data + next_span, sizeof span);
        next_span += sizeof span;
        code = enc.data + span[0];
        codesize = span[1];
      }
      uint64_t bs = meld_leb_u32_size(f->nlocalgroups) + codesize;
      for (uint32_t g = 0; g < f->nlocalgroups; g++)
        bs += meld_leb_u32_size(f->localgroups[g].count) + 1;
      meld_buf_u32(b, (uint32_t)bs);
      meld_buf_u32(b, f->nlocalgroups);
      for (uint32_t g = 0; g < f->nlocalgroups; g++) {
        meld_buf_u32(b, f->localgroups[g].count);
        meld_buf_byte(b, f->localgroups[g].type);
      }
      meld_buf_bytes(b, code, codesize);
      meld_buf_maybe_flush(b);
    }
    meld_buf_free(&enc);
    meld_buf_free(&spans);
  }
  if (!write_customs(b, m, MELD_RANK_CODE)) goto fail;

  if (section(b, m, MELD_RANK_DATA, m->ndatas)) {
    MeldBuf tmp;
    meld_buf_init(&tmp, b->alloc);
    uint64_t total = meld_leb_u32_size(m->ndatas);
    for (uint32_t i = 0; i < m->ndatas; i++) {
      tmp.len = 0;
      data_header(&tmp, &m->datas[i]);
      total += tmp.len + m->datas[i].size;
    }
    bool bad = total > UINT32_MAX || tmp.oom;
    meld_buf_free(&tmp);
    if (bad) goto fail;
    meld_buf_byte(b, 11);
    meld_buf_u32(b, (uint32_t)total);
    meld_buf_u32(b, m->ndatas);
    for (uint32_t i = 0; i < m->ndatas; i++) {
      data_header(b, &m->datas[i]);
      meld_buf_bytes(b, m->datas[i].bytes, m->datas[i].size);
      meld_buf_maybe_flush(b);
    }
  }
  if (!write_customs(b, m, MELD_RANK_DATA)) goto fail;
#undef BEGIN
#undef END
  if (b->oom) goto fail;
  return true;
fail:
  meld_error(ctx, m->file, MELD_NO_OFFSET,
             b->oom ? "out of memory while writing the module"
                    : "a section of the module is larger than 4 GiB");
  return false;
}
