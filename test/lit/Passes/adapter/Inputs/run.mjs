// Runs exports of a fused core module in Node, one fresh instance per call, and prints
//   NAME = RESULT        (the export's core results, space-separated; 64-bit as decimals)
//   NAME trap: MESSAGE   (a WebAssembly.RuntimeError)
// Usage: node run.mjs MODULE.wasm EXPORT[:ARG,ARG...] ...
// Arguments are numbers (BigInt when they end in `n`).  The module's imports, if any, are
// functions that throw: the tests here fuse closed programs.
import { readFileSync } from 'node:fs';

const [file, ...calls] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(file));
const imports = {};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.kind !== 'function') continue;
  imports[imp.module] ??= {};
  imports[imp.module][imp.name] = () => { throw new Error(`unexpected import ${imp.module}#${imp.name}`); };
}
for (const call of calls) {
  const [name, argText] = call.split(':');
  const args = argText ? argText.split(',').map((a) => (a.endsWith('n') ? BigInt(a.slice(0, -1)) : Number(a))) : [];
  const instance = new WebAssembly.Instance(module, imports);
  try {
    const r = instance.exports[name](...args);
    console.log(`${name} = ${Array.isArray(r) ? r.join(' ') : r}`);
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    console.log(`${name} trap: ${e.message}`);
  }
}
