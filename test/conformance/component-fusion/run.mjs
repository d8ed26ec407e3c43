#!/usr/bin/env node
// The component-model suite's runtime tests, run on what meldc fuses.
//
//   node test/conformance/component-fusion/run.mjs --meldc PATH [options]
//
// For every .wast in ../shared/testsuites/component-model-test/{values,linking,resources}
// (relative to the repository root; without it the run prints "SKIP: ..." and exits 0), in order:
//   (component ...) / (component $id ...)      assembled with jco's wasm-tools parser, fused with
//                                              `meldc COMP.wasm -o F.wasm --emit-abi=F.json`,
//                                              instantiated in node through test/runtime/canon.mjs
//                                              — one check: it fuses and instantiates without a
//                                              trap (many tests check themselves in a start
//                                              function);
//   (component definition $D ...)              assembled and fused, not instantiated (no check);
//   (component instance $i $D)                 a fresh instance of $D — one check, as above;
//   (assert_return (invoke "f" args...) v?)    invoke on the most recent instance; the result must
//                                              equal v (compared by the export's type) — one check;
//   (assert_trap (invoke ...) "msg")           the call must trap (any trap; the message is not
//                                              compared) — one check;
//   (invoke ...)                               must not trap — one check;
//   assert_invalid / assert_malformed          not applicable (the component-model runner checks
//                                              those): counted, not run.
// An assertion after a component that did not fuse or instantiate fails with that reason.
//
// Options:
//   --meldc PATH          the compiler (default: $MELDC, then <repo>/build/tools/meldc/meldc)
//   --meldc-arg ARG       one more argument for every meldc run (repeatable): `--meldc-arg --mcu`
//   --suite DIR           the component-model-test folder (default ../shared/testsuites/component-model-test)
//   --filter SUBSTR       only files whose path (values/strings.wast) contains SUBSTR
//   --jobs N              files run in parallel (default: the number of CPUs)
//   --timeout SEC         per file (default 300); checks not reached by then fail
//   --expected-failures F known failures "file.wast:LINE reason" (default: expected-failures.txt here)
//   --update-expected     rewrite that file with the failures of this run (reasons kept for lines
//                         already listed); review the diff before committing it
//   --write-doc FILE      rewrite the "Component model suite, fused" section of FILE
//   --keep                keep the scratch folder (components, fused modules, ABI descriptions)
//   --verbose             print every check
// Prints "N passed, N failed" per file and in total. Exit status: 0 when every failure is listed in
// expected-failures.txt and every listed check still fails (or when the suite is absent); 1 on an
// unexpected failure or an unexpected pass; 2 on a usage error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { commandsOf, payloadOf } from './wast-commands.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../../..');
const SECTION = 'Component model suite, fused';
const FOLDERS = ['values', 'linking', 'resources'];
const MELDC_TIMEOUT_MS = 60_000;

// ---- The worker: one file ------------------------------------------------------------------------

async function runFile({ file, meldc, meldcArgs, work }) {
  const { parse } = await import('@bytecodealliance/jco');
  const canon = await import('../../runtime/canon.mjs');
  const src = readFileSync(file, 'utf8');
  let cmds;
  try {
    cmds = commandsOf(src);
  } catch (e) {
    parentPort.postMessage({ type: 'fatal', reason: `cannot read the file: ${e.message}` });
    return;
  }
  const checks = cmds.filter((c) => c.check);
  parentPort.postMessage({
    type: 'plan',
    checks: checks.map((c) => ({ line: c.line, kind: c.kind })),
    na: cmds.filter((c) => c.na).map((c) => ({ line: c.line, kind: c.kind })),
  });
  mkdirSync(work, { recursive: true });
  const report = (c, ok, reason, cause) => parentPort.postMessage({ type: 'result', index: checks.indexOf(c), ok, reason, cause });

  // Fusing, once per component form: { bytes, abi } (the fused module and its ABI description) or { error }.
  const fuse = async (c) => {
    let bytes;
    try {
      const p = payloadOf(src, c.form);
      bytes = p.bytes ?? Buffer.from(await parse(p.text));
    } catch (e) {
      return { error: `not assembled: ${String(e.message ?? e).split('\n')[0].slice(0, 200)}` };
    }
    const base = join(work, `L${c.line}`);
    writeFileSync(`${base}.wasm`, bytes);
    const r = spawnSync(meldc, [`${base}.wasm`, ...meldcArgs, '-o', `${base}.fused.wasm`, `--emit-abi=${base}.json`],
      { encoding: 'utf8', timeout: MELDC_TIMEOUT_MS });
    const stderr = (r.stderr ?? '').replaceAll(`${base}.`, 'COMP.').trim();
    if (r.error || r.signal || r.status !== 0) {
      if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM') return { error: `meldc timed out after ${MELDC_TIMEOUT_MS / 1000} s` };
      if (r.signal) return { error: `meldc crashed (${r.signal})` };
      if (r.status >= 128 || /Sanitizer|runtime error:/.test(stderr)) return { error: `meldc crashed (exit ${r.status}): ${stderr.split('\n')[0]}` };
      const msg = stderr.split('\n').find((l) => /error:/.test(l)) ?? stderr.split('\n')[0] ?? '';
      return { error: `meldc refuses it: ${msg.replace(/^.*?error:\s*/, '') || `exit ${r.status}`}` };
    }
    const out = readFileSync(`${base}.fused.wasm`);
    if (out.length < 8 || out.readUInt32LE(4) !== 1) return { error: 'meldc wrote a component, not a fused core module' };
    let abi;
    try {
      abi = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
    } catch (e) {
      return { error: `ABI description unreadable: ${e.message}` };
    }
    return { bytes: out, abi };
  };

  const defs = new Map();      // $id -> fuse result (definitions and named components)
  const instances = new Map(); // $id -> { inst } | { error }
  let current = { error: 'no component instantiated yet' };

  const instantiate = async (fused, line) => {
    if (fused.error) return { error: fused.error, cause: line };
    try {
      return { inst: await canon.instantiate(fused.bytes, fused.abi) };
    } catch (e) {
      if (e instanceof canon.Trap) return { error: `instantiation traps: ${e.message}`, cause: line };
      return { error: `cannot instantiate (${e.name}): ${e.message}`, cause: line };
    }
  };

  for (const c of cmds) {
    if (c.na) continue;
    if (c.unsupported) { report(c, false, `unsupported command '${c.kind}'`); continue; }
    if (c.kind === 'definition' || c.kind === 'component') {
      const fused = await fuse(c);
      if (c.id) defs.set(c.id, fused);
      if (c.kind === 'definition') {
        if (fused.error) fused.defLine = c.line;
        continue;
      }
      current = await instantiate(fused, c.line);
      if (c.id) instances.set(c.id, current);
      report(c, !current.error, current.error);
      continue;
    }
    if (c.kind === 'instance') {
      const fused = defs.get(c.def);
      if (!fused) current = { error: `no component definition ${c.def}`, cause: c.line };
      else {
        current = await instantiate(fused, c.line);
        if (fused.error) current.cause = fused.defLine ?? c.line;
      }
      if (c.id) instances.set(c.id, current);
      report(c, !current.error, current.error, current.error && current.cause !== c.line ? current.cause : undefined);
      continue;
    }
    // assert_return, assert_trap, invoke
    if (c.syntaxError) { report(c, false, `cannot read the assertion: ${c.syntaxError}`); continue; }
    const target = c.action.instance ? instances.get(c.action.instance) ?? { error: `no instance ${c.action.instance}` } : current;
    if (target.error) { report(c, false, `no instance: ${target.error}`, target.cause); continue; }
    let fn, entry;
    try {
      fn = target.inst.func(c.action.name);
      entry = target.inst.abi.exports.find((e) => target.inst.exports[e.core] === fn);
    } catch (e) {
      report(c, false, e.message);
      continue;
    }
    let value, thrown = null;
    try {
      value = fn(...c.action.args);
    } catch (e) {
      thrown = e;
    }
    const call = `${c.action.name}(${c.action.args.map(canon.formatValue).join(', ')})`;
    if (c.kind === 'assert_trap') {
      if (thrown instanceof canon.Trap) report(c, true);
      else if (thrown) report(c, false, `${call}: expected a trap, got ${thrown.name}: ${thrown.message}`);
      else report(c, false, `${call}: expected a trap, returned ${canon.formatValue(value)}`);
      continue;
    }
    if (thrown) {
      report(c, false, `${call}: ${thrown instanceof canon.Trap ? 'trapped' : `threw ${thrown.name}`}: ${thrown.message}`);
      continue;
    }
    if (c.kind === 'invoke') { report(c, true); continue; }
    const want = c.expected;
    if (want.length === 0) {
      report(c, value === undefined, value === undefined ? undefined : `${call}: returned ${canon.formatValue(value)}, expected nothing`);
    } else if (want.length > 1 || !entry.result) {
      report(c, false, `${call}: expected ${want.length} results, the export has ${entry.result ? 1 : 0}`);
    } else {
      const ok = canon.valuesEqual(entry.result, value, want[0]);
      report(c, ok, ok ? undefined : `${call}: returned ${canon.formatValue(value)}, expected ${canon.formatValue(want[0])}`);
    }
  }
}

if (!isMainThread) {
  runFile(workerData).then(
    () => parentPort.postMessage({ type: 'done' }),
    (e) => parentPort.postMessage({ type: 'fatal', reason: `runner error: ${e && e.stack ? e.stack.split('\n').slice(0, 2).join(' ') : e}` }),
  );
}

// ---- The main thread ---------------------------------------------------------------------------

function usage(msg) {
  console.error(`run.mjs: ${msg}\nusage: run.mjs [--meldc PATH] [--suite DIR] [--filter SUBSTR] [--jobs N] [--timeout SEC] ` +
    '[--expected-failures FILE] [--update-expected] [--write-doc FILE] [--keep] [--verbose]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    meldc: process.env.MELDC ?? join(REPO, 'build/tools/meldc/meldc'), suite: resolve(REPO, '../shared/testsuites/component-model-test'),
    filter: null, jobs: availableParallelism(), timeout: 300, xfail: join(HERE, 'expected-failures.txt'), update: false,
    doc: null, keep: false, verbose: false, meldcArgs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--meldc') o.meldc = val();
    else if (a === '--meldc-arg') o.meldcArgs.push(val());
    else if (a === '--suite') o.suite = resolve(val());
    else if (a === '--filter') o.filter = val();
    else if (a === '--jobs') o.jobs = Math.max(1, parseInt(val(), 10) || 1);
    else if (a === '--timeout') o.timeout = Math.max(1, parseInt(val(), 10) || 300);
    else if (a === '--expected-failures') o.xfail = resolve(val());
    else if (a === '--update-expected') o.update = true;
    else if (a === '--write-doc') o.doc = resolve(val());
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose') o.verbose = true;
    else usage(`unknown argument '${a}'`);
  }
  o.meldc = resolve(o.meldc);
  return o;
}

function wastFiles(suite) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.wast')) out.push(p);
    }
  };
  for (const f of FOLDERS) if (existsSync(join(suite, f))) walk(join(suite, f));
  return out;
}

function loadExpected(path) {
  const map = new Map();
  if (!existsSync(path)) return map;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^(\S+:\d+)\s+(.*)$/.exec(line);
    if (m) map.set(m[1], m[2]);
  }
  return map;
}

// Runs one file in a worker; resolves to { plan, results, na, fatal }.
function runInWorker(o, file, rel, work) {
  return new Promise((done) => {
    const st = { plan: [], results: [], na: [], fatal: null };
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { file, meldc: o.meldc, meldcArgs: o.meldcArgs, work } });
    let finished = false;
    const finish = (fatal) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (fatal && !st.fatal) st.fatal = fatal;
      w.terminate().then(() => done(st));
    };
    const timer = setTimeout(() => finish(`timed out after ${o.timeout} s`), o.timeout * 1000);
    w.on('message', (m) => {
      if (m.type === 'plan') { st.plan = m.checks; st.na = m.na; }
      else if (m.type === 'result') st.results[m.index] = m;
      else if (m.type === 'fatal') st.fatal = m.reason;
      else if (m.type === 'done') finish(null);
    });
    w.on('error', (e) => finish(`runner error: ${e.message}`));
    w.on('exit', () => finish(st.fatal ? null : 'the worker exited early'));
  });
}

async function pool(items, jobs, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}

// The repository's commit (the doc says which sources the figures were measured on).
function gitDescribe() {
  const r = spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const KIND_NAMES = { component: 'component', instance: 'component instance', assert_return: 'assert_return', assert_trap: 'assert_trap', invoke: 'invoke' };

function docSection(o, files, totals, jco) {
  const out = [`## ${SECTION}`, ''];
  const commit = gitDescribe();
  out.push('Written by `node test/conformance/component-fusion/run.mjs --meldc build/tools/meldc/meldc ' +
    '--write-doc docs/conformance.md` (ctest: `component-fusion`, label `conformance`)' +
    `${commit ? `, last at commit ${commit}` : ''}. The suite is the runtime part of ` +
    '`../shared/testsuites/component-model-test` (WebAssembly/component-model 6d281648bd89): ' +
    `\`${FOLDERS.join('`, `')}\`, ${files.length} file${files.length === 1 ? '' : 's'}. Each top-level component is assembled by jco ${jco}'s ` +
    'wasm-tools parser, fused by `meldc COMP.wasm -o F.wasm --emit-abi=F.json` (the default fusion pipeline) ' +
    'and instantiated in Node 24 through `test/runtime/canon.mjs`, a host-side Canonical ABI that reads ' +
    'the ABI description; then the commands that follow it run against that instance.', '');
  out.push('A check is one instantiation (`component`, `component instance`: it must fuse and ' +
    'instantiate without a trap; many tests check themselves in a start function) or one assertion ' +
    '(`assert_return`: the result equals the expected value, compared by the export\'s type; ' +
    '`assert_trap`: the call traps, any trap). An assertion on a component that did not fuse fails with it. ' +
    '`assert_invalid`/`assert_malformed` are not applicable here (the component-model runner above checks them).', '');
  out.push('| file | checks | passed | failed | expected failures |', '|---|---|---|---|---|');
  for (const f of files) out.push(`| \`${f.rel}\` | ${f.n} | ${f.pass} | ${f.fail} | ${f.xfail} |`);
  out.push(`| **total** | ${totals.n} | ${totals.pass} | ${totals.fail} | ${totals.xfail} |`, '');
  out.push(`Of the ${totals.n} checks: ${totals.kinds.instantiate} instantiations, ${totals.kinds.assert_return} ` +
    `\`assert_return\`, ${totals.kinds.assert_trap} \`assert_trap\`. Not applicable: ${totals.na}` +
    `${totals.na ? ` (${totals.naList.join(', ')})` : ''}.`, '');
  out.push('### Failures', '');
  const fails = files.flatMap((f) => f.failures);
  if (!fails.length) out.push('None.');
  else {
    out.push('One item per cause, in line order: a component that did not fuse or instantiate, with the ' +
      'checks that fail with it, or a single failing check. "expected" marks lines listed in ' +
      '`test/conformance/component-fusion/expected-failures.txt`.', '');
    for (const f of files) {
      if (!f.failures.length) continue;
      out.push(`- \`${f.rel}\``);
      // A failure's root is the component it depends on (its `cause`), or itself.
      const groups = new Map();
      for (const x of f.failures) {
        const root = x.cause ?? x.line;
        if (!groups.has(root)) groups.set(root, []);
        groups.get(root).push(x);
      }
      for (const [root, xs] of groups) {
        const own = xs.find((x) => x.line === root);
        const deps = xs.filter((x) => x !== own);
        const what = own ? KIND_NAMES[own.kind] ?? own.kind : 'component definition';
        const reason = own ? own.reason : deps[0].reason.replace(/^no instance: /, '');
        const unexpectedN = xs.filter((x) => !x.expected).length;
        const mark = unexpectedN === 0 ? ', expected' : unexpectedN < xs.length ? `, ${unexpectedN} unexpected` : '';
        const tail = deps.length ? `; ${deps.length} check${deps.length > 1 ? 's' : ''} fail${deps.length > 1 ? '' : 's'} with it (line${deps.length > 1 ? 's' : ''} ${compactLines(deps.map((y) => y.line))})` : '';
        out.push(`  - line ${root} (${what}${mark}): ${reason}${tail}`);
      }
    }
  }
  return out.join('\n') + '\n';
}

const compactLines = (lines) => lines.join(', ');

function writeDoc(path, section) {
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Conformance\n';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${SECTION}`);
  if (start < 0) text = text.replace(/\n*$/, '\n\n') + section;
  else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end < 0) end = lines.length;
    const after = lines.slice(end).join('\n');
    text = [...lines.slice(0, start), ...section.replace(/\n$/, '').split('\n'), ...(after ? ['', after] : [''])].join('\n');
  }
  writeFileSync(path, text.replace(/\n*$/, '\n'));
}

function writeExpected(path, failures, old) {
  const head = [
    '# Known failures of the fused component-model suite (component-fusion/run.mjs), one per line:',
    '#   <folder/file.wast>:<line of the check>  <reason>',
    '# A listed check that starts passing fails the run, so this list stays accurate: remove its line',
    '# (or run `run.mjs --update-expected` and review the diff). Keep docs/conformance.md',
    '# ("Component model suite, fused") in step: `run.mjs --write-doc docs/conformance.md`.',
  ];
  const body = failures.map((f) => `${f.key} ${old.get(f.key) ?? f.reason.replace(/\s+/g, ' ')}`);
  writeFileSync(path, [...head, ...body].join('\n') + '\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(o.suite) || !FOLDERS.some((f) => existsSync(join(o.suite, f)))) {
    console.log(`SKIP: component-model suite not found at ${o.suite} (expected ../shared/testsuites/component-model-test beside the checkout)`);
    return 0;
  }
  if (!existsSync(o.meldc)) {
    console.error(`run.mjs: meldc not found at ${o.meldc} (use --meldc PATH)`);
    return 2;
  }
  const expected = loadExpected(o.xfail);
  const all = wastFiles(o.suite);
  const files = all.filter((f) => !o.filter || relative(o.suite, f).includes(o.filter));
  const work = mkdtempSync(join(tmpdir(), 'meldc-fusion-'));
  const results = new Array(files.length);
  await pool(files, o.jobs, async (file, i) => {
    const rel = relative(o.suite, file);
    results[i] = { rel, ...(await runInWorker(o, file, rel, join(work, rel.replace(/[/.]/g, '_')))) };
  });

  const totals = { n: 0, pass: 0, fail: 0, xfail: 0, na: 0, naList: [], kinds: { instantiate: 0, assert_return: 0, assert_trap: 0 } };
  const perFile = [];
  const unexpected = [], xpass = [], allFailures = [];
  for (const r of results) {
    const f = { rel: r.rel, n: r.plan.length, pass: 0, fail: 0, xfail: 0, failures: [] };
    totals.na += r.na.length;
    for (const c of r.na) totals.naList.push(`\`${r.rel}:${c.line}\` (${c.kind})`);
    r.plan.forEach((c, i) => {
      const key = `${r.rel}:${c.line}`;
      const res = r.results[i] ?? { ok: false, reason: r.fatal ? `not run: ${r.fatal}` : 'not run' };
      const kind = c.kind === 'component' || c.kind === 'instance' ? 'instantiate' : c.kind;
      if (kind in totals.kinds) totals.kinds[kind]++;
      if (res.ok) {
        f.pass++;
        if (expected.has(key)) xpass.push(key);
        if (o.verbose) console.log(`  ok ${key} (${c.kind})`);
        return;
      }
      f.fail++;
      const x = { key, line: c.line, kind: c.kind, reason: res.reason ?? 'failed', cause: res.cause, expected: expected.has(key) };
      f.failures.push(x);
      allFailures.push(x);
      if (x.expected) f.xfail++;
      else unexpected.push(x);
      if (o.verbose) console.log(`  FAIL ${key} (${c.kind})${x.expected ? ' [expected]' : ''}: ${x.reason}`);
    });
    if (r.fatal && r.plan.length === 0) {
      // The file could not be read: one failure for the file itself.
      const x = { key: `${r.rel}:0`, line: 0, kind: 'file', reason: r.fatal, expected: expected.has(`${r.rel}:0`) };
      f.n++; f.fail++; f.failures.push(x); allFailures.push(x);
      if (x.expected) f.xfail++; else unexpected.push(x);
    }
    for (const k of ['n', 'pass', 'fail', 'xfail']) totals[k] += f[k];
    perFile.push(f);
    const extra = [f.xfail && `${f.xfail} expected`, f.fail - f.xfail && `${f.fail - f.xfail} unexpected`].filter(Boolean).join(', ');
    console.log(`${r.rel}: ${f.pass} passed, ${f.fail} failed${extra ? ` (${extra})` : ''}${r.fatal ? ` [${r.fatal}]` : ''}`);
  }
  console.log(`\ntotal: ${totals.pass} passed, ${totals.fail} failed (${totals.xfail} expected failures, ` +
    `${unexpected.length} unexpected); ${totals.kinds.instantiate} instantiations, ${totals.kinds.assert_return} assert_return, ` +
    `${totals.kinds.assert_trap} assert_trap; ${totals.na} not applicable`);
  if (unexpected.length) {
    console.log('\nunexpected failures:');
    for (const x of unexpected) console.log(`  ${x.key} (${x.kind}): ${x.reason}`);
  }
  // A listed check whose file was not run (--filter) is neither a pass nor a failure.
  if (xpass.length) {
    console.log('\nlisted in expected-failures.txt but now passing (remove them, or run with --update-expected):');
    for (const k of xpass) console.log(`  ${k}`);
  }
  const updating = o.update && !o.filter;
  if (o.update && o.filter) console.error('run.mjs: --update-expected ignored with --filter (the list would be partial)');
  if (updating) {
    writeExpected(o.xfail, allFailures, expected);
    console.log(`\n${o.xfail}: ${allFailures.length} expected failures written`);
    for (const f of perFile) { for (const x of f.failures) x.expected = true; f.xfail = f.fail; }
    totals.xfail = totals.fail;
  }
  if (o.doc) {
    if (o.filter) console.error('run.mjs: --write-doc ignored with --filter (the counts would be partial)');
    else {
      let jco = '?';
      try { jco = JSON.parse(readFileSync(join(REPO, 'node_modules/@bytecodealliance/jco/package.json'), 'utf8')).version; } catch { /* '?' */ }
      writeDoc(o.doc, docSection(o, perFile, totals, jco));
    }
  }
  if (o.keep) console.log(`\nfiles kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
  if (updating) return 0;
  return unexpected.length || xpass.length ? 1 : 0;
}

if (isMainThread) process.exit(await main());
