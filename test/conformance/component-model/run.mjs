#!/usr/bin/env node
// Conformance runner for the component-model test suite
// (../shared/testsuites/component-model-test, relative to the repository root).
//
// For every .wast file it extracts the top-level component forms:
//   (component ...), (component $id ...), (component definition $id? ...)   -> must be valid
//   (component binary "..." ...), (component quote "..." ...)                 -> same, as bytes / text
//   (assert_invalid <component> "msg"), (assert_malformed <component> "msg") -> must be refused
// Text forms are assembled with jco's wasm-tools parser (the one test/tools/wasm-tools.mjs uses,
// called in-process); binary forms are decoded here.  Then meldc runs on each:
//   valid:   `meldc IN.wasm -o OUT1.wasm` (read, verify, write) succeeds;
//            `meldc OUT1.wasm -o OUT2.wasm` succeeds and OUT2 equals OUT1 (the round trip);
//            `meldc -S IN.wasm -o -` succeeds (the printer), its text assembles with wasm-tools,
//            and printing that assembled component gives the same text (comments aside);
//   refused: `meldc -passes= --disable-output IN.wasm` exits 1 with an `error:` diagnostic.  A signal, an
//            exit status of 128 or more, a sanitizer report or a timeout is a crash: a failure.
// A form the assembler itself refuses (a text-level error such as `invalid string escape`) gives
// meldc nothing to read; it is reported as "not assembled", never counted as a pass.
//
// Usage: node run.mjs [--meldc PATH] [--filter SUBSTR] [--jobs N] [--write-doc FILE]
//                     [--keep] [--verbose]
//   --meldc      default: $MELDC, then <repo>/build/tools/meldc/meldc
//   --write-doc  rewrite the "Component model suite" section of FILE (docs/conformance.md)
// Known failures are listed with their reasons in expected-failures.txt next to this file; they
// are reported but do not fail the run (and one that starts passing does).  Exit status: 0 when
// everything else passes or when the suite is absent (skipped with a message), 1 otherwise.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSexprs, stringBytes } from '../lib/wast-reader.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../../..');
const SUITE = resolve(REPO, '../shared/testsuites/component-model-test');
const SECTION = 'Component model suite';
const TIMEOUT_MS = 60_000;

function usage(msg) {
  console.error(`run.mjs: ${msg}\nusage: run.mjs [--meldc PATH] [--filter SUBSTR] [--jobs N] ` +
    `[--write-doc FILE] [--keep] [--verbose]`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    meldc: process.env.MELDC ?? join(REPO, 'build/tools/meldc/meldc'), filter: null,
    jobs: availableParallelism(), doc: null, keep: false, verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--meldc') o.meldc = val();
    else if (a === '--filter') o.filter = val();
    else if (a === '--jobs') o.jobs = Math.max(1, parseInt(val(), 10) || 1);
    else if (a === '--write-doc') o.doc = resolve(val());
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose') o.verbose = true;
    else usage(`unknown argument '${a}'`);
  }
  o.meldc = resolve(o.meldc);
  return o;
}

// ---- S-expressions (the shared reader: ../lib/wast-reader.mjs) ---------------------------------

const readForms = readSexprs;

const atom = (x) => (x && x.kind === 'atom' ? x.text : undefined);
const isComponent = (f) => f && f.items && atom(f.items[0]) === 'component' && atom(f.items[1]) !== 'instance';

// A component form -> { kind: 'text' | 'binary' | 'quote', text?, bytes? }.
function payload(src, form) {
  let i = 1;
  if (atom(form.items[i]) === 'definition') i++;
  if (atom(form.items[i])?.startsWith('$')) i++;
  const mode = atom(form.items[i]);
  if (mode === 'binary') return { kind: 'binary', bytes: Buffer.concat(form.items.slice(i + 1).map((s) => stringBytes(s.raw))) };
  if (mode === 'quote') {
    const text = form.items.slice(i + 1).map((s) => stringBytes(s.raw).toString('utf8')).join(' ');
    return { kind: 'quote', text: `(component ${text})` };
  }
  // The wast-only `definition` keyword goes; wasm-tools assembles the rest as is.
  return { kind: 'text', text: src.slice(form.start, form.end).replace(/^\(component\s+definition\b/, '(component') };
}

// ---- Running meldc -----------------------------------------------------------------------------

function run(cmd, args) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    let timedOut = false;
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); done({ code: -1, signal: null, stdout: '', stderr: String(e), timedOut }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8').trim(), timedOut });
    });
  });
}

const crashed = (r) => r.timedOut || !!r.signal || r.code === null || r.code < 0 || r.code >= 128 ||
  /AddressSanitizer|LeakSanitizer|runtime error:/.test(r.stderr);

function describe(r) {
  if (r.timedOut) return `timed out after ${TIMEOUT_MS / 1000} s`;
  if (r.signal) return `killed by ${r.signal}`;
  const san = r.stderr.split('\n').find((l) => /Sanitizer|runtime error/.test(l));
  if (san) return `sanitizer report: ${san}`;
  const first = r.stderr.split('\n').find((l) => l.includes('error')) ?? r.stderr.split('\n')[0] ?? '';
  return `exit ${r.code}${first ? `: ${first}` : ''}`;
}

async function pool(items, jobs, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

// ---- Checks ------------------------------------------------------------------------------------

async function checkValid(o, parse, dir, id, bytes) {
  const inp = join(dir, `${id}.wasm`), o1 = join(dir, `${id}.1.wasm`), o2 = join(dir, `${id}.2.wasm`);
  await writeFile(inp, bytes);
  let r = await run(o.meldc, ['-passes=', inp, '-o', o1]);
  if (r.code !== 0 || crashed(r)) return { ok: false, why: `valid component refused: ${describe(r)}` };
  r = await run(o.meldc, ['-passes=', o1, '-o', o2]);
  if (r.code !== 0 || crashed(r)) return { ok: false, why: `rewritten component refused: ${describe(r)}` };
  const b1 = await readFile(o1), b2 = await readFile(o2);
  if (!b1.equals(b2)) return { ok: false, why: 'round trip: writing the re-read output gives different bytes' };
  r = await run(o.meldc, ['-passes=', '-S', inp, '-o', '-']);
  if (r.code !== 0 || crashed(r)) return { ok: false, why: `printer failed: ${describe(r)}` };
  const text = r.stdout;
  let again;
  try {
    again = Buffer.from(await parse(text));
  } catch (e) {
    return { ok: false, why: `printed text does not assemble: ${String(e.message ?? e).split('\n')[0]}` };
  }
  const inp2 = join(dir, `${id}.printed.wasm`);
  await writeFile(inp2, again);
  r = await run(o.meldc, ['-passes=', '-S', inp2, '-o', '-']);
  if (r.code !== 0 || crashed(r)) return { ok: false, why: `re-assembled printed text refused: ${describe(r)}` };
  // `;;` comments are ignored: the core printer reports the size of a core name section there,
  // and wasm-tools re-encodes that section from the printed identifiers.
  const strip = (t) => t.replace(/;;[^\n]*/g, '');
  if (strip(r.stdout) !== strip(text)) return { ok: false, why: 'printing the re-assembled text gives different text' };
  return { ok: true, identical: b1.equals(bytes) };
}

async function checkRefused(o, dir, id, bytes, expected) {
  const inp = join(dir, `${id}.wasm`);
  await writeFile(inp, bytes);
  const r = await run(o.meldc, ['-passes=', '--disable-output', inp]);
  if (crashed(r)) return { ok: false, why: `crashed: ${describe(r)}` };
  if (r.code === 0) return { ok: false, why: `accepted, expected refusal ("${expected}")` };
  if (r.code !== 1 || !/error:/.test(r.stderr)) return { ok: false, why: `bad failure: ${describe(r)}` };
  return { ok: true, matched: expected === '' || r.stderr.includes(expected), offset: /:0x[0-9a-f]+: error:/.test(r.stderr), msg: describe(r) };
}

// ---- Documentation -----------------------------------------------------------------------------

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

function docSection(t, lists, nfiles, jco) {
  const row = (name, c) => `| ${name} | ${c.n} | ${c.pass} | ${c.fail} | ${c.xfail} | ${c.unassembled} |`;
  const total = { n: 0, pass: 0, fail: 0, xfail: 0, unassembled: 0 };
  for (const c of Object.values(t.cases)) for (const k of Object.keys(total)) total[k] += c[k];
  const out = [];
  out.push(`## ${SECTION}`, '');
  out.push('Written by `node test/conformance/component-model/run.mjs --meldc build/tools/meldc/meldc ' +
    '--write-doc docs/conformance.md`. The suite is `../shared/testsuites/component-model-test` ' +
    `(WebAssembly/component-model 6d281648bd89, \`test/\`: ${nfiles} \`.wast\` files). Every component form in it ` +
    '(`component`, `component definition`, `component binary`/`quote`, and the components of ' +
    `\`assert_invalid\` and \`assert_malformed\`) is assembled (text forms by jco ${jco}'s wasm-tools ` +
    'parser, binary forms decoded by the runner) and given to meldc:', '');
  out.push('- valid components: `meldc IN -o A` and `meldc A -o B` succeed and A equals B; `meldc -S IN` ' +
    'succeeds, its text assembles with wasm-tools and prints again to the same text;');
  out.push('- `assert_invalid` and `assert_malformed` components: `meldc -passes= --disable-output IN` exits 1 ' +
    'with an `error:` diagnostic (a signal, an exit status of 128 or more, a sanitizer report or a ' +
    'timeout is a crash and fails).', '');
  out.push('A text form the assembler refuses is "not assembled": there are no bytes for meldc to read. ' +
    'That is the case of the `assert_malformed` `component quote` forms, which test a text parser ' +
    '(meldc reads binaries only), and of text newer or older than the assembler.', '');
  out.push('| case | forms | passed | failed | expected failures | not assembled |', '|---|---|---|---|---|---|');
  out.push(row('valid component: verify, round trip, print fixpoint', t.cases.valid));
  out.push(row('`assert_invalid`: refused', t.cases.invalid));
  out.push(row('`assert_malformed`: refused', t.cases.malformed));
  out.push(`| **total** | ${total.n} | ${total.pass} | ${total.fail} | ${total.xfail} | ${total.unassembled} |`, '');
  out.push(`Byte identity: ${t.identical} of ${t.cases.valid.pass} valid components that passed are written back ` +
    'byte for byte (`cmp IN A`).', '');
  out.push(`Diagnostics: ${t.offset} of ${t.refused} refusals name a byte offset (\`file:0xOFFSET: error: ...\`); ` +
    `${t.matched} of ${t.refused} contain the suite's expected message text (messages follow wasm-tools' ` +
    'wording where practical; a different wording is not a failure).', '');
  out.push('### Exceptions', '');
  out.push(`Not assembled (the assembler refuses the text, so there is nothing for meldc to read): ${lists.unassembled.length}`, '');
  for (const u of lists.unassembled) out.push(`- ${u}`);
  if (lists.unassembled.length) out.push('');
  out.push(`Expected failures (\`test/conformance/component-model/expected-failures.txt\`): ${lists.xfail.length}`, '');
  for (const x of lists.xfail) out.push(`- ${x}`);
  if (lists.xfail.length) out.push('');
  out.push(`Failures: ${lists.failures.length}.`);
  for (const f of lists.failures) out.push(`- ${f}`);
  return out.join('\n') + '\n';
}

// ---- Main --------------------------------------------------------------------------------------

function wastFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...wastFiles(p));
    else if (e.endsWith('.wast')) out.push(p);
  }
  return out;
}

function loadExpected() {
  const map = new Map(); // "dir/file.wast:line" -> reason
  const file = join(HERE, 'expected-failures.txt');
  if (!existsSync(file)) return map;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^(\S+:\d+)\s+(.*)$/);
    if (m && !line.startsWith('#')) map.set(m[1], m[2]);
  }
  return map;
}

// Short, one-line form of an assembler error.
function asmError(msg) {
  const m = msg.match(/kind: (?:Custom\("(.*?)"\)|Lex\((\w+(?:\([^)]*\))?)\))/);
  return m ? (m[1] ?? m[2]) : msg.slice(0, 160);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(SUITE)) {
    console.log(`SKIP: component-model suite not found at ${SUITE} (expected ../shared/testsuites/component-model-test beside the checkout)`);
    return 0;
  }
  if (!existsSync(o.meldc)) {
    console.error(`run.mjs: meldc not found at ${o.meldc} (use --meldc PATH)`);
    return 2;
  }
  let parse;
  try {
    ({ parse } = await import('@bytecodealliance/jco'));
  } catch (e) {
    console.error(`run.mjs: cannot load @bytecodealliance/jco (${e.message}); run npm ci`);
    return 2;
  }
  const expected = loadExpected();
  const work = await mkdtemp(join(tmpdir(), 'meldc-cm-'));
  const newCounts = () => ({ n: 0, pass: 0, fail: 0, xfail: 0, unassembled: 0 });
  const t = { cases: { valid: newCounts(), invalid: newCounts(), malformed: newCounts() }, identical: 0, refused: 0, matched: 0, offset: 0 };
  const lists = { failures: [], unassembled: [], xfail: [] };
  const seenExpected = new Set();
  let xpass = 0;

  const files = wastFiles(SUITE);
  const nfiles = files.length;
  for (const file of files) {
    const rel = relative(SUITE, file);
    if (o.filter && !rel.includes(o.filter)) continue;
    const src = readFileSync(file, 'utf8');
    const counts = { pass: 0, fail: 0, xfail: 0, unassembled: 0 };
    let forms;
    try {
      forms = readForms(src);
    } catch (e) {
      lists.failures.push(`\`${rel}\`: cannot read the .wast file: ${e.message}`);
      console.log(`${rel}: cannot read: ${e.message}`);
      continue;
    }
    const cases = [];
    for (const f of forms) {
      if (!f.items) continue;
      const head = atom(f.items[0]);
      if (isComponent(f)) cases.push({ f, comp: f, kind: 'valid', message: '' });
      else if ((head === 'assert_invalid' || head === 'assert_malformed') && isComponent(f.items[1]))
        cases.push({
          f, comp: f.items[1], kind: head === 'assert_invalid' ? 'invalid' : 'malformed',
          message: f.items[2]?.kind === 'str' ? stringBytes(f.items[2].raw).toString('utf8') : '',
        });
    }
    const dir = join(work, rel.replace(/[/.]/g, '_'));
    await mkdir(dir, { recursive: true });
    const results = new Array(cases.length);
    await pool(cases.map((c, i) => i), o.jobs, async (i) => {
      const c = cases[i];
      const p = payload(src, c.comp);
      let bytes;
      if (p.kind === 'binary') bytes = p.bytes;
      else {
        try {
          bytes = Buffer.from(await parse(p.text));
        } catch (e) {
          results[i] = { unassembled: asmError(String(e && e.message ? e.message : e)) };
          return;
        }
      }
      results[i] = c.kind === 'valid' ? await checkValid(o, parse, dir, `f${i}`, bytes)
                                      : await checkRefused(o, dir, `f${i}`, bytes, c.message);
    });
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i], res = results[i], cc = t.cases[c.kind];
      const line = src.slice(0, c.f.start).split('\n').length;
      const where = `${rel}:${line}`;
      const what = c.kind === 'valid' ? 'component' : `assert_${c.kind}`;
      cc.n++;
      if (res.unassembled) {
        cc.unassembled++;
        counts.unassembled++;
        lists.unassembled.push(`\`${where}\` (${what}): ${res.unassembled}`);
        continue;
      }
      if (res.ok) {
        if (c.kind === 'valid') t.identical += res.identical ? 1 : 0;
        else {
          t.refused++;
          t.matched += res.matched ? 1 : 0;
          t.offset += res.offset ? 1 : 0;
        }
        if (expected.has(where)) {
          xpass++;
          lists.failures.push(`\`${where}\` (${what}): listed in expected-failures.txt but passes`);
        }
        cc.pass++;
        counts.pass++;
        if (o.verbose) console.log(`  ok ${where}${res.msg ? ` (${res.msg})` : ''}`);
      } else if (expected.has(where)) {
        seenExpected.add(where);
        cc.xfail++;
        counts.xfail++;
        lists.xfail.push(`\`${where}\` (${what}): ${expected.get(where)}`);
        if (o.verbose) console.log(`  expected failure ${where}: ${res.why}`);
      } else {
        cc.fail++;
        counts.fail++;
        lists.failures.push(`\`${where}\` (${what}): ${res.why}`);
      }
    }
    const extra = [counts.xfail && `${counts.xfail} expected failures`, counts.unassembled && `${counts.unassembled} not assembled`]
      .filter(Boolean).join(', ');
    console.log(`${rel}: ${counts.pass} passed, ${counts.fail} failed${extra ? ` (${extra})` : ''}`);
  }

  const total = Object.values(t.cases).reduce((a, c) => ({ pass: a.pass + c.pass, fail: a.fail + c.fail, xfail: a.xfail + c.xfail, un: a.un + c.unassembled }), { pass: 0, fail: 0, xfail: 0, un: 0 });
  console.log(`\ntotal: ${total.pass} passed, ${total.fail} failed, ${total.xfail} expected failures, ${total.un} not assembled`);
  console.log(`  valid components accepted, round-tripped and printed: ${t.cases.valid.pass} ` +
    `(${t.identical} written back byte-identical to the input)`);
  console.log(`  invalid/malformed components refused: ${t.refused} (${t.offset} with a byte offset, ` +
    `${t.matched} with the suite's expected message text)`);
  if (lists.unassembled.length) {
    console.log('\nnot assembled (text-level errors: nothing for meldc to read):');
    for (const u of lists.unassembled) console.log(`  ${u.replace(/`/g, '')}`);
  }
  if (lists.failures.length) {
    console.log('\nfailures:');
    for (const f of lists.failures) console.log(`  ${f.replace(/`/g, '')}`);
  }
  if (o.doc) {
    if (o.filter) console.error('run.mjs: --write-doc ignored with --filter (the counts would be partial)');
    else {
      let jco = '?';
      try {
        jco = JSON.parse(readFileSync(join(REPO, 'node_modules/@bytecodealliance/jco/package.json'), 'utf8')).version;
      } catch { /* keep '?' */ }
      await writeDoc(o.doc, docSection(t, lists, nfiles, jco));
    }
  }
  if (o.keep) console.log(`\nfiles kept in ${work}`);
  else await rm(work, { recursive: true, force: true });
  return total.fail > 0 || xpass > 0 ? 1 : 0;
}

process.exit(await main());
