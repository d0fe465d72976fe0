#!/bin/bash
# podman with ocirt: resource limits, checked in the host's cgroup files
# and inside the container: memory and OOM kill, pids, cpu, cpuset,
# podman update, ulimits, oom_score_adj, /dev/shm size, cgroup
# namespaces.  Prints TAP; exits non-zero if a scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
. "$SRCDIR/tests/e2e/lib/tap.bash"
. "$SRCDIR/tests/e2e/lib/podman.bash"

podman_begin

# cg NAME CONTROLLER FILE: a cgroup file of a running container
cg ()
{
  local pid
  pid=$(pid_of "$1") || return 1
  cat "$(cgroup_dir_of "$pid" "$2")/$3"
}

memory_limit ()
{
  local v
  P run -d --network none --name mem --memory 64m --memory-swap 64m "$IMAGE" sleep 1000 >/dev/null || return 1
  v=$(cg mem memory memory.limit_in_bytes 2>/dev/null || cg mem memory memory.max)
  expect_eq "$v" $((64 << 20)) "memory limit in the host cgroup" || return 1
  P_rm -f -t 0 mem
}
t "--memory sets the cgroup limit" memory_limit

oom_kill ()
{
  local rc=0
  rm -f "$W/oom"
  # a 16 MiB limit and a shell that grows a string without end
  P run --network none --name oom --memory 16m --memory-swap 16m "$IMAGE" \
    sh -c 'x=y; while :; do x=$x$x; done' >/dev/null 2>&1 || rc=$?
  expect_eq "$rc" 137 "exit status of the OOM-killed container" || return 1
  # conmon 2.1.6 saw the OOM event of the container's memory cgroup: it
  # writes "oom" into its working directory, where podman 4.3 does not
  # look, so State.OOMKilled stays false here (with runc and crun too)
  [[ -e $W/oom ]] || fail "conmon saw no OOM event (no oom file)" || return 1
  P_rm oom
}
t "--memory: OOM kill is reported" oom_kill

pids_limit ()
{
  local v out
  P run -d --network none --name pids --pids-limit 20 "$IMAGE" sleep 1000 >/dev/null || return 1
  v=$(cg pids pids pids.max)
  expect_eq "$v" 20 "pids.max" || return 1
  # forking past the limit fails inside
  out=$(P exec pids sh -c 'for i in $(seq 40); do sleep 10 & done 2>&1; wait' 2>&1)
  expect_match "$out" "(Resource temporarily unavailable|can't fork|fork)" "fork beyond the limit" || return 1
  P_rm -f -t 0 pids
}
t "--pids-limit caps the number of processes" pids_limit

cpu_limits ()
{
  local quota period shares
  P run -d --network none --name cpu --cpus 0.5 --cpu-shares 512 "$IMAGE" sleep 1000 >/dev/null || return 1
  quota=$(cg cpu cpu cpu.cfs_quota_us)
  period=$(cg cpu cpu cpu.cfs_period_us)
  shares=$(cg cpu cpu cpu.shares)
  expect_eq "$((quota * 2))" "$period" "quota is half the period ($quota/$period)" || return 1
  expect_eq "$shares" 512 "cpu.shares" || return 1
  P_rm -f -t 0 cpu
}
t "--cpus and --cpu-shares set the cfs quota and shares" cpu_limits

cpuset ()
{
  local v out
  P run -d --network none --name cset --cpuset-cpus 0 "$IMAGE" sleep 1000 >/dev/null || return 1
  v=$(cg cset cpuset cpuset.cpus)
  expect_eq "$v" 0 "cpuset.cpus" || return 1
  out=$(P exec cset grep Cpus_allowed_list /proc/self/status | awk '{ print $2 }')
  expect_eq "$out" 0 "cpus allowed inside" || return 1
  P_rm -f -t 0 cset
}
t "--cpuset-cpus pins the container" cpuset

update ()
{
  local v
  P run -d --network none --name upd --memory 64m --cpu-shares 512 "$IMAGE" sleep 1000 >/dev/null || return 1
  P update --memory 96m --memory-swap 96m --cpu-shares 256 upd >/dev/null || return 1
  v=$(cg upd memory memory.limit_in_bytes)
  expect_eq "$v" $((96 << 20)) "memory limit after update" || return 1
  expect_eq "$(cg upd cpu cpu.shares)" 256 "cpu.shares after update" || return 1
  grep -qE '(^| )update --resources[= ]' "$CALLS" || fail "ocirt update --resources was not called" || return 1
  P_rm -f -t 0 upd
}
t "podman update changes the cgroup limits" update

ulimit_opt ()
{
  local out
  # any --ulimit replaces podman's default_ulimits: nproc must stay
  # within this machine's hard limit
  out=$(R --ulimit nofile=512:1024 --ulimit core=0:0 --ulimit "nproc=$NPROC:$NPROC" "$IMAGE" sh -c 'ulimit -Sn; ulimit -Hn; ulimit -c')
  expect_eq "$out" $'512\n1024\n0' "nofile soft/hard and core"
}
t "--ulimit sets rlimits" ulimit_opt

oom_score_adj ()
{
  local out
  out=$(R --oom-score-adj 321 "$IMAGE" cat /proc/self/oom_score_adj)
  expect_eq "$out" 321 "oom_score_adj"
}
t "--oom-score-adj" oom_score_adj

shm_size ()
{
  local out
  out=$(R --shm-size 7m "$IMAGE" sh -c "df -k /dev/shm | awk 'NR == 2 { print \$2 }'")
  expect_eq "$out" 7168 "size of /dev/shm in KiB"
}
t "--shm-size sizes /dev/shm" shm_size

cgroupns ()
{
  local out host
  out=$(R --cgroupns private "$IMAGE" sh -c 'cat /proc/self/cgroup; readlink /proc/self/ns/cgroup')
  host=$(readlink /proc/self/ns/cgroup)
  ! grep -q "$host" <<<"$out" || fail "same cgroup namespace as the host" || return 1
  # in its own namespace the container's cgroup is the root
  grep -qE '^[0-9]+:memory:/$' <<<"$out" || grep -qE '^0::/$' <<<"$out" || fail "cgroup paths: $out" || return 1
  out=$(R --cgroupns host "$IMAGE" readlink /proc/self/ns/cgroup)
  expect_eq "$out" "$host" "--cgroupns host"
}
t "--cgroupns private and host" cgroupns

called ()
{
  ocirt_was_called "$CALLS" create start update delete
}
t "podman called ocirt (argv log)" called

t_done
