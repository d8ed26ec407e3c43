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
// The lexical layer (tokens, strings, lines) is the shared reader in ../lib/wast-reader.mjs.

import { headOf as head, lineMapper as lineMap, readSexprs, stringBytes, WastError } from '../lib/wast-reader.mjs';

// The script's top-level lists (a stray token outside a command is an error here).
function parseLists(src) {
  const top = readSexprs(src);
  const stray = top.find((n) => n.kind !== 'list');
  if (stray) throw new WastError(`token outside a command at offset ${stray.pos}`);
  return top;
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
  const lists = parseLists(src);
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

export { stringBytes, WastError };
