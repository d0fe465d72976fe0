#!/usr/bin/env bats
# Hooks: order, state on stdin, args, env, timeout, failures.

load helpers

setup ()
{
  ocirt_setup
  HOOKDIR=$BATS_TEST_TMPDIR/hooks
  mkdir -p "$HOOKDIR"
  # hook KIND DIR: record the state, the order, the environment
  HOOK=$BATS_TEST_TMPDIR/hook.sh
  cat >"$HOOK" <<'END'
#!/bin/sh
kind=$1 dir=$2
cat >"$dir/$kind.json"
env >"$dir/$kind.env"
echo "$kind" >>"$dir/order"
END
  chmod 0755 "$HOOK"
}

# hook_entry KIND [EXTRA-JSON]: a hook running $HOOK for KIND
hook_entry ()
{
  jq -n --arg p "$HOOK" --arg k "$1" --arg d "$HOOKDIR" \
    '{"path": $p, "args": ["hook", $k, $d]}'
}

# A bundle with every kind of hook; startContainer runs inside the
# container, from the rootfs, and writes to /hooks there.
make_hooks_bundle ()
{
  make_bundle "$BUNDLE" sh -c \
    'if [ -e /hooks/startContainer.json ]; then touch /hooks/ran-after; fi; exec sleep 3600'
  mkdir -p "$BUNDLE/rootfs/hooks"
  rm -f "$BUNDLE/rootfs/hook"
  cp "$HOOK" "$BUNDLE/rootfs/hook"
  update_config \
    --argjson prestart "$(hook_entry prestart)" \
    --argjson createRuntime "$(hook_entry createRuntime)" \
    --argjson createContainer "$(hook_entry createContainer)" \
    --argjson poststart "$(hook_entry poststart)" \
    --argjson poststop "$(hook_entry poststop)" \
    '.hooks = {"prestart": [$prestart], "createRuntime": [$createRuntime],
       "createContainer": [$createContainer],
       "startContainer": [{"path": "/hook", "args": ["hook", "startContainer", "/hooks"]}],
       "poststart": [$poststart], "poststop": [$poststop]}'
}

order ()
{
  cat "$HOOKDIR/order" 2>/dev/null | xargs
}

@test "hooks run in lifecycle order at the right operation" {
  make_hooks_bundle
  id=$(new_id)
  create_container "$id"
  assert_equal "$(order)" "prestart createRuntime createContainer"
  [[ ! -e $BUNDLE/rootfs/hooks/startContainer.json ]]

  ocirt start "$id"
  # poststart hooks finish before start returns
  assert_equal "$(order)" "prestart createRuntime createContainer poststart"
  wait_for_file "$BUNDLE/rootfs/hooks/ran-after"
  assert_equal "$(cat "$BUNDLE/rootfs/hooks/order")" startContainer

  ocirt kill "$id" KILL
  wait_for_status "$id" stopped
  [[ ! -e $HOOKDIR/poststop.json ]]
  ocirt delete "$id"
  assert_equal "$(order)" "prestart createRuntime createContainer poststart poststop"
}

@test "hooks get the container state on stdin" {
  make_hooks_bundle
  id=$(new_id)
  create_container "$id"
  pid=$(container_pid "$id")
  ocirt start "$id"
  wait_for_file "$BUNDLE/rootfs/hooks/ran-after"
  ocirt kill "$id" KILL
  wait_for_status "$id" stopped
  ocirt delete "$id"

  local kind
  for kind in prestart createRuntime createContainer poststart poststop; do
    run jq -e --arg id "$id" --arg b "$BUNDLE" \
      '.id == $id and .bundle == $b and (.ociVersion | type == "string")' \
      "$HOOKDIR/$kind.json"
    assert_success
  done
  # runtime-namespace hooks see the host pid, container-namespace hooks
  # the pid inside the container's pid namespace
  for kind in prestart createRuntime poststart; do
    assert_equal "$(jq .pid "$HOOKDIR/$kind.json")" "$pid"
  done
  assert_equal "$(jq .pid "$HOOKDIR/createContainer.json")" 1
  assert_equal "$(jq .pid "$BUNDLE/rootfs/hooks/startContainer.json")" 1
  for kind in prestart createRuntime createContainer; do
    assert_equal "$(jq -r .status "$HOOKDIR/$kind.json")" created
  done
  assert_equal "$(jq -r .status "$BUNDLE/rootfs/hooks/startContainer.json")" created
  assert_equal "$(jq -r .status "$HOOKDIR/poststart.json")" running
  assert_equal "$(jq -r .status "$HOOKDIR/poststop.json")" stopped
}

@test "hooks run with their args and exactly their env" {
  make_bundle "$BUNDLE" true
  update_config --arg p "$HOOK" --arg d "$HOOKDIR" \
    '.hooks.createRuntime = [
       {"path": $p, "args": ["hook", "first", $d], "env": ["HOOKVAR=some value"]},
       {"path": $p, "args": ["hook", "second", $d]}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_equal "$(order)" "first second"
  run cat "$HOOKDIR/first.env"
  assert_line "HOOKVAR=some value"
  refute_output --partial BATS_
  run cat "$HOOKDIR/second.env"
  refute_output --partial HOOKVAR
}

@test "a hook running past its timeout fails create" {
  make_bundle "$BUNDLE"
  update_config \
    '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "60"], "timeout": 1}]'
  id=$(new_id)
  local t0=$SECONDS
  run create_container "$id"
  assert_failure
  ((SECONDS - t0 < 15)) || fail "create took $((SECONDS - t0))s"
  run ocirt state "$id"
  assert_failure
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroups left"
}

@test "a failing prestart hook fails create and removes the container" {
  make_bundle "$BUNDLE"
  update_config --arg p "$HOOK" --arg d "$HOOKDIR" \
    '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo hook-says-no >&2; exit 3"]}]
     | .hooks.poststart = [{"path": $p, "args": ["hook", "poststart", $d]}]'
  id=$(new_id)
  run create_container "$id"
  assert_failure
  run ocirt state "$id"
  assert_failure
  [[ ! -e $OCIRT_ROOT/$id ]]
  [[ ! -e $HOOKDIR/poststart.json ]]
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroups left"
}

@test "a failing poststart hook fails start and stops the container" {
  make_bundle "$BUNDLE"
  update_config \
    '.hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}]'
  id=$(new_id)
  create_container "$id"
  pid=$(container_pid "$id")
  run ocirt start "$id"
  assert_failure
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.05; done
  if pid_alive "$pid"; then fail "container process $pid still running"; fi
}

@test "a failing poststop hook is a warning and the next ones still run" {
  make_bundle "$BUNDLE" true
  update_config --arg p "$HOOK" --arg d "$HOOKDIR" \
    '.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]},
                        {"path": $p, "args": ["hook", "poststop", $d]}]'
  id=$(new_id)
  start_container "$id"
  wait_for_status "$id" stopped
  run ocirt delete "$id"
  assert_success
  [[ -e $HOOKDIR/poststop.json ]] || fail "second poststop hook did not run"
  run ocirt state "$id"
  assert_failure
}

@test "run calls every hook, poststop included" {
  make_bundle "$BUNDLE" true
  update_config --arg p "$HOOK" --arg d "$HOOKDIR" \
    '.hooks = {"prestart": [{"path": $p, "args": ["hook", "prestart", $d]}],
               "poststart": [{"path": $p, "args": ["hook", "poststart", $d]}],
               "poststop": [{"path": $p, "args": ["hook", "poststop", $d]}]}'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_equal "$(order)" "prestart poststart poststop"
}
