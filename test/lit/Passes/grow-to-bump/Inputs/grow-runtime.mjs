// Runs the same memory.grow / memory.size / load / store sequence on a module before and after
// grow-to-bump, in node's engine, and checks the bumped module against the original and against
// the wasm semantics of a memory whose maximum is the reservation.
//
//   node grow-runtime.mjs ORIGINAL.wasm BUMPED.wasm RESERVATION fail|trap [unchecked]
//
// With the default bounds checks an access past the current size must trap, as in the original;
// with `unchecked` (grow-to-bump<unchecked>) it must not (the memory physically has R pages).
//
// Prints one line per step and exits 1 at the first disagreement.
import { readFileSync } from 'node:fs';

const [orig, bumped, reservationText, mode, checks] = process.argv.slice(2);
const unchecked = checks === 'unchecked';
const R = Number(reservationText);
const load = async (path) => (await WebAssembly.instantiate(readFileSync(path))).instance.exports;
const a = await load(orig);
const b = await load(bumped);

let failures = 0;
const fail = (msg) => { console.log(`FAIL: ${msg}`); failures++; };
const outcome = (f) => {
  try { return f(); } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return 'trap';
    if (e instanceof RangeError) return 'RangeError';
    return `error ${e}`;
  }
};

// The model: a wasm memory of maximum R pages.
let cur = a.size();
if (b.size() !== cur) fail(`initial size ${b.size()} != ${cur}`);
// Past the current size but inside the reservation: a trap, unless unchecked (then the access
// reaches the reserved pages: docs/grow-to-bump.md).
const beyondCheck = (label) => {
  if (cur >= R) return;
  const beyond = cur * 65536;
  const got = outcome(() => b.load(beyond));
  if (label) console.log(`load(${beyond}) past the current size: original ${outcome(() => a.load(beyond))}, bumped ${got}`);
  const want = unchecked ? 0 : 'trap';
  if (got !== want) fail(`load(${beyond}) past the current size ${cur}: ${got}, want ${want}`);
  const last = beyond - 2; /* a 4-byte store straddling the end */
  const st = outcome(() => b.store(last, 1));
  if (!unchecked && st !== 'trap') fail(`store(${last}) across the current end: ${st}, want trap`);
};
beyondCheck(true);
// Until the reservation first refuses a grow the original allows, the two agree exactly.
let same = true;
const deltas = [0, 1, 0, 2, 0xffffffff, 1, 3, 1, 0x10000, 0, 1, 1];
for (const n of deltas) {
  const ok = n <= R - cur;
  const want = ok ? cur : (mode === 'trap' ? 'trap' : -1);
  if (ok) cur += n;
  const got = outcome(() => b.grow(n));
  const orig = outcome(() => a.grow(n));
  console.log(`grow(${n >>> 0}): original ${orig}, bumped ${got}, size ${outcome(() => b.size())}`);
  if (got !== want) fail(`grow(${n}) gave ${got}, want ${want}`);
  if (!ok && orig !== -1) same = false;
  if (same && orig !== got) fail(`grow(${n}): original ${orig}, bumped ${got}`);
  if (b.size() !== cur) fail(`size ${b.size()} after grow(${n}), want ${cur}`);
  beyondCheck(false);
  // The last byte of the grown memory is usable in both, and holds the same value.
  const last = cur * 65536 - 4;
  b.store(last, 0x5eed0000 + cur);
  if (b.load(last) !== 0x5eed0000 + cur) fail(`store/load at ${last}`);
  if (same) {
    a.store(last, 0x5eed0000 + cur);
    if (a.load(last) !== b.load(last)) fail(`original and bumped differ at ${last}`);
  }
}
console.log(`memory: ${b.memory.buffer.byteLength / 65536} pages, grow from the host: ${outcome(() => b.memory.grow(1))}`);
console.log(failures ? `${failures} failures` : 'ok');
process.exit(failures ? 1 : 0);
