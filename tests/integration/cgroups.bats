#!/usr/bin/env bats
# cgroup resources (linux.resources) read back from the host's cgroup
# files; pause/resume, ps, events; cgroup removal on delete.

load helpers

CG=/sys/fs/cgroup

setup ()
{
  ocirt_setup
  CGN=0
  CG_PATHS_FILE=$BATS_TEST_TMPDIR/cgpaths
  : >"$CG_PATHS_FILE"
  HUGETLB_WAS=$(cat $CG/unified/cgroup.subtree_control 2>/dev/null || true)
}

teardown ()
{
  local p dir i
  ocirt_teardown
  # Containers are gone: remove any cgroup directory a failed test left.
  while read -r p; do
    for dir in $CG/*"$p"; do
      [[ -d $dir ]] && rmdir "$dir" 2>/dev/null
    done
  done <"$CG_PATHS_FILE"
  # Leave the host's v2 root as it was (hugetlb tests enable hugetlb).
  if [[ -e $CG/unified/cgroup.subtree_control ]] \
    && ! grep -qw hugetlb <<<"$HUGETLB_WAS"; then
    # (EBUSY while removed cgroups are still dying)
    for ((i = 0; i < 40; i++)); do
      echo -hugetlb >$CG/unified/cgroup.subtree_control 2>/dev/null && break
      sleep 0.05
    done
  fi
  return 0
}

# A unique absolute cgroupsPath, remembered for teardown.
new_cgpath ()
{
  CGN=$((CGN + 1))
  CGPATH=/ocirt-test-$$-$BATS_TEST_NUMBER-$CGN
  echo "$CGPATH" >>"$CG_PATHS_FILE"
}

# bundle_with RESOURCES-JSON [ARG...]: $BUNDLE with linux.resources set
# (merged over the default device rules) and a fresh cgroupsPath.
bundle_with ()
{
  local res=$1
  shift
  new_cgpath
  BUNDLE=$BATS_TEST_TMPDIR/bundle-$CGN
  make_bundle "$BUNDLE" "$@"
  update_config ".linux.cgroupsPath = \"$CGPATH\"
    | .linux.resources = (.linux.resources + $res)"
}

# cgval CONTROLLER FILE: the file in the container's cgroup.
cgval ()
{
  cat "$CG/$1$CGPATH/$2"
}

has_v1 ()
{
  [[ -e $CG/$1/cgroup.procs ]] && ! [[ -e $CG/$1/cgroup.controllers ]]
}

@test "memory resources are written to the v1 memory files" {
  has_v1 memory || skip "no v1 memory hierarchy"
  bundle_with '{"memory": {"limit": 67108864, "reservation": 33554432,
    "swap": 134217728, "swappiness": 10, "kernelTCP": 16777216,
    "disableOOMKiller": true}}'
  id=$(new_id)
  create_container "$id"
  assert_equal "$(cgval memory memory.limit_in_bytes)" 67108864
  assert_equal "$(cgval memory memory.soft_limit_in_bytes)" 33554432
  assert_equal "$(cgval memory memory.memsw.limit_in_bytes)" 134217728
  assert_equal "$(cgval memory memory.swappiness)" 10
  assert_equal "$(cgval memory memory.kmem.tcp.limit_in_bytes)" 16777216
  run grep -x "oom_kill_disable 1" "$CG/memory$CGPATH/memory.oom_control"
  assert_success
}

@test "cpu and cpuset resources are written" {
  has_v1 cpu || skip "no v1 cpu hierarchy"
  bundle_with '{"cpu": {"shares": 512, "quota": 50000, "period": 100000,
    "realtimePeriod": 1000000, "realtimeRuntime": 1000, "cpus": "0",
    "mems": "0", "burst": 1000, "idle": 0}}'
  id=$(new_id)
  create_container "$id"
  assert_equal "$(cgval cpu cpu.shares)" 512
  assert_equal "$(cgval cpu cpu.cfs_quota_us)" 50000
  assert_equal "$(cgval cpu cpu.cfs_period_us)" 100000
  assert_equal "$(cgval cpu cpu.rt_period_us)" 1000000
  assert_equal "$(cgval cpu cpu.rt_runtime_us)" 1000
  assert_equal "$(cgval cpu cpu.cfs_burst_us)" 1000
  assert_equal "$(cgval cpuset cpuset.cpus)" 0
  assert_equal "$(cgval cpuset cpuset.mems)" 0
}

@test "cpu quota -1 means no limit" {
  has_v1 cpu || skip "no v1 cpu hierarchy"
  bundle_with '{"cpu": {"quota": -1}}'
  id=$(new_id)
  create_container "$id"
  assert_equal "$(cgval cpu cpu.cfs_quota_us)" -1
}

@test "pids.limit is written, -1 as max" {
  has_v1 pids || skip "no v1 pids hierarchy"
  bundle_with '{"pids": {"limit": 100}}'
  id=$(new_id)
  create_container "$id"
  assert_equal "$(cgval pids pids.max)" 100
  ocirt delete -f "$id"
  bundle_with '{"pids": {"limit": -1}}'
  id=$(new_id)
  create_container "$id"
  assert_equal "$(cgval pids pids.max)" max
}

@test "hugepage limits go to the hugetlb controller" {
  [[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]] || skip "no 2MB pages"
  bundle_with '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
  id=$(new_id)
  create_container "$id"
  if has_v1 hugetlb; then
    assert_equal "$(cgval hugetlb hugetlb.2MB.limit_in_bytes)" 4194304
  else
    assert_equal "$(cgval unified hugetlb.2MB.max)" 4194304
  fi
}

@test "an invalid hugepage size is refused" {
  bundle_with '{"hugepageLimits": [{"pageSize": "../2MB", "limit": 1}]}'
  id=$(new_id)
  run create_container "$id"
  assert_failure
  assert_output --partial 'invalid hugepage size "../2MB"'
}

@test "blockIO throttles are written; a missing weight file is named" {
  has_v1 blkio || skip "no v1 blkio hierarchy"
  dev=$(cat /sys/block/*/dev | head -1)
  bundle_with "{\"blockIO\": {
    \"throttleReadBpsDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 1048576}],
    \"throttleWriteIOPSDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 300}]}}"
  id=$(new_id)
  create_container "$id"
  assert_equal "$(cgval blkio blkio.throttle.read_bps_device)" "$dev 1048576"
  assert_equal "$(cgval blkio blkio.throttle.write_iops_device)" "$dev 300"
  ocirt delete -f "$id"

  bundle_with '{"blockIO": {"weight": 500}}'
  id=$(new_id)
  if [[ -e $CG/blkio/blkio.weight || -e $CG/blkio/blkio.bfq.weight ]]; then
    create_container "$id"
    run cat "$CG/blkio$CGPATH/blkio.weight" "$CG/blkio$CGPATH/blkio.bfq.weight"
    assert_output --partial 500
  else
    run create_container "$id"
    assert_failure
    assert_output --partial 'write "blkio.weight" = "500"'
  fi
}

@test "network resources need net_cls; unified needs the v2 controller" {
  has_v1 net_cls && skip "net_cls is mounted here"
  bundle_with '{"network": {"classID": 1048577}}'
  id=$(new_id)
  run create_container "$id"
  assert_failure
  assert_output --partial 'cgroup controller "net_cls" is not mounted'

  has_v1 memory || skip "no v1 memory hierarchy"
  bundle_with '{"unified": {"memory.max": "1000000"}}'
  id=$(new_id)
  run create_container "$id"
  assert_failure
  assert_output --partial 'unified "memory.max"'
}

@test "devices: allowed ones open, others are denied, rules in order" {
  has_v1 devices || skip "no v1 devices hierarchy"
  bundle_with '{"devices": [{"allow": false, "access": "rwm"},
      {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]}' \
    sh -c 'echo x >/dev/null && echo null-ok;
           echo ocirt-device-test >/dev/kmsg && echo kmsg-ok;
           cat /dev/mem1 2>&1 >/dev/null | grep -q "not permitted" && echo mem-denied'
  update_config '.linux.devices = [
      {"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438},
      {"path": "/dev/mem1", "type": "c", "major": 1, "minor": 1, "fileMode": 438}]'
  id=$(new_id)
  create_container "$id"
  assert_equal "$(head -1 "$CG/devices$CGPATH/devices.list")" "c 1:11 w"
  ocirt start "$id"
  wait_for_status "$id" stopped
  run container_output "$id"
  assert_line null-ok
  assert_line kmsg-ok
  assert_line mem-denied
}

@test "pause freezes every process, resume thaws them" {
  bundle_with '{}' sh -c 'sleep 3600 & exec sleep 3600'
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  run ocirt resume "$id"
  assert_failure
  assert_output --partial 'it is running, not paused'

  run ocirt pause "$id"
  assert_success
  assert_equal "$(container_status "$id")" paused
  # list derives the status its own way (one freezer read per entry)
  run ocirt list --format json
  assert_success
  assert_equal "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .status' <<<"$output")" paused
  if has_v1 freezer; then
    assert_equal "$(cgval freezer freezer.state)" FROZEN
  fi
  for p in $(cat "$CG/pids$CGPATH/cgroup.procs"); do
    # a frozen task sleeps in the freezer (D) whatever it was doing
    [[ $(status_field "$p" State) == D* ]] || fail "pid $p not frozen"
  done
  run ocirt pause "$id"
  assert_failure
  assert_output --partial 'it is paused, not running'

  run ocirt resume "$id"
  assert_success
  assert_equal "$(container_status "$id")" running
  run ocirt list --format json
  assert_equal "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .status' <<<"$output")" running
  [[ $(status_field "$pid" State) == S* ]] || fail "pid $pid not thawed"
}

@test "pausing a created or stopped container fails" {
  bundle_with '{}' true
  id=$(new_id)
  create_container "$id"
  run ocirt pause "$id"
  assert_failure
  ocirt start "$id"
  wait_for_status "$id" stopped
  run ocirt pause "$id"
  assert_failure
  assert_output --partial stopped
}

@test "a paused container can be deleted with --force" {
  bundle_with '{}'
  id=$(new_id)
  start_container "$id"
  ocirt pause "$id"
  run ocirt delete -f "$id"
  assert_success
  [[ ! -d $CG/pids$CGPATH ]] || fail "cgroup left"
}

@test "ps lists the container's processes" {
  bundle_with '{}' sh -c 'sleep 3600 & exec sleep 3601'
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  for ((i = 0; i < 40; i++)); do
    [[ $(ocirt ps -f json "$id" | jq length) == 2 ]] && break
    sleep 0.05
  done
  run ocirt ps --format json "$id"
  assert_success
  run jq -e --argjson p "$pid" 'length == 2 and (index($p) != null)' <<<"$output"
  assert_success

  run ocirt ps "$id"
  assert_success
  assert_line --index 0 --regexp '^UID +PID'
  assert_line --regexp "^root +$pid .*sleep 3601"
  assert_equal "${#lines[@]}" 3

  run ocirt ps "$id" -o pid,comm
  assert_success
  assert_line --regexp "^ *$pid sleep$"
}

@test "events --stats prints runc's stats JSON" {
  bundle_with '{"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
  id=$(new_id)
  start_container "$id"
  run ocirt events --stats "$id"
  assert_success
  run jq -e --arg id "$id" '.type == "stats" and .id == $id
      and (.data | has("cpu") and has("memory") and has("pids")
           and has("blkio") and has("hugetlb"))
      and .data.pids.current == 1 and .data.pids.limit == 50
      and .data.memory.usage.limit == 67108864
      and .data.memory.usage.usage > 0
      and (.data.cpu.usage.kernel | type == "number")' <<<"$output"
  assert_success
}

@test "events reports an OOM kill and ends with the container" {
  bundle_with '{"memory": {"limit": 10485760, "swap": 10485760}}' \
    sh -c 'sleep 1; tail /dev/zero; sleep 1'
  id=$(new_id)
  create_container "$id"
  ocirt events --interval 200ms "$id" >"$BATS_TEST_TMPDIR/events" &
  evpid=$!
  ocirt start "$id"
  wait_pid "$evpid" 30
  run grep -c '"type":"stats"' "$BATS_TEST_TMPDIR/events"
  [[ $output -ge 1 ]] || fail "no stats event"
  run jq -c --arg id "$id" 'select(.type == "oom")' "$BATS_TEST_TMPDIR/events"
  assert_output "{\"type\":\"oom\",\"id\":\"$id\"}"
}

@test "the cgroups are gone after delete" {
  bundle_with '{"memory": {"limit": 67108864}}'
  id=$(new_id)
  start_container "$id"
  run find $CG -maxdepth 2 -name "${CGPATH#/}"
  [[ ${#lines[@]} -ge 2 ]] || fail "cgroups not created: $output"
  ocirt delete -f "$id"
  run find $CG -maxdepth 2 -name "${CGPATH#/}"
  assert_output ""
}

@test "a container with a 512 KiB memory limit runs /bin/true" {
  # AddressSanitizer's shadow memory alone is larger than the limit
  [[ -z ${OCIRT_SANITIZED:-} ]] || skip "ocirt is built with sanitizers"
  bundle_with '{"memory": {"limit": 524288}}' true
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
}

@test "a container with pids.limit 1 runs /bin/true" {
  bundle_with '{"pids": {"limit": 1}}' true
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
}
