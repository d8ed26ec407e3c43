// A host-side Canonical ABI for calling the core modules meldc fuses (docs/fusion.md), written
// from the component model's CanonicalABI.md (synchronous ABI, 32-bit memories).
//
//   import { instantiate, Trap } from './canon.mjs';
//   const inst = await instantiate(wasmBytes, abiJson, { 'wasi:cli/stdout@0.2.0': { 'get-stdout': () => 1 } });
//   inst.exports['test:scalar/math#add-u32'](1, 2);   // -> 3
//   inst.call('add-u32', 1, 2);                          // by interface-less or full core name
//
// instantiate(bytes | WebAssembly.Module, abi, imports = {}, options = {}) -> Promise<Instance>
// instantiateSync(...)                                                  -> Instance
//   abi      the `--emit-abi` description: an object or its JSON text (schema version 1)
//   imports  host functions by core import name: imports[module][field] = (...args) => result,
//            called with lifted JS values; its return value is lowered into the caller's memory
//            through the caller's realloc (the `realloc` of the ABI import entry)
//   options  hostStringEncoding: 'utf8' (default) | 'utf16' | 'latin1+utf16' — the encoding a
//              host string is taken to have when it is stored into wasm memory (CanonicalABI's
//              `String` triple carries the source encoding and code-unit count; it only changes
//              which realloc calls store_string makes, not the stored text)
//            allowMissingImports: true gives imports the host does not provide a function that
//              throws when called (default: instantiate throws, naming them)
//            coreImports: { module: { field: value } } passed to core instantiation as is (for
//              imports outside the ABI description)
//            check: false skips comparing the module's core signatures with the ABI description
// Instance: exports (core export name -> JS function), call(name, ...args), func(name),
//           core (the WebAssembly.Instance's exports), abi, state ({ mayEnter, mayLeave, poisoned })
//
// Values in JS (lifting produces, lowering accepts):
//   bool                 boolean (lowering also accepts 0 and 1)
//   s8 u8 s16 u16 s32 u32  number (an integer in range; anything else is a TypeError/RangeError)
//   s64 u64              BigInt (lowering also accepts a safe-integer number)
//   f32 f64              number; lifting gives NaN for every NaN (the spec canonicalises NaNs);
//                        lowering stores NaN as the canonical NaN (0x7fc00000 / 0x7ff8000000000000),
//                        the spec's deterministic profile
//   char                 a string of exactly one Unicode scalar value
//   string               string (lowering refuses lone surrogates: strings are scalar values)
//   list<T>, list<T,N>   Array (a fixed-length list must have exactly N elements)
//   record               object keyed by field name
//   tuple                Array
//   variant              { tag: 'case', val } (val omitted when the case has no payload)
//   enum                 string (the case name)
//   option<T>            { tag: 'none' } | { tag: 'some', val }
//   result<T, E>         { tag: 'ok', val } | { tag: 'err', val } (val omitted without a payload)
//   flags                object { flag: boolean } (lifting lists every flag; lowering treats a
//                        missing flag as false and refuses unknown names)
//   map<K, V>            Array of [key, value] pairs (the despecialisation list<tuple<K, V>>, in
//                        order); lowering also accepts a JS Map
// Own/borrow handles, streams, futures and error-context are not supported (AbiError).
//
// Errors: a trap — a WebAssembly.RuntimeError, an uncaught wasm exception, call stack exhaustion,
// or anything CanonicalABI.md says traps (invalid char, variant discriminant out of range, string or
// list out of bounds or misaligned, invalid UTF-8/UTF-16, a realloc result out of bounds or
// misaligned, entering the instance again from a host import, calling a host import during
// realloc or post-return) — is thrown as `Trap`. After a trap the instance stays entered, as in
// the spec (which tears the instance down): a later call traps with "cannot enter component
// instance". A JS value that does not fit the type is a TypeError/RangeError (a host bug, not a
// trap); a module that does not match its ABI description is an AbiError.
//
// Helpers: valuesEqual(type, a, b) compares by type (floats with NaN equal to NaN, 64-bit integers
// as BigInt whatever their JS type, flags by every label); deepEqual(a, b) compares untyped JS
// values the same way; formatValue(v) prints a value (BigInt with an `n`); abiOf(type) gives
// { align, size, flat }; flattenFuncType(fn, 'lift' | 'lower') the core signature of an entry.

export class Trap extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'Trap';
  }
}

export class AbiError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AbiError';
  }
}

const trap = (msg) => { throw new Trap(msg); };
const trapIf = (cond, msg) => { if (cond) throw new Trap(msg); };

const MAX_FLAT_PARAMS = 16;
const MAX_FLAT_RESULTS = 1;
const MAX_STRING_BYTE_LENGTH = 2 ** 28 - 1;
const MAX_LIST_BYTE_LENGTH = 2 ** 28 - 1;
const REALLOC_I32_MAX = 2 ** 32 - 1;
const UTF16_TAG = 2 ** 31;
const CANONICAL_F32_NAN = 0x7fc00000;
const CANONICAL_F64_NAN = 0x7ff8000000000000n;

// ---- Types -----------------------------------------------------------------------------------
//
// The ABI JSON's types are normalised once into objects the code below switches on:
//   { k: 'bool' | 's8' | ... | 'f64' | 'char' | 'string' }
//   { k: 'list', elem, length }           length null for a variable-length list; map -> list of
//                                         a tuple, with js: 'map'
//   { k: 'record', fields: [{ name, t }], js: 'record' | 'tuple' }
//   { k: 'variant', cases: [{ name, tag, t }], js: 'variant' | 'enum' | 'option' | 'result' }
//   { k: 'flags', labels }
// Specialised types are their despecialisation (CanonicalABI.md "Despecialization"), remembering
// only which JS shape they have. Each normalised type caches align, size and flat.

const PRIMS = new Set(['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string']);
const normalised = new WeakMap();

function norm(t) {
  if (t === null || typeof t !== 'object') throw new AbiError(`bad type in the ABI description: ${JSON.stringify(t)}`);
  let n = normalised.get(t);
  if (n) return n;
  n = normalise(t);
  normalised.set(t, n);
  return n;
}

function normalise(t) {
  const opt = (u) => (u === null || u === undefined ? null : norm(u));
  switch (t.kind) {
    case 'list':
      if (t.length !== undefined && t.length !== null && !(Number.isInteger(t.length) && t.length > 0))
        throw new AbiError(`bad fixed list length ${t.length}`);
      return { k: 'list', elem: norm(t.element), length: t.length ?? null, js: 'list' };
    case 'map':
      return { k: 'list', elem: tupleOf([norm(t.key), norm(t.value)]), length: null, js: 'map' };
    case 'record':
      if (!Array.isArray(t.fields) || !t.fields.length) throw new AbiError('a record needs fields');
      return { k: 'record', fields: t.fields.map((f) => ({ name: f.name, t: norm(f.type) })), js: 'record' };
    case 'tuple':
      if (!Array.isArray(t.types) || !t.types.length) throw new AbiError('a tuple needs types');
      return tupleOf(t.types.map(norm));
    case 'variant':
      if (!Array.isArray(t.cases) || !t.cases.length) throw new AbiError('a variant needs cases');
      return { k: 'variant', cases: t.cases.map((c) => ({ name: c.name, tag: c.name, t: opt(c.type) })), js: 'variant' };
    case 'enum':
      if (!Array.isArray(t.cases) || !t.cases.length) throw new AbiError('an enum needs cases');
      return { k: 'variant', cases: t.cases.map((c) => ({ name: c, tag: c, t: null })), js: 'enum' };
    case 'option':
      return { k: 'variant', cases: [{ name: 'none', tag: 'none', t: null }, { name: 'some', tag: 'some', t: norm(t.type) }], js: 'option' };
    case 'result':
      return { k: 'variant', cases: [{ name: 'ok', tag: 'ok', t: opt(t.ok) }, { name: 'error', tag: 'err', t: opt(t.error) }], js: 'result' };
    case 'flags':
      if (!Array.isArray(t.flags) || t.flags.length === 0 || t.flags.length > 32)
        throw new AbiError(`flags need 1 to 32 labels, not ${t.flags?.length}`);
      return { k: 'flags', labels: t.flags.slice() };
    default:
      if (PRIMS.has(t.kind)) return { k: t.kind };
      throw new AbiError(`type kind '${t.kind}' is not supported by canon.mjs`);
  }
}

function tupleOf(ts) {
  return { k: 'record', fields: ts.map((t, i) => ({ name: String(i), t })), js: 'tuple' };
}

const alignTo = (ptr, a) => Math.ceil(ptr / a) * a;

function discriminantSize(n) {
  // discriminant_type: u8 up to 256 cases, u16 up to 65536, else u32.
  return n <= 0x100 ? 1 : n <= 0x10000 ? 2 : 4;
}

function flagsSize(n) {
  return n <= 8 ? 1 : n <= 16 ? 2 : 4;
}

function maxCaseAlignment(t) {
  let a = 1;
  for (const c of t.cases) if (c.t) a = Math.max(a, alignment(c.t));
  return a;
}

function alignment(t) {
  if (t.align !== undefined) return t.align;
  let a;
  switch (t.k) {
    case 'bool': case 's8': case 'u8': a = 1; break;
    case 's16': case 'u16': a = 2; break;
    case 's32': case 'u32': case 'f32': case 'char': a = 4; break;
    case 's64': case 'u64': case 'f64': a = 8; break;
    case 'string': a = 4; break;
    case 'list': a = t.length !== null ? alignment(t.elem) : 4; break;
    case 'record': a = 1; for (const f of t.fields) a = Math.max(a, alignment(f.t)); break;
    case 'variant': a = Math.max(discriminantSize(t.cases.length), maxCaseAlignment(t)); break;
    case 'flags': a = flagsSize(t.labels.length); break;
    default: throw new AbiError(`no alignment for ${t.k}`);
  }
  t.align = a;
  return a;
}

function elemSize(t) {
  if (t.size !== undefined) return t.size;
  let s;
  switch (t.k) {
    case 'bool': case 's8': case 'u8': s = 1; break;
    case 's16': case 'u16': s = 2; break;
    case 's32': case 'u32': case 'f32': case 'char': s = 4; break;
    case 's64': case 'u64': case 'f64': s = 8; break;
    case 'string': s = 8; break;
    case 'list': s = t.length !== null ? t.length * elemSize(t.elem) : 8; break;
    case 'record':
      s = 0;
      for (const f of t.fields) s = alignTo(s, alignment(f.t)) + elemSize(f.t);
      s = alignTo(s, alignment(t));
      break;
    case 'variant': {
      s = alignTo(discriminantSize(t.cases.length), maxCaseAlignment(t));
      let cs = 0;
      for (const c of t.cases) if (c.t) cs = Math.max(cs, elemSize(c.t));
      s = alignTo(s + cs, alignment(t));
      break;
    }
    case 'flags': s = flagsSize(t.labels.length); break;
    default: throw new AbiError(`no size for ${t.k}`);
  }
  t.size = s;
  return s;
}

function joinFlat(a, b) {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

function flatten(t) {
  if (t.flat !== undefined) return t.flat;
  let f;
  switch (t.k) {
    case 'bool': case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': case 'char': f = ['i32']; break;
    case 's64': case 'u64': f = ['i64']; break;
    case 'f32': f = ['f32']; break;
    case 'f64': f = ['f64']; break;
    case 'string': f = ['i32', 'i32']; break;
    case 'list':
      if (t.length === null) f = ['i32', 'i32'];
      else { f = []; for (let i = 0; i < t.length; i++) f.push(...flatten(t.elem)); }
      break;
    case 'record': f = t.fields.flatMap((x) => flatten(x.t)); break;
    case 'variant': {
      const payload = [];
      for (const c of t.cases) {
        if (!c.t) continue;
        flatten(c.t).forEach((ft, i) => { payload[i] = i < payload.length ? joinFlat(payload[i], ft) : ft; });
      }
      f = ['i32', ...payload];
      break;
    }
    case 'flags': f = ['i32']; break;
    default: throw new AbiError(`cannot flatten ${t.k}`);
  }
  t.flat = f;
  return f;
}

const flattenTypes = (ts) => ts.flatMap(flatten);

export function abiOf(type) {
  const t = norm(type);
  return { align: alignment(t), size: elemSize(t), flat: flatten(t).slice() };
}

// The core signature of an ABI entry (flatten_functype of the synchronous ABI).
export function flattenFuncType(fn, context) {
  const params = fn.params.map((p) => norm(p.type));
  const results = fn.result ? [norm(fn.result)] : [];
  let fp = flattenTypes(params), fr = flattenTypes(results);
  if (fp.length > MAX_FLAT_PARAMS) fp = ['i32'];
  if (fr.length > MAX_FLAT_RESULTS) {
    if (context === 'lift') fr = ['i32'];
    else { fp = [...fp, 'i32']; fr = []; }
  }
  return { params: fp, results: fr };
}

// ---- Memory and the lifting/lowering context ---------------------------------------------------

// A context is one call's view of the canonical options (CanonicalABI.md LiftLowerContext):
// the memory, realloc and string encoding, plus the instance state for may_leave.
class Context {
  constructor(state, memory, realloc, encoding, what) {
    this.state = state;
    this.memory = memory;
    this.realloc = realloc;
    this.encoding = encoding;
    this.what = what;
    this.buf = null;
  }

  mem() {
    if (!this.memory) throw new AbiError(`${this.what}: the values need a memory, and the ABI description names none`);
    const b = this.memory.buffer;
    if (b !== this.buf) {
      this.buf = b;
      this.u8 = new Uint8Array(b);
      this.dv = new DataView(b);
    }
    return this;
  }

  get length() { return this.mem().u8.length; }

  reallocate(old, oldSize, align, newSize) {
    if (!this.realloc) throw new AbiError(`${this.what}: lowering needs realloc, and the ABI description names none`);
    const st = this.state;
    st.mayLeave = false;
    const r = callCore(this.realloc, [old, oldSize, align, newSize]);
    st.mayLeave = true;
    return r >>> 0;
  }

  allocate(align, size) {
    return this.reallocate(0, 0, align, size);
  }
}

// Calls a core function, turning what the spec calls a trap into Trap.
function callCore(fn, args) {
  try {
    return fn(...args);
  } catch (e) {
    throw asTrap(e);
  }
}

function asTrap(e) {
  if (e instanceof Trap) return e;
  if (e instanceof WebAssembly.RuntimeError) return new Trap(e.message, { cause: e });
  if (typeof WebAssembly.Exception === 'function' && e instanceof WebAssembly.Exception)
    return new Trap('uncaught wasm exception at the component boundary', { cause: e });
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new Trap('call stack exhausted', { cause: e });
  return e;
}

// ---- Float bits ------------------------------------------------------------------------------

const f32buf = new DataView(new ArrayBuffer(8));

function f32FromBits(i) {
  f32buf.setUint32(0, i, true);
  return f32buf.getFloat32(0, true);
}

function f64FromBits(i) {
  f32buf.setBigUint64(0, i, true);
  return f32buf.getFloat64(0, true);
}

function f32Bits(f) {
  if (Number.isNaN(f)) return CANONICAL_F32_NAN;
  f32buf.setFloat32(0, f, true);
  return f32buf.getUint32(0, true);
}

function f64Bits(f) {
  if (Number.isNaN(f)) return CANONICAL_F64_NAN;
  f32buf.setFloat64(0, f, true);
  return f32buf.getBigUint64(0, true);
}

// ---- Checking host values ----------------------------------------------------------------------

const INT_RANGES = {
  s8: [-128, 127], u8: [0, 255], s16: [-32768, 32767], u16: [0, 65535],
  s32: [-(2 ** 31), 2 ** 31 - 1], u32: [0, 2 ** 32 - 1],
};

function hostInt(v, k) {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${k}: expected an integer number, got ${formatValue(v)}`);
  const [lo, hi] = INT_RANGES[k];
  if (v < lo || v > hi) throw new RangeError(`${k}: ${v} is out of range`);
  return v;
}

function hostBig(v, k) {
  let b;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else throw new TypeError(`${k}: expected a BigInt, got ${formatValue(v)}`);
  const ok = k === 'u64' ? b >= 0n && b < 2n ** 64n : b >= -(2n ** 63n) && b < 2n ** 63n;
  if (!ok) throw new RangeError(`${k}: ${b} is out of range`);
  return b;
}

function hostBool(v) {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  throw new TypeError(`bool: expected a boolean, got ${formatValue(v)}`);
}

function hostFloat(v, k) {
  if (typeof v !== 'number') throw new TypeError(`${k}: expected a number, got ${formatValue(v)}`);
  return k === 'f32' ? Math.fround(v) : v;
}

function hostChar(v) {
  if (typeof v !== 'string' || v.length === 0 || v.length > 2) throw new TypeError(`char: expected one character, got ${formatValue(v)}`);
  const cp = v.codePointAt(0);
  if (String.fromCodePoint(cp) !== v || (cp >= 0xd800 && cp <= 0xdfff)) throw new TypeError(`char: expected one Unicode scalar value, got ${formatValue(v)}`);
  return cp;
}

function hostString(v) {
  if (typeof v !== 'string') throw new TypeError(`string: expected a string, got ${formatValue(v)}`);
  if (!v.isWellFormed()) throw new TypeError('string: contains a lone surrogate (not a sequence of Unicode scalar values)');
  return v;
}

function hostArray(v, t) {
  if (t.js === 'map' && v instanceof Map) return [...v.entries()];
  if (!Array.isArray(v)) throw new TypeError(`${t.js}: expected an Array, got ${formatValue(v)}`);
  if (t.length !== null && v.length !== t.length) throw new TypeError(`list of length ${t.length}: got ${v.length} elements`);
  return v;
}

function hostFieldValues(v, t) {
  if (t.js === 'tuple') {
    if (!Array.isArray(v) || v.length !== t.fields.length) throw new TypeError(`tuple of ${t.fields.length}: got ${formatValue(v)}`);
    return v;
  }
  if (v === null || typeof v !== 'object') throw new TypeError(`record: expected an object, got ${formatValue(v)}`);
  return t.fields.map((f) => {
    if (!(f.name in v)) throw new TypeError(`record: field '${f.name}' missing in ${formatValue(v)}`);
    return v[f.name];
  });
}

// -> [case index, payload]
function hostCase(v, t) {
  let tag, val;
  if (t.js === 'enum') {
    if (typeof v !== 'string') throw new TypeError(`enum: expected a case name, got ${formatValue(v)}`);
    tag = v;
  } else {
    if (v === null || typeof v !== 'object' || typeof v.tag !== 'string') throw new TypeError(`${t.js}: expected { tag, val }, got ${formatValue(v)}`);
    tag = v.tag;
    val = v.val;
  }
  const i = t.cases.findIndex((c) => c.tag === tag);
  if (i < 0) throw new TypeError(`${t.js}: no case '${tag}' (cases: ${t.cases.map((c) => c.tag).join(', ')})`);
  return [i, val];
}

function hostFlags(v, t) {
  if (v === null || typeof v !== 'object') throw new TypeError(`flags: expected an object, got ${formatValue(v)}`);
  for (const k of Object.keys(v)) if (!t.labels.includes(k)) throw new TypeError(`flags: no flag '${k}'`);
  let i = 0;
  t.labels.forEach((l, bit) => { if (v[l]) i |= 1 << bit; });
  return i >>> 0;
}

// ---- Loading (CanonicalABI.md "Loading") ------------------------------------------------------

function loadInt(cx, ptr, n, signed) {
  const dv = cx.mem().dv;
  switch (n) {
    case 1: return signed ? dv.getInt8(ptr) : dv.getUint8(ptr);
    case 2: return signed ? dv.getInt16(ptr, true) : dv.getUint16(ptr, true);
    case 4: return signed ? dv.getInt32(ptr, true) : dv.getUint32(ptr, true);
    case 8: return signed ? dv.getBigInt64(ptr, true) : dv.getBigUint64(ptr, true);
  }
  throw new Error(`loadInt: bad width ${n}`);
}

function load(cx, ptr, t) {
  switch (t.k) {
    case 'bool': return loadInt(cx, ptr, 1) !== 0;
    case 'u8': return loadInt(cx, ptr, 1);
    case 'u16': return loadInt(cx, ptr, 2);
    case 'u32': return loadInt(cx, ptr, 4);
    case 'u64': return loadInt(cx, ptr, 8);
    case 's8': return loadInt(cx, ptr, 1, true);
    case 's16': return loadInt(cx, ptr, 2, true);
    case 's32': return loadInt(cx, ptr, 4, true);
    case 's64': return loadInt(cx, ptr, 8, true);
    case 'f32': return f32FromBits(loadInt(cx, ptr, 4));
    case 'f64': return f64FromBits(loadInt(cx, ptr, 8));
    case 'char': return i32ToChar(loadInt(cx, ptr, 4));
    case 'string': return loadStringFromRange(cx, loadInt(cx, ptr, 4), loadInt(cx, ptr + 4, 4));
    case 'list':
      if (t.length !== null) return loadListFromValidRange(cx, ptr, t.length, t);
      return loadListFromRange(cx, loadInt(cx, ptr, 4), loadInt(cx, ptr + 4, 4), t);
    case 'record': return loadRecord(cx, ptr, t);
    case 'variant': return loadVariant(cx, ptr, t);
    case 'flags': return unpackFlags(loadInt(cx, ptr, flagsSize(t.labels.length)), t);
  }
  throw new AbiError(`cannot load ${t.k}`);
}

function i32ToChar(i) {
  trapIf(i >= 0x110000, `invalid char: ${i} is not a code point`);
  trapIf(i >= 0xd800 && i <= 0xdfff, `invalid char: ${i} is a surrogate`);
  return String.fromCodePoint(i);
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16Decoder = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });

function loadStringFromRange(cx, ptr, tagged) {
  let align, bytes, enc;
  switch (cx.encoding) {
    case 'utf8': align = 1; bytes = tagged; enc = 'utf8'; break;
    case 'utf16': align = 2; bytes = 2 * tagged; enc = 'utf16'; break;
    case 'latin1+utf16':
      align = 2;
      if (tagged >= UTF16_TAG) { bytes = 2 * (tagged - UTF16_TAG); enc = 'utf16'; }
      else { bytes = tagged; enc = 'latin1'; }
      break;
    default: throw new AbiError(`unknown string encoding '${cx.encoding}'`);
  }
  trapIf(bytes > MAX_STRING_BYTE_LENGTH, `string too long (${bytes} bytes)`);
  trapIf(ptr % align !== 0, `string pointer ${ptr} not aligned to ${align}`);
  trapIf(ptr + bytes > cx.length, `string pointer/length out of bounds of memory (${ptr} + ${bytes} > ${cx.length})`);
  const view = cx.mem().u8.subarray(ptr, ptr + bytes);
  if (enc === 'latin1') return Buffer.from(view).toString('latin1');
  try {
    return (enc === 'utf8' ? utf8Decoder : utf16Decoder).decode(view);
  } catch {
    return trap(`invalid ${enc === 'utf8' ? 'UTF-8' : 'UTF-16'} string`);
  }
}

function loadListFromRange(cx, ptr, length, t) {
  const es = elemSize(t.elem);
  trapIf(length * es > MAX_LIST_BYTE_LENGTH, `list too long (${length} elements of ${es} bytes)`);
  trapIf(ptr % alignment(t.elem) !== 0, `list pointer ${ptr} not aligned to ${alignment(t.elem)}`);
  trapIf(ptr + length * es > cx.length, `list content out of bounds of memory (${ptr} + ${length * es} > ${cx.length})`);
  return loadListFromValidRange(cx, ptr, length, t);
}

function loadListFromValidRange(cx, ptr, length, t) {
  const es = elemSize(t.elem);
  const a = new Array(length);
  for (let i = 0; i < length; i++) a[i] = load(cx, ptr + i * es, t.elem);
  return a;
}

function loadRecord(cx, ptr, t) {
  const vals = [];
  for (const f of t.fields) {
    ptr = alignTo(ptr, alignment(f.t));
    vals.push(load(cx, ptr, f.t));
    ptr += elemSize(f.t);
  }
  return fieldsValue(vals, t);
}

function fieldsValue(vals, t) {
  if (t.js === 'tuple') return vals;
  const o = {};
  t.fields.forEach((f, i) => { o[f.name] = vals[i]; });
  return o;
}

function loadVariant(cx, ptr, t) {
  const ds = discriminantSize(t.cases.length);
  const i = loadInt(cx, ptr, ds);
  trapIf(i >= t.cases.length, `invalid ${t.js} discriminant ${i} (${t.cases.length} cases)`);
  const c = t.cases[i];
  ptr = alignTo(ptr + ds, maxCaseAlignment(t));
  return caseValue(t, c, c.t ? load(cx, ptr, c.t) : undefined);
}

function caseValue(t, c, val) {
  if (t.js === 'enum') return c.tag;
  return c.t ? { tag: c.tag, val } : { tag: c.tag };
}

function unpackFlags(i, t) {
  const o = {};
  t.labels.forEach((l, bit) => { o[l] = ((i >>> bit) & 1) === 1; });
  return o;
}

// ---- Storing (CanonicalABI.md "Storing") ------------------------------------------------------

function storeInt(cx, v, ptr, n) {
  const dv = cx.mem().dv;
  switch (n) {
    case 1: dv.setUint8(ptr, v & 0xff); return;
    case 2: dv.setUint16(ptr, v & 0xffff, true); return;
    case 4: dv.setUint32(ptr, v >>> 0, true); return;
    case 8: dv.setBigUint64(ptr, BigInt.asUintN(64, v), true); return;
  }
  throw new Error(`storeInt: bad width ${n}`);
}

function store(cx, v, t, ptr) {
  switch (t.k) {
    case 'bool': storeInt(cx, hostBool(v) ? 1 : 0, ptr, 1); return;
    case 'u8': case 's8': storeInt(cx, hostInt(v, t.k), ptr, 1); return;
    case 'u16': case 's16': storeInt(cx, hostInt(v, t.k), ptr, 2); return;
    case 'u32': case 's32': storeInt(cx, hostInt(v, t.k), ptr, 4); return;
    case 'u64': case 's64': storeInt(cx, hostBig(v, t.k), ptr, 8); return;
    case 'f32': storeInt(cx, f32Bits(hostFloat(v, 'f32')), ptr, 4); return;
    case 'f64': storeInt(cx, f64Bits(hostFloat(v, 'f64')), ptr, 8); return;
    case 'char': storeInt(cx, hostChar(v), ptr, 4); return;
    case 'string': {
      const [begin, units] = storeStringIntoRange(cx, hostString(v));
      storeInt(cx, begin, ptr, 4);
      storeInt(cx, units, ptr + 4, 4);
      return;
    }
    case 'list': {
      const a = hostArray(v, t);
      if (t.length !== null) { storeListIntoValidRange(cx, a, ptr, t); return; }
      const [begin, length] = storeListIntoRange(cx, a, t);
      storeInt(cx, begin, ptr, 4);
      storeInt(cx, length, ptr + 4, 4);
      return;
    }
    case 'record': {
      const vals = hostFieldValues(v, t);
      t.fields.forEach((f, i) => {
        ptr = alignTo(ptr, alignment(f.t));
        store(cx, vals[i], f.t, ptr);
        ptr += elemSize(f.t);
      });
      return;
    }
    case 'variant': {
      const [i, val] = hostCase(v, t);
      const ds = discriminantSize(t.cases.length);
      storeInt(cx, i, ptr, ds);
      const c = t.cases[i];
      if (c.t) store(cx, val, c.t, alignTo(ptr + ds, maxCaseAlignment(t)));
      return;
    }
    case 'flags': storeInt(cx, hostFlags(v, t), ptr, flagsSize(t.labels.length)); return;
  }
  throw new AbiError(`cannot store ${t.k}`);
}

// A host string as CanonicalABI's String triple: [text, encoding, tagged code units].
function hostStringHint(s, encoding) {
  switch (encoding) {
    case 'utf8': return [s, 'utf8', Buffer.byteLength(s, 'utf8')];
    case 'utf16': return [s, 'utf16', s.length];
    case 'latin1+utf16': {
      for (const ch of s) if (ch.codePointAt(0) > 0xff) return [s, 'latin1+utf16', s.length + UTF16_TAG];
      return [s, 'latin1+utf16', s.length];
    }
  }
  throw new AbiError(`unknown host string encoding '${encoding}'`);
}

const encodeUtf8 = (s) => Buffer.from(s, 'utf8');
const encodeUtf16 = (s) => Buffer.from(s, 'utf16le');
const encodeLatin1 = (s) => Buffer.from(s, 'latin1');

function storeStringIntoRange(cx, s) {
  const [src, srcEncoding, srcTagged] = hostStringHint(s, cx.state.hostStringEncoding);
  let simple = srcEncoding, units = srcTagged;
  if (srcEncoding === 'latin1+utf16') {
    if (srcTagged >= UTF16_TAG) { simple = 'utf16'; units = srcTagged - UTF16_TAG; }
    else simple = 'latin1';
  }
  switch (cx.encoding) {
    case 'utf8':
      if (simple === 'utf8') return storeStringCopy(cx, src, units, 1, 1, encodeUtf8);
      if (simple === 'utf16') return storeStringToUtf8(cx, src, units, units * 3);
      return storeStringToUtf8(cx, src, units, units * 2);
    case 'utf16':
      if (simple === 'utf8') return storeUtf8ToUtf16(cx, src, units);
      return storeStringCopy(cx, src, units, 2, 2, encodeUtf16);
    case 'latin1+utf16':
      if (srcEncoding !== 'latin1+utf16') return storeStringToLatin1OrUtf16(cx, src, units);
      if (simple === 'latin1') return storeStringCopy(cx, src, units, 1, 2, encodeLatin1);
      return storeProbablyUtf16ToLatin1OrUtf16(cx, src, units);
  }
  throw new AbiError(`unknown string encoding '${cx.encoding}'`);
}

function checkRange(cx, ptr, align, bytes, what) {
  trapIf(ptr % align !== 0, `${what}: realloc result ${ptr} not aligned to ${align}`);
  trapIf(ptr + bytes > cx.length, `${what}: realloc result ${ptr} + ${bytes} beyond end of memory (${cx.length})`);
}

function storeStringCopy(cx, src, units, unitSize, align, encode) {
  const bytes = unitSize * units;
  if (bytes > REALLOC_I32_MAX) throw new RangeError('string too long to store');
  const ptr = cx.allocate(align, bytes);
  checkRange(cx, ptr, align, bytes, 'string');
  const enc = encode(src);
  if (enc.length !== bytes) throw new Error(`storeStringCopy: ${enc.length} bytes encoded, ${bytes} expected`);
  cx.mem().u8.set(enc, ptr);
  return [ptr, units];
}

function storeStringToUtf8(cx, src, units, worst) {
  let ptr = cx.allocate(1, units);
  trapIf(ptr + units > cx.length, `string: realloc result ${ptr} + ${units} beyond end of memory`);
  let i = 0;
  for (const ch of src) {
    const cp = ch.codePointAt(0);
    if (cp < 0x80) {
      cx.mem().u8[ptr + i] = cp;
      i++;
      continue;
    }
    ptr = cx.reallocate(ptr, units, 1, worst);
    trapIf(ptr + worst > cx.length, `string: realloc result ${ptr} + ${worst} beyond end of memory`);
    const enc = encodeUtf8(src);
    cx.mem().u8.set(enc.subarray(i), ptr + i);
    if (worst > enc.length) {
      ptr = cx.reallocate(ptr, worst, 1, enc.length);
      trapIf(ptr + enc.length > cx.length, `string: realloc result ${ptr} + ${enc.length} beyond end of memory`);
    }
    return [ptr, enc.length];
  }
  return [ptr, units];
}

function storeUtf8ToUtf16(cx, src, units) {
  const worst = 2 * units;
  let ptr = cx.allocate(2, worst);
  checkRange(cx, ptr, 2, worst, 'string');
  const enc = encodeUtf16(src);
  cx.mem().u8.set(enc, ptr);
  if (enc.length < worst) {
    ptr = cx.reallocate(ptr, worst, 2, enc.length);
    checkRange(cx, ptr, 2, enc.length, 'string');
  }
  return [ptr, enc.length / 2];
}

function storeStringToLatin1OrUtf16(cx, src, units) {
  let ptr = cx.allocate(2, units);
  checkRange(cx, ptr, 2, units, 'string');
  let dst = 0;
  for (const ch of src) {
    const cp = ch.codePointAt(0);
    if (cp < 0x100) {
      cx.mem().u8[ptr + dst] = cp;
      dst++;
      continue;
    }
    const worst = 2 * units;
    ptr = cx.reallocate(ptr, units, 2, worst);
    checkRange(cx, ptr, 2, worst, 'string');
    const u8 = cx.mem().u8;
    for (let j = dst - 1; j >= 0; j--) {
      u8[ptr + 2 * j] = u8[ptr + j];
      u8[ptr + 2 * j + 1] = 0;
    }
    const enc = encodeUtf16(src);
    u8.set(enc.subarray(2 * dst), ptr + 2 * dst);
    if (worst > enc.length) {
      ptr = cx.reallocate(ptr, worst, 2, enc.length);
      checkRange(cx, ptr, 2, enc.length, 'string');
    }
    return [ptr, enc.length / 2 + UTF16_TAG];
  }
  if (dst < units) {
    ptr = cx.reallocate(ptr, units, 2, dst);
    checkRange(cx, ptr, 2, dst, 'string');
  }
  return [ptr, dst];
}

function storeProbablyUtf16ToLatin1OrUtf16(cx, src, units) {
  const bytes = 2 * units;
  let ptr = cx.allocate(2, bytes);
  checkRange(cx, ptr, 2, bytes, 'string');
  const enc = encodeUtf16(src);
  cx.mem().u8.set(enc, ptr);
  for (const ch of src) if (ch.codePointAt(0) >= 0x100) return [ptr, enc.length / 2 + UTF16_TAG];
  const latin1 = enc.length / 2;
  const u8 = cx.mem().u8;
  for (let i = 0; i < latin1; i++) u8[ptr + i] = u8[ptr + 2 * i];
  ptr = cx.reallocate(ptr, bytes, 1, latin1);
  trapIf(ptr + latin1 > cx.length, `string: realloc result ${ptr} + ${latin1} beyond end of memory`);
  return [ptr, latin1];
}

function storeListIntoRange(cx, a, t) {
  const bytes = a.length * elemSize(t.elem);
  if (bytes > REALLOC_I32_MAX) throw new RangeError('list too long to store');
  const align = alignment(t.elem);
  const ptr = cx.allocate(align, bytes);
  checkRange(cx, ptr, align, bytes, 'list');
  storeListIntoValidRange(cx, a, ptr, t);
  return [ptr, a.length];
}

function storeListIntoValidRange(cx, a, ptr, t) {
  const es = elemSize(t.elem);
  a.forEach((e, i) => store(cx, e, t.elem, ptr + i * es));
}

// ---- Flat lifting and lowering (CanonicalABI.md "Flat Lifting", "Flat Lowering") -------------

// Core values in the runtime: i32 as an unsigned number, i64 as an unsigned BigInt, f32/f64 as
// numbers. Values coming from wasm are normalised to that on entry.
function normFlat(v, ft) {
  switch (ft) {
    case 'i32': return Number(v) >>> 0;
    case 'i64': return BigInt.asUintN(64, BigInt(v));
    default: return Number(v);
  }
}

class CoreValueIter {
  constructor(values, types) {
    this.values = values;
    this.types = types;
    this.i = 0;
  }

  next(want) {
    const have = this.types[this.i];
    if (have !== want) throw new AbiError(`core value ${this.i} is ${have}, ${want} expected`);
    return this.values[this.i++];
  }
}

function liftFlat(cx, vi, t) {
  switch (t.k) {
    case 'bool': return vi.next('i32') !== 0;
    case 'u8': return vi.next('i32') & 0xff;
    case 'u16': return vi.next('i32') & 0xffff;
    case 'u32': return vi.next('i32') >>> 0;
    case 'u64': return vi.next('i64');
    case 's8': return (vi.next('i32') << 24) >> 24;
    case 's16': return (vi.next('i32') << 16) >> 16;
    case 's32': return vi.next('i32') | 0;
    case 's64': return BigInt.asIntN(64, vi.next('i64'));
    case 'f32': return vi.next('f32');
    case 'f64': return vi.next('f64');
    case 'char': return i32ToChar(vi.next('i32'));
    case 'string': {
      const ptr = vi.next('i32');
      return loadStringFromRange(cx, ptr, vi.next('i32'));
    }
    case 'list': {
      if (t.length !== null) {
        const a = [];
        for (let i = 0; i < t.length; i++) a.push(liftFlat(cx, vi, t.elem));
        return a;
      }
      const ptr = vi.next('i32');
      return loadListFromRange(cx, ptr, vi.next('i32'), t);
    }
    case 'record': return fieldsValue(t.fields.map((f) => liftFlat(cx, vi, f.t)), t);
    case 'variant': return liftFlatVariant(cx, vi, t);
    case 'flags': return unpackFlags(vi.next('i32'), t);
  }
  throw new AbiError(`cannot lift ${t.k}`);
}

function liftFlatVariant(cx, vi, t) {
  const types = flatten(t).slice(1);
  const i = vi.next('i32');
  trapIf(i >= t.cases.length, `invalid ${t.js} discriminant ${i} (${t.cases.length} cases)`);
  let k = 0;
  const coerce = {
    next(want) {
      const have = types[k++];
      const x = vi.next(have);
      if (have === want) return x;
      if (have === 'i32' && want === 'f32') return f32FromBits(x);
      if (have === 'i64' && want === 'i32') return Number(x & 0xffffffffn);
      if (have === 'i64' && want === 'f32') return f32FromBits(Number(x & 0xffffffffn));
      if (have === 'i64' && want === 'f64') return f64FromBits(x);
      throw new AbiError(`variant payload: cannot read ${want} from ${have}`);
    },
  };
  const c = t.cases[i];
  const val = c.t ? liftFlat(cx, coerce, c.t) : undefined;
  while (k < types.length) vi.next(types[k++]);
  return caseValue(t, c, val);
}

function lowerFlat(cx, v, t) {
  switch (t.k) {
    case 'bool': return [hostBool(v) ? 1 : 0];
    case 'u8': case 'u16': case 'u32': case 's8': case 's16': case 's32': return [hostInt(v, t.k) >>> 0];
    case 'u64': case 's64': return [BigInt.asUintN(64, hostBig(v, t.k))];
    case 'f32': return [hostFloat(v, 'f32')];
    case 'f64': return [hostFloat(v, 'f64')];
    case 'char': return [hostChar(v)];
    case 'string': return storeStringIntoRange(cx, hostString(v));
    case 'list': {
      const a = hostArray(v, t);
      if (t.length !== null) return a.flatMap((e) => lowerFlat(cx, e, t.elem));
      return storeListIntoRange(cx, a, t);
    }
    case 'record': {
      const vals = hostFieldValues(v, t);
      return t.fields.flatMap((f, i) => lowerFlat(cx, vals[i], f.t));
    }
    case 'variant': return lowerFlatVariant(cx, v, t);
    case 'flags': return [hostFlags(v, t)];
  }
  throw new AbiError(`cannot lower ${t.k}`);
}

function lowerFlatVariant(cx, v, t) {
  const [i, val] = hostCase(v, t);
  const want = flatten(t).slice(1);
  const c = t.cases[i];
  const out = [i];
  if (c.t) {
    const payload = lowerFlat(cx, val, c.t);
    flatten(c.t).forEach((have, j) => {
      const w = want[j];
      let x = payload[j];
      if (have === 'f32' && w === 'i32') x = f32Bits(x);
      else if (have === 'i32' && w === 'i64') x = BigInt(x);
      else if (have === 'f32' && w === 'i64') x = BigInt(f32Bits(x));
      else if (have === 'f64' && w === 'i64') x = f64Bits(x);
      else if (have !== w) throw new AbiError(`variant payload: cannot pass ${have} as ${w}`);
      out.push(x);
    });
  }
  for (let j = out.length - 1; j < want.length; j++) out.push(want[j] === 'i64' ? 0n : 0);
  return out;
}

function liftFlatValues(cx, max, vi, ts) {
  if (flattenTypes(ts).length > max) {
    const ptr = vi.next('i32');
    const tt = tupleOf(ts);
    trapIf(ptr % alignment(tt) !== 0, `spilled values: pointer ${ptr} not aligned to ${alignment(tt)}`);
    trapIf(ptr + elemSize(tt) > cx.length, `spilled values: pointer ${ptr} + ${elemSize(tt)} out of bounds of memory`);
    return load(cx, ptr, tt);
  }
  return ts.map((t) => liftFlat(cx, vi, t));
}

function lowerFlatValues(cx, max, vs, ts, outParam) {
  if (flattenTypes(ts).length > max) {
    const tt = tupleOf(ts);
    let ptr, flat;
    if (outParam) { ptr = outParam.next('i32'); flat = []; }
    else { ptr = cx.allocate(alignment(tt), elemSize(tt)); flat = [ptr]; }
    checkRange(cx, ptr, alignment(tt), elemSize(tt), 'spilled values');
    store(cx, vs, tt, ptr);
    return flat;
  }
  return ts.flatMap((t, i) => lowerFlat(cx, vs[i], t));
}

// ---- The module: section reading, signatures, start --------------------------------------------

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

class Reader {
  constructor(bytes, pos = 0, end = bytes.length) { this.b = bytes; this.p = pos; this.end = end; }
  byte() { if (this.p >= this.end) throw new AbiError('truncated module'); return this.b[this.p++]; }
  u32() {
    let r = 0, shift = 0, x;
    do { x = this.byte(); r += (x & 0x7f) * 2 ** shift; shift += 7; } while (x & 0x80);
    return r;
  }
  u64() { let x; do { x = this.byte(); } while (x & 0x80); }
  name() { const n = this.u32(); const s = Buffer.from(this.b.subarray(this.p, this.p + n)).toString('utf8'); this.p += n; return s; }
  valtype() {
    const x = this.byte();
    if (VALTYPES[x]) return VALTYPES[x];
    if (x === 0x63 || x === 0x64) { this.heaptype(); return 'ref'; }
    return 'ref'; // funcref, externref and the other abbreviations
  }
  heaptype() { this.s33(); }
  s33() { let x; do { x = this.byte(); } while (x & 0x80); }
  limits() {
    const flags = this.byte();
    const is64 = (flags & 4) !== 0;
    if (is64) { this.u64(); if (flags & 1) this.u64(); } else { this.u32(); if (flags & 1) this.u32(); }
    if (flags & 8) this.u32(); // custom page size
    return { is64 };
  }
}

// What canon.mjs needs of a module: function types of imports and exports, memory index types,
// and where the sections (the start section) are. Contents it cannot read (GC type forms, say)
// leave `types` null: no signature checks then.
function moduleInfo(bytes) {
  const info = { types: [], funcs: [], memories: [], imports: [], exports: [], sections: [], start: null };
  const r = new Reader(bytes, 8);
  while (r.p < bytes.length) {
    const from = r.p;
    const id = r.byte();
    const size = r.u32();
    info.sections.push({ id, from, begin: r.p, end: r.p + size });
    if (id === 8) info.start = new Reader(bytes, r.p, r.p + size).u32();
    r.p += size;
  }
  try {
    for (const sec of info.sections) readSection(bytes, sec, info);
  } catch (e) {
    if (!(e instanceof AbiError)) throw e;
    info.types = null;
    info.unreadable = e.message;
  }
  return info;
}

function readSection(bytes, { id, begin, end }, info) {
  const s = new Reader(bytes, begin, end);
  if (id === 1) {
    for (let n = s.u32(); n > 0; n--) {
      const form = s.byte();
      if (form !== 0x60) throw new AbiError(`type form 0x${form.toString(16)}`);
      const params = []; for (let k = s.u32(); k > 0; k--) params.push(s.valtype());
      const results = []; for (let k = s.u32(); k > 0; k--) results.push(s.valtype());
      info.types.push({ params, results });
    }
  } else if (id === 2) {
    for (let n = s.u32(); n > 0; n--) {
      const module = s.name(), field = s.name(), kind = s.byte();
      if (kind === 0) { const t = s.u32(); info.funcs.push(t); info.imports.push({ module, field, kind: 'func', type: t }); }
      else if (kind === 1) { s.valtype(); s.limits(); info.imports.push({ module, field, kind: 'table' }); }
      else if (kind === 2) { info.memories.push(s.limits()); info.imports.push({ module, field, kind: 'memory' }); }
      else if (kind === 3) { s.valtype(); s.byte(); info.imports.push({ module, field, kind: 'global' }); }
      else if (kind === 4) { s.byte(); s.u32(); info.imports.push({ module, field, kind: 'tag' }); }
      else throw new AbiError(`import kind ${kind}`);
    }
  } else if (id === 3) {
    for (let n = s.u32(); n > 0; n--) info.funcs.push(s.u32());
  } else if (id === 5) {
    for (let n = s.u32(); n > 0; n--) info.memories.push(s.limits());
  } else if (id === 7) {
    for (let n = s.u32(); n > 0; n--) {
      const name = s.name(), kind = s.byte(), index = s.u32();
      info.exports.push({ name, kind: ['func', 'table', 'memory', 'global', 'tag'][kind] ?? String(kind), index });
    }
  }
}

function leb(v) {
  const out = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

const START_EXPORT = '\u0000canon.mjs start';

// The module without its start section, the start function exported instead, so that host
// imports called by the start function can already reach the instance's memory and realloc.
function withoutStart(bytes, info) {
  const startSec = info.sections.find((s) => s.id === 8);
  const exportSec = info.sections.find((s) => s.id === 7);
  const name = Buffer.from(START_EXPORT, 'utf8');
  const entry = [...leb(name.length), ...name, 0, ...leb(info.start)];
  let body;
  if (exportSec) {
    const r = new Reader(bytes, exportSec.begin, exportSec.end);
    const count = r.u32();
    body = [...leb(count + 1), ...bytes.subarray(r.p, exportSec.end), ...entry];
  } else {
    body = [...leb(1), ...entry];
  }
  const section = Uint8Array.from([7, ...leb(body.length), ...body]);
  const parts = [bytes.subarray(0, 8)];
  for (const s of info.sections) {
    if (s === exportSec) continue;
    if (s === startSec) { parts.push(section); continue; }
    parts.push(bytes.subarray(s.from, s.end));
  }
  return Buffer.concat(parts);
}

function funcTypeOf(info, index) {
  const t = info.funcs[index];
  return t === undefined ? null : info.types[t];
}

const sigText = (s) => `(${s.params.join(' ')}) -> (${s.results.join(' ')})`;
const sameSig = (a, b) => a.params.join() === b.params.join() && a.results.join() === b.results.join();

// ---- Instances ---------------------------------------------------------------------------------

export async function instantiate(source, abi, imports = {}, options = {}) {
  return link(source, abi, imports, options, (bytes) => WebAssembly.compile(bytes));
}

export function instantiateSync(source, abi, imports = {}, options = {}) {
  return link(source, abi, imports, options, (bytes) => new WebAssembly.Module(bytes));
}

function link(source, abi, imports, options, compile) {
  if (typeof abi === 'string') abi = JSON.parse(abi);
  if (!abi || abi.version !== 1) throw new AbiError(`ABI description version ${abi?.version}: canon.mjs reads version 1`);
  let bytes = null, info = null;
  if (!(source instanceof WebAssembly.Module)) {
    bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    info = moduleInfo(bytes);
    if (info.start !== null) bytes = withoutStart(bytes, info);
  }
  const state = {
    mayEnter: false, mayLeave: true, poisoned: false,
    hostStringEncoding: options.hostStringEncoding ?? 'utf8',
  };
  const exp = {};
  const importObject = buildImports(abi, imports, options, state, exp, info);
  const finish = (module) => finishLink(module, importObject, abi, state, exp, info, options);
  if (bytes === null) return finish(source);
  const m = compile(bytes);
  return m instanceof Promise ? m.then(finish) : finish(m);
}

function buildImports(abi, hostImports, options, state, exp, info) {
  const obj = {};
  const missing = [];
  for (const imp of abi.imports ?? []) {
    const host = hostImports?.[imp.module]?.[imp.field];
    let fn = host;
    if (typeof host !== 'function') {
      missing.push(`${imp.module}#${imp.field}`);
      fn = () => { throw new Error(`host import ${imp.module}#${imp.field} was not provided`); };
    }
    (obj[imp.module] ??= {})[imp.field] = importWrapper(imp, fn, state, exp);
  }
  if (missing.length && !options.allowMissingImports)
    throw new Error(`host imports not provided: ${missing.join(', ')}`);
  for (const [m, fields] of Object.entries(options.coreImports ?? {}))
    for (const [f, v] of Object.entries(fields)) (obj[m] ??= {})[f] = v;
  if (info && info.types && options.check !== false) {
    for (const ci of info.imports) {
      const provided = obj[ci.module]?.[ci.field];
      if (provided === undefined) throw new AbiError(`the module imports ${ci.kind} ${ci.module}#${ci.field}, which the ABI description does not list`);
      const desc = (abi.imports ?? []).find((i) => i.module === ci.module && i.field === ci.field);
      if (desc && ci.kind === 'func') {
        const want = flattenFuncType(desc, 'lower');
        const have = info.types[ci.type];
        if (!sameSig(want, have))
          throw new AbiError(`import ${ci.module}#${ci.field}: core type ${sigText(have)}, the ABI description gives ${sigText(want)}`);
      }
    }
  }
  return obj;
}

// A host function as a core import: lift the arguments from the caller's memory, call the host,
// lower the result into the caller's memory (canon lower's on_start / on_resolve).
function importWrapper(imp, host, state, exp) {
  const params = imp.params.map((p) => norm(p.type));
  const results = imp.result ? [norm(imp.result)] : [];
  const sig = flattenFuncType(imp, 'lower');
  const what = `import ${imp.module}#${imp.field}`;
  return (...raw) => {
    if (!state.mayLeave) trap('cannot leave component instance (host import called during realloc or post-return)');
    const memory = imp.memory ? exp.core?.[imp.memory] : null;
    const realloc = imp.realloc ? exp.core?.[imp.realloc] : null;
    const cx = new Context(state, memory ?? null, realloc ?? null, imp.string_encoding ?? 'utf8', what);
    const vi = new CoreValueIter(raw.map((v, i) => normFlat(v, sig.params[i])), sig.params);
    const args = liftFlatValues(cx, MAX_FLAT_PARAMS, vi, params);
    const r = host(...args);
    if (r instanceof Promise) throw new TypeError(`${what}: the host function returned a Promise (only synchronous imports are supported)`);
    const flat = lowerFlatValues(cx, MAX_FLAT_RESULTS, results.length ? [r] : [], results, vi);
    return flat.length ? flat[0] : undefined;
  };
}

function finishLink(module, importObject, abi, state, exp, info, options) {
  let instance;
  try {
    instance = new WebAssembly.Instance(module, importObject);
  } catch (e) {
    throw asTrap(e);
  }
  const core = {};
  for (const [k, v] of Object.entries(instance.exports)) if (k !== START_EXPORT) core[k] = v;
  exp.core = core;
  const exports = {};
  for (const e of abi.exports ?? []) exports[e.core] = exportWrapper(e, core, state, info, options);
  if (instance.exports[START_EXPORT]) {
    // The start function runs inside the instance: the host may not enter it meanwhile.
    try {
      callCore(instance.exports[START_EXPORT], []);
    } catch (e) {
      state.poisoned = true;
      throw asTrap(e);
    }
  }
  state.mayEnter = true;
  const func = (name) => {
    if (exports[name]) return exports[name];
    const hits = (abi.exports ?? []).filter((e) => e.name === name && (e.interface === '' || !e.interface));
    if (hits.length === 1) return exports[hits[0].core];
    throw new Error(`no export '${name}' (exports: ${Object.keys(exports).join(', ') || 'none'})`);
  };
  return { exports, core, abi, state, func, call: (name, ...args) => func(name)(...args) };
}

function exportWrapper(e, core, state, info, options) {
  const fn = core[e.core];
  if (typeof fn !== 'function') throw new AbiError(`export '${e.core}' is not a function of the module`);
  const params = e.params.map((p) => norm(p.type));
  const results = e.result ? [norm(e.result)] : [];
  const sig = flattenFuncType(e, 'lift');
  const named = (n, kind) => {
    if (n === null || n === undefined) return null;
    const x = core[n];
    if (x === undefined || (kind === 'func' ? typeof x !== 'function' : !(x instanceof WebAssembly.Memory)))
      throw new AbiError(`export '${e.core}': its ${kind} '${n}' is not a ${kind} export of the module`);
    return x;
  };
  const memory = named(e.memory, 'memory');
  const realloc = named(e.realloc, 'func');
  const postReturn = named(e.post_return, 'func');
  if (info && info.types && options.check !== false) checkExport(e, sig, info);
  const what = `export ${e.core}`;
  return (...args) => {
    if (args.length !== params.length) throw new TypeError(`${what}: ${params.length} arguments expected, ${args.length} given`);
    trapIf(!state.mayEnter, state.poisoned ? 'cannot enter component instance (it trapped earlier)' : 'cannot enter component instance (reentrance)');
    state.mayEnter = false;
    const cx = new Context(state, memory, realloc, e.string_encoding ?? 'utf8', what);
    let flatArgs;
    try {
      flatArgs = lowerFlatValues(cx, MAX_FLAT_PARAMS, args, params, null);
    } catch (err) {
      if (err instanceof Trap) { state.poisoned = true; throw err; }
      state.mayEnter = true;
      state.mayLeave = true;
      throw err;
    }
    try {
      const out = callCore(fn, flatArgs);
      const raw = sig.results.length === 0 ? [] : [out];
      const vi = new CoreValueIter(raw.map((v, i) => normFlat(v, sig.results[i])), sig.results);
      const [result] = liftFlatValues(cx, MAX_FLAT_RESULTS, vi, results);
      if (postReturn) {
        state.mayLeave = false;
        callCore(postReturn, raw);
        state.mayLeave = true;
      }
      state.mayEnter = true;
      return result;
    } catch (err) {
      state.poisoned = true;
      throw asTrap(err);
    }
  };
}

function checkExport(e, sig, info) {
  const byName = (n) => info.exports.find((x) => x.name === n);
  const x = byName(e.core);
  const have = x && x.kind === 'func' ? funcTypeOf(info, x.index) : null;
  if (have && !sameSig(sig, have))
    throw new AbiError(`export ${e.core}: core type ${sigText(have)}, the ABI description gives ${sigText(sig)}`);
  if (e.realloc) {
    const r = byName(e.realloc);
    const t = r && funcTypeOf(info, r.index);
    if (t && !sameSig(t, { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] }))
      throw new AbiError(`export ${e.core}: realloc '${e.realloc}' has type ${sigText(t)}`);
  }
  if (e.post_return) {
    const p = byName(e.post_return);
    const t = p && funcTypeOf(info, p.index);
    if (t && !sameSig(t, { params: sig.results, results: [] }))
      throw new AbiError(`export ${e.core}: post-return '${e.post_return}' has type ${sigText(t)}, (${sig.results.join(' ')}) -> () expected`);
  }
  if (e.memory) {
    const m = byName(e.memory);
    if (m && m.kind === 'memory' && info.memories[m.index]?.is64)
      throw new AbiError(`export ${e.core}: memory '${e.memory}' is a 64-bit memory, which canon.mjs does not support`);
  }
}

// ---- Comparing and printing values ------------------------------------------------------------

function sameFloat(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number') return false;
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function asBig(v) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return null;
}

export function valuesEqual(type, a, b) {
  return eqTyped(norm(type), a, b);
}

function eqTyped(t, a, b) {
  switch (t.k) {
    case 'bool': return typeof a === 'boolean' && a === b;
    case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': case 's64': case 'u64': {
      const x = asBig(a), y = asBig(b);
      return x !== null && y !== null && x === y;
    }
    case 'f32': case 'f64': return sameFloat(a, b);
    case 'char': case 'string': return typeof a === 'string' && a === b;
    case 'list': {
      const x = t.js === 'map' && a instanceof Map ? [...a] : a, y = t.js === 'map' && b instanceof Map ? [...b] : b;
      return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((e, i) => eqTyped(t.elem, e, y[i]));
    }
    case 'record':
      if (t.js === 'tuple') return Array.isArray(a) && Array.isArray(b) && a.length === t.fields.length && b.length === a.length && t.fields.every((f, i) => eqTyped(f.t, a[i], b[i]));
      return isObj(a) && isObj(b) && t.fields.every((f) => eqTyped(f.t, a[f.name], b[f.name]));
    case 'variant': {
      if (t.js === 'enum') return typeof a === 'string' && a === b;
      if (!isObj(a) || !isObj(b) || a.tag !== b.tag) return false;
      const c = t.cases.find((x) => x.tag === a.tag);
      if (!c) return false;
      return c.t ? eqTyped(c.t, a.val, b.val) : a.val === undefined && b.val === undefined;
    }
    case 'flags':
      return isObj(a) && isObj(b) && t.labels.every((l) => !!a[l] === !!b[l]);
  }
  return false;
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

export function deepEqual(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return sameFloat(a, b);
  if ((typeof a === 'bigint' || typeof b === 'bigint')) {
    const x = asBig(a), y = asBig(b);
    return x !== null && y !== null && x === y;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((e, i) => deepEqual(e, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined).sort();
    const kb = Object.keys(b).filter((k) => b[k] !== undefined).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && deepEqual(a[k], b[k]));
  }
  return a === b;
}

export function formatValue(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v instanceof Map) return `Map {${[...v].map(([k, x]) => `${formatValue(k)} => ${formatValue(x)}`).join(', ')}}`;
  if (isObj(v)) return `{${Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${/^[A-Za-z_][\w]*$/.test(k) ? k : JSON.stringify(k)}: ${formatValue(x)}`).join(', ')}}`;
  return String(v);
}
