#!/usr/bin/env python3
"""bench/mcu: flight-control kernels on QEMU's Cortex-M7, three builds of the same C in one run.

  native  clang-19 -O2 for thumbv7em-unknown-none-eabihf (Cortex-M7, FPv5-D16, hard float)
  meldc   clang-19 -O2 for wasm32 -> meldc --emit=obj (bounds checks on by default)
  wasm2c  clang-19 -O2 for wasm32 -> wasm2c -> arm-none-eabi-gcc -O2 (explicit bounds checks)

Every kernel (kernels/*.c, listed in kernels/kernels.def) runs once per build on
qemu-system-arm -M mps2-an500 -cpu cortex-m7 -icount shift=5; SysTick counts its run() alone
(test/board/board.h: 0.8 ticks per instruction, deterministic).  Every build's checksum must
equal the native one: a mismatch, a trap or a failed build makes the script exit 1.

Code size: the .text bytes of the kernel's own code in its object, that is the function symbols
reachable through calls and address references from the kernel's entry (<k>_run natively and
from meldc, Z_<k>Z_run from wasm2c), found in `arm-none-eabi-objdump -dr`; setup, init,
instantiation and the runtime shared by every module (wabt's wasm-rt-impl.c, libgcc, newlib) are
not counted.  The whole object's code bytes are printed too.

Prints Markdown.  Usage:
  bench/mcu/run.py [--meldc build/tools/meldc/meldc] [--work DIR] [--kernels pid,crc32]
                   [--meldc-arg=--bounds-checks=none ...] [--keep]
"""
import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BOARD = os.path.join(ROOT, 'test', 'board')
KERNELS_DIR = os.path.join(HERE, 'kernels')
WASM2C_RT = '/usr/src/wasm2c'  # wasm-rt.h, wasm-rt-impl.{c,h} (Debian's wabt 1.0.32)

CLANG = 'clang-19'
GCC = 'arm-none-eabi-gcc'
CPU = ['-mcpu=cortex-m7', '-mfpu=fpv5-d16', '-mfloat-abi=hard']
NATIVE = [CLANG, '-O2', '--target=thumbv7em-unknown-none-eabihf', *CPU]
# wasm has no fused multiply-add: the C builds must not contract a*b+c either, or the checksums
# of the float kernels differ in the last bits (gcc contracts by default in GNU C; clang -O2
# contracts within an expression).
NO_FMA = ['-ffp-contract=off']
WASM = [CLANG, '--target=wasm32-unknown-unknown', '-O2', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry',
        '-Wl,-z,stack-size=16384', '-Wl,--initial-memory=131072', '-Wl,--max-memory=131072']
GCC_FLAGS = [GCC, '-O2', '-mthumb', *CPU, '-ffunction-sections', '-fdata-sections']
# wasm2c for a machine without an MMU: no signal handler, every access checked explicitly
# (wasm-rt.h picks this on 32-bit targets; said here so it does not depend on that), the
# runtime's call-depth counter as wasm-rt.h configures it then; 32-bit enums because the
# runtime passes wasm_rt_type_t through '...'.
WASM2C_FLAGS = ['-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0', '-fno-short-enums',
                f'-I{WASM2C_RT}', f'-I{os.path.join(HERE, "wasm2c-mcu")}']
BUILDS = ('native', 'meldc', 'wasm2c')


class Failure(Exception):
    pass


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise Failure(f'{" ".join(cmd)}: exit {r.returncode}\n{r.stdout}{r.stderr}')
    return r.stdout


def kernels():
    text = open(os.path.join(KERNELS_DIR, 'kernels.def')).read()
    return re.findall(r'^X\((\w+)\)', text, re.M)


def meldc_has_obj(meldc):
    if not meldc or not os.access(meldc, os.X_OK):
        return f'{meldc}: not found'
    r = subprocess.run([meldc, '--help'], capture_output=True, text=True)
    if not re.search(r'--emit=\S*obj', r.stdout + r.stderr):
        return 'this meldc has no --emit=obj (the Cortex-M backend has not landed)'
    return None


# --- code size ------------------------------------------------------------------------------

def functions(obj):
    """{name: size} of the defined function symbols of a relocatable object."""
    out = run(['arm-none-eabi-readelf', '-sW', obj])
    sizes = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == 'FUNC' and f[6] != 'UND':
            sizes[f[7]] = sizes.get(f[7], 0) + int(f[2], 0)
    return sizes


def code_bytes(obj):
    """Bytes of every executable section of an object."""
    out = run(['arm-none-eabi-readelf', '-SW', obj])
    total = 0
    for m in re.finditer(r'\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)',
                         out):
        if 'X' in m.group(3):
            total += int(m.group(2), 16)
    return total


def kernel_text(obj, entry):
    """Bytes of the functions reachable from entry (calls, branches, address references)."""
    sizes = functions(obj)
    if entry not in sizes:
        raise Failure(f'{obj}: no function {entry}')
    refs, sections = {}, {}
    current, section, pending = None, None, None

    def flush(p, refs):
        if p:
            refs[p[2]].update(p[1])
    for line in run(['arm-none-eabi-objdump', '-dr', '--no-show-raw-insn', obj]).splitlines():
        m = re.match(r'Disassembly of section (\S+):', line)
        if m:
            flush(pending, refs)
            section, current, pending = m.group(1), None, None
            continue
        m = re.match(r'[0-9a-f]+ <([^>+]+)>:', line)
        if m:
            flush(pending, refs)
            pending = None
            current = m.group(1)
            refs.setdefault(current, set())
            sections.setdefault(section, set()).add(current)
            continue
        if current is None:
            continue
        m = re.match(r'\s+([0-9a-f]+): R_ARM_\w+\s+([^\s+-]+)', line)
        if m:  # a relocation: its symbol, not objdump's guess at the unrelocated target
            if pending and pending[0] == m.group(1):
                pending[1].clear()
            refs[current].add(m.group(2))
            continue
        m = re.match(r'\s+([0-9a-f]+):\s+(.*)', line)
        if m:  # an instruction: a resolved branch target (comments, i.e. literals, dropped)
            flush(pending, refs)
            targets = {t.group(1) for t in re.finditer(r'<([^>+]+)(?:\+0x[0-9a-f]+)?>',
                                                      m.group(2).split('@')[0])}
            pending = (m.group(1), targets, current)
    flush(pending, refs)
    seen, todo = set(), [entry]
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        for r in refs.get(f, ()):
            if r in sizes:
                todo.append(r)
            elif r in sections:  # a reference through a section symbol
                todo.extend(sections[r])
    return sum(sizes[f] for f in seen if f in sizes), sorted(seen & sizes.keys())


# --- builds -----------------------------------------------------------------------------------

def build_native(k, d):
    obj = os.path.join(d, f'{k}.o')
    run([*NATIVE, *NO_FMA, '-ffunction-sections', f'-DKERNEL={k}', f'-I{KERNELS_DIR}', '-c',
         os.path.join(KERNELS_DIR, f'{k}.c'), '-o', obj])
    return obj, f'{k}_run'


def build_wasm(k, d):
    wasm = os.path.join(d, f'{k}.wasm')
    run([*WASM, f'-DKERNEL={k}', f'-I{KERNELS_DIR}', os.path.join(KERNELS_DIR, f'{k}.c'),
         '-o', wasm])
    imports = [l for l in run(['wasm-objdump', '-x', wasm]).splitlines() if ' <- ' in l]
    if imports:
        raise Failure(f'{wasm}: imports {imports} (a kernel must be self-contained)')
    return wasm


def build_meldc(k, wasm, d, meldc, extra):
    obj = os.path.join(d, f'{k}.o')
    run([meldc, wasm, '--emit=obj', f'--prefix={k}', '-O2', *extra, '-o', obj])
    return obj, f'{k}_run'


def build_wasm2c(k, wasm, d):
    c = os.path.join(d, f'{k}.c')
    obj = os.path.join(d, f'{k}.o')
    run(['wasm2c', '-n', k, wasm, '-o', c])
    run([*GCC_FLAGS, *NO_FMA, *WASM2C_FLAGS, '-c', c, '-o', obj])
    return obj, f'Z_{k}Z_run'


def link_and_run(build, objs, d, ks, extra_cflags, timeout):
    with open(os.path.join(d, 'modules.h'), 'w') as f:
        for k in ks:
            f.write(f'#include "{k}.h"\n')
    main = os.path.join(d, 'main.o')
    run([*GCC_FLAGS, f'-DBUILD_{build.upper()}', f'-I{HERE}', f'-I{BOARD}', f'-I{d}',
         *extra_cflags, '-c', os.path.join(HERE, 'main.c'), '-o', main])
    elf = os.path.join(d, 'bench.elf')
    cmd = [os.path.join(BOARD, 'run-on-board'), f'--timeout={timeout}', '-o', elf, main, *objs]
    r = subprocess.run(cmd, capture_output=True, text=True)
    results = {}
    for m in re.finditer(r'^kernel (\w+) checksum (0x[0-9a-f]+) (?:ticks (\d+) instructions '
                         r'(\d+)|(overflow))$', r.stdout, re.M):
        results[m.group(1)] = (m.group(2), int(m.group(4)) if m.group(4) else None)
    if r.returncode != 0:
        raise Failure(f'{build}: the board run ended with status {r.returncode}\n'
                      f'{r.stdout}{r.stderr}')
    return results


# --- report -----------------------------------------------------------------------------------

def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt_ratio(x):
    return f'{x:.2f}×' if x is not None else '—'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--meldc', default=os.path.join(ROOT, 'build', 'tools', 'meldc', 'meldc'))
    ap.add_argument('--meldc-arg', action='append', default=[],
                    help='an extra meldc flag, e.g. --meldc-arg=--bounds-checks=none')
    ap.add_argument('--kernels', help='comma-separated subset (default: all of kernels.def)')
    ap.add_argument('--work', help='build folder (default: a temporary one, removed)')
    ap.add_argument('--keep', action='store_true', help='print where the build folder is kept')
    ap.add_argument('--timeout', type=int, default=300, help='seconds per QEMU run')
    ap.add_argument('--functions', action='store_true',
                    help='list the functions counted as each kernel\'s code')
    a = ap.parse_args()

    for tool in (CLANG, GCC, 'qemu-system-arm', 'wasm2c', 'wasm-objdump'):
        if not shutil.which(tool):
            print(f'skipped: {tool} not found (utils/setup installs it)')
            return 77
    ks = kernels()
    if a.kernels:
        wanted = a.kernels.split(',')
        unknown = set(wanted) - set(ks)
        if unknown:
            sys.exit(f'unknown kernels: {", ".join(sorted(unknown))}')
        ks = [k for k in ks if k in wanted]
    meldc = os.path.abspath(a.meldc) if a.meldc else None
    meldc_missing = meldc_has_obj(meldc)

    work = a.work or tempfile.mkdtemp(prefix='bench-mcu.')
    dirs = {b: os.path.join(work, b) for b in (*BUILDS, 'wasm')}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    failures = []
    insns = {b: {} for b in BUILDS}
    text = {b: {} for b in BUILDS}
    whole = {b: {} for b in BUILDS}
    counted = {b: {} for b in BUILDS}
    sums = {b: {} for b in BUILDS}
    try:
        objs = {b: [] for b in BUILDS}
        for k in ks:
            built = {'native': build_native(k, dirs['native'])}
            wasm = build_wasm(k, dirs['wasm'])
            built['wasm2c'] = build_wasm2c(k, wasm, dirs['wasm2c'])
            if not meldc_missing:
                try:
                    built['meldc'] = build_meldc(k, wasm, dirs['meldc'], meldc, a.meldc_arg)
                except Failure as e:
                    failures.append(f'meldc, {k}: {e}')
            for b, (obj, entry) in built.items():
                objs[b].append(obj)
                text[b][k], counted[b][k] = kernel_text(obj, entry)
                whole[b][k] = code_bytes(obj)

        rt = os.path.join(dirs['wasm2c'], 'wasm-rt-impl.o')
        run([*GCC_FLAGS, *WASM2C_FLAGS, '-Wno-unused-function',
             f'-DWASM_RT_TRAP_HANDLER=board_trap', '-include', os.path.join(BOARD, 'board.h'),
             '-c', os.path.join(WASM2C_RT, 'wasm-rt-impl.c'), '-o', rt])
        plans = [('native', objs['native'], []),
                 ('wasm2c', objs['wasm2c'] + [rt], WASM2C_FLAGS)]
        if not meldc_missing and len(objs['meldc']) == len(ks):
            plans.insert(1, ('meldc', objs['meldc'], []))
        for b, o, flags in plans:
            try:
                for k, (s, n) in link_and_run(b, o, dirs[b], ks, flags, a.timeout).items():
                    sums[b][k], insns[b][k] = s, n
            except Failure as e:
                failures.append(str(e))
    except Failure as e:
        failures.append(str(e))

    # Checksums: every build against native.
    for b in ('meldc', 'wasm2c'):
        for k, s in sums[b].items():
            if sums['native'].get(k) != s:
                failures.append(f'{b}, {k}: checksum {s}, native {sums["native"].get(k)}')
        for k, n in insns[b].items():
            if n is None:
                failures.append(f'{b}, {k}: more than 2^24 SysTick ticks, not counted')

    meldc_note = meldc_missing or (None if sums['meldc'] else 'no results (see the errors)')
    report(ks, insns, text, whole, sums, meldc_note, a)
    if a.functions:
        print('\nFunctions counted as each kernel\'s code:\n')
        for b in BUILDS:
            for k in ks:
                if k in counted[b]:
                    print(f'- {b} {k}: {", ".join(counted[b][k])}')
    if a.work or a.keep:
        print(f'\n(build folder: {work})')
    else:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print('\nFAILED:', file=sys.stderr)
        for f in failures:
            print(f'- {f}', file=sys.stderr)
        return 1
    return 0


def report(ks, insns, text, whole, sums, meldc_note, a):
    def ratio(b, table, k):
        n, x = table['native'].get(k), table[b].get(k)
        return x / n if n and x else None

    print('| kernel | checksum | native instr. | meldc instr. | ×native | wasm2c instr. | '
          '×native | native .text | meldc .text | ×native | wasm2c .text | ×native |')
    print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')

    def num(x):
        return f'{x:,}' if x is not None else '—'

    for k in ks:
        ok = sums['native'].get(k)
        agree = all(sums[b].get(k) in (None, ok) for b in ('meldc', 'wasm2c'))
        print(f'| {k} | `{ok or "—"}`{"" if agree else " (mismatch)"} '
              f'| {num(insns["native"].get(k))} '
              f'| {num(insns["meldc"].get(k))} | {fmt_ratio(ratio("meldc", insns, k))} '
              f'| {num(insns["wasm2c"].get(k))} | {fmt_ratio(ratio("wasm2c", insns, k))} '
              f'| {num(text["native"].get(k))} '
              f'| {num(text["meldc"].get(k))} | {fmt_ratio(ratio("meldc", text, k))} '
              f'| {num(text["wasm2c"].get(k))} | {fmt_ratio(ratio("wasm2c", text, k))} |')
    g = {(b, t): geomean([ratio(b, tab, k) for k in ks])
         for b in ('meldc', 'wasm2c') for t, tab in (('i', insns), ('t', text))}
    print(f'| **geomean** | | | | **{fmt_ratio(g["meldc", "i"])}** | | '
          f'**{fmt_ratio(g["wasm2c", "i"])}** | | | **{fmt_ratio(g["meldc", "t"])}** | | '
          f'**{fmt_ratio(g["wasm2c", "t"])}** |')
    print()
    print('Whole objects, code bytes (every executable section: also setup, init or '
          'instantiation, exports\' wrappers, trap paths):', end=' ')
    print('; '.join(f'{b} {sum(whole[b].values()):,}' for b in BUILDS if whole[b]) + '.')
    if meldc_note:
        print(f'\nmeldc: unavailable — {meldc_note}.')
    else:
        mi, mt = g['meldc', 'i'], g['meldc', 't']
        wi, wt = g['wasm2c', 'i'], g['wasm2c', 't']
        flags = ' '.join(a.meldc_arg) or 'defaults: bounds checks on'
        print(f'\nTargets (meldc {flags}): instructions ≤ 1.2× native: '
              f'{"met" if mi <= 1.2 else "not met"} ({mi:.2f}×); .text ≤ 1.3× native: '
              f'{"met" if mt <= 1.3 else "not met"} ({mt:.2f}×); ahead of wasm2c on instructions: '
              f'{"yes" if mi < wi else "no"} ({mi:.2f}× vs {wi:.2f}×), on .text: '
              f'{"yes" if mt < wt else "no"} ({mt:.2f}× vs {wt:.2f}×).')


if __name__ == '__main__':
    sys.exit(main())
