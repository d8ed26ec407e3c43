// Transpiles a component with jco (without multiMemory: after rebase there is one memory) into
// DIR, imports it and calls the string-boundary program's exports.
//   node run-component.mjs COMPONENT.wasm DIR
import { transpile } from '@bytecodealliance/jco';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [wasm, dir] = process.argv.slice(2);
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
const { files } = await transpile(await readFile(wasm), { name: 'app', quiet: true, noTypescript: true });
for (const [path, data] of Object.entries(files)) {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), data);
}
const app = await import(pathToFileURL(join(dir, 'app.js')).href);
console.log(`run = ${app.run()}`);
console.log(`greet-outer = ${JSON.stringify(app.greetOuter('meld'))}`);
console.log(`greet-outer = ${JSON.stringify(app.greetOuter('windows'))}`);
