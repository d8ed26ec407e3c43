// Calls the exports of outer-two-windows.wat's fused module through the host Canonical ABI
// (test/runtime/canon.mjs), the host providing host:env/text#join, and prints each result.
//   node run-outer.mjs MODULE.wasm ABI.json
import { readFileSync } from 'node:fs';
import { instantiate, formatValue } from '../../../../runtime/canon.mjs';

const [wasm, abi] = process.argv.slice(2);
const joins = [];
const inst = await instantiate(readFileSync(wasm), readFileSync(abi, 'utf8'), {
  'host:env/text': { join: (parts, sep) => { joins.push(parts.length); return parts.join(sep); } },
});
const show = (what, v) => console.log(`${what} = ${formatValue(v)}`);
show('echo', inst.call('echo', 'base zero'));
show('tag-all', inst.call('tag-all', ['a', 'bb', 'ccc'], 'x-'));
// The post-return summed the result's bytes through its (translated back) pointers.
show('last-post', inst.call('last-post'));
show('tag-all', inst.call('tag-all', [], 'none'));
show('last-post', inst.call('last-post'));
show('pick one', inst.call('pick', { tag: 'one', val: 'solo' }, 0));
show('pick many', inst.call('pick', { tag: 'many', val: ['p', 'q', 'r'] }, 4));
show('pick num', inst.call('pick', { tag: 'num', val: 0x1234_5678_9abcn }, 1));
show('pick none', inst.call('pick', { tag: 'none' }, 1));
show('shout-join', inst.call('shout-join', ['ab', 'c', 'déf']));
show('shout-join', inst.call('shout-join', []));
show('echo', inst.call('echo', 'still at base zero'));
console.log(`host join calls: ${joins.join(',')}`);
