// Runs the computed-pointer program of computed-pointers.wat on the multi-memory module and on
// its rebased version with the same calls, and compares results and every window's bytes (the
// rebased module's meldc.layout section says where each original memory now lives).
//   node run-rebased.mjs original.wasm rebased.wasm
//   node run-rebased.mjs --poke rebased.wasm ADDR   stores into $a at ADDR; prints what happened
import { readFileSync } from 'node:fs';

function load(path) {
  const mod = new WebAssembly.Module(readFileSync(path));
  return { mod, inst: new WebAssembly.Instance(mod, {}) };
}

function layout(mod) {
  const [sec] = WebAssembly.Module.customSections(mod, 'meldc.layout');
  if (!sec) throw new Error('no meldc.layout section');
  return JSON.parse(new TextDecoder().decode(sec));
}

function calls(e) {
  const out = [];
  const head = e.a_build(10);
  out.push(['a_build', head], ['a_sum', e.a_sum(head)]);
  for (const x of [1, 200, 77]) out.push(['a_frame', x, e.a_frame(x)]);
  out.push(['b_take', String(e.b_take(16, 12))], ['b_take', String(e.b_take(head, 40))]);
  out.push(['a_sum again', e.a_sum(head)]);
  out.push(['grow0', e.grow(0)], ['grow1', e.grow(1)], ['hash_b', e.hash_b()]);
  return out;
}

const args = process.argv.slice(2);
if (args[0] === '--poke') {
  const { inst } = load(args[1]);
  try {
    inst.exports.poke_a(Number(args[2]));
    console.log(`no trap; byte 0 of window b: ${inst.exports.peek_b(0)}`);
  } catch (err) {
    console.log(`trap: ${err instanceof WebAssembly.RuntimeError ? err.message : err}`);
  }
  process.exit(0);
}

const orig = load(args[0]);
const reb = load(args[1]);
const a = calls(orig.inst.exports);
const b = calls(reb.inst.exports);
let failed = 0;
for (let i = 0; i < a.length; i++) {
  const same = JSON.stringify(a[i]) === JSON.stringify(b[i]);
  if (!same) failed++;
  console.log(`${same ? 'same' : 'DIFFERENT'}: ${JSON.stringify(a[i])}${same ? '' : ' vs ' + JSON.stringify(b[i])}`);
}
// Memory $a is the exported one (the outer boundary), so it sits at base 0 and the host reads
// it unchanged; $b's bytes are compared through hash_b above.
const lay = layout(reb.mod);
const one = new Uint8Array(reb.inst.exports.memory.buffer);
for (const w of lay.windows.filter((w) => w.memory === 0)) {
  if (w.base !== 0) failed++;
  const before = new Uint8Array(orig.inst.exports.memory.buffer);
  const after = one.subarray(w.base, w.base + w.size);
  const same = before.length === after.length && before.every((v, i) => v === after[i]);
  if (!same) failed++;
  console.log(`window ${w.memory} at ${w.base}: ${same ? 'same bytes' : 'DIFFERENT bytes'}`);
}
console.log(failed ? `FAILED: ${failed}` : 'all same');
process.exit(failed ? 1 : 0);
