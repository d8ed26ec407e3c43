/*
 * Internal to `rebase` (lib/Passes/Rebase.c, OuterTranslate.c): translating the pointers that
 * cross the outer boundary into windows not placed at base 0.
 */
#ifndef MELDC_PASSES_OUTERTRANSLATE_H
#define MELDC_PASSES_OUTERTRANSLATE_H

#include "meldc/Unit.h"

/* For every host export and host import of the fusion record whose memory has a non-zero base
 * (`base`, by memory index, before the rewrite) and whose Canonical ABI signature carries
 * pointers: adds the wrappers OuterTranslate.c describes, points the exports, the fusion record
 * and the program's calls at them, and counts them in *ntranslated.  Runs after the layout is
 * decided and before bodies are rewritten (the wrappers use the windows' memory indices).  False,
 * having reported, on failure. */
/* Does the host see pointers into the function's memory when it calls it (LIFT, a host export)
 * or is called by it (LOWER, a host import)?  (meld_abi_host_needs' `memory`.) */
bool meld_rebase_outer_pointers(const MeldFuncSig *sig, MeldAbiContext cx);

bool meld_rebase_translate_outer(MeldUnit *u, const uint64_t *base, MeldArena *scratch,
                                 uint32_t *ntranslated);

#endif
