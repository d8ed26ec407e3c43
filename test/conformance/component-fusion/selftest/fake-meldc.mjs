// A stand-in for `meldc COMP.wasm -o F.wasm --emit-abi=F.json` in the runner's self-test
// (selftest.sh): each component of suite/values/selftest.wast names its fixture in the name of a
// core export, "fixture:NAME"; the "fused" module is fixtures/NAME.wat assembled, its ABI
// description fixtures/NAME.json. NAME "refuse" exits 1 with an error, as meldc does.
import { parse } from '@bytecodealliance/jco';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const input = args.find((a) => !a.startsWith('-') && args[args.indexOf(a) - 1] !== '-o');
const out = args[args.indexOf('-o') + 1];
const abi = args.find((a) => a.startsWith('--emit-abi='))?.slice('--emit-abi='.length);
const m = /fixture:([a-z-]+)/.exec(readFileSync(input).toString('latin1'));
if (!m) { console.error(`${input}: error: no fixture named`); process.exit(1); }
if (m[1] === 'refuse') { console.error(`${input}:0x0: error: refused on purpose`); process.exit(1); }
writeFileSync(out, await parse(readFileSync(join(here, 'fixtures', `${m[1]}.wat`), 'utf8')));
writeFileSync(abi, readFileSync(join(here, 'fixtures', `${m[1]}.json`)));
