// Values between the two hosts of the differential runner, by type (the `--emit-abi` types of
// docs/fusion.md): jco's bindings (the unfused program, and how test/fixtures/apps.mjs writes
// arguments and expected results) and test/runtime/canon.mjs (the fused program).
//
// The two differ in: record fields (jco lowerCamelCase, canon.mjs the WIT names), option<T> (jco
// T or undefined, tagged only when T is itself an option; canon.mjs always tagged), lists (jco
// typed arrays for numbers; canon.mjs Arrays), flags (jco lowerCamelCase keys) and a function's
// top-level result<T, E> (jco returns T and throws E as a ComponentError; canon.mjs returns the
// tagged value).  Everything else (variants, enums, tuples, chars, BigInt for 64-bit integers) is
// the same.

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

// jco value -> canon.mjs value.
export function toCanon(t, v) {
  switch (t.kind) {
    case 'list': {
      const items = ArrayBuffer.isView(v) ? Array.from(v) : v;
      if (!Array.isArray(items)) throw new TypeError(`expected a list, got ${typeof v}`);
      return items.map((x) => toCanon(t.element, x));
    }
    case 'map':
      return Array.from(v instanceof Map ? v.entries() : v, ([k, x]) => [toCanon(t.key, k), toCanon(t.value, x)]);
    case 'record': {
      const o = {};
      for (const f of t.fields) o[f.name] = toCanon(f.type, v[camel(f.name)]);
      return o;
    }
    case 'tuple':
      return t.types.map((u, i) => toCanon(u, v[i]));
    case 'variant': {
      const c = t.cases.find((x) => x.name === v.tag);
      if (!c) throw new TypeError(`no case '${v.tag}'`);
      return c.type ? { tag: c.name, val: toCanon(c.type, v.val) } : { tag: c.name };
    }
    case 'option':
      if (t.type.kind === 'option') return v.tag === 'none' ? { tag: 'none' } : { tag: 'some', val: toCanon(t.type, v.val) };
      return v === undefined ? { tag: 'none' } : { tag: 'some', val: toCanon(t.type, v) };
    case 'result': {
      const u = v.tag === 'ok' ? t.ok : t.error;
      return u ? { tag: v.tag, val: toCanon(u, v.val) } : { tag: v.tag };
    }
    case 'flags': {
      const o = {};
      for (const f of t.flags) o[f] = Boolean(v[camel(f)]);
      return o;
    }
    default:
      return v;
  }
}

// canon.mjs value -> jco value.
export function fromCanon(t, v) {
  switch (t.kind) {
    case 'list':
      return v.map((x) => fromCanon(t.element, x));
    case 'map':
      return v.map(([k, x]) => [fromCanon(t.key, k), fromCanon(t.value, x)]);
    case 'record': {
      const o = {};
      for (const f of t.fields) o[camel(f.name)] = fromCanon(f.type, v[f.name]);
      return o;
    }
    case 'tuple':
      return t.types.map((u, i) => fromCanon(u, v[i]));
    case 'variant': {
      const c = t.cases.find((x) => x.name === v.tag);
      return c && c.type ? { tag: v.tag, val: fromCanon(c.type, v.val) } : { tag: v.tag };
    }
    case 'option':
      if (t.type.kind === 'option') return v.tag === 'none' ? { tag: 'none' } : { tag: 'some', val: fromCanon(t.type, v.val) };
      return v.tag === 'none' ? undefined : fromCanon(t.type, v.val);
    case 'result': {
      const u = v.tag === 'ok' ? t.ok : t.error;
      return u ? { tag: v.tag, val: fromCanon(u, v.val) } : { tag: v.tag };
    }
    case 'flags': {
      const o = {};
      for (const f of t.flags) o[camel(f)] = Boolean(v[f]);
      return o;
    }
    default:
      return v;
  }
}
