// Core spec suite conformance of meldc's binary reader, verifier and writer.
//
//   node test/conformance/spec-core/run.mjs --meldc PATH [options]
//
// For every .wast of ../shared/testsuites/spec-core-wasm2 (relative to the repository root; the
// run is skipped with status 0 and a "SKIP:" line when the folder is absent):
//   - every valid module (`module`, and the modules of `assert_unlinkable` and
//     `assert_uninstantiable`, which validate) must be read, verified and written:
//     `meldc IN -o A`, `meldc A -o B`, A and B byte-identical, `wasm-validate A` accepts it
//     (whenever wasm-validate accepts IN: wabt 1.0.32 has a few bugs of its own);
//   - every `assert_invalid` module and every binary `assert_malformed` module must be refused:
//     `meldc --disable-output IN` exits 1 with an "error:" diagnostic; a signal or an exit
//     status >= 128 is a crash and fails;
//   - text `assert_malformed` modules (`module quote`) test a text parser: not applicable.
// Modules come from wabt's wast2json; for files it cannot parse, from the script reader in
// wast.mjs with jco's parse() for text modules.
//
// Options:
//   --suite DIR               the .wast folder (default ../shared/testsuites/spec-core-wasm2)
//   --work DIR                scratch folder (default: a fresh temporary folder, removed after)
//   --jobs N                  parallel meldc runs (default: the number of CPUs)
//   --only a.wast,b.wast      run these files only
//   --extractor auto|own      auto: wast2json, own reader on failure; own: own reader always
//   --expected-failures FILE  known failures, "file.wast:LINE reason" (default: the one here)
//   --write-doc FILE          rewrite the "Core spec suite (spec-core-wasm2)" section of FILE
//   --verbose                 print every failure (default: the first 10 per file)
// Prints "N passed, N failed" per file and in total; exit status 1 when anything failed.
import { parse } from '@bytecodealliance/jco';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeDifference } from './wasm-sections.mjs';
import { extractWast } from './wast.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../../..');
const SECTION = 'Core spec suite (spec-core-wasm2)';
const TIMEOUT_MS = 60_000;

function usage(msg) {
  console.error(`run.mjs: ${msg}\nusage: run.mjs --meldc PATH [--suite DIR] [--work DIR] [--jobs N] [--only a.wast,...] ` +
    `[--extractor auto|own] [--expected-failures FILE] [--write-doc FILE] [--verbose]`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    meldc: null, suite: resolve(REPO, '../shared/testsuites/spec-core-wasm2'), work: null, jobs: availableParallelism(),
    only: null, extractor: 'auto', xfail: join(HERE, 'expected-failures.txt'), doc: null, verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--meldc') o.meldc = resolve(val());
    else if (a === '--suite') o.suite = resolve(val());
    else if (a === '--work') o.work = resolve(val());
    else if (a === '--jobs') o.jobs = Math.max(1, parseInt(val(), 10) || 1);
    else if (a === '--only') o.only = new Set(val().split(',').map((s) => s.trim()).filter(Boolean));
    else if (a === '--extractor') { o.extractor = val(); if (!['auto', 'own'].includes(o.extractor)) usage(`bad --extractor`); }
    else if (a === '--expected-failures') o.xfail = resolve(val());
    else if (a === '--write-doc') o.doc = resolve(val());
    else if (a === '--verbose') o.verbose = true;
    else usage(`unknown argument '${a}'`);
  }
  if (!o.meldc) usage('--meldc is required');
  return o;
}

// Runs a program; resolves to { code, signal, stdout, stderr, timedOut }.
function run(cmd, args, timeoutMs = TIMEOUT_MS) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    let timedOut = false;
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
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
  return l.length > 200 ? l.slice(0, 200) + '...' : l;
}

async function haveTool(name) {
  const r = await run(name, ['--version'], 10_000);
  return r.code === 0;
}

// ---------------------------------------------------------------------------------------------
// Extraction: the cases of one .wast file.
//   case = { file, line, type, kind: 'valid'|'invalid'|'malformed'|'na', wasm?, message, error? }
// A case with `error` could not be assembled (listed, not run).

function kindOf(type, textForm) {
  if (type === 'module' || type === 'assert_unlinkable' || type === 'assert_uninstantiable') return 'valid';
  if (type === 'assert_invalid') return 'invalid';
  if (type === 'assert_malformed') return textForm ? 'na' : 'malformed';
  return null;
}

async function extractWithWast2json(wastPath, dir, base) {
  const json = join(dir, `${base}.json`);
  const r = await run('wast2json', [wastPath, '-o', json]);
  if (r.code !== 0) {
    const why = r.signal ? `aborts (${r.signal}): ${firstLine(r.stderr)}` : firstLine(r.stderr).replace(wastPath, basename(wastPath));
    return { error: why };
  }
  const spec = JSON.parse(await readFile(json, 'utf8'));
  const cases = [];
  for (const c of spec.commands) {
    if (!('filename' in c)) continue;
    const kind = kindOf(c.type, c.module_type === 'text');
    if (!kind) continue;
    cases.push({ line: c.line, type: c.type, kind, wasm: kind === 'na' ? null : join(dir, c.filename), message: c.text || '' });
  }
  return { cases };
}

async function extractOwn(wastPath, dir, base) {
  const cmds = extractWast(await readFile(wastPath, 'utf8'));
  const cases = [];
  let n = 0;
  for (const c of cmds) {
    const kind = kindOf(c.type, c.moduleForm === 'quote');
    if (!kind) continue;
    const k = { line: c.line, type: c.type, kind, wasm: null, message: c.message || '' };
    cases.push(k);
    if (kind === 'na') continue;
    let bytes;
    try {
      if (c.moduleForm === 'binary') bytes = c.bytes;
      else bytes = await parse(c.moduleForm === 'quote' ? c.quote : c.text);
    } catch (e) {
      k.error = `jco parse() cannot assemble it: ${firstLine(e && e.message ? e.message : e)}`;
      continue;
    }
    k.wasm = join(dir, `${base}.own.${n++}.wasm`);
    await writeFile(k.wasm, bytes);
  }
  return { cases };
}

// ---------------------------------------------------------------------------------------------
// Checks.

const validatedInput = new Map(); // wasm path -> Promise<{ ok, msg }>

function wasmValidate(path) {
  return run('wasm-validate', [path]).then((r) => ({ ok: r.code === 0, msg: firstLine(r.stderr || r.stdout) }));
}

function crashed(r) {
  if (r.timedOut) return `timed out after ${TIMEOUT_MS / 1000} s`;
  if (r.signal) return `crashed (signal ${r.signal})`;
  if (r.code >= 128) return `crashed (exit status ${r.code})`;
  if (r.code < 0) return `could not run meldc: ${r.stderr}`;
  return null;
}

function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

async function checkValid(o, k) {
  const a = `${k.wasm}.out1.wasm`, b = `${k.wasm}.out2.wasm`;
  let r = await run(o.meldc, [k.wasm, '-o', a]);
  let bad = crashed(r);
  if (bad) return { ok: false, why: `meldc IN -o OUT: ${bad}` };
  if (r.code !== 0) return { ok: false, why: `refused a valid module: ${firstLine(r.stderr)}` };
  if (!existsSync(a)) return { ok: false, why: 'meldc exited 0 but wrote no output' };
  const [inBytes, outBytes] = await Promise.all([readFile(k.wasm), readFile(a)]);
  k.identical = Buffer.compare(inBytes, outBytes) === 0;
  if (!k.identical) k.difference = describeDifference(inBytes, outBytes);
  r = await run(o.meldc, [a, '-o', b]);
  bad = crashed(r);
  if (bad) return { ok: false, why: `reading its own output: ${bad}` };
  if (r.code !== 0) return { ok: false, why: `refused its own output: ${firstLine(r.stderr)}` };
  const again = await readFile(b);
  const d = firstDifference(outBytes, again);
  if (d >= 0) return { ok: false, why: `second round trip differs from the first at byte 0x${d.toString(16)}` };
  const v = await wasmValidate(a);
  if (!v.ok) {
    if (!validatedInput.has(k.wasm)) validatedInput.set(k.wasm, wasmValidate(k.wasm));
    const vin = await validatedInput.get(k.wasm);
    if (vin.ok) return { ok: false, why: `wasm-validate rejects the output: ${v.msg}` };
    k.note = `wasm-validate (wabt 1.0.32) rejects the input itself (${v.msg.replace(/^.*?error: /, '')}): output validity not checked`;
  }
  await rm(b, { force: true });
  return { ok: true };
}

async function checkRefused(o, k) {
  const r = await run(o.meldc, ['--disable-output', k.wasm]);
  const bad = crashed(r);
  if (bad) return { ok: false, why: bad };
  const expect = k.message ? ` (expected "${k.message}")` : '';
  if (r.code === 0) return { ok: false, why: `accepted${expect}` };
  if (r.code !== 1) return { ok: false, why: `exit status ${r.code}, not 1${expect}: ${firstLine(r.stderr)}` };
  if (!/\berror: /.test(r.stderr)) return { ok: false, why: `exit status 1 without an "error:" diagnostic${expect}` };
  k.diag = firstLine(r.stderr);
  k.diagHasOffset = /:0x[0-9a-fA-F]+: error: /.test(r.stderr);
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Expected failures: "file.wast:LINE reason" per line ("file.wast:*" for a whole file).

async function loadExpectedFailures(path) {
  const map = new Map();
  if (!existsSync(path)) return map;
  for (const raw of (await readFile(path, 'utf8')).split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const m = /^(\S+\.wast):(\d+|\*)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`${path}: cannot read line "${raw}"`);
    map.set(`${m[1]}:${m[2]}`, m[3]);
  }
  return map;
}

function expectedFailure(xf, file, line) {
  return xf.get(`${file}:${line}`) ?? xf.get(`${file}:*`);
}

// ---------------------------------------------------------------------------------------------
// The summary section of docs/conformance.md.

function docSection(o, files, totals, extraction, cases) {
  const L = [];
  const t = totals;
  const row = (name, k) => `| ${name} | ${t[k].cases} | ${t[k].passed} | ${t[k].failed} | ${t[k].xfail} |`;
  L.push(`## ${SECTION}`, '');
  L.push('Written by `test/conformance/spec-core/run.mjs --write-doc` (ctest: `spec-core`, label `conformance`).',
    `The suite is \`../shared/testsuites/spec-core-wasm2\` (WebAssembly/testsuite a810159, the Wasm 2.0`,
    `core tests without SIMD; ${files.length} file${files.length === 1 ? '' : 's'}). Every module in it goes through meldc's binary reader,`,
    'verifier and writer:', '',
    ...(o.only ? [`**Partial run** (--only): ${files.join(', ')}.`, ''] : []),
    '- valid modules (`module`, and the modules of `assert_unlinkable` and `assert_trap`, which',
    '  validate): `meldc IN -o A` and `meldc A -o B` succeed, A and B are identical, and',
    '  `wasm-validate` (wabt 1.0.32, default features: Wasm 2.0) accepts A;',
    '- `assert_invalid` and binary `assert_malformed` modules: `meldc --disable-output IN` exits 1',
    '  with an `error:` diagnostic; a signal or an exit status of 128 or more is a crash and fails;',
    '- text `assert_malformed` modules (`module quote`) test a text parser, which meldc does not',
    '  have: not applicable.', '');
  L.push('| case | modules | passed | failed | expected failures |', '|---|---|---|---|---|');
  L.push(row('valid module: round trip + wasm-validate', 'valid'), row('`assert_invalid`: refused', 'invalid'),
    row('`assert_malformed` (binary): refused', 'malformed'), row('**total**', 'all'));
  L.push('', `Not applicable: ${t.na} text \`assert_malformed\` modules. Not assembled: ${t.unassembled}.`, '');
  const valid = cases.filter((k) => k.kind === 'valid' && k.status === 'pass');
  const ident = valid.filter((k) => k.identical).length;
  L.push(`Byte identity: ${ident} of ${valid.length} valid modules that passed are written back byte for byte`,
    '(`cmp IN A`). The others (their round trip is still a fixed point and validates) are listed by',
    'file and by where the bytes differ. The documented reason is non-minimal LEB128 outside',
    'function bodies, which the writer makes minimal (`docs/binary-roundtrip.md`): `binary-leb128.wast`',
    'tests exactly that; a difference anywhere else deserves a look.', '');
  const groups = new Map();
  for (const k of valid) {
    if (k.identical) continue;
    const key = `\`${k.file}\`: ${k.difference}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(k.line);
  }
  if (!groups.size) L.push('none.');
  for (const [key, lines] of groups) L.push(`- ${key} (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')})`);
  L.push('');
  const refused = cases.filter((k) => (k.kind === 'invalid' || k.kind === 'malformed') && k.status === 'pass');
  L.push(`Diagnostics: ${refused.filter((k) => k.diagHasOffset).length} of the ${refused.length} refusals name a byte offset`,
    '(`file:0xOFFSET: error: ...`); the rest name the file only.', '');
  L.push('### Exceptions', '');
  const fallback = extraction.filter((e) => e.fallback);
  L.push(`Extraction: wast2json 1.0.32 for ${extraction.length - fallback.length} files. It cannot read ${fallback.length}, whose`,
    'modules come from the harness\'s own .wast reader (`wast.mjs`) and jco\'s `parse()`:', '');
  for (const e of fallback) L.push(`- \`${e.file}\`: wast2json: ${e.reason}`);
  L.push('');
  const listed = (title, pick, why) => {
    const ks = cases.filter(pick);
    L.push(`${title}: ${ks.length}${ks.length ? '' : '.'}`);
    if (ks.length) { L.push(''); for (const k of ks) L.push(`- \`${k.file}:${k.line}\` (${k.type}): ${why(k)}`); }
    L.push('');
  };
  listed('Output validity not checked (wabt rejects the input)', (k) => k.note, (k) => k.note);
  listed('Not assembled', (k) => k.status === 'unassembled', (k) => k.error);
  listed('Expected failures (`test/conformance/spec-core/expected-failures.txt`)', (k) => k.status === 'xfail', (k) => `${k.xfailReason} — ${k.why}`);
  listed('Failures', (k) => k.status === 'fail' || k.status === 'xpass', (k) => k.why);
  return L.join('\n').replace(/\n+$/, '') + '\n';
}

async function writeDoc(path, section) {
  let text = existsSync(path) ? await readFile(path, 'utf8') : '# Conformance\n';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${SECTION}`);
  if (start < 0) {
    text = text.replace(/\n*$/, '\n\n') + section;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end < 0) end = lines.length;
    const after = lines.slice(end).join('\n');
    text = [...lines.slice(0, start), ...section.replace(/\n$/, '').split('\n'), ...(after ? ['', after] : [''])].join('\n');
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text.replace(/\n*$/, '\n'));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(o.suite) || !statSync(o.suite).isDirectory()) {
    console.log(`SKIP: core spec suite not found at ${o.suite} (expected ../shared/testsuites/spec-core-wasm2 beside the checkout)`);
    return 0;
  }
  if (!existsSync(o.meldc)) { console.error(`run.mjs: meldc not found at ${o.meldc}`); return 2; }
  if (!(await haveTool('wasm-validate'))) { console.error('run.mjs: wasm-validate (wabt) not found on PATH'); return 2; }
  const haveWast2json = o.extractor === 'auto' && (await haveTool('wast2json'));
  const xf = await loadExpectedFailures(o.xfail);
  const work = o.work || (await mkdtemp(join(tmpdir(), 'meldc-spec-core-')));
  let wastFiles = (await readdir(o.suite)).filter((f) => f.endsWith('.wast')).sort();
  if (o.only) wastFiles = wastFiles.filter((f) => o.only.has(f));

  // 1. Extract every file's cases.
  const extraction = [];
  const all = [];
  const perFile = new Map();
  await pool(wastFiles, o.jobs, async (file) => {
    const base = file.replace(/\.wast$/, '');
    const dir = join(work, base);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    let got = haveWast2json ? await extractWithWast2json(join(o.suite, file), dir, base) : { error: 'not used' };
    const ex = { file, fallback: !!got.error, reason: got.error };
    if (got.error) got = await extractOwn(join(o.suite, file), dir, base);
    extraction.push(ex);
    for (const k of got.cases) k.file = file;
    perFile.set(file, got.cases);
  });
  extraction.sort((a, b) => a.file.localeCompare(b.file));
  for (const f of wastFiles) all.push(...perFile.get(f));

  // 2. Run meldc on them.
  const runnable = all.filter((k) => k.kind !== 'na' && !k.error);
  let done = 0;
  await pool(runnable, o.jobs, async (k) => {
    const res = k.kind === 'valid' ? await checkValid(o, k) : await checkRefused(o, k);
    const reason = expectedFailure(xf, k.file, k.line);
    if (res.ok) k.status = reason ? 'xpass' : 'pass';
    else k.status = reason ? 'xfail' : 'fail';
    if (k.status === 'xpass') k.why = `passes but is listed in expected-failures.txt (${reason}): remove the entry`;
    else k.why = res.why;
    k.xfailReason = reason;
    if (++done % 500 === 0 && process.stderr.isTTY) process.stderr.write(`  ${done}/${runnable.length}\r`);
  });
  for (const k of all) {
    if (k.kind === 'na') k.status = 'na';
    else if (k.error) k.status = 'unassembled';
  }

  // 3. Report.
  const zero = () => ({ cases: 0, passed: 0, failed: 0, xfail: 0 });
  const totals = { valid: zero(), invalid: zero(), malformed: zero(), all: zero(), na: 0, unassembled: 0 };
  for (const file of wastFiles) {
    const ks = perFile.get(file);
    const c = { passed: 0, failed: 0, xfail: 0, na: 0, un: 0 };
    const fails = [];
    for (const k of ks) {
      if (k.status === 'na') { c.na++; totals.na++; continue; }
      if (k.status === 'unassembled') { c.un++; totals.unassembled++; fails.push(`NOT ASSEMBLED ${file}:${k.line} ${k.type}: ${k.error}`); continue; }
      for (const t of [totals[k.kind], totals.all]) {
        t.cases++;
        if (k.status === 'pass') t.passed++;
        else if (k.status === 'xfail') t.xfail++;
        else t.failed++;
      }
      if (k.status === 'pass') c.passed++;
      else if (k.status === 'xfail') c.xfail++;
      else { c.failed++; fails.push(`FAIL ${file}:${k.line} ${k.type}: ${k.why}`); }
    }
    const extra = [c.xfail && `${c.xfail} expected failures`, c.na && `${c.na} n/a`, c.un && `${c.un} not assembled`].filter(Boolean);
    console.log(`${file}: ${c.passed} passed, ${c.failed} failed${extra.length ? ` (${extra.join(', ')})` : ''}`);
    const shown = o.verbose ? fails : fails.slice(0, 10);
    for (const f of shown) console.log(`  ${f}`);
    if (shown.length < fails.length) console.log(`  ... and ${fails.length - shown.length} more (--verbose shows all)`);
  }
  const fb = extraction.filter((e) => e.fallback);
  if (fb.length) console.log(`own .wast reader used for: ${fb.map((e) => `${e.file} (${e.reason})`).join('; ')}`);
  const t = totals;
  console.log(`valid modules: ${t.valid.passed} passed, ${t.valid.failed} failed, ${t.valid.xfail} expected failures`);
  console.log(`assert_invalid: ${t.invalid.passed} passed, ${t.invalid.failed} failed, ${t.invalid.xfail} expected failures`);
  console.log(`assert_malformed (binary): ${t.malformed.passed} passed, ${t.malformed.failed} failed, ${t.malformed.xfail} expected failures`);
  console.log(`not applicable (text assert_malformed): ${t.na}; not assembled: ${t.unassembled}`);
  const valid = all.filter((k) => k.kind === 'valid' && k.status === 'pass');
  console.log(`byte-identical round trips: ${valid.filter((k) => k.identical).length} of ${valid.length} passing valid modules`);
  const refused = all.filter((k) => (k.kind === 'invalid' || k.kind === 'malformed') && k.status === 'pass');
  console.log(`refusals whose diagnostic has a byte offset (file:0xOFFSET: error:): ${refused.filter((k) => k.diagHasOffset).length} of ${refused.length}`);
  const unchecked = all.filter((k) => k.note).length;
  if (unchecked) console.log(`output validity not checked (wasm-validate rejects the input too): ${unchecked}`);
  console.log(`total: ${t.all.passed} passed, ${t.all.failed + t.unassembled} failed`);

  if (o.doc) await writeDoc(o.doc, docSection(o, wastFiles, totals, extraction, all));
  if (!o.work) await rm(work, { recursive: true, force: true });
  return t.all.failed + t.unassembled ? 1 : 0;
}

process.exitCode = await main();
