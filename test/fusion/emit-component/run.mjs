// --emit=component round trip: the fixture programs, fused by meldc and wrapped back into
// components, run by jco, must behave as the originals do.
//
//   node test/fusion/emit-component/run.mjs --meldc PATH --fixtures DIR [--work DIR] [--jobs N]
//                                            [--only APP] [--passes PIPELINE]
//
// The fixtures (test/fixtures/build.mjs) are built first when DIR has no manifest.json.
// Checks, each counted:
//   1. alone: every component of every application of test/fixtures/apps.mjs wrapped on its
//      own (`-passes=resolve --emit=component`: nothing crosses a component boundary inside
//      it, so its imports stay imports, lowered through the shim, and its exports are lifted);
//      the wrapped components are linked as the unfused program is (`jco transpile --map`) and
//      every case must give its expected outcome;
//   2. fused: each application fused by the default pipeline (or --passes) and wrapped: the
//      same cases called on the wrapped root; a command must print what it prints unfused;
//   3. the WASI command `hello` (fused, wrapped) under `jco run` prints exactly what the
//      original prints; the `logger` reactor (WASI through the reactor adapter) logs the same
//      lines from the same calls;
//   4. every wrapped component passes meldc's verifier (`-passes= --disable-output`) and, as
//      jco's componentWit reads it, exports what the original exports and imports nothing the
//      original does not import.
// Calls where jco is known to stray from the Canonical ABI (apps.mjs `spec`) are reported, not
// counted; applications jco cannot transpile (latin1+utf16 at the host boundary) are skipped.
// Prints "N passed, N failed, N skipped"; exit status 1 when anything failed.
import { componentWit } from '@bytecodealliance/jco';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APPS } from '../../fixtures/apps.mjs';
import { jsName, run, runUnfusedCase, runUnfusedCommand, transpileApp } from '../../fixtures/unfused.mjs';
import { encodeWant, sameOutcome, showArgs, showOutcome } from '../../fixtures/values.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../../..');
const JCO_DIR = join(REPO, 'node_modules/@bytecodealliance/jco');
const JCO = join(JCO_DIR, 'dist/jco.js');

function usage(msg) {
  console.error(`run.mjs: ${msg}\nusage: run.mjs --meldc PATH --fixtures DIR [--work DIR] [--jobs N] [--only APP] [--passes PIPELINE]`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { meldc: null, fixtures: null, work: null, jobs: availableParallelism(), only: null, passes: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--meldc') o.meldc = resolve(v());
    else if (a === '--fixtures') o.fixtures = resolve(v());
    else if (a === '--work') o.work = resolve(v());
    else if (a === '--jobs') o.jobs = Math.max(1, Number(v()));
    else if (a === '--only') o.only = v();
    else if (a === '--passes') o.passes = v();
    else usage(`unknown argument '${a}'`);
  }
  if (!o.meldc) usage('--meldc is required');
  if (!o.fixtures) usage('--fixtures is required');
  o.work ??= join(o.fixtures, 'emit-component');
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

function makeTally() {
  const t = { passed: 0, failed: 0, skipped: 0 };
  t.ok = (cond, what, detail) => {
    if (cond) t.passed++;
    else {
      t.failed++;
      console.log(`FAIL ${what}${detail ? `\n  ${String(detail).trim().split('\n').slice(0, 12).join('\n  ')}` : ''}`);
    }
    return cond;
  };
  t.skip = (what, why) => {
    t.skipped++;
    console.log(`skip ${what}: ${why}`);
  };
  return t;
}

const firstLine = (e) => String((e && e.message) || e).split('\n')[0];

// jco transpile of each component of `app` (srcDir/<name>.wasm) into workDir/<app>/<name>/, its
// imports mapped onto the others as the unfused program's are (transpileApp's layout).  With
// --multi-memory: a fused module keeps one memory per component instance, and without it jco
// rewrites every memory but the first into JS calls, which it can do for its own adapter modules
// only.  Each transpile runs in its own process: a jco that asserted (latin1+utf16) is unusable.
async function transpileProgram(app, srcDir, workDir) {
  const appDir = join(workDir, app.name);
  await rm(appDir, { recursive: true, force: true });
  await mkdir(appDir, { recursive: true });
  await writeFile(join(workDir, 'package.json'), '{ "type": "module", "private": true }\n');
  const shim = join(workDir, 'node_modules/@bytecodealliance/preview2-shim');
  if (!existsSync(shim)) {
    const found = [join(REPO, 'node_modules/@bytecodealliance/preview2-shim'), join(JCO_DIR, 'node_modules/@bytecodealliance/preview2-shim')]
      .find((p) => existsSync(join(p, 'package.json')));
    if (!found) throw new Error('@bytecodealliance/preview2-shim not found under node_modules');
    await mkdir(dirname(shim), { recursive: true });
    await symlink(found, shim, 'dir');
  }
  for (const name of app.components) {
    const map = [];
    for (const [importer, iface, exporter] of app.links)
      if (importer === name) map.push(`${iface}=../${exporter}/${exporter}.js#${jsName(iface)}`);
    const r = await run(process.execPath, [JCO, 'transpile', join(srcDir, `${name}.wasm`), '-o', join(appDir, name), '--name', name,
      '--multi-memory', '--no-typescript', '-q', ...(map.length ? ['--map', ...map] : [])]);
    if (r.code !== 0) throw new Error(`jco transpile ${name}: ${(r.stderr.split('\n').find((l) => /error|Error|assert/.test(l)) || r.stderr).trim().slice(0, 300)}`);
  }
  return appDir;
}

// What a command prints unfused (the originals linked by jco), once per application.
const originalRuns = new Map();
async function originalCommand(o, app) {
  if (!originalRuns.has(app.name)) {
    originalRuns.set(app.name, (async () => {
      const appDir = await transpileApp(app, o.fixtures, join(o.work, 'js-original'));
      const r = await runUnfusedCommand(app, appDir);
      if (r.status !== app.command.status || r.stdout !== app.command.stdout || r.stderr !== app.command.stderr)
        console.log(`note ${app.name}: the unfused originals print ${JSON.stringify(r.stdout)} / ${JSON.stringify(r.stderr)} ` +
          `(status ${r.status}), not what apps.mjs expects; the wrapped program is compared with the originals`);
      return r;
    })());
  }
  return originalRuns.get(app.name);
}

// meldc IN... ARGS -o OUT --emit=component, then the verifier on OUT.
async function wrap(o, inputs, out, passes) {
  await mkdir(dirname(out), { recursive: true });
  const args = [...inputs, ...(passes !== null ? [`-passes=${passes}`] : []), '--emit=component', '-o', out];
  const r = await run(o.meldc, args);
  if (r.code !== 0) throw new Error(`meldc ${args.join(' ')}: exit ${r.code ?? r.signal}\n${r.stderr}`);
  const v = await run(o.meldc, ['-passes=', '--disable-output', out]);
  if (v.code !== 0) throw new Error(`meldc -passes= --disable-output ${out}: exit ${v.code ?? v.signal}\n${v.stderr}`);
}

// The world's import and export names, as componentWit prints them.
async function worldOf(file) {
  const wit = await componentWit(await readFile(file));
  const world = wit.slice(wit.indexOf('world root'));
  const names = (kw) => new Set([...world.matchAll(new RegExp(`^\\s*${kw} ([^:;\\s]+(?::[^;\\s]*[^:;\\s])?)[;:]`, 'gm'))]
    .map((m) => m[1].replace(/:$/, '')));
  return { imports: names('import'), exports: names('export') };
}

// Exports equal, imports a subset of what the originals import.
async function checkWorld(t, what, wrapped, originals) {
  try {
    const got = await worldOf(wrapped);
    const want = { imports: new Set(), exports: (await worldOf(originals[0])).exports };
    for (const f of originals) for (const i of (await worldOf(f)).imports) want.imports.add(i);
    const extra = [...got.imports].filter((i) => !want.imports.has(i));
    const sameExports = got.exports.size === want.exports.size && [...got.exports].every((e) => want.exports.has(e));
    t.ok(sameExports && extra.length === 0, `${what}: WIT world`,
      `exports ${[...got.exports].join(', ')} (want ${[...want.exports].join(', ')})` +
      (extra.length ? `; imports not imported by the original: ${extra.join(', ')}` : ''));
  } catch (e) {
    t.ok(false, `${what}: componentWit`, firstLine(e));
  }
}

// The calls of a program: every case of its application (or its command), each in its own
// process; tallied in order once all have run.
async function runPrograms(o, t, programs) {
  const jobs = programs.flatMap((p) => (p.app.command ? [{ p }] : p.app.cases.map((kase) => ({ p, kase }))));
  const originals = new Map();
  for (const p of programs)
    if (p.app.command && !originals.has(p.app.name))
      originals.set(p.app.name, await originalCommand(o, p.app).catch((e) => ({ failure: firstLine(e) })));
  const results = await pool(jobs, o.jobs, async ({ p, kase }) => {
    try {
      return kase ? await runUnfusedCase(p.app, kase, p.appDir) : await runUnfusedCommand(p.app, p.appDir);
    } catch (e) {
      return { failure: firstLine(e) };
    }
  });
  jobs.forEach(({ p, kase }, k) => {
    const r = results[k], app = p.app;
    const tag = `${p.what} ${app.name}${kase ? `/${kase.name}` : ''}`;
    if (r.failure) return t.ok(false, tag, r.failure);
    if (!kase) {
      const w = originals.get(app.name);
      if (w.failure) return t.ok(false, `${app.name}: the unfused originals`, w.failure);
      t.ok(r.status === w.status && r.stdout === w.stdout && r.stderr === w.stderr, `${tag}: command output`,
        `status ${r.status}, stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}\n` +
        `want status ${w.status}, stdout ${JSON.stringify(w.stdout)}, stderr ${JSON.stringify(w.stderr)}`);
      return;
    }
    kase.calls.forEach((c, i) => {
      if (!c.want) return;
      const got = r[i], want = encodeWant(c.want);
      const call = `${tag}: ${c.iface ? `${c.iface}#` : ''}${c.fn}(${showArgs(c.args)})`;
      if (c.spec) {
        if (!sameOutcome(got, want)) console.log(`note ${call}: got ${showOutcome(got)}, the Canonical ABI ${showOutcome(want)} (${c.spec})`);
        return;
      }
      t.ok(sameOutcome(got, want), call, `got ${showOutcome(got)}, want ${showOutcome(want)}`);
    });
  });
}

// 1 and 2: the programs to run.  alone: every component wrapped on its own, linked as the
// unfused program; fused: each application fused and wrapped, its root alone.
async function checkApps(o, t, apps) {
  const names = [...new Set(apps.flatMap((a) => a.components))];
  const wrapJobs = [
    ...names.map((name) => ({ what: 'alone', name, inputs: [name], out: join(o.work, 'alone', `${name}.wasm`) })),
    ...apps.map((app) => ({ what: 'fused', name: app.name, inputs: app.components, out: join(o.work, 'fused', app.name, `${app.components[0]}.wasm`) })),
  ];
  const wrapErrors = await pool(wrapJobs, o.jobs, async (j) => {
    try {
      await wrap(o, j.inputs.map((c) => join(o.fixtures, `${c}.wasm`)), j.out, o.passes);
      return null;
    } catch (e) {
      return e.message;
    }
  });
  const wrapped = new Set();
  wrapJobs.forEach((j, k) => {
    if (t.ok(!wrapErrors[k], `${j.what} ${j.name}: wrap`, wrapErrors[k])) wrapped.add(`${j.what} ${j.name}`);
  });

  const programs = [];
  for (const app of apps) {
    if (app.components.every((c) => wrapped.has(`alone ${c}`))) {
      if (app.unfused === false) t.skip(`alone ${app.name}`, 'jco cannot transpile its latin1+utf16 components');
      else programs.push({ what: 'alone', app, srcDir: join(o.work, 'alone') });
    }
    if (wrapped.has(`fused ${app.name}`))
      programs.push({ what: 'fused', app: { ...app, components: [app.components[0]], links: [] }, srcDir: join(o.work, 'fused', app.name), original: app });
  }
  const transpiled = await pool(programs, o.jobs, async (p) => {
    try {
      p.appDir = await transpileProgram(p.app, p.srcDir, join(o.work, `js-${p.what}`));
      return null;
    } catch (e) {
      return firstLine(e);
    }
  });
  const ready = [];
  programs.forEach((p, k) => {
    if (!transpiled[k]) ready.push(p);
    else if (p.what === 'fused' && p.app.unfused === false) t.skip(`fused ${p.app.name}`, `jco cannot transpile it: ${transpiled[k]}`);
    else t.ok(false, `${p.what} ${p.app.name}: transpile`, transpiled[k]);
  });
  /* 4. The WIT worlds (of what jco could read: componentWit shares its fate). */
  for (const name of names)
    if (ready.some((p) => p.what === 'alone' && p.app.components.includes(name)))
      await checkWorld(t, `alone ${name}`, join(o.work, 'alone', `${name}.wasm`), [join(o.fixtures, `${name}.wasm`)]);
  for (const p of ready)
    if (p.what === 'fused')
      await checkWorld(t, `fused ${p.app.name}`, join(p.srcDir, `${p.app.components[0]}.wasm`),
        p.original.components.map((c) => join(o.fixtures, `${c}.wasm`)));
  await runPrograms(o, t, ready);
}

// 3. The WASI command under `jco run`, and the WASI reactor called from node.
async function jcoRun(file, jcoDir) {
  return run(process.execPath, [JCO, 'run', '--jco-dir', jcoDir, file]);
}

async function checkWasi(o, t) {
  const hello = join(o.fixtures, 'hello.wasm');
  const wrapped = join(o.work, 'wasi', 'hello.wasm');
  try {
    await wrap(o, [hello], wrapped, o.passes);
    t.passed++;
    const want = await jcoRun(hello, join(o.work, 'wasi', 'run-original'));
    const got = await jcoRun(wrapped, join(o.work, 'wasi', 'run-wrapped'));
    t.ok(want.code === 0 && want.stdout.length > 0, 'hello: the original runs under jco run', want.stderr);
    t.ok(got.code === want.code, 'hello: jco run exit status', `${got.code} (want ${want.code})\n${got.stderr}`);
    t.ok(got.stdout === want.stdout, 'hello: jco run stdout', `${JSON.stringify(got.stdout)} (want ${JSON.stringify(want.stdout)})`);
    t.ok(got.stderr === want.stderr, 'hello: jco run stderr', `${JSON.stringify(got.stderr)} (want ${JSON.stringify(want.stderr)})`);
    await checkWorld(t, 'hello', wrapped, [hello]);
  } catch (e) {
    t.ok(false, 'hello', e.message);
  }

  const logger = join(o.fixtures, 'logger.wasm');
  const dir = join(o.work, 'wasi');
  try {
    await wrap(o, [logger], join(dir, 'logger-wrapped', 'logger.wasm'), o.passes);
    await copyFile(logger, join(dir, 'logger-original.wasm')).catch(() => {});
    t.passed++;
    const outputs = [];
    for (const [tag, src] of [['original', logger], ['wrapped', join(dir, 'logger-wrapped', 'logger.wasm')]]) {
      const srcDir = join(dir, `logger-${tag}-src`);
      await mkdir(srcDir, { recursive: true });
      await copyFile(src, join(srcDir, 'logger.wasm'));
      const appDir = await transpileApp({ name: `logger-${tag}`, components: ['logger'], links: [] }, srcDir, join(dir, 'js'));
      const file = pathToFileURL(join(appDir, 'logger', 'logger.js')).href;
      const code = `import { sink } from ${JSON.stringify(file)};\n` +
        `const a = sink.log(3, 'héllo'); const b = sink.log(255, ''); const c = sink.log(1, 'x'.repeat(5000));\n` +
        `await new Promise((r) => setTimeout(r));\n` +
        `process.stderr.write(\`returned \${a} \${b} \${c}\\n\`);\n`;
      outputs.push(await run(process.execPath, ['--input-type=module', '-e', code], { cwd: dir }));
    }
    const [want, got] = outputs;
    t.ok(want.code === 0 && want.stdout.length > 0, 'logger: the original runs', want.stderr);
    t.ok(got.code === want.code && got.stdout === want.stdout && got.stderr === want.stderr, 'logger: same output',
      `status ${got.code}, stdout ${JSON.stringify(got.stdout.slice(0, 200))}, stderr ${JSON.stringify(got.stderr.slice(0, 200))}`);
    await checkWorld(t, 'logger', join(dir, 'logger-wrapped', 'logger.wasm'), [logger]);
  } catch (e) {
    t.ok(false, 'logger', e.message);
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(join(o.fixtures, 'manifest.json'))) {
    const r = await run(process.execPath, [join(REPO, 'test/fixtures/build.mjs'), '--out', o.fixtures], { timeoutMs: 600_000 });
    if (r.code !== 0) {
      console.log(`FAIL building the fixtures:\n${r.stdout}${r.stderr}`);
      return 1;
    }
  }
  await rm(o.work, { recursive: true, force: true });
  await mkdir(o.work, { recursive: true });
  await writeFile(join(o.work, 'package.json'), '{ "type": "module", "private": true }\n');
  const apps = APPS.filter((a) => !o.only || a.name === o.only);
  if (!apps.length && o.only !== 'wasi') usage(`no application '${o.only}'`);
  const t = makeTally();
  if (!o.only || o.only === 'wasi') await checkWasi(o, t);
  if (apps.length) await checkApps(o, t, apps);
  console.log(`${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  return t.failed ? 1 : 0;
}

process.exitCode = await main();
