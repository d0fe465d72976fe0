#!/usr/bin/env bats
# Faults: the runtime SIGKILLed at random points of create, start, exec
# and delete; corrupt, truncated or missing state; a dead init; a full
# disk and a read-only state root.  Afterwards `delete -f` and `list`
# work and nothing is left: no state directory, cgroup, mount or process.

load helpers

setup ()
{
  ocirt_setup
  make_bundle "$BUNDLE"
}

teardown ()
{
  local mnt
  ocirt_teardown
  for mnt in "$BATS_TEST_TMPDIR/tiny" "$BATS_TEST_TMPDIR/ro"; do
    if grep -qF " $mnt " /proc/self/mountinfo; then
      umount -l "$mnt"
    fi
  done
  return 0
}

# A random delay of 0-30 ms, as a sleep argument.
rand_delay ()
{
  printf '0.%03d' $((RANDOM % 31))
}

# killed_at ARG...: ocirt ARG... in the background, SIGKILLed after a
# random delay (if still running).
killed_at ()
{
  "$OCIRT" --root "$OCIRT_ROOT" "$@" </dev/null >/dev/null 2>&1 3>&- &
  local pid=$!
  sleep "$(rand_delay)"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# recover_and_check ID: delete -f works (or the container is already
# gone), list works, nothing of ID is left.
recover_and_check ()
{
  local id=$1 i
  run ocirt delete -f "$id"
  if ((status != 0)); then
    [[ $output == *"does not exist"* ]] || fail "delete -f $id: $output"
  fi
  run ocirt list
  assert_success
  [[ $output != *"$id"* ]] || fail "$id still listed: $output"
  [[ ! -e $OCIRT_ROOT/$id ]] || fail "state directory of $id left"
  # the cgroup goes once its last process is reaped
  for ((i = 0; i < 40; i++)); do
    [[ -z $(cgroup_dirs_of "$id") ]] && break
    sleep 0.05
  done
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroup of $id left: $(cgroup_dirs_of "$id")"
  ! grep -qF "$BUNDLE/" /proc/self/mountinfo || fail "mount under $BUNDLE left"
}

@test "SIGKILL during create at 100 random points leaves nothing after delete -f" {
  local i id
  for ((i = 0; i < 100; i++)); do
    id=$(new_id)
    killed_at create --bundle "$BUNDLE" "$id"
    recover_and_check "$id"
  done
}

@test "SIGKILL during start at 30 random points: delete -f recovers" {
  local i id
  update_config '.process.args = ["true"]'
  for ((i = 0; i < 30; i++)); do
    id=$(new_id)
    create_container "$id" || fail "create $id"
    killed_at start "$id"
    recover_and_check "$id"
  done
}

@test "SIGKILL during exec at 40 random points: the container lives on" {
  local i id
  id=$(new_id)
  start_container "$id"
  for ((i = 0; i < 40; i++)); do
    killed_at exec "$id" sh -c 'sleep 0.02'
  done
  assert_equal "$(container_status "$id")" running
  run ocirt exec "$id" true
  assert_success
  recover_and_check "$id"
}

@test "SIGKILL during delete at 30 random points: delete -f recovers" {
  local i id
  for ((i = 0; i < 30; i++)); do
    id=$(new_id)
    start_container "$id"
    killed_at delete -f "$id"
    recover_and_check "$id"
  done
}

@test "a truncated or corrupt state.json gives a clear error; delete -f recovers" {
  local id content
  for content in '{"id":"x","pid":1' '' 'garbage' '{"id":"x"}' '[]' \
    "$(printf '[%.0s' $(seq 50000))"; do
    id=$(new_id)
    start_container "$id"
    printf '%s' "$content" >"$OCIRT_ROOT/$id/state.json"
    run ocirt state "$id"
    assert_equal "$status" 1
    assert_output --partial "$id"
    assert_output --partial "state"
    run ocirt list
    assert_success
    run ocirt delete "$id"
    assert_equal "$status" 1
    recover_and_check "$id"
  done
}

@test "a missing state.json (list shows creating) is removed by delete -f" {
  local id
  id=$(new_id)
  start_container "$id"
  rm "$OCIRT_ROOT/$id/state.json"
  run ocirt list
  assert_success
  assert_output --partial creating
  recover_and_check "$id"
}

@test "a missing exec fifo: start fails clearly, delete -f recovers" {
  local id
  id=$(new_id)
  create_container "$id" || fail "create"
  rm -f "$OCIRT_ROOT/$id/exec.fifo"
  run ocirt start "$id"
  assert_equal "$status" 1
  [[ -n $output ]] || fail "no message"
  recover_and_check "$id"
}

@test "an init that died: state says stopped, delete works" {
  local id pid
  id=$(new_id)
  create_container "$id" || fail "create"
  pid=$(container_pid "$id")
  kill -9 "$pid"
  wait_for_status "$id" stopped
  run ocirt start "$id"
  assert_equal "$status" 1
  run ocirt delete "$id"
  assert_success
  recover_and_check "$id"
}

@test "a full disk under --root gives a clear error; delete -f recovers" {
  local mnt=$BATS_TEST_TMPDIR/tiny id
  mkdir -p "$mnt"
  mount -t tmpfs -o size=64k tmpfs "$mnt" || skip "cannot mount a tmpfs"
  # fill it up, less a little: the state directory may or may not fit
  dd if=/dev/zero of="$mnt/filler" bs=1k count=62 2>/dev/null || true
  id=$(new_id)
  run ocirt --root "$mnt/state" create --bundle "$BUNDLE" "$id" </dev/null
  if ((status == 0)); then
    # the state fit after all: it must work normally
    ocirt --root "$mnt/state" delete -f "$id"
  else
    assert_equal "$status" 1
    assert_output --partial "ocirt"
    [[ $output != *Sanitizer* ]] || fail "$output"
  fi
  run ocirt --root "$mnt/state" delete -f "$id"
  run ocirt --root "$mnt/state" list -q
  assert_success
  assert_output ""
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroup of $id left"
  umount "$mnt"
}

@test "a read-only --root gives a clear error and creates nothing" {
  local ro=$BATS_TEST_TMPDIR/ro id
  mkdir -p "$ro"
  mount -t tmpfs -o size=1m,ro tmpfs "$ro" || skip "cannot mount a tmpfs"
  id=$(new_id)
  run ocirt --root "$ro/state" create --bundle "$BUNDLE" "$id" </dev/null
  assert_equal "$status" 1
  assert_output --partial "Read-only"
  run ocirt --root "$ro/state" list
  assert_success
  run ocirt --root "$ro/state" delete -f "$id"
  assert_equal "$status" 1
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroup of $id left"
  umount "$ro"
}
