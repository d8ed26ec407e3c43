/*
 * Binary readers and writers for both layers.
 *
 * Readers: parse bytes into IR allocated in `arena`.  Strings and payloads may point into
 * `data`, which must outlive the IR.  On malformed input they report
 * `file:0xOFFSET: error: ...` (offsets are `base_offset` + position in `data`, so nested modules
 * report positions in the outer file), return false, and leave *out unset.  Every count and
 * size is checked against the bytes left before anything is allocated for it.
 *
 * Writers: append the binary encoding to `out`.  An unmodified module is written back byte for
 * byte except where docs/binary-roundtrip.md says otherwise (non-minimal LEB128 outside function
 * bodies is made minimal).
 */
#ifndef MELDC_BINARY_H
#define MELDC_BINARY_H

#include "meldc/Component.h"
#include "meldc/Core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum MeldBinaryKind {
  MELD_BINARY_UNKNOWN = 0,
  MELD_BINARY_CORE,      /* \0asm, version 1, layer 0 */
  MELD_BINARY_COMPONENT, /* \0asm, version 0x0d, layer 1 */
} MeldBinaryKind;

/* Looks at the 8-byte preamble only. */
MeldBinaryKind meld_binary_kind(const uint8_t *data, size_t len);

bool meld_core_read(MeldContext *ctx, MeldArena *arena, const char *file, uint64_t base_offset,
                    const uint8_t *data, size_t len, MeldModule **out);
bool meld_core_write(MeldContext *ctx, const MeldModule *m, MeldBuf *out);

bool meld_component_read(MeldContext *ctx, MeldArena *arena, const char *file,
                         uint64_t base_offset, const uint8_t *data, size_t len,
                         MeldComponent **out);
bool meld_component_write(MeldContext *ctx, const MeldComponent *c, MeldBuf *out);

#ifdef __cplusplus
}
#endif
#endif
