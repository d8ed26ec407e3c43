// Self-test of the fusion runner (../run.mjs) with a stand-in meldc (fake-meldc.mjs) on a small
// suite of its own (suite/values/selftest.wast): value syntax, assert_return / assert_trap /
// invoke, definitions and instances, a refused component, a trapping start function, the
// expected-failures logic (unexpected failure and unexpected pass both fail the run), and
// --write-doc (only its own section replaced, idempotent), --update-expected, and the per-file
// time limit (suite-timeout/values/loop.wast).
//   node test/conformance/component-fusion/selftest/selftest.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'fusion-selftest-'));
const xfail = join(here, 'expected-failures.txt');
const run = (...extra) => {
  const suite = extra.includes('--timeout') ? 'suite-timeout' : 'suite';
  const r = spawnSync(process.execPath, [join(here, '..', 'run.mjs'), '--meldc', join(here, 'fake-meldc'),
    '--suite', join(here, suite), '--jobs', '1', ...extra], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
};
let failed = 0;
const check = (name, fn) => {
  try { fn(); console.log(`ok - ${name}`); } catch (e) { failed++; console.log(`not ok - ${name}\n${e.message}`); }
};

const base = run('--expected-failures', xfail);
check('the listed failures are exactly the failures', () => {
  assert.equal(base.code, 0, base.out);
  assert.match(base.out, /values\/selftest\.wast: 29 passed, 10 failed \(10 expected\)/);
  assert.match(base.out, /6 instantiations, 26 assert_return, 6 assert_trap; 1 not applicable/);
});

const lines = readFileSync(xfail, 'utf8').split('\n');
writeFileSync(join(tmp, 'missing.txt'), lines.filter((l) => !l.startsWith('values/selftest.wast:39')).join('\n'));
const missing = run('--expected-failures', join(tmp, 'missing.txt'));
check('an unlisted failure fails the run', () => {
  assert.equal(missing.code, 1, missing.out);
  assert.match(missing.out, /unexpected failures:\n {2}values\/selftest\.wast:39 \(assert_return\): pair\(\): returned \["Z", true\], expected \["Z", false\]/);
});

writeFileSync(join(tmp, 'extra.txt'), [...lines, 'values/selftest.wast:10 listed, but passes'].join('\n'));
const extra = run('--expected-failures', join(tmp, 'extra.txt'));
check('a listed check that passes fails the run', () => {
  assert.equal(extra.code, 1, extra.out);
  assert.match(extra.out, /now passing.*\n {2}values\/selftest\.wast:10/);
});

const doc = join(tmp, 'conformance.md');
writeFileSync(doc, '# Conformance\n\nintro\n\n## Component model suite, fused\n\nold text\n\n## Another section\n\nkept\n');
run('--expected-failures', xfail, '--write-doc', doc);
const once = readFileSync(doc, 'utf8');
run('--expected-failures', xfail, '--write-doc', doc);
check('--write-doc replaces only its section, the same way twice', () => {
  assert.equal(readFileSync(doc, 'utf8'), once);
  assert.match(once, /^# Conformance\n\nintro\n\n## Component model suite, fused\n/);
  assert.match(once, /\n## Another section\n\nkept\n$/);
  assert.doesNotMatch(once, /old text/);
  assert.match(once, /\| `values\/selftest\.wast` \| 39 \| 29 \| 10 \| 10 \|/);
  assert.match(once, /line 55 \(component definition, expected\): meldc refuses it: refused on purpose; 3 checks fail with it \(lines 58, 59, 60\)/);
  assert.match(once, /line 62 \(component, expected\): instantiation traps: unreachable; 1 check fails with it \(line 65\)/);
});

const upd = join(tmp, 'update.txt');
writeFileSync(upd, 'values/selftest.wast:12 my own reason\n');
const u = run('--expected-failures', upd, '--update-expected');
check('--update-expected lists every failure, keeping existing reasons', () => {
  assert.equal(u.code, 0, u.out);
  const body = readFileSync(upd, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.equal(body.length, 10);
  assert.ok(body.includes('values/selftest.wast:12 my own reason'));
  assert.ok(body.includes('values/selftest.wast:62 instantiation traps: unreachable'));
});

const slow = run('--expected-failures', xfail, '--timeout', '3');
check('a file that runs past --timeout ends, its remaining checks failed', () => {
  assert.equal(slow.code, 1, slow.out);
  assert.match(slow.out, /values\/loop\.wast: 1 passed, 2 failed \(2 unexpected\) \[timed out after 3 s\]/);
  assert.match(slow.out, /values\/loop\.wast:4 \(assert_return\): not run: timed out after 3 s/);
});

rmSync(tmp, { recursive: true, force: true });
console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
