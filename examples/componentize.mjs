// Wraps a core module into a component with jco's JS API: embed the WIT, then componentNew.
//   node componentize.mjs CORE.wasm WIT WORLD OUT.wasm
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { readFileSync, writeFileSync } from 'node:fs';

const [core, wit, world, out] = process.argv.slice(2);
const embedded = await componentEmbed({
  binary: readFileSync(core), witSource: readFileSync(wit, 'utf8'), world,
});
writeFileSync(out, await componentNew(embedded, []));
