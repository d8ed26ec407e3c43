// Runs a module whose cabi_realloc arena-realloc replaced.
//
//   node arena-runtime.mjs realloc FUSED.wasm BASE BYTES
//     calls the exported cabi_realloc directly: alignment, in-place growth and shrinking of the
//     last block, a copy when the block is not the last, zero-size requests, bad alignments,
//     exhaustion.  Addresses are printed relative to BASE, the arena's base address.
//   node arena-runtime.mjs canon FUSED.wasm ABI.json ENCODING LENGTH...
//     calls f(s: string) -> u32 through test/runtime/canon.mjs (the host stores s with the
//     given host string encoding, utf8 or utf16) for strings of each length in UTF-8 bytes, and
//     compares the result with the hash computed here; a trap is printed as such.
//   node arena-runtime.mjs import FUSED.wasm ABI.json LENGTH...
//     calls run() -> u32, which calls the host import get() -> string (a string of each length
//     in turn, written into the program's memory through its realloc) and hashes the result.
// Every line it prints is checked by the lit test; a disagreement prints FAIL and exits 1.
import { readFileSync } from 'node:fs';
import { instantiate, Trap } from '../../../../runtime/canon.mjs';

let failed = false;
const fail = (msg) => { console.log(`FAIL: ${msg}`); failed = true; };

async function reallocMode(file, base, bytes) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file));
  const realloc = instance.exports.cabi_realloc;
  const mem = () => new Uint8Array(instance.exports.memory.buffer);
  const end = base + bytes;
  console.log(`memory: ${mem().length / 65536} pages, arena [${base}, ${end})`);
  const call = (what, old, oldSize, align, size) => {
    try {
      const p = realloc(old, oldSize, align, size) >>> 0;
      console.log(`${what}: ${p - base}`);
      if (size !== 0 && (p < base || p + size > end)) fail(`${what}: block [${p}, ${p + size}) outside the arena`);
      if (p % align !== 0) fail(`${what}: ${p} not aligned to ${align}`);
      return p;
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      console.log(`${what}: trap`);
      return null;
    }
  };
  const a = call('alloc(3, align 1)', 0, 0, 1, 3);
  mem().set([1, 2, 3], a);
  const b = call('alloc(5, align 8)', 0, 0, 8, 5);
  mem().set([9, 9, 9, 9, 9], b);
  const b2 = call('grow last block to 20', b, 5, 8, 20);
  if (b2 !== b) fail('the last block did not grow in place');
  const b3 = call('shrink last block to 10', b, 20, 8, 10);
  if (b3 !== b) fail('the last block did not shrink in place');
  const a2 = call('grow first block (not last) to 6', a, 3, 1, 6);
  const copied = [...mem().subarray(a2, a2 + 3)];
  console.log(`copied: ${copied.join(' ')}`);
  if (copied.join() !== '1,2,3') fail('the old block was not copied');
  const a3 = call('shrink the moved block to 2 (now last)', a2, 6, 1, 2);
  if (a3 !== a2) fail('the moved block is the last one and should shrink in place');
  const z = call('zero bytes, align 4', 0, 0, 4, 0);
  if (z === 0) fail('zero-size allocation returned null');
  const c = call('alloc(4, align 4): where the zero-size pointer was', 0, 0, 4, 4);
  if (c !== z) fail('the zero-size request allocated something');
  call('align 3', 0, 0, 3, 1);
  call('align 0', 0, 0, 0, 1);
  call('align 131072', 0, 0, 131072, 1);
  const top = c + 4;
  const rest = end - top;
  call(`alloc(${rest + 1}): one byte more than is left`, 0, 0, 1, rest + 1);
  call(`alloc(0xffffffff)`, 0, 0, 1, 0xffffffff);
  const d = call(`alloc(${rest - 8}): all but 8 bytes`, 0, 0, 1, rest - 8);
  call('grow it in place past the end', d, rest - 8, 1, rest + 1);
  call('grow it in place to the end', d, rest - 8, 1, rest);
  call('alloc(1) in a full arena', 0, 0, 1, 1);
  call('zero bytes in a full arena', 0, 0, 1, 0);
}

function hash(s) {
  const u = new TextEncoder().encode(s);
  let h = u.length >>> 0;
  for (const b of u) h = (Math.imul(h, 31) + b) >>> 0;
  return h;
}

function makeString(bytes) {
  // ASCII and two-byte characters, `bytes` bytes of UTF-8 in all.
  let s = '';
  for (let n = 0; n < bytes;) {
    if (bytes - n >= 2 && s.length % 3 === 1) { s += 'é'; n += 2; } else { s += String.fromCharCode(97 + (n % 26)); n += 1; }
  }
  return s;
}

async function canonMode(file, abiFile, encoding, lengths) {
  const bytes = readFileSync(file);
  const abi = readFileSync(abiFile, 'utf8');
  let inst = await instantiate(bytes, abi, {}, { hostStringEncoding: encoding });
  for (const len of lengths) {
    const s = makeString(len);
    try {
      const got = inst.call('f', s);
      const want = hash(s);
      console.log(`f(${len} bytes): ${got === want ? 'ok' : `got ${got}, want ${want}`}`);
      if (got !== want) fail(`f(${len} bytes)`);
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      console.log(`f(${len} bytes): trap`);
      inst = await instantiate(bytes, abi, {}, { hostStringEncoding: encoding });
    }
  }
}

async function importMode(file, abiFile, lengths) {
  const bytes = readFileSync(file);
  const abi = readFileSync(abiFile, 'utf8');
  let s = '';
  const host = { $root: { get: () => s } };
  let inst = await instantiate(bytes, abi, host);
  for (const len of lengths) {
    s = makeString(len);
    try {
      const got = inst.call('run');
      const want = hash(s);
      console.log(`get() -> ${len} bytes: ${got === want ? 'ok' : `got ${got}, want ${want}`}`);
      if (got !== want) fail(`get() -> ${len} bytes`);
    } catch (e) {
      if (!(e instanceof Trap)) throw e;
      console.log(`get() -> ${len} bytes: trap`);
      inst = await instantiate(bytes, abi, host);
    }
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'realloc') await reallocMode(args[0], Number(args[1]), Number(args[2]));
else if (mode === 'canon') await canonMode(args[0], args[1], args[2], args.slice(3).map(Number));
else if (mode === 'import') await importMode(args[0], args[1], args.slice(2).map(Number));
else throw new Error(`unknown mode ${mode}`);
if (failed) process.exit(1);
console.log('ok');
