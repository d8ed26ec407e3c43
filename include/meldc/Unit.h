/*
 * The compilation unit: what a meldc run works on.  It owns the arena that holds the IR and
 * the input bytes the IR points into.  It holds one program at a time: a core module (`module`),
 * or one or more components (`inputs[i].component`; `component` is the first) until `resolve`
 * fuses them into `module` and records how in `fusion`.  `props` records what the program is
 * known to satisfy; passes state which properties they need (see Pass.h).
 */
#ifndef MELDC_UNIT_H
#define MELDC_UNIT_H

#include "meldc/Binary.h"
#include "meldc/Component.h"
#include "meldc/Core.h"
#include "meldc/Fuse.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct MeldInput {
  const char *file; /* name used in diagnostics */
  uint8_t *data;    /* owned by the unit */
  size_t len;
  bool mapped;      /* `data` is a private mapping of the file (meld_unit_read_file) */
  MeldBinaryKind kind;
  MeldModule *module;       /* when the input is a core module */
  MeldComponent *component; /* when it is a component */
} MeldInput;

/* Properties a program may have.  The pass manager tracks them to refuse pipelines whose
 * passes would run without what they need. */
enum {
  MELD_PROP_CORE = 1u << 0,      /* the unit holds a core module */
  MELD_PROP_COMPONENT = 1u << 1, /* the unit holds components (not fused) */
  MELD_PROP_ADAPTED = 1u << 2,   /* every cross-component call has its code (`resolve` leaves
                                    entries, `adapter` fills them; a plain core module has none) */
};

typedef struct MeldUnit {
  MeldContext *ctx;
  MeldArena arena;
  MeldInput *inputs;
  uint32_t ninputs, capinputs;
  MeldModule *module;
  MeldComponent *component;
  MeldFusion *fusion; /* after `resolve` */
  uint32_t props;
  /* Set by the pass manager while the next pass renumbers every body anyway (dce, after
   * adapter at most): `resolve` may then leave its renumbering pending on the merged bodies
   * (MeldFunc.pending), to be applied with dce's in one pass over the code. */
  bool defer_renumbering;
} MeldUnit;

void meld_unit_init(MeldUnit *u, MeldContext *ctx);
void meld_unit_free(MeldUnit *u);

/* Reads a file (a core module or a component, told apart by the preamble) into the unit.  Several
 * inputs must all be components (the 'resolve' pass fuses them); a core module is a program on
 * its own. */
bool meld_unit_read_file(MeldUnit *u, const char *path);
/* Same, for bytes the unit takes ownership of (allocated with ctx->alloc, size `len`). */
bool meld_unit_read_bytes(MeldUnit *u, const char *name, uint8_t *data, size_t len);

/* Runs the verifier of whichever layer the unit holds. */
bool meld_unit_verify(MeldUnit *u);

typedef enum MeldEmitKind {
  MELD_EMIT_WASM,      /* the binary of what the unit holds */
  MELD_EMIT_WAT,       /* its text form */
  MELD_EMIT_COMPONENT, /* a fused unit wrapped back into a component (Fuse.h) */
} MeldEmitKind;

/* Appends the program in the requested form to `out`. */
bool meld_unit_emit(MeldUnit *u, MeldEmitKind kind, MeldBuf *out);

#ifdef __cplusplus
}
#endif
#endif
