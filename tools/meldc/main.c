/*
 * meldc: the driver.  Parses options, calls the library, prints diagnostics, picks the exit
 * code.  Nothing else lives here.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, isatty */
#include "meldc/Lower.h"
#include "meldc/Pass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What runs when components are given and -passes= is not. */
#define DEFAULT_FUSION_PIPELINE "resolve,adapter,dce"
/* --mcu: one lean core with one static memory (docs/driver.md says why dce runs twice). */
#define MCU_PIPELINE "resolve,adapter,drop-realloc,dce,grow-to-bump,rebase,dce,opt<Oz>"

typedef struct Options {
  const char **inputs;
  int ninputs;
  const char *output;
  const char *passes;
  MeldEmitKind emit;
  bool disable_output;
  bool print_passes;
  bool print_pipeline;
  bool help;
  bool version;
  bool time_passes;
  bool explain;
  bool mcu;
  const char *emit_abi;
  /* Lowering (--emit=obj|asm|llvm). */
  bool lower;
  MeldLowerEmit lower_emit;
  const char *triple, *cpu, *mattr, *float_abi, *prefix, *import_map;
  char opt_level;
  bool bounds_none, stack_check_off, table_reserve_set;
  uint32_t table_reserve;
  const char *first_lower_flag; /* a lowering flag given, for "needs --emit=obj" */
  MeldPassManagerOptions pm;
  /* Driver flags that are parameters of a pass (pass_flags), in command-line order. */
  struct GivenPassFlag {
    const struct PassFlag *flag;
    const char *value; /* NULL for a bare flag */
  } *pass_flags;
  int npass_flags;
} Options;

/* Driver flags that stand for a pass parameter: `--heap-pages=4` adds `heap-pages=4` to every
 * grow-to-bump of the pipeline (as if written `grow-to-bump<heap-pages=4>`). */
typedef struct PassFlag {
  const char *flag;
  const char *pass;
  const char *key;
  bool has_value;
} PassFlag;

static const PassFlag pass_flags[] = {
    {"heap-pages", "grow-to-bump", "heap-pages", true},
    {"grow-fail", "grow-to-bump", "grow-fail", true},
    {"grow-unchecked", "grow-to-bump", "unchecked", false},
    {"rebase-checks", "rebase", "checks", false},
    {"arena-bytes", "arena-realloc", "bytes", true},
};

static void print_help(void) {
  printf("OVERVIEW: meldc - WebAssembly component fusion compiler\n\n"
         "USAGE: meldc [options] <input.wasm>...\n\n"
         "Reads a core module, or one or more components, verifies them, runs the passes named\n"
         "by -passes= in that order, verifies the result and writes it.  Components are fused by\n"
         "default: without -passes= they run the pipeline %s.\n\n"
         "OPTIONS:\n"
         "  -passes=<pipeline>        Passes to run, comma-separated, with optional parameters:\n"
         "                            -passes=dce,strip<debug>\n"
         "  -o <file>                 Output file ('-' for standard output, the default)\n"
         "  -S                        Write the text form (same as --emit=wat)\n"
         "  --emit=<wasm|wat|component|obj|asm|llvm>\n"
         "                            Output form: binary (default), text, (after fusing) the\n"
         "                            fused module wrapped back into a component, or the core\n"
         "                            lowered by LLVM to an object, assembly or LLVM IR, with a\n"
         "                            C header beside -o (docs/lowering.md)\n"
         "  -target=<triple>          Lowering target (default " MELD_LOWER_DEFAULT_TRIPLE ";\n"
         "                            the host triple, e.g. x86_64-pc-linux-gnu, works too)\n"
         "  -mcpu=<cpu>               Target CPU (default " MELD_LOWER_DEFAULT_CPU " for thumbv7em)\n"
         "  -mattr=<+a,-b,...>        Target features (default " MELD_LOWER_DEFAULT_FEATURES "\n"
         "                            for thumbv7em: FPv5-D16, hard float)\n"
         "  -float-abi=<hard|soft|softfp>\n"
         "                            ARM float ABI (default: the triple's, hard for ...eabihf)\n"
         "  -O0 -O1 -O2 -O3 -Os -Oz   LLVM optimisation level when lowering (default -O2)\n"
         "  --prefix=<name>           C symbol prefix (default: the output file's stem)\n"
         "  --bounds-checks=<full|none>\n"
         "                            Memory bounds checks when lowering (default full)\n"
         "  --stack-check=<on|off>    Compare the stack pointer with <prefix>_stack_limit on\n"
         "                            function entry (default on)\n"
         "  --table-reserve=<N>       Room for table.grow in tables that grow (default 64)\n"
         "  --import-map=<file>       C symbols for imports: lines 'module field c_symbol'\n"
         "  --disable-output          Read, verify and run passes, but write nothing\n"
         "  --print-passes            List the registered passes and their parameters\n"
         "  --print-pipeline-passes   Print the pipeline -passes= selects, then exit\n"
         "  --print-before=<p,...>    Print the IR (to standard error) before the named passes\n"
         "  --print-after=<p,...>     Print the IR after the named passes\n"
         "  --print-before-all        Print the IR before every pass\n"
         "  --print-after-all         Print the IR after every pass\n"
         "  --debug-pass-manager      Log each pass as it runs\n"
         "  --time-passes             Report the time taken by reading, verifying, each pass\n"
         "                            and writing\n"
         "  --verify-each             Run the verifier after every pass\n"
         "  --recheck-bodies          Verify every function body, also those verified before\n"
         "                            that passes have only renumbered\n"
         "  --threads=<N>             Threads for checking and renumbering function bodies\n"
         "                            (default: one per processor; 1: none).  The output and\n"
         "                            the diagnostics do not depend on it\n"
         "  --explain                 After fusing, say what became of every cross-component\n"
         "                            call, host import and export (standard error)\n"
         "  --emit-abi=<file>         After fusing, write the host interface (exports, imports,\n"
         "                            their types and canonical options) as JSON\n"
         "  --heap-pages=<[M:]N>      grow-to-bump's heap-pages=: reserve N pages for every\n"
         "                            memory, or for memory M (an index or a fused instance path)\n"
         "  --grow-fail=<fail|trap>   grow-to-bump's grow-fail=: past the reservation memory.grow\n"
         "                            returns -1 (fail, the default) or traps\n"
         "  --grow-unchecked          grow-to-bump's unchecked: no bounds checks against the\n"
         "                            current size of memories that can grow\n"
         "  --rebase-checks           rebase's checks: an access that leaves its window traps\n"
         "  --arena-bytes=<[M:]N>     arena-realloc's bytes=: the arena for the host's realloc\n"
         "  --mcu                     Run the microcontroller pipeline (one lean core, one\n"
         "                            static memory):\n"
         "                            " MCU_PIPELINE "\n"
         "  --version                 Print the version\n"
         "  --help                    Print this help\n\n"
         "PASSES:\n",
         DEFAULT_FUSION_PIPELINE);
  for (uint32_t i = 0; i < meld_npasses; i++)
    printf("  %-24s  %s\n", meld_passes[i].name, meld_passes[i].summary);
  printf("\nThe verifier always runs after reading and before writing. Errors are reported as\n"
         "'file:0xOFFSET: error: message'; on any error meldc exits with status 1 and writes\n"
         "no output file.\n");
}

/* Are the inputs components (only the preamble is read)? With no inputs, the question is what
 * the default pipeline is, so yes. */
static bool inputs_are_components(const Options *o) {
  if (o->ninputs == 0) return true;
  FILE *f = fopen(o->inputs[0], "rb");
  if (!f) return false; /* reading it reports the error */
  uint8_t pre[8];
  size_t n = fread(pre, 1, sizeof pre, f);
  fclose(f);
  return meld_binary_kind(pre, n) == MELD_BINARY_COMPONENT;
}

static void print_passes(void) {
  printf("Passes:\n");
  for (uint32_t i = 0; i < meld_npasses; i++) {
    const MeldPassInfo *p = &meld_passes[i];
    printf("  %s\n      %s\n", p->name, p->summary);
    if (p->params_doc[0]) printf("      parameters: %s\n", p->params_doc);
  }
}

/* Matches "-name" or "--name", with "=value" when `value` is non-NULL. */
static bool opt_is(const char *arg, const char *name, const char **value) {
  if (arg[0] != '-') return false;
  arg += arg[1] == '-' ? 2 : 1;
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0) return false;
  if (value) {
    if (arg[n] != '=') return false;
    *value = arg + n + 1;
    return true;
  }
  return arg[n] == 0;
}

/* Adds the parameters the pass flags stand for to the pipeline's entries; a flag whose pass the
 * pipeline does not run is an error (it would do nothing). */
static bool apply_pass_flags(MeldContext *ctx, MeldArena *arena, const Options *o,
                             MeldPipeline *p) {
  for (int i = 0; i < o->npass_flags; i++) {
    const PassFlag *f = o->pass_flags[i].flag;
    const char *value = o->pass_flags[i].value;
    bool used = false;
    for (uint32_t e = 0; e < p->nitems; e++) {
      MeldPipelineEntry *en = &p->items[e];
      if (strcmp(en->pass->name, f->pass) != 0) continue;
      MeldPassParam *items =
          meld_arena_alloc(arena, (size_t)(en->params.nitems + 1) * sizeof *items);
      if (!items) {
        meld_error(ctx, NULL, MELD_NO_OFFSET, "out of memory");
        return false;
      }
      if (en->params.nitems) memcpy(items, en->params.items, en->params.nitems * sizeof *items);
      MeldPassParam *np = &items[en->params.nitems];
      np->key = meld_str(f->key);
      np->value = meld_str(value ? value : "");
      np->has_value = value != NULL;
      en->params.items = items;
      en->params.nitems++;
      used = true;
    }
    if (!used) {
      meld_error(ctx, NULL, MELD_NO_OFFSET,
                 "--%s is a parameter of the '%s' pass, which the pipeline does not run", f->flag,
                 f->pass);
      return false;
    }
  }
  return true;
}

static bool parse_args(MeldContext *ctx, int argc, char **argv, Options *o) {
  o->inputs = calloc((size_t)argc, sizeof *o->inputs);
  o->pass_flags = calloc((size_t)argc, sizeof *o->pass_flags);
  if (!o->inputs || !o->pass_flags) return false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = NULL;
    const PassFlag *pf = NULL;
    for (size_t k = 0; k < sizeof pass_flags / sizeof pass_flags[0] && !pf; k++)
      if (opt_is(a, pass_flags[k].flag, pass_flags[k].has_value ? &v : NULL)) pf = &pass_flags[k];
    if (pf) {
      o->pass_flags[o->npass_flags].flag = pf;
      o->pass_flags[o->npass_flags++].value = v;
      continue;
    }
    if (a[0] != '-' || a[1] == 0) {
      o->inputs[o->ninputs++] = a;
    } else if (strcmp(a, "-o") == 0) {
      if (i + 1 >= argc) {
        meld_error(ctx, NULL, MELD_NO_OFFSET, "-o needs a file name");
        return false;
      }
      o->output = argv[++i];
    } else if (strncmp(a, "-o", 2) == 0 && a[1] == 'o' && a[2] != '-') {
      o->output = a + 2;
    } else if (opt_is(a, "passes", &v)) {
      o->passes = v;
    } else if (strcmp(a, "-S") == 0) {
      o->emit = MELD_EMIT_WAT;
    } else if (opt_is(a, "emit", &v)) {
      o->lower = false;
      if (strcmp(v, "wasm") == 0) o->emit = MELD_EMIT_WASM;
      else if (strcmp(v, "wat") == 0) o->emit = MELD_EMIT_WAT;
      else if (strcmp(v, "component") == 0) o->emit = MELD_EMIT_COMPONENT;
      else if (strcmp(v, "obj") == 0 || strcmp(v, "asm") == 0 || strcmp(v, "llvm") == 0) {
        if (!meld_lower_available()) {
          meld_error(ctx, NULL, MELD_NO_OFFSET, "--emit=%s needs the LLVM backend: %s", v,
                     meld_lower_unavailable_reason());
          return false;
        }
        o->lower = true;
        o->lower_emit = v[0] == 'o'   ? MELD_LOWER_EMIT_OBJ
                        : v[0] == 'a' ? MELD_LOWER_EMIT_ASM
                                      : MELD_LOWER_EMIT_LLVM;
      } else {
        meld_error(ctx, NULL, MELD_NO_OFFSET,
                   "unknown --emit kind '%s' (expected wasm, wat, component, obj, asm or llvm)",
                   v);
        return false;
      }
    } else if (opt_is(a, "target", &v)) {
      o->triple = v;
      o->first_lower_flag = a;
    } else if (opt_is(a, "mcpu", &v)) {
      o->cpu = v;
      o->first_lower_flag = a;
    } else if (opt_is(a, "mattr", &v)) {
      o->mattr = v;
      o->first_lower_flag = a;
    } else if (opt_is(a, "float-abi", &v)) {
      o->float_abi = v;
      o->first_lower_flag = a;
    } else if (a[0] == '-' && a[1] == 'O' && a[2] && !a[3] && strchr("0123sz", a[2])) {
      o->opt_level = a[2];
      o->first_lower_flag = a;
    } else if (opt_is(a, "prefix", &v)) {
      o->prefix = v;
      o->first_lower_flag = a;
    } else if (opt_is(a, "import-map", &v)) {
      o->import_map = v;
      o->first_lower_flag = a;
    } else if (opt_is(a, "bounds-checks", &v)) {
      if (strcmp(v, "full") != 0 && strcmp(v, "none") != 0) {
        meld_error(ctx, NULL, MELD_NO_OFFSET, "unknown --bounds-checks '%s' (expected full or none)",
                   v);
        return false;
      }
      o->bounds_none = strcmp(v, "none") == 0;
      o->first_lower_flag = a;
    } else if (opt_is(a, "stack-check", &v)) {
      if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
        meld_error(ctx, NULL, MELD_NO_OFFSET, "unknown --stack-check '%s' (expected on or off)", v);
        return false;
      }
      o->stack_check_off = strcmp(v, "off") == 0;
      o->first_lower_flag = a;
    } else if (opt_is(a, "table-reserve", &v)) {
      if (!meld_param_u32(meld_str(v), &o->table_reserve)) {
        meld_error(ctx, NULL, MELD_NO_OFFSET, "--table-reserve needs a number, not '%s'", v);
        return false;
      }
      o->table_reserve_set = true;
      o->first_lower_flag = a;
    } else if (opt_is(a, "disable-output", NULL)) {
      o->disable_output = true;
    } else if (opt_is(a, "print-passes", NULL)) {
      o->print_passes = true;
    } else if (opt_is(a, "print-pipeline-passes", NULL)) {
      o->print_pipeline = true;
    } else if (opt_is(a, "print-before", &v)) {
      o->pm.print_before = v;
    } else if (opt_is(a, "print-after", &v)) {
      o->pm.print_after = v;
    } else if (opt_is(a, "print-before-all", NULL)) {
      o->pm.print_before_all = true;
    } else if (opt_is(a, "print-after-all", NULL)) {
      o->pm.print_after_all = true;
    } else if (opt_is(a, "debug-pass-manager", NULL)) {
      o->pm.debug_pass_manager = true;
    } else if (opt_is(a, "time-passes", NULL)) {
      o->time_passes = true;
    } else if (opt_is(a, "verify-each", NULL)) {
      o->pm.verify_each = true;
    } else if (opt_is(a, "threads", &v)) {
      char *endp = NULL;
      unsigned long n = strtoul(v, &endp, 10);
      if (!*v || *endp || v[0] == '-' || n < 1 || n > 64) {
        meld_error(ctx, NULL, MELD_NO_OFFSET,
                   "invalid --threads value '%s' (expected a count from 1 to 64)", v);
        return false;
      }
      ctx->threads = (uint32_t)n;
    } else if (opt_is(a, "parallel-min-code", &v)) {
      /* Not in --help: for tests, which run the threaded paths on small inputs with 0. */
      char *endp = NULL;
      unsigned long n = strtoul(v, &endp, 10);
      if (!*v || *endp || v[0] == '-' || n > UINT32_MAX) {
        meld_error(ctx, NULL, MELD_NO_OFFSET, "invalid --parallel-min-code value '%s'", v);
        return false;
      }
      ctx->parallel_min_code = (uint32_t)n;
    } else if (opt_is(a, "recheck-bodies", NULL)) {
      ctx->recheck_bodies = true;
    } else if (opt_is(a, "mcu", NULL)) {
      o->mcu = true;
    } else if (opt_is(a, "explain", NULL)) {
      o->explain = true;
    } else if (opt_is(a, "emit-abi", &v)) {
      o->emit_abi = v;
    } else if (opt_is(a, "help", NULL) || strcmp(a, "-h") == 0) {
      o->help = true;
    } else if (opt_is(a, "version", NULL)) {
      o->version = true;
    } else {
      meld_error(ctx, NULL, MELD_NO_OFFSET, "unknown option '%s' (see --help)", a);
      return false;
    }
  }
  if (o->first_lower_flag && !o->lower) {
    meld_error(ctx, NULL, MELD_NO_OFFSET,
               "%s applies to lowering: give --emit=obj, --emit=asm or --emit=llvm",
               o->first_lower_flag);
    return false;
  }
  if (o->pm.print_before && !meld_pass_list_check(ctx, o->pm.print_before, "--print-before"))
    return false;
  if (o->pm.print_after && !meld_pass_list_check(ctx, o->pm.print_after, "--print-after"))
    return false;
  return true;
}

/* Output goes to a temporary file beside the destination, renamed into place only when
 * everything succeeded: a failed run never leaves a partial or clobbered output.  The binary
 * writer streams into it (MeldBuf flush), so the output is never held whole in memory. */
typedef struct Output {
  const char *path;
  char *tmp;
  FILE *f;
} Output;

static bool file_flush(void *ud, const uint8_t *data, size_t len) {
  return fwrite(data, 1, len, (FILE *)ud) == len;
}

static bool output_open(MeldContext *ctx, Output *o, const char *path, MeldBuf *b,
                        bool binary) {
  memset(o, 0, sizeof *o);
  o->path = path;
  if (strcmp(path, "-") == 0) {
    if (binary && isatty(STDOUT_FILENO)) {
      meld_error(ctx, NULL, MELD_NO_OFFSET,
                 "refusing to write a binary module to a terminal (use -o FILE or -S)");
      return false;
    }
    return true; /* kept in memory, written at the end */
  }
  size_t n = strlen(path) + 16;
  o->tmp = malloc(n);
  if (!o->tmp) return false;
  snprintf(o->tmp, n, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(o->tmp);
  /* mkstemp makes the file 0600; an output gets the usual 0666 less the umask. */
  if (fd >= 0) {
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
  }
  if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
    if (fd >= 0) close(fd);
    meld_error(ctx, path, MELD_NO_OFFSET, "cannot create the output file");
    free(o->tmp);
    o->tmp = NULL;
    return false;
  }
  b->flush = file_flush;
  b->flush_ud = o->f;
  return true;
}

static bool output_commit(MeldContext *ctx, Output *o, MeldBuf *b) {
  if (!o->f) {
    if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
      meld_error(ctx, NULL, MELD_NO_OFFSET, "cannot write to standard output");
      return false;
    }
    return true;
  }
  bool ok = meld_buf_finish(b);
  ok = (fclose(o->f) == 0) && ok;
  o->f = NULL;
  if (ok && rename(o->tmp, o->path) != 0) ok = false;
  if (!ok) {
    remove(o->tmp);
    meld_error(ctx, o->path, MELD_NO_OFFSET, "cannot write the output file");
  }
  free(o->tmp);
  o->tmp = NULL;
  return ok;
}

static void output_abandon(Output *o) {
  if (o->f) fclose(o->f);
  if (o->tmp) remove(o->tmp);
  free(o->tmp);
  memset(o, 0, sizeof *o);
}

/* OUT.o -> OUT.h (the extension of the file name replaced; none: appended). */
static char *header_path(const char *out) {
  const char *slash = strrchr(out, '/');
  const char *base = slash ? slash + 1 : out;
  const char *dot = strrchr(base, '.');
  size_t stem = dot && dot != base ? (size_t)(dot - out) : strlen(out);
  char *h = malloc(stem + 3);
  if (!h) return NULL;
  memcpy(h, out, stem);
  memcpy(h + stem, ".h", 3);
  return h;
}

/* The default prefix: the stem of `path`'s file name as a C identifier. */
static char *default_prefix(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  MeldBuf b;
  meld_buf_init(&b, meld_default_allocator());
  if (n == 0 || (base[0] >= '0' && base[0] <= '9')) meld_buf_cstr(&b, "m_");
  meld_lower_sanitise(&b, (MeldStr){base, (uint32_t)n});
  meld_buf_byte(&b, 0);
  char *p = b.oom ? NULL : strdup((const char *)b.data);
  meld_buf_free(&b);
  return p;
}

/* --emit=obj|asm|llvm: lowers the core module; the header goes beside -o FILE. */
static bool lower_and_write(MeldContext *ctx, MeldUnit *u, const Options *o, MeldArena *arena) {
  if (!u->module) {
    meld_error(ctx, NULL, MELD_NO_OFFSET, "lowering needs a core module (fuse components first)");
    return false;
  }
  const char *output = o->output ? o->output : "-";
  bool to_stdout = strcmp(output, "-") == 0;
  bool ok = false;
  char *prefix = o->prefix ? strdup(o->prefix) : default_prefix(to_stdout ? o->inputs[0] : output);
  char *hpath = to_stdout ? NULL : header_path(output);
  uint8_t *map_data = NULL;
  size_t map_len = 0;
  MeldBuf obj, hdr;
  meld_buf_init(&obj, ctx->alloc);
  meld_buf_init(&hdr, ctx->alloc);
  MeldLowerOptions lo;
  meld_lower_options_init(&lo, prefix);
  if (!prefix || (!to_stdout && !hpath)) goto done;
  if (hpath && strcmp(hpath, output) == 0) {
    meld_error(ctx, output, MELD_NO_OFFSET, "the C header would overwrite the output file");
    goto done;
  }
  lo.emit = o->lower_emit;
  lo.triple = o->triple;
  lo.cpu = o->cpu;
  lo.features = o->mattr;
  lo.float_abi = o->float_abi;
  if (o->opt_level) lo.opt_level = o->opt_level;
  lo.bounds_checks = !o->bounds_none;
  lo.stack_check = !o->stack_check_off;
  if (o->table_reserve_set) lo.table_reserve = o->table_reserve;
  if (o->import_map) {
    const char *err = NULL;
    MeldImportMapEntry *entries;
    if (!meld_read_file(ctx->alloc, o->import_map, &map_data, &map_len, &err)) {
      meld_error(ctx, o->import_map, MELD_NO_OFFSET, "cannot read the import map: %s", err);
      goto done;
    }
    if (!meld_lower_parse_import_map(ctx, arena, o->import_map, (const char *)map_data, map_len,
                                     &entries, &lo.nimport_map))
      goto done;
    lo.import_map = entries;
  }
  if (!meld_lower_module(ctx, u->module, &lo, &obj, hpath ? &hdr : NULL)) goto done;
  Output dest, hdest;
  if (!output_open(ctx, &dest, output, &obj, lo.emit == MELD_LOWER_EMIT_OBJ)) goto done;
  if (hpath && !output_open(ctx, &hdest, hpath, &hdr, false)) {
    output_abandon(&dest);
    goto done;
  }
  if (!output_commit(ctx, &dest, &obj)) {
    output_abandon(&dest);
    if (hpath) output_abandon(&hdest);
    goto done;
  }
  if (hpath && !output_commit(ctx, &hdest, &hdr)) {
    output_abandon(&hdest);
    remove(output);
    goto done;
  }
  ok = true;
done:
  meld_buf_free(&obj);
  meld_buf_free(&hdr);
  if (map_data) meld_free(ctx->alloc, map_data, map_len);
  free(prefix);
  free(hpath);
  return ok;
}

int main(int argc, char **argv) {
  MeldContext ctx;
  meld_context_init(&ctx, meld_default_allocator());
  ctx.diag.sink = meld_diag_print_stderr;
  ctx.defer_body_checks = true; /* the driver verifies right after reading */
  ctx.threads = meld_cpu_count();
  Options o;
  memset(&o, 0, sizeof o);
  o.pm.dump = stderr;
  int status = 1;
  MeldUnit unit;
  meld_unit_init(&unit, &ctx);
  MeldArena arena;
  meld_arena_init(&arena, ctx.alloc, 4096);
  MeldBuf out;
  meld_buf_init(&out, ctx.alloc);

  if (!parse_args(&ctx, argc, argv, &o)) goto done;
  if (o.help) {
    print_help();
    status = 0;
    goto done;
  }
  if (o.version) {
    printf("meldc version %s\n", MELDC_VERSION);
    status = 0;
    goto done;
  }
  if (o.print_passes) {
    print_passes();
    status = 0;
    goto done;
  }
  if (o.ninputs == 0 && !o.print_pipeline) {
    meld_error(&ctx, NULL, MELD_NO_OFFSET, "no input files (see --help)");
    goto done;
  }
  MeldPipeline pipeline = {NULL, 0, 0};
  const char *passes = o.passes;
  if (o.mcu && passes) {
    meld_error(&ctx, NULL, MELD_NO_OFFSET,
               "--mcu and -passes= both choose the pipeline: give one of them");
    goto done;
  }
  if (o.mcu) passes = MCU_PIPELINE;
  if (!passes && inputs_are_components(&o)) passes = DEFAULT_FUSION_PIPELINE;
  if (passes && !meld_pipeline_parse(&ctx, &arena, passes, &pipeline)) goto done;
  if (!apply_pass_flags(&ctx, &arena, &o, &pipeline)) goto done;
  if (o.print_pipeline) {
    MeldBuf b;
    meld_buf_init(&b, ctx.alloc);
    meld_pipeline_print(&pipeline, &b);
    printf("%.*s\n", (int)b.len, b.data ? (const char *)b.data : "");
    meld_buf_free(&b);
    status = 0;
    goto done;
  }
  if (o.ninputs == 0) {
    meld_error(&ctx, NULL, MELD_NO_OFFSET, "no input files (see --help)");
    goto done;
  }

  /* dce marks from the reference lists the verifier can keep for it. */
  for (uint32_t i = 0; i < pipeline.nitems; i++)
    if (strcmp(pipeline.items[i].pass->name, "dce") == 0) ctx.keep_reference_lists = true;
  MeldTimings timings = {&arena, NULL, 0, 0};
  if (o.time_passes) o.pm.timings = &timings;
  double t0 = meld_now();
  for (int i = 0; i < o.ninputs; i++)
    if (!meld_unit_read_file(&unit, o.inputs[i])) goto done;
  double t1 = meld_now();
  if (!meld_unit_verify(&unit)) goto done;
  double t2 = meld_now();
  if (o.time_passes) {
    meld_timings_add(&timings, "read", 4, t1 - t0);
    meld_timings_add(&timings, "verifier", 8, t2 - t1);
  }
  if (pipeline.nitems) {
    if (!meld_pipeline_run(&unit, &pipeline, &o.pm)) goto done;
    if (!o.pm.verify_each) {
      double t3 = meld_now();
      if (!meld_unit_verify(&unit)) {
        meld_error(&ctx, NULL, MELD_NO_OFFSET, "the IR is invalid after the pipeline");
        goto done;
      }
      if (o.time_passes) meld_timings_add(&timings, "verifier", 8, meld_now() - t3);
    }
  }
  if ((o.explain || o.emit_abi) && !unit.fusion) {
    meld_error(&ctx, NULL, MELD_NO_OFFSET, "%s describes fusion, and nothing was fused",
               o.explain ? "--explain" : "--emit-abi");
    goto done;
  }
  if (o.explain) {
    MeldBuf b;
    meld_buf_init(&b, ctx.alloc);
    meld_fusion_explain(unit.module, unit.fusion, &b);
    if (b.len) fwrite(b.data, 1, b.len, stderr);
    meld_buf_free(&b);
  }
  if (o.emit_abi) {
    MeldBuf b;
    meld_buf_init(&b, ctx.alloc);
    meld_fusion_abi_json(unit.module, unit.fusion, &b);
    Output abi;
    bool ok = output_open(&ctx, &abi, o.emit_abi, &b, false) && output_commit(&ctx, &abi, &b);
    if (!ok) output_abandon(&abi);
    meld_buf_free(&b);
    if (!ok) goto done;
  }
  if (o.lower && !o.disable_output) {
    double t4 = meld_now();
    if (!lower_and_write(&ctx, &unit, &o, &arena)) goto done;
    if (o.time_passes) meld_timings_add(&timings, "lower", 5, meld_now() - t4);
  } else if (!o.disable_output) {
    double t4 = meld_now();
    Output dest;
    if (!output_open(&ctx, &dest, o.output ? o.output : "-", &out, o.emit != MELD_EMIT_WAT))
      goto done;
    if (!meld_unit_emit(&unit, o.emit, &out) || !output_commit(&ctx, &dest, &out)) {
      output_abandon(&dest);
      goto done;
    }
    if (o.time_passes) meld_timings_add(&timings, "write", 5, meld_now() - t4);
  }
  status = 0;
  if (o.time_passes) meld_timings_report(&timings, stderr);

done:
  if (status != 0 && ctx.diag.nerrors == 0)
    fprintf(stderr, "meldc: error: failed (out of memory?)\n");
  meld_buf_free(&out);
  meld_arena_free(&arena);
  meld_unit_free(&unit);
  meld_context_free(&ctx);
  free(o.inputs);
  free(o.pass_flags);
  return status;
}
