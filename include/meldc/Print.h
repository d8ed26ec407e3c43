/*
 * Text printers (docs/text-format.md).  Deterministic: the same IR always prints the same text.
 * Core modules print as standard WAT that wabt's wat2wasm assembles back to an equivalent
 * module; components print in the wasm-tools text syntax as closely as practical.
 */
#ifndef MELDC_PRINT_H
#define MELDC_PRINT_H

#include "meldc/Component.h"
#include "meldc/Core.h"

#ifdef __cplusplus
extern "C" {
#endif

bool meld_core_print(MeldContext *ctx, const MeldModule *m, MeldBuf *out);
bool meld_component_print(MeldContext *ctx, const MeldComponent *c, MeldBuf *out);

#ifdef __cplusplus
}
#endif
#endif
