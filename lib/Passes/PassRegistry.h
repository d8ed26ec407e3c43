/* Declarations of every registered pass function (internal to the library). */
#ifndef MELDC_PASS_REGISTRY_H
#define MELDC_PASS_REGISTRY_H

#include "meldc/Pass.h"

#define MELD_PASS(name, fn, summary, doc, req, prov, rem)                                          \
  bool fn(MeldUnit *unit, const MeldPassParams *params);
#include "Passes/Passes.def"

#endif
