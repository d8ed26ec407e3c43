// Unit tests of canon.mjs against hand-written core modules and ABI descriptions.
//   node test/runtime/canon.test.mjs        (Node 24: node_modules/.bin/node)
//
// Two kinds of module:
//  - forwarding modules, generated per type T: export `p(x: T)` passes its core parameters
//    unchanged to the host import `take(x: T)`, and export `r() -> T` returns what the host
//    import `give() -> T` lowered (through the return pointer when T is spilled). A value sent
//    into p comes back to the host through lower -> memory/core values -> lift; a value returned
//    by give goes host -> lower -> lift. Both must give the value back.
//  - hand-written modules that read or write memory at offsets computed by hand from
//    CanonicalABI.md, so the layout itself is checked, not only its symmetry; and traps.
import { parse } from '@bytecodealliance/jco';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { abiOf, AbiError, deepEqual, flattenFuncType, formatValue, instantiate, Trap, valuesEqual } from './canon.mjs';

const T = {
  bool: { kind: 'bool' }, u8: { kind: 'u8' }, s8: { kind: 's8' }, u16: { kind: 'u16' }, s16: { kind: 's16' },
  u32: { kind: 'u32' }, s32: { kind: 's32' }, u64: { kind: 'u64' }, s64: { kind: 's64' },
  f32: { kind: 'f32' }, f64: { kind: 'f64' }, char: { kind: 'char' }, string: { kind: 'string' },
};
const list = (element, length) => (length === undefined ? { kind: 'list', element } : { kind: 'list', element, length });
const record = (fields) => ({ kind: 'record', fields: Object.entries(fields).map(([name, type]) => ({ name, type })) });
const tuple = (...types) => ({ kind: 'tuple', types });
const variant = (cases) => ({ kind: 'variant', cases: Object.entries(cases).map(([name, type]) => ({ name, type })) });
const enm = (...cases) => ({ kind: 'enum', cases });
const option = (type) => ({ kind: 'option', type });
const result = (ok, error) => ({ kind: 'result', ok, error });
const flags = (...names) => ({ kind: 'flags', flags: names });
const map = (key, value) => ({ kind: 'map', key, value });

// ---- Module builders ---------------------------------------------------------------------------

// realloc: a bump allocator that copies the old block, logging every call as 4 u32s from 60000;
// `nlog` counts the calls, `posts` counts post-return calls.
const RUNTIME = `
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 4096))
  (global $nlog (export "nlog") (mut i32) (i32.const 0))
  (global $posts (export "posts") (mut i32) (i32.const 0))
  (func $realloc (export "cabi_realloc") (param $old i32) (param $os i32) (param $al i32) (param $ns i32) (result i32)
    (local $p i32) (local $l i32)
    (local.set $l (i32.add (i32.const 60000) (i32.mul (global.get $nlog) (i32.const 16))))
    (i32.store (local.get $l) (local.get $old))
    (i32.store offset=4 (local.get $l) (local.get $os))
    (i32.store offset=8 (local.get $l) (local.get $al))
    (i32.store offset=12 (local.get $l) (local.get $ns))
    (global.set $nlog (i32.add (global.get $nlog) (i32.const 1)))
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $al) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $al))))
    (global.set $bump (i32.add (local.get $p) (local.get $ns)))
    (if (local.get $old)
      (then (memory.copy (local.get $p) (local.get $old)
              (select (local.get $os) (local.get $ns) (i32.lt_u (local.get $os) (local.get $ns))))))
    (local.get $p))
`;

function reallocLog(inst) {
  const n = inst.core.nlog.value;
  const dv = new DataView(inst.core.memory.buffer);
  const out = [];
  for (let i = 0; i < n; i++) out.push([0, 4, 8, 12].map((o) => dv.getUint32(60000 + 16 * i + o, true)));
  return out;
}

const params = (ts) => ts.map((t) => `(param ${t})`).join(' ');
const results = (ts) => ts.map((t) => `(result ${t})`).join(' ');

function forwarder(type, encoding = 'utf8') {
  const fn = (name, ps, r) => ({ name, params: ps.map((t, i) => ({ name: `x${i}`, type: t })), result: r });
  const pDesc = fn('p', [type], null), rDesc = fn('r', [], type);
  const pSig = flattenFuncType(pDesc, 'lift');
  const rLift = flattenFuncType(rDesc, 'lift'), rLower = flattenFuncType(rDesc, 'lower');
  const spilled = rLower.params.length === 1;
  const wat = `(module
    (import "host" "take" (func $take ${params(pSig.params)}))
    (import "host" "give" (func $give ${params(rLower.params)} ${results(rLower.results)}))
    ${RUNTIME}
    (func (export "p") ${params(pSig.params)}
      ${pSig.params.map((_, i) => `(local.get ${i})`).join(' ')} (call $take))
    (func (export "r") ${results(rLift.results)}
      ${spilled ? '(call $give (i32.const 1024)) (i32.const 1024)' : '(call $give)'})
    (func (export "cabi_post_r") ${params(rLift.results)}
      (global.set $posts (i32.add (global.get $posts) (i32.const 1)))))`;
  const opts = { memory: 'memory', realloc: 'cabi_realloc', string_encoding: encoding };
  const abi = {
    version: 1,
    exports: [
      { core: 'p', interface: '', ...pDesc, ...opts, post_return: null },
      { core: 'r', interface: '', ...rDesc, ...opts, post_return: 'cabi_post_r' },
    ],
    imports: [
      { module: 'host', field: 'take', interface: 'host', name: 'take', ...pDesc, ...opts },
      { module: 'host', field: 'give', interface: 'host', name: 'give', ...rDesc, ...opts },
    ],
  };
  return { wat, abi };
}

async function forward(type, value, { encoding = 'utf8', host = 'utf8' } = {}) {
  const { wat, abi } = forwarder(type, encoding);
  let taken;
  const inst = await instantiate(await parse(wat), abi, {
    host: { take: (v) => { taken = v; }, give: () => value },
  }, { hostStringEncoding: host });
  inst.call('p', value);
  const back = inst.call('r');
  return { inst, taken, back };
}

async function roundTrip(type, value, opts) {
  const { inst, taken, back } = await forward(type, value, opts);
  assert.ok(valuesEqual(type, taken, value), `param: sent ${formatValue(value)}, host got ${formatValue(taken)}`);
  assert.ok(valuesEqual(type, back, value), `result: host gave ${formatValue(value)}, export returned ${formatValue(back)}`);
  assert.equal(inst.core.posts.value, 1, 'post-return called once');
  return { inst, taken, back };
}

// A module from WAT with the RUNTIME, and export descriptions given by hand.
async function handModule(body, exports, imports = [], host = {}, options = {}) {
  const wat = `(module ${imports.map((i) => i.wat).join('\n')} ${RUNTIME} ${body})`;
  const opts = { memory: 'memory', realloc: 'cabi_realloc', post_return: null, string_encoding: 'utf8' };
  const abi = {
    version: 1,
    exports: exports.map((e) => ({ interface: '', params: [], result: null, ...opts, ...e, name: e.core })),
    imports: imports.map((i) => ({ interface: i.module, name: i.field, params: [], result: null, ...opts, ...i.desc, module: i.module, field: i.field })),
  };
  return instantiate(await parse(wat), abi, host, options);
}

const ps = (...types) => types.map((type, i) => ({ name: `a${i}`, type }));

// ---- Layout (CanonicalABI.md "Alignment", "Element Size", "Flattening") -------------------------

describe('layout', () => {
  const cases = [
    [T.bool, 1, 1, ['i32']], [T.u16, 2, 2, ['i32']], [T.s64, 8, 8, ['i64']], [T.f32, 4, 4, ['f32']],
    [T.char, 4, 4, ['i32']], [T.string, 4, 8, ['i32', 'i32']], [list(T.u8), 4, 8, ['i32', 'i32']],
    [list(T.u16, 3), 2, 6, ['i32', 'i32', 'i32']],
    [record({ a: T.u8, b: T.u32, c: T.u8 }), 4, 12, ['i32', 'i32', 'i32']],
    [tuple(T.u8, T.u64), 8, 16, ['i32', 'i64']],
    [variant({ a: T.u8, b: T.u64 }), 8, 16, ['i32', 'i64']],
    [variant({ a: T.f32, b: T.u32 }), 4, 8, ['i32', 'i32']],
    [variant({ a: T.f32, b: null }), 4, 8, ['i32', 'f32']],
    [variant({ a: T.f64, b: T.f32, c: T.string }), 8, 16, ['i32', 'i64', 'i32']],
    [enm('a', 'b'), 1, 1, ['i32']],
    [enm(...Array.from({ length: 256 }, (_, i) => `c${i}`)), 1, 1, ['i32']],
    [enm(...Array.from({ length: 257 }, (_, i) => `c${i}`)), 2, 2, ['i32']],
    [option(T.string), 4, 12, ['i32', 'i32', 'i32']],
    [result(null, null), 1, 1, ['i32']],
    [result(T.u8, T.u32), 4, 8, ['i32', 'i32']],
    [flags('a'), 1, 1, ['i32']], [flags(...'abcdefghi'), 2, 2, ['i32']],
    [flags(...'abcdefghijklmnopq'), 4, 4, ['i32']],
    [map(T.string, T.u8), 4, 8, ['i32', 'i32']],
    [tuple(T.u8, list(T.u8, 5)), 1, 6, Array(6).fill('i32')],
  ];
  for (const [type, align, size, flat] of cases) {
    test(formatValue(type), () => assert.deepEqual(abiOf(type), { align, size, flat }));
  }
  test('flatten_functype spills params over 16 and results over 1', () => {
    const many = { params: ps(...Array(17).fill(T.u32)), result: T.string };
    assert.deepEqual(flattenFuncType(many, 'lift'), { params: ['i32'], results: ['i32'] });
    assert.deepEqual(flattenFuncType(many, 'lower'), { params: ['i32', 'i32'], results: [] });
    const sixteen = { params: ps(...Array(16).fill(T.u32)), result: T.u64 };
    assert.deepEqual(flattenFuncType(sixteen, 'lower'), { params: Array(16).fill('i32'), results: ['i64'] });
  });
});

// ---- Round trips ---------------------------------------------------------------------------------

describe('round trip through a forwarding module', () => {
  const values = [
    [T.bool, true], [T.bool, false], [T.u8, 255], [T.s8, -128], [T.u16, 65535], [T.s16, -32768],
    [T.u32, 0xffffffff], [T.s32, -(2 ** 31)], [T.u64, 2n ** 64n - 1n], [T.s64, -(2n ** 63n)],
    [T.f32, 1.5], [T.f32, -0], [T.f32, Infinity], [T.f32, NaN], [T.f64, Math.PI], [T.f64, NaN],
    [T.char, 'Z'], [T.char, '\u{10ffff}'], [T.char, '\u{d7ff}'], [T.char, '\u{e000}'],
    [T.string, ''], [T.string, 'hello'], [T.string, 'aé☃😀'],
    [list(T.u8), [1, 2, 255]], [list(T.u8), []], [list(T.u64), [1n, 2n ** 63n]],
    [list(T.string), ['a', '', 'ccc']], [list(list(T.u16)), [[1], [], [2, 3]]],
    [list(T.u16, 3), [1, 2, 3]], [list(T.string, 2), ['x', 'yz']],
    [record({ a: T.u8, b: T.string, c: T.f64 }), { a: 7, b: 'bee', c: 2.5 }],
    [tuple(T.u8, T.u64, T.string), [1, 2n, 'three']],
    [variant({ a: T.u8, b: T.u64, c: null }), { tag: 'b', val: 5n }],
    [variant({ a: T.u8, b: T.u64, c: null }), { tag: 'c' }],
    [variant({ a: T.f32, b: T.u32 }), { tag: 'a', val: 0.5 }],
    [variant({ a: T.f32, b: T.u32 }), { tag: 'b', val: 0xfffffffe }],
    [variant({ a: T.f64, b: T.f32, c: T.string }), { tag: 'b', val: -2.25 }],
    [variant({ a: T.f64, b: T.f32, c: T.string }), { tag: 'a', val: 1e300 }],
    [variant({ a: T.f64, b: T.f32, c: T.string }), { tag: 'c', val: 'str' }],
    [variant({ a: tuple(T.f32, T.f32), b: T.u32 }), { tag: 'a', val: [2, 3] }],
    [enm('red', 'green', 'blue'), 'blue'],
    [enm(...Array.from({ length: 300 }, (_, i) => `c${i}`)), 'c299'],
    [option(T.u32), { tag: 'none' }], [option(T.u32), { tag: 'some', val: 5 }],
    [option(option(T.string)), { tag: 'some', val: { tag: 'some', val: 'in' } }],
    [result(T.string, T.u32), { tag: 'ok', val: 'yo' }], [result(T.string, T.u32), { tag: 'err', val: 404 }],
    [result(null, null), { tag: 'err' }], [result(null, T.string), { tag: 'ok' }],
    [flags('a', 'b', 'c'), { a: true, b: false, c: true }],
    [flags(...Array.from({ length: 32 }, (_, i) => `f${i}`)), Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, i % 3 === 0]))],
    [map(T.string, T.u32), [['a', 1], ['b', 2]]],
    [list(option(tuple(T.string, list(T.u32)))), [{ tag: 'some', val: ['x', [1, 2]] }, { tag: 'none' }]],
    [tuple(...Array(17).fill(T.u8)), Array.from({ length: 17 }, (_, i) => i)],
    [tuple(...Array(20).fill(T.string)), Array.from({ length: 20 }, (_, i) => `s${i}`)],
  ];
  for (const [type, value] of values) {
    test(`${type.kind} ${formatValue(value)}`.slice(0, 110), () => roundTrip(type, value));
  }
  for (const enc of ['utf16', 'latin1+utf16']) {
    for (const host of ['utf8', 'utf16', 'latin1+utf16']) {
      for (const s of ['', 'plain', 'aé', 'a☃', '😀x', 'abé☃', 'xyz😀é']) {
        test(`string ${JSON.stringify(s)} into ${enc} from a ${host} host`, () => roundTrip(T.string, s, { encoding: enc, host }));
      }
    }
  }
  test('map accepts a JS Map when lowering', async () => {
    const { taken } = await forward(map(T.u8, T.bool), new Map([[1, true], [2, false]]));
    assert.deepEqual(taken, [[1, true], [2, false]]);
  });
  test('missing flags are false, lifted flags list every label', async () => {
    const { taken } = await forward(flags('a', 'b', 'c'), { b: true });
    assert.deepEqual(taken, { a: false, b: true, c: false });
  });
});

// ---- store_string's realloc calls (CanonicalABI.md "Storing") -----------------------------------

describe('string transcoding follows store_string', () => {
  // [destination encoding, host hint, string, expected realloc calls as [old?, oldSize, align, newSize]]
  const cases = [
    ['utf8', 'utf8', 'aé', [[0, 0, 1, 3]]],
    ['utf8', 'utf16', 'abc', [[0, 0, 1, 3]]],
    ['utf8', 'utf16', 'aé', [[0, 0, 1, 2], [1, 2, 1, 6], [1, 6, 1, 3]]],
    ['utf8', 'latin1+utf16', 'aé', [[0, 0, 1, 2], [1, 2, 1, 4], [1, 4, 1, 3]]],
    ['utf16', 'utf8', 'aé', [[0, 0, 2, 6], [1, 6, 2, 4]]],
    ['utf16', 'utf16', 'aé', [[0, 0, 2, 4]]],
    ['latin1+utf16', 'utf8', 'aé', [[0, 0, 2, 3], [1, 3, 2, 2]]],
    ['latin1+utf16', 'utf8', 'a☃', [[0, 0, 2, 4], [1, 4, 2, 8], [1, 8, 2, 4]]],
    ['latin1+utf16', 'utf8', 'abé☃', [[0, 0, 2, 7], [1, 7, 2, 14], [1, 14, 2, 8]]],
    ['latin1+utf16', 'latin1+utf16', 'aé', [[0, 0, 2, 2]]],
    ['latin1+utf16', 'latin1+utf16', 'a☃', [[0, 0, 2, 4]]],
    ['latin1+utf16', 'utf16', 'ab', [[0, 0, 2, 2]]],
  ];
  for (const [enc, host, s, calls] of cases) {
    test(`${host} host -> ${enc}: ${JSON.stringify(s)}`, async () => {
      const { wat, abi } = forwarder(T.string, enc);
      let taken;
      const inst = await instantiate(await parse(wat), abi, { host: { take: (v) => { taken = v; }, give: () => s } }, { hostStringEncoding: host });
      inst.call('p', s);
      assert.equal(taken, s);
      // `old` is only compared for being zero or not.
      assert.deepEqual(reallocLog(inst).map(([o, ...rest]) => [o ? 1 : 0, ...rest]), calls);
    });
  }
  test('latin1+utf16 lowering tags UTF-16 strings', async () => {
    const inst = await handModule(`
      (func (export "f") (param i32 i32) (result i32) (local.get 1))`,
    [{ core: 'f', params: ps(T.string), result: T.u32, string_encoding: 'latin1+utf16' }]);
    assert.equal(inst.call('f', 'aé'), 2);
    assert.equal(inst.call('f', 'a☃'), (2 | 0x80000000) >>> 0);
  });
});

// ---- Layout in memory, checked by hand -----------------------------------------------------------

describe('memory layout', () => {
  test('list<record{a: u8, b: u32, c: u16}>: element size 12, fields at 0, 4, 8', async () => {
    const inst = await handModule(`
      (func (export "f") (param $p i32) (param $n i32) (result i32)
        (i32.add (i32.load8_u (local.get $p))
          (i32.add (i32.load offset=4 (local.get $p))
            (i32.add (i32.load16_u offset=8 (local.get $p)) (i32.load16_u offset=20 (local.get $p))))))`,
    [{ core: 'f', params: ps(list(record({ a: T.u8, b: T.u32, c: T.u16 }))), result: T.u32 }]);
    assert.equal(inst.call('f', [{ a: 1, b: 20, c: 300 }, { a: 0, b: 0, c: 4000 }]), 4321);
  });
  test('a spilled result is read through the returned pointer', async () => {
    // tuple<u8, u64, string> at 256: u8 @0, u64 @8, string @16 = (ptr 512, len 3)
    const inst = await handModule(`
      (data (i32.const 512) "abc")
      (func (export "f") (result i32)
        (i32.store8 (i32.const 256) (i32.const 7))
        (i64.store (i32.const 264) (i64.const -1))
        (i32.store (i32.const 272) (i32.const 512))
        (i32.store (i32.const 276) (i32.const 3))
        (i32.const 256))`,
    [{ core: 'f', result: tuple(T.u8, T.u64, T.string) }]);
    assert.deepEqual(inst.call('f'), [7, 2n ** 64n - 1n, 'abc']);
  });
  test('17 flat params are spilled into memory allocated with realloc', async () => {
    const inst = await handModule(`
      (func (export "f") (param $p i32) (result i32)
        (i32.add (i32.load (local.get $p)) (i32.load offset=64 (local.get $p))))`,
    [{ core: 'f', params: ps(...Array(17).fill(T.u32)), result: T.u32 }]);
    assert.equal(inst.call('f', ...Array.from({ length: 17 }, (_, i) => i + 1)), 18);
    assert.deepEqual(reallocLog(inst), [[0, 0, 4, 68]]);
  });
  test('variant{a: f32, b: u32} passes f32 as its i32 bits; NaN as the canonical NaN', async () => {
    const inst = await handModule(`(func (export "f") (param i32 i32) (result i32) (local.get 1))`,
      [{ core: 'f', params: ps(variant({ a: T.f32, b: T.u32 })), result: T.u32 }]);
    assert.equal(inst.call('f', { tag: 'a', val: 1 }), 0x3f800000);
    assert.equal(inst.call('f', { tag: 'a', val: NaN }), 0x7fc00000);
  });
  test('integers are truncated and bool normalised when lifted', async () => {
    const id = (r) => ({ core: `to-${r.kind}`, params: ps(T.u32), result: r });
    const inst = await handModule(['bool', 'u8', 's8', 'u16', 's16'].map((k) => `(func (export "to-${k}") (param i32) (result i32) (local.get 0))`).join('\n'),
      [id(T.bool), id(T.u8), id(T.s8), id(T.u16), id(T.s16)]);
    assert.equal(inst.call('to-bool', 2), true);
    assert.equal(inst.call('to-bool', 0), false);
    assert.equal(inst.call('to-u8', 0xf01), 1);
    assert.equal(inst.call('to-s8', 0xffffffff), -1);
    assert.equal(inst.call('to-u16', 0xffffffff), 0xffff);
    assert.equal(inst.call('to-s16', 0x18000), -32768);
  });
  test('f32 NaN payloads come back as NaN', async () => {
    const inst = await handModule(`(func (export "f") (result f32) (f32.reinterpret_i32 (i32.const 0x7fa00001)))`,
      [{ core: 'f', result: T.f32 }]);
    assert.ok(Number.isNaN(inst.call('f')));
  });
});

// ---- Traps ----------------------------------------------------------------------------------------

describe('traps', () => {
  const ret = (wat, result, extra = {}) => handModule(`(func (export "f") ${wat})`, [{ core: 'f', result, ...extra }]);
  test('invalid char', async () => {
    await assert.rejects(async () => (await ret('(result i32) (i32.const 0xd800)', T.char)).call('f'), Trap);
    await assert.rejects(async () => (await ret('(result i32) (i32.const 0x110000)', T.char)).call('f'), Trap);
  });
  test('variant discriminant out of range', async () => {
    await assert.rejects(async () => (await ret('(result i32) (i32.const 3)', enm('a', 'b', 'c'))).call('f'), /discriminant/);
  });
  test('string out of bounds, invalid UTF-8, lone UTF-16 surrogate, misaligned UTF-16', async () => {
    const str = (ptr, len, enc) => ret(`(result i32) (i32.store (i32.const 256) (i32.const ${ptr})) (i32.store (i32.const 260) (i32.const ${len})) (i32.const 256)`, T.string, { string_encoding: enc });
    const bad = async (mod, re) => {
      const inst = await mod;
      new Uint8Array(inst.core.memory.buffer).set([0xff, 0xfe, 0x00, 0xd8], 600);
      await assert.rejects(async () => inst.call('f'), (e) => e instanceof Trap && re.test(e.message));
    };
    await bad(str(131070, 3, 'utf8'), /out of bounds/);
    await bad(str(600, 2, 'utf8'), /UTF-8/);
    await bad(str(602, 1, 'utf16'), /UTF-16/);
    await bad(str(601, 1, 'utf16'), /aligned/);
  });
  test('list misaligned or out of bounds', async () => {
    const lst = (ptr, len) => ret(`(result i32) (i32.store (i32.const 256) (i32.const ${ptr})) (i32.store (i32.const 260) (i32.const ${len})) (i32.const 256)`, list(T.u32));
    await assert.rejects(async () => (await lst(2, 1)).call('f'), /aligned/);
    await assert.rejects(async () => (await lst(131068, 2)).call('f'), /out of bounds/);
  });
  test('realloc result out of bounds or misaligned when the host lowers a list', async () => {
    const mod = (r) => handModule(`
      (func $bad (export "bad-realloc") (param i32 i32 i32 i32) (result i32) (i32.const ${r}))
      (func (export "f") (param i32 i32))`, [{ core: 'f', params: ps(list(T.u32)), realloc: 'bad-realloc' }]);
    await assert.rejects(async () => (await mod(-4)).call('f', [1, 2]), /beyond end of memory/);
    await assert.rejects(async () => (await mod(-4)).call('f', []), /beyond end of memory/);
    await assert.rejects(async () => (await mod(-1)).call('f', [1]), /not aligned/);
  });
  test('unreachable is a Trap; the instance cannot be entered afterwards', async () => {
    const inst = await handModule(`(func (export "f") unreachable) (func (export "g") (result i32) (i32.const 1))`,
      [{ core: 'f' }, { core: 'g', result: T.u32 }]);
    await assert.rejects(async () => inst.call('f'), (e) => e instanceof Trap && e.cause instanceof WebAssembly.RuntimeError);
    await assert.rejects(async () => inst.call('g'), /cannot enter/);
  });
  test('stack exhaustion is a Trap', async () => {
    const inst = await handModule(`(func $r (export "f") (call $r))`, [{ core: 'f' }]);
    await assert.rejects(async () => inst.call('f'), Trap);
  });
  test('reentering from a host import traps', async () => {
    let inst;
    const imp = { module: 'host', field: 'cb', wat: '(import "host" "cb" (func $cb))', desc: {} };
    inst = await handModule(`(func (export "f") (call $cb)) (func (export "g"))`, [{ core: 'f' }, { core: 'g' }], [imp],
      { host: { cb: () => inst.call('g') } });
    await assert.rejects(async () => inst.call('f'), /cannot enter component instance/);
  });
  test('a host import called during post-return traps', async () => {
    const imp = { module: 'host', field: 'cb', wat: '(import "host" "cb" (func $cb))', desc: {} };
    let called = 0;
    const inst = await handModule(`(func (export "f") (result i32) (i32.const 5)) (func (export "post") (param i32) (call $cb))`,
      [{ core: 'f', result: T.u32, post_return: 'post' }], [imp], { host: { cb: () => { called++; } } });
    await assert.rejects(async () => inst.call('f'), /cannot leave component instance/);
    assert.equal(called, 0);
  });
  test('a host import called by realloc traps', async () => {
    const imp = { module: 'host', field: 'cb', wat: '(import "host" "cb" (func $cb))', desc: {} };
    const inst = await handModule(`
      (func (export "bad-realloc") (param i32 i32 i32 i32) (result i32) (call $cb) (i32.const 64))
      (func (export "f") (param i32 i32))`, [{ core: 'f', params: ps(T.string), realloc: 'bad-realloc' }], [imp], { host: { cb: () => {} } });
    await assert.rejects(async () => inst.call('f', 'x'), /cannot leave component instance/);
  });
  test('a trap in the start function rejects instantiation with a Trap', async () => {
    await assert.rejects(handModule(`(func $s unreachable) (start $s)`, []), Trap);
  });
});

// ---- Host imports --------------------------------------------------------------------------------

describe('host imports', () => {
  test('arguments lifted from the caller, a string result lowered through its realloc', async () => {
    const desc = { params: ps(T.string, T.u32), result: T.string };
    const imp = { module: 'test:x/y', field: 'rep', wat: '(import "test:x/y" "rep" (func $rep (param i32 i32 i32 i32)))', desc };
    const inst = await handModule(`
      (data (i32.const 300) "ab")
      (func (export "f") (result i32)
        (call $rep (i32.const 300) (i32.const 2) (i32.const 3) (i32.const 256))
        (i32.const 256))`,
    [{ core: 'f', result: T.string }], [imp], { 'test:x/y': { rep: (s, n) => s.repeat(n) } });
    assert.equal(inst.call('f'), 'ababab');
    assert.deepEqual(reallocLog(inst), [[0, 0, 1, 6]]);
  });
  test('the start function may call a host import that reads memory', async () => {
    const imp = { module: 'host', field: 'log', wat: '(import "host" "log" (func $log (param i32 i32)))', desc: { params: ps(T.string) } };
    const seen = [];
    const inst = await handModule(`(data (i32.const 300) "hi") (func $s (call $log (i32.const 300) (i32.const 2))) (start $s)
      (func (export "f") (result i32) (i32.const 9))`, [{ core: 'f', result: T.u32 }], [imp], { host: { log: (s) => seen.push(s) } });
    assert.deepEqual(seen, ['hi']);
    assert.equal(inst.call('f'), 9);
  });
  test('more than 16 flat params arrive through a pointer', async () => {
    const desc = { params: ps(...Array(17).fill(T.u8)) };
    const imp = { module: 'host', field: 'many', wat: '(import "host" "many" (func $many (param i32)))', desc };
    let got;
    const inst = await handModule(`
      (data (i32.const 300) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10\\11")
      (func (export "f") (call $many (i32.const 300)))`, [{ core: 'f' }], [imp], { host: { many: (...a) => { got = a; } } });
    inst.call('f');
    assert.deepEqual(got, Array.from({ length: 17 }, (_, i) => i + 1));
  });
  test('missing host imports are reported at instantiation', async () => {
    const imp = { module: 'host', field: 'nope', wat: '(import "host" "nope" (func))', desc: {} };
    await assert.rejects(handModule('', [], [imp], {}), /host imports not provided: host#nope/);
  });
  test('a module whose core types disagree with the description is refused', async () => {
    await assert.rejects(handModule(`(func (export "f") (param i64))`, [{ core: 'f', params: ps(T.u32) }]), AbiError);
  });
});

// ---- Host value checks and comparison helpers -----------------------------------------------------

describe('host values and helpers', () => {
  test('ill-typed host values are TypeErrors/RangeErrors, not traps', async () => {
    const inst = await handModule(`(func (export "f") (param i32))`, [{ core: 'f', params: ps(T.u8) }]);
    assert.throws(() => inst.call('f', 256), RangeError);
    assert.throws(() => inst.call('f', 'x'), TypeError);
    assert.throws(() => inst.call('f'), TypeError);
    inst.call('f', 3); // the instance is still usable
  });
  test('lone surrogates and multi-character chars are refused', async () => {
    const inst = await handModule(`(func (export "s") (param i32 i32)) (func (export "c") (param i32))`,
      [{ core: 's', params: ps(T.string) }, { core: 'c', params: ps(T.char) }]);
    assert.throws(() => inst.call('s', 'a\ud800'), TypeError);
    assert.throws(() => inst.call('c', 'ab'), TypeError);
    assert.throws(() => inst.call('c', '\udc00'), TypeError);
  });
  test('valuesEqual and deepEqual', () => {
    assert.ok(valuesEqual(T.u64, 5n, 5));
    assert.ok(valuesEqual(T.f32, NaN, NaN));
    assert.ok(!valuesEqual(T.f64, 0, -0));
    assert.ok(valuesEqual(flags('a', 'b'), { a: true }, { a: true, b: false }));
    assert.ok(!valuesEqual(option(T.u8), { tag: 'none' }, { tag: 'some', val: 0 }));
    assert.ok(valuesEqual(result(null, T.u8), { tag: 'ok' }, { tag: 'ok', val: undefined }));
    assert.ok(deepEqual({ a: [1n, NaN] }, { a: [1, NaN] }));
    assert.ok(!deepEqual([1, 2], [1, 2, 3]));
    assert.equal(formatValue({ tag: 'some', val: [1n, 'x'] }), '{tag: "some", val: [1n, "x"]}');
  });
});
