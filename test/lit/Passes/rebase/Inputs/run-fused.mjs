// Calls `run` and `greet-outer` of a fused module through the host Canonical ABI
// (test/runtime/canon.mjs) with its --emit-abi description, printing each result.
//   node run-fused.mjs MODULE.wasm ABI.json
import { readFileSync } from 'node:fs';
import { instantiate, formatValue } from '../../../../runtime/canon.mjs';

const [wasm, abi] = process.argv.slice(2);
const inst = await instantiate(readFileSync(wasm), readFileSync(abi, 'utf8'));
console.log(`run = ${formatValue(inst.call('run'))}`);
console.log(`greet-outer = ${formatValue(inst.call('greet-outer', 'meld'))}`);
console.log(`greet-outer = ${formatValue(inst.call('greet-outer', 'windows'))}`);
