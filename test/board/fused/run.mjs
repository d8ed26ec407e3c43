// Fused programs on the board: core modules lowered by `meldc --emit=obj`, linked with a driver
// generated here and run on QEMU's Cortex-M7 (test/board/run-on-board), against the same module
// run in node.  Both sides make the same calls and print the same lines:
//
//   call <export>(<args>) -> <results> | trap <kind>
//   memory<i> fnv1a <hash>          (after every call: the whole linear memory)
//
// and the two transcripts must be identical.  After a trap the instance lives on (P_trap
// longjmps back into the driver, as a JS host catches the RuntimeError), so one run covers many
// calls.  The modules:
//   - every fixture application of test/fixtures/apps.mjs but the WASI command, fused by
//     `meldc --mcu --heap-pages=16` (one static memory, no imports): each export but the ABI's
//     own (cabi_realloc, cabi_post_*) called with a few small argument vectors (numbers only:
//     the fused core's exports take flattened Canonical ABI values; pointers among them simply
//     point into low memory, the same on both sides);
//   - the C programs of programs/ (numeric.c: arithmetic edges, conversions, traps, memory),
//     with the calls of their .calls.json;
//   - the bench/mcu kernels (setup, then run: a checksum).
// A value is printed as: i32/i64 unsigned decimal, f32/f64 as their bits in hex (any NaN as
// "nan": wasm leaves NaN bits partly open).  Trap kinds come from V8's messages and from
// meldc's trap codes (codes whose V8 message is shared are one kind).
//
// Usage: node run.mjs --meldc M --fixtures DIR --work DIR [--only name,name] [--node-only]
// (--node-only: print node's transcripts and write the drivers, no lowering, no board)
// Exit 0 when every transcript matches, 1 otherwise; 77 with "skipped: ..." when the board
// tools are missing or meldc has no --emit=obj.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../../..');
const RUN_ON_BOARD = join(REPO, 'test/board/run-on-board');
const KERNELS = join(REPO, 'bench/mcu/kernels');
const CLANG = 'clang-19';
const WASM_FLAGS = ['--target=wasm32-unknown-unknown', '-O2', '-mbulk-memory', '-nostdlib',
  '-Wl,--no-entry', '-Wl,-z,stack-size=16384', '-Wl,--initial-memory=131072',
  '-Wl,--max-memory=131072'];

function parseArgs(argv) {
  const o = { meldc: null, fixtures: null, work: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], argv[i + 1]];
    const take = () => { if (!argv[i].includes('=')) i++; return v; };
    if (k === '--meldc') o.meldc = take();
    else if (k === '--fixtures') o.fixtures = take();
    else if (k === '--work') o.work = take();
    else if (k === '--only') o.only = take().split(',');
    else if (k === '--node-only') o.nodeOnly = true;
    else { console.error(`run.mjs: unknown argument ${argv[i]}`); process.exit(2); }
  }
  if (!o.meldc || !o.work) { console.error('usage: run.mjs --meldc M --work DIR [--fixtures DIR] [--only a,b]'); process.exit(2); }
  return o;
}

const which = (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;

// ---- The module: types, imports, exports (enough of the binary format for that) -----------

function moduleInfo(bytes) {
  let p = 8;
  const u32 = () => { let r = 0, s = 0, b; do { b = bytes[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
  const name = () => { const n = u32(); const s = Buffer.from(bytes.subarray(p, p + n)).toString('utf8'); p += n; return s; };
  const VT = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
  const limits = () => { const f = u32(); u32(); if (f & 1) u32(); };
  const info = { types: [], funcs: [], imports: [], exports: [], memories: 0, sections: [] };
  while (p < bytes.length) {
    const id = bytes[p++]; const size = u32(); const start = p; const end = p + size;
    info.sections.push({ id, from: start - 1 - leb128Size(size), start, end });
    if (id === 1) {
      for (let n = u32(); n--;) { p++; const params = []; for (let k = u32(); k--;) params.push(VT[bytes[p++]]);
        const results = []; for (let k = u32(); k--;) results.push(VT[bytes[p++]]); info.types.push({ params, results }); }
    } else if (id === 2) {
      for (let n = u32(); n--;) { const module = name(); const field = name(); const kind = bytes[p++];
        if (kind === 0) { const t = u32(); info.imports.push({ module, field, kind: 'func', type: t }); info.funcs.push(t); }
        else if (kind === 1) { p++; limits(); info.imports.push({ module, field, kind: 'table' }); }
        else if (kind === 2) { limits(); info.memories++; info.imports.push({ module, field, kind: 'memory' }); }
        else { p += 2; info.imports.push({ module, field, kind: 'global' }); } }
    } else if (id === 3) {
      for (let n = u32(); n--;) info.funcs.push(u32());
    } else if (id === 5) {
      info.memories += u32();
    } else if (id === 7) {
      for (let n = u32(); n--;) { const nm = name(); const kind = bytes[p++]; const index = u32(); info.exports.push({ name: nm, kind, index }); }
    }
    p = end;
  }
  return info;
}

function leb128Size(n) { let s = 1; while (n >= 0x80) { n >>>= 7; s++; } return s; }
function leb128(n) { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; }

// The same module with memory 0 exported as "__board_memory0" when it is not exported already,
// so that node can hash it as the board does (the export changes no code).
function withMemoryExport(bytes, info) {
  if (!info.memories || info.exports.some((e) => e.kind === 2 && e.index === 0)) return bytes;
  const entry = [...leb128(15), ...Buffer.from('__board_memory0'), 2, 0];
  const exp = info.sections.find((s) => s.id === 7);
  const order = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
  if (exp) {
    const body = bytes.subarray(exp.start, exp.end);
    let q = 0, n = 0, s = 0, b; do { b = body[q++]; n |= (b & 0x7f) << s; s += 7; } while (b & 0x80);
    const content = [...leb128(n + 1), ...body.subarray(q), ...entry];
    return Buffer.concat([bytes.subarray(0, exp.from), Buffer.from([7, ...leb128(content.length), ...content]), bytes.subarray(exp.end)]);
  }
  const after = info.sections.find((s) => s.id !== 0 && order.indexOf(s.id) > order.indexOf(7));
  const at = after ? after.from : bytes.length;
  const content = [1, ...entry];
  return Buffer.concat([bytes.subarray(0, at), Buffer.from([7, ...leb128(content.length), ...content]), bytes.subarray(at)]);
}

// ---- Values ---------------------------------------------------------------------------------

const dv = new DataView(new ArrayBuffer(8));
function f32bits(x) { dv.setFloat32(0, x); return dv.getUint32(0); }
function f64bits(x) { dv.setFloat64(0, x); return dv.getBigUint64(0); }
function toNumber(v) { return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v); }

// A value as the transcript prints it.
function show(type, v) {
  switch (type) {
    case 'i32': return String(Number(v) >>> 0);
    case 'i64': return BigInt.asUintN(64, BigInt(v)).toString();
    case 'f32': return Number.isNaN(v) ? 'nan' : `f32:${f32bits(v).toString(16).padStart(8, '0')}`;
    case 'f64': return Number.isNaN(v) ? 'nan' : `f64:${f64bits(v).toString(16).padStart(16, '0')}`;
    default: throw new Error(`no value of type ${type}`);
  }
}

// An argument for JS and as a C expression.
function jsArg(type, v) {
  if (type === 'i64') return BigInt.asIntN(64, BigInt(v));
  if (type === 'i32') return Number(BigInt.asIntN(32, BigInt(v)));
  return type === 'f32' ? Math.fround(toNumber(v)) : toNumber(v);
}
function cArg(type, v) {
  if (type === 'i32') return `UINT32_C(${BigInt.asUintN(32, BigInt(v))})`;
  if (type === 'i64') return `UINT64_C(${BigInt.asUintN(64, BigInt(v))})`;
  if (type === 'f32') return `f32_from(0x${f32bits(Math.fround(toNumber(v))).toString(16)}u)`;
  return `f64_from(UINT64_C(0x${f64bits(toNumber(v)).toString(16)}))`;
}
const CTYPE = { i32: 'uint32_t', i64: 'uint64_t', f32: 'float', f64: 'double' };

// V8's trap messages and meldc's trap codes (include/meldc/Lower.h) as one vocabulary.
function trapKind(e) {
  const m = String(e && e.message);
  if (e instanceof RangeError && /call stack/i.test(m)) return 'stack-exhausted';
  const table = [[/unreachable/, 'unreachable'], [/memory access out of bounds/, 'memory-oob'],
    [/divide by zero|remainder by zero/, 'divide-by-zero'], [/divide result unrepresentable|integer overflow/, 'integer-overflow'],
    [/float unrepresentable|invalid conversion/, 'invalid-conversion'], [/table index is out of bounds|out of bounds table/, 'table-oob'],
    [/null function|signature mismatch/, 'indirect-call']];
  for (const [re, kind] of table) if (re.test(m)) return kind;
  return `other(${m.split('\n')[0]})`;
}
const C_TRAP_KINDS = ['?', 'unreachable', 'memory-oob', 'divide-by-zero', 'integer-overflow',
  'invalid-conversion', 'table-oob', 'indirect-call', 'indirect-call', 'table-oob', 'stack-exhausted'];

// ---- The two sides ----------------------------------------------------------------------------

function fnv1a(buf) {
  let h = 0x811c9dc5;
  for (let i = 0; i < buf.length; i++) h = Math.imul(h ^ buf[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function runNode(bytes, info, calls) {
  const imports = {};
  for (const im of info.imports)
    if (im.kind === 'func') (imports[im.module] ??= {})[im.field] = () => { throw new Error(`import ${im.module}.${im.field}`); };
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  const mem = Object.values(inst.exports).find((x) => x instanceof WebAssembly.Memory);
  const lines = [];
  for (const c of calls) {
    const t = c.type;
    let out;
    try {
      const r = inst.exports[c.name](...c.args.map((a, i) => jsArg(t.params[i], a)));
      const rs = t.results.length > 1 ? r : t.results.length ? [r] : [];
      out = rs.map((v, i) => show(t.results[i], v)).join(' ') || 'ok';
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError || e instanceof RangeError)) throw e;
      out = `trap ${trapKind(e)}`;
    }
    lines.push(`call ${c.name}(${c.args.map((a, i) => show(t.params[i], jsArg(t.params[i], a))).join(', ')}) -> ${out}`);
    if (mem) lines.push(`memory0 fnv1a ${fnv1a(new Uint8Array(mem.buffer))}`);
  }
  return lines;
}

function cIdent(s) { return s.replace(/[^A-Za-z0-9_]/g, '_'); }

function driver(prefix, info, calls) {
  const P = prefix;
  const L = [];
  L.push('/* Generated by test/board/fused/run.mjs. */', '#include <setjmp.h>', '#include <stdint.h>',
    '#include <stdio.h>', '#include <string.h>', `#include "${P}.h"`, '',
    'static jmp_buf env;', 'static const char *const kinds[] = {' + C_TRAP_KINDS.map((k) => `"${k}"`).join(', ') + '};',
    `void ${P}_trap(uint32_t code) { longjmp(env, (int)(code < ${C_TRAP_KINDS.length} ? code : 0) + 1); }`,
    'static float f32_from(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }',
    'static double f64_from(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }',
    'static void put_u64(uint64_t v) { char b[21]; int i = 20; b[i] = 0; do { b[--i] = (char)(\'0\' + v % 10); v /= 10; } while (v); fputs(b + i, stdout); }',
    'static void show_i32(uint32_t v) { printf("%lu", (unsigned long)v); }',
    'static void show_i64(uint64_t v) { put_u64(v); }',
    'static void show_f32(float f) { uint32_t u; memcpy(&u, &f, 4); if (f != f) fputs("nan", stdout); else printf("f32:%08lx", (unsigned long)u); }',
    'static void show_f64(double d) { uint64_t u; memcpy(&u, &d, 8); if (d != d) fputs("nan", stdout); else printf("f64:%08lx%08lx", (unsigned long)(u >> 32), (unsigned long)u); }',
    'static void show_memory(void) {',
    info.memories ? `  uint32_t h = 0x811c9dc5u; for (uint32_t i = 0; i < ${P}_MEMORY0_SIZE; i++) h = (h ^ ${P}_memory0[i]) * 0x01000193u;\n  printf("memory0 fnv1a %08lx\\n", (unsigned long)h);` : '',
    '}');
  // Imports: present only to link; calling one ends the call like a JS exception would not, so
  // the modules used here have none that run.
  for (const im of info.imports.filter((i) => i.kind === 'func')) {
    const t = info.types[im.type];
    const ret = t.results.length === 1 ? CTYPE[t.results[0]] : 'void';
    const params = [...t.params.map((p, i) => `${CTYPE[p]} a${i}`), ...(t.results.length > 1 ? t.results.map((r, i) => `${CTYPE[r]} *r${i}`) : [])];
    L.push(`${ret} ${P}_import_${cIdent(im.module)}_${cIdent(im.field)}(${params.join(', ') || 'void'}) { printf("import called\\n"); longjmp(env, 100); }`);
  }
  L.push('', 'int main(void) {', `  ${P}_init();`, '  volatile int code;');
  for (const c of calls) {
    const t = c.type;
    const argsShown = c.args.map((a, i) => show(t.params[i], jsArg(t.params[i], a))).join(', ');
    const args = c.args.map((a, i) => cArg(t.params[i], a));
    L.push(`  printf("call ${c.name}(${argsShown}) -> ");`, '  if ((code = setjmp(env)) == 0) {');
    const fn = `${P}_${cIdent(c.name)}`;
    if (t.results.length === 0) L.push(`    ${fn}(${args.join(', ')});`, '    fputs("ok", stdout);');
    else if (t.results.length === 1) L.push(`    show_${t.results[0]}(${fn}(${args.join(', ')}));`);
    else {
      t.results.forEach((r, i) => L.push(`    ${CTYPE[r]} r${i};`));
      L.push(`    ${fn}(${[...args, ...t.results.map((_, i) => `&r${i}`)].join(', ')});`);
      t.results.forEach((r, i) => L.push(`    ${i ? 'fputs(" ", stdout); ' : ''}show_${r}(r${i});`));
    }
    L.push('  } else {', '    printf("trap %s", code <= (int)(sizeof kinds / sizeof *kinds) ? kinds[code - 1] : "import");', '  }',
      '  putchar(\'\\n\');', '  show_memory();');
  }
  L.push('  return 0;', '}', '');
  return L.join('\n');
}

// ---- Modules and calls ------------------------------------------------------------------------

const SMALL = { i32: [0, 1, 3, 7, 100, 1000], i64: ['0', '1', '77', '1000'], f32: [0, 1.5, -2.25, 1000], f64: [0, 0.1, -3, 1e6] };

function genericCalls(info, vectors) {
  const calls = [];
  const init = info.exports.find((e) => e.kind === 0 && e.name === '_initialize');
  if (init) calls.push({ name: '_initialize', args: [], type: info.types[info.funcs[init.index]] });
  const fns = info.exports.filter((e) => e.kind === 0 && e.name !== '_initialize' && !/^cabi_/.test(e.name));
  for (const e of fns) {
    const type = info.types[info.funcs[e.index]];
    if (![...type.params, ...type.results].every((t) => t in SMALL)) continue;
    for (let k = 0; k < (type.params.length ? vectors : 1); k++)
      calls.push({ name: e.name, type, args: type.params.map((p, j) => SMALL[p][(k * 2 + j) % SMALL[p].length]) });
  }
  return calls;
}

function explicitCalls(info, list) {
  return list.map(([name, args]) => {
    const e = info.exports.find((x) => x.kind === 0 && x.name === name);
    if (!e) throw new Error(`no export ${name}`);
    return { name, args, type: info.types[info.funcs[e.index]] };
  });
}

async function modules(o) {
  const list = [];
  const wasmDir = join(o.work, 'wasm');
  mkdirSync(wasmDir, { recursive: true });
  // Fixture applications through --mcu.
  if (o.fixtures && existsSync(join(o.fixtures, 'manifest.json'))) {
    const { APPS } = await import(join(REPO, 'test/fixtures/apps.mjs'));
    for (const app of APPS) {
      if (app.command) continue;
      const out = join(wasmDir, `${app.name}.wasm`);
      const r = spawnSync(o.meldc, ['--mcu', '--heap-pages=16', ...app.components.map((c) => join(o.fixtures, `${c}.wasm`)), '-o', out], { encoding: 'utf8' });
      list.push({ name: app.name, kind: 'fused --mcu', wasm: r.status === 0 ? out : null, error: r.status === 0 ? null : r.stderr.trim().split('\n')[0], calls: (info) => genericCalls(info, 2) });
    }
  } else {
    console.log(`note: no fixtures at ${o.fixtures} (ctest -R fixtures-build): fused applications not covered`);
  }
  // C programs and the bench kernels.
  for (const f of readdirSync(join(HERE, 'programs')).filter((f) => f.endsWith('.c')).sort()) {
    const name = basename(f, '.c');
    const out = join(wasmDir, `${name}.wasm`);
    execFileSync(CLANG, [...WASM_FLAGS, join(HERE, 'programs', f), '-o', out]);
    const calls = JSON.parse(readFileSync(join(HERE, 'programs', `${name}.calls.json`), 'utf8'));
    list.push({ name, kind: 'C', wasm: out, calls: (info) => explicitCalls(info, calls) });
  }
  const kernels = readFileSync(join(KERNELS, 'kernels.def'), 'utf8').match(/^X\((\w+)\)/gm).map((x) => x.slice(2, -1));
  for (const k of kernels) {
    const out = join(wasmDir, `kernel-${k}.wasm`);
    execFileSync(CLANG, [...WASM_FLAGS, `-DKERNEL=${k}`, `-I${KERNELS}`, join(KERNELS, `${k}.c`), '-o', out]);
    list.push({ name: `kernel-${k}`, kind: 'bench/mcu kernel', wasm: out, calls: (info) => explicitCalls(info, [['setup', []], ['run', []]]) });
  }
  return o.only ? list.filter((m) => o.only.includes(m.name)) : list;
}

// ---- Main ---------------------------------------------------------------------------------

const o = parseArgs(process.argv.slice(2));
for (const t of ['arm-none-eabi-gcc', 'qemu-system-arm', CLANG]) {
  if (!which(t)) { console.log(`skipped: ${t} not found (utils/setup installs it)`); process.exit(77); }
}
const help = spawnSync(o.meldc, ['--help'], { encoding: 'utf8' });
if (!o.nodeOnly && !/--emit=\S*obj/.test(`${help.stdout}${help.stderr}`)) {
  console.log(`skipped: ${o.meldc} has no --emit=obj (the Cortex-M backend)`); process.exit(77);
}
mkdirSync(o.work, { recursive: true });

// One module: null when node and the board agree, else why not; `note` gets the PASS details.
async function check(m) {
  const dir = join(o.work, m.name);
  mkdirSync(dir, { recursive: true });
  if (!m.wasm) return `meldc --mcu: ${m.error}`;
  const bytes = withMemoryExport(readFileSync(m.wasm), moduleInfo(readFileSync(m.wasm)));
  const info = moduleInfo(bytes);
  const calls = m.calls(info);
  const input = join(dir, 'module.wasm');
  writeFileSync(input, bytes);
  let expected;
  try { expected = runNode(bytes, info, calls); } catch (e) { return `node: ${e.message}`; }
  writeFileSync(join(dir, 'node.txt'), expected.join('\n') + '\n');
  const prefix = 'mod';
  writeFileSync(join(dir, 'driver.c'), driver(prefix, info, calls));
  if (o.nodeOnly) { m.note = `\n${expected.join('\n')}`; return null; }
  const obj = join(dir, `${prefix}.o`);
  const lower = await spawnAsync(o.meldc, [input, '--emit=obj', `--prefix=${prefix}`, '-o', obj]);
  if (lower.status !== 0) return `meldc --emit=obj: ${lower.stderr.trim().split('\n')[0]}`;
  const board = await spawnAsync(RUN_ON_BOARD, ['--timeout=120', `-I${dir}`, '-o', join(dir, 'image.elf'), join(dir, 'driver.c'), obj]);
  writeFileSync(join(dir, 'board.txt'), board.stdout);
  if (board.status !== 0) return `board run: status ${board.status}\n${board.stderr.trim()}`;
  const got = board.stdout.split('\n').filter((l) => l.length);
  const diff = [];
  for (let i = 0; i < Math.max(got.length, expected.length); i++)
    if (got[i] !== expected[i]) diff.push(`  line ${i + 1}: node  ${expected[i] ?? '(none)'}\n  line ${i + 1}: board ${got[i] ?? '(none)'}`);
  if (diff.length) return `${diff.length} lines differ (${dir}/node.txt, board.txt)\n${diff.slice(0, 6).join('\n')}`;
  const traps = expected.filter((l) => / -> trap /.test(l)).length;
  m.note = `${calls.length} calls, ${traps} traps, same results and memory`;
  return null;
}

function spawnAsync(cmd, args) {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolveRun({ status, stdout, stderr }));
  });
}

const list = await modules(o);
const results = new Array(list.length);
let next = 0;
const jobs = Math.max(1, Math.min(availableParallelism(), 4));
await Promise.all(Array.from({ length: jobs }, async () => {
  while (next < list.length) {
    const i = next++;
    try { results[i] = await check(list[i]); } catch (e) { results[i] = `harness: ${e.stack || e}`; }
  }
}));
let passed = 0, failed = 0;
list.forEach((m, i) => {
  if (results[i] === null) { passed++; console.log(`PASS: ${m.name} (${m.kind}): ${m.note}`); }
  else { failed++; console.log(`FAIL: ${m.name} (${m.kind}): ${results[i]}`); }
});
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
