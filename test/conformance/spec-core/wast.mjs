// A small reader for the .wast script format, enough to pull the modules out of a core spec
// test file when wabt 1.0.32's wast2json cannot parse it (newer text syntax).
//
// extractWast(text) returns the script's module commands in order:
//   { line, type, moduleForm, name?, text?, bytes?, quote?, message? }
//   type:       'module' | 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' |
//               'assert_uninstantiable' (wast2json's names, so both paths give the same cases)
//   moduleForm: 'text' (`(module ...)`, source in `text`), 'binary' (`(module binary "..")`,
//               decoded bytes in `bytes`) or 'quote' (`(module quote "..")`, joined in `quote`)
// Actions and the assertions on them (assert_return, assert_trap on an invoke, ...) are skipped.
//
// Lexical rules (WebAssembly text format, 6.3): `;;` comments to end of line, `(; ;)` block
// comments that nest, strings in double quotes with \t \n \r \" \' \\ \hh and \u{hex} escapes.

class WastError extends Error {}

// Splits the text into tokens: '(' and ')' with their offsets, strings, and other atoms.
function tokenize(src) {
  const toks = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === ';' && src[i + 1] === ';') {
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    if (c === '(' && src[i + 1] === ';') {
      let depth = 0;
      const start = i;
      while (i < n) {
        if (src[i] === '(' && src[i + 1] === ';') { depth++; i += 2; }
        else if (src[i] === ';' && src[i + 1] === ')') { depth--; i += 2; if (depth === 0) break; }
        else i++;
      }
      if (depth !== 0) throw new WastError(`unterminated block comment at offset ${start}`);
      continue;
    }
    if (c === '(' || c === ')') { toks.push({ kind: c, pos: i }); i++; continue; }
    if (c === '"') {
      const start = i++;
      while (i < n && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      if (i >= n) throw new WastError(`unterminated string at offset ${start}`);
      i++;
      toks.push({ kind: 'str', pos: start, raw: src.slice(start + 1, i - 1) });
      continue;
    }
    const start = i;
    while (i < n && !' \t\n\r()";'.includes(src[i])) i++;
    if (i === start) throw new WastError(`unexpected character '${c}' at offset ${start}`);
    toks.push({ kind: 'atom', pos: start, text: src.slice(start, i) });
  }
  return toks;
}

// The bytes a string literal denotes.
export function stringBytes(raw) {
  const out = [];
  const enc = new TextEncoder();
  for (let i = 0; i < raw.length;) {
    const c = raw[i];
    if (c !== '\\') {
      const cp = raw.codePointAt(i);
      const s = String.fromCodePoint(cp);
      out.push(...enc.encode(s));
      i += s.length;
      continue;
    }
    const e = raw[i + 1];
    i += 2;
    if (e === 't') out.push(9);
    else if (e === 'n') out.push(10);
    else if (e === 'r') out.push(13);
    else if (e === '"' || e === "'" || e === '\\') out.push(e.charCodeAt(0));
    else if (e === 'u') {
      const close = raw.indexOf('}', i);
      if (raw[i] !== '{' || close < 0) throw new WastError(`bad \\u escape in string`);
      out.push(...enc.encode(String.fromCodePoint(parseInt(raw.slice(i + 1, close).replace(/_/g, ''), 16))));
      i = close + 1;
    } else if (/[0-9a-fA-F]/.test(e) && /[0-9a-fA-F]/.test(raw[i])) {
      out.push(parseInt(e + raw[i], 16));
      i++;
    } else throw new WastError(`bad escape '\\${e}' in string`);
  }
  return Uint8Array.from(out);
}

// Parses tokens into nested lists, keeping each list's source range.
function parseLists(src, toks) {
  const top = [];
  const stack = [];
  for (const t of toks) {
    if (t.kind === '(') {
      const node = { kind: 'list', start: t.pos, end: -1, items: [] };
      (stack.length ? stack[stack.length - 1].items : top).push(node);
      stack.push(node);
    } else if (t.kind === ')') {
      const node = stack.pop();
      if (!node) throw new WastError(`unbalanced ')' at offset ${t.pos}`);
      node.end = t.pos + 1;
    } else {
      if (!stack.length) throw new WastError(`token outside a command at offset ${t.pos}`);
      stack[stack.length - 1].items.push(t);
    }
  }
  if (stack.length) throw new WastError(`unclosed '(' at offset ${stack[stack.length - 1].start}`);
  return top;
}

function head(list) {
  const h = list.items[0];
  return h && h.kind === 'atom' ? h.text : null;
}

// Maps a source offset to its 1-based line number.
function lineMap(src) {
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

// Describes a `(module ...)` list: its form, name and contents.
function moduleOf(src, list) {
  let k = 1;
  const m = { moduleForm: 'text', text: src.slice(list.start, list.end) };
  const second = list.items[k];
  if (second && second.kind === 'atom' && second.text.startsWith('$')) { m.name = second.text; k++; }
  const form = list.items[k];
  if (form && form.kind === 'atom' && (form.text === 'binary' || form.text === 'quote')) {
    const strs = list.items.slice(k + 1);
    if (strs.some((s) => s.kind !== 'str')) throw new WastError(`non-string in (module ${form.text} ...) at offset ${list.start}`);
    if (form.text === 'binary') {
      const parts = strs.map((s) => stringBytes(s.raw));
      const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) { bytes.set(p, at); at += p.length; }
      m.moduleForm = 'binary';
      m.bytes = bytes;
    } else {
      m.moduleForm = 'quote';
      m.quote = strs.map((s) => new TextDecoder().decode(stringBytes(s.raw))).join('');
    }
    delete m.text;
  }
  return m;
}

const ASSERT_WITH_MODULE = new Set(['assert_invalid', 'assert_malformed', 'assert_unlinkable', 'assert_trap']);

// Module fields: a script that is only these is one inline module (its fields without `(module`).
const FIELDS = new Set(['type', 'import', 'func', 'table', 'memory', 'global', 'export', 'start', 'elem', 'data']);

export function extractWast(src) {
  const cmds = [];
  const lineOf = lineMap(src);
  const lists = parseLists(src, tokenize(src));
  if (lists.length && lists.every((l) => FIELDS.has(head(l)))) {
    const text = '(module ' + lists.map((l) => src.slice(l.start, l.end)).join(' ') + ')';
    return [{ line: lineOf(lists[0].start), type: 'module', moduleForm: 'text', text }];
  }
  for (const list of lists) {
    const h = head(list);
    if (h === 'module') {
      cmds.push({ line: lineOf(list.start), type: 'module', ...moduleOf(src, list) });
    } else if (ASSERT_WITH_MODULE.has(h)) {
      const inner = list.items[1];
      if (!inner || inner.kind !== 'list' || head(inner) !== 'module') continue; // an action
      const msg = list.items[2];
      // wast2json calls a module whose instantiation traps "assert_uninstantiable".
      const type = h === 'assert_trap' ? 'assert_uninstantiable' : h;
      // Like wast2json, an assertion's line is the line of its module.
      cmds.push({ line: lineOf(inner.start), type, ...moduleOf(src, inner), message: msg && msg.kind === 'str' ? new TextDecoder().decode(stringBytes(msg.raw)) : '' });
    }
  }
  return cmds;
}

export { WastError };
