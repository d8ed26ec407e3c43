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

echo "== 5. a second component (driver.c, world driver) that imports the counter"
clang-19 --target=wasm32-wasi --sysroot=/usr -I/usr/include/wasm32-wasi -L/usr/lib/wasm32-wasi \
  -O2 -mexec-model=reactor -o $OUT/driver.core.wasm driver.c
NODE_PATH=../node_modules $NODE componentize.mjs $OUT/driver.core.wasm counter.wit driver $OUT/driver.wasm
echo "   $OUT/driver.wasm: $(wc -c < $OUT/driver.wasm) bytes"

echo "== 6. fusion: meldc driver.wasm counter.wasm (default pipeline resolve,adapter,dce)"
"$MELDC" $OUT/driver.wasm $OUT/counter.wasm -o $OUT/fused.wasm --explain
wasm-validate --enable-multi-memory $OUT/fused.wasm
echo "   $(wc -c < $OUT/driver.wasm) + $(wc -c < $OUT/counter.wasm) bytes of components -> $(wc -c < $OUT/fused.wasm) bytes of core module"

echo "== 7. for a microcontroller: meldc --mcu (one static memory, no allocator, binaryen -Oz)"
"$MELDC" --mcu $OUT/driver.wasm $OUT/counter.wasm -o $OUT/mcu.wasm
wasm-validate $OUT/mcu.wasm
echo "   $(wc -c < $OUT/mcu.wasm) bytes; the whole program:"
"$MELDC" -S $OUT/mcu.wasm -o - | sed 's/^/     /'

echo "== 8. run(10) in node: the fused core gives what 1 + 2 + ... + 10 is"
$NODE -e '
const fs = require("fs");
for (const f of process.argv.slice(1)) {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(f)), {});
  const got = instance.exports.run(10);
  console.log(`   ${f}: run(10) = ${got}`);
  if (got !== 55) process.exit(1);
}' $OUT/fused.wasm $OUT/mcu.wasm

echo "== 9. lowered for the flight controller: --mcu --emit=obj (Thumb-2, Cortex-M7, hard float)"
"$MELDC" --mcu $OUT/driver.wasm $OUT/counter.wasm --emit=obj -o $OUT/app.o
echo "   $OUT/app.o: $(wc -c < $OUT/app.o) bytes of ELF relocatable object; its C header $OUT/app.h declares:"
grep -E '^(void|uint32_t|uint64_t|float|double|extern [^"])' $OUT/app.h | sed 's/^/     /'
cat > $OUT/board-main.c <<'CEOF'
/* Firmware side: initialise the lowered program once, then call its export. */
#include <stdio.h>
#include "app.h"
int main(void) {
  app_init();
  uint32_t got = app_run(10);
  printf("   on the board: run(10) = %u\n", (unsigned)got);
  return got == 55 ? 0 : 1;
}
CEOF
if command -v qemu-system-arm >/dev/null 2>&1 && command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  echo "== 10. linked with arm-none-eabi-gcc and run on QEMU's mps2-an500 (Cortex-M7)"
  ../test/board/run-on-board --trap=app -I $OUT $OUT/board-main.c $OUT/app.o
else
  echo "   (qemu-system-arm or arm-none-eabi-gcc missing: utils/setup installs them; not run)"
fi
