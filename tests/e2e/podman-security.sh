#!/bin/bash
# podman with ocirt: capabilities, --privileged, --read-only, users and
# groups, seccomp, no-new-privileges, masked and read-only paths, user
# namespaces, devices and sysctls, each checked inside the container.
# Prints TAP; exits non-zero if a scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
. "$SRCDIR/tests/e2e/lib/tap.bash"
. "$SRCDIR/tests/e2e/lib/podman.bash"

podman_begin

# caps_in_spec NAME SET: the capability names of the container's config.json
caps_in_spec ()
{
  local cfg
  cfg=$(P inspect -f '{{.OCIConfigPath}}' "$1") || return 1
  jq -r ".process.capabilities.$2[]" "$cfg"
}

default_caps ()
{
  local out want
  P create --network none --name dcaps "$IMAGE" grep -E '^Cap(Eff|Prm|Bnd|Inh|Amb):' /proc/self/status >/dev/null || return 1
  P start -a dcaps >"$W/dcaps.out" || return 1
  want=$(cap_mask $(caps_in_spec dcaps effective))
  [[ $want != 0000000000000000 ]] || fail "no effective capabilities in config.json" || return 1
  for f in CapEff CapPrm CapBnd; do
    expect_eq "$(status_field $f <"$W/dcaps.out")" "$want" "$f" || return 1
  done
  expect_eq "$(status_field CapAmb <"$W/dcaps.out")" 0000000000000000 "CapAmb" || return 1
  P_rm dcaps
}
t "default capabilities match the config" default_caps

cap_drop_add ()
{
  local out rc=0
  out=$(R --cap-drop CHOWN --cap-add NET_ADMIN "$IMAGE" sh -c \
    'grep CapEff /proc/self/status; chown 1000 /tmp 2>&1; echo chown=$?; ip link set lo up; echo ip=$?; ip link show lo')
  [[ $out == *"chown=1"* ]] || fail "chown worked without CAP_CHOWN: $out" || return 1
  [[ $out == *"ip=0"* && $out == *"LOWER_UP"* || $out == *"ip=0"*"UP"* ]] || fail "ip link set lo up failed with NET_ADMIN: $out" || return 1
  out=$(R "$IMAGE" sh -c 'ip link set lo up 2>&1; echo ip=$?')
  [[ $out == *"not permitted"* && $out != *"ip=0"* ]] || fail "ip link set worked without NET_ADMIN: $out"
}
t "--cap-drop and --cap-add change what root can do" cap_drop_add

privileged ()
{
  local out host_bnd
  host_bnd=$(status_field CapBnd </proc/self/status)
  out=$(R --privileged "$IMAGE" sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status; ls /dev/loop-control; mount | grep " /sys " ')
  expect_eq "$(status_field CapEff <<<"$out")" "$host_bnd" "CapEff (the host's bounding set)" || return 1
  expect_eq "$(status_field Seccomp <<<"$out")" 0 "seccomp mode" || return 1
  [[ $out == *"/dev/loop-control"* ]] || fail "host devices missing: $out" || return 1
  [[ $out == *"(rw,"* ]] || fail "/sys not writable: $out"
}
t "--privileged: all capabilities, host devices, no seccomp" privileged

read_only ()
{
  local out
  out=$(R --read-only "$IMAGE" sh -c 'touch /x 2>&1; echo root=$?; touch /tmp/x && echo tmp=ok')
  [[ $out == *"Read-only file system"*"root=1"* ]] || fail "root writable: $out" || return 1
  [[ $out == *"tmp=ok"* ]] || fail "/tmp not writable: $out"
}
t "--read-only makes the root read-only" read_only

user_groups ()
{
  local out
  out=$(R --user 1000:1000 --group-add 2000 "$IMAGE" sh -c 'id -u; id -g; id -G; touch /root/x 2>/dev/null || echo denied')
  expect_eq "$out" $'1000\n1000\n1000 2000\ndenied' "ids and access"
}
t "--user and --group-add" user_groups

seccomp_default ()
{
  local out
  out=$(R "$IMAGE" grep -E '^Seccomp:' /proc/self/status)
  expect_eq "$(status_field Seccomp <<<"$out")" 2 "seccomp mode with the default profile" || return 1
  out=$(R --security-opt seccomp=unconfined "$IMAGE" grep -E '^Seccomp:' /proc/self/status)
  expect_eq "$(status_field Seccomp <<<"$out")" 0 "seccomp mode when unconfined"
}
t "default seccomp profile is loaded (and not when unconfined)" seccomp_default

seccomp_custom ()
{
  local out
  cat >"$W/seccomp.json" <<'EOS'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
EOS
  out=$(R --security-opt seccomp="$W/seccomp.json" "$IMAGE" sh -c 'mkdir /tmp/d 2>&1; echo rc=$?; touch /tmp/f && echo touch=ok')
  [[ $out == *"Function not implemented"*"rc=1"* ]] || fail "mkdir not denied with ENOSYS: $out" || return 1
  [[ $out == *"touch=ok"* ]] || fail "other syscalls denied: $out"
}
t "custom seccomp profile denies mkdir" seccomp_custom

no_new_privs ()
{
  local out
  out=$(R --security-opt no-new-privileges "$IMAGE" grep NoNewPrivs /proc/self/status)
  expect_eq "$(status_field NoNewPrivs <<<"$out")" 1 "NoNewPrivs" || return 1
  out=$(R "$IMAGE" grep NoNewPrivs /proc/self/status)
  expect_eq "$(status_field NoNewPrivs <<<"$out")" 0 "NoNewPrivs by default"
}
t "no-new-privileges" no_new_privs

masked_paths ()
{
  local out
  out=$(R "$IMAGE" sh -c 'stat -c "%t:%T" /proc/keys; ls -A /sys/firmware | wc -l
    (echo x >/proc/sys/kernel/domainname) 2>/dev/null; echo $?
    awk "\$5 == \"/proc/sys\" || \$5 == \"/proc/bus\" { print \$5, \$6 }" /proc/self/mountinfo')
  expect_eq "$(sed -n 1p <<<"$out")" "1:3" "/proc/keys is /dev/null" || return 1
  expect_eq "$(sed -n 2p <<<"$out")" 0 "entries in /sys/firmware" || return 1
  expect_eq "$(sed -n 3p <<<"$out")" 1 "status of a write to /proc/sys" || return 1
  expect_match "$(sed -n 4,5p <<<"$out" | sort | tr '\n' ' ')" '^/proc/bus ro,[^ ]* /proc/sys ro,' "read-only /proc/bus and /proc/sys"
}
t "masked and read-only paths" masked_paths

userns ()
{
  local out pid huid
  P run -d --network none --name uns --uidmap 0:200000:65536 --gidmap 0:200000:65536 "$IMAGE" sleep 1000 >/dev/null || return 1
  out=$(P exec uns sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u')
  expect_match "$(sed -n 1p <<<"$out")" '^ *0 +200000 +65536$' "uid_map" || return 1
  expect_match "$(sed -n 2p <<<"$out")" '^ *0 +200000 +65536$' "gid_map" || return 1
  expect_eq "$(sed -n 3p <<<"$out")" 0 "uid inside" || return 1
  pid=$(pid_of uns)
  huid=$(stat -c %u "/proc/$pid")
  expect_eq "$huid" 200000 "owner of the process on the host" || return 1
  P_rm -f -t 0 uns
}
t "--uidmap/--gidmap run the container in a user namespace" userns

device ()
{
  local out pid
  P run -d --network none --name dev --device /dev/zero:/dev/myzero "$IMAGE" sleep 1000 >/dev/null || return 1
  out=$(P exec dev sh -c 'stat -c "%F %t:%T" /dev/myzero; head -c 4 /dev/myzero | od -An -tx1')
  expect_eq "$(sed -n 1p <<<"$out")" "character special file 1:5" "the device node" || return 1
  expect_match "$(sed -n 2p <<<"$out")" '^ *00 00 00 00$' "reading it" || return 1
  pid=$(pid_of dev)
  grep -qx 'c 1:5 rwm' "$(cgroup_dir_of "$pid" devices)/devices.list" || fail "c 1:5 not allowed in the devices cgroup" || return 1
  P_rm -f -t 0 dev
}
t "--device adds the node and allows it in the devices cgroup" device

sysctl ()
{
  local out host
  host=$(cat /proc/sys/net/ipv4/ip_forward)
  out=$(R --sysctl net.ipv4.ip_forward=$((1 - host)) --sysctl kernel.msgmax=12345 "$IMAGE" \
    cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax)
  expect_eq "$out" "$((1 - host))"$'\n12345' "sysctls inside" || return 1
  expect_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host" "the host's ip_forward"
}
t "--sysctl sets namespaced sysctls" sysctl

called ()
{
  ocirt_was_called "$CALLS" create start delete
}
t "podman called ocirt (argv log)" called

t_done
