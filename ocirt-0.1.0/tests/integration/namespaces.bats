#!/usr/bin/env bats
# Namespaces: created, inherited, joined by path; user and time
# namespaces; hostname and domainname.

load helpers

ns_link ()
{
  readlink "/proc/$1/ns/$2"
}

@test "each configured namespace is a new one" {
  requires cgroupns
  make_bundle "$BUNDLE"
  update_config '.linux.namespaces = [{"type": "pid"}, {"type": "network"},
    {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]'
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  local ns
  for ns in pid net ipc uts mnt cgroup; do
    [[ $(ns_link "$pid" $ns) != "$(ns_link self $ns)" ]] \
      || fail "$ns namespace shared with the host"
  done
  for ns in user time; do
    [[ -e /proc/self/ns/$ns ]] || continue
    assert_equal "$(ns_link "$pid" $ns)" "$(ns_link self $ns)"
  done
}

@test "namespaces not listed are the runtime's" {
  make_bundle "$BUNDLE"
  update_config '.linux.namespaces = [{"type": "mount"}] | del(.hostname, .domainname)'
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  local ns
  for ns in pid net ipc uts; do
    assert_equal "$(ns_link "$pid" $ns)" "$(ns_link self $ns)"
  done
  [[ $(ns_link "$pid" mnt) != "$(ns_link self mnt)" ]]
}

@test "inside the namespaces: pid 1, only lo, a private cgroup root" {
  requires cgroupns
  make_bundle "$BUNDLE" sh -c 'echo pid=$$; ls /sys/class/net; cat /proc/self/cgroup'
  update_config '.linux.namespaces = [{"type": "pid"}, {"type": "network"},
    {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line pid=1
  assert_line lo
  refute_line --regexp '^(eth|ens|enp|veth|wl)'
  # with a cgroup namespace every hierarchy has the container at its root
  local cg_lines
  cg_lines=$(grep -c '^[0-9]*:[^:]*:' <<<"$output")
  ((cg_lines > 0))
  refute_line --regexp '^[0-9]+:[^:]*:/.+'
}

@test "mounts in the container do not show on the host" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  start_container "$id"
  run grep -F -- "$BUNDLE/rootfs" /proc/self/mountinfo
  assert_failure
}

@test "a namespace is joined by path" {
  make_bundle "$BUNDLE"
  ida=$(new_id)
  start_container "$ida"
  pida=$(container_pid "$ida")

  BUNDLE=$BATS_TEST_TMPDIR/b2
  make_bundle "$BUNDLE"
  update_config --arg net "/proc/$pida/ns/net" --arg uts "/proc/$pida/ns/uts" \
    '.linux.namespaces = [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"},
       {"type": "network", "path": $net}, {"type": "uts", "path": $uts}]
     | del(.hostname)'
  idb=$(new_id)
  start_container "$idb"
  pidb=$(container_pid "$idb")
  local ns
  for ns in net uts; do
    assert_equal "$(ns_link "$pidb" $ns)" "$(ns_link "$pida" $ns)"
  done
  [[ $(ns_link "$pidb" net) != "$(ns_link self net)" ]]
  [[ $(ns_link "$pidb" ipc) != "$(ns_link "$pida" ipc)" ]]
}

@test "a namespace path of the wrong type is an error" {
  make_bundle "$BUNDLE"
  ida=$(new_id)
  start_container "$ida"
  pida=$(container_pid "$ida")

  BUNDLE=$BATS_TEST_TMPDIR/b2
  make_bundle "$BUNDLE"
  update_config --arg p "/proc/$pida/ns/uts" \
    '.linux.namespaces |= map(select(.type != "network"))
     | .linux.namespaces += [{"type": "network", "path": $p}]'
  idb=$(new_id)
  run create_container "$idb"
  assert_failure
  run ocirt state "$idb"
  assert_failure
  [[ ! -e $OCIRT_ROOT/$idb ]]
}

@test "a namespace path that does not exist is an error" {
  make_bundle "$BUNDLE"
  update_config '.linux.namespaces |= map(select(.type != "network"))
     | .linux.namespaces += [{"type": "network", "path": "/proc/0/ns/net"}]'
  id=$(new_id)
  run create_container "$id"
  assert_failure
  run ocirt state "$id"
  assert_failure
}

@test "a namespace type listed twice is an error" {
  make_bundle "$BUNDLE"
  update_config '.linux.namespaces += [{"type": "ipc"}, {"type": "ipc"}]'
  id=$(new_id)
  run create_container "$id"
  assert_failure
}

@test "user namespace with uid and gid mappings" {
  requires userns
  make_bundle "$BUNDLE" sh -c 'echo uid=$(id -u) gid=$(id -g); exec sleep 3600'
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  id=$(new_id)
  start_container "$id"
  wait_for_file "$BATS_TEST_TMPDIR/$id.out" uid=
  run container_output "$id"
  assert_output "uid=0 gid=0"
  pid=$(container_pid "$id")
  [[ $(ns_link "$pid" user) != "$(ns_link self user)" ]]
  assert_equal "$(status_field "$pid" Uid)" "100000 100000 100000 100000"
  assert_equal "$(status_field "$pid" Gid)" "100000 100000 100000 100000"
  assert_equal "$(awk '{ print $1, $2, $3 }' "/proc/$pid/uid_map")" "0 100000 65536"
  assert_equal "$(awk '{ print $1, $2, $3 }' "/proc/$pid/gid_map")" "0 100000 65536"
}

@test "time namespace offsets" {
  requires timens
  make_bundle "$BUNDLE" sh -c 'cat /proc/uptime; cat /proc/self/timens_offsets'
  update_config '.linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0},
                            "boottime": {"secs": 86400, "nanosecs": 0}}'
  local before after inside
  before=$(cut -d' ' -f1 /proc/uptime)
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  after=$(cut -d' ' -f1 /proc/uptime)
  assert_success
  assert_line --regexp '^monotonic +86400 +0$'
  assert_line --regexp '^boottime +86400 +0$'
  # /proc/uptime follows CLOCK_BOOTTIME
  inside=$(head -n1 <<<"$output" | cut -d' ' -f1)
  run awk -v b="$before" -v a="$after" -v i="$inside" \
    'BEGIN { exit !(i >= b + 86400 && i <= a + 86400) }'
  assert_success
}

@test "hostname and domainname are set in the new UTS namespace" {
  make_bundle "$BUNDLE" sh -c 'hostname; cat /proc/sys/kernel/domainname'
  update_config '.hostname = "ocirt-test-host" | .domainname = "ocirt.example"
    | .linux.namespaces |= (map(select(.type != "uts")) + [{"type": "uts"}])'
  local host_name
  host_name=$(hostname)
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line --index 0 ocirt-test-host
  assert_line --index 1 ocirt.example
  assert_equal "$(hostname)" "$host_name"
}
