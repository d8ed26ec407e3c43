#!/usr/bin/env python3
"""Round trip of the core text printer over the WebAssembly 2.0 spec test suite.

For every valid module of ../shared/testsuites/spec-core-wasm2 (the .wast files split into
binaries by wabt's wast2json): print it with `meldc -S`, assemble that text with wat2wasm
(`--debug-names` and the features meldc's IR can hold; see WAT2WASM_FEATURES), print the result
again, and require both prints to be equal up to the differences docs/text-format.md lists as
not round-tripping through wat2wasm:

  * custom sections (printed as comments; wat2wasm drops them and writes its own name section);
  * a block type given as a type index whose type is [] -> [] or [] -> [t] (wat2wasm always
    writes the short form, so `block (type 3) (result i32)` comes back as `block (result i32)`).

Because a printer that consistently left something out would pass that comparison, the
original binary and the reassembled one are also disassembled by wabt's own wasm2wat (names
ignored) and compared, up to the same differences plus the element segment encoding (an
expression list of lone ref.func items and a function index list are the same segment).

wat2wasm 1.0.32 cannot assemble an element segment whose items are `global.get` (valid WAT,
which its parser refuses); such a module is assembled with wasm-tools instead (jco, through
test/tools/wasm-tools.mjs) when node is available, and counted apart.

Files wast2json 1.0.32 cannot read (newer text syntax) are skipped and counted.  Prints
`N passed, N failed` and exits 1 when anything failed; exits 0 with a message when the suite is
absent.

usage: roundtrip.py [--meldc PATH] [--suite DIR] [--jobs N] [--verbose] [--keep DIR]
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_SUITE = os.path.normpath(
    os.path.join(REPO, "..", "shared", "testsuites", "spec-core-wasm2"))
DEFAULT_MELDC = os.path.join(REPO, "build", "tools", "meldc", "meldc")

WASM_TOOLS = os.path.join(REPO, "test", "tools", "wasm-tools.mjs")

# Not --enable-all: with function references on, wat2wasm 1.0.32 types `ref.func` as a
# non-nullable reference and then rejects it where a funcref is expected.
WAT2WASM_FEATURES = ["--enable-threads", "--enable-multi-memory", "--enable-extended-const"]

# wat2wasm's message for an element item other than ref.null / ref.func.
WABT_ELEM_EXPR_LIMIT = "invalid elem expression expression; must be either ref.null or ref.func"

# Commands whose module is valid (it may fail to link or to instantiate, but it validates).
VALID_MODULE_COMMANDS = {"module", "assert_unlinkable", "assert_uninstantiable"}

TYPE_LINE = re.compile(r"^  \(type (?:\$\S+ )?\(;(\d+);\) \(func(.*)\)\)$")
BLOCK_TYPEIDX = re.compile(
    r"^(\s*(?:block|loop|if)) \(type (\d+)\)(?: \(param [^)]*\))?( \(result [^)]*\))?$")


def short_form_types(text):
    """Indices of the types that a block type can also express as 0x40 or a value type."""
    short = set()
    for line in text.splitlines():
        m = TYPE_LINE.match(line)
        if not m:
            continue
        sig = m.group(2)
        results = re.search(r"\(result ([^)]*)\)", sig)
        if "(param" not in sig and (not results or len(results.group(1).split()) == 1):
            short.add(int(m.group(1)))
    return short


LABEL_COMMENT = re.compile(r"\s+;; label = @\d+$")
REF_FUNC_ITEMS = re.compile(r" funcref((?: \(ref\.func \d+\))*)\)$")


def normalize(text):
    short = short_form_types(text)
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith(";; custom section "):
            continue
        line = LABEL_COMMENT.sub("", line)
        if line.startswith("  (elem "):
            m = REF_FUNC_ITEMS.search(line)
            if m:
                funcs = re.findall(r"\(ref\.func (\d+)\)", m.group(1))
                line = line[:m.start()] + " func" + "".join(" " + f for f in funcs) + ")"
                line = line.replace(" (table 0)", "")
        m = BLOCK_TYPEIDX.match(line)
        if m and int(m.group(2)) in short:
            line = m.group(1) + (m.group(3) or "")
        out.append(line)
    return out


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "line %d:\n    first:  %s\n    second: %s" % (i + 1, x, y)
    return "length %d vs %d lines" % (len(a), len(b))


def check_module(meldc, wasm, workdir):
    """Returns (None, how) on success, else (reason, None)."""
    base = os.path.splitext(wasm)[0]
    r1 = run([meldc, "-S", wasm, "-o", "-"])
    if r1.returncode != 0:
        return "meldc cannot print it:\n" + r1.stderr.decode(errors="replace").strip(), None
    wat = base + ".meldc.wat"
    with open(wat, "wb") as f:
        f.write(r1.stdout)
    again = base + ".again.wasm"
    how = "wat2wasm"
    r2 = run(["wat2wasm"] + WAT2WASM_FEATURES + ["--debug-names", wat, "-o", again])
    if r2.returncode != 0:
        err = r2.stderr.decode(errors="replace").strip()
        if WABT_ELEM_EXPR_LIMIT not in err or not shutil.which("node"):
            return "wat2wasm rejects the printed text:\n" + err, None
        r2 = run(["node", WASM_TOOLS, "parse", wat, "-o", again])
        if r2.returncode != 0:
            return ("neither wat2wasm nor wasm-tools accepts the printed text:\n" + err + "\n" +
                    r2.stderr.decode(errors="replace").strip()), None
        how = "wasm-tools"
    r3 = run([meldc, "-S", again, "-o", "-"])
    if r3.returncode != 0:
        return "meldc cannot print the reassembled module:\n" + r3.stderr.decode(
            errors="replace").strip(), None
    t1 = normalize(r1.stdout.decode("utf-8", errors="replace"))
    t2 = normalize(r3.stdout.decode("utf-8", errors="replace"))
    if t1 != t2:
        return "the print of the reassembled module differs at " + first_difference(t1, t2), None
    # The independent view: wabt's disassembly of both binaries.  wasm2wat cannot read every
    # valid module (it refuses global.get element items too); then only the first check counts.
    w1 = run(["wasm2wat", "--no-check", "--no-debug-names"] + WAT2WASM_FEATURES + [wasm])
    if w1.returncode == 0:
        w2 = run(["wasm2wat", "--no-check", "--no-debug-names"] + WAT2WASM_FEATURES + [again])
        if w2.returncode != 0:
            return "wasm2wat cannot read the reassembled module:\n" + w2.stderr.decode(
                errors="replace").strip(), None
        d1 = normalize(w1.stdout.decode("utf-8", errors="replace"))
        d2 = normalize(w2.stdout.decode("utf-8", errors="replace"))
        if d1 != d2:
            return ("wasm2wat shows the original and the reassembled module differ at "
                    + first_difference(d1, d2)), None
    else:
        how += ", no wasm2wat view"
    return None, how


def split_wast(wast, outdir):
    """Runs wast2json; returns the list of valid module binaries, or None if it cannot."""
    name = os.path.splitext(os.path.basename(wast))[0]
    js = os.path.join(outdir, name + ".json")
    r = run(["wast2json", wast, "-o", js])
    if r.returncode != 0:
        return None, r.stderr.decode(errors="replace").strip().splitlines()[0]
    with open(js) as f:
        spec = json.load(f)
    mods = []
    for cmd in spec.get("commands", []):
        fn = cmd.get("filename")
        if cmd.get("type") in VALID_MODULE_COMMANDS and fn and fn.endswith(".wasm"):
            mods.append((os.path.join(outdir, fn), cmd.get("line", 0)))
    return mods, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meldc", default=os.environ.get("MELDC", DEFAULT_MELDC))
    ap.add_argument("--suite", default=DEFAULT_SUITE)
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--keep", help="keep the work files in this directory")
    args = ap.parse_args()

    if not os.path.isdir(args.suite):
        print("skipped: %s is absent (the spec test suite lives in ../shared/testsuites)"
              % args.suite)
        return 0
    for tool in ("wast2json", "wat2wasm"):
        if not shutil.which(tool):
            print("error: %s (wabt 1.0.32) is not on PATH" % tool, file=sys.stderr)
            return 2
    if not os.access(args.meldc, os.X_OK):
        print("error: no meldc at %s (build it, or pass --meldc / set MELDC)" % args.meldc,
              file=sys.stderr)
        return 2

    work = args.keep or tempfile.mkdtemp(prefix="meldc-printer-roundtrip-")
    os.makedirs(work, exist_ok=True)
    try:
        wasts = sorted(f for f in os.listdir(args.suite) if f.endswith(".wast"))
        jobs = []
        skipped = []
        for w in wasts:
            outdir = os.path.join(work, os.path.splitext(w)[0])
            os.makedirs(outdir, exist_ok=True)
            mods, why = split_wast(os.path.join(args.suite, w), outdir)
            if mods is None:
                skipped.append((w, why))
                continue
            jobs.extend((w, line, path, outdir) for path, line in mods)

        passed, failures, via_wasm_tools = 0, [], []
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = pool.map(lambda j: (j, check_module(args.meldc, j[2], j[3])), jobs)
            for (w, line, path, _), (why, how) in results:
                if why is None:
                    passed += 1
                    where = "%s:%d (%s)" % (w, line, os.path.basename(path))
                    if how.startswith("wasm-tools"):
                        via_wasm_tools.append(where)
                    if args.verbose:
                        print("PASS %s via %s" % (where, how))
                else:
                    failures.append("FAIL %s:%d (%s): %s" % (w, line, os.path.basename(path), why))

        for f in failures:
            print(f)
        for w, why in skipped:
            print("skipped %s: wast2json cannot read it (%s)" % (w, why))
        for where in via_wasm_tools:
            print("note: %s assembled with wasm-tools (wat2wasm 1.0.32 refuses global.get "
                  "element items)" % where)
        print("%d passed, %d failed (%d assembled with wasm-tools; %d of %d files skipped)"
              % (passed, len(failures), len(via_wasm_tools), len(skipped), len(wasts)))
        return 1 if failures else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
