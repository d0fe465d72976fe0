#!/bin/sh
# Fuzz the parsers and decoders of ocirt with libFuzzer.
#
#   tests/fuzz/run.sh [SECONDS [TARGET...]]
#
# SECONDS (default 75) is the budget of the whole run, shared evenly by
# the targets; TARGET is a name of tests/fuzz/fuzz-NAME.c (default: all
# of them):
#
#   config   config.json, process.json, resources and state documents
#   state    the state.json of a state directory
#   sync     one datagram of the runtime <-> init sync channel
#   cli      global options, verb dispatch, create/run options, signals
#   seccomp  the linux.seccomp translator (parse + compile to BPF)
#
# Builds the parser library and the runtime library straight from the
# sources with clang -fsanitize=fuzzer,address,undefined (Debian: clang
# and libclang-rt-14-dev) in a scratch directory, runs every target over
# a scratch copy of its seed corpus (tests/fuzz/corpus/TARGET) and exits
# non-zero on any crash, leak or sanitizer report; crashing inputs are
# kept in tests/fuzz/crashes/.  Prints "fuzz: N runs, 0 crashes (TARGET)"
# per target and, last, the summary "fuzz: N runs, 0 crashes (all)" or
# "fuzz: FAILED ...".
set -eu

seconds=${1:-75}
[ $# -gt 0 ] && shift
targets=${*:-config state sync cli seccomp}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CC=${CC:-clang}
jobs=$(nproc 2>/dev/null || echo 2)

work=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# config.h: the one of a configured tree, or one for the default Debian
# build (all optional libraries present).
if [ -f "$top/config.h" ]; then
  confdir=$top
else
  confdir=$work
  cat > "$work/config.h" <<'END'
#define _GNU_SOURCE 1
#define HAVE_SECCOMP 1
#define HAVE_LIBCAP 1
#define HAVE_SELINUX 1
#define PACKAGE_VERSION "fuzz"
#define GIT_COMMIT "fuzz"
END
fi

pkgs=yajl
for p in libseccomp libcap libselinux; do
  if pkg-config --exists "$p"; then
    pkgs="$pkgs $p"
  fi
done
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
# shellcheck disable=SC2086
cflags="-g -O1 -std=gnu11 -w $san -I$confdir -iquote $top/libocispec \
  -iquote $top/src/libocirt -iquote $top/src -iquote $here \
  $(pkg-config --cflags $pkgs)"
# shellcheck disable=SC2086
libs=$(pkg-config --libs $pkgs)

# One archive of the libraries: each target links what it uses.  A
# source that does not compile is reported; the link of a target that
# needs it fails.
mkdir "$work/obj"
# shellcheck disable=SC2086
ls "$top"/libocispec/*.c "$top"/src/libocirt/*.c \
  | xargs -P "$jobs" -I{} sh -c \
    'o="$1/obj/$(basename "$(dirname "$2")")-$(basename "$2" .c).o"
     '"$CC"' -fsanitize=fuzzer-no-link '"$cflags"' -c "$2" -o "$o" 2>"$o.log" \
       || { echo "fuzz: warning: $2 does not compile:" >&2; cat "$o.log" >&2; }' \
    sh "$work" {}
ar rcs "$work/libfuzz.a" "$work"/obj/*.o

# fuzz-cli: main.c with its verbs replaced, and create's option parser.
# shellcheck disable=SC2086
$CC -fsanitize=fuzzer-no-link $cflags -include "$here/cli-rename.h" \
  -c "$top/src/main.c" -o "$work/main.o"
# shellcheck disable=SC2086
$CC -fsanitize=fuzzer-no-link $cflags \
  -Docirt_cmd_create=ocirt_real_cmd_create \
  -c "$top/src/cmd-create.c" -o "$work/cmd-create.o"

for t in $targets; do
  extra=
  [ "$t" = cli ] && extra="$work/main.o $work/cmd-create.o"
  # shellcheck disable=SC2086
  $CC -fsanitize=fuzzer $cflags "$here/fuzz-$t.c" $extra "$work/libfuzz.a" \
    $libs -o "$work/fuzz-$t"
done

n=$(echo "$targets" | wc -w)
per=$((seconds / n))
[ "$per" -ge 1 ] || per=1
total=0
failed=
for t in $targets; do
  mkdir "$work/corpus-$t" "$work/artifacts-$t"
  if [ -d "$here/corpus/$t" ]; then
    cp "$here/corpus/$t"/* "$work/corpus-$t/" 2>/dev/null || true
  fi
  dict=
  [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
  status=0
  # shellcheck disable=SC2086
  "$work/fuzz-$t" -max_total_time="$per" -timeout=10 -max_len=16384 \
    -rss_limit_mb=2048 -close_fd_mask=3 $dict -print_final_stats=1 \
    -artifact_prefix="$work/artifacts-$t/" "$work/corpus-$t" \
    > "$work/log-$t" 2>&1 < /dev/null || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log-$t" | tail -n 1)
  crashes=$(find "$work/artifacts-$t" -type f | wc -l)
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ] \
    || grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\|libFuzzer\)\|runtime error:' "$work/log-$t"; then
    tail -n 60 "$work/log-$t" >&2
    for f in "$work/artifacts-$t"/*; do
      [ -f "$f" ] || continue
      mkdir -p "$here/crashes"
      cp "$f" "$here/crashes/$t-$(basename "$f")"
      echo "kept $here/crashes/$t-$(basename "$f")" >&2
    done
    echo "fuzz-$t: FAILED after ${runs:-?} runs (exit $status, $crashes crash files)"
    failed="$failed $t"
  else
    echo "fuzz: ${runs:-0} runs, 0 crashes ($t)"
  fi
  total=$((total + ${runs:-0}))
done

if [ -n "$failed" ]; then
  echo "fuzz: FAILED:$failed ($total runs)"
  exit 1
fi
echo "fuzz: $total runs, 0 crashes (all: $targets)"
