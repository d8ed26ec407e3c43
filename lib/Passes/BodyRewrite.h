/*
 * Internal to lib/Passes: rebuilding a decoded function body instruction by instruction, with
 * temporaries added as new locals -- what `rebase` (window offsets and checks) and `grow-to-bump`
 * (bounds checks) do to the bodies they change.
 *
 *   MeldRewrite w;
 *   meld_rewrite_begin(&w, scratch, m, f);
 *   ... meld_rewrite_emit / meld_rewrite_copy / meld_rewrite_temp for every instruction ...
 *   ok = meld_rewrite_finish(&w, u, fidx, "rebase");   (installs the body, releases scratch)
 *
 * Allocation failure sets `oom`; everything after it is a no-op and finish reports it.
 */
#ifndef MELDC_PASSES_BODYREWRITE_H
#define MELDC_PASSES_BODYREWRITE_H

#include "meldc/Unit.h"

typedef struct MeldRewrite {
  MeldArena *scratch; /* the new body and locals while building (released by finish) */
  MeldArenaMark mark;
  MeldInstr *out;
  uint32_t nout, capout;
  MeldValType *newlocals;
  uint32_t nnewlocals, capnewlocals;
  uint32_t firstnew;    /* index of the first added local */
  uint32_t temps[5][3]; /* by operand type (i, I, f, F, v) and operand position */
  bool oom;
} MeldRewrite;

void meld_rewrite_begin(MeldRewrite *w, MeldArena *scratch, const MeldModule *m,
                        const MeldFunc *f);
/* Appends an instruction with no immediates set (NULL after allocation failure). */
MeldInstr *meld_rewrite_emit(MeldRewrite *w, MeldOpcode op);
/* ... with its first index immediate. */
void meld_rewrite_emit_x(MeldRewrite *w, MeldOpcode op, uint32_t x);
/* Appends a copy of `in`. */
void meld_rewrite_copy(MeldRewrite *w, const MeldInstr *in);
/* The temporary local for an operand of sig type `t` ('i', 'I', 'f', 'F', else v128) at operand
 * position `pos` (0..2), added on first use. */
uint32_t meld_rewrite_temp(MeldRewrite *w, char t, int pos);
/* Installs the new body and its added locals into function `fidx` of u->module (allocated in the
 * unit's arena) and releases the scratch memory.  False, having reported as `pass`, on
 * allocation failure or when the function would exceed MELD_MAX_LOCALS. */
bool meld_rewrite_finish(MeldRewrite *w, MeldUnit *u, uint32_t fidx, const char *pass);

#endif
