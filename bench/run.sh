#!/bin/bash
# Time "RUNTIME run" of a busybox bundle running /bin/true, for ocirt,
# crun and runc, interleaved (round robin, the order rotating each
# iteration) so that they share the machine's noise.  Prints the median,
# the spread (p25-p75) and the ratio of each median to ocirt's.
#
# usage: bench/run.sh [ITERATIONS]      (default 30; run as root)
# Environment: OCIRT (default: src/ocirt of this tree).
#
# crun 1.8.1 refuses to run on a hybrid cgroup host without a v1 hugetlb
# hierarchy; one is mounted for the run if missing, and unmounted after.

set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ITERATIONS=${1:-30}
OCIRT=${OCIRT:-$PWD/src/ocirt}

die ()
{
  echo "bench/run.sh: $*" >&2
  exit 1
}

[[ $ITERATIONS =~ ^[1-9][0-9]*$ ]] || die "usage: bench/run.sh [ITERATIONS]"
[[ $EUID == 0 ]] || die "run as root"
[[ -x $OCIRT ]] || die "$OCIRT not built (run make)"
[[ -x /bin/busybox ]] || die "/bin/busybox missing: install busybox-static"
command -v jq >/dev/null || die "jq missing: apt-get install jq"

NAMES=(ocirt)
declare -A BIN=([ocirt]=$OCIRT)
for rt in crun runc; do
  if path=$(command -v "$rt"); then
    NAMES+=("$rt")
    BIN[$rt]=$path
  else
    echo "note: $rt not installed, left out"
  fi
done

W=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-bench.XXXXXX") || exit 1
chmod 0755 "$W"
MOUNTED_HUGETLB=
MADE_HUGETLB_DIR=

cleanup ()
{
  local rt d
  for rt in "${NAMES[@]}"; do
    for d in "$W/root-$rt"/*/; do
      [[ -d $d ]] && "${BIN[$rt]}" --root "$W/root-$rt" delete --force "$(basename "$d")" >/dev/null 2>&1
    done
  done
  if [[ -n $MOUNTED_HUGETLB ]]; then
    umount /sys/fs/cgroup/hugetlb && echo "unmounted the v1 hugetlb hierarchy at /sys/fs/cgroup/hugetlb"
    [[ -n $MADE_HUGETLB_DIR ]] && rmdir /sys/fs/cgroup/hugetlb
  fi
  rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n ${BIN[crun]:-} ]] && ! mountpoint -q /sys/fs/cgroup/hugetlb \
  && mountpoint -q /sys/fs/cgroup/unified; then
  if [[ ! -d /sys/fs/cgroup/hugetlb ]]; then
    mkdir /sys/fs/cgroup/hugetlb && MADE_HUGETLB_DIR=1
  fi
  if mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb; then
    MOUNTED_HUGETLB=1
    echo "mounted a v1 hugetlb hierarchy at /sys/fs/cgroup/hugetlb for crun (removed at the end)"
  else
    echo "note: could not mount a v1 hugetlb hierarchy; crun may fail"
  fi
fi

# The bundle: busybox, no terminal, /bin/true.
B=$W/bundle
mkdir -p "$B/rootfs"/{bin,dev,etc,proc,sys,tmp}
cp /bin/busybox "$B/rootfs/bin/busybox"
ln -s busybox "$B/rootfs/bin/sh"
ln -s busybox "$B/rootfs/bin/true"
# runc's default config, which crun 1.8 also accepts (it refuses
# ociVersion 1.3.0); ocirt's when runc is missing.
runc spec --bundle "$B" >/dev/null 2>&1
[[ -s $B/config.json ]] || "$OCIRT" spec --bundle "$B" >/dev/null 2>&1
[[ -s $B/config.json ]] || die "neither runc spec nor ocirt spec wrote a config"
jq '.process.terminal = false | .process.args = ["/bin/true"]' "$B/config.json" >"$B/c.json" \
  && mv "$B/c.json" "$B/config.json"

declare -A TIMES FAILS FIRST_ERROR

# run_once RUNTIME TAG: time one run in microseconds, appended to TIMES.
run_once ()
{
  local rt=$1 id="bench-$1-$$-$2" t0 t1
  t0=${EPOCHREALTIME/./}
  if "${BIN[$rt]}" --root "$W/root-$rt" run --bundle "$B" "$id" \
    </dev/null >/dev/null 2>"$W/err"; then
    t1=${EPOCHREALTIME/./}
    [[ $2 == warmup ]] || TIMES[$rt]+="$((t1 - t0)) "
  else
    FAILS[$rt]=$((${FAILS[$rt]:-0} + 1))
    [[ -n ${FIRST_ERROR[$rt]:-} ]] || FIRST_ERROR[$rt]=$(head -c 300 "$W/err")
    "${BIN[$rt]}" --root "$W/root-$rt" delete --force "$id" >/dev/null 2>&1
  fi
}

for rt in "${NAMES[@]}"; do
  mkdir -p "$W/root-$rt"
  run_once "$rt" warmup
done
k=${#NAMES[@]}
for ((i = 0; i < ITERATIONS; i++)); do
  for ((j = 0; j < k; j++)); do
    run_once "${NAMES[(i + j) % k]}" "$i"
  done
done

# stats RUNTIME: "median p25 p75" in ms, or nothing without samples.
stats ()
{
  tr ' ' '\n' <<<"${TIMES[$1]:-}" | grep . | sort -n | awk '
    { v[NR] = $1 }
    function q(p) { i = int(p * (NR - 1) + 0.5) + 1; return v[i] / 1000 }
    END { if (NR) printf "%.2f %.2f %.2f\n", q(0.5), q(0.25), q(0.75) }'
}

echo
echo "ocirt benchmark: run of /bin/true, $ITERATIONS interleaved iterations"
printf '%-8s %10s %18s %16s %9s\n' runtime "median ms" "p25-p75 ms" "median/ocirt" failures
read -r base _ _ <<<"$(stats ocirt)"
for rt in "${NAMES[@]}"; do
  read -r med p25 p75 <<<"$(stats "$rt")"
  if [[ -z ${med:-} ]]; then
    printf '%-8s %10s %18s %16s %9s\n' "$rt" - - - "${FAILS[$rt]:-0}"
    continue
  fi
  ratio=-
  [[ -n ${base:-} ]] && ratio=$(awk -v a="$med" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
  printf '%-8s %10s %18s %16s %9s\n' "$rt" "$med" "$p25-$p75" "$ratio" "${FAILS[$rt]:-0}"
done
for rt in "${NAMES[@]}"; do
  [[ -z ${FIRST_ERROR[$rt]:-} ]] || echo "$rt failed, first error: ${FIRST_ERROR[$rt]}"
done
if [[ -n ${base:-} ]]; then
  for rt in crun runc; do
    read -r med _ _ <<<"$(stats "$rt")"
    [[ -n ${med:-} ]] && awk -v a="$base" -v b="$med" -v r="$rt" \
      'BEGIN { printf "ocirt/%s = %.2f\n", r, a / b }'
  done
fi
exit 0
