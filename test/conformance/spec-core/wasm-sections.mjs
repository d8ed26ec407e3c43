// Says where two WebAssembly binaries (core modules or components) differ, section by section,
// for the byte-identity reports of the round-trip tests.
//
// describeDifference(a, b) -> null when identical, else a short phrase:
//   "section sizes only (non-minimal LEB128 section sizes made minimal)" when every section has
//   the same id and contents and only the encodings of the section sizes differ;
//   "contents of sections: code, custom 'name'" otherwise (a layer's sections in order);
//   "different preamble" / "different section count" / "unreadable" for the rest.

const CORE = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count'];
const COMPONENT = ['custom', 'core module', 'core instance', 'core type', 'component', 'instance', 'alias', 'type', 'canon', 'start', 'import', 'export', 'value'];

function readU32(bytes, pos) {
  let result = 0, shift = 0;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= bytes.length) throw new Error('truncated LEB128');
    const b = bytes[pos + i];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [result, pos + i + 1];
  }
  throw new Error('LEB128 too long');
}

// [{ id, payload, name? }] for the top-level sections of a binary.
export function sections(bytes) {
  const out = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = readU32(bytes, pos + 1);
    if (start + size > bytes.length) throw new Error('section runs past the end');
    const payload = bytes.subarray(start, start + size);
    const s = { id, payload };
    if (id === 0) {
      try {
        const [n, at] = readU32(payload, 0);
        s.name = new TextDecoder().decode(payload.subarray(at, at + n));
      } catch { s.name = '?'; }
    }
    out.push(s);
    pos = start + size;
  }
  return out;
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function describeDifference(a, b) {
  if (equal(a, b)) return null;
  if (a.length < 8 || b.length < 8 || !equal(a.subarray(0, 8), b.subarray(0, 8))) return 'different preamble';
  const names = a[6] === 1 ? COMPONENT : CORE;
  let sa, sb;
  try {
    sa = sections(a);
    sb = sections(b);
  } catch (e) {
    return `unreadable (${e.message})`;
  }
  if (sa.length !== sb.length) return `different section count (${sa.length} -> ${sb.length})`;
  const differing = [];
  for (let i = 0; i < sa.length; i++) {
    const x = sa[i], y = sb[i];
    const what = x.id === 0 ? `custom '${x.name}'` : names[x.id] || `id ${x.id}`;
    if (x.id !== y.id) return `different section order (section ${i}: ${what} -> ${names[y.id] || y.id})`;
    if (!equal(x.payload, y.payload)) differing.push(what);
  }
  if (!differing.length) return 'section sizes only (non-minimal LEB128 section sizes made minimal)';
  return `contents of sections: ${[...new Set(differing)].join(', ')}`;
}
