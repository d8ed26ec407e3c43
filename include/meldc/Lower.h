/*
 * The backend: a core module lowered through LLVM 19 to a relocatable object (or assembly, or
 * LLVM IR) and a C header that describes it.  docs/lowering.md is the user-facing contract; this
 * header is the library's.
 *
 * Input: any valid core module (WebAssembly 2.0 without SIMD or threads).  The module is read,
 * not changed.  Output: the object code in `out` and, when `header` is non-NULL, the C header in
 * `header`.
 *
 * The ABI, with P the prefix (MeldLowerOptions.prefix):
 *   - every exported function is an external C function P_<sanitised export name>; i32 ->
 *     uint32_t, i64 -> uint64_t, f32 -> float, f64 -> double, funcref/externref -> void *; no
 *     result -> void, one result -> returned, several -> void with one out pointer per result
 *     appended after the parameters;
 *   - every imported function is an external C function P_import_<module>_<field> (sanitised), or
 *     the name an import map gives it; same type mapping;
 *   - an imported global is an external variable P_import_<module>_<field> of its C type (the
 *     object reads it, and writes it when it is mutable); an exported global is a variable
 *     P_<name>; imported memories and tables are refused;
 *   - memory i is `uint8_t P_memory<i>[]` in section ".bss.P_memory<i>";
 *   - void P_init(void) must run once before any export; traps call
 *     void P_trap(uint32_t code), noreturn, defined weak in the object.
 * Sanitising keeps [A-Za-z0-9_] and writes every other byte as _; two symbols that end up equal
 * are an error.
 *
 * Errors (an unsupported instruction, a memory that can still grow without a maximum, an unknown
 * target, ...) are reported to the context with the file offset of what caused them, and the
 * function returns false.  Nothing here exits.
 */
#ifndef MELDC_LOWER_H
#define MELDC_LOWER_H

#include "meldc/Core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Trap codes passed to P_trap (the header defines them as P_TRAP_<NAME>). */
#define MELD_LOWER_TRAPS(X)                                                                        \
  X(UNREACHABLE, 1, "unreachable")                                                                 \
  X(MEMORY_OUT_OF_BOUNDS, 2, "out of bounds memory access")                                        \
  X(INTEGER_DIVIDE_BY_ZERO, 3, "integer divide by zero")                                           \
  X(INTEGER_OVERFLOW, 4, "integer overflow")                                                       \
  X(INVALID_CONVERSION, 5, "invalid conversion to integer")                                        \
  X(UNDEFINED_ELEMENT, 6, "undefined element")                                                     \
  X(UNINITIALIZED_ELEMENT, 7, "uninitialized element")                                             \
  X(INDIRECT_CALL_TYPE_MISMATCH, 8, "indirect call type mismatch")                                 \
  X(TABLE_OUT_OF_BOUNDS, 9, "out of bounds table access")                                          \
  X(CALL_STACK_EXHAUSTED, 10, "call stack exhausted")

typedef enum MeldTrapCode {
#define MELD_TRAP_ENUM(name, code, text) MELD_TRAP_##name = code,
  MELD_LOWER_TRAPS(MELD_TRAP_ENUM)
#undef MELD_TRAP_ENUM
  MELD_NUM_TRAPS
} MeldTrapCode;

typedef enum MeldLowerEmit {
  MELD_LOWER_EMIT_OBJ,  /* ELF relocatable object */
  MELD_LOWER_EMIT_ASM,  /* assembly text */
  MELD_LOWER_EMIT_LLVM, /* LLVM IR text (after the optimisation pipeline) */
} MeldLowerEmit;

/* One line of an import map: the import (module, field) becomes the C symbol `symbol`. */
typedef struct MeldImportMapEntry {
  MeldStr module, field, symbol;
} MeldImportMapEntry;

typedef struct MeldLowerOptions {
  MeldLowerEmit emit;
  const char *triple;    /* NULL: MELD_LOWER_DEFAULT_TRIPLE */
  const char *cpu;       /* NULL: cortex-m7 for thumbv7em triples, else "generic" */
  const char *features;  /* NULL: MELD_LOWER_DEFAULT_FEATURES for thumbv7em triples, else "" */
  const char *float_abi; /* NULL, "hard", "soft" or "softfp" (ARM triples only) */
  char opt_level;        /* '0', '1', '2', '3', 's' or 'z' */
  const char *prefix;    /* symbol prefix, already a C identifier */
  bool bounds_checks;    /* one compare per memory access (the default) */
  bool stack_check;      /* compare the stack pointer with P_stack_limit on function entry */
  uint32_t table_reserve; /* extra entries for tables that table.grow grows (see lowering.md) */
  const MeldImportMapEntry *import_map;
  uint32_t nimport_map;
} MeldLowerOptions;

#define MELD_LOWER_DEFAULT_TRIPLE "thumbv7em-unknown-none-eabihf"
#define MELD_LOWER_DEFAULT_CPU "cortex-m7"
#define MELD_LOWER_DEFAULT_FEATURES "+fp-armv8d16,+fp64,+thumb2"
#define MELD_LOWER_DEFAULT_TABLE_RESERVE 64u

/* The defaults above, with the given prefix. */
void meld_lower_options_init(MeldLowerOptions *o, const char *prefix);

/* Can this meldc lower: was it built with LLVM, and does its backend module
 * (libmeldc-lower.so, loaded on first use: lib/Support/LowerPlugin.c) load?  When it cannot,
 * meld_lower_unavailable_reason says why (NULL when it can). */
bool meld_lower_available(void);
const char *meld_lower_unavailable_reason(void);

/* Lowers `m` (already verified).  `file` names it in diagnostics.  Appends the object, assembly
 * or IR to `out` and, when `header` is non-NULL, the C header to `header` (its include guard is
 * derived from the prefix). */
bool meld_lower_module(MeldContext *ctx, const MeldModule *m, const MeldLowerOptions *o,
                       MeldBuf *out, MeldBuf *header);

/* Parses an import map: one entry per line, "module field c_symbol", blank lines and lines
 * starting with '#' ignored.  The strings point into `text`, which must outlive the entries.
 * Errors name `file` and the line. */
bool meld_lower_parse_import_map(MeldContext *ctx, MeldArena *arena, const char *file,
                                 const char *text, size_t len, MeldImportMapEntry **entries,
                                 uint32_t *nentries);

/* Writes `s` as a C identifier fragment: [A-Za-z0-9_] kept, every other byte becomes '_'. */
void meld_lower_sanitise(MeldBuf *out, MeldStr s);

#ifdef __cplusplus
}
#endif
#endif
