#!/usr/bin/env bats
# linux.intelRdt against the resctrl filesystem.

load helpers

resctrl_mount ()
{
  awk '$9 == "resctrl" { print $5; exit }' /proc/self/mountinfo
}

@test "intelRdt without a mounted resctrl fails create with the cause and leaves nothing" {
  [[ -n $(resctrl_mount) ]] && skip "resctrl is mounted here: the error path does not apply"
  make_bundle "$BUNDLE" true
  update_config '.linux.intelRdt = {"closID": "ocirt-test", "l3CacheSchema": "L3:0=f"}'
  id=$(new_id)
  run ocirt run --bundle "$BUNDLE" "$id" </dev/null
  assert_failure
  assert_output --partial "intelRdt is set, but the resctrl filesystem is not mounted"
  run ocirt list -q
  refute_output --partial "$id"
  [[ -z $(cgroup_dirs_of "$id") ]]
}

@test "intelRdt puts the container in its CLOS with the schemata" {
  mnt=$(resctrl_mount)
  [[ -n $mnt ]] || skip "resctrl is not mounted (this kernel has $(grep -c resctrl /proc/filesystems) resctrl filesystems; the CPU needs RDT)"
  make_bundle "$BUNDLE" sleep 3600
  id=$(new_id)
  update_config '.linux.intelRdt = {"closID": "'"$id"'", "enableMonitoring": true}'
  start_container "$id"
  pid=$(container_pid "$id")
  grep -qx "$pid" "$mnt/$id/tasks"
  grep -qx "$pid" "$mnt/$id/mon_groups/$id/tasks"
  ocirt delete -f "$id"
  [[ ! -e $mnt/$id ]]
}

@test "update --l3-cache-schema without a mounted resctrl fails naming the cause" {
  [[ -n $(resctrl_mount) ]] && skip "resctrl is mounted here: the error path does not apply"
  make_bundle "$BUNDLE" sleep 3600
  id=$(new_id)
  start_container "$id"
  run ocirt update --l3-cache-schema "L3:0=f" "$id"
  assert_failure
  assert_output --partial "resctrl filesystem is not mounted"
  run ocirt update --mem-bw-schema "MB:0=50" "$id"
  assert_failure
  assert_output --partial "resctrl filesystem is not mounted"
}
