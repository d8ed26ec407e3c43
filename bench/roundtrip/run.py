#!/usr/bin/env python3
"""Round-trip benchmark: read + verify + write of a large core module, meldc against binaryen's
wasm-opt (no optimisation passes: wasm-opt reads, validates and writes), in one run.

Reports, per tool and input, the median wall time and CPU time over --runs runs and the peak
resident set size of one process, and the ratios. Prints Markdown.

Wall time is measured around the process, CPU time comes from wait4, and the peak RSS from GNU
time (/usr/bin/time -f %M), a small C parent: Linux carries a process's RSS high-water mark
across exec, so a child spawned by Python itself would report Python's ~13 MB as its peak.

Usage: bench/roundtrip/run.py --meldc build/tools/meldc/meldc [--runs 11] [INPUT.wasm ...]
Default inputs: jco's js-component-bindgen-component.core.wasm and wasm-tools.core.wasm.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENDOR = os.path.join(ROOT, 'node_modules', '@bytecodealliance', 'jco-transpile', 'vendor')
DEFAULT_INPUTS = [os.path.join(VENDOR, 'js-component-bindgen-component.core.wasm'),
                  os.path.join(VENDOR, 'wasm-tools.core.wasm')]


def run_once(cmd):
    """Returns (wall seconds, cpu seconds, peak RSS bytes) of one run of cmd."""
    with tempfile.NamedTemporaryFile('r') as rep:
        t0 = time.perf_counter()
        proc = subprocess.Popen(['/usr/bin/time', '-o', rep.name, '-f', '%M'] + cmd,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        err = proc.stderr.read().decode(errors='replace')
        proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            sys.exit('command failed (%d): %s\n%s' % (proc.returncode, ' '.join(cmd), err))
        rss_kb = int(rep.read().split()[-1])
    # wait4's CPU times cover GNU time and the command it waited for (time's own share is
    # negligible); its RSS would not be the command's, hence %M.
    return wall, ru.ru_utime + ru.ru_stime, rss_kb * 1024


def measure(cmd, runs):
    run_once(cmd)  # warm the page cache
    samples = [run_once(cmd) for _ in range(runs)]
    return {
        'wall': statistics.median(s[0] for s in samples),
        'cpu': statistics.median(s[1] for s in samples),
        'rss': max(s[2] for s in samples),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--meldc', required=True)
    ap.add_argument('--wasm-opt', default='wasm-opt')
    ap.add_argument('--runs', type=int, default=11)
    ap.add_argument('inputs', nargs='*', default=DEFAULT_INPUTS)
    a = ap.parse_args()
    version = subprocess.run([a.wasm_opt, '--version'], capture_output=True, text=True).stdout.strip()
    cpu = ''
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    print('Machine: %s, %d cores, %s; %s; median of %d runs after one warm-up.\n'
          % (cpu or platform.machine(), os.cpu_count(), platform.platform(), version, a.runs))
    print('| input | size | tool | wall (median) | CPU (median) | peak RSS | RSS / input |')
    print('|---|---:|---|---:|---:|---:|---:|')
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out.wasm')
        for inp in a.inputs:
            size = os.path.getsize(inp)
            m = measure([a.meldc, inp, '-o', out], a.runs)
            identical = open(inp, 'rb').read() == open(out, 'rb').read()
            w = measure([a.wasm_opt, '--all-features', inp, '-o', out], a.runs)
            name = os.path.basename(inp)
            for tool, r in (('meldc', m), ('wasm-opt', w)):
                print('| %s | %.2f MB | %s | %.1f ms | %.1f ms | %.1f MB | %.2f× |'
                      % (name, size / 1e6, tool, r['wall'] * 1e3, r['cpu'] * 1e3, r['rss'] / 1e6,
                         r['rss'] / size))
            ratios.append((name, w['wall'] / m['wall'], w['cpu'] / m['cpu'], m['rss'] / size, identical))
    print('\n| input | wasm-opt / meldc, wall | wasm-opt / meldc, CPU | meldc peak RSS / input size | meldc output byte-identical |')
    print('|---|---:|---:|---:|---|')
    for name, rw, rc, rss, ident in ratios:
        print('| %s | %.1f× | %.1f× | %.2f× | %s |' % (name, rw, rc, rss, 'yes' if ident else 'no'))


main()
