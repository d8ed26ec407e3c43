#!/bin/sh
# The board harness's own test (ctest board-harness): programs run on QEMU mps2-an500 through
# run-on-board, each checked for its output and exit status.  Prints "skipped: ..." and exits 77
# when arm-none-eabi-gcc, qemu-system-arm or clang-19 is missing.
#
# Usage: test/board/selftest/run.sh WORKDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=$HERE/../run-on-board
WORK=${1:-${TMPDIR:-/tmp}/board-selftest}
CLANG=${CLANG:-clang-19}
for tool in arm-none-eabi-gcc qemu-system-arm "$CLANG"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "skipped: $tool not found"; exit 77; }
done
mkdir -p "$WORK"
passed=0 failed=0

# expect NAME STATUS REGEX FILE...: run FILE... on the board; the status must be STATUS and
# stdout must match every line of REGEX (one extended regex per line).
expect() {
  name=$1 want=$2 patterns=$3; shift 3
  got=0
  "$RUN" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || got=$?
  ok=1
  [ "$got" -eq "$want" ] || { echo "$name: exit status $got, expected $want"; ok=0; }
  printf '%s\n' "$patterns" | while IFS= read -r p; do
    grep -Eq -- "$p" "$WORK/$name.out" || { echo "$name: no line matches /$p/"; exit 1; }
  done || ok=0
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); echo "PASS: $name"
  else failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/  | /' "$WORK/$name.out" "$WORK/$name.err"; fi
}

expect hello 7 "^hello from the board$
^empty region: ok$" "$HERE/hello.c"

"$CLANG" --target=thumbv7em-unknown-none-eabihf -mcpu=cortex-m7 -mfpu=fpv5-d16 \
  -mfloat-abi=hard -O2 -c "$HERE/float-kernel.c" -o "$WORK/float-kernel.o" || exit 1
expect float 0 "^axpy: ok$
^mix: ok$
^sqrtf: ok$
^norm: ok$
^mul64: ok$
^f2i: ok$
^libm sin: ok$
^printf %f: ok$
^nan: ok$" "$HERE/float-main.c" "$WORK/float-kernel.o"

expect count 0 "^run 0: .*: ok$
^run 1: .*: ok$
^24-bit overflow detected: ok$" "$HERE/count.c"

expect bigbss 0 "^6 MiB of .bss: ok$" "$HERE/bigbss.c"

expect trap 3 "^before the trap$
^trap 5$" "$HERE/trap.c"
expect fault 4 "^before the fault$" "$HERE/fault.c"
grep -q "board: HardFault" "$WORK/fault.err" || { echo "fault: no report on stderr"; failed=$((failed + 1)); }

expect timeout 124 "^spinning$" --timeout=2 "$HERE/spin.c"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
