#!/usr/bin/env python3
"""Size of the fused core, per fixture application: the components as given, fused without dce
(multi-memory, every allocator kept: what a fusion that stops at merging gives), fused by the
default pipeline (resolve,adapter,dce), and fused by --mcu (one static memory, no vestigial
allocator, binaryen -Oz). Prints Markdown.

The fixtures are those of test/fixtures (built by `ctest -R fixtures-build`, or
`node test/fixtures/build.mjs --out DIR`); the applications and their components come from
test/fixtures/apps.mjs.

Usage: bench/size/run.py [--meldc build/tools/meldc/meldc] [--fixtures build/test/fixtures]
                         [--heap-pages 16]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE = os.path.join(ROOT, 'node_modules', '.bin', 'node')


def applications():
    """[(name, [component, ...])] from apps.mjs, in its order."""
    code = ("import(process.argv[1]).then((m) => console.log(JSON.stringify("
            "m.APPS.map((a) => [a.name, a.components]))));")
    out = subprocess.run([NODE, '-e', code, os.path.join(ROOT, 'test', 'fixtures', 'apps.mjs')],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def fuse(meldc, inputs, flags, out):
    """Size in bytes of the fused output, or the first line of meldc's error."""
    r = subprocess.run([meldc, *inputs, *flags, '-o', out], capture_output=True, text=True)
    if r.returncode != 0:
        return (r.stderr.strip().splitlines() or ['failed'])[0]
    return os.path.getsize(out)


def memories(meldc, path):
    text = subprocess.run([meldc, '-passes=', '-S', path, '-o', '-'], check=True,
                          capture_output=True, text=True).stdout
    return sum(1 for line in text.splitlines() if line.startswith('  (memory '))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--meldc', default=os.path.join(ROOT, 'build', 'tools', 'meldc', 'meldc'))
    ap.add_argument('--fixtures', default=os.path.join(ROOT, 'build', 'test', 'fixtures'))
    ap.add_argument('--heap-pages', type=int, default=16)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.fixtures, 'manifest.json')):
        sys.exit(f'{a.fixtures}: no fixtures there (ctest -R fixtures-build builds them)')
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, comps in applications():
            inputs = [os.path.join(a.fixtures, f'{c}.wasm') for c in comps]
            given = sum(os.path.getsize(p) for p in inputs)
            kept = fuse(a.meldc, inputs, ['-passes=resolve,adapter'], os.path.join(tmp, 'k.wasm'))
            dflt = fuse(a.meldc, inputs, [], os.path.join(tmp, 'd.wasm'))
            mcu_out = os.path.join(tmp, 'm.wasm')
            mcu = fuse(a.meldc, inputs, ['--mcu', f'--heap-pages={a.heap_pages}'], mcu_out)
            nmem = memories(a.meldc, mcu_out) if isinstance(mcu, int) else '—'
            kmem = memories(a.meldc, os.path.join(tmp, 'k.wasm')) if isinstance(kept, int) else '—'
            rows.append((name, len(comps), given, kept, kmem, dflt, mcu, nmem))
    cell = lambda v: f'{v:,}' if isinstance(v, int) else str(v)
    print(f'meldc: `{os.path.relpath(a.meldc, ROOT)}`; --mcu with --heap-pages={a.heap_pages}; '
          'sizes in bytes of wasm.\n')
    print('| application | components | components (bytes) | resolve,adapter (memories) '
          '| default pipeline | --mcu (memories) | --mcu / resolve,adapter |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for name, n, given, kept, kmem, dflt, mcu, nmem in rows:
        ratio = f'{mcu / kept:.3f}' if isinstance(mcu, int) and isinstance(kept, int) else '—'
        print(f'| `{name}` | {n} | {cell(given)} | {cell(kept)} ({kmem}) | {cell(dflt)} '
              f'| {cell(mcu)} ({nmem}) | {ratio} |')


if __name__ == '__main__':
    main()
