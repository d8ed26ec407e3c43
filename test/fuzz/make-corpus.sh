#!/bin/sh
# Seed corpus for the fuzzers, made at test time: every .wat of the lit suite assembled with
# wat2wasm, every byte-DSL .txt test assembled with wasm-bytes.py.  Usage: make-corpus.sh SRC OUT
set -eu
src=$1 out=$2
rm -rf "$out"
mkdir -p "$out/seeds" "$out/work" "$out/work-passes"
n=0
for f in $(find "$src/test/lit" -name '*.wat' -not -path '*/Inputs/*'); do
  n=$((n + 1))
  wat2wasm --enable-all --no-check "$f" -o "$out/seeds/wat-$n.wasm" 2>/dev/null || true
done
for f in $(find "$src/test/lit" -name '*.txt' -not -path '*/Inputs/*'); do
  n=$((n + 1))
  python3 "$src/test/tools/wasm-bytes.py" "$f" -o "$out/seeds/bytes-$n.wasm" 2>/dev/null || true
done
echo "make-corpus: $(ls "$out/seeds" | wc -l) seeds"
