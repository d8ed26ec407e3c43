/*
 * meldc support library: the allocator hook, arenas, growable arrays, strings, LEB128 and
 * byte buffers.  Every other layer builds on these.
 *
 * Ownership model: the IR lives in a MeldArena and is freed all at once.  Nothing in the IR is
 * freed one node at a time.  Growable arrays inside the IR are arena arrays (the old block is
 * simply abandoned when one grows).  Output buffers (MeldBuf) use the context allocator
 * directly because they may be large and are handed to the caller.
 *
 * Allocation failure is never fatal: arena functions return NULL and record the failure in the
 * arena (`oom`), and callers turn it into a diagnostic.
 */
#ifndef MELDC_SUPPORT_H
#define MELDC_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "No index": used for optional indices (an imported function has no body, a segment has no
 * table, ...). */
#define MELD_NONE UINT32_MAX

#if defined(__GNUC__)
#define MELD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define MELD_VPRINTF(fmt) __attribute__((format(printf, fmt, 0)))
#define MELD_UNUSED __attribute__((unused))
#else
#define MELD_PRINTF(fmt, args)
#define MELD_VPRINTF(fmt)
#define MELD_UNUSED
#endif

/* ---- Allocator hook (Lua's lua_Alloc contract) ----
 * new_size == 0: free `ptr` (may be NULL), return NULL.
 * otherwise: resize `ptr` (NULL: allocate) from old_size to new_size; return NULL on failure
 * and leave `ptr` untouched.  The default uses realloc/free.  Fuzzers and embedders install
 * their own to cap or count memory. */
typedef void *(*MeldAllocFn)(void *ud, void *ptr, size_t old_size, size_t new_size);

typedef struct MeldAllocator {
  MeldAllocFn fn;
  void *ud;
} MeldAllocator;

/* The default allocator: realloc/free. */
MeldAllocator meld_default_allocator(void);

void *meld_alloc(MeldAllocator a, size_t size);
void *meld_realloc(MeldAllocator a, void *ptr, size_t old_size, size_t new_size);
void meld_free(MeldAllocator a, void *ptr, size_t size);

/* ---- Arena ----
 * A chain of blocks; allocations are 16-byte aligned.  Marks allow scratch use: take a mark,
 * allocate, then release everything after the mark at once. */
typedef struct MeldArenaBlock MeldArenaBlock;

typedef struct MeldArena {
  MeldAllocator alloc;
  MeldArenaBlock *head;  /* current block (newest) */
  size_t block_size;     /* default size of a new block */
  size_t total;          /* bytes held from the allocator, for statistics */
  uint64_t serial;       /* blocks made so far */
  bool oom;              /* set when an allocation failed */
} MeldArena;

typedef struct MeldArenaMark {
  MeldArenaBlock *block;
  size_t used;
  uint64_t serial;
} MeldArenaMark;

void meld_arena_init(MeldArena *arena, MeldAllocator alloc, size_t block_size);
void meld_arena_free(MeldArena *arena);
/* Returns NULL (and sets arena->oom) on failure or when size overflows. Memory is not zeroed. */
void *meld_arena_alloc(MeldArena *arena, size_t size);
/* Zeroed memory for n elements of `size` bytes each; NULL on overflow or failure. */
void *meld_arena_calloc(MeldArena *arena, size_t n, size_t size);
void *meld_arena_memdup(MeldArena *arena, const void *data, size_t size);
MeldArenaMark meld_arena_mark(MeldArena *arena);
/* Releases everything allocated after `mark` (blocks allocated since are returned to the
 * allocator). */
void meld_arena_release(MeldArena *arena, MeldArenaMark mark);
/* Moves every block of `src` into `dst` (same allocator), which then owns them as if they had
 * just been allocated there (a later release to an earlier mark frees them); `src` is left
 * empty.  Lets workers allocate from arenas of their own and hand the results over. */
void meld_arena_adopt(MeldArena *dst, MeldArena *src);

/* ---- Growable arrays (items + nitems + cap, 32-bit counts) ----
 * `meld_grow` makes room for at least `need` elements of `elem_size` in the array whose pointer
 * is stored at `pitems` (a `T **`, passed as void * so any element type works), doubling.
 * Returns false on overflow or allocation failure (the array is left unchanged). */
bool meld_grow(MeldArena *arena, void *pitems, uint32_t *cap, uint32_t need, size_t elem_size);

/* Appends one element to the array at `pitems` (count *n, capacity *cap) and returns a pointer
 * to the new (uninitialised) slot, or NULL on failure. */
void *meld_push(MeldArena *arena, void *pitems, uint32_t *n, uint32_t *cap, size_t elem_size);
#define MELD_PUSH(arena, items, n, cap)                                                            \
  meld_push((arena), &(items), &(n), &(cap), sizeof *(items))

/* ---- Strings: not NUL terminated; usually point into the input bytes or the arena ---- */
typedef struct MeldStr {
  const char *ptr;
  uint32_t len;
} MeldStr;

MeldStr meld_str(const char *cstr);
bool meld_str_eq(MeldStr a, MeldStr b);
bool meld_str_eq_cstr(MeldStr a, const char *cstr);
int meld_str_cmp(MeldStr a, MeldStr b);
/* Copies into the arena, adding a NUL after the bytes (not counted in len). */
MeldStr meld_str_dup(MeldArena *arena, MeldStr s);
/* Is `s` well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF)? */
bool meld_utf8_valid(const uint8_t *s, size_t len);

/* ---- Hashing ---- */
uint32_t meld_hash_bytes(const void *data, size_t len, uint32_t seed);

/* ---- LEB128 ----
 * Decoders take a cursor and the end of the readable bytes; they never read past `end`.
 * The status tells a precise error that becomes a diagnostic. */
typedef enum MeldLebStatus {
  MELD_LEB_OK = 0,
  MELD_LEB_EOF,      /* ran out of bytes */
  MELD_LEB_TOO_LONG, /* more bytes than the type allows */
  MELD_LEB_TOO_LARGE /* unused bits of the last byte are not a sign/zero extension */
} MeldLebStatus;

MeldLebStatus meld_leb_u32(const uint8_t **p, const uint8_t *end, uint32_t *out);
MeldLebStatus meld_leb_u64(const uint8_t **p, const uint8_t *end, uint64_t *out);
MeldLebStatus meld_leb_s32(const uint8_t **p, const uint8_t *end, int32_t *out);
MeldLebStatus meld_leb_s33(const uint8_t **p, const uint8_t *end, int64_t *out);
MeldLebStatus meld_leb_s64(const uint8_t **p, const uint8_t *end, int64_t *out);
const char *meld_leb_status_text(MeldLebStatus s);

/* Number of bytes of the minimal encoding. */
uint32_t meld_leb_u32_size(uint32_t v);
uint32_t meld_leb_u64_size(uint64_t v);

/* ---- Output byte buffer ----
 * Grows with the allocator; on failure sets `oom` and drops further writes, so a writer can
 * emit everything and check once at the end.
 *
 * Streaming: with a `flush` function set, writers call meld_buf_maybe_flush() at points where
 * nothing already written will be patched again (between sections, between function bodies);
 * once more than MELD_BUF_FLUSH_AT bytes are pending they go to `flush` and the buffer empties.
 * meld_buf_finish() hands over the rest.  Without `flush` the buffer keeps everything. */
typedef bool (*MeldBufFlush)(void *ud, const uint8_t *data, size_t len);

#define MELD_BUF_FLUSH_AT (256u * 1024u)

typedef struct MeldBuf {
  MeldAllocator alloc;
  uint8_t *data;
  size_t len;
  size_t cap;
  bool oom;
  MeldBufFlush flush;
  void *flush_ud;
  size_t flushed;     /* bytes already handed to `flush` */
  bool flush_failed;
} MeldBuf;

void meld_buf_maybe_flush(MeldBuf *b);
/* Flushes what is pending (no-op without `flush`); false if a flush failed or memory ran out. */
bool meld_buf_finish(MeldBuf *b);

void meld_buf_init(MeldBuf *b, MeldAllocator alloc);
void meld_buf_free(MeldBuf *b);
bool meld_buf_reserve(MeldBuf *b, size_t extra);
void meld_buf_byte(MeldBuf *b, uint8_t v);
void meld_buf_bytes(MeldBuf *b, const void *data, size_t len);
void meld_buf_u32(MeldBuf *b, uint32_t v);  /* unsigned LEB128, minimal */
void meld_buf_u64(MeldBuf *b, uint64_t v);  /* unsigned LEB128, minimal */
void meld_buf_s32(MeldBuf *b, int32_t v);   /* signed LEB128, minimal */
void meld_buf_s64(MeldBuf *b, int64_t v);   /* signed LEB128, minimal */
void meld_buf_u32_fixed5(MeldBuf *b, uint32_t v); /* unsigned LEB128 padded to 5 bytes */
void meld_buf_str(MeldBuf *b, MeldStr s);   /* u32 length + bytes (a wasm `name`) */
void meld_buf_le32(MeldBuf *b, uint32_t v);
void meld_buf_le64(MeldBuf *b, uint64_t v);
/* printf-style text append (used by printers). */
void meld_buf_printf(MeldBuf *b, const char *fmt, ...) MELD_PRINTF(2, 3);
void meld_buf_cstr(MeldBuf *b, const char *s);

/* Reads a whole file with the allocator. Returns false and fills `err` (a static or errno
 * string) on failure. */
bool meld_read_file(MeldAllocator alloc, const char *path, uint8_t **data, size_t *len,
                    const char **err);

/* Monotonic clock in seconds (for --time-passes). */
double meld_now(void);

/* Runs fn(env, w) for every worker w in [0, nworkers): worker 0 on the calling thread, the others
 * on threads of their own; returns when all have returned.  A thread that cannot be started
 * runs its worker on the calling thread instead, so the work is always done.  Workers share
 * out the items themselves (MeldWorkQueue). */
typedef void (*MeldWorkerFn)(void *env, uint32_t worker);
void meld_parallel_run(uint32_t nworkers, MeldWorkerFn fn, void *env);

/* The online processor count (at least 1). */
uint32_t meld_cpu_count(void);

/* Hands out [0, n) in chunks to the workers of one meld_parallel_run. */
typedef struct MeldWorkQueue {
  _Atomic uint32_t next;
  uint32_t n, chunk;
} MeldWorkQueue;
void meld_queue_init(MeldWorkQueue *q, uint32_t n, uint32_t chunk);
/* The next chunk [*begin, *end); false when none is left. */
bool meld_queue_take(MeldWorkQueue *q, uint32_t *begin, uint32_t *end);

#ifdef __cplusplus
}
#endif
#endif
