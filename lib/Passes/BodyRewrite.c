/* Rebuilding a decoded body with added temporaries (BodyRewrite.h). */
#include "Passes/BodyRewrite.h"

#include <string.h>

void meld_rewrite_begin(MeldRewrite *w, MeldArena *scratch, const MeldModule *m,
                        const MeldFunc *f) {
  memset(w, 0, sizeof *w);
  w->scratch = scratch;
  w->mark = meld_arena_mark(scratch);
  w->firstnew = m->types[f->type].nparams + f->nlocals;
  memset(w->temps, 0xff, sizeof w->temps);
}

MeldInstr *meld_rewrite_emit(MeldRewrite *w, MeldOpcode op) {
  MeldInstr *in = w->oom ? NULL : MELD_PUSH(w->scratch, w->out, w->nout, w->capout);
  if (!in) {
    w->oom = true;
    return NULL;
  }
  memset(in, 0, sizeof *in);
  in->op = (uint16_t)op;
  return in;
}

void meld_rewrite_emit_x(MeldRewrite *w, MeldOpcode op, uint32_t x) {
  MeldInstr *in = meld_rewrite_emit(w, op);
  if (in) in->x = x;
}

void meld_rewrite_copy(MeldRewrite *w, const MeldInstr *in) {
  MeldInstr *o = meld_rewrite_emit(w, (MeldOpcode)in->op);
  if (o) *o = *in;
}

uint32_t meld_rewrite_temp(MeldRewrite *w, char t, int pos) {
  static const MeldValType types[5] = {MELD_I32, MELD_I64, MELD_F32, MELD_F64, MELD_V128};
  int s = t == 'i' ? 0 : t == 'I' ? 1 : t == 'f' ? 2 : t == 'F' ? 3 : 4;
  if (w->temps[s][pos] == MELD_NONE) {
    MeldValType *nt = w->oom ? NULL
                             : MELD_PUSH(w->scratch, w->newlocals, w->nnewlocals, w->capnewlocals);
    if (!nt) {
      w->oom = true;
      return 0;
    }
    *nt = types[s];
    w->temps[s][pos] = w->firstnew + w->nnewlocals - 1;
  }
  return w->temps[s][pos];
}

bool meld_rewrite_finish(MeldRewrite *w, MeldUnit *u, uint32_t fidx, const char *pass) {
  MeldModule *m = u->module;
  MeldFunc *f = &m->funcs[fidx];
  bool ok = false;
  if (!w->oom && (uint64_t)f->nlocals + w->nnewlocals > MELD_MAX_LOCALS) {
    meld_error(u->ctx, m->file, MELD_NO_OFFSET, "%s: function %u would need more than %u locals",
               pass, fidx, MELD_MAX_LOCALS);
    goto done;
  }
  MeldInstr *code =
      w->oom ? NULL : meld_arena_memdup(&u->arena, w->out, (size_t)w->nout * sizeof *code);
  MeldLocalGroup *groups =
      w->oom ? NULL
             : meld_arena_alloc(&u->arena,
                                ((size_t)f->nlocalgroups + w->nnewlocals + 1) * sizeof *groups);
  if (!code || !groups) {
    meld_error(u->ctx, m->file, MELD_NO_OFFSET, "out of memory in %s", pass);
    goto done;
  }
  memcpy(groups, f->localgroups, (size_t)f->nlocalgroups * sizeof *groups);
  uint32_t ng = f->nlocalgroups;
  for (uint32_t i = 0; i < w->nnewlocals; i++) groups[ng++] = (MeldLocalGroup){1, w->newlocals[i]};
  f->localgroups = groups;
  f->nlocalgroups = ng;
  f->nlocals += w->nnewlocals;
  f->instrs = code;
  f->ninstrs = f->capinstrs = w->nout;
  ok = true;
done:
  meld_arena_release(w->scratch, w->mark);
  return ok;
}
