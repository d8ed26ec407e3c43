/*
 * The component layer of the IR: one WebAssembly component (component-model binary format,
 * version 0x0d, layer 1), with nested components to any depth.  docs/component-ir.md describes
 * the shape, the index spaces and the text form.
 *
 * Shape.  The IR keeps everything the binary says, in binary order:
 *   - one array per section kind (`modules`, `coreinstances`, `coretypes`, `components`,
 *     `instances`, `aliases`, `types`, `canons`, `starts`, `imports`, `exports`, `values`,
 *     `customs`), each holding the items of that kind in the order they appear;
 *   - `sections`: the sections in file order, each naming its kind and the run of items
 *     [first, first + count) of that kind's array it holds.  Writing the sections in this order
 *     reproduces the input (an empty section stays an empty section).
 * Nested core modules are MeldModule (Core.h); nested components are MeldComponent.  Type
 * definitions nest (component and instance types hold declarations, which hold types) and are
 * held by pointer, allocated in the same arena.  Strings and payloads point into the input bytes
 * or the arena.  Everything uses 32-bit indices exactly as the binary does; nothing is resolved
 * to pointers, so a pass that renumbers an index space renumbers integers.
 *
 * Index spaces.  `spaces[sort]` maps every index of `sort` to the item that defines it
 * (MeldCompDef: which array, which element), in definition order, exactly as the component
 * model builds them: imports, aliases, exports (every export adds an index to its sort),
 * definitions of the section kinds, canon (lift adds a func, every other canon a core func),
 * start results (values).  The reader fills them; after editing the arrays or sections call
 * meld_component_index() to rebuild them.  Component and instance *types* have their own scopes;
 * their index spaces are derived by the verifier (see docs/component-ir.md).
 */
#ifndef MELDC_COMPONENT_H
#define MELDC_COMPONENT_H

#include "meldc/Core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct MeldComponent MeldComponent;

/* ---- Sorts (index spaces) ----
 * The binary encodes a sort as a core:sort byte (0x00 func, 0x01 table, 0x02 memory, 0x03 global,
 * 0x04 tag, 0x10 type, 0x11 module, 0x12 instance) or a component sort byte (0x00 + core:sort,
 * 0x01 func, 0x02 value, 0x03 type, 0x04 component, 0x05 instance).  The IR uses this enum. */
typedef enum MeldSort {
  MELD_SORT_CORE_FUNC = 0,
  MELD_SORT_CORE_TABLE,
  MELD_SORT_CORE_MEMORY,
  MELD_SORT_CORE_GLOBAL,
  MELD_SORT_CORE_TAG,
  MELD_SORT_CORE_TYPE,
  MELD_SORT_CORE_MODULE,
  MELD_SORT_CORE_INSTANCE,
  MELD_SORT_FUNC,
  MELD_SORT_VALUE,
  MELD_SORT_TYPE,
  MELD_SORT_COMPONENT,
  MELD_SORT_INSTANCE,
  MELD_NUM_SORTS
} MeldSort;

/* "core func", "core table", ..., "func", "value", "type", "component", "instance". */
const char *meld_sort_name(MeldSort sort);
bool meld_sort_is_core(MeldSort sort);
/* core:sort byte <-> sort; returns MELD_NUM_SORTS for a byte that is not a core:sort. */
MeldSort meld_sort_from_core_byte(uint8_t byte);
uint8_t meld_sort_core_byte(MeldSort sort); /* sort must be a core sort */
/* Appends the binary encoding of `sort` as a component sort (0x00 core:sort, 0x01 func, ...). */
void meld_sort_encode(MeldBuf *out, MeldSort sort);

/* ---- Section ids ---- */
enum {
  MELD_CSEC_CUSTOM = 0,
  MELD_CSEC_CORE_MODULE = 1,
  MELD_CSEC_CORE_INSTANCE = 2,
  MELD_CSEC_CORE_TYPE = 3,
  MELD_CSEC_COMPONENT = 4,
  MELD_CSEC_INSTANCE = 5,
  MELD_CSEC_ALIAS = 6,
  MELD_CSEC_TYPE = 7,
  MELD_CSEC_CANON = 8,
  MELD_CSEC_START = 9,
  MELD_CSEC_IMPORT = 10,
  MELD_CSEC_EXPORT = 11,
  MELD_CSEC_VALUE = 12,
  MELD_NUM_CSECS
};
const char *meld_csection_name(uint8_t id); /* "custom", "core module", ..., "value" */

/* ---- Value types ----
 * A component valtype is a primitive (prim != 0: its binary code) or a type index (prim == 0). */
enum {
  MELD_PRIM_BOOL = 0x7f,
  MELD_PRIM_S8 = 0x7e,
  MELD_PRIM_U8 = 0x7d,
  MELD_PRIM_S16 = 0x7c,
  MELD_PRIM_U16 = 0x7b,
  MELD_PRIM_S32 = 0x7a,
  MELD_PRIM_U32 = 0x79,
  MELD_PRIM_S64 = 0x78,
  MELD_PRIM_U64 = 0x77,
  MELD_PRIM_F32 = 0x76,
  MELD_PRIM_F64 = 0x75,
  MELD_PRIM_CHAR = 0x74,
  MELD_PRIM_STRING = 0x73,
  MELD_PRIM_ERROR_CONTEXT = 0x64,
};
bool meld_prim_valid(uint8_t byte);
const char *meld_prim_name(uint8_t prim); /* "bool", ..., "error-context"; "?" if invalid */

typedef struct MeldCompValType {
  uint32_t index; /* type index when prim == 0 */
  uint8_t prim;   /* MELD_PRIM_* or 0 */
} MeldCompValType;

/* ---- Type definitions (type section, and `type` declarators) ----
 * `code` is the leading byte of the definition.  A primitive defvaltype has the primitive's code.
 * Which fields are used:
 *   RECORD    fields (label + type)          VARIANT  fields (label + optional type)
 *   LIST      a                              FIXED_LIST a, length
 *   TUPLE     fields (type only)             FLAGS, ENUM fields (label only)
 *   OPTION    a                              RESULT   a = ok (has_a), b = error (has_b)
 *   OWN, BORROW resource (a type index)      STREAM, FUTURE a (has_a)
 *   MAP       a = key, b = value             FUNC, ASYNC_FUNC fields = params, a = result (has_a)
 *   COMPONENT, INSTANCE decls                RESOURCE rep (core valtype byte), dtor (has_dtor) */
enum {
  MELD_CT_RECORD = 0x72,
  MELD_CT_VARIANT = 0x71,
  MELD_CT_LIST = 0x70,
  MELD_CT_TUPLE = 0x6f,
  MELD_CT_FLAGS = 0x6e,
  MELD_CT_ENUM = 0x6d,
  MELD_CT_OPTION = 0x6b,
  MELD_CT_RESULT = 0x6a,
  MELD_CT_OWN = 0x69,
  MELD_CT_BORROW = 0x68,
  MELD_CT_FIXED_LIST = 0x67,
  MELD_CT_STREAM = 0x66,
  MELD_CT_FUTURE = 0x65,
  MELD_CT_MAP = 0x63,
  MELD_CT_FUNC = 0x40,
  MELD_CT_COMPONENT = 0x41,
  MELD_CT_INSTANCE = 0x42,
  MELD_CT_ASYNC_FUNC = 0x43,
  MELD_CT_RESOURCE = 0x3f,
};

typedef struct MeldCompField {
  MeldStr label; /* empty for tuple elements */
  MeldCompValType type;
  bool has_type; /* false for flags/enum labels and payload-less variant cases */
} MeldCompField;

typedef struct MeldCompDecl MeldCompDecl;

typedef struct MeldCompType {
  uint8_t code; /* MELD_CT_* or a MELD_PRIM_* code */
  bool has_a, has_b;
  MeldCompValType a, b;
  uint32_t length;   /* FIXED_LIST */
  uint32_t resource; /* OWN, BORROW */
  uint8_t rep;       /* RESOURCE: core valtype of the representation */
  bool has_dtor;     /* RESOURCE */
  uint32_t dtor;     /* RESOURCE: core func index */
  MeldCompField *fields;
  uint32_t nfields;
  MeldCompDecl *decls;
  uint32_t ndecls;
  uint64_t offset; /* file offset of the leading byte */
} MeldCompType;

bool meld_comptype_is_defval(uint8_t code); /* primitives and RECORD..MAP */

/* ---- Core types (core type section, module types) ----
 * A core valtype as the GC proposal encodes it: `code` is a number/vector type byte, an
 * abbreviated reference type byte (0x70 funcref, 0x6f externref, ...), a packed storage type
 * (0x78 i8, 0x77 i16, fields only), or 0x63 (ref null ht) / 0x64 (ref ht).  For the last two the
 * heap type is `heap` (an abstract heap type byte) or, when heap == 0, the type index `index`. */
typedef struct MeldCoreValType {
  uint8_t code;
  uint8_t heap;
  uint32_t index;
} MeldCoreValType;

/* The text name of an abstract heap type byte: "func" for 0x70, "extern" for 0x6f, ..., "noexn"
 * for 0x74; "?" for any other byte.  An abbreviated reference type byte is the heap type byte it
 * abbreviates, so its name is this name + "ref" ("funcref"). */
const char *meld_heap_type_name(uint8_t heap);

typedef struct MeldCoreField {
  MeldCoreValType type;
  bool mut;
} MeldCoreField;

/* How a subtype was written.  A bare composite type (0x60/0x5f/0x5e) is final with no
 * supertypes; OPEN is `sub` (0x50; 0x00 0x50 as a top-level core type of a component); FINAL is
 * `sub final` (0x4f). */
enum { MELD_SUB_BARE = 0, MELD_SUB_OPEN = 1, MELD_SUB_FINAL = 2 };
enum { MELD_COMP_FUNC = 0x60, MELD_COMP_STRUCT = 0x5f, MELD_COMP_ARRAY = 0x5e };

typedef struct MeldCoreSubType {
  uint8_t form; /* MELD_SUB_* */
  uint8_t kind; /* MELD_COMP_* */
  uint32_t *supers;
  uint32_t nsupers;
  MeldCoreValType *params, *results; /* FUNC */
  uint32_t nparams, nresults;
  MeldCoreField *fields; /* STRUCT fields; ARRAY: exactly one */
  uint32_t nfields;
} MeldCoreSubType;

/* Core extern types (imports/exports of module types).  `kind` is MELD_EXTERN_* (Core.h) or
 * MELD_EXTERN_TAG.  Limits keep the flags byte as encoded: bit 0 has max, bit 1 shared, bit 2
 * 64-bit indices, bit 3 custom page size (page_log2). */
enum { MELD_EXTERN_TAG = 4 };
typedef struct MeldCoreExternType {
  uint8_t kind;
  uint32_t index;       /* FUNC, TAG: type index */
  MeldCoreValType type; /* TABLE: element type; GLOBAL: value type */
  bool mut;             /* GLOBAL */
  uint8_t flags;        /* TABLE, MEMORY: limits flags */
  uint64_t min, max;    /* TABLE, MEMORY */
  uint32_t page_log2;   /* MEMORY, when flags & 8 */
} MeldCoreExternType;

typedef struct MeldCoreTypeDef MeldCoreTypeDef;

/* Aliases.  `target` is the binary's alias target byte. */
enum { MELD_ALIAS_EXPORT = 0, MELD_ALIAS_CORE_EXPORT = 1, MELD_ALIAS_OUTER = 2 };
typedef struct MeldCompAlias {
  uint8_t sort;      /* MeldSort */
  uint8_t target;    /* MELD_ALIAS_* */
  uint32_t instance; /* EXPORT: instance index; CORE_EXPORT: core instance index */
  MeldStr name;      /* EXPORT, CORE_EXPORT */
  uint32_t count;    /* OUTER: number of enclosing scopes to go out */
  uint32_t index;    /* OUTER: index in that scope's space of `sort` */
  uint64_t offset;
} MeldCompAlias;

enum { MELD_MDECL_IMPORT = 0, MELD_MDECL_TYPE = 1, MELD_MDECL_ALIAS = 2, MELD_MDECL_EXPORT = 3 };
typedef struct MeldCoreModuleDecl {
  uint8_t kind;           /* MELD_MDECL_* */
  MeldStr module, name;   /* IMPORT: module and name; EXPORT: name */
  MeldCoreExternType ext; /* IMPORT, EXPORT */
  MeldCoreTypeDef *type;  /* TYPE (a rec group: kind SUB or REC) */
  MeldCompAlias alias;    /* ALIAS: outer alias of sort CORE_TYPE */
  uint64_t offset;
} MeldCoreModuleDecl;

enum { MELD_CORETYPE_SUB = 0, MELD_CORETYPE_REC = 1, MELD_CORETYPE_MODULE = 2 };
struct MeldCoreTypeDef {
  uint8_t kind;          /* SUB: one subtype (an implicit group of one); REC: 0x4e group */
  MeldCoreSubType *subs; /* SUB: 1; REC: the members (each defines one core type index) */
  uint32_t nsubs;
  MeldCoreModuleDecl *decls; /* MODULE */
  uint32_t ndecls;
  uint64_t offset;
};

/* ---- Import / export names ----
 * `form` is the nameattributes byte: 0x00 and 0x01 carry no attributes, 0x02 a (possibly empty)
 * attribute vector. */
enum { MELD_ATTR_IMPLEMENTS = 0, MELD_ATTR_VERSION_SUFFIX = 1, MELD_ATTR_EXTERNAL_ID = 2 };
typedef struct MeldNameAttr {
  uint8_t kind; /* MELD_ATTR_* */
  MeldStr value;
} MeldNameAttr;

typedef struct MeldExternName {
  uint8_t form;
  MeldStr name;
  MeldNameAttr *attrs;
  uint32_t nattrs;
} MeldExternName;

/* The structure of an extern name (Explainer.md "Import and Export Definitions").  Parts are
 * slices of the name. */
typedef enum MeldNameKind {
  MELD_NAME_LABEL,       /* plain kebab label */
  MELD_NAME_CONSTRUCTOR, /* [constructor]r          resource = r */
  MELD_NAME_METHOD,      /* [method]r.m             resource = r, method = m */
  MELD_NAME_STATIC,      /* [static]r.m             resource = r, method = m */
  MELD_NAME_INTERFACE,   /* ns:pkg/iface@version    namespace, package, interface, version */
  MELD_NAME_DEPENDENCY,  /* unlocked-dep=<..>, locked-dep=<..>, url=<..>, integrity=<..>
                            (wasm-tools/wac forms outside the spec; accepted for imports) */
} MeldNameKind;

typedef struct MeldNameInfo {
  MeldNameKind kind;
  MeldStr label; /* LABEL: the label; CONSTRUCTOR: the resource */
  MeldStr resource, method;
  MeldStr namespace_, package, interface, version;
  bool has_version; /* an '@' was present (the version may still be empty, which is invalid) */
} MeldNameInfo;

/* Parses an extern name.  On failure returns false and writes a message ("`Foo` is not in kebab
 * case", "expected `/` after package name", ...) into err (NUL-terminated, truncated to errlen). */
bool meld_name_parse(MeldStr name, MeldNameInfo *out, char *err, size_t errlen);
/* Is `s` a kebab-case label? */
bool meld_name_is_kebab(MeldStr s);
/* Validates a semantic version (semver.org 2.0); on failure a message as above. */
bool meld_semver_valid(MeldStr v, char *err, size_t errlen);

/* ---- Extern types ---- */
enum {
  MELD_EXT_MODULE = 0x00, /* encoded 0x00 0x11 */
  MELD_EXT_FUNC = 0x01,
  MELD_EXT_VALUE = 0x02,
  MELD_EXT_TYPE = 0x03,
  MELD_EXT_COMPONENT = 0x04,
  MELD_EXT_INSTANCE = 0x05,
};
/* Type bounds (EXT_TYPE) and value bounds (EXT_VALUE). */
enum { MELD_BOUND_EQ = 0, MELD_BOUND_SUB_RESOURCE = 1, MELD_BOUND_VALTYPE = 1 };

typedef struct MeldExternType {
  uint8_t kind;        /* MELD_EXT_* */
  uint8_t bound;       /* TYPE: EQ / SUB_RESOURCE; VALUE: EQ (value index) / VALTYPE */
  uint32_t index;      /* MODULE: core type index; FUNC, COMPONENT, INSTANCE: type index;
                          TYPE with EQ: type index; VALUE with EQ: value index */
  MeldCompValType val; /* VALUE with VALTYPE */
} MeldExternType;

MeldSort meld_extern_sort(uint8_t ext_kind);

/* ---- Declarations of component and instance types ---- */
enum {
  MELD_DECL_CORE_TYPE = 0x00,
  MELD_DECL_TYPE = 0x01,
  MELD_DECL_ALIAS = 0x02,
  MELD_DECL_IMPORT = 0x03, /* component types only */
  MELD_DECL_EXPORT = 0x04,
};
struct MeldCompDecl {
  uint8_t kind;              /* MELD_DECL_* */
  MeldCoreTypeDef *coretype; /* CORE_TYPE */
  MeldCompType *type;        /* TYPE */
  MeldCompAlias alias;       /* ALIAS */
  MeldExternName name;       /* IMPORT, EXPORT */
  MeldExternType ext;        /* IMPORT, EXPORT */
  uint64_t offset;
};

/* ---- Section items ---- */

typedef struct MeldCoreModuleDef {
  MeldModule *module;
  const uint8_t *bytes; /* the module's encoding as read (NULL for a module built by a pass) */
  uint32_t size;
  uint64_t offset; /* file offset of the module's first byte */
} MeldCoreModuleDef;

/* Core instances.  INSTANTIATE: module + args; EXPORTS: a bag of inline exports. */
enum { MELD_INST_INSTANTIATE = 0, MELD_INST_EXPORTS = 1 };
typedef struct MeldCoreInstArg {
  MeldStr name;
  uint32_t instance; /* core instance index (the only argument sort, 0x12) */
} MeldCoreInstArg;

typedef struct MeldCoreInlineExport {
  MeldStr name;
  uint8_t sort; /* MeldSort (a core sort) */
  uint32_t index;
} MeldCoreInlineExport;

typedef struct MeldCoreInstance {
  uint8_t kind; /* MELD_INST_* */
  uint32_t module;
  MeldCoreInstArg *args;
  uint32_t nargs;
  MeldCoreInlineExport *exports;
  uint32_t nexports;
  uint64_t offset;
} MeldCoreInstance;

typedef struct MeldCompInstArg {
  MeldStr name;
  uint8_t sort; /* MeldSort */
  uint32_t index;
} MeldCompInstArg;

typedef struct MeldCompInlineExport {
  MeldExternName name;
  uint8_t sort; /* MeldSort */
  uint32_t index;
} MeldCompInlineExport;

typedef struct MeldCompInstance {
  uint8_t kind; /* MELD_INST_* */
  uint32_t component;
  MeldCompInstArg *args;
  uint32_t nargs;
  MeldCompInlineExport *exports;
  uint32_t nexports;
  uint64_t offset;
} MeldCompInstance;

/* ---- Canonical definitions ----
 * `op` is the leading byte; Canon.def is the one table of canon forms (code, enum name, text,
 * shape).  The shape of a form says which immediates follow the leading byte, in binary order,
 * and which MeldCompCanon fields hold them: */
typedef enum MeldCanonShape {
  MELD_CANON_SHAPE_NONE,                   /* nothing */
  MELD_CANON_SHAPE_LIFT,                   /* 0x00 func (core func), opts, type (func type) */
  MELD_CANON_SHAPE_LOWER,                  /* 0x00 func (func), opts */
  MELD_CANON_SHAPE_TYPE,                   /* type (resource, stream or future type) */
  MELD_CANON_SHAPE_TYPE_OPTS,              /* type (stream or future type), opts */
  MELD_CANON_SHAPE_TYPE_ASYNC,             /* type (stream or future type), flag (async?) */
  MELD_CANON_SHAPE_RESULT_OPTS,            /* has_result/result (a resultlist), opts */
  MELD_CANON_SHAPE_CONTEXT,                /* valtype (core valtype byte), imm (slot) */
  MELD_CANON_SHAPE_ASYNC,                  /* flag (async?) */
  MELD_CANON_SHAPE_OPTS,                   /* opts */
  MELD_CANON_SHAPE_CANCEL,                 /* flag (cancellable?) */
  MELD_CANON_SHAPE_CANCEL_MEMORY,          /* flag (cancellable?), memory (core memory) */
  MELD_CANON_SHAPE_CORE_TYPE_TABLE,        /* type (core func type), table (core table) */
  MELD_CANON_SHAPE_SHARED,                 /* flag (shared?) */
  MELD_CANON_SHAPE_SHARED_CORE_TYPE,       /* flag (shared?), type (core func type) */
  MELD_CANON_SHAPE_SHARED_CORE_TYPE_TABLE, /* flag (shared?), type (core func type), table */
} MeldCanonShape;

enum {
#define MELD_CANON(code, name, text, shape) MELD_CANON_##name = code,
#include "meldc/Canon.def"
};
/* "lift", ..., or NULL when `op` is not a canon form. */
const char *meld_canon_name(uint8_t op);
/* The shape of form `op`; NONE when `op` is not a canon form. */
MeldCanonShape meld_canon_shape(uint8_t op);

/* Canonical options; `kind` is the option byte. */
enum {
  MELD_OPT_UTF8 = 0x00,
  MELD_OPT_UTF16 = 0x01,
  MELD_OPT_LATIN1_UTF16 = 0x02,
  MELD_OPT_MEMORY = 0x03,
  MELD_OPT_REALLOC = 0x04,
  MELD_OPT_POST_RETURN = 0x05,
  MELD_OPT_ASYNC = 0x06,
  MELD_OPT_CALLBACK = 0x07,
};
typedef struct MeldCanonOpt {
  uint8_t kind;
  uint32_t index; /* MEMORY: core memory; REALLOC, POST_RETURN, CALLBACK: core func */
} MeldCanonOpt;

typedef struct MeldCompCanon {
  uint8_t op; /* MELD_CANON_* */
  uint8_t flag;
  uint8_t valtype;
  bool has_result;
  uint32_t func, type, table, memory, imm;
  MeldCompValType result;
  MeldCanonOpt *opts;
  uint32_t nopts;
  uint64_t offset;
} MeldCompCanon;

/* The sort a canon definition adds an index to: FUNC for lift, CORE_FUNC otherwise. */
MeldSort meld_canon_sort(uint8_t op);

/* ---- Start, import, export, value, custom ---- */
typedef struct MeldCompStart {
  uint32_t func;
  uint32_t *args; /* value indices */
  uint32_t nargs;
  uint32_t nresults;
  uint64_t offset;
} MeldCompStart;

typedef struct MeldCompImport {
  MeldExternName name;
  MeldExternType type;
  uint64_t offset;
} MeldCompImport;

typedef struct MeldCompExport {
  MeldExternName name;
  uint8_t sort; /* MeldSort */
  uint32_t index;
  bool has_type;
  MeldExternType type; /* ascribed type, when has_type */
  uint64_t offset;
} MeldCompExport;

/* A value definition: its type and its encoded value (`bytes`, `len` bytes, as in the binary;
 * the verifier checks it against the type). */
typedef struct MeldCompValue {
  MeldCompValType type;
  const uint8_t *bytes;
  uint32_t len;
  uint64_t offset;
} MeldCompValue;

typedef struct MeldCompCustom {
  MeldStr name;
  const uint8_t *data; /* payload after the name */
  uint32_t size;
  uint64_t offset; /* file offset of the payload */
  bool is_names;   /* the decoded component-name section: written from MeldComponent.names */
} MeldCompCustom;

/* The `component-name` custom section, decoded (Binary.md "Name Section"). */
typedef struct MeldCompSortNames {
  uint8_t sort; /* MeldSort */
  MeldNameMap map;
} MeldCompSortNames;

typedef struct MeldCompNames {
  bool has_component;
  MeldStr component;
  MeldCompSortNames *sorts;
  uint32_t nsorts, capsorts;
} MeldCompNames;

/* Appends the payload of a component-name section (after the section name) for `names`. */
void meld_component_names_encode(const MeldCompNames *names, MeldBuf *out);

/* The name of index `index` of `sort` from the name section, or an empty string. */
MeldStr meld_component_name_of(const MeldComponent *c, MeldSort sort, uint32_t index);

/* ---- Sections and index spaces ---- */
typedef struct MeldCompSection {
  uint8_t id;         /* MELD_CSEC_* */
  uint8_t size_width; /* bytes of the section size LEB128 as read (0: minimal) */
  uint32_t first;     /* first item in the array of this kind */
  uint32_t count;     /* number of items (1 for core module, component, start, custom) */
  uint64_t offset;    /* file offset of the section id byte */
} MeldCompSection;

/* What defines one index of an index space. */
typedef enum MeldDefKind {
  MELD_DEF_IMPORT,        /* imports[index] */
  MELD_DEF_EXPORT,        /* exports[index] */
  MELD_DEF_ALIAS,         /* aliases[index] */
  MELD_DEF_CORE_MODULE,   /* modules[index] */
  MELD_DEF_CORE_INSTANCE, /* coreinstances[index] */
  MELD_DEF_CORE_TYPE,     /* coretypes[index], member `sub` of its rec group */
  MELD_DEF_COMPONENT,     /* components[index] */
  MELD_DEF_INSTANCE,      /* instances[index] */
  MELD_DEF_TYPE,          /* types[index] */
  MELD_DEF_CANON,         /* canons[index] */
  MELD_DEF_START,         /* starts[index], result `sub` */
  MELD_DEF_VALUE,         /* values[index] */
} MeldDefKind;

typedef struct MeldCompDef {
  uint8_t kind; /* MeldDefKind */
  uint32_t index;
  uint32_t sub;
} MeldCompDef;

typedef struct MeldIndexSpace {
  MeldCompDef *items;
  uint32_t nitems, cap;
} MeldIndexSpace;

struct MeldComponent {
  MeldCompSection *sections;
  uint32_t nsections, capsections;

  MeldCoreModuleDef *modules;
  uint32_t nmodules, capmodules;
  MeldCoreInstance *coreinstances;
  uint32_t ncoreinstances, capcoreinstances;
  MeldCoreTypeDef *coretypes;
  uint32_t ncoretypes, capcoretypes;
  MeldComponent **components;
  uint32_t ncomponents, capcomponents;
  MeldCompInstance *instances;
  uint32_t ninstances, capinstances;
  MeldCompAlias *aliases;
  uint32_t naliases, capaliases;
  MeldCompType *types;
  uint32_t ntypes, captypes;
  MeldCompCanon *canons;
  uint32_t ncanons, capcanons;
  MeldCompStart *starts;
  uint32_t nstarts, capstarts;
  MeldCompImport *imports;
  uint32_t nimports, capimports;
  MeldCompExport *exports;
  uint32_t nexports, capexports;
  MeldCompValue *values;
  uint32_t nvalues, capvalues;
  MeldCompCustom *customs;
  uint32_t ncustoms, capcustoms;

  MeldCompNames names; /* valid when a custom section has is_names */

  MeldIndexSpace spaces[MELD_NUM_SORTS];

  /* Where the component came from, for diagnostics. */
  const char *file;
  uint64_t base_offset; /* offset of the component's first byte within `file` */
  uint32_t size;        /* bytes of its encoding as read (0 when built by a pass); the verifier
                           bounds its memory by it */
};

/* An empty component (no sections). NULL on allocation failure. */
MeldComponent *meld_component_new(MeldArena *arena);

/* Rebuilds c->spaces from the sections and item arrays (not recursing into nested
 * components).  Returns false on allocation failure. */
bool meld_component_index(MeldComponent *c, MeldArena *arena);

/* The definition of index `index` of `sort`, or NULL when out of range. */
const MeldCompDef *meld_component_def(const MeldComponent *c, MeldSort sort, uint32_t index);

#ifdef __cplusplus
}
#endif
#endif
