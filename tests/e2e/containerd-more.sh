#!/bin/bash
# containerd (ctr --runc-binary) with ocirt: limits, security options,
# environment and working directory, mounts, namespaces, user
# namespaces, logging, devices and --no-pivot, each checked inside the
# container or in the host's cgroup files.  Prints TAP; exits non-zero
# if a scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
. "$SRCDIR/tests/e2e/lib/tap.bash"
. "$SRCDIR/tests/e2e/lib/containerd.bash"

containerd_begin

memory_oom ()
{
  local rc=0 pid dir
  CR -d --memory-limit $((16 << 20)) "$IMAGE" mem sleep 1000 >/dev/null || return 1
  pid=$(task_pid mem)
  dir=$(cgroup_dir_of "$pid" memory)
  expect_eq "$(cat "$dir/memory.limit_in_bytes")" $((16 << 20)) "memory.limit_in_bytes" || return 1
  # an exec joins the cgroup: it grows until the kernel kills it.  (The
  # shim's /tasks/oom event does not come on this host, with runc
  # neither: its cgroup v1 loader fails here.)
  C tasks exec --exec-id hog mem sh -c 'x=y; while :; do x=$x$x; done' >/dev/null 2>&1 || rc=$?
  expect_eq "$rc" 137 "exit status of the OOM-killed exec" || return 1
  grep -qE '^oom_kill [1-9]' "$dir/memory.oom_control" || fail "no oom_kill in $dir/memory.oom_control" || return 1
  expect_eq "$(task_status mem)" RUNNING "the task after its exec was killed" || return 1
  rm_task mem
  rc=0
  CR --rm --memory-limit $((16 << 20)) "$IMAGE" oom sh -c 'x=y; while :; do x=$x$x; done' >/dev/null 2>&1 || rc=$?
  expect_eq "$rc" 137 "exit status of the OOM-killed task"
}
t "memory limit and OOM kill" memory_oom

cpu_limits ()
{
  local pid dir
  CR -d --cpus 0.5 --cpu-shares 256 "$IMAGE" cpu sleep 1000 >/dev/null || return 1
  pid=$(task_pid cpu)
  dir=$(cgroup_dir_of "$pid" cpu)
  expect_eq "$(cat "$dir/cpu.cfs_quota_us")" 50000 "cfs quota" || return 1
  expect_eq "$(cat "$dir/cpu.cfs_period_us")" 100000 "cfs period" || return 1
  expect_eq "$(cat "$dir/cpu.shares")" 256 "cpu.shares" || return 1
  rm_task cpu
}
t "--cpus and --cpu-shares" cpu_limits

capabilities ()
{
  local out want
  CR -d --cap-drop CAP_CHOWN --cap-add CAP_NET_ADMIN "$IMAGE" caps sleep 1000 >/dev/null || return 1
  want=$(cap_mask $(jq -r '.process.capabilities.effective[]' "$(bundle_config caps)"))
  out=$(C tasks exec --exec-id e caps sh -c 'grep CapEff /proc/self/status; chown 1000 /tmp 2>/dev/null; echo chown=$?; ip link set lo up; echo ip=$?')
  expect_eq "$(status_field CapEff <<<"$out")" "$want" "CapEff of the exec" || return 1
  jq -e '.process.capabilities.effective | index("CAP_KILL") and (index("CAP_CHOWN") | not)' \
    "$(bundle_config caps)" >/dev/null || fail "config.json: not the defaults minus CAP_CHOWN" || return 1
  [[ $out == *"chown=1"* ]] || fail "chown worked without CAP_CHOWN: $out" || return 1
  [[ $out == *"ip=0"* ]] || fail "ip link failed with CAP_NET_ADMIN: $out" || return 1
  out=$(grep CapEff "/proc/$(task_pid caps)/status" | status_field CapEff)
  expect_eq "$out" "$want" "CapEff of the init" || return 1
  rm_task caps
}
t "capabilities: defaults, --cap-drop, --cap-add" capabilities

privileged ()
{
  local out
  out=$(CR --rm --privileged "$IMAGE" priv sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status; ls /dev/loop-control')
  expect_eq "$(status_field CapEff <<<"$out")" "$(status_field CapBnd </proc/self/status)" "CapEff" || return 1
  [[ $out == *"/dev/loop-control"* ]] || fail "host devices missing: $out"
}
t "--privileged: all capabilities and host devices" privileged

read_only ()
{
  local out
  out=$(CR --rm --read-only "$IMAGE" ro sh -c '(touch /x) 2>/dev/null; echo root=$?; touch /dev/shm/y && echo shm=ok')
  expect_eq "$out" $'root=1\nshm=ok' "writes to / and /dev/shm"
}
t "--read-only" read_only

env_cwd ()
{
  local out
  out=$(CR --rm --env FOO=bar --cwd /home/user "$IMAGE" envcwd sh -c 'echo $FOO; pwd')
  expect_eq "$out" $'bar\n/home/user' "env and cwd" || return 1
  # a missing cwd is created, as runc does
  out=$(CR --rm --cwd /does/not/exist "$IMAGE" newcwd pwd 2>&1)
  expect_eq "$out" /does/not/exist "missing cwd"
}
t "--env and --cwd (a missing cwd is created)" env_cwd

seccomp ()
{
  local out
  out=$(CR --rm --seccomp "$IMAGE" sc grep Seccomp: /proc/self/status)
  expect_eq "$(status_field Seccomp <<<"$out")" 2 "seccomp mode with --seccomp" || return 1
  cat >"$W/seccomp.json" <<'EOS'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOS
  out=$(CR --rm --seccomp --seccomp-profile "$W/seccomp.json" "$IMAGE" scp sh -c 'mkdir /tmp/d 2>&1; touch /tmp/f && echo touch=ok')
  [[ $out == *"Operation not permitted"*"touch=ok"* ]] || fail "custom profile: $out"
}
t "--seccomp and --seccomp-profile" seccomp

bind_mounts ()
{
  local out
  mkdir -p "$W/rw" "$W/ro"
  echo host-data >"$W/ro/file"
  out=$(CR --rm --mount "type=bind,src=$W/rw,dst=/rw,options=rbind:rw" \
    --mount "type=bind,src=$W/ro,dst=/ro,options=rbind:ro" "$IMAGE" bm \
    sh -c 'echo written >/rw/new; cat /ro/file; (echo x >/ro/file) 2>/dev/null; echo ro=$?')
  expect_eq "$out" $'host-data\nro=1' "reads and a refused write" || return 1
  expect_eq "$(cat "$W/rw/new")" written "file written through the rw mount"
}
t "bind mounts rw and ro" bind_mounts

net_host ()
{
  local out
  out=$(CR --rm --net-host "$IMAGE" nh readlink /proc/self/ns/net)
  expect_eq "$out" "$(readlink /proc/self/ns/net)" "network namespace" || return 1
  out=$(CR --rm "$IMAGE" nn sh -c 'readlink /proc/self/ns/net; ls /sys/class/net')
  [[ $(sed -n 1p <<<"$out") != "$(readlink /proc/self/ns/net)" ]] || fail "own namespace by default" || return 1
  expect_eq "$(sed -n 2p <<<"$out")" lo "interfaces by default"
}
t "--net-host, and a private network by default" net_host

with_ns ()
{
  local pid out
  CR -d "$IMAGE" nsowner sleep 1000 >/dev/null || return 1
  pid=$(task_pid nsowner)
  out=$(CR --rm --with-ns "network:/proc/$pid/ns/net" --with-ns "ipc:/proc/$pid/ns/ipc" "$IMAGE" nsjoin \
    sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc')
  expect_eq "$out" "$(readlink "/proc/$pid/ns/net")"$'\n'"$(readlink "/proc/$pid/ns/ipc")" "joined namespaces" || return 1
  rm_task nsowner
}
t "--with-ns joins another task's namespaces" with_ns

userns ()
{
  local out pid
  CR -d --uidmap 0:300000:65536 --gidmap 0:300000:65536 "$IMAGE" uns sleep 1000 >/dev/null || return 1
  pid=$(task_pid uns)
  out=$(C tasks exec --exec-id e uns sh -c 'cat /proc/self/uid_map; id -u')
  expect_match "$(sed -n 1p <<<"$out")" '^ *0 +300000 +65536$' "uid_map" || return 1
  expect_eq "$(sed -n 2p <<<"$out")" 0 "uid inside" || return 1
  expect_eq "$(stat -c %u "/proc/$pid")" 300000 "owner on the host" || return 1
  rm_task uns
}
t "--uidmap/--gidmap" userns

log_uri ()
{
  local rc=0
  CR --rm --log-uri "file://$W/task.log" "$IMAGE" lg sh -c 'echo to-log; exit 2' >/dev/null 2>&1 || rc=$?
  expect_eq "$rc" 2 "exit status" || return 1
  grep -q to-log "$W/task.log" || fail "output not in the log file: $(cat "$W/task.log" 2>&1)"
}
t "--log-uri file:// gets the output" log_uri

device ()
{
  local out pid
  CR -d --device /dev/fuse "$IMAGE" dev sleep 1000 >/dev/null || return 1
  out=$(C tasks exec --exec-id e dev stat -c '%F %t:%T' /dev/fuse)
  expect_eq "$out" "character special file a:e5" "node in the container" || return 1
  pid=$(task_pid dev)
  grep -qx 'c 10:229 rwm' "$(cgroup_dir_of "$pid" devices)/devices.list" || fail "10:229 not allowed in the devices cgroup" || return 1
  rm_task dev
}
t "--device adds the node and allows it" device

no_pivot ()
{
  local out
  out=$(CR --rm --no-pivot "$IMAGE" np sh -c 'ls /bin/busybox; cat /etc/passwd | head -n1')
  expect_eq "$out" $'/bin/busybox\nroot:x:0:0:root:/root:/bin/sh' "the container's root" || return 1
  grep -qE 'create .*--no-pivot' "$CALLS" || fail "ocirt create without --no-pivot"
}
t "--no-pivot" no_pivot

called ()
{
  ocirt_was_called "$CALLS" create start exec kill delete
}
t "the shim called ocirt (argv log)" called

t_done
