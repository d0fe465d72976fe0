#!/bin/sh
# Fuzz the config.json parser with libFuzzer for SECONDS (default 60).
#
#   tests/fuzz/run.sh [SECONDS]
#
# Builds tests/fuzz/fuzz-config.c straight from the libocispec sources with
# clang -fsanitize=fuzzer,address,undefined (Debian: clang and
# libclang-rt-14-dev), runs it over a scratch copy of the seed corpus and
# exits non-zero on any crash, leak or sanitizer report.  The last line is
# "fuzz: N runs, 0 crashes" or "fuzz: FAILED ...".
set -eu

seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CC=${CC:-clang}

work=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# A configured tree has config.h; otherwise the parser only needs
# _GNU_SOURCE.
if [ -f "$top/config.h" ]; then
  confdir=$top
else
  confdir=$work
  printf '#define _GNU_SOURCE 1\n' > "$work/config.h"
fi

srcs="$top/libocispec/json-util.c $top/libocispec/json-tree.c
  $top/libocispec/names.c
  $top/libocispec/parse.c $top/libocispec/parse-process.c
  $top/libocispec/parse-linux.c $top/libocispec/parse-resources.c
  $top/libocispec/free.c $top/libocispec/state.c $top/src/libocirt/util.c"

# shellcheck disable=SC2086
$CC -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -I"$confdir" \
  -iquote "$top/libocispec" -iquote "$top/src/libocirt" \
  $(pkg-config --cflags yajl) \
  "$here/fuzz-config.c" $srcs \
  $(pkg-config --libs yajl) -o "$work/fuzz-config"

mkdir "$work/corpus" "$work/artifacts"
cp "$here"/corpus/config/* "$work/corpus/"

status=0
"$work/fuzz-config" -max_total_time="$seconds" -timeout=10 -max_len=65536 \
  -dict="$here/config.dict" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" \
  > "$work/log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
crashes=$(find "$work/artifacts" -type f | wc -l)
if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ] \
  || grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\|libFuzzer\)\|runtime error:' "$work/log"; then
  tail -n 60 "$work/log" >&2
  for f in "$work"/artifacts/*; do
    [ -f "$f" ] || continue
    mkdir -p "$here/crashes"
    cp "$f" "$here/crashes/"
    echo "kept $here/crashes/$(basename "$f")" >&2
  done
  echo "fuzz: FAILED after ${runs:-?} runs (exit $status, $crashes crash files)"
  exit 1
fi
echo "fuzz: ${runs:-0} runs, 0 crashes"
