#!/bin/bash
# podman with ocirt: environment, working directory, hostname, mounts
# (bind rw/ro, tmpfs, named volumes), networks (none, host,
# slirp4netns), pods with shared namespaces, --pid host and joining
# another container's namespaces.  Prints TAP; exits non-zero if a
# scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
. "$SRCDIR/tests/e2e/lib/tap.bash"
. "$SRCDIR/tests/e2e/lib/podman.bash"

podman_begin

env_workdir_hostname ()
{
  local out
  # podman itself refuses a -w that does not exist in the image
  out=$(R -e FOO=bar -e 'SPACED=a b' -w /home/user --hostname box.example "$IMAGE" \
    sh -c 'echo "$FOO|$SPACED"; pwd; hostname; cat /proc/sys/kernel/hostname')
  expect_eq "$out" $'bar|a b\n/home/user\nbox.example\nbox.example' "env, cwd, hostname"
}
t "-e, -w and --hostname" env_workdir_hostname

bind_mounts ()
{
  local out
  mkdir -p "$W/rw" "$W/ro"
  echo host-data >"$W/ro/file"
  out=$(R -v "$W/rw:/rw" -v "$W/ro:/ro:ro" "$IMAGE" sh -c \
    'echo written >/rw/new; cat /ro/file; (echo x >/ro/file) 2>/dev/null; echo ro=$?')
  expect_eq "$out" $'host-data\nro=1' "reads and a refused write" || return 1
  expect_eq "$(cat "$W/rw/new")" written "file written through the rw bind mount" || return 1
  expect_eq "$(cat "$W/ro/file")" host-data "file behind the ro bind mount"
}
t "bind mounts rw and ro" bind_mounts

tmpfs_mount ()
{
  local out
  out=$(R --tmpfs /scratch:rw,size=2m,mode=1777 "$IMAGE" sh -c \
    'awk "\$5 == \"/scratch\" { print \$9 }" /proc/self/mountinfo; stat -c %a /scratch; df -k /scratch | awk "NR == 2 { print \$2 }"')
  expect_eq "$out" $'tmpfs\n1777\n2048' "fs type, mode and size"
}
t "--tmpfs mounts a sized tmpfs" tmpfs_mount

named_volume ()
{
  local out mp
  P volume create vol >/dev/null || return 1
  R -v vol:/data "$IMAGE" sh -c 'echo persisted >/data/f' || return 1
  out=$(R -v vol:/data:ro "$IMAGE" sh -c 'cat /data/f; (touch /data/g) 2>/dev/null; echo $?')
  expect_eq "$out" $'persisted\n1' "data in a second container, read-only" || return 1
  mp=$(P volume inspect -f '{{.Mountpoint}}' vol)
  expect_eq "$(cat "$mp/f")" persisted "the file in the volume's directory" || return 1
  P volume rm vol >/dev/null
}
t "named volume persists across containers" named_volume

network_none ()
{
  local out
  out=$(R "$IMAGE" sh -c 'ls /sys/class/net; readlink /proc/self/ns/net')
  expect_eq "$(sed -n 1p <<<"$out")" lo "interfaces with --network none" || return 1
  [[ $(sed -n 2p <<<"$out") != "$(readlink /proc/self/ns/net)" ]] || fail "host network namespace"
}
t "--network none: only lo, own namespace" network_none

network_host ()
{
  local out
  out=$(P run --rm --network host "$IMAGE" readlink /proc/self/ns/net)
  expect_eq "$out" "$(readlink /proc/self/ns/net)" "network namespace"
}
t "--network host shares the host's namespace" network_host

network_slirp ()
{
  local out
  out=$(P run --rm --network slirp4netns "$IMAGE" sh -c 'ip -o -4 addr show tap0; ip route')
  expect_match "$out" 'tap0 +inet 10\.0\.2\.100/24' "tap0 address" || return 1
  expect_match "$out" 'default via 10\.0\.2\.2' "default route"
}
if command -v slirp4netns >/dev/null; then
  t "--network slirp4netns gives a tap0 with a route" network_slirp
else
  t_skip "--network slirp4netns gives a tap0 with a route" "slirp4netns not installed"
fi

pod_shared ()
{
  local a b
  P pod create --name pd --network none --share ipc,net,uts,pid --hostname podhost >/dev/null || return 1
  P run -d --pod pd --name pd-a "$IMAGE" sh -c 'echo $$ >/dev/shm/a; sleep 1000' >/dev/null || return 1
  out=$(P run --rm --pod pd "$IMAGE" sh -c 'for ns in ipc net uts pid; do readlink /proc/self/ns/$ns; done')
  for ns in ipc net uts pid; do
    a=$(readlink "/proc/$(pid_of pd-a)/ns/$ns")
    grep -qxF "$a" <<<"$out" || fail "$ns namespace not shared ($a; $out)" || return 1
  done
  out=$(P run --rm --pod pd "$IMAGE" sh -c 'hostname; ls /dev/shm; ps -o args | grep -c "^sleep 1000"')
  expect_eq "$out" $'podhost\na\n1' "hostname, shm and processes of the pod" || return 1
  P_rm pod -f -t 0 pd
}
t "a pod shares ipc, net, uts and pid namespaces" pod_shared

pid_host ()
{
  local out
  out=$(R --pid host "$IMAGE" sh -c "readlink /proc/self/ns/pid; test -d /proc/$$ && echo sees-host")
  expect_eq "$out" "$(readlink /proc/self/ns/pid)"$'\nsees-host' "pid namespace and host processes"
}
t "--pid host" pid_host

join_container ()
{
  local out pid ns
  P run -d --network none --name owner --hostname ownerhost "$IMAGE" sleep 1000 >/dev/null || return 1
  pid=$(pid_of owner)
  out=$(R --pid container:owner --ipc container:owner --uts container:owner "$IMAGE" \
    sh -c 'for ns in pid ipc uts; do readlink /proc/self/ns/$ns; done; hostname; ps -o args | grep -c "^sleep 1000"')
  for ns in pid ipc uts; do
    grep -qxF "$(readlink "/proc/$pid/ns/$ns")" <<<"$out" || fail "$ns namespace not joined: $out" || return 1
  done
  expect_eq "$(tail -n2 <<<"$out" | tr '\n' ' ')" "ownerhost 1 " "hostname and the owner's process" || return 1
  out=$(P run --rm --network container:owner "$IMAGE" readlink /proc/self/ns/net)
  expect_eq "$out" "$(readlink "/proc/$pid/ns/net")" "joined network namespace" || return 1
  P_rm -f -t 0 owner
}
t "joining another container's namespaces" join_container

called ()
{
  ocirt_was_called "$CALLS" create start delete
}
t "podman called ocirt (argv log)" called

t_done
