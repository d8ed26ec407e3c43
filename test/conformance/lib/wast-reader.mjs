// The S-expression layer of the .wast script format, shared by the conformance runners
// (spec-core/wast.mjs, component-model/run.mjs, component-fusion/run.mjs).
//
// Lexical rules (WebAssembly text format 6.3): `;;` comments to the end of the line, `(; ;)`
// block comments that nest, strings in double quotes with \t \n \r \" \' \\ \hh and \u{hex}
// escapes, and atoms (keywords, numbers, $ids) ending at white space, a parenthesis, a quote or
// a semicolon.
//
//   readSexprs(src) -> top-level nodes, in order. A node is one of
//     { kind: 'list', start, end, items }   `(` ... `)`; start/end are offsets in src (end is
//                                           one past the `)`), items are nodes
//     { kind: 'atom', pos, text }           a keyword, number or identifier
//     { kind: 'str',  pos, raw }            a string literal; raw is the text between the quotes,
//                                           escapes not yet decoded (see stringBytes)
//     Top-level nodes are normally lists; a caller decides whether a stray atom is an error.
//   stringBytes(raw) -> Buffer    the bytes a string literal denotes
//   stringText(raw)  -> string    the same bytes read as UTF-8
//   lineMapper(src)  -> (offset) => 1-based line number
//   headOf(node)     -> the leading keyword of a list, or null
// Malformed input (unterminated string or comment, unbalanced parentheses, a bad escape) throws
// a WastError that names the offset.

export class WastError extends Error {}

const SPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);
const ATOM_END = new Set([' ', '\t', '\n', '\r', '\f', '\v', '(', ')', '"', ';']);

function tokenize(src) {
  const toks = [];
  const n = src.length;
  let i = 0;
  while (i < n) {
    const c = src[i];
    if (SPACE.has(c)) { i++; continue; }
    if (c === ';' && src[i + 1] === ';') {
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    if (c === '(' && src[i + 1] === ';') {
      const begin = i;
      let depth = 0;
      do {
        if (src[i] === '(' && src[i + 1] === ';') { depth++; i += 2; }
        else if (src[i] === ';' && src[i + 1] === ')') { depth--; i += 2; }
        else i++;
      } while (depth > 0 && i < n);
      if (depth > 0) throw new WastError(`unterminated block comment at offset ${begin}`);
      continue;
    }
    if (c === '(' || c === ')') { toks.push({ kind: c, pos: i }); i++; continue; }
    if (c === '"') {
      const begin = i++;
      while (i < n && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      if (i >= n) throw new WastError(`unterminated string at offset ${begin}`);
      toks.push({ kind: 'str', pos: begin, raw: src.slice(begin + 1, i) });
      i++;
      continue;
    }
    const begin = i;
    while (i < n && !ATOM_END.has(src[i])) i++;
    if (i === begin) throw new WastError(`unexpected character '${c}' at offset ${begin}`);
    toks.push({ kind: 'atom', pos: begin, text: src.slice(begin, i) });
  }
  return toks;
}

export function readSexprs(src) {
  const top = [];
  const open = [];
  for (const t of tokenize(src)) {
    const into = open.length ? open[open.length - 1].items : top;
    if (t.kind === '(') {
      const list = { kind: 'list', start: t.pos, end: -1, items: [] };
      into.push(list);
      open.push(list);
    } else if (t.kind === ')') {
      const list = open.pop();
      if (!list) throw new WastError(`unbalanced ')' at offset ${t.pos}`);
      list.end = t.pos + 1;
    } else {
      into.push(t);
    }
  }
  if (open.length) throw new WastError(`unclosed '(' at offset ${open[open.length - 1].start}`);
  return top;
}

const SIMPLE_ESCAPES = { t: 9, n: 10, r: 13, '"': 34, "'": 39, '\\': 92 };
const isHex = (c) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

export function stringBytes(raw) {
  const out = [];
  const utf8 = (s) => { for (const b of Buffer.from(s, 'utf8')) out.push(b); };
  let i = 0;
  while (i < raw.length) {
    if (raw[i] !== '\\') {
      const cp = raw.codePointAt(i);
      const ch = String.fromCodePoint(cp);
      utf8(ch);
      i += ch.length;
      continue;
    }
    const e = raw[i + 1];
    if (e in SIMPLE_ESCAPES) { out.push(SIMPLE_ESCAPES[e]); i += 2; continue; }
    if (e === 'u') {
      const close = raw.indexOf('}', i);
      const digits = raw[i + 2] === '{' && close > 0 ? raw.slice(i + 3, close).replace(/_/g, '') : '';
      const cp = /^[0-9a-fA-F]+$/.test(digits) ? parseInt(digits, 16) : NaN;
      if (!(cp <= 0x10ffff) || (cp >= 0xd800 && cp < 0xe000)) throw new WastError(`bad \\u escape in string "${raw}"`);
      utf8(String.fromCodePoint(cp));
      i = close + 1;
      continue;
    }
    if (isHex(e) && isHex(raw[i + 2])) { out.push(parseInt(raw.slice(i + 1, i + 3), 16)); i += 3; continue; }
    throw new WastError(`bad escape '\\${e ?? ''}' in string "${raw}"`);
  }
  return Buffer.from(out);
}

export const stringText = (raw) => stringBytes(raw).toString('utf8');

export function lineMapper(src) {
  const starts = [0];
  for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) starts.push(i + 1);
  return (pos) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

export function headOf(node) {
  const h = node && node.kind === 'list' ? node.items[0] : null;
  return h && h.kind === 'atom' ? h.text : null;
}
