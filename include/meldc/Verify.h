/*
 * Verifiers.  meld_core_verify checks a core module against the validation rules of the
 * WebAssembly 2.0 specification plus multi-memory, SIMD and threads: operand-stack typing of
 * every instruction, index bounds of every index space, limits, constant expressions, export
 * name uniqueness, start function type.  meld_component_verify checks the index spaces of a
 * component (every index refers to an existing definition of the right sort) and recursively
 * verifies its core modules and nested components.
 *
 * meld_core_verify reports every problem it finds (up to the diagnostics engine's limit; within
 * one function body, typing stops at the first stack error to avoid cascades).
 * meld_component_verify stops at the first problem in a component (later definitions would
 * only repeat it).  Both report `file:0xOFFSET: error: ...` where an offset is known, and return
 * false if anything was found.
 */
#ifndef MELDC_VERIFY_H
#define MELDC_VERIFY_H

#include "meldc/Component.h"
#include "meldc/Core.h"

#ifdef __cplusplus
extern "C" {
#endif

bool meld_core_verify(MeldContext *ctx, const MeldModule *m);
bool meld_component_verify(MeldContext *ctx, const MeldComponent *c);

#ifdef __cplusplus
}
#endif
#endif
