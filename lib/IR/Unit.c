/*
 * The compilation unit: input ownership, reading either layer, verifying and emitting
 * whichever layer it holds.
 */
#define _DEFAULT_SOURCE /* mmap flags (MAP_POPULATE), open, fstat */
#include "meldc/Unit.h"
#include "meldc/Print.h"
#include "meldc/Verify.h"

#include <string.h>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define MELD_HAVE_MMAP 1
#endif

static void release_bytes(MeldUnit *u, uint8_t *data, size_t len, bool mapped) {
#if MELD_HAVE_MMAP
  if (mapped) {
    munmap(data, len);
    return;
  }
#else
  (void)mapped;
#endif
  meld_free(u->ctx->alloc, data, len);
}

void meld_unit_init(MeldUnit *u, MeldContext *ctx) {
  memset(u, 0, sizeof *u);
  u->ctx = ctx;
  meld_arena_init(&u->arena, ctx->alloc, 256 * 1024);
}

void meld_unit_free(MeldUnit *u) {
  for (uint32_t i = 0; i < u->ninputs; i++)
    release_bytes(u, u->inputs[i].data, u->inputs[i].len, u->inputs[i].mapped);
  meld_arena_free(&u->arena);
  memset(u, 0, sizeof *u);
}

/* Takes ownership of `data` (mapped: from map_file) and reads it as the next input. */
static bool add_input(MeldUnit *u, const char *name, uint8_t *data, size_t len, bool mapped) {
  MeldContext *ctx = u->ctx;
  MeldInput *in = MELD_PUSH(&u->arena, u->inputs, u->ninputs, u->capinputs);
  if (!in) {
    release_bytes(u, data, len, mapped);
    meld_error(ctx, name, MELD_NO_OFFSET, "out of memory");
    return false;
  }
  memset(in, 0, sizeof *in);
  in->file = name;
  in->data = data;
  in->len = len;
  in->mapped = mapped;
  in->kind = meld_binary_kind(data, len);
  if (in->kind == MELD_BINARY_COMPONENT) {
    if (u->module) {
      meld_error(ctx, name, MELD_NO_OFFSET,
                 "cannot fuse a component with the core module %s: give only components",
                 u->inputs[0].file);
      return false;
    }
    if (!meld_component_read(ctx, &u->arena, name, 0, data, len, &in->component)) return false;
    if (!u->component) u->component = in->component;
    u->props = MELD_PROP_COMPONENT | MELD_PROP_ADAPTED;
    return true;
  }
  /* A core module (or something the core reader will explain is neither). */
  if (u->ninputs > 1) {
    meld_error(ctx, name, MELD_NO_OFFSET,
               "a core module must be the only input (several inputs are components to fuse)");
    return false;
  }
  if (!meld_core_read(ctx, &u->arena, name, 0, data, len, &in->module)) return false;
  u->module = in->module;
  u->props = MELD_PROP_CORE | MELD_PROP_ADAPTED;
  return true;
}

bool meld_unit_read_bytes(MeldUnit *u, const char *name, uint8_t *data, size_t len) {
  return add_input(u, name, data, len, false);
}

#if MELD_HAVE_MMAP
/* A regular, non-empty file is mapped (private and read-only: nothing reaches the file) instead
 * of read: no copy, and the kernel maps page-cache pages in batches instead of faulting in a
 * fresh buffer page by page.  As with any mapped input, a file truncated by another process
 * while meldc runs faults (SIGBUS); meldc's own output replaces files by renaming a new one into
 * place, so `-o` naming an input is safe.  NULL when it cannot be (the caller reads the file). */
static uint8_t *map_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  struct stat st;
  void *p = MAP_FAILED;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uint64_t)st.st_size <= SIZE_MAX) {
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;
#endif
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, flags, fd, 0);
  }
  close(fd);
  if (p == MAP_FAILED) return NULL;
  *len = (size_t)st.st_size;
  return p;
}
#endif

bool meld_unit_read_file(MeldUnit *u, const char *path) {
  uint8_t *data;
  size_t len;
  const char *err;
#if MELD_HAVE_MMAP
  if ((data = map_file(path, &len)) != NULL) return add_input(u, path, data, len, true);
#endif
  if (!meld_read_file(u->ctx->alloc, path, &data, &len, &err)) {
    meld_error(u->ctx, path, MELD_NO_OFFSET, "cannot read file: %s", err);
    return false;
  }
  return meld_unit_read_bytes(u, path, data, len);
}

bool meld_unit_verify(MeldUnit *u) {
  if (u->module) return meld_core_verify(u->ctx, u->module);
  bool ok = true;
  for (uint32_t i = 0; i < u->ninputs; i++)
    if (u->inputs[i].component) ok = meld_component_verify(u->ctx, u->inputs[i].component) && ok;
  return ok;
}

bool meld_unit_emit(MeldUnit *u, MeldEmitKind kind, MeldBuf *out) {
  if (kind == MELD_EMIT_COMPONENT) {
    if (!u->fusion) {
      meld_error(u->ctx, NULL, MELD_NO_OFFSET,
                 "--emit=component wraps a fused program back into a component, and nothing was "
                 "fused: give components");
      return false;
    }
    MeldComponent *c;
    return meld_fusion_component(u->ctx, &u->arena, u->module, u->fusion, &c) &&
           meld_component_write(u->ctx, c, out);
  }
  if (u->module)
    return kind == MELD_EMIT_WAT ? meld_core_print(u->ctx, u->module, out)
                                 : meld_core_write(u->ctx, u->module, out);
  if (u->ninputs > 1) {
    meld_error(u->ctx, NULL, MELD_NO_OFFSET,
               "%u components are not one program until fused: run 'resolve'", u->ninputs);
    return false;
  }
  if (u->component)
    return kind == MELD_EMIT_WAT ? meld_component_print(u->ctx, u->component, out)
                                 : meld_component_write(u->ctx, u->component, out);
  meld_error(u->ctx, NULL, MELD_NO_OFFSET, "nothing to emit: no input was read");
  return false;
}
