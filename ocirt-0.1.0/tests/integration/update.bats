#!/usr/bin/env bats
# ocirt update: runc's flags and --resources JSON, read back from the
# host's cgroup files.

load helpers

CG=/sys/fs/cgroup

setup ()
{
  ocirt_setup
  [[ -e $CG/memory/cgroup.procs && -e $CG/cpu/cgroup.procs ]] \
    || skip "needs v1 memory and cpu hierarchies"
  CGPATH=/ocirt-test-$$-$BATS_TEST_NUMBER
  make_bundle "$BUNDLE"
  update_config ".linux.cgroupsPath = \"$CGPATH\"
    | .linux.resources.memory = {\"limit\": 67108864, \"swap\": 134217728}
    | .linux.resources.pids = {\"limit\": 100}"
  ID=$(new_id)
  start_container "$ID"
}

teardown ()
{
  local dir
  ocirt_teardown
  for dir in $CG/*"${CGPATH:-/nonexistent}"; do
    [[ -d $dir ]] && rmdir "$dir" 2>/dev/null
  done
  return 0
}

cgval ()
{
  cat "$CG/$1$CGPATH/$2"
}

@test "update changes memory, cpu, cpuset and pids with runc's flags" {
  run ocirt update --memory 100m --memory-swap 200M --memory-reservation 10m \
    --cpu-shares 300 --cpu-quota 20000 --cpu-period 50000 \
    --cpu-rt-period 900000 --cpu-rt-runtime 500 \
    --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 50 "$ID"
  assert_success
  assert_equal "$(cgval memory memory.limit_in_bytes)" 104857600
  assert_equal "$(cgval memory memory.memsw.limit_in_bytes)" 209715200
  assert_equal "$(cgval memory memory.soft_limit_in_bytes)" 10485760
  assert_equal "$(cgval cpu cpu.shares)" 300
  assert_equal "$(cgval cpu cpu.cfs_quota_us)" 20000
  assert_equal "$(cgval cpu cpu.cfs_period_us)" 50000
  assert_equal "$(cgval cpu cpu.rt_period_us)" 900000
  assert_equal "$(cgval cpu cpu.rt_runtime_us)" 500
  assert_equal "$(cgval cpuset cpuset.cpus)" 0
  assert_equal "$(cgval pids pids.max)" 50
}

@test "update lowers memory below the old swap limit in the right order" {
  run ocirt update --memory 32m --memory-swap 48m "$ID"
  assert_success
  assert_equal "$(cgval memory memory.limit_in_bytes)" 33554432
  assert_equal "$(cgval memory memory.memsw.limit_in_bytes)" 50331648
  # and raises both above the old ones
  run ocirt update --memory 512m --memory-swap 1g "$ID"
  assert_success
  assert_equal "$(cgval memory memory.limit_in_bytes)" 536870912
  assert_equal "$(cgval memory memory.memsw.limit_in_bytes)" 1073741824
}

@test "update --resources reads LinuxResources JSON from a file and stdin" {
  cat >"$BATS_TEST_TMPDIR/r.json" <<'END'
{"memory": {"limit": 50331648}, "cpu": {"shares": 700}, "pids": {"limit": -1}}
END
  run ocirt update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
  assert_success
  assert_equal "$(cgval memory memory.limit_in_bytes)" 50331648
  assert_equal "$(cgval cpu cpu.shares)" 700
  assert_equal "$(cgval pids pids.max)" max

  run ocirt update --resources - "$ID" <<<'{"pids": {"limit": 7}}'
  assert_success
  assert_equal "$(cgval pids pids.max)" 7
}

@test "a value the kernel refuses names the file and the value" {
  run ocirt update --memory 1024 "$ID"
  assert_failure
  assert_output --partial 'write "memory.limit_in_bytes" = "1024": Device or resource busy'
}

@test "update rejects bad values, bad JSON and stopped containers" {
  run ocirt update --memory 12x "$ID"
  assert_failure
  assert_output --partial 'invalid value "12x" for --memory'

  run ocirt update -r - "$ID" <<<'{"memory": {"limit": "big"}}'
  assert_failure

  run ocirt update --l3-cache-schema "L3:0=f" "$ID"
  assert_failure

  ocirt kill "$ID" KILL
  wait_for_status "$ID" stopped
  run ocirt update --pids-limit 5 "$ID"
  assert_failure
  assert_output --partial 'it is stopped'
}

@test "update --blkio-weight names the missing kernel file" {
  [[ -e $CG/blkio/cgroup.procs ]] || skip "no v1 blkio hierarchy"
  run ocirt update --blkio-weight 300 "$ID"
  if [[ -e $CG/blkio/blkio.weight || -e $CG/blkio/blkio.bfq.weight ]]; then
    assert_success
  else
    assert_failure
    assert_output --partial 'write "blkio.weight" = "300"'
  fi
}
