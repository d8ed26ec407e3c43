// Small front end to the wasm-tools functions that jco ships (compiled to JS), for tests:
//   node wasm-tools.mjs parse IN.wat [-o OUT.wasm]    text (core or component) -> binary
//   node wasm-tools.mjs print IN.wasm                 binary -> text on stdout
// Exit status 1 with the tool's message on stderr when it refuses the input.
import { parse, print } from '@bytecodealliance/jco';
import { readFileSync, writeFileSync } from 'node:fs';

const [cmd, input, ...rest] = process.argv.slice(2);
const outIdx = rest.indexOf('-o');
const output = outIdx >= 0 ? rest[outIdx + 1] : null;
try {
  if (cmd === 'parse') {
    const bytes = await parse(readFileSync(input, 'utf8'));
    if (output) writeFileSync(output, bytes);
    else process.stdout.write(bytes);
  } else if (cmd === 'print') {
    process.stdout.write(await print(readFileSync(input)));
  } else {
    console.error('usage: wasm-tools.mjs parse|print IN [-o OUT]');
    process.exit(2);
  }
} catch (e) {
  console.error(`${input}: ${e && e.message ? e.message : e}`);
  process.exit(1);
}
