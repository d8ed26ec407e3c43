// The live-grow program (live-grow.wat) fused without and with grow-to-bump, each run as one
// instance across a sequence of calls: run(n) makes the heap component malloc n 64 KiB blocks
// in a loop and returns how many it got.  Prints, per call, both results, the heap's page
// count and whether the app component's memory is still exactly what its start function wrote
// (an FNV-1a hash over its pages compared with the hash computed here).
//
//   node live-grow.mjs FUSED.wasm BUMPED.wasm CALLS...     (CALLS: block counts)
//
// Exits 1 when the app's memory changed or its size did, or when the bumped program differs
// from the plain one before the heap's reservation first refuses a block.
import { readFileSync } from 'node:fs';

const [plainFile, bumpedFile, ...calls] = process.argv.slice(2);
const make = (file) => new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {}).exports;
const plain = make(plainFile);
const bumped = make(bumpedFile);

let want = 2166136261;
for (let i = 0; i < 2 * 65536; i++) want = Math.imul(want ^ 0xa5, 16777619) >>> 0;

let failures = 0;
const fail = (msg) => { console.log(`FAIL: ${msg}`); failures++; };
const outcome = (f) => {
  try { return f() >>> 0; } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return 'trap';
    throw e;
  }
};
let same = true;
for (const n of calls.map(Number)) {
  const p = outcome(() => plain.run(n));
  const b = outcome(() => bumped.run(n));
  if (p !== b) same = false;
  const appOk = bumped.checksum() >>> 0 === want && bumped.size() === 2;
  console.log(`run(${n}): plain ${p} (heap ${plain.pages()} pages), bumped ${b} (heap ${bumped.pages()} pages), app memory ${appOk ? 'unchanged' : 'CHANGED'}`);
  if (!appOk) fail('the app component\'s memory changed');
  if (plain.checksum() >>> 0 !== want) fail('the plain program\'s app memory changed');
  if (same && b !== p) fail(`run(${n}) differs`);
}
console.log(failures ? `${failures} failures` : 'ok');
process.exit(failures ? 1 : 0);
