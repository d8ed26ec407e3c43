// The differential test of fusion: every application of test/fixtures/apps.mjs run twice with
// the same inputs, unfused and fused, and the outcomes compared.
//
//   node test/fusion/run.mjs --meldc PATH [--fixtures DIR] [--work DIR] [--jobs N] [--only APPS]
//                            [--passes PIPELINE] [--meldc-arg ARG]... [--expected-failures FILE |
//                            --no-expected-failures] [--update-expected] [--verbose]
//
// --meldc-arg adds ARG to every meldc command line (repeatable): `--meldc-arg --mcu --meldc-arg
// --heap-pages=16` runs every application through the microcontroller pipeline.
//
// (a) unfused: each component `jco transpile`d, its imports mapped onto the JS of the components
//     that export them (`--map iface=../Y/Y.js#name`), the root's exports called in node
//     (test/fixtures/unfused.mjs; one process per case, so every case starts from fresh
//     instances);
// (b) fused: `meldc ROOT OTHERS... -o F.wasm --emit-abi=F.json`, the same exports called
//     through test/runtime/canon.mjs (a fresh instance per case; values converted between jco's
//     conventions and canon.mjs's by convert.mjs).  A WASI command is fused with
//     `--emit=component` instead, transpiled by jco (--multi-memory) and run as `jco run` runs
//     a command; its exit status, stdout and stderr are compared.
// A case passes when both give the same outcome for every call: the same value, the same err
// payload of a result, or a trap (any message) at the same call.  Where jco cannot run an
// application (latin1+utf16) or is known to stray from CanonicalABI.md (calls marked `spec`), the
// expected outcome written in apps.mjs is the reference instead of jco's.
//
// --expected-failures (default: expected-failures.txt beside this file) lists the cases known to
// fail while fusion features land, one per line: `app/case` (`*` matches anything) then the
// reason.  They are reported as XFAIL and do not fail the run; a listed case that passes fails
// it (XPASS), so the list stays accurate: remove its line, or run with --update-expected, which
// rewrites the file with the cases failing now (keeping the reasons of lines still needed), and
// review the diff.
// --only takes application names or patterns, comma-separated.  The fixtures are built into
// DIR (default test/fixtures/build) first when DIR has no manifest.json.
// Prints "N passed, N failed" (then the expected failures, unexpected passes and pending
// cases); exit status 1 when a case failed that the list does not name.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPS } from '../fixtures/apps.mjs';
import { run, runUnfusedCase, runUnfusedCommand, transpileApp } from '../fixtures/unfused.mjs';
import { encodeValue, encodeWant, sameOutcome, showArgs, showOutcome } from '../fixtures/values.mjs';
import { fromCanon, toCanon } from './convert.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const CANON = join(REPO, 'test/runtime/canon.mjs');

function usage(msg) {
  console.error(`run.mjs: ${msg}\nusage: run.mjs --meldc PATH [--fixtures DIR] [--work DIR] [--jobs N] [--only APPS] ` +
    '[--passes PIPELINE] [--meldc-arg ARG]... [--expected-failures FILE | --no-expected-failures] [--update-expected] [--verbose]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    meldc: null, fixtures: join(REPO, 'test/fixtures/build'), work: null, jobs: availableParallelism(), only: null,
    passes: null, meldcArgs: [], xfail: join(HERE, 'expected-failures.txt'), update: false, verbose: false,
  };
  // --name=value is --name value.
  // --opt=value is --opt value, except for the value of --meldc-arg (itself an option of meldc).
  argv = argv.flatMap((a, i) => (/^--[a-z-]+=/.test(a) && argv[i - 1] !== '--meldc-arg'
    ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--meldc') o.meldc = resolve(v());
    else if (a === '--fixtures') o.fixtures = resolve(v());
    else if (a === '--work') o.work = resolve(v());
    else if (a === '--jobs') o.jobs = Math.max(1, Number(v()) || 1);
    else if (a === '--only') o.only = v().split(',').filter(Boolean);
    else if (a === '--passes') o.passes = v();
    else if (a === '--meldc-arg') o.meldcArgs.push(v());
    else if (a === '--expected-failures') o.xfail = resolve(v());
    else if (a === '--no-expected-failures') o.xfail = null;
    else if (a === '--update-expected') o.update = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else usage(`unknown argument '${a}'`);
  }
  if (!o.meldc) usage('--meldc is required');
  if (o.update && (!o.xfail || o.only)) usage('--update-expected needs the expected-failures file and every application');
  o.work ??= join(o.fixtures, 'fusion');
  return o;
}

async function pool(items, n, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

const firstLine = (e) => String((e && e.message) || e).split('\n').find((l) => l.trim()) || String(e);

// `*` matches any run of characters; everything else is literal.
function globToRegExp(pattern) {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

// expected-failures.txt: `pattern reason` per line; `#` starts a comment line.
async function readExpectedFailures(file) {
  if (!file) return [];
  if (!existsSync(file)) usage(`no expected-failures file ${file}`);
  const list = [];
  (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
    const text = line.trim();
    if (!text || text.startsWith('#')) return;
    const [pattern, ...why] = text.split(/\s+/);
    list.push({ pattern, reason: why.join(' '), re: globToRegExp(pattern), line: i + 1, used: false });
  });
  return list;
}

const HEADER = `# Cases of test/fusion/run.mjs known to fail while fusion features land, one per line:
#   <application>/<case>  <reason>        (\`*\` in the name matches anything)
# A listed case that passes fails the run, so this list stays accurate: remove its line (or run
# run.mjs --update-expected and review the diff).
`;

async function writeExpectedFailures(file, results, old) {
  const lines = results.filter((r) => r.status === 'fail').map((r) => {
    const x = old.find((e) => e.re.test(r.id));
    const reason = x && x.reason ? x.reason : r.detail.replace(/\s+/g, ' ').slice(0, 200);
    return `${r.id} ${reason}`;
  });
  await writeFile(file, HEADER + lines.map((l) => `${l}\n`).join(''));
  console.log(`wrote ${lines.length} expected failures to ${file}`);
}

// ---------------------------------------------------------------------------------------------
// (b) The fused program.

// meldc INPUTS... -o OUT [--emit-abi=ABI | --emit=component]: null, or why it failed.
async function fuse(o, app, out, extra) {
  await mkdir(dirname(out), { recursive: true });
  const args = [...app.components.map((c) => join(o.fixtures, `${c}.wasm`)), ...(o.passes !== null ? [`-passes=${o.passes}`] : []),
    ...o.meldcArgs, '-o', out, ...extra];
  const r = await run(o.meldc, args);
  if (r.code === 0 && existsSync(out)) return null;
  const why = r.signal ? `killed by ${r.signal}` : r.code >= 128 ? `crashed (exit status ${r.code})` : `exit status ${r.code}`;
  const msg = (r.stderr || r.stdout).trim().split('\n').slice(0, 4).join(' | ');
  return `meldc ${why}: ${msg}`;
}

function isTrap(canon, e) {
  return e instanceof canon.Trap || e instanceof WebAssembly.RuntimeError ||
    (e instanceof RangeError && /call stack/i.test(e.message));
}

// The outcome of a lifted result: a top-level result<T, E> is split as jco splits it (T
// returned, E thrown), so both programs' outcomes read the same.
function resultOutcome(type, r) {
  if (!type) return { value: encodeValue(undefined) };
  if (type.kind === 'result') {
    const u = r.tag === 'ok' ? type.ok : type.error;
    const payload = u ? fromCanon(u, r.val) : undefined;
    return r.tag === 'ok' ? { value: encodeValue(payload) } : { error: encodeValue(payload) };
  }
  return { value: encodeValue(fromCanon(type, r)) };
}

// Runs one case on a fresh instance of the fused module.  A `failure` outcome is a fault of the
// harness or of the module's shape (no such export, an argument canon.mjs refuses), never equal
// to anything.
function runFusedCase(canon, bytes, abi, kase) {
  let inst;
  try {
    inst = canon.instantiateSync(bytes, abi, {}, {});
  } catch (e) {
    return [isTrap(canon, e) ? { trap: `instantiation: ${firstLine(e)}` } : { failure: `instantiation: ${e.name}: ${firstLine(e)}` }];
  }
  const outcomes = [];
  for (const c of kase.calls) {
    const core = c.iface ? `${c.iface}#${c.fn}` : c.fn;
    const entry = abi.exports.find((x) => x.core === core);
    let o;
    if (!entry || typeof inst.exports[core] !== 'function') {
      o = { failure: `the fused module does not export ${core}` };
    } else {
      let args = null;
      try {
        args = entry.params.map((p, i) => toCanon(p.type, c.args[i]));
      } catch (e) {
        o = { failure: `converting the arguments for canon.mjs: ${firstLine(e)}` };
      }
      if (args) {
        try {
          o = resultOutcome(entry.result, inst.exports[core](...args));
        } catch (e) {
          o = isTrap(canon, e) ? { trap: firstLine(e).slice(0, 200) } : { failure: `${e.name}: ${firstLine(e)}` };
        }
      }
    }
    outcomes.push(o);
    if (!('value' in o) && !('error' in o)) break;
  }
  return outcomes;
}

async function jcoRun(app, fusedDir, jcoDir) {
  // What `jco run` does, with --multi-memory (the fused module keeps one memory per component
  // instance; without it jco transpiles only modules with one): transpile, then call
  // wasi:cli/run#run from node.
  const one = { name: app.name, components: [app.components[0]], links: [] };
  let appDir;
  try {
    appDir = await transpileApp(one, fusedDir, jcoDir, { multiMemory: true });
  } catch (e) {
    return { status: -1, stdout: '', stderr: `Error: ${firstLine(e)}` };
  }
  return runUnfusedCommand(one, appDir);
}

// ---------------------------------------------------------------------------------------------

// Compares a case's outcomes; returns null when they agree, else what differs.
function compareCase(kase, ref, fused) {
  for (let i = 0; i < kase.calls.length; i++) {
    const r = ref[i], f = fused[i], from = ref.sources[i] || 'unfused';
    if (!r && !f) return null;
    const c = kase.calls[i];
    const what = `${c.iface ? `${c.iface}#` : ''}${c.fn}(${showArgs(c.args)})`;
    if (f && 'failure' in f) return `${what}: ${f.failure}`;
    if (!r) return `${what}: the fused program went on after the reference stopped (it gave ${showOutcome(f)})`;
    if (!f) return `${what}: the fused program stopped before this call; ${from} ${showOutcome(r)}`;
    if (!sameOutcome(r, f)) return `${what}: ${from} ${showOutcome(r)}, fused ${showOutcome(f)}`;
  }
  return null;
}

// The reference outcomes of a case: the unfused program's, but the expected outcome for calls
// marked `spec` and for every call when there is no unfused run.  Notes say where the unfused
// program and the expectation disagree.
function referenceOf(kase, unfused, notes, id) {
  const ref = [];
  ref.sources = [];
  for (let i = 0; i < kase.calls.length; i++) {
    const c = kase.calls[i];
    const want = c.want ? encodeWant(c.want) : null;
    const u = unfused ? unfused[i] : undefined;
    if (unfused && u && want && !c.spec && !sameOutcome(u, want))
      notes.push(`note ${id}: ${c.fn}(${showArgs(c.args)}): the unfused program gives ${showOutcome(u)}, apps.mjs expects ${showOutcome(want)}`);
    // (After an unfused trap where the Canonical ABI gives a value, there is no unfused outcome.)
    const r = c.spec || !unfused || u === undefined ? want : u;
    if (!r) break;
    ref.push(r);
    ref.sources.push(r === want ? 'expected' : 'unfused');
    if ('trap' in r) break;
  }
  return ref;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(o.meldc)) usage(`meldc not found at ${o.meldc}`);
  if (!existsSync(join(o.fixtures, 'manifest.json'))) {
    console.log(`no ${join(o.fixtures, 'manifest.json')}: building the fixtures first`);
    const r = await run(process.execPath, [join(REPO, 'test/fixtures/build.mjs'), '--out', o.fixtures], { timeoutMs: 600_000 });
    if (r.code !== 0) {
      console.log(`FAIL building the fixtures:\n${r.stdout}${r.stderr}`);
      return 1;
    }
  }
  const xfail = await readExpectedFailures(o.xfail);
  const apps = APPS.filter((a) => !o.only || o.only.some((p) => globToRegExp(p).test(a.name)));
  if (!apps.length) usage(`no application matches --only ${o.only.join(',')}`);
  await rm(o.work, { recursive: true, force: true });
  await mkdir(o.work, { recursive: true });
  await writeFile(join(o.work, 'package.json'), '{ "type": "module", "private": true }\n');

  let canon = null, canonMissing = null;
  try {
    canon = await import(CANON);
  } catch (e) {
    canonMissing = existsSync(CANON) ? `test/runtime/canon.mjs does not load: ${firstLine(e)}` : 'test/runtime/canon.mjs does not exist yet';
  }

  // Results per case id: { status: 'pass' | 'fail' | 'pending', detail }.
  const results = [];
  const notes = [];
  const record = (id, status, detail) => results.push({ id, status, detail });

  // (a) Unfused: transpile, then every case in its own process.
  const appDirs = new Map();
  for (const app of apps.filter((a) => a.unfused !== false)) {
    try {
      appDirs.set(app.name, await transpileApp(app, o.fixtures, join(o.work, 'unfused')));
    } catch (e) {
      appDirs.set(app.name, { failure: `jco transpile: ${firstLine(e)}` });
    }
  }
  const unfusedJobs = apps.filter((a) => a.unfused !== false)
    .flatMap((app) => (app.command ? [{ app }] : app.cases.map((kase) => ({ app, kase }))));
  const unfusedResults = new Map();
  await pool(unfusedJobs, o.jobs, async ({ app, kase }) => {
    const dir = appDirs.get(app.name);
    let r;
    if (typeof dir !== 'string') r = { failure: dir.failure };
    else {
      try {
        r = kase ? await runUnfusedCase(app, kase, dir) : await runUnfusedCommand(app, dir);
      } catch (e) {
        r = { failure: firstLine(e) };
      }
    }
    unfusedResults.set(`${app.name}/${kase ? kase.name : 'command'}`, r);
  });

  // (b) Fused: meldc per application (in parallel), then the cases in this process.
  const emitComponent = /--emit=<[^>]*component/.test((await run(o.meldc, ['--help'])).stdout);
  const fused = new Map();
  await pool(apps, o.jobs, async (app) => {
    const dir = join(o.work, 'fused', app.name);
    if (app.command) {
      const out = join(dir, `${app.components[0]}.wasm`);
      if (!emitComponent) return fused.set(app.name, { pending: 'meldc has no --emit=component yet (meldc --help)' });
      const err = await fuse(o, app, out, ['--emit=component']);
      if (err) fused.set(app.name, { failure: err });
      else fused.set(app.name, { run: await jcoRun(app, dir, join(dir, 'jco-run')) });
      return;
    }
    const out = join(dir, 'fused.wasm'), abiFile = join(dir, 'fused.json');
    const err = await fuse(o, app, out, [`--emit-abi=${abiFile}`]);
    if (err) return fused.set(app.name, { failure: err });
    try {
      fused.set(app.name, { bytes: await readFile(out), abi: JSON.parse(await readFile(abiFile, 'utf8')) });
    } catch (e) {
      fused.set(app.name, { failure: `reading ${abiFile}: ${firstLine(e)}` });
    }
  });

  for (const app of apps) {
    const f = fused.get(app.name);
    if (app.command) {
      const id = `${app.name}/command`;
      const u = unfusedResults.get(id);
      const want = app.command;
      if (u && u.failure) record(id, 'fail', `unfused: ${u.failure}`);
      else if (u && (u.status !== want.status || u.stdout !== want.stdout || u.stderr !== want.stderr))
        notes.push(`note ${id}: the unfused command gives status ${u.status}, stdout ${JSON.stringify(u.stdout)}, ` +
          `stderr ${JSON.stringify(u.stderr)}, not what apps.mjs expects`);
      if (u && u.failure) continue;
      const ref = u || want;
      if (f.pending) record(id, 'pending', f.pending);
      else if (f.failure) record(id, 'fail', f.failure);
      else {
        const g = f.run;
        const cut = (v) => JSON.stringify(String(v).slice(0, 300));
        const diffs = ['status', 'stdout', 'stderr'].filter((k) => g[k] !== ref[k])
          .map((k) => `${k}: unfused ${cut(ref[k])}, fused ${cut(g[k])}`);
        // A failing `jco run` says why in its last error line.
        const cause = g.status !== ref.status && g.stderr.split('\n').reverse().find((l) => /Error/.test(l));
        record(id, diffs.length ? 'fail' : 'pass', `${cause ? `jco run: ${cause.trim()}; ` : ''}${diffs.join('; ')}`);
      }
      continue;
    }
    for (const kase of app.cases) {
      const id = `${app.name}/${kase.name}`;
      const u = app.unfused === false ? null : unfusedResults.get(id);
      if (u && u.failure) {
        record(id, 'fail', `unfused program: ${u.failure}`);
        continue;
      }
      const ref = referenceOf(kase, u, notes, id);
      if (canonMissing) record(id, 'pending', canonMissing);
      else if (f.failure) record(id, 'fail', f.failure);
      else {
        const diff = compareCase(kase, ref, runFusedCase(canon, f.bytes, f.abi, kase));
        record(id, diff ? 'fail' : 'pass', diff);
      }
    }
  }

  // Report.
  let passed = 0, failed = 0, xfailed = 0, xpassed = 0, pending = 0;
  for (const r of results) {
    const x = xfail.find((e) => e.re.test(r.id));
    if (x) x.used = true;
    if (r.status === 'pending') {
      pending++;
      if (o.verbose) console.log(`PENDING ${r.id}: ${r.detail}`);
    } else if (r.status === 'pass' && x) {
      xpassed++;
      console.log(`XPASS ${r.id}: passes, but line ${x.line} of the expected failures ('${x.pattern}') says it fails`);
    } else if (r.status === 'pass') {
      passed++;
      if (o.verbose) console.log(`PASS ${r.id}`);
    } else if (x) {
      xfailed++;
      if (o.verbose) console.log(`XFAIL ${r.id}: ${r.detail}`);
    } else {
      failed++;
      console.log(`FAIL ${r.id}: ${r.detail}`);
    }
  }
  if (pending) console.log(`pending: ${pending} cases (${[...new Set(results.filter((r) => r.status === 'pending').map((r) => r.detail))].join('; ')})`);
  for (const n of notes) console.log(n);
  for (const x of xfail.filter((e) => !e.used)) console.log(`note: line ${x.line} of the expected failures ('${x.pattern}') matches no case`);
  console.log(`${passed + xpassed} passed, ${failed + xfailed} failed` +
    ` (${xfailed} expected failures, ${xpassed} unexpected passes, ${pending} pending)`);
  if (o.update) {
    await writeExpectedFailures(o.xfail, results, xfail);
    return 0;
  }
  return failed || xpassed ? 1 : 0;
}

process.exitCode = await main();
