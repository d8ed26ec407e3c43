/*
 * Loading the backend.  lib/Lower is built as a loadable module (libmeldc-lower.so, linked
 * against libLLVM; lib/CMakeLists.txt says why): meld_lower_available and meld_lower_module load
 * it on first use and call its entry point.  The module is looked for, in order, at
 * $MELDC_LOWER_PLUGIN, beside the installed program (<prefix>/<libdir>/meldc/), and where the
 * build put it.
 */
#define _POSIX_C_SOURCE 200809L /* readlink, access */

#include "meldc/Lower.h"

#if MELDC_LOWER_LOADER

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef bool (*LowerEntry)(MeldContext *ctx, const MeldModule *m, const MeldLowerOptions *o,
                           MeldBuf *out, MeldBuf *header);

static LowerEntry entry;
static char why[512];

static bool try_open(const char *path) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(why, sizeof why, "cannot load the backend module: %s", e ? e : path);
    return false;
  }
  /* A data pointer converted to a function pointer: how dlsym is meant to be used (POSIX). */
  void *sym = dlsym(h, "meld_lower_plugin_module");
  if (!sym) {
    snprintf(why, sizeof why, "%s has no entry point meld_lower_plugin_module", path);
    dlclose(h);
    return false;
  }
  memcpy(&entry, &sym, sizeof entry);
  return true;
}

/* <directory of the running program>/../<libdir>/meldc/<module>, for an installed meldc. */
static bool installed_path(char *buf, size_t size) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return false;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) return false;
  *slash = '\0';
  int w = snprintf(buf, size, "%s/../%s/meldc/%s", exe, MELDC_LOWER_INSTALL_LIBDIR,
                   MELDC_LOWER_PLUGIN_NAME);
  return w > 0 && (size_t)w < size && access(buf, R_OK) == 0;
}

static LowerEntry load(void) {
  if (entry) return entry;
  const char *env = getenv("MELDC_LOWER_PLUGIN");
  if (env && *env) {
    if (try_open(env)) return entry;
    return NULL; /* asked for this one: no fallback */
  }
  char path[4096 + 256];
  if (installed_path(path, sizeof path) && try_open(path)) return entry;
  if (try_open(MELDC_LOWER_PLUGIN_PATH)) return entry;
  return NULL;
}

bool meld_lower_available(void) {
  return load() != NULL;
}

const char *meld_lower_unavailable_reason(void) {
  return load() ? NULL : why;
}

bool meld_lower_module(MeldContext *ctx, const MeldModule *m, const MeldLowerOptions *o,
                       MeldBuf *out, MeldBuf *header) {
  LowerEntry fn = load();
  if (!fn) {
    meld_error(ctx, NULL, MELD_NO_OFFSET, "lowering is unavailable: %s", why);
    return false;
  }
  return fn(ctx, m, o, out, header);
}

#endif
