// Live grow past the reservation (issue 4): the pointers pair (test/fixtures/pointers) fused with
// --mcu and a reservation of only 4 pages per component.  grab-both(10, 70000) mallocs ten
// 70000-byte blocks in the provider, then in the consumer: unfused each gets all ten; fused, each
// component's dlmalloc sees memory.grow return -1 at its own reservation and malloc returns NULL,
// so each gets the same smaller count -- and the bytes of the blocks each did get (checked by
// release's sums) show that neither heap ran into the other's window.  With --grow-fail=trap
// the first grow past the reservation traps instead.
//
//   node test/fusion/live-grow.mjs --meldc PATH --fixtures DIR --work DIR
//
// Prints one line per check and "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as canon from '../runtime/canon.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (i % 2 ? acc : [...acc, [a.replace(/^--/, ''), all[i + 1]]]), []));
mkdirSync(args.work, { recursive: true });
let passed = 0, failed = 0;
const check = (what, ok, detail) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if (ok) passed++; else failed++;
};

function fuse(name, extra) {
  const out = join(args.work, `${name}.wasm`), abi = join(args.work, `${name}.json`);
  const r = spawnSync(args.meldc, [join(args.fixtures, 'pointers-consumer.wasm'), join(args.fixtures, 'pointers-provider.wasm'),
    '--mcu', ...extra, '-o', out, `--emit-abi=${abi}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`meldc ${extra.join(' ')}: ${r.stderr}`);
  return { bytes: readFileSync(out), abi: JSON.parse(readFileSync(abi, 'utf8')) };
}

function grabBoth(prog, count, size) {
  const inst = canon.instantiateSync(prog.bytes, prog.abi, {}, {});
  try {
    return inst.exports['grab-both'](count, size);
  } catch (e) {
    if (e instanceof canon.Trap || e instanceof WebAssembly.RuntimeError) return 'trap';
    throw e;
  }
}

// The same arithmetic as release: block i holds (7i + 1) mod 256 in its first and last byte.
const sums = (got) => Array.from({ length: got }, (_, i) => 2 * ((7 * i + 1) & 0xff)).reduce((a, b) => a + b, 0);

const roomy = fuse('roomy', ['--heap-pages=16']);
const tight = fuse('tight', ['--heap-pages=4']);
const trapping = fuse('trapping', ['--heap-pages=4', '--grow-fail=trap']);

const full = grabBoth(roomy, 10, 70000);
check('within the reservation (16 pages): every malloc succeeds in both components', full === `p:10/${sums(10)} c:10/${sums(10)}`, full);
const cut = grabBoth(tight, 10, 70000);
const m = /^p:(\d+)\/(\d+) c:(\d+)\/(\d+)$/.exec(cut);
const pg = m ? Number(m[1]) : -1, cg = m ? Number(m[3]) : -1;
check('past the reservation (4 pages): malloc returns NULL before ten blocks', m && pg < 10 && cg < 10 && pg > 0, cut);
check('each component stops at its own reservation (same code, same count)', m && pg === cg, cut);
check("the blocks each got hold their own bytes (neither heap overwrote the other's)",
  m && Number(m[2]) === sums(pg) && Number(m[4]) === sums(cg), cut);
check('small requests still fit in 4 pages', grabBoth(tight, 3, 1000) === `p:3/${sums(3)} c:3/${sums(3)}`);
check('--grow-fail=trap: the first grow past the reservation traps', grabBoth(trapping, 10, 70000) === 'trap');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
