#!/usr/bin/env python3
"""Assemble a readable byte description into a binary (for malformed-input tests).

The description is the test file itself: lines starting with ';;' are comments (RUN and CHECK
lines live there), and everything after ';;' on a line is ignored.  Tokens:

  magic              00 61 73 6d
  version            01 00 00 00   (core module)
  component          0d 00 01 00   (component preamble after magic)
  7f  0x7f           one byte (hex)
  "text"             the UTF-8 bytes of text, no length
  str("text")        u32 length + UTF-8 bytes (a wasm name)
  u32(N) u64(N)      unsigned LEB128, minimal
  s32(N) s33(N) s64(N)  signed LEB128, minimal
  uleb(N, K)         unsigned LEB128 padded to K bytes (non-minimal on purpose)
  section(ID) { .. } section id byte, u32 size, contents
  sized { .. }       u32 size, contents
  raw(N, B)          N copies of byte B

Usage: wasm-bytes.py INPUT -o OUTPUT
"""
import re
import sys


def uleb(v, pad=0):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v or len(out) + 1 < pad else 0))
        if not v and len(out) >= pad:
            return bytes(out)


def sleb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        done = (v == 0 and not b & 0x40) or (v == -1 and b & 0x40)
        out.append(b if done else b | 0x80)
        if done:
            return bytes(out)


# A one- or two-digit hex byte wins over a word ("ff", "c0" are bytes; "magic" is a word).
TOKEN = re.compile(r'\s*(?:(\{)|(\})|"((?:[^"\\]|\\.)*)"|(0x[0-9a-fA-F]{1,2}|[0-9a-fA-F]{1,2})(?![A-Za-z0-9_(])|([A-Za-z_][A-Za-z0-9_]*)\s*(\(([^)]*)\))?)')


def unescape(s):
    """Bytes of a string token: characters as UTF-8; escapes \\n \\t \\\\ \\" \\xNN (one byte) and
    \\uXXXX / \\u{X...} (a character, as UTF-8)."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != '\\':
            out += c.encode('utf-8')
            i += 1
            continue
        e = s[i + 1] if i + 1 < len(s) else ''
        if e and e in 'nt\\"\'':
            out += {'n': b'\n', 't': b'\t', '\\': b'\\', '"': b'"', "'": b"'"}[e]
            i += 2
        elif e == 'x':
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif e == 'u' and s[i + 2:i + 3] == '{':
            j = s.index('}', i)
            out += chr(int(s[i + 3:j], 16)).encode('utf-8')
            i = j + 1
        elif e == 'u':
            out += chr(int(s[i + 2:i + 6], 16)).encode('utf-8')
            i += 6
        else:
            sys.exit('wasm-bytes: unknown escape \\%s' % e)
    return bytes(out)


def parse(text, pos=0, depth=0):
    out = bytearray()
    while True:
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].strip()
            if rest:
                sys.exit('wasm-bytes: cannot parse: %r' % rest[:40])
            if depth:
                sys.exit('wasm-bytes: missing }')
            return bytes(out), len(text)
        pos = m.end()
        lbrace, rbrace, string, hexbyte, word, _, args = m.groups()
        if rbrace:
            if not depth:
                sys.exit('wasm-bytes: unexpected }')
            return bytes(out), pos
        if lbrace:
            sys.exit('wasm-bytes: { must follow section(ID) or sized')
        if string is not None:
            out += unescape(string)
        elif hexbyte:
            out.append(int(hexbyte, 16))
        elif word:
            a = [x.strip() for x in args.split(',')] if args else []
            if word == 'magic':
                out += b'\0asm'
            elif word == 'version':
                out += b'\x01\0\0\0'
            elif word == 'component':
                out += b'\x0d\0\x01\0'
            elif word == 'str':
                s = unescape(a[0].strip('"'))
                out += uleb(len(s)) + s
            elif word in ('u32', 'u64'):
                out += uleb(int(a[0], 0))
            elif word in ('s32', 's33', 's64'):
                out += sleb(int(a[0], 0))
            elif word == 'uleb':
                out += uleb(int(a[0], 0), int(a[1], 0))
            elif word == 'raw':
                out += bytes([int(a[1], 0)]) * int(a[0], 0)
            elif word in ('section', 'sized'):
                m2 = re.compile(r'\s*\{').match(text, pos)
                if not m2:
                    sys.exit('wasm-bytes: %s needs { ... }' % word)
                body, pos = parse(text, m2.end(), depth + 1)
                if word == 'section':
                    out.append(int(a[0], 0))
                out += uleb(len(body)) + body
            else:
                sys.exit('wasm-bytes: unknown word %r' % word)


def main():
    if len(sys.argv) != 4 or sys.argv[2] != '-o':
        sys.exit('usage: wasm-bytes.py INPUT -o OUTPUT')
    lines = []
    for line in open(sys.argv[1], encoding='utf-8'):
        lines.append(line.split(';;', 1)[0])
    data, _ = parse('\n'.join(lines))
    with open(sys.argv[3], 'wb') as f:
        f.write(data)


main()
