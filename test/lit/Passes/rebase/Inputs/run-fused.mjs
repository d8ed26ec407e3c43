// Calls `run` and `greet-outer` of a fused module through the host Canonical ABI
// (test/runtime/canon.mjs) with its --emit-abi description, printing each result; with the
// argument `greet-c`, also the root export of that name (the variant with two outer windows).
//   node run-fused.mjs MODULE.wasm ABI.json [greet-c]
import { readFileSync } from 'node:fs';
import { instantiate, formatValue } from '../../../../runtime/canon.mjs';

const [wasm, abi, extra] = process.argv.slice(2);
const inst = await instantiate(readFileSync(wasm), readFileSync(abi, 'utf8'));
console.log(`run = ${formatValue(inst.call('run'))}`);
console.log(`greet-outer = ${formatValue(inst.call('greet-outer', 'meld'))}`);
console.log(`greet-outer = ${formatValue(inst.call('greet-outer', 'windows'))}`);
if (extra === 'greet-c') {
  console.log(`greet-c = ${formatValue(inst.call('greet-c', 'translated'))}`);
  console.log(`greet-outer = ${formatValue(inst.call('greet-outer', 'again'))}`);
  console.log(`greet-c = ${formatValue(inst.call('greet-c', ''))}`);
}
