// The commands of a component-model .wast file, for the fusion runner (run.mjs):
//   commandsOf(src) -> [{ line, kind, check, ... }] in file order, kind one of
//     'component'   (component $id? ...)            { id, form }      instantiated: a check
//     'definition'  (component definition $id ...)  { id, form }      not a check
//     'instance'    (component instance $i $D)      { id, def }       a check
//     'assert_return' | 'assert_trap' | 'invoke'    { action: { instance, name, args }, expected | message }
//                                                   or { syntaxError } when the values cannot be read
//     'assert_invalid' | 'assert_malformed' | 'assert_unlinkable'  { na: true }: not applicable
//     anything else                                 { unsupported: true }
//   payloadOf(src, form) -> { text } (the wast-only `definition` keyword removed) or { bytes }
//   valueOf(items) -> the JS value (test/runtime/canon.mjs's representation) of a value written
//     `(u32.const 1)`, or inline inside `(field "n" u32.const 1)`
// Value syntax (README of the suite): u8/s8/.../u64/s64/f32/f64.const, bool.const, char.const,
// str.const, list.const, tuple.const, record.const (field "name" v), variant.const "c" v?,
// enum.const, flags.const, option.some/none, result.ok/err.
import { headOf, lineMapper, readSexprs, stringBytes, stringText } from '../lib/wast-reader.mjs';

export class SyntaxErr extends Error {}

const INT_BITS = { u8: 8, s8: 8, u16: 16, s16: 16, u32: 32, s32: 32, u64: 64, s64: 64 };

function parseInt_(text, kind) {
  const bits = INT_BITS[kind];
  const m = /^([+-]?)(0x[0-9a-fA-F_]+|[0-9_]+)$/.exec(text);
  if (!m) throw new SyntaxErr(`bad ${kind} literal '${text}'`);
  let v = BigInt(m[2].replace(/_/g, ''));
  if (m[1] === '-') v = -v;
  const lo = -(1n << BigInt(bits - 1)), hi = 1n << BigInt(bits);
  if (v < lo || v >= hi) throw new SyntaxErr(`${kind} literal '${text}' out of range`);
  v = kind[0] === 's' ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
  return bits === 64 ? v : Number(v);
}

function parseFloat_(text, kind) {
  const t = text.replace(/_/g, '');
  const sign = t[0] === '-' ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  let v;
  if (body === 'inf') v = Infinity;
  else if (body === 'nan' || body.startsWith('nan:')) v = NaN;
  else if (/^0x/i.test(body)) {
    const m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(body);
    if (!m || !(m[1] + (m[2] ?? ''))) throw new SyntaxErr(`bad ${kind} literal '${text}'`);
    const frac = m[2] ?? '';
    const mant = BigInt('0x' + (m[1] + frac || '0'));
    v = Number(mant) * 2 ** (parseInt(m[3] ?? '0', 10) - 4 * frac.length);
  } else {
    v = Number(body);
    if (!/^[0-9]/.test(body) || Number.isNaN(v)) throw new SyntaxErr(`bad ${kind} literal '${text}'`);
  }
  v *= sign;
  return kind === 'f32' ? Math.fround(v) : v;
}

const atomText = (n, what) => {
  if (!n || n.kind !== 'atom') throw new SyntaxErr(`${what}: expected a keyword or number`);
  return n.text;
};
const strText = (n, what) => {
  if (!n || n.kind !== 'str') throw new SyntaxErr(`${what}: expected a string`);
  return stringText(n.raw);
};

// A value written as a list `(u32.const 1)` or, inside `field`, inline: `u32.const 1`.
export function valueOf(items) {
  if (items.length === 1 && items[0].kind === 'list') return valueOf(items[0].items);
  const head = atomText(items[0], 'value');
  const args = items.slice(1);
  const sub = () => args.map((a) => {
    if (a.kind !== 'list') throw new SyntaxErr(`${head}: expected values in parentheses`);
    return valueOf(a.items);
  });
  const one = (what) => {
    if (args.length !== 1) throw new SyntaxErr(`${what}: expected one operand`);
    return args[0];
  };
  const [type, op] = head.split('.');
  if (op === 'const' && type in INT_BITS) return parseInt_(atomText(one(head), head), type);
  if (op === 'const' && (type === 'f32' || type === 'f64')) return parseFloat_(atomText(one(head), head), type);
  switch (head) {
    case 'bool.const': {
      const t = atomText(one(head), head);
      if (t !== 'true' && t !== 'false') throw new SyntaxErr(`bad bool '${t}'`);
      return t === 'true';
    }
    case 'char.const': {
      const s = strText(one(head), head);
      if ([...s].length !== 1) throw new SyntaxErr(`char.const "${s}" is not one character`);
      return s;
    }
    case 'str.const': return args.map((a) => strText(a, head)).join('');
    case 'list.const': case 'tuple.const': return sub();
    case 'record.const': {
      const o = {};
      for (const f of args) {
        if (f.kind !== 'list' || headOf(f) !== 'field') throw new SyntaxErr('record.const: expected (field "name" value)');
        o[strText(f.items[1], 'field')] = valueOf(f.items.slice(2));
      }
      return o;
    }
    case 'variant.const': {
      const tag = strText(args[0], head);
      if (args.length > 2) throw new SyntaxErr('variant.const: too many operands');
      return args.length === 2 ? { tag, val: valueOf([args[1]]) } : { tag };
    }
    case 'enum.const': return strText(one(head), head);
    case 'flags.const': return Object.fromEntries(args.map((a) => [strText(a, head), true]));
    case 'option.none': if (args.length) throw new SyntaxErr('option.none takes no operand'); return { tag: 'none' };
    case 'option.some': return { tag: 'some', val: valueOf([one(head)]) };
    case 'result.ok': case 'result.err': case 'result.error': {
      const tag = head === 'result.ok' ? 'ok' : 'err';
      if (args.length > 1) throw new SyntaxErr(`${head}: too many operands`);
      return args.length ? { tag, val: valueOf([args[0]]) } : { tag };
    }
  }
  throw new SyntaxErr(`unknown value syntax '${head}'`);
}

// `(invoke $inst? "name" args...)` -> { instance, name, args }
function actionOf(node) {
  if (!node || headOf(node) !== 'invoke') throw new SyntaxErr(`expected (invoke ...), found ${headOf(node) ?? 'nothing'}`);
  let k = 1, instance = null;
  if (node.items[k]?.kind === 'atom' && node.items[k].text.startsWith('$')) instance = node.items[k++].text;
  const name = strText(node.items[k++], 'invoke');
  return { instance, name, args: node.items.slice(k).map((a) => valueOf([a])) };
}

const atomAt = (list, i) => (list.items[i]?.kind === 'atom' ? list.items[i].text : undefined);

// Each command: { line, kind, ... }; `check` says whether it counts as a check.
export function commandsOf(src) {
  const lineOf = lineMapper(src);
  const cmds = [];
  for (const f of readSexprs(src)) {
    const line = lineOf(f.kind === 'list' ? f.start : f.pos);
    const head = headOf(f);
    if (head === 'component' && atomAt(f, 1) === 'instance') {
      cmds.push({ line, kind: 'instance', check: true, id: atomAt(f, 2), def: atomAt(f, 3) });
    } else if (head === 'component') {
      const definition = atomAt(f, 1) === 'definition';
      const idAt = definition ? 2 : 1;
      const id = atomAt(f, idAt)?.startsWith('$') ? atomAt(f, idAt) : null;
      cmds.push({ line, kind: definition ? 'definition' : 'component', check: !definition, id, form: f });
    } else if (head === 'assert_return' || head === 'assert_trap' || head === 'invoke') {
      const c = { line, kind: head, check: true };
      try {
        if (head === 'invoke') c.action = actionOf(f);
        else {
          c.action = actionOf(f.items[1]);
          if (head === 'assert_return') c.expected = f.items.slice(2).map((v) => valueOf([v]));
          else c.message = f.items[2]?.kind === 'str' ? stringText(f.items[2].raw) : '';
        }
      } catch (e) {
        if (!(e instanceof SyntaxErr)) throw e;
        c.syntaxError = e.message;
      }
      cmds.push(c);
    } else if (head === 'assert_invalid' || head === 'assert_malformed' || head === 'assert_unlinkable') {
      cmds.push({ line, kind: head, check: false, na: true });
    } else {
      cmds.push({ line, kind: head ?? 'token', check: true, unsupported: true });
    }
  }
  return cmds;
}

// The text or bytes of a component form (the wast-only `definition` keyword removed).
export function payloadOf(src, form) {
  let i = 1;
  if (atomAt(form, i) === 'definition') i++;
  if (atomAt(form, i)?.startsWith('$')) i++;
  const mode = atomAt(form, i);
  const strs = () => form.items.slice(i + 1).map((s) => {
    if (s.kind !== 'str') throw new SyntaxErr(`(component ${mode} ...) holds a non-string`);
    return s.raw;
  });
  if (mode === 'binary') return { bytes: Buffer.concat(strs().map(stringBytes)) };
  if (mode === 'quote') return { text: `(component ${strs().map(stringText).join(' ')})` };
  return { text: src.slice(form.start, form.end).replace(/^\(component\s+definition\b/, '(component') };
}
