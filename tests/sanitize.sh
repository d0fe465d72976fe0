#!/bin/bash
# Build ocirt with AddressSanitizer and UndefinedBehaviorSanitizer in a
# separate build directory and run the unit tests and the whole
# integration suite (tests/integration/*.bats) with it.  Any sanitizer
# report (memory error, leak, undefined behaviour) of any ocirt process
# fails the run.
#
#   tests/sanitize.sh [BATS-FILE-NAME...]
#
# Default: every file in tests/integration/.
# Runs as root.  Prints TAP ("ok N - name" / "not ok N - name") and the
# plan last.  Environment: SANITIZE_BUILD_DIR to reuse a build directory
# (default: a temporary one, removed at the end).
#
# The source tree of a configured in-tree build cannot host a VPATH
# build (automake refuses), so the sources are copied first in that case.
#
# Leak checking: LeakSanitizer runs when an instrumented process exits
# through exit().  The container's init execs the container process and
# forked helpers leave with _exit(), so neither is checked; the runtime
# process of every verb is.  No suppressions are needed.

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
if (($# > 0)); then
  files=$*
else
  files=$(cd "$here/integration" && ls -- *.bats | sed 's/\.bats$//')
fi
n=0
failed=0

# A short path: tests make unix sockets below it (108 bytes at most).
work=$(mktemp -d /tmp/osan.XXXXXX) || exit 1
chmod 0755 "$work"
cleanup ()
{
  local mnt
  for mnt in $(awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

tap ()
{
  local ok=$1
  shift
  n=$((n + 1))
  if [[ $ok == 0 ]]; then
    echo "ok $n - $*"
  else
    echo "not ok $n - $*"
    failed=$((failed + 1))
  fi
}

# Sanitizer reports go to files, one per process, checked after each
# stage.
reports=$work/reports
mkdir -p "$reports"
chmod 0777 "$reports"
export ASAN_OPTIONS="detect_leaks=1:log_path=$reports/asan:abort_on_error=0:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$reports/ubsan"
export LSAN_OPTIONS="log_path=$reports/lsan"

# new_reports STAGE: fail when the stage left sanitizer reports.
new_reports ()
{
  local f found=1
  for f in "$reports"/*; do
    [[ -s $f ]] || continue
    echo "# $1: sanitizer report $(basename "$f"):"
    sed 's/^/#   /' "$f" | head -n 60
    mkdir -p "$work/seen"
    mv "$f" "$work/seen/"
    found=0
  done
  [[ $found == 1 ]]
}

# --- build ------------------------------------------------------------
srcdir=$top
if [[ -e $top/config.status ]]; then
  srcdir=$work/src
  mkdir -p "$srcdir"
  if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$top" && git ls-files -co --exclude-standard -z \
      | tar -cf - --null -T - 2>/dev/null) | tar -xf - -C "$srcdir"
  else
    (cd "$top" && tar -cf - --exclude='*.o' --exclude='*.a' \
      --exclude=config.status --exclude=config.h --exclude=Makefile \
      --exclude=config.log .) | tar -xf - -C "$srcdir"
  fi
fi
build=${SANITIZE_BUILD_DIR:-$work/build}
mkdir -p "$build"
{
  { [[ -x $srcdir/configure ]] || (cd "$srcdir" && ./autogen.sh); } \
    && cd "$build" \
    && { [[ -e Makefile ]] || "$srcdir/configure" --enable-sanitizers; } \
    && make -j"$(nproc)"
} >"$work/build.log" 2>&1
rc=$?
if ((rc != 0)); then
  sed 's/^/# /' "$work/build.log" | tail -n 40
fi
tap $rc "sanitizer build (VPATH, --enable-sanitizers)"
if ((rc != 0)); then
  echo "1..$n"
  exit 1
fi
ocirt=$build/src/ocirt
# (the whole output read first: with pipefail, a "grep -q" that stops
# early can kill ldd with SIGPIPE and fail the pipeline)
if [[ $(ldd "$ocirt" 2>/dev/null) == *libasan* ]]; then
  tap 0 "ocirt is linked with ASan"
else
  tap 1 "ocirt is linked with ASan"
fi

# --- unit tests -------------------------------------------------------
(cd "$build" && make -j"$(nproc)" check) >"$work/check.log" 2>&1
rc=$?
((rc == 0)) || grep -E '^(FAIL|ERROR)' "$work/check.log" | sed 's/^/# /'
new_reports "unit tests" || rc=1
tap $rc "unit tests (make check)"

# --- integration tests ------------------------------------------------
export OCIRT=$ocirt
export OCIRT_SANITIZED=1
export RECVTTY=$build/tests/helpers/recvtty
export OCIRT_TEST_ROOTFS=$work/rootfs
export OCIRT_TIMEOUT=60
for f in $files; do
  file=$top/tests/integration/$f.bats
  [[ -f $file ]] || continue
  fdir=$work/b/$f
  mkdir -p "$fdir/s" "$fdir/t"
  chmod 0755 "$work/b" "$fdir" "$fdir/t"
  OCIRT_ROOT=$fdir/s TMPDIR=$fdir/t timeout -k 10 900 \
    bats --tap "$file" </dev/null >"$fdir/tap" 2>&1
  rc=$?
  # one line per test of the file
  while IFS= read -r line; do
    case $line in
    "ok "*) tap 0 "$f: ${line#ok * }" ;;
    "not ok "*) tap 1 "$f: ${line#not ok * }" ;;
    "#"*) echo "$line" ;;
    esac
  done <"$fdir/tap"
  if ((rc != 0)) && ! grep -q '^not ok' "$fdir/tap"; then
    tap 1 "$f: bats exited with status $rc"
  fi
  new_reports "$f"
  tap $? "$f: no sanitizer reports"
done

echo "1..$n"
((failed == 0))
