// Randomised differential test of the adapters meldc generates, with test/runtime/canon.mjs (a
// host-side Canonical ABI written from CanonicalABI.md) as the oracle on both ends.
//
// For a random value type T and string encodings eC, eD, it builds one component:
//
//   host --run1(v: T)--> D --f1(x: T)--> C --sink(x: T)--> host        (parameters)
//   host <--run2() -> T-- D <--f2() -> T-- C <--source() -> T-- host   (results)
//
// D and C are components with their own memory, realloc and string encoding; their core code only
// forwards core values (flat values, or the pointer of a spilled tuple).  So the value the host
// gets back (from `sink`, and from `run2`) equals the value it sent exactly when the adapters
// meldc generated for D -> C (parameters) and C -> D (results) convert as the Canonical ABI does:
// canon.mjs lowers into D's memory and lifts out of C's (and the reverse).  C's post-return fills
// all of C's allocated memory with garbage, so a result copied after post-return shows.  Both
// reallocs log their calls, and the calls an adapter makes into a component are compared with
// those canon.mjs makes storing the same value there (store_string's optimistic, worst-case and
// shrinking reallocations included).
//
// Usage: node roundtrip.mjs --meldc PATH [--seed N] [--count N] [--keep DIR] [--verbose]
// Prints one line per failure and a summary `roundtrip: N passed, M failed`; exit 1 on failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { abiOf, formatValue, instantiateSync, valuesEqual } from '../../../../runtime/canon.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const MELDC = opt('--meldc', null);
let seed = Number(opt('--seed', 1)) >>> 0 || 1;
const COUNT = Number(opt('--count', 100));
const KEEP = opt('--keep', null);
const VERBOSE = args.includes('--verbose');

function rand() { /* xorshift32 */
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];

// ---- Types (canon.mjs / --emit-abi JSON form) ----
const SCALARS = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char'];

function genType(depth) {
  const leaf = depth <= 0 || rand() < 0.3;
  if (leaf) return rand() < 0.25 ? { kind: 'string' } : { kind: pick(SCALARS) };
  const d = depth - 1;
  switch (int(11)) {
    case 0: return { kind: 'list', element: genType(d) };
    case 1: return { kind: 'list', element: genType(d), length: rand() < 0.2 ? 5 + int(20) : 1 + int(4) };
    case 2: return { kind: 'record', fields: Array.from({ length: 1 + int(4) }, (_, i) => ({ name: `f${i}`, type: genType(d) })) };
    case 3: return { kind: 'tuple', types: Array.from({ length: 1 + int(4) }, () => genType(d)) };
    case 4: {
      const n = rand() < 0.05 ? 260 + int(20) : 1 + int(5);
      return { kind: 'variant', cases: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type: rand() < 0.7 ? genType(d) : null })) };
    }
    case 5: return { kind: 'enum', cases: Array.from({ length: rand() < 0.05 ? 300 : 1 + int(6) }, (_, i) => `e${i}`) };
    case 6: return { kind: 'option', type: genType(d) };
    case 7: return { kind: 'result', ok: rand() < 0.8 ? genType(d) : null, error: rand() < 0.8 ? genType(d) : null };
    case 8: return { kind: 'flags', flags: Array.from({ length: pick([1, 3, 8, 9, 16, 17, 31, 32]) }, (_, i) => `g${i}`) };
    case 9: return { kind: 'map', key: pick([{ kind: 'string' }, { kind: 'u32' }, { kind: 'char' }]), value: genType(d) };
    default: return genType(d);
  }
}

// ---- Values ----
function genChar() {
  const r = rand();
  if (r < 0.4) return String.fromCodePoint(0x20 + int(0x5f));
  if (r < 0.6) return String.fromCodePoint(0x80 + int(0x80));
  if (r < 0.8) { let c; do c = 0x100 + int(0xfe00); while (c >= 0xd800 && c < 0xe000); return String.fromCodePoint(c); }
  return String.fromCodePoint(0x10000 + int(0x100000));
}
function genString() {
  const mode = int(4), n = int(12);
  let s = '';
  for (let i = 0; i < n; i++) s += mode === 0 ? String.fromCodePoint(0x20 + int(0x5f)) : mode === 1 ? String.fromCodePoint(0x20 + int(0xe0)) : genChar();
  return s;
}
function genFloat(bits) {
  const r = rand();
  if (r < 0.1) return NaN;
  if (r < 0.2) return pick([0, -0, Infinity, -Infinity]);
  const v = (rand() - 0.5) * 10 ** int(12);
  return bits === 32 ? Math.fround(v) : v;
}
function genValue(t) {
  switch (t.kind) {
    case 'bool': return rand() < 0.5;
    case 's8': return int(256) - 128;
    case 'u8': return int(256);
    case 's16': return int(65536) - 32768;
    case 'u16': return int(65536);
    case 's32': return int(2 ** 32) - 2 ** 31;
    case 'u32': return int(2 ** 32);
    case 's64': return BigInt.asIntN(64, (BigInt(int(2 ** 32)) << 32n) | BigInt(int(2 ** 32)));
    case 'u64': return BigInt.asUintN(64, (BigInt(int(2 ** 32)) << 32n) | BigInt(int(2 ** 32)));
    case 'f32': return genFloat(32);
    case 'f64': return genFloat(64);
    case 'char': return genChar();
    case 'string': return genString();
    case 'list': return Array.from({ length: t.length ?? int(5) }, () => genValue(t.element));
    case 'record': return Object.fromEntries(t.fields.map((f) => [f.name, genValue(f.type)]));
    case 'tuple': return t.types.map(genValue);
    case 'variant': { const c = pick(t.cases); return c.type ? { tag: c.name, val: genValue(c.type) } : { tag: c.name }; }
    case 'enum': return pick(t.cases);
    case 'option': return rand() < 0.3 ? { tag: 'none' } : { tag: 'some', val: genValue(t.type) };
    case 'result': {
      const ok = rand() < 0.5, p = ok ? t.ok : t.error;
      return p ? { tag: ok ? 'ok' : 'err', val: genValue(p) } : { tag: ok ? 'ok' : 'err' };
    }
    case 'flags': return Object.fromEntries(t.flags.map((f) => [f, rand() < 0.5]));
    case 'map': {
      const n = int(4), out = [], seen = new Set();
      for (let i = 0; i < n; i++) {
        const k = genValue(t.key);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push([k, genValue(t.value)]);
      }
      return out;
    }
  }
  throw new Error(`genValue ${t.kind}`);
}

// ---- Component text ----
// Records, variants, enums and flags must be named where a function type uses them: each is
// defined and then imported with an `eq` bound, in every component (the root passes its own).
function typeText(t, names) {
  switch (t.kind) {
    case 'list': return t.length !== undefined ? `(list ${typeText(t.element, names)} ${t.length})` : `(list ${typeText(t.element, names)})`;
    case 'tuple': return `(tuple ${t.types.map((x) => typeText(x, names)).join(' ')})`;
    case 'option': return `(option ${typeText(t.type, names)})`;
    case 'result': return `(result${t.ok ? ' ' + typeText(t.ok, names) : ''}${t.error ? ` (error ${typeText(t.error, names)})` : ''})`;
    case 'map': return `(map ${typeText(t.key, names)} ${typeText(t.value, names)})`;
    case 'record': case 'variant': case 'enum': case 'flags': return `$t${names.get(t)}`;
    default: return t.kind;
  }
}
function nominals(t, out) {
  const kids = t.kind === 'list' ? [t.element] : t.kind === 'tuple' ? t.types : t.kind === 'option' ? [t.type]
    : t.kind === 'result' ? [t.ok, t.error] : t.kind === 'map' ? [t.key, t.value]
    : t.kind === 'record' ? t.fields.map((f) => f.type) : t.kind === 'variant' ? t.cases.map((c) => c.type) : [];
  for (const k of kids) if (k) nominals(k, out);
  if (['record', 'variant', 'enum', 'flags'].includes(t.kind)) out.set(t, out.size);
}
function prelude(names) {
  let s = '';
  for (const [t, i] of names) {
    let def;
    if (t.kind === 'record') def = `(record ${t.fields.map((f) => `(field "${f.name}" ${typeText(f.type, names)})`).join(' ')})`;
    else if (t.kind === 'variant') def = `(variant ${t.cases.map((c) => `(case "${c.name}"${c.type ? ' ' + typeText(c.type, names) : ''})`).join(' ')})`;
    else if (t.kind === 'enum') def = `(enum ${t.cases.map((c) => `"${c}"`).join(' ')})`;
    else def = `(flags ${t.flags.map((f) => `"${f}"`).join(' ')})`;
    s += `  (type $d${i} ${def})\n  (import "t${i}" (type $t${i} (eq $d${i})))\n`;
  }
  return s;
}
const withTypes = (names) => [...names.values()].map((i) => `(with "t${i}" (type $t${i}))`).join(' ');

// A bump allocator that copies on every reallocation and logs each call (old, old size, align,
// new size, result) in the last page of its memory (up to 3000 calls); `log` returns the log as
// list<u32>, `reset` empties it.
const REALLOC = `
    (global $next (mut i32) (i32.const 1024))
    (global $nlog (mut i32) (i32.const 0))
    (func $realloc (export "realloc") (param $old i32) (param $osize i32) (param $align i32) (param $nsize i32) (result i32)
      (local $r i32) (local $e i32)
      (local.set $r (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $next (i32.add (local.get $r) (local.get $nsize)))
      (if (local.get $old) (then (memory.copy (local.get $r) (local.get $old)
        (select (local.get $osize) (local.get $nsize) (i32.lt_u (local.get $osize) (local.get $nsize))))))
      (if (i32.lt_u (global.get $nlog) (i32.const 3000)) (then
        (local.set $e (i32.add (i32.const 0x100000) (i32.mul (global.get $nlog) (i32.const 20))))
        (i32.store (local.get $e) (local.get $old))
        (i32.store offset=4 (local.get $e) (local.get $osize))
        (i32.store offset=8 (local.get $e) (local.get $align))
        (i32.store offset=12 (local.get $e) (local.get $nsize))
        (i32.store offset=16 (local.get $e) (local.get $r))))
      (global.set $nlog (i32.add (global.get $nlog) (i32.const 1)))
      (local.get $r))
    (func (export "next") (result i32) (global.get $next))
    (func (export "log") (result i32)
      (i32.store (i32.const 8) (i32.const 0x100000))
      (i32.store (i32.const 12) (i32.mul (i32.const 5)
        (select (global.get $nlog) (i32.const 3000) (i32.lt_u (global.get $nlog) (i32.const 3000)))))
      (i32.const 8))
    (func (export "reset") (global.set $nlog (i32.const 0)))`;

const ENC = { utf8: 'utf8', utf16: 'utf16', 'latin1+utf16': 'latin1+utf16' };

function build(T, eC, eD) {
  const names = new Map();
  nominals(T, names);
  const tt = typeText(T, names);
  const { flat, size, align } = abiOf(T);
  const pFlat = flat.length > 16 ? ['i32'] : flat;
  const spillResult = flat.length > 1;
  const liftRes = spillResult ? ['i32'] : flat;
  const lowerRes = spillResult ? [] : flat;
  const lowerResParams = spillResult ? ['i32'] : [];
  const params = (ts) => ts.map((x) => ` ${x}`).join('');
  const forward = (n) => Array.from({ length: n }, (_, i) => `(local.get ${i})`).join(' ');
  // f2/run2: call the result-producing import, returning its flat result or a buffer pointer.
  const produce = (callee) => spillResult
    ? `(local $p i32) (local.set $p (call $realloc (i32.const 0) (i32.const 0) (i32.const ${align}) (i32.const ${size})))
       (call ${callee} (local.get $p)) (local.get $p)`
    : `(call ${callee})`;
  const opts = (enc) => `(memory (core memory $libc "mem")) (realloc (core func $libc "realloc")) string-encoding=${ENC[enc]}`;
  const libc = `
    (core module $Libc
      (memory (export "mem") 17)${REALLOC})
    (core instance $libc (instantiate $Libc))`;
  const logFuncs = `
    (func (export "log") (result (list u32)) (canon lift (core func $libc "log") (memory (core memory $libc "mem"))))
    (func (export "reset") (canon lift (core func $libc "reset")))`;
  const mainImports = `
      (import "" "mem" (memory 17))
      (import "" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))`;
  return `(component
${prelude(names)}  (import "sink" (func $sink (param "x" ${tt})))
  (import "source" (func $source (result ${tt})))
  (component $C
${prelude(names)}    (import "sink" (func $sink (param "x" ${tt})))
    (import "source" (func $source (result ${tt})))${libc}
    (core func $sink' (canon lower (func $sink) ${opts(eC)}))
    (core func $source' (canon lower (func $source) ${opts(eC)}))
    (core module $Main${mainImports}
      (import "" "sink" (func $sink (param${params(pFlat)})))
      (import "" "source" (func $source (param${params(lowerResParams)}) (result${params(lowerRes)})))
      (import "" "next" (func $next (result i32)))
      (func (export "f1") (param${params(pFlat)}) (call $sink ${forward(pFlat.length)}))
      (func (export "f2") (result${params(liftRes)}) ${produce('$source')})
      (func (export "f2-post") (param${params(liftRes)})
        (memory.fill (i32.const 1024) (i32.const 0xab) (i32.sub (call $next) (i32.const 1024)))))
    (core instance $main (instantiate $Main (with "" (instance
      (export "mem" (memory $libc "mem")) (export "realloc" (func $libc "realloc"))
      (export "next" (func $libc "next"))
      (export "sink" (func $sink')) (export "source" (func $source'))))))
    (func (export "f1") (param "x" ${tt}) (canon lift (core func $main "f1") ${opts(eC)}))
    (func (export "f2") (result ${tt}) (canon lift (core func $main "f2") ${opts(eC)}
      (post-return (core func $main "f2-post"))))${logFuncs})
  (component $D
${prelude(names)}    (import "f1" (func $f1 (param "x" ${tt})))
    (import "f2" (func $f2 (result ${tt})))${libc}
    (core func $f1' (canon lower (func $f1) ${opts(eD)}))
    (core func $f2' (canon lower (func $f2) ${opts(eD)}))
    (core module $Main${mainImports}
      (import "" "f1" (func $f1 (param${params(pFlat)})))
      (import "" "f2" (func $f2 (param${params(lowerResParams)}) (result${params(lowerRes)})))
      (func (export "run1") (param${params(pFlat)}) (call $f1 ${forward(pFlat.length)}))
      (func (export "run2") (result${params(liftRes)}) ${produce('$f2')}))
    (core instance $main (instantiate $Main (with "" (instance
      (export "mem" (memory $libc "mem")) (export "realloc" (func $libc "realloc"))
      (export "f1" (func $f1')) (export "f2" (func $f2'))))))
    (func (export "run1") (param "x" ${tt}) (canon lift (core func $main "run1") ${opts(eD)}))
    (func (export "run2") (result ${tt}) (canon lift (core func $main "run2") ${opts(eD)}))${logFuncs})
  (instance $c (instantiate $C ${withTypes(names)} (with "sink" (func $sink)) (with "source" (func $source))))
  (instance $d (instantiate $D ${withTypes(names)} (with "f1" (func $c "f1")) (with "f2" (func $c "f2"))))
  (export "run1" (func $d "run1"))
  (export "run2" (func $d "run2"))
  (export "c-log" (func $c "log")) (export "c-reset" (func $c "reset"))
  (export "d-log" (func $d "log")) (export "d-reset" (func $d "reset")))
`;
}

function typeString(t) {
  switch (t.kind) {
    case 'list': return t.length !== undefined ? `list<${typeString(t.element)}, ${t.length}>` : `list<${typeString(t.element)}>`;
    case 'tuple': return `tuple<${t.types.map(typeString).join(', ')}>`;
    case 'option': return `option<${typeString(t.type)}>`;
    case 'result': return `result<${t.ok ? typeString(t.ok) : '_'}, ${t.error ? typeString(t.error) : '_'}>`;
    case 'map': return `map<${typeString(t.key)}, ${typeString(t.value)}>`;
    case 'record': return `record{${t.fields.map((f) => typeString(f.type)).join(', ')}}`;
    case 'variant': return t.cases.length > 8 ? `variant{${t.cases.length} cases}` : `variant{${t.cases.map((c) => (c.type ? typeString(c.type) : '_')).join(' | ')}}`;
    case 'enum': return `enum{${t.cases.length}}`;
    case 'flags': return `flags{${t.flags.length}}`;
    default: return t.kind;
  }
}

const dir = KEEP ?? mkdtempSync(join(tmpdir(), 'meldc-roundtrip-'));
let passed = 0, failed = 0;
const encs = ['utf8', 'utf16', 'latin1+utf16'];
for (let n = 0; n < COUNT; n++) {
  const caseSeed = seed;
  const T = genType(3), eC = pick(encs), eD = pick(encs);
  const what = `#${n} (seed ${caseSeed}) ${typeString(T)} ${eD}->${eC}`;
  const fail = (msg) => { failed++; console.log(`FAIL ${what}: ${msg}`); };
  const base = join(dir, `case${n}`);
  let text;
  try {
    text = build(T, eC, eD);
    writeFileSync(base + '.wat', text);
    writeFileSync(base + '.wasm', await parse(text));
  } catch (e) { fail(`assembling: ${e.message}`); continue; }
  try {
    execFileSync(MELDC, [base + '.wasm', '-o', base + '.out.wasm', `--emit-abi=${base}.json`, '--verify-each'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) { fail(`meldc: ${(e.stderr || '').toString().trim()}`); continue; }
  const bytes = readFileSync(base + '.out.wasm'), abi = readFileSync(base + '.json', 'utf8');
  const { flat } = abiOf(T);
  // The realloc calls the adapter makes into a component must be those canon.mjs makes when the
  // host stores the same value there with the other component's string encoding: compare them,
  // leaving out the allocations only one side makes (the spilled parameter tuple, the result
  // buffers the core code allocates), with each `old` pointer named by the call that returned it.
  const calls = (log, skip) => {
    const entries = [];
    for (let i = 0; i + 5 <= log.length; i += 5) entries.push(log.slice(i, i + 5));
    const rest = entries.slice(skip), index = new Map(entries.map((e, i) => [e[4], i - skip]));
    return JSON.stringify(rest.map(([old, os, al, ns]) => [old ? `#${index.get(old)}` : 0, os, al, ns]));
  };
  let ok = true;
  for (let k = 0; k < 3 && ok; k++) {
    const v = genValue(T);
    let got;
    const host = { $root: { sink: (x) => { got = x; }, source: () => v } };
    try {
      for (const [hostEnc, side] of [[eD, 'c'], [eC, 'd']]) {
        const inst = instantiateSync(bytes, abi, host, { hostStringEncoding: hostEnc });
        got = undefined;
        inst.call(`${side}-reset`);
        inst.call('run1', v);
        if (!valuesEqual(T, got, v)) { fail(`parameters: sent ${formatValue(v)}, callee got ${formatValue(got)}`); ok = false; break; }
        const log1 = calls(inst.call(`${side}-log`), flat.length > 16 ? 1 : 0);
        inst.call(`${side}-reset`);
        const back = inst.call('run2');
        if (!valuesEqual(T, back, v)) { fail(`result: callee returned ${formatValue(v)}, caller got ${formatValue(back)}`); ok = false; break; }
        const log2 = calls(inst.call(`${side}-log`), flat.length > 1 ? 1 : 0);
        const [adapter, host2] = side === 'c' ? [log1, log2] : [log2, log1];
        if (adapter !== host2) {
          fail(`realloc calls into ${side === 'c' ? 'the callee' : 'the caller'} for ${formatValue(v)}: adapter ${adapter}, canon.mjs ${host2}`);
          ok = false;
          break;
        }
      }
    } catch (e) { fail(`${e.name}: ${e.message} (value ${formatValue(v)})`); ok = false; }
  }
  if (ok) {
    passed++;
    if (VERBOSE) console.log(`ok ${what}`);
    if (!KEEP) for (const ext of ['.wat', '.wasm', '.out.wasm', '.json']) rmSync(base + ext, { force: true });
  }
}
if (!KEEP) rmSync(dir, { recursive: true, force: true });
console.log(`roundtrip: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
