#!/usr/bin/env python3
"""Fusion benchmark: meldc fusing a real two-component application, against binaryen's
wasm-merge linking the same three core modules, in one run.

The application is built at run time in a temporary directory from the two large real core
modules jco ships (nothing generated is kept unless --keep):

  A "tools"    instantiates wasm-tools.core.wasm (2.4 MB); each of its 14 wasi_snapshot_preview1
               imports is the lowering (no options: all scalars) of a function of the imported
               host instance bench:host/preview1 (fd_write -> fd-write: func(p0: u32, ...) -> u32,
               i64 -> u64).  It exports local:wasm-tools/tools with all eight functions lifted at
               their WIT types (memory, realloc, post-return, utf8); the interface's records,
               variants and enum are exported through a nested component, as wit-component does.
  B "bindgen"  instantiates js-component-bindgen-component.core.wasm (3.5 MB) the same way, plus
               a small driver core module (DRIVER_WAT) that uses B's memory and cabi_realloc.  B
               imports local:wasm-tools/tools (parse, print; lowered with B's memory and realloc)
               and exports roundtrip: func(wat: string) -> result<string, string> (parse, then
               print: the cross-component calls meldc's adapter pass must adapt), and the bindgen
               module's own generate, generate-types and unpack-wit at their WIT types (the
               world's named types imported with eq bounds, as wit-component does).

The WIT types were read off the jco bindings shipped beside the modules (vendor/*.js, *.d.ts).
Each component is written as component WAT with a placeholder core module (the same imports and
exports, bodies `unreachable`) in place of the big one, assembled with jco's wasm-tools
(test/tools/wasm-tools.mjs), and the real module's bytes are spliced into the first top-level
core-module section.  Checks before timing: `meldc -passes= --verify-each` accepts each
component, `jco transpile` too (unless --no-jco), and wabt's wasm-validate (multi-memory) accepts
every output.

Timed, as bench/roundtrip/run.py does (median wall and CPU time over --runs runs after one
warm-up; peak RSS of one process through GNU time):
  meldc A.wasm B.wasm -o OUT                   full fusion (resolve,adapter,dce)
  meldc -passes=resolve A.wasm B.wasm -o OUT   the merge step alone
  wasm-merge FEATURES --rename-export-conflicts \
      wasm-tools.core.wasm tools js-component-bindgen-component.core.wasm bindgen driver.wasm driver -o OUT
  wasm-merge on two empty modules              its fixed cost (node + binaryen compiled to wasm)
wasm-merge's driver (MERGE_DRIVER_WAT) does what B's driver does, with the copies between the
two memories written by hand: wasm-merge links core modules and has no Canonical ABI.
Also checked before timing: roundtrip, run in the fused module by wabt's wasm-interp (linked
with a stub host and a harness), returns what jco's own parse and print return (--no-run skips).
Prints Markdown: the tables, meldc --explain's cross-component calls, and the --time-passes
report of one full run (of --runs such runs, the one with the median total).

Usage: bench/fuse/run.py [--meldc build/tools/meldc/meldc] [--runs 11] [--keep DIR] [--no-jco]
                        [--no-run]
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENDOR = os.path.join(ROOT, 'node_modules', '@bytecodealliance', 'jco-transpile', 'vendor')
TOOLS_CORE = os.path.join(VENDOR, 'wasm-tools.core.wasm')
BINDGEN_CORE = os.path.join(VENDOR, 'js-component-bindgen-component.core.wasm')
WASM_TOOLS_MJS = os.path.join(ROOT, 'test', 'tools', 'wasm-tools.mjs')
NODE_BIN = os.path.join(ROOT, 'node_modules', '.bin')
HOST = 'bench:host/preview1'
# WebAssembly 2.0 (what the two modules use) plus multi-memory (each module keeps its memory).
# Not --all-features: with it, binaryen 132 writes encodings of proposals wabt cannot read.
WASM_MERGE_FEATURES = ['--enable-multimemory', '--enable-bulk-memory', '--enable-bulk-memory-opt',
                       '--enable-sign-ext', '--enable-nontrapping-float-to-int',
                       '--enable-mutable-globals', '--enable-reference-types',
                       '--enable-multivalue', '--enable-simd']
TOOLS_IFACE = 'local:wasm-tools/tools'


# --- reading the interface of a core module ------------------------------------------------------

def leb_u(buf, pos):
    """Unsigned LEB128 at buf[pos]: (value, position after it)."""
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7f) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def leb_encode(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sections(buf):
    """(id, payload start, payload end, section start) of each top-level section."""
    pos = 8
    while pos < len(buf):
        start = pos
        sid = buf[pos]
        size, pos = leb_u(buf, pos + 1)
        yield sid, pos, pos + size, start
        pos += size


VALTYPES = {0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128',
            0x70: 'funcref', 0x6f: 'externref'}


def read_name(buf, pos):
    n, pos = leb_u(buf, pos)
    return buf[pos:pos + n].decode('utf-8'), pos + n


def core_interface(path):
    """Function imports [(module, field, (params, results))] and exports [(name, kind, type)] of
    a core module; kind is 'func' (type = (params, results)) or 'memory'."""
    buf = open(path, 'rb').read()
    if buf[:8] != b'\0asm\1\0\0\0':
        sys.exit('%s: not a core module' % path)
    types, imports, funcs, exports = [], [], [], []
    for sid, pos, end, _ in sections(buf):
        if sid == 1:
            count, pos = leb_u(buf, pos)
            for _ in range(count):
                if buf[pos] != 0x60:
                    sys.exit('%s: type form 0x%02x not handled' % (path, buf[pos]))
                sig = []
                pos += 1
                for _ in range(2):
                    n, pos = leb_u(buf, pos)
                    sig.append(tuple(VALTYPES[b] for b in buf[pos:pos + n]))
                    pos += n
                types.append(tuple(sig))
        elif sid == 2:
            count, pos = leb_u(buf, pos)
            for _ in range(count):
                module, pos = read_name(buf, pos)
                field, pos = read_name(buf, pos)
                if buf[pos] != 0:
                    sys.exit('%s: import %s.%s is not a function' % (path, module, field))
                tidx, pos = leb_u(buf, pos + 1)
                imports.append((module, field, types[tidx]))
        elif sid == 3:
            count, pos = leb_u(buf, pos)
            for _ in range(count):
                tidx, pos = leb_u(buf, pos)
                funcs.append(types[tidx])
        elif sid == 7:
            count, pos = leb_u(buf, pos)
            for _ in range(count):
                name, pos = read_name(buf, pos)
                kind = buf[pos]
                idx, pos = leb_u(buf, pos + 1)
                if kind == 0:
                    exports.append((name, 'func', (imports[idx][2] if idx < len(imports)
                                                   else funcs[idx - len(imports)])))
                elif kind == 2:
                    exports.append((name, 'memory', None))
                else:
                    sys.exit('%s: export %s of kind %d not handled' % (path, name, kind))
    return imports, exports


def wat_sig(sig):
    params, results = sig
    s = ''
    if params:
        s += ' (param %s)' % ' '.join(params)
    if results:
        s += ' (result %s)' % ' '.join(results)
    return s


def placeholder_module(imports, exports):
    """Core module WAT with the same imports and exports as the real one."""
    out = ['(core module $m']
    for module, field, sig in imports:
        out.append('    (import "%s" "%s" (func%s))' % (module, field, wat_sig(sig)))
    for name, kind, sig in exports:
        if kind == 'memory':
            out.append('    (memory (export "%s") 1)' % name)
        else:
            out.append('    (func (export "%s")%s unreachable)' % (name, wat_sig(sig)))
    out.append('  )')
    return '\n'.join(out)


# --- the component WAT -------------------------------------------------------------------------

CVAL = {'i32': 'u32', 'i64': 'u64', 'f32': 'f32', 'f64': 'f64'}


def kebab(name):
    return name.replace('_', '-')


def host_import(imports):
    """The imported host instance type: one function per preview1 import, scalars only."""
    out = ['(import "%s" (instance $host' % HOST]
    for _, field, (params, results) in imports:
        ps = ''.join(' (param "p%d" %s)' % (i, CVAL[t]) for i, t in enumerate(params))
        rs = ''.join(' (result %s)' % CVAL[t] for t in results)
        out.append('    (export "%s" (func%s%s))' % (kebab(field), ps, rs))
    out.append('  ))')
    return '\n'.join(out)


def wasi_instance(imports):
    """Lowerings of the host functions (no options) and the core instance they form."""
    out = []
    for i, (_, field, _) in enumerate(imports):
        out.append('(core func $wasi%d (canon lower (func $host "%s")))' % (i, kebab(field)))
    out.append('(core instance $wasi')
    for i, (_, field, _) in enumerate(imports):
        out.append('    (export "%s" (func $wasi%d))' % (field, i))
    out.append('  )')
    return '\n  '.join(out)


# The named types of local:wasm-tools/tools, in dependency order: (name, definition), where a
# definition refers to earlier named types as {name}.
TOOLS_TYPES = [
    ('semver-version', '(record (field "major" u64) (field "minor" u64) (field "patch" u64) '
                       '(field "pre" (option string)) (field "build" (option string)))'),
    ('interface-metadata', '(record (field "namespace" string) (field "package" string) '
                           '(field "interface" string) (field "version" (option {semver-version})))'),
    ('wit-metadata', '(record (field "imports" (list {interface-metadata})) '
                     '(field "exports" (list {interface-metadata})))'),
    ('wit-specifier', '(variant (case "source" string) (case "path" string))'),
    ('string-encoding', '(enum "utf8" "utf16" "compact-utf16")'),
    ('enabled-feature-set', '(variant (case "list" (list string)) (case "all"))'),
    ('embed-opts', '(record (field "binary" (option (list u8))) (field "wit-source" (option string)) '
                   '(field "wit-path" (option string)) '
                   '(field "string-encoding" (option {string-encoding})) (field "dummy" (option bool)) '
                   '(field "world" (option string)) (field "metadata" (option {producers-fields})) '
                   '(field "features" (option {enabled-feature-set})))'),
    ('module-meta-type', '(variant (case "module") (case "component" u32))'),
    ('module-metadata', '(record (field "parent-index" (option u32)) (field "name" (option string)) '
                        '(field "meta-type" {module-meta-type}) (field "range" (tuple u32 u32)) '
                        '(field "producers" {producers-fields}))'),
]
# WIT type aliases of structural types: no name needed, substituted in place.
ALIASES = {
    'producers-fields': '(list (tuple string (list (tuple string string))))',
    'maps': '(list (tuple string string))',
    'files': '(list (tuple string (list u8)))',
}
BYTES_OR_ERR = '(result (list u8) (error string))'
STRING_OR_ERR = '(result string (error string))'
# The functions of local:wasm-tools/tools: (name, params, result), types written as above.
TOOLS_FUNCS = [
    ('parse', [('wat', 'string')], BYTES_OR_ERR),
    ('print', [('binary', '(list u8)')], STRING_OR_ERR),
    ('component-new', [('binary', '(list u8)'),
                       ('adapters', '(option (list (tuple string (list u8))))')], BYTES_OR_ERR),
    ('component-wit', [('binary', '(list u8)')], STRING_OR_ERR),
    ('component-wit-metadata-for-world', [('wit', '{wit-specifier}'), ('world-name', '(option string)')],
     '(result {wit-metadata} (error string))'),
    ('component-embed', [('embed-opts', '{embed-opts}')], BYTES_OR_ERR),
    ('metadata-show', [('binary', '(list u8)')], '(result (list {module-metadata}) (error string))'),
    ('metadata-add', [('binary', '(list u8)'), ('metadata', '{producers-fields}')], BYTES_OR_ERR),
]


# The world-level types and exports of js-component-bindgen-component (from the layouts its jco
# bindings read and write); option<bool> fields are written out by name below.
def _bools(*names):
    return ' '.join('(field "%s" (option bool))' % n for n in names)


BINDGEN_TYPES = [
    ('instantiation-mode', '(variant (case "async") (case "sync"))'),
    ('bindings-mode', '(variant (case "js") (case "hybrid") (case "optimized") (case "direct-optimized"))'),
    ('async-imports-exports', '(record (field "imports" (list string)) (field "exports" (list string)))'),
    ('async-mode', '(variant (case "sync") (case "jspi" {async-imports-exports}))'),
    ('generate-options', '(record (field "name" string) ' + _bools('no-typescript') +
     ' (field "instantiation" (option {instantiation-mode}))'
     ' (field "import-bindings" (option {bindings-mode})) (field "map" (option {maps})) ' +
     _bools('compat', 'no-nodejs-compat') + ' (field "base64-cutoff" (option u32)) ' +
     _bools('tla-compat', 'valid-lifting-optimization', 'tracing', 'no-component-error-wrapping',
            'no-namespaced-exports', 'guest', 'multi-memory', 'bindgen-enable-wasm-exnref') +
     ' (field "async-mode" (option {async-mode})) ' +
     _bools('strict', 'flags-as-bigint', 'variants-inline-cases', 'use-namespace-objects',
            'enum-values-screaming-snake-case', 'asmjs') + ')'),
    ('wit', '(variant (case "source" string) (case "binary" (list u8)) (case "path" string))'),
    ('enabled-feature-set', '(variant (case "list" (list string)) (case "all"))'),
    ('type-generation-options', '(record (field "wit" {wit}) (field "world" (option string)) ' +
     _bools('tla-compat') + ' (field "instantiation" (option {instantiation-mode})) '
     '(field "map" (option {maps})) (field "features" (option {enabled-feature-set})) ' +
     _bools('guest') + ' (field "async-mode" (option {async-mode})) ' +
     _bools('strict', 'flags-as-bigint', 'variants-inline-cases', 'use-namespace-objects',
            'enum-values-screaming-snake-case') + ')'),
    ('export-type', '(enum "function" "instance")'),
    ('transpiled', '(record (field "files" {files}) (field "imports" (list string)) '
                   '(field "exports" (list (tuple string {export-type}))))'),
    ('package-mismatch', '(record (field "found" string) (field "expected" string))'),
    ('unpack-error', '(variant (case "invalid-package-spec" string) (case "invalid-wasm" string) '
                     '(case "component-artifact") (case "package-mismatch" {package-mismatch}) '
                     '(case "print-error" string))'),
]
BINDGEN_FUNCS = [
    ('generate', [('component', '(list u8)'), ('options', '{generate-options}')],
     '(result {transpiled} (error string))'),
    ('generate-types', [('name', 'string'), ('options', '{type-generation-options}')],
     '(result {files} (error string))'),
    ('unpack-wit', [('expected', '(option string)'), ('binary', '(list u8)')],
     '(result (map string string) (error {unpack-error}))'),
]


def subst(text, prefix):
    """Replaces {name} by $<prefix><name> (named types) or by the alias's definition."""
    def one(m):
        if m.group(1) in ALIASES:
            return ALIASES[m.group(1)]
        return '$%s%s' % (prefix, m.group(1))
    return re.sub(r'\{([a-z-]+)\}', one, text)


def functype(params, result, prefix):
    return subst('(func%s (result %s))' % (''.join(' (param "%s" %s)' % p for p in params), result),
                 prefix)


def component_tools(imports, exports):
    """Component A: wasm-tools.core.wasm behind local:wasm-tools/tools."""
    lift_opts = ('(memory (core memory $i "memory")) (realloc (core func $i "cabi_realloc")) '
                 'string-encoding=utf8')
    out = ['(component', '  ' + host_import(imports), '  ' + placeholder_module(imports, exports),
           '  ' + wasi_instance(imports),
           '  (core instance $i (instantiate $m (with "wasi_snapshot_preview1" (instance $wasi))))']
    for name, definition in TOOLS_TYPES:
        out.append('  (type $t-%s %s)' % (name, subst(definition, 't-')))
    for name, params, result in TOOLS_FUNCS:
        core = '%s#%s' % (TOOLS_IFACE, name)
        out.append('  (type $ft-%s %s)' % (name, functype(params, result, 't-')))
        out.append('  (func $f-%s (type $ft-%s)\n    (canon lift (core func $i "%s") %s\n'
                   '      (post-return (core func $i "cabi_post_%s"))))'
                   % (name, name, core, lift_opts, core))
    # The interface's instance, made by a nested component that imports the types with eq
    # bounds and the functions, and exports them under their WIT names (functions ascribed the
    # exported types) -- the shape wit-component gives an exported interface with named types.
    # Imports may refer only to imported types; the exported types are fresh definitions that
    # refer to the exported types before them (re-exporting the imports would leave the
    # instance's types referring to the outer component's unnamed definitions, and the instance
    # would not be valid as an export).
    shim = ['  (component $shim']
    for name, definition in TOOLS_TYPES:
        shim.append('    (type $d-%s %s)' % (name, subst(definition, 'i-')))
        shim.append('    (import "import-type-%s" (type $i-%s (eq $d-%s)))' % (name, name, name))
    for name, params, result in TOOLS_FUNCS:
        shim.append('    (import "import-func-%s" (func $g-%s %s))'
                    % (name, name, functype(params, result, 'i-')[len('(func '):-1]))
    for name, definition in TOOLS_TYPES:
        shim.append('    (type $x-%s %s)' % (name, subst(definition, 'e-')))
        shim.append('    (export $e-%s "%s" (type $x-%s))' % (name, name, name))
    for name, params, result in TOOLS_FUNCS:
        shim.append('    (export "%s" (func $g-%s) %s)' % (name, name, functype(params, result, 'e-')))
    shim.append('  )')
    out += shim
    withs = ['(with "import-type-%s" (type $t-%s))' % (n, n) for n, _ in TOOLS_TYPES]
    withs += ['(with "import-func-%s" (func $f-%s))' % (n, n) for n, _, _ in TOOLS_FUNCS]
    out.append('  (instance $tools (instantiate $shim\n    %s))' % '\n    '.join(withs))
    out.append('  (export "%s" (instance $tools))' % TOOLS_IFACE)
    out.append(')')
    return '\n'.join(out) + '\n'


# The driver of component B: roundtrip(wat) = print(parse(wat)), through the lowered imports
# (return-area arguments in B's memory, results allocated with B's cabi_realloc).
DRIVER_WAT = r'''
  (core module $driver
    (import "tools" "parse" (func $parse (param i32 i32 i32)))
    (import "tools" "print" (func $print (param i32 i32 i32)))
    (import "bindgen" "memory" (memory 0))
    (import "bindgen" "cabi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    ;; result<string, string> and result<list<u8>, string> share one layout:
    ;; discriminant byte at 0, pointer at 4, length at 8 (12 bytes, align 4).
    (func (export "roundtrip") (param $ptr i32) (param $len i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 12)))
      (call $parse (local.get $ptr) (local.get $len) (local.get $ret))
      (if (i32.eqz (i32.load8_u (local.get $ret)))
        (then
          (call $print (i32.load offset=4 (local.get $ret)) (i32.load offset=8 (local.get $ret))
                       (local.get $ret))))
      (local.get $ret))
    (func (export "cabi_post_roundtrip") (param i32))
  )'''

# The same driver for wasm-merge, which links core modules and nothing more: it calls the
# wasm-tools module's core exports directly and copies the strings between the two memories
# itself (a hand-written adapter for these two calls).
MERGE_DRIVER_WAT = r'''(module
  (import "tools" "local:wasm-tools/tools#parse" (func $parse (param i32 i32) (result i32)))
  (import "tools" "local:wasm-tools/tools#print" (func $print (param i32 i32) (result i32)))
  (import "tools" "cabi_post_local:wasm-tools/tools#parse" (func $post_parse (param i32)))
  (import "tools" "cabi_post_local:wasm-tools/tools#print" (func $post_print (param i32)))
  (import "tools" "cabi_realloc" (func $tools_realloc (param i32 i32 i32 i32) (result i32)))
  (import "tools" "memory" (memory $tm 0))
  (import "bindgen" "memory" (memory $bm 0))
  (import "bindgen" "cabi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
  ;; Copies len bytes at src in the tools memory into a new block of the bindgen memory.
  (func $to_bindgen (param $src i32) (param $len i32) (result i32)
    (local $dst i32)
    (local.set $dst (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
    (memory.copy $bm $tm (local.get $dst) (local.get $src) (local.get $len))
    (local.get $dst))
  (func (export "roundtrip") (param $ptr i32) (param $len i32) (result i32)
    (local $arg i32) (local $r1 i32) (local $r2 i32) (local $bin i32) (local $ret i32)
    (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 12)))
    (local.set $arg (call $tools_realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $len)))
    (memory.copy $tm $bm (local.get $arg) (local.get $ptr) (local.get $len))
    (local.set $r1 (call $parse (local.get $arg) (local.get $len)))
    (if (i32.load8_u $tm (local.get $r1))
      (then
        (i32.store8 $bm (local.get $ret) (i32.const 1))
        (i32.store $bm offset=4 (local.get $ret)
          (call $to_bindgen (i32.load $tm offset=4 (local.get $r1)) (i32.load $tm offset=8 (local.get $r1))))
        (i32.store $bm offset=8 (local.get $ret) (i32.load $tm offset=8 (local.get $r1)))
        (call $post_parse (local.get $r1))
        (return (local.get $ret))))
    ;; the binary stays in the tools memory: copy it to a block print owns
    (local.set $bin (call $tools_realloc (i32.const 0) (i32.const 0) (i32.const 1)
                                         (i32.load $tm offset=8 (local.get $r1))))
    (memory.copy $tm $tm (local.get $bin) (i32.load $tm offset=4 (local.get $r1))
                 (i32.load $tm offset=8 (local.get $r1)))
    (local.set $r2 (call $print (local.get $bin) (i32.load $tm offset=8 (local.get $r1))))
    (call $post_parse (local.get $r1))
    (i32.store8 $bm (local.get $ret) (i32.load8_u $tm (local.get $r2)))
    (i32.store $bm offset=4 (local.get $ret)
      (call $to_bindgen (i32.load $tm offset=4 (local.get $r2)) (i32.load $tm offset=8 (local.get $r2))))
    (i32.store $bm offset=8 (local.get $ret) (i32.load $tm offset=8 (local.get $r2)))
    (call $post_print (local.get $r2))
    (local.get $ret))
  (func (export "cabi_post_roundtrip") (param i32))
)
'''


def bindgen_exports(opts):
    """The bindgen module's own functions, exported by plain name at their WIT types.  Types
    defined in a world are on its import side: as wit-component does, each named type is
    imported with an eq bound (its definition referring to the imports before it)."""
    out = []
    for name, definition in BINDGEN_TYPES:
        out.append('  (type $b-%s %s)' % (name, subst(definition, 'be-')))
        out.append('  (import "%s" (type $be-%s (eq $b-%s)))' % (name, name, name))
    for name, params, result in BINDGEN_FUNCS:
        out.append('  (func $bf-%s %s' % (name, functype(params, result, 'be-')[len('(func '):-1]))
        out.append('    (canon lift (core func $i "%s") %s' % (name, opts))
        out.append('      (post-return (core func $i "cabi_post_%s"))))' % name)
        out.append('  (export "%s" (func $bf-%s))' % (name, name))
    return out


def component_bindgen(imports, exports):
    """Component B: js-component-bindgen-component.core.wasm plus the driver."""
    opts = ('(memory (core memory $i "memory")) (realloc (core func $i "cabi_realloc")) '
            'string-encoding=utf8')
    return '\n'.join([
        '(component',
        '  ' + host_import(imports),
        '  (import "%s" (instance $tools' % TOOLS_IFACE,
        '    (export "parse" (func (param "wat" string) (result %s)))' % BYTES_OR_ERR,
        '    (export "print" (func (param "binary" (list u8)) (result %s)))' % STRING_OR_ERR,
        '  ))',
        '  ' + placeholder_module(imports, exports),
        DRIVER_WAT,
        '  ' + wasi_instance(imports),
        '  (core instance $i (instantiate $m (with "wasi_snapshot_preview1" (instance $wasi))))',
        '  (core func $parse (canon lower (func $tools "parse") %s))' % opts,
        '  (core func $print (canon lower (func $tools "print") %s))' % opts,
        '  (core instance $tools-core (export "parse" (func $parse)) (export "print" (func $print)))',
        '  (core instance $d (instantiate $driver',
        '    (with "tools" (instance $tools-core)) (with "bindgen" (instance $i))))',
        '  (func $roundtrip (param "wat" string) (result %s)' % STRING_OR_ERR,
        '    (canon lift (core func $d "roundtrip") %s' % opts,
        '      (post-return (core func $d "cabi_post_roundtrip"))))',
        '  (export "roundtrip" (func $roundtrip))',
    ] + bindgen_exports(opts) + [')']) + '\n'


# --- assembling and splicing ---------------------------------------------------------------------

def run(cmd, what):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit('%s failed (status %d): %s\n%s%s' % (what, p.returncode, ' '.join(cmd),
                                                      p.stdout, p.stderr))
    return p


def assemble(wat_text, wat_path, wasm_path):
    with open(wat_path, 'w') as f:
        f.write(wat_text)
    run(['node', WASM_TOOLS_MJS, 'parse', wat_path, '-o', wasm_path], 'assembling ' + wat_path)


def splice(component_path, module_path):
    """Replaces the payload of the component's first top-level core-module section (id 1) by the
    bytes of module_path, rewriting the section's LEB128 size."""
    buf = open(component_path, 'rb').read()
    if buf[:4] != b'\0asm' or buf[4:8] == b'\1\0\0\0':
        sys.exit('%s: not a component' % component_path)
    real = open(module_path, 'rb').read()
    for sid, start, end, sec in sections(buf):
        if sid == 1:
            out = buf[:sec] + b'\x01' + leb_encode(len(real)) + real + buf[end:]
            with open(component_path, 'wb') as f:
                f.write(out)
            return
    sys.exit('%s: no core module section' % component_path)


def build_app(tmp, meldc, check_jco):
    """Writes A.wasm, B.wasm, merge-driver.wasm and empty.wasm into tmp; returns their paths."""
    t_imports, t_exports = core_interface(TOOLS_CORE)
    b_imports, b_exports = core_interface(BINDGEN_CORE)
    for imports in (t_imports, b_imports):
        for module, field, _ in imports:
            if module != 'wasi_snapshot_preview1':
                sys.exit('unexpected import %s.%s' % (module, field))
    exported = {n for n, _, _ in t_exports}
    for name, _, _ in TOOLS_FUNCS:
        for core in ('%s#%s' % (TOOLS_IFACE, name), 'cabi_post_%s#%s' % (TOOLS_IFACE, name)):
            if core not in exported:
                sys.exit('%s does not export %s' % (TOOLS_CORE, core))
    a = os.path.join(tmp, 'A.wasm')
    b = os.path.join(tmp, 'B.wasm')
    drv = os.path.join(tmp, 'merge-driver.wasm')
    assemble(component_tools(t_imports, t_exports), os.path.join(tmp, 'A.wat'), a)
    splice(a, TOOLS_CORE)
    assemble(component_bindgen(b_imports, b_exports), os.path.join(tmp, 'B.wat'), b)
    splice(b, BINDGEN_CORE)
    assemble(MERGE_DRIVER_WAT, os.path.join(tmp, 'merge-driver.wat'), drv)
    empty = os.path.join(tmp, 'empty.wasm')
    with open(empty, 'wb') as f:
        f.write(b'\0asm\1\0\0\0')
    for c in (a, b):
        run([meldc, '-passes=', '--verify-each', c, '--disable-output'], 'meldc verifying ' + c)
    if check_jco:
        for c in (a, b):
            name = os.path.splitext(os.path.basename(c))[0].lower()
            run([os.path.join(NODE_BIN, 'jco'), 'transpile', c, '--name', name,
                 '-o', os.path.join(tmp, 'jco-' + name)], 'jco transpile ' + c)
    return a, b, drv, empty


# --- running the fused module -------------------------------------------------------------------

# roundtrip inputs: a small module, a malformed one (the err case), and a larger one (strings
# and lists of some kilobytes through the adapters).
RUN_CASES = [
    '(module (func (export "f") (result i32) i32.const 42))',
    '(module (func',
    '(module (memory (export "m") 1) (data (i32.const 8) "hello")\n' + '\n'.join(
        '  (func (export "f%d") (param i32) (result i32) local.get 0 i32.const %d i32.add)' % (i, i)
        for i in range(120)) + ')',
]

REFERENCE_JS = r'''
import { parse, print } from '@bytecodealliance/jco';
const out = [];
for (const wat of JSON.parse(process.argv[1])) {
  try { out.push([0, await print(await parse(wat))]); }
  catch (e) { out.push([1, e.payload ?? e.message]); }
}
console.log(JSON.stringify(out));
'''


def fnv1a(data):
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h


def wat_bytes(data):
    return ''.join('\\%02x' % b for b in data)


def run_check(tmp, fused, wasm_merge, wasm_interp):
    """Runs roundtrip on RUN_CASES in the fused module and compares with jco's own parse and
    print in node.  The fused module is linked (wasm-merge) with a stub host (random-get
    succeeds without writing, proc-exit traps, the rest return ENOSYS) and a harness whose start
    function calls roundtrip and reports (tag, length, FNV-1a of the string) through wabt
    wasm-interp's host.print; wasm-interp runs it (node 20 has no multi-memory)."""
    imports, _ = core_interface(fused)
    host = ['(module']
    for module, field, (params, results) in imports:
        if module != HOST:
            sys.exit('%s: unexpected import %s.%s' % (fused, module, field))
        body = ('unreachable' if field == 'proc-exit' or not results
                else 'i32.const 0' if field == 'random-get' else 'i32.const 52')
        host.append('  (func (export "%s")%s %s)' % (field, wat_sig((params, results)), body))
    host.append(')')
    harness = ['(module',
               '  (import "fused" "memory" (memory 0))',
               '  (import "fused" "cabi_realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))',
               '  (import "fused" "roundtrip" (func $roundtrip (param i32 i32) (result i32)))',
               '  (import "host" "print" (func $print (param i32 i32 i32)))',
               '  (func $hash (param $s i32) (param $n i32) (result i32)',
               '    (local $h i32) (local $i i32)',
               '    (local.set $h (i32.const 0x811c9dc5))',
               '    (block $done (loop $next',
               '      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))',
               '      (local.set $h (i32.mul (i32.xor (local.get $h)',
               '        (i32.load8_u (i32.add (local.get $s) (local.get $i)))) (i32.const 0x01000193)))',
               '      (local.set $i (i32.add (local.get $i) (i32.const 1)))',
               '      (br $next)))',
               '    (local.get $h))',
               '  (func $case (param $src i32) (param $n i32)',
               '    (local $p i32) (local $r i32)',
               '    (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))',
               '    (memory.copy (local.get $p) (local.get $src) (local.get $n))',
               '    (local.set $r (call $roundtrip (local.get $p) (local.get $n)))',
               '    (call $print (i32.load8_u (local.get $r)) (i32.load offset=8 (local.get $r))',
               '      (call $hash (i32.load offset=4 (local.get $r)) (i32.load offset=8 (local.get $r)))))',
               '  (func $main (local $src i32)']
    encoded = [c.encode() for c in RUN_CASES]
    datas = []
    for i, data in enumerate(encoded):
        # each input is first copied out of a passive segment into a block of its own
        harness.append('    (local.set $src (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.const %d)))' % len(data))
        harness.append('    (memory.init $in%d (local.get $src) (i32.const 0) (i32.const %d))' % (i, len(data)))
        harness.append('    (call $case (local.get $src) (i32.const %d))' % len(data))
        datas.append('  (data $in%d "%s")' % (i, wat_bytes(data)))
    harness.append('  )')
    harness += datas
    harness += ['  (start $main)', ')']
    host_wasm = os.path.join(tmp, 'stub-host.wasm')
    harness_wasm = os.path.join(tmp, 'harness.wasm')
    app = os.path.join(tmp, 'fused-app.wasm')
    assemble('\n'.join(host) + '\n', os.path.join(tmp, 'stub-host.wat'), host_wasm)
    assemble('\n'.join(harness) + '\n', os.path.join(tmp, 'harness.wat'), harness_wasm)
    run([wasm_merge] + WASM_MERGE_FEATURES + [host_wasm, HOST, fused, 'fused', harness_wasm,
                                              'harness', '--rename-export-conflicts', '-o', app],
        'wasm-merge (linking the run check)')
    got = run([wasm_interp, '--enable-multi-memory', '--host-print', app], 'wasm-interp').stdout
    got = [tuple(int(x) & 0xffffffff for x in m)
           for m in re.findall(r'host\.print\(i32:(-?\d+), i32:(-?\d+), i32:(-?\d+)\)', got)]
    ref = json.loads(subprocess.run(['node', '--input-type=module', '-e', REFERENCE_JS,
                                     json.dumps(RUN_CASES)], cwd=ROOT, capture_output=True,
                                    text=True, check=True).stdout)
    want = [(tag, len(text.encode()), fnv1a(text.encode())) for tag, text in ref]
    if got != want:
        sys.exit('fused roundtrip differs from jco: got %s, want %s (tag, length, FNV-1a)' % (got, want))
    return len(want)


# --- measuring -----------------------------------------------------------------------------------

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
    # wait4's CPU times cover GNU time and its child; GNU time's own share is negligible, and
    # its %M is the child's own high-water mark (a child of Python would inherit Python's).
    return wall, ru.ru_utime + ru.ru_stime, rss_kb * 1024


def measure(cmd, runs):
    run_once(cmd)  # warm the page cache
    samples = [run_once(cmd) for _ in range(runs)]
    walls = sorted(s[0] for s in samples)
    return {
        'wall': statistics.median(walls),
        'wall_min': walls[0],
        'wall_max': walls[-1],
        'cpu': statistics.median(s[1] for s in samples),
        'rss': max(s[2] for s in samples),
    }


def cpu_model():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--meldc', default=os.path.join(ROOT, 'build', 'tools', 'meldc', 'meldc'))
    ap.add_argument('--wasm-merge', default=os.path.join(NODE_BIN, 'wasm-merge'))
    ap.add_argument('--wasm-validate', default='wasm-validate')
    ap.add_argument('--runs', type=int, default=11)
    ap.add_argument('--keep', metavar='DIR', help='build in DIR and keep the files')
    ap.add_argument('--wasm-interp', default='wasm-interp')
    ap.add_argument('--no-jco', action='store_true', help='skip the jco transpile check')
    ap.add_argument('--no-run', action='store_true',
                    help='skip running roundtrip in the fused module (wasm-interp)')
    a = ap.parse_args()

    tmp_obj = None
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
        tmp = a.keep
    else:
        tmp_obj = tempfile.TemporaryDirectory(prefix='meldc-fuse-')
        tmp = tmp_obj.name
    try:
        report(a, tmp)
    finally:
        if tmp_obj:
            tmp_obj.cleanup()


def report(a, tmp):
    comp_a, comp_b, drv, empty = build_app(tmp, a.meldc, not a.no_jco)
    fused = os.path.join(tmp, 'fused.wasm')
    merged = os.path.join(tmp, 'resolved.wasm')
    wm_out = os.path.join(tmp, 'wasm-merge.wasm')

    full_cmd = [a.meldc, comp_a, comp_b, '-o', fused]
    resolve_cmd = [a.meldc, '-passes=resolve', comp_a, comp_b, '-o', merged]
    wm_cmd = [a.wasm_merge] + WASM_MERGE_FEATURES + [
        '--rename-export-conflicts', TOOLS_CORE, 'tools', BINDGEN_CORE, 'bindgen', drv, 'driver',
        '-o', wm_out]
    wm_empty_cmd = [a.wasm_merge, '--rename-export-conflicts', empty, 'a', empty, 'b',
                    '-o', os.path.join(tmp, 'empty-merged.wasm')]
    # Every output must be valid before anything is timed.
    for cmd in (full_cmd, resolve_cmd, wm_cmd):
        run(cmd, os.path.basename(cmd[0]))
    for out in (fused, merged, wm_out):
        run([a.wasm_validate, '--enable-multi-memory', out], 'wasm-validate ' + os.path.basename(out))
    ran = 0 if a.no_run else run_check(tmp, fused, a.wasm_merge, a.wasm_interp)
    explain = run(full_cmd + ['--explain'], 'meldc --explain').stderr.splitlines()
    crossing = [l for l in explain if re.match(r'explain: \S+ -> \S+: ', l) and ' host' not in l]
    host_imports = [l for l in explain if re.match(r'explain: \S+ -> host: ', l)]
    host_exports = [l for l in explain if l.startswith('explain: host -> ')]

    meldc_in = os.path.getsize(comp_a) + os.path.getsize(comp_b)
    wm_in = os.path.getsize(TOOLS_CORE) + os.path.getsize(BINDGEN_CORE) + os.path.getsize(drv)
    version = run([a.wasm_merge, '--version'], 'wasm-merge --version').stdout.strip()

    rows = [('meldc (resolve,adapter,dce)', full_cmd, meldc_in, fused),
            ('meldc -passes=resolve', resolve_cmd, meldc_in, merged),
            ('wasm-merge', wm_cmd, wm_in, wm_out),
            ('wasm-merge, two empty modules', wm_empty_cmd, 16, None)]
    results = [(name, measure(cmd, a.runs), size, out) for name, cmd, size, out in rows]
    # One full run's --time-passes report: of --runs runs, the one with the median total (a
    # single report would as likely be one that other jobs on the machine slowed down).
    reports = []
    for _ in range(a.runs):
        rep = run(full_cmd + ['--time-passes'], 'meldc --time-passes').stderr
        total = re.search(r'Total Execution Time: ([0-9.]+)', rep)
        reports.append((float(total.group(1)) if total else 0.0, rep))
    reports.sort(key=lambda r: r[0])
    time_passes = reports[len(reports) // 2][1]

    print('Machine: %s, %d cores, %s; %s; %s; median of %d runs after one warm-up.\n'
          % (cpu_model(), os.cpu_count(), platform.platform(),
             run([a.meldc, '--version'], 'meldc --version').stdout.strip(), version, a.runs))
    print('Inputs: A.wasm %.2f MB + B.wasm %.2f MB = %.2f MB (meldc); wasm-tools.core.wasm + '
          'js-component-bindgen-component.core.wasm + the driver (%d bytes) = %.2f MB (wasm-merge).\n'
          % (os.path.getsize(comp_a) / 1e6, os.path.getsize(comp_b) / 1e6, meldc_in / 1e6,
             os.path.getsize(drv), wm_in / 1e6))
    print('| tool | wall (median) | wall (min–max) | CPU (median) | input / wall | peak RSS | RSS / input | output |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    for name, r, size, out in results:
        if out is None:
            print('| %s | %.1f ms | %.1f–%.1f ms | %.1f ms | — | %.1f MB | — | — |'
                  % (name, r['wall'] * 1e3, r['wall_min'] * 1e3, r['wall_max'] * 1e3,
                     r['cpu'] * 1e3, r['rss'] / 1e6))
            continue
        print('| %s | %.1f ms | %.1f–%.1f ms | %.1f ms | %.1f MB/s | %.1f MB | %.2f× | %.2f MB |'
              % (name, r['wall'] * 1e3, r['wall_min'] * 1e3, r['wall_max'] * 1e3, r['cpu'] * 1e3,
                 size / r['wall'] / 1e6, r['rss'] / 1e6, r['rss'] / size,
                 os.path.getsize(out) / 1e6))
    wm = results[2][1]
    print('\n| meldc run | wasm-merge / meldc, wall | wasm-merge / meldc, CPU | wasm-merge / meldc, peak RSS |')
    print('|---|---:|---:|---:|')
    for name, r, _, _ in results[:2]:
        print('| %s | %.1f× | %.1f× | %.1f× |'
              % (name, wm['wall'] / r['wall'], wm['cpu'] / r['cpu'], wm['rss'] / r['rss']))
    full = results[0][1]
    rate = meldc_in / full['wall'] / 1e6
    print('\nTarget (at least 100 MB/s of input and ahead of wasm-merge): full fusion reads %.1f '
          'MB/s of input (%s); wasm-merge takes %.1f× its wall time (%s).'
          % (rate, 'reached' if rate >= 100 else 'not reached', wm['wall'] / full['wall'],
             'ahead' if wm['wall'] > full['wall'] else 'not ahead'))
    if ran:
        print('\nChecked before timing: roundtrip in the fused module (run by wasm-interp) returns '
              'what jco\'s own parse and print return, on %d inputs.' % ran)
    print('\n`meldc --explain`: %d cross-component calls, %d host imports, %d exports:\n'
          % (len(crossing), len(host_imports), len(host_exports)))
    print('```')
    print('\n'.join(crossing))
    print('```')
    print('\n`meldc A.wasm B.wasm -o fused.wasm --time-passes` (the run with the median total '
          'of %d):\n' % a.runs)
    print('```')
    print(time_passes.rstrip())
    print('```')


main()
