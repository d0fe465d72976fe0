#!/bin/bash
# Build ocirt and run all of its tests: unit tests (make check), the
# fuzzer, the format check, the integration tests (bats) and the engine
# end-to-end tests.  Runs as root on Debian; installs what is missing.
#
# The last line printed is "N passed, M failed, K skipped".  The exit
# status is non-zero when a test failed or a stage could not run.
#
# Environment: FUZZ_SECONDS (default 60), TEST_BUDGET_MINUTES (default 55),
# SKIP_E2E=1 to leave out the engine tests.

set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
SRCDIR=$(pwd)

if [[ $EUID != 0 ]]; then
  echo "contrib/test.sh: run as root (containers need it)" >&2
  exit 1
fi

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
DEADLINE=$((SECONDS + ${TEST_BUDGET_MINUTES:-55} * 60))
PASSED=0
FAILED=0
SKIPPED=0
STAGE_ERRORS=0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-test.XXXXXX") || exit 1
# user-namespaced containers must be able to reach bundles under it
chmod 0755 "$WORK"
OCIRT_BIN=$SRCDIR/src/ocirt
export OCIRT_TEST_IDS=$WORK/container-ids
: >"$OCIRT_TEST_IDS"

section ()
{
  printf '\n=== %s ===\n' "$*"
}

count ()
{
  PASSED=$((PASSED + $1))
  FAILED=$((FAILED + $2))
  SKIPPED=$((SKIPPED + $3))
}

# A stage that could not run, or ended badly without a failing test:
# counted as one failure.
stage_error ()
{
  echo "test.sh: $*" >&2
  STAGE_ERRORS=$((STAGE_ERRORS + 1))
  count 0 1 0
}

# budget SECONDS: SECONDS, or what is left of the overall budget.
budget ()
{
  local left=$((DEADLINE - SECONDS))
  ((left < $1)) && echo "$left" || echo "$1"
}

# Kill and remove the cgroups named after container ids of this run.
sweep_cgroups ()
{
  local id dir pid i
  for id in $(sort -u "$OCIRT_TEST_IDS" 2>/dev/null); do
    for dir in $(find /sys/fs/cgroup -mindepth 2 -maxdepth 5 -type d -name "$id" 2>/dev/null); do
      for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do
        kill -9 "$pid" 2>/dev/null
      done
      for ((i = 0; i < 40; i++)); do
        find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
        [[ -d $dir ]] || break
        sleep 0.05
      done
    done
  done
}

# Controllers enabled in the v2 root at the start: tests of hugepage
# limits enable hugetlb there (as ocirt must), and the run gives the host
# back as it found it.
V2_ROOT=
for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
  [[ -e $d/cgroup.subtree_control ]] && V2_ROOT=$d && break
done
V2_CONTROL_WAS=${V2_ROOT:+$(cat "$V2_ROOT/cgroup.subtree_control" 2>/dev/null)}

restore_v2_root ()
{
  local c i
  [[ -n $V2_ROOT ]] || return 0
  for c in $(cat "$V2_ROOT/cgroup.subtree_control" 2>/dev/null); do
    grep -qw -- "$c" <<<"$V2_CONTROL_WAS" && continue
    # EBUSY while removed cgroups are still dying
    for ((i = 0; i < 200; i++)); do
      echo "-$c" >"$V2_ROOT/cgroup.subtree_control" 2>/dev/null && break
      sleep 0.1
    done
  done
}

CLEANED=
cleanup ()
{
  [[ -n $CLEANED ]] && return
  CLEANED=1
  local root dir mnt
  # containers the tests left in their private state roots
  for root in "$WORK"/bats/*/state; do
    [[ -d $root ]] || continue
    for dir in "$root"/*/; do
      [[ -d $dir ]] || continue
      timeout 30 "$OCIRT_BIN" --root "$root" delete --force "$(basename "$dir")" \
        </dev/null >/dev/null 2>&1
    done
  done
  sweep_cgroups
  restore_v2_root
  # mounts a failing runtime may have left on the host under our tree
  for mnt in $(awk -v w="$WORK/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null
  done
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish ()
{
  cleanup
  echo
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
  if ((FAILED > 0 || STAGE_ERRORS > 0)); then
    exit 1
  fi
  exit 0
}

# count_tap FILE EXIT-STATUS NAME: count the TAP results of FILE; a
# missing result of the plan or a bad exit without a failing test is a
# failure.
count_tap ()
{
  local file=$1 rc=$2 name=$3 pass fail skip plan total
  skip=$(grep -ciE '^ok [0-9]+.*# skip' "$file")
  pass=$(($(grep -cE '^ok [0-9]+' "$file") - skip))
  fail=$(grep -cE '^not ok [0-9]+' "$file")
  plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$file" | head -n1)
  total=$((pass + fail + skip))
  if [[ -n $plan ]] && ((total < plan)); then
    echo "test.sh: $name: $((plan - total)) of $plan tests did not report" >&2
    fail=$((fail + plan - total))
  fi
  count "$pass" "$fail" "$skip"
  echo "--- $name: $pass passed, $fail failed, $skip skipped"
  if ((total == 0 && rc == 0)) && [[ -z $plan ]]; then
    count 1 0 0
  elif ((rc != 0 && fail == 0)); then
    stage_error "$name exited with status $rc"
  fi
}

# ---------------------------------------------------------------------
section "dependencies"
if ! contrib/install-deps.sh build test e2e; then
  stage_error "installing the Debian packages failed"
fi

# ---------------------------------------------------------------------
section "build"
if ! {
  ./autogen.sh && ./configure --enable-werror && make -j2
} >"$WORK/build.log" 2>&1; then
  tail -n 60 "$WORK/build.log"
  stage_error "the build failed"
  finish
fi
grep -A8 '^  ocirt ' "$WORK/build.log"
echo "built $OCIRT_BIN"

# ---------------------------------------------------------------------
section "unit tests (make check)"
find tests -name '*.trs' -delete
export CMOCKA_MESSAGE_OUTPUT=STDOUT
timeout -k 10 "$(budget 900)" make -j2 check >"$WORK/check.log" 2>&1
rc=$?
ntrs=0
unit_fail=0
for trs in $(find tests -name '*.trs' | sort); do
  ntrs=$((ntrs + 1))
  log=${trs%.trs}.log
  result=$(sed -n 's/^:test-result: //p' "$trs" | head -n1)
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
  s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
  if ((p + f + s == 0)) && grep -qE '^(not )?ok [0-9]+' "$log"; then
    # TAP output
    s=$(grep -ciE '^ok [0-9]+.*# skip' "$log")
    p=$(($(grep -cE '^ok [0-9]+' "$log") - s))
    f=$(grep -cE '^not ok [0-9]+' "$log")
  fi
  if ((p + f + s == 0)); then
    # no summary (not a cmocka program, or it crashed): one result
    case $result in
    PASS | XFAIL) p=1 ;;
    SKIP) s=1 ;;
    *) f=1 ;;
    esac
  elif [[ $result != PASS && $result != XFAIL && $result != SKIP ]] && ((f == 0)); then
    # all cases passed but the program failed (sanitizer, leak, crash)
    f=1
  fi
  if ((f > 0)); then
    grep -E '^\[  (FAILED|  ERROR) \]|^\[  ERROR   \]|ERROR:|runtime error' "$log" | head -n 20
    unit_fail=$((unit_fail + f))
  fi
  echo "${trs%.trs}: $p passed, $f failed, $s skipped ($result)"
  count "$p" "$f" "$s"
done
if ((ntrs == 0)); then
  tail -n 40 "$WORK/check.log"
  stage_error "make check ran no tests (exit status $rc)"
elif ((rc != 0 && unit_fail == 0)); then
  tail -n 40 "$WORK/check.log"
  stage_error "make check failed (exit status $rc)"
fi

# ---------------------------------------------------------------------
section "fuzzing"
if [[ -f tests/fuzz/run.sh ]]; then
  timeout -k 10 "$(budget $((FUZZ_SECONDS * 3 + 300)))" \
    bash tests/fuzz/run.sh "$FUZZ_SECONDS" </dev/null 2>&1 | tee "$WORK/fuzz.log" | tail -n 20
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^fuzz: [0-9]+ runs, [0-9]+ crashes' "$WORK/fuzz.log" | tail -n1)
  crashes=$(sed -n 's/^fuzz: [0-9]* runs, \([0-9]*\) crashes.*/\1/p' <<<"$line")
  if ((rc == 0)) && [[ $crashes == 0 ]]; then
    echo "ok - fuzz ($line)"
    count 1 0 0
  else
    echo "not ok - fuzz (exit status $rc${line:+, $line})"
    count 0 1 0
  fi
else
  echo "ok - fuzz # SKIP tests/fuzz/run.sh not present"
  count 0 0 1
fi

# ---------------------------------------------------------------------
if command -v clang-format >/dev/null; then
  section "format"
  if make check-format >"$WORK/format.log" 2>&1; then
    echo "ok - format"
    count 1 0 0
  else
    head -n 20 "$WORK/format.log"
    echo "not ok - format (make format fixes it)"
    count 0 1 0
  fi
fi

# ---------------------------------------------------------------------
section "integration tests (bats)"
export OCIRT=$OCIRT_BIN
export OCIRT_TEST_ROOTFS=$WORK/rootfs
export OCIRT_TIMEOUT=30
for file in tests/integration/*.bats tests/security/*.bats; do
  [[ -e $file ]] || continue
  name=$(basename "$file" .bats)
  fdir=$WORK/bats/$name
  mkdir -p "$fdir/state" "$fdir/tmp"
  chmod 0755 "$WORK/bats" "$fdir" "$fdir/tmp"
  left=$(budget 600)
  if ((left <= 0)); then
    stage_error "$name: not run, time budget exhausted"
    continue
  fi
  echo "# $name"
  OCIRT_ROOT=$fdir/state TMPDIR=$fdir/tmp \
    timeout -k 10 "$left" bats --tap "$file" </dev/null 2>&1 | tee "$fdir/tap"
  rc=${PIPESTATUS[0]}
  ((rc == 124)) && echo "test.sh: $name: timed out after ${left}s" >&2
  count_tap "$fdir/tap" "$rc" "$name"
done

# ---------------------------------------------------------------------
# Scripts that print TAP: the pure cgroup2 VM, sanitizer and valgrind runs.
run_tap_script ()
{
  local name=$1 file=$2 limit=$3 dir left rc
  [[ -e $file ]] || return 0
  dir=$WORK/$name
  mkdir -p "$dir"
  chmod 0755 "$dir"
  left=$(budget "$limit")
  if ((left <= 0)); then
    stage_error "$name: not run, time budget exhausted"
    return 0
  fi
  echo "# $name"
  TMPDIR=$dir timeout -k 10 "$left" bash "$file" </dev/null 2>&1 | tee "$dir.tap"
  rc=${PIPESTATUS[0]}
  ((rc == 124)) && echo "test.sh: $name: timed out after ${left}s" >&2
  count_tap "$dir.tap" "$rc" "$name"
}

section "cgroup v2 (virtual machine)"
run_tap_script vm tests/vm/run.sh 660

section "sanitizers and valgrind"
run_tap_script sanitize tests/sanitize.sh 2100
run_tap_script valgrind tests/valgrind.sh 600

# ---------------------------------------------------------------------
section "end-to-end tests (engines)"
if [[ -n ${SKIP_E2E:-} ]]; then
  echo "skipped (SKIP_E2E is set)"
else
  for file in tests/e2e/*.sh; do
    [[ -e $file ]] || continue
    name=e2e/$(basename "$file" .sh)
    edir=$WORK/$name
    mkdir -p "$edir"
    chmod 0755 "$WORK/e2e" "$edir"
    left=$(budget 600)
    if ((left <= 0)); then
      stage_error "$name: not run, time budget exhausted"
      continue
    fi
    echo "# $name"
    TMPDIR=$edir timeout -k 10 "$left" bash "$file" </dev/null 2>&1 | tee "$edir.tap"
    rc=${PIPESTATUS[0]}
    ((rc == 124)) && echo "test.sh: $name: timed out after ${left}s" >&2
    count_tap "$edir.tap" "$rc" "$name"
  done
fi

finish
