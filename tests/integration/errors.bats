#!/usr/bin/env bats
# Error cases: bad ids, unknown ids, bad arguments, and no leftovers when
# create fails.

load helpers

# Nothing of a failed create may remain: state, cgroups, mounts of the
# bundle, processes.
assert_no_leftovers ()
{
  local id=$1 bundle=$2 p root
  run ocirt state "$id"
  assert_failure
  [[ ! -e $OCIRT_ROOT/$id ]] || fail "state dir $OCIRT_ROOT/$id left"
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroups left: $(cgroup_dirs_of "$id")"
  ! grep -F -- "$bundle" /proc/self/mountinfo || fail "mounts of the bundle left"
  for p in /proc/[0-9]*; do
    root=$(readlink "$p/root" 2>/dev/null) || continue
    [[ $root != "$bundle"* ]] || fail "process ${p#/proc/} left in the bundle"
    if grep -qF -- "$id" "$p/cgroup" 2>/dev/null; then
      fail "process ${p#/proc/} left in a cgroup of $id"
    fi
  done
}

@test "invalid container ids are rejected and create nothing" {
  make_bundle "$BUNDLE" true
  local long bad
  long=$(printf 'a%.0s' {1..1025})
  for bad in . .. a/b ../x 'a b' 'a:b' 'é' '' "$long" 'a*'; do
    run ocirt_bg create --bundle "$BUNDLE" -- "$bad"
    assert_failure
    run ocirt_bg run --bundle "$BUNDLE" -- "$bad"
    assert_failure
  done
  run ls -A "$OCIRT_ROOT"
  assert_output ""
}

@test "ids of letters, digits, _ . + - are accepted" {
  make_bundle "$BUNDLE"
  id="$(new_id)_A.b+c-9"
  echo "$id" >>"$TEST_IDS_FILE"
  run create_container "$id"
  assert_success
  assert_equal "$(container_status "$id")" created
  run ocirt delete -f "$id"
  assert_success
}

@test "each verb fails on an unknown id and names it" {
  local verb id=does-not-exist-$$
  for verb in start state delete kill; do
    run ocirt "$verb" "$id"
    assert_failure
    assert_output --partial "$id"
  done
  for verb in pause resume ps events; do
    run ocirt "$verb" "$id"
    assert_failure
  done
  run ocirt exec "$id" true
  assert_failure
}

@test "verbs without their id argument fail" {
  local verb
  for verb in create start state delete kill run; do
    run ocirt_bg "$verb"
    assert_failure
  done
  run ocirt start a b
  assert_failure
}

@test "unknown commands and options fail" {
  run ocirt no-such-command
  assert_failure
  run "$OCIRT" --no-such-option list
  assert_failure
  run ocirt list --no-such-option
  assert_failure
}

@test "create of an existing id fails and leaves the first container alone" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  create_container "$id"
  pid=$(container_pid "$id")
  BUNDLE=$BATS_TEST_TMPDIR/b2
  make_bundle "$BUNDLE"
  run create_container "$id"
  assert_failure
  assert_equal "$(container_status "$id")" created
  assert_equal "$(container_pid "$id")" "$pid"
  assert_equal "$(state_json "$id" | jq -r .bundle)" "$BATS_TEST_TMPDIR/bundle"
}

@test "create without a config.json fails and creates nothing" {
  mkdir -p "$BUNDLE"
  id=$(new_id)
  run ocirt_bg create --bundle "$BUNDLE" "$id"
  assert_failure
  assert_no_leftovers "$id" "$BUNDLE"
  run ocirt_bg create --bundle "$BATS_TEST_TMPDIR/nonexistent" "$id"
  assert_failure
  assert_no_leftovers "$id" "$BATS_TEST_TMPDIR/nonexistent"
}

@test "create with malformed JSON fails and creates nothing" {
  make_bundle "$BUNDLE"
  echo '{"ociVersion": "1.3.0", "process": {' >"$BUNDLE/config.json"
  id=$(new_id)
  run ocirt_bg create --bundle "$BUNDLE" "$id"
  assert_failure
  assert_no_leftovers "$id" "$BUNDLE"
}

@test "create with a missing rootfs fails and creates nothing" {
  make_bundle "$BUNDLE"
  update_config '.root.path = "no-such-rootfs"'
  id=$(new_id)
  run create_container "$id"
  assert_failure
  assert_no_leftovers "$id" "$BUNDLE"
}

@test "a late create failure (mount source missing) leaves nothing behind" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  update_config --arg cg "/$id" '.linux.cgroupsPath = $cg
    | .mounts += [{"destination": "/mnt", "type": "bind",
                   "source": "/nonexistent/source", "options": ["bind"]}]'
  run create_container "$id"
  assert_failure
  assert_no_leftovers "$id" "$BUNDLE"
  local ctrl
  for ctrl in /sys/fs/cgroup/*/; do
    [[ ! -e $ctrl$id ]] || fail "cgroup $ctrl$id left"
  done
}

@test "an early init failure always reaches the user as the init's message" {
  # The init fails at its mounts and exits while a message of the runtime
  # may still be unread in its socket: the runtime's next receive then
  # fails once with ECONNRESET ahead of the init's error message, which
  # was lost in about 1 run of 30 before that was handled.
  local src=$BATS_TEST_TMPDIR/src i lost=0
  mkdir -p "$src"
  make_bundle "$BUNDLE" true
  update_config --arg s "$src" '.mounts += [{"destination": "/mnt/i", "type": "bind",
    "source": $s, "options": ["bind", "idmap"]}]'
  for ((i = 0; i < 50; i++)); do
    run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
    assert_failure
    [[ $output == *'idmapped mount on "/mnt/i" without uidMappings'* ]] || {
      lost=$((lost + 1))
      echo "# run $i: $output" >&3
    }
  done
  ((lost == 0)) || fail "the init's message was lost in $lost of 50 runs"
}

@test "a failing createRuntime hook leaves nothing behind" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  update_config --arg cg "/$id" '.linux.cgroupsPath = $cg
    | .hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}]'
  run create_container "$id"
  assert_failure
  assert_no_leftovers "$id" "$BUNDLE"
}

@test "start of a process that cannot be executed fails" {
  make_bundle "$BUNDLE" /no/such/program
  id=$(new_id)
  if create_container "$id" 2>/dev/null; then
    run ocirt start "$id"
    assert_failure
  fi
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure
  assert_output --partial /no/such/program
}

@test "kill with an invalid signal fails without effect" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  start_container "$id"
  local sig
  for sig in NOSUCHSIG SIGNOSUCH 0x9 99999; do
    run ocirt kill "$id" "$sig"
    assert_failure
  done
  assert_equal "$(container_status "$id")" running
}

@test "--log with --log-format json writes error lines" {
  local log=$BATS_TEST_TMPDIR/log.json
  run "$OCIRT" --root "$OCIRT_ROOT" --log "$log" --log-format json state no-such-id-$$
  assert_failure
  [[ -s $log ]] || fail "$log is empty"
  run jq -e -s 'map(select(.level == "error")) | length > 0
      and all(.[]; (.msg | type == "string") and has("time"))' "$log"
  assert_success
  run jq -r 'select(.level == "error") | .msg' "$log"
  assert_output --partial no-such-id-$$
}

@test "--log-format text writes a plain line; bad --log-format fails" {
  local log=$BATS_TEST_TMPDIR/log.txt
  run "$OCIRT" --root "$OCIRT_ROOT" --log "$log" --log-format text state no-such-id-$$
  assert_failure
  run cat "$log"
  assert_output --partial no-such-id-$$
  run jq -e . "$log"
  assert_failure
  run "$OCIRT" --root "$OCIRT_ROOT" --log-format yaml list
  assert_failure
}

@test "--version prints the version" {
  run "$OCIRT" --version
  assert_success
  assert_line --index 0 --regexp '^ocirt version [0-9]+\.[0-9]+\.[0-9]+'
  run "$OCIRT" -v
  assert_success
  assert_line --index 0 --regexp '^ocirt version '
}
