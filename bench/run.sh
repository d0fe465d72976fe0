#!/bin/bash
# Compare ocirt with crun and runc: every timed command runs for the three
# runtimes round robin (the order rotating each iteration), so that they
# share the machine's noise; only the ratios of the medians are meaningful.
#
# usage: bench/run.sh [-n ITERATIONS] [-r ROUNDS] [-o FILE] [SCENARIO...]
#
#   -n ITERATIONS  samples per runtime for the timed scenarios (default 30)
#   -r ROUNDS      rounds of the "parallel" scenario (default 3)
#   -o FILE        also write the result table to FILE
#
# Scenarios (default: all, in this order):
#   run       "run" of a bundle whose process is /bin/true
#   cycle     create + start + kill + delete of a sleeping container
#   exec      "exec /bin/true" into a running container
#   rss       peak RSS of the runtime's process tree during "run"
#   cpu       CPU time of the runtime's process tree during "run" (perf)
#   list      "list" and "state" with 1 and with 100 containers alive
#   parallel  100 containers created 8 at a time
#   memlimit  the smallest memory limit at which /bin/true still runs, and
#             whether pids.limit 1 works
#   parse     a config with a 300-syscall seccomp profile: ocirt's parse and
#             compile times (bench/parse-bench.c, bench/seccomp-bench.c)
#             and the extra "run" time it costs each runtime
#
# Run as root.  Environment: OCIRT (default: src/ocirt of this tree), CC.
#
# Bundles come from "runc spec" (crun 1.8 refuses ociVersion 1.3.0).  On a
# hybrid cgroup host crun 1.8 refuses to run while the v2 hierarchy has
# controllers; around each scenario that runs crun, a v1 hugetlb hierarchy
# is mounted (only while hugetlb is not enabled in the v2 root; the script
# waits for that) and unmounted again, always, when the scenario ends.

set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
OCIRT=${OCIRT:-$TOP/src/ocirt}
ITERATIONS=30
ROUNDS=3
OUTPUT=
ALL_SCENARIOS=(run cycle exec rss cpu list parallel memlimit parse)
CG=/sys/fs/cgroup
HUGETLB=$CG/hugetlb

die ()
{
  echo "bench/run.sh: $*" >&2
  exit 1
}

usage ()
{
  sed -n '/^# usage:/,/^# Run as root/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while getopts n:r:o:h opt; do
  case $opt in
    n) ITERATIONS=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    o) OUTPUT=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
SCENARIOS=("$@")
((${#SCENARIOS[@]})) || SCENARIOS=("${ALL_SCENARIOS[@]}")
for s in "${SCENARIOS[@]}"; do
  [[ " ${ALL_SCENARIOS[*]} " == *" $s "* ]] || die "unknown scenario '$s' (one of: ${ALL_SCENARIOS[*]})"
done
[[ $ITERATIONS =~ ^[1-9][0-9]*$ && $ROUNDS =~ ^[1-9][0-9]*$ ]] || usage
[[ $EUID == 0 ]] || die "run as root"
[[ -x $OCIRT ]] || die "$OCIRT not built (run make)"
[[ -x /bin/busybox ]] || die "/bin/busybox missing: apt-get install busybox-static"
command -v jq >/dev/null || die "jq missing: apt-get install jq"
command -v runc >/dev/null || die "runc missing (its 'spec' writes the bundles): apt-get install runc"
[[ -x /usr/bin/time ]] || die "/usr/bin/time missing: apt-get install time"

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
P=ob$$ # prefix of every container id and cgroup this script makes
MOUNTED_HUGETLB=
MADE_HUGETLB_DIR=

# ---------------------------------------------------------------- helpers


# rtc RUNTIME ARGS...: the runtime with this script's state directory.
rtc ()
{
  local rt=$1
  shift
  "${BIN[$rt]}" --root "$W/root-$rt" "$@"
}

# delete_all RUNTIME [ROOT-SUFFIX]: force-delete every container in a root.
delete_all ()
{
  local rt=$1 root="$W/root-$1${2:-}" d
  [[ -d $root ]] || return 0
  for d in "$root"/*/; do
    [[ -d $d ]] || continue
    timeout 30 "${BIN[$rt]}" --root "$root" delete --force "$(basename "$d")" >/dev/null 2>&1
  done
}

delete_everything ()
{
  local rt r
  for rt in "${NAMES[@]}"; do
    for r in "$W"/root-"$rt"*; do
      [[ -d $r ]] && delete_all "$rt" "${r#"$W/root-$rt"}"
    done
  done
}

# Our cgroups left in the v1 hugetlb hierarchy (normally none: delete
# removes them), deepest first.
our_hugetlb_cgroups ()
{
  find "$HUGETLB" -mindepth 1 -depth -type d -name "*$P*" 2>/dev/null
}

foreign_hugetlb_cgroups ()
{
  find "$HUGETLB" -mindepth 1 -maxdepth 1 -type d ! -name "*$P*" 2>/dev/null
}

# crun needs a v2 hierarchy without controllers: mount hugetlb on v1 when
# hugetlb is the one v2 controller and nobody enabled it in the v2 root.
mount_hugetlb ()
{
  local i
  [[ -n ${BIN[crun]:-} && -z $MOUNTED_HUGETLB ]] || return 0
  mountpoint -q "$HUGETLB" && return 0
  mountpoint -q "$CG/unified" || return 0
  grep -q . "$CG/unified/cgroup.controllers" 2>/dev/null || return 0
  for ((i = 0; i < 600; i++)); do
    if ! grep -qw hugetlb "$CG/unified/cgroup.subtree_control" 2>/dev/null; then
      if [[ ! -d $HUGETLB ]]; then
        mkdir "$HUGETLB" && MADE_HUGETLB_DIR=1
      fi
      if mount -t cgroup -o hugetlb cgroup "$HUGETLB" 2>/dev/null; then
        MOUNTED_HUGETLB=1
        return 0
      fi
    fi
    ((i % 50 == 0)) && echo "waiting for hugetlb to be disabled in the v2 root (another user enabled it)"
    sleep 0.2
  done
  echo "note: could not mount a v1 hugetlb hierarchy for crun within 2 minutes; crun will fail"
}

umount_hugetlb ()
{
  local d i left
  [[ -n $MOUNTED_HUGETLB ]] || return 0
  delete_everything
  while read -r d; do rmdir "$d" 2>/dev/null; done < <(our_hugetlb_cgroups)
  # Cgroups of other users' containers created meanwhile: unmounting now
  # would hide them (and keep hugetlb bound to v1), so give them time.
  for ((i = 0; i < 150; i++)); do
    left=$(foreign_hugetlb_cgroups)
    [[ -z $left ]] && break
    sleep 0.2
  done
  [[ -z $left ]] || echo "WARNING: cgroups of other users in $HUGETLB at unmount: $left" >&2
  umount "$HUGETLB" || umount -l "$HUGETLB"
  [[ -n $MADE_HUGETLB_DIR ]] && rmdir "$HUGETLB" && MADE_HUGETLB_DIR=
  MOUNTED_HUGETLB=
  hugetlb_back_to_v2
}

# The kernel destroys an unmounted v1 hierarchy only when its last cgroup
# is gone; a cgroup still dying at the unmount keeps it (and hugetlb away
# from the v2 tree) until the next time the hierarchy is released.  Mount
# and release it once more, in a mount namespace of its own, so that the
# host's layout is the one found before the benchmark.
hugetlb_back_to_v2 ()
{
  local i tmp
  for ((i = 0; i < 40; i++)); do
    grep -qw hugetlb "$CG/unified/cgroup.controllers" 2>/dev/null && return 0
    # A dying cgroup may still hold the hierarchy: try again a bit later.
    if ((i % 4 == 3)) && tmp=$(mktemp -d); then
      unshare -m sh -c 'mount -t cgroup -o hugetlb cgroup "$1" && umount "$1"' sh "$tmp" 2>/dev/null
      rmdir "$tmp"
    fi
    sleep 0.25
  done
  echo "note: hugetlb is not back in the v2 tree after the benchmark" >&2
}

cleanup ()
{
  delete_everything
  umount_hugetlb
  rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- samples

declare -A SAMPLES FAILS FIRST_ERROR NOTE

# record METRIC RUNTIME VALUE
record () { SAMPLES[$1/$2]+="$3 "; }

failed ()
{
  local key=$1/$2
  FAILS[$key]=$((${FAILS[$key]:-0} + 1))
  [[ -n ${FIRST_ERROR[$key]:-} ]] || FIRST_ERROR[$key]=$(head -c 300 "$W/err" | tr '\n' ' ')
}

# timed METRIC RUNTIME CMD...: record the wall time of CMD in us.
timed ()
{
  local m=$1 rt=$2 t0 t1
  shift 2
  # $EPOCHREALTIME read directly: $(...) forks, and a fork of bash inside
  # the timed window (~1-3 ms here) would add the same constant to every
  # runtime and pull every ratio towards 1.
  t0=$EPOCHREALTIME
  if "$@" </dev/null >/dev/null 2>"$W/err"; then
    t1=$EPOCHREALTIME
    t0=${t0/./} t1=${t1/./}
    record "$m" "$rt" $((10#$t1 - 10#$t0))
    return 0
  fi
  failed "$m" "$rt"
  return 1
}

# rotate I: the runtimes in round-robin order for iteration I.
rotate ()
{
  local i=$1 j k=${#NAMES[@]}
  ORDER=()
  for ((j = 0; j < k; j++)); do ORDER+=("${NAMES[(i + j) % k]}"); done
}

# stats KEY [DIVISOR]: "median p25 p75" (values / DIVISOR), or nothing.
stats ()
{
  tr ' ' '\n' <<<"${SAMPLES[$1]:-}" | grep . | sort -n | awk -v d="${2:-1}" '
    { v[NR] = $1 }
    function q(p) { i = int(p * (NR - 1) + 0.5) + 1; return f(v[i] / d) }
    function f(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x) }
    END { if (NR) printf "%s %s %s %d\n", q(0.5), q(0.25), q(0.75), NR }'
}

median () { local m _; read -r m _ <<<"$(stats "$1" "${2:-1}")"; echo "${m:-}"; }

ratio ()
{
  [[ -n $1 && -n $2 ]] || { echo -; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

# ---------------------------------------------------------------- bundles

ROOTFS=$W/rootfs
mkdir -p "$ROOTFS"/{bin,dev,etc,proc,sys,tmp}
cp /bin/busybox "$ROOTFS/bin/busybox"
for c in sh true sleep; do ln -s busybox "$ROOTFS/bin/$c"; done
runc spec --bundle "$W" >/dev/null 2>&1 || die "runc spec failed"
mv "$W/config.json" "$W/base.json"

# bundle NAME JQ-FILTER: a bundle dir sharing the rootfs.
bundle ()
{
  mkdir -p "$W/$1"
  jq --arg root "$ROOTFS" ".root.path = \$root | .process.terminal = false | $2" \
    "$W/base.json" >"$W/$1/config.json" || die "bundle $1"
}
bundle true '.process.args = ["/bin/true"]'
bundle sleep '.process.args = ["/bin/sleep", "100000"]'

# ---------------------------------------------------------------- scenarios

warm_up ()
{
  local rt
  for rt in "${NAMES[@]}"; do
    rtc "$rt" run --bundle "$W/true" "$P-warm-$rt" </dev/null >/dev/null 2>&1
    rtc "$rt" delete --force "$P-warm-$rt" >/dev/null 2>&1
  done
}

scenario_run ()
{
  local i rt
  for ((i = 0; i < ITERATIONS; i++)); do
    rotate "$i"
    for rt in "${ORDER[@]}"; do
      timed run "$rt" rtc "$rt" run --bundle "$W/true" "$P-run-$i" \
        || rtc "$rt" delete --force "$P-run-$i" >/dev/null 2>&1
    done
  done
}

# kill returns before the init has died: delete is retried (up to 1 s)
# while the container still counts as running.
cycle_once ()
{
  local rt=$1 id=$2 i
  rtc "$rt" create --bundle "$W/sleep" "$id" && rtc "$rt" start "$id" \
    && rtc "$rt" kill "$id" KILL || return 1
  for ((i = 0; i < 100; i++)); do
    rtc "$rt" delete "$id" 2>/dev/null && return 0
    sleep 0.01
  done
  rtc "$rt" delete "$id"
}

scenario_cycle ()
{
  local i rt
  for ((i = 0; i < ITERATIONS; i++)); do
    rotate "$i"
    for rt in "${ORDER[@]}"; do
      timed cycle "$rt" cycle_once "$rt" "$P-cyc-$i" \
        || rtc "$rt" delete --force "$P-cyc-$i" >/dev/null 2>&1
    done
  done
}

start_sleeper ()
{
  local rt=$1 id=$2
  shift 2
  rtc "$rt" "$@" create --bundle "$W/sleep" "$id" </dev/null >/dev/null 2>"$W/err" \
    && rtc "$rt" "$@" start "$id" </dev/null >/dev/null 2>>"$W/err"
}

scenario_exec ()
{
  local i rt
  for rt in "${NAMES[@]}"; do
    start_sleeper "$rt" "$P-exec" || failed exec "$rt"
  done
  for ((i = 0; i < ITERATIONS; i++)); do
    rotate "$i"
    for rt in "${ORDER[@]}"; do
      timed exec "$rt" rtc "$rt" exec "$P-exec" /bin/true
    done
  done
  for rt in "${NAMES[@]}"; do
    rtc "$rt" delete --force "$P-exec" >/dev/null 2>&1
  done
}

# Peak RSS (KiB) with GNU time: the maximum over the runtime process and
# the descendants it waited for (for "run" that includes the container).
scenario_rss ()
{
  local i rt kb
  for ((i = 0; i < ITERATIONS; i++)); do
    rotate "$i"
    for rt in "${ORDER[@]}"; do
      if /usr/bin/time -f '%M' -o "$W/rss" "${BIN[$rt]}" --root "$W/root-$rt" \
        run --bundle "$W/true" "$P-rss-$i" </dev/null >/dev/null 2>"$W/err"; then
        kb=$(tail -n 1 "$W/rss")
        record rss "$rt" "$kb"
      else
        failed rss "$rt"
        rtc "$rt" delete --force "$P-rss-$i" >/dev/null 2>&1
      fi
    done
  done
}

# CPU time (ms, perf's task-clock: every process of the tree, kernel work
# included) of "run", less sensitive than wall time to a busy machine.
scenario_cpu ()
{
  local i rt ms
  if ! command -v perf >/dev/null; then
    echo "note: perf missing (apt-get install linux-perf): cpu left out"
    return 0
  fi
  for ((i = 0; i < ITERATIONS; i++)); do
    rotate "$i"
    for rt in "${ORDER[@]}"; do
      if perf stat -x, -e task-clock -o "$W/cpu" -- "${BIN[$rt]}" \
        --root "$W/root-$rt" run --bundle "$W/true" "$P-cpu-$i" \
        </dev/null >/dev/null 2>"$W/err"; then
        ms=$(awk -F, '$3 ~ /task-clock/ { print $1 }' "$W/cpu")
        [[ -n $ms ]] && record cpu "$rt" "$(awk -v m="$ms" 'BEGIN { printf "%d", m * 1000 }')"
      else
        failed cpu "$rt"
        rtc "$rt" delete --force "$P-cpu-$i" >/dev/null 2>&1
      fi
    done
  done
}

# spawn_many RUNTIME ROOT-SUFFIX N: create N sleeping containers, 8 at a
# time; with START=1 also start them.
spawn_many ()
{
  local rt=$1 root="$W/root-$1$2" n=$3
  seq 1 "$n" | xargs -P 8 -I{} "${BIN[$rt]}" --root "$root" create \
    --bundle "$W/sleep" "$P-m{}" >/dev/null 2>"$W/err" || return 1
  [[ ${START:-} == 1 ]] || return 0
  seq 1 "$n" | xargs -P 8 -I{} "${BIN[$rt]}" --root "$root" start "$P-m{}" \
    >/dev/null 2>"$W/err"
}

delete_many ()
{
  local rt=$1 root="$W/root-$1$2" n=$3
  seq 1 "$n" | xargs -P 8 -I{} timeout 30 "${BIN[$rt]}" --root "$root" \
    delete --force "$P-m{}" >/dev/null 2>&1
  delete_all "$rt" "$2"
}

scenario_parallel ()
{
  local i rt
  for ((i = 0; i < ROUNDS; i++)); do
    rotate "$i"
    for rt in "${ORDER[@]}"; do
      timed parallel "$rt" spawn_many "$rt" -par 100
      delete_many "$rt" -par 100
    done
  done
}

scenario_list ()
{
  local i rt n
  for rt in "${NAMES[@]}"; do
    START=1 spawn_many "$rt" -1 1 || failed list1 "$rt"
    START=1 spawn_many "$rt" -100 100 || failed list100 "$rt"
  done
  for ((i = 0; i < ITERATIONS; i++)); do
    rotate "$i"
    for rt in "${ORDER[@]}"; do
      for n in 1 100; do
        timed "list$n" "$rt" "${BIN[$rt]}" --root "$W/root-$rt-$n" list
        timed "state$n" "$rt" "${BIN[$rt]}" --root "$W/root-$rt-$n" state "$P-m1"
      done
    done
  done
  for rt in "${NAMES[@]}"; do
    delete_many "$rt" -1 1
    delete_many "$rt" -100 100
  done
}

# runs_with RUNTIME BUNDLE-FILTER: does /bin/true run (exit 0) with it?
runs_with ()
{
  local rt=$1 id="$P-lim-$RANDOM" st
  bundle "lim-$rt" ".process.args = [\"/bin/true\"] | $2"
  timeout 30 "${BIN[$rt]}" --root "$W/root-$rt" run --bundle "$W/lim-$rt" "$id" \
    </dev/null >/dev/null 2>"$W/err"
  st=$?
  ((st == 0)) || rtc "$rt" delete --force "$id" >/dev/null 2>&1
  return $st
}

mem_ok () { runs_with "$1" ".linux.resources.memory = {limit: $2}"; }

# Bisect the smallest limit (32 KiB steps, 128 KiB .. 64 MiB) that runs.
smallest_memory ()
{
  local rt=$1 lo=$((128 << 10)) hi=$((64 << 20)) step=$((32 << 10)) mid
  if mem_ok "$rt" "$lo"; then
    echo "$((lo >> 10))"
    return
  fi
  if ! mem_ok "$rt" "$hi"; then
    echo ">$((hi >> 10))"
    return
  fi
  while ((hi - lo > step)); do
    mid=$(((lo + hi) / 2 / step * step))
    ((mid > lo)) || mid=$((lo + step))
    if mem_ok "$rt" "$mid"; then hi=$mid; else lo=$mid; fi
  done
  # Confirm once (OOM near the edge can be noisy).
  mem_ok "$rt" "$hi" || hi=$((hi + step))
  echo "$((hi >> 10))"
}

scenario_memlimit ()
{
  local rt
  for rt in "${NAMES[@]}"; do
    NOTE[memlimit/$rt]=$(smallest_memory "$rt")
    if runs_with "$rt" '.linux.resources.pids = {limit: 1}'; then
      NOTE[pids1/$rt]=works
    else
      NOTE[pids1/$rt]="fails: $(head -c 120 "$W/err" | tr '\n' ' ')"
    fi
  done
}

# A seccomp profile of 300 rules, one syscall each, default errno: the
# names every runtime needs after loading the filter first, then the
# unconditional allow list of the containers profile (if installed).
make_profile ()
{
  local src=/usr/share/containers/seccomp.json
  {
    printf '%s\n' execve execveat exit exit_group brk mmap munmap mprotect \
      arch_prctl set_tid_address set_robust_list rseq rt_sigaction \
      rt_sigprocmask rt_sigreturn sigaltstack read write close fstat \
      newfstatat openat getpid gettid getppid capget capset prctl futex \
      fcntl dup2 dup3 getuid geteuid getgid getegid setgroups setresuid \
      setresgid setuid setgid nanosleep clock_nanosleep sched_yield tgkill \
      getrandom epoll_pwait epoll_ctl epoll_create1 pipe2 write writev \
      madvise mincore getdents64 lseek readlinkat faccessat2 statx
    [[ -r $src ]] && jq -r '.syscalls[] | select(.action == "SCMP_ACT_ALLOW"
      and (.args | length) == 0 and (.includes | length) == 0
      and (.excludes | length) == 0) | .names[]' "$src"
    for ((i = 0; i < 300; i++)); do echo "fake_syscall_$i"; done
  } | awk '!seen[$0]++' | head -n 300 | jq -R . | jq -s '{
    defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
    architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    syscalls: map({names: [.], action: "SCMP_ACT_ALLOW"})}' >"$W/profile.json"
}

build_tool ()
{
  local name=$1
  shift
  # shellcheck disable=SC2046 # the flags are meant to split
  "${CC:-cc}" -O2 -std=gnu11 -I"$TOP" -iquote "$TOP/libocispec" \
    -iquote "$TOP/src/libocirt" "$TOP/bench/$name.c" \
    "$TOP/src/libocirt/libocirt.a" "$TOP/libocispec/libocispec.a" \
    $(pkg-config --cflags --libs "$@") -o "$W/$name" 2>"$W/err"
}

scenario_parse ()
{
  local i rt out
  make_profile
  jq --slurpfile p "$W/profile.json" '.linux.seccomp = $p[0]' "$W/true/config.json" \
    >"$W/seccomp.json"
  mkdir -p "$W/sc" && mv "$W/seccomp.json" "$W/sc/config.json"
  # ocirt in-process figures
  if build_tool parse-bench yajl; then
    "$TOP/bench/make-big-config.sh" "$W/profile.json" >"$W/big.json"
    out=$("$W/parse-bench" "$W/big.json" 2000 2>&1)
    NOTE[parse/big]="$(jq '.linux.seccomp.syscalls | length' "$W/big.json") rules, $out"
  else
    NOTE[parse/big]="parse-bench does not build: $(head -c 200 "$W/err")"
  fi
  if build_tool seccomp-bench yajl libseccomp; then
    jq '.linux.seccomp' "$W/sc/config.json" >"$W/sc-profile.json"
    NOTE[parse/compile]=$("$W/seccomp-bench" "$W/sc-profile.json" 300 2>&1)
    mkdir -p "$W/sc-cache"
    NOTE[parse/cached]=$("$W/seccomp-bench" "$W/sc-profile.json" 300 "$W/sc-cache" 2>&1)
  else
    NOTE[parse/compile]="seccomp-bench does not build: $(head -c 200 "$W/err")"
  fi
  # every runtime: run with and without the profile
  for ((i = 0; i < ITERATIONS; i++)); do
    rotate "$i"
    for rt in "${ORDER[@]}"; do
      timed run-plain "$rt" rtc "$rt" run --bundle "$W/true" "$P-pl-$i" \
        || rtc "$rt" delete --force "$P-pl-$i" >/dev/null 2>&1
      timed run-seccomp "$rt" rtc "$rt" run --bundle "$W/sc" "$P-sc-$i" \
        || rtc "$rt" delete --force "$P-sc-$i" >/dev/null 2>&1
    done
  done
}

# ---------------------------------------------------------------- report

# row LABEL KEY UNIT DIVISOR TARGET: one line of the table.
row ()
{
  local label=$1 key=$2 unit=$3 div=$4 target=$5 rt med p25 p75 n cells=() base
  base=$(median "$key/crun" "$div")
  for rt in ocirt crun runc; do
    read -r med p25 p75 n <<<"$(stats "$key/$rt" "$div")"
    if [[ -n ${BIN[$rt]:-} && -n ${med:-} ]]; then
      cells+=("$(printf '%s (%s-%s)' "$med" "$p25" "$p75")")
    else
      cells+=(-)
    fi
    med=
  done
  local r
  r=$(ratio "$(median "$key/ocirt" "$div")" "$base")
  printf '| %-30s | %-4s | %-22s | %-22s | %-22s | %-6s | %-6s | %-4s |\n' \
    "$label" "$unit" "${cells[@]}" "$r" "$target" "$(verdict "$r" "$target")"
}

verdict ()
{
  local r=$1 t=$2
  [[ $t == - || $r == - ]] && { echo -; return; }
  awk -v r="$r" -v t="${t#<=}" 'BEGIN { print (r <= t) ? "yes" : "NO" }'
}

report ()
{
  local rt k s f1 f2
  echo
  echo "ocirt benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "command: bench/run.sh -n $ITERATIONS -r $ROUNDS ${SCENARIOS[*]}"
  for rt in "${NAMES[@]}"; do
    echo "  $rt: ${BIN[$rt]#"$TOP/"} ($("${BIN[$rt]}" --version 2>/dev/null | head -n 1))"
  done
  echo
  echo "Medians with p25-p75 in parentheses; ratio = ocirt median / crun median."
  echo
  printf '| %-30s | %-4s | %-22s | %-22s | %-22s | %-6s | %-6s | %-4s |\n' \
    scenario unit ocirt crun runc "o/crun" target met
  echo "|--------------------------------|------|------------------------|------------------------|------------------------|--------|--------|------|"
  for s in "${SCENARIOS[@]}"; do
    case $s in
      run) row "run /bin/true" run ms 1000 "<=0.7" ;;
      cycle) row "create+start+kill+delete" cycle ms 1000 "<=0.7" ;;
      exec) row "exec /bin/true" exec ms 1000 "<=0.5" ;;
      rss) row "peak RSS during run" rss KiB 1 "<=1.0" ;;
      cpu) row "CPU time of run" cpu ms 1000 - ;;
      list)
        row "list, 1 container" list1 ms 1000 -
        row "list, 100 containers" list100 ms 1000 -
        row "state, 1 container" state1 ms 1000 -
        row "state, 100 containers" state100 ms 1000 -
        ;;
      parallel) row "100 creates, 8 in parallel" parallel ms 1000 - ;;
      parse)
        row "run, no seccomp" run-plain ms 1000 -
        row "run, 300-syscall seccomp" run-seccomp ms 1000 -
        ;;
    esac
  done
  echo
  for s in "${SCENARIOS[@]}"; do
    case $s in
      list)
        for k in list state; do
          printf '%-6s 100/1:' "$k"
          for rt in "${NAMES[@]}"; do
            f1=$(median "${k}1/$rt") f2=$(median "${k}100/$rt")
            printf ' %s %s' "$rt" "$(ratio "$f2" "$f1")"
          done
          f1=$(median "${k}1/ocirt") f2=$(median "${k}100/ocirt")
          echo "   (target ocirt <= 1.5: $(verdict "$(ratio "$f2" "$f1")" "<=1.5"))"
        done
        ;;
      memlimit)
        printf 'smallest memory.limit running /bin/true (KiB):'
        for rt in "${NAMES[@]}"; do printf ' %s %s' "$rt" "${NOTE[memlimit/$rt]:-?}"; done
        f1=${NOTE[memlimit/ocirt]:-}
        if [[ $f1 =~ ^[0-9]+$ ]] && ((f1 <= 512)); then f2=yes; else f2=NO; fi
        echo "   (target ocirt <= 512: $f2)"
        for rt in "${NAMES[@]}"; do echo "pids.limit 1, $rt: ${NOTE[pids1/$rt]:-?}"; done
        ;;
      parse)
        echo "ocirt config parse (make-big-config.sh, 300-syscall profile): ${NOTE[parse/big]:-?}"
        echo "ocirt seccomp compile, uncached: ${NOTE[parse/compile]:-?}"
        echo "ocirt seccomp compile, cached:   ${NOTE[parse/cached]:-?}"
        printf 'extra run time for the profile (ms):'
        for rt in "${NAMES[@]}"; do
          f1=$(median "run-plain/$rt" 1000) f2=$(median "run-seccomp/$rt" 1000)
          [[ -n $f1 && -n $f2 ]] && printf ' %s %s' "$rt" "$(awk -v a="$f2" -v b="$f1" 'BEGIN { printf "%.2f", a - b }')"
        done
        echo
        ;;
    esac
  done
  for k in "${!FAILS[@]}"; do
    echo "failures $k: ${FAILS[$k]}, first error: ${FIRST_ERROR[$k]:-}"
  done
}

# ---------------------------------------------------------------- main

START_TIME=$SECONDS
for s in "${SCENARIOS[@]}"; do
  echo "== $s ($((SECONDS - START_TIME)) s)"
  mount_hugetlb
  [[ $s == parse ]] || warm_up
  "scenario_$s"
  delete_everything
  umount_hugetlb
done
echo "== done ($((SECONDS - START_TIME)) s)"
if [[ -n $OUTPUT ]]; then
  report | tee "$OUTPUT"
else
  report
fi
exit 0
