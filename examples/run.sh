#!/bin/sh
# Builds the example (C -> wasm32 core module -> component) and runs it through meldc.
# Usage: examples/run.sh PATH/TO/meldc
set -eu
MELDC=$(realpath "$1")
cd "$(dirname "$0")"
OUT=build
mkdir -p $OUT
NODE=../node_modules/.bin/node

echo "== 1. C -> core module (clang-19, wasm32-wasi reactor)"
clang-19 --target=wasm32-wasi --sysroot=/usr -I/usr/include/wasm32-wasi -L/usr/lib/wasm32-wasi \
  -O2 -mexec-model=reactor -o $OUT/counter.core.wasm counter.c
echo "   $OUT/counter.core.wasm: $(wc -c < $OUT/counter.core.wasm) bytes"

echo "== 2. core module -> component (jco componentEmbed + componentNew)"
NODE_PATH=../node_modules $NODE componentize.mjs $OUT/counter.core.wasm counter.wit app $OUT/counter.wasm
echo "   $OUT/counter.wasm: $(wc -c < $OUT/counter.wasm) bytes"

echo "== 3. meldc reads, verifies and writes the component back (-passes= : no passes)"
"$MELDC" -passes= --time-passes $OUT/counter.wasm -o $OUT/counter.roundtrip.wasm
cmp $OUT/counter.wasm $OUT/counter.roundtrip.wasm && echo "   byte-identical round trip"
"$MELDC" -passes= -S $OUT/counter.wasm -o $OUT/counter.wat
echo "   text form: $OUT/counter.wat ($(wc -l < $OUT/counter.wat) lines); its start:"
sed -n '1,12p' $OUT/counter.wat | sed 's/^/     /'

echo "== 4. meldc on the core module: -passes=strip,dce"
"$MELDC" -passes=strip,dce --debug-pass-manager $OUT/counter.core.wasm -o $OUT/counter.dce.wasm
wasm-validate $OUT/counter.dce.wasm
echo "   $(wc -c < $OUT/counter.core.wasm) bytes -> $(wc -c < $OUT/counter.dce.wasm) bytes; wasm-validate accepts the result"
"$MELDC" -S $OUT/counter.dce.wasm -o - | grep -E '^\s*\((func|export)' | sed 's/^/     /'
