// Round trip of real inputs through meldc's reader, verifier and writer.
//
//   node test/realinputs/roundtrip.mjs --meldc PATH [--fixtures DIR] [--work DIR] [--jobs N]
//                                      [--require-identical] [--no-behaviour] [--skip-large]
//
// Inputs: the fixture components and their core modules (built by test/fixtures/build.mjs into
// DIR, default test/fixtures/build; built first when DIR has no manifest.json), and the real
// modules that come with the pinned npm packages (jco's wasm-tools and js-component-bindgen,
// their WASI adapter modules, jco's preview1 adapters, componentize-js' splicer and
// StarlingMonkey engines).
//
// Each input must pass:
//   1. `meldc IN -o A` exits 0 and writes A (exit >= 128 or a signal is a crash);
//   2. `meldc A -o B` exits 0 and B is byte-identical to A (the writer is a fixed point);
//   3. core modules: `wasm-validate A` (wabt 1.0.32, default features: Wasm 2.0 — these modules
//      use sign-extension, bulk memory, reference types, saturating conversions);
//      components: jco's `transpile` accepts A and `componentWit(A)` equals `componentWit(IN)`.
// `cmp IN A` (byte identity) is reported for every input; with --require-identical a difference
// fails the input.  Then (unless --no-behaviour) the round-tripped fixture components are run
// through `build.mjs --check-only`: linked in node they must behave as the originals do.
// Prints "N passed, N failed"; exit status 1 when anything failed.
import { componentWit, transpile } from '@bytecodealliance/jco';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeDifference } from '../conformance/spec-core/wasm-sections.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const BC = join(REPO, 'node_modules/@bytecodealliance');
const LARGE = 8 * 1024 * 1024;
const TIMEOUT_MS = 300_000;

// Real modules shipped with the npm packages (paths under node_modules/@bytecodealliance).
const PACKAGED = [
  'jco-transpile/vendor/wasm-tools.core.wasm',
  'jco-transpile/vendor/wasm-tools.core2.wasm',
  'jco-transpile/vendor/js-component-bindgen-component.core.wasm',
  'jco-transpile/vendor/js-component-bindgen-component.core2.wasm',
  'jco/lib/wasi_snapshot_preview1.command.wasm',
  'jco/lib/wasi_snapshot_preview1.reactor.wasm',
  'componentize-js/lib/spidermonkey-embedding-splicer.core.wasm',
  'componentize-js/lib/spidermonkey-embedding-splicer.core2.wasm',
  'componentize-js-0-19-3/lib/spidermonkey-embedding-splicer.core.wasm',
  'componentize-js-0-19-3/lib/spidermonkey-embedding-splicer.core2.wasm',
  // SpiderMonkey in StarlingMonkey (10-13 MB each): plain, with DWARF, and weval's build.
  'componentize-js/lib/starlingmonkey_embedding.wasm',
  'componentize-js/lib/starlingmonkey_embedding.debug.wasm',
  'componentize-js/lib/starlingmonkey_embedding_weval.wasm',
];

function usage(msg) {
  console.error(`roundtrip.mjs: ${msg}\nusage: roundtrip.mjs --meldc PATH [--fixtures DIR] [--work DIR] [--jobs N] ` +
    '[--require-identical] [--no-behaviour] [--skip-large]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    meldc: null, fixtures: join(REPO, 'test/fixtures/build'), work: null, jobs: availableParallelism(),
    requireIdentical: false, behaviour: true, skipLarge: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--meldc') o.meldc = resolve(val());
    else if (a === '--fixtures') o.fixtures = resolve(val());
    else if (a === '--work') o.work = resolve(val());
    else if (a === '--jobs') o.jobs = Math.max(1, parseInt(val(), 10) || 1);
    else if (a === '--require-identical') o.requireIdentical = true;
    else if (a === '--no-behaviour') o.behaviour = false;
    else if (a === '--skip-large') o.skipLarge = true;
    else usage(`unknown argument '${a}'`);
  }
  if (!o.meldc) usage('--meldc is required');
  return o;
}

function run(cmd, args, { timeoutMs = TIMEOUT_MS, inherit = false } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: ['ignore', inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe'] });
    const out = [], err = [];
    let timedOut = false;
    if (!inherit) {
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => err.push(d));
    }
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); done({ code: -1, signal: null, stdout: '', stderr: String(e), timedOut }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}

async function pool(items, n, fn) {
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

function firstLine(s) {
  const l = String(s).trim().split('\n').find((x) => x.trim()) || '';
  return l.length > 300 ? l.slice(0, 300) + '...' : l;
}

function crashed(r) {
  if (r.timedOut) return `timed out after ${TIMEOUT_MS / 1000} s`;
  if (r.signal) return `crashed (signal ${r.signal})`;
  if (r.code >= 128) return `crashed (exit status ${r.code})`;
  if (r.code < 0) return `could not run: ${r.stderr}`;
  return null;
}

function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function kindOf(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) return 'unknown';
  const version = bytes.readUInt16LE(4), layer = bytes.readUInt16LE(6);
  if (version === 1 && layer === 0) return 'core';
  if (layer === 1) return 'component';
  return 'unknown';
}

function size(n) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`;
}

async function collectInputs(o) {
  const inputs = [];
  const manifestPath = join(o.fixtures, 'manifest.json');
  if (!existsSync(manifestPath)) {
    console.log(`no ${manifestPath}: building the fixtures first`);
    const r = await run(process.execPath, [join(REPO, 'test/fixtures/build.mjs'), '--out', o.fixtures], { inherit: true });
    if (r.code !== 0) throw new Error('test/fixtures/build.mjs failed');
  }
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  for (const c of manifest.components) inputs.push({ name: `fixture ${c.name}`, file: join(o.fixtures, c.file), fixture: c.name });
  for (const c of manifest.core) inputs.push({ name: `fixture ${c.name}`, file: join(o.fixtures, c.file) });
  for (const p of PACKAGED) {
    const file = join(BC, p);
    if (!existsSync(file)) { console.log(`note: ${relative(REPO, file)} not present, left out`); continue; }
    if (o.skipLarge && statSync(file).size > LARGE) { console.log(`note: ${p} left out (--skip-large)`); continue; }
    inputs.push({ name: p, file });
  }
  return inputs;
}

async function roundTrip(o, input, work) {
  const inBytes = await readFile(input.file);
  input.kind = kindOf(inBytes);
  input.size = inBytes.length;
  const stem = input.name.replace(/[^A-Za-z0-9._-]+/g, '_');
  const a = join(work, `${stem}.out1.wasm`), b = join(work, `${stem}.out2.wasm`);
  input.out = a;

  let r = await run(o.meldc, ['-passes=', input.file, '-o', a]);
  let bad = crashed(r);
  if (bad) return `meldc IN -o OUT: ${bad}`;
  if (r.code !== 0) return `meldc refused it: ${firstLine(r.stderr)}`;
  if (!existsSync(a)) return 'meldc exited 0 but wrote no output';
  const outBytes = await readFile(a);
  input.diff = firstDifference(inBytes, outBytes);
  if (input.diff >= 0) input.difference = describeDifference(inBytes, outBytes);
  input.sizes = [inBytes.length, outBytes.length];
  if (o.requireIdentical && input.diff >= 0) return `output differs from the input at byte 0x${input.diff.toString(16)}`;

  r = await run(o.meldc, ['-passes=', a, '-o', b]);
  bad = crashed(r);
  if (bad) return `reading its own output: ${bad}`;
  if (r.code !== 0) return `meldc refused its own output: ${firstLine(r.stderr)}`;
  const again = await readFile(b);
  const d = firstDifference(outBytes, again);
  await rm(b, { force: true });
  if (d >= 0) return `second round trip differs from the first at byte 0x${d.toString(16)}`;

  if (input.kind === 'core') {
    const v = await run('wasm-validate', [a]);
    if (v.code !== 0) {
      const vin = await run('wasm-validate', [input.file]);
      if (vin.code === 0) return `wasm-validate rejects the output: ${firstLine(v.stderr || v.stdout)}`;
      input.note = 'wasm-validate rejects the input as well: output validity not checked';
    }
  } else if (input.kind === 'component') {
    try {
      await transpile(outBytes, { name: 'roundtrip', quiet: true, noTypescript: true });
    } catch (e) {
      return `jco transpile rejects the output: ${firstLine(e && e.message ? e.message : e)}`;
    }
    const [w0, w1] = await Promise.all([componentWit(inBytes), componentWit(outBytes)]);
    if (w0 !== w1) return 'the WIT of the output (jco componentWit) differs from the input\'s';
  } else {
    return 'input is neither a core module nor a component';
  }
  return null;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(o.meldc)) { console.error(`roundtrip.mjs: meldc not found at ${o.meldc}`); return 2; }
  const work = o.work || (await mkdtemp(join(tmpdir(), 'meldc-realinputs-')));
  await mkdir(work, { recursive: true });
  const inputs = await collectInputs(o);
  let passed = 0, failed = 0;
  // Largest first, so the long ones do not end up alone at the end.
  const order = [...inputs].sort((x, y) => statSync(y.file).size - statSync(x.file).size);
  await pool(order, o.jobs, async (input) => {
    try {
      input.error = await roundTrip(o, input, work);
    } catch (e) {
      input.error = `harness error: ${e && e.stack ? e.stack : e}`;
    }
  });
  for (const input of inputs) {
    const what = `${input.name} (${input.kind || '?'}, ${size(input.size || 0)})`;
    if (input.error) {
      failed++;
      console.log(`FAIL ${what}: ${input.error}`);
      continue;
    }
    passed++;
    const ident = input.diff < 0 ? 'byte-identical'
      : `differs from the input at byte 0x${input.diff.toString(16)} (${input.sizes[0]} -> ${input.sizes[1]} bytes; ${input.difference})`;
    console.log(`PASS ${what}: ${ident}${input.note ? `; ${input.note}` : ''}`);
  }
  const ok = inputs.filter((i) => !i.error);
  console.log(`byte-identical round trips: ${ok.filter((i) => i.diff < 0).length} of ${ok.length} passing inputs`);

  // The round-tripped fixture components must still behave, linked in node.
  if (o.behaviour) {
    const fx = inputs.filter((i) => i.fixture);
    const dir = join(work, 'fixtures-after-roundtrip');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const missing = fx.filter((i) => i.error);
    if (missing.length) {
      failed++;
      console.log(`FAIL behaviour after round trip: not run, ${missing.length} fixture components failed the round trip`);
    } else {
      for (const i of fx) await copyFile(i.out, join(dir, `${i.fixture}.wasm`));
      const r = await run(process.execPath, [join(REPO, 'test/fixtures/build.mjs'), '--out', dir, '--check-only']);
      if (r.code === 0) {
        passed++;
        console.log(`PASS behaviour after round trip (build.mjs --check-only: ${firstLine(r.stdout.trim().split('\n').pop())})`);
      } else {
        failed++;
        console.log(`FAIL behaviour after round trip (build.mjs --check-only):\n${(r.stdout + r.stderr).trim().replace(/^/gm, '  ')}`);
      }
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (!o.work) await rm(work, { recursive: true, force: true });
  return failed ? 1 : 0;
}

process.exitCode = await main();
