#!/usr/bin/env bats
# Container lifecycle: create, start, state, kill, delete, run, list.

load helpers

@test "create leaves the init blocked until start" {
  make_bundle "$BUNDLE" sh -c 'echo started > /started; exec sleep 3600'
  id=$(new_id)
  run create_container "$id"
  assert_success
  assert_equal "$(container_status "$id")" created
  pid=$(container_pid "$id")
  [[ $pid =~ ^[1-9][0-9]*$ ]]
  pid_alive "$pid"
  sleep 0.3
  [[ ! -e $BUNDLE/rootfs/started ]] || fail "user program ran before start"

  run ocirt start "$id"
  assert_success
  wait_for_file "$BUNDLE/rootfs/started"
  assert_equal "$(container_status "$id")" running
  # the init kept its pid: start execs the user program in place
  assert_equal "$(container_pid "$id")" "$pid"
}

@test "state prints the runtime-spec state with runc's extra fields" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  create_container "$id"
  state_json "$id" >"$BATS_TEST_TMPDIR/state.json"
  run jq -e --arg id "$id" --arg bundle "$BUNDLE" '
      (.ociVersion | test("^1\\.[0-9]+\\.[0-9]+"))
      and .id == $id and .status == "created"
      and (.pid | type == "number" and . > 0)
      and .bundle == $bundle
      and .rootfs == ($bundle + "/rootfs")
      and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+"))
      and (.owner | type == "string")' "$BATS_TEST_TMPDIR/state.json"
  assert_success
  requires jsonschema
  run validate_json "$SPEC_SCHEMA_DIR/state-schema.json" "$BATS_TEST_TMPDIR/state.json"
  assert_success
}

@test "state reports an absolute bundle for a relative --bundle" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  cd "$BATS_TEST_TMPDIR"
  run ocirt_bg create --bundle ./bundle "$id"
  assert_success
  assert_equal "$(state_json "$id" | jq -r .bundle)" "$BUNDLE"
}

@test "start of a running or stopped container fails without effect" {
  make_bundle "$BUNDLE" sh -c 'echo x >> /count; exec sleep 3600'
  id=$(new_id)
  start_container "$id"
  wait_for_file "$BUNDLE/rootfs/count"
  pid=$(container_pid "$id")
  run ocirt start "$id"
  assert_failure
  assert_equal "$(container_status "$id")" running
  assert_equal "$(container_pid "$id")" "$pid"
  assert_equal "$(wc -l <"$BUNDLE/rootfs/count")" 1

  ocirt kill "$id" KILL
  wait_for_status "$id" stopped
  run ocirt start "$id"
  assert_failure
  assert_equal "$(container_status "$id")" stopped
}

@test "the container stops when its process exits" {
  make_bundle "$BUNDLE" true
  id=$(new_id)
  start_container "$id"
  wait_for_status "$id" stopped
}

@test "kill sends SIGTERM by default" {
  make_bundle "$BUNDLE" sh -c \
    'trap "echo TERM > /got; exit 3" TERM; touch /ready; while :; do sleep 0.1; done'
  id=$(new_id)
  start_container "$id"
  wait_for_file "$BUNDLE/rootfs/ready"
  run ocirt kill "$id"
  assert_success
  wait_for_status "$id" stopped
  assert_equal "$(cat "$BUNDLE/rootfs/got")" TERM
}

@test "kill accepts signal names with and without SIG, any case, and numbers" {
  local sig
  for sig in KILL SIGKILL kill 9; do
    BUNDLE=$BATS_TEST_TMPDIR/bundle-$sig
    make_bundle "$BUNDLE"
    id=$(new_id)
    start_container "$id"
    run ocirt kill "$id" "$sig"
    assert_success
    wait_for_status "$id" stopped
  done
}

@test "kill USR1 reaches the process" {
  make_bundle "$BUNDLE" sh -c \
    'trap "echo USR1 >> /got" USR1; touch /ready; while :; do sleep 0.1; done'
  id=$(new_id)
  start_container "$id"
  wait_for_file "$BUNDLE/rootfs/ready"
  run ocirt kill "$id" USR1
  assert_success
  wait_for_file "$BUNDLE/rootfs/got" USR1
  assert_equal "$(container_status "$id")" running
}

@test "kill of a created container is allowed" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  create_container "$id"
  run ocirt kill "$id" KILL
  assert_success
  wait_for_status "$id" stopped
}

@test "kill of a stopped container fails" {
  make_bundle "$BUNDLE" true
  id=$(new_id)
  start_container "$id"
  wait_for_status "$id" stopped
  run ocirt kill "$id" KILL
  assert_failure
  run ocirt kill "$id"
  assert_failure
  assert_equal "$(container_status "$id")" stopped
}

@test "kill --all signals every process of the container" {
  make_bundle "$BUNDLE" sh -c 'sleep 3600 & sleep 3600 & touch /ready; wait'
  id=$(new_id)
  start_container "$id"
  wait_for_file "$BUNDLE/rootfs/ready"
  run ocirt kill --all "$id" KILL
  assert_success
  wait_for_status "$id" stopped
  for dir in $(cgroup_dirs_of "$id"); do
    [[ ! -s $dir/cgroup.procs ]] || fail "processes left in $dir"
  done
}

@test "delete of a created container without --force fails and has no effect" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  create_container "$id"
  pid=$(container_pid "$id")
  run ocirt delete "$id"
  assert_failure
  assert_equal "$(container_status "$id")" created
  pid_alive "$pid"
  [[ -d $OCIRT_ROOT/$id ]]
}

@test "delete of a running container without --force fails and has no effect" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  run ocirt delete "$id"
  assert_failure
  assert_equal "$(container_status "$id")" running
  pid_alive "$pid"
}

@test "delete --force removes a created container and its init" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  create_container "$id"
  pid=$(container_pid "$id")
  run ocirt delete --force "$id"
  assert_success
  run ocirt state "$id"
  assert_failure
  [[ ! -e $OCIRT_ROOT/$id ]]
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.05; done
  if pid_alive "$pid"; then fail "init $pid still alive"; fi
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroups left: $(cgroup_dirs_of "$id")"
}

@test "delete -f removes a running container" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  run ocirt delete -f "$id"
  assert_success
  run ocirt state "$id"
  assert_failure
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.05; done
  if pid_alive "$pid"; then fail "init $pid still alive"; fi
}

@test "delete of a stopped container removes its state and cgroups" {
  make_bundle "$BUNDLE" true
  id=$(new_id)
  start_container "$id"
  wait_for_status "$id" stopped
  run ocirt delete "$id"
  assert_success
  run ocirt state "$id"
  assert_failure
  [[ ! -e $OCIRT_ROOT/$id ]]
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroups left: $(cgroup_dirs_of "$id")"
  run ocirt list -q
  assert_success
  refute_output --partial "$id"
}

@test "run passes stdio through and deletes the container" {
  make_bundle "$BUNDLE" sh -c 'read line; echo "got $line"; echo err >&2'
  id=$(new_id)
  run ocirt run --bundle "$BUNDLE" "$id" <<<"hello"
  assert_success
  assert_line "got hello"
  assert_line err
  run ocirt state "$id"
  assert_failure
  [[ ! -e $OCIRT_ROOT/$id ]]
}

@test "run returns the exit status of the process" {
  make_bundle "$BUNDLE" true
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success

  update_config '.process.args = ["sh", "-c", "exit 7"]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure 7
}

@test "run returns 128+9 when the process is killed by SIGKILL" {
  # Without a pid namespace, so that the shell is not an init that
  # ignores its own SIGKILL.
  make_bundle "$BUNDLE" sh -c 'kill -9 $$'
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure 137
}

@test "run returns 137 when the init is SIGKILLed from the host" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  "$OCIRT" --root "$OCIRT_ROOT" run --bundle "$BUNDLE" "$id" </dev/null \
    >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
  runpid=$!
  wait_for_status "$id" running
  kill -9 "$(container_pid "$id")"
  rc=0
  wait_pid "$runpid" 30 || rc=$?
  assert_equal "$rc" 137
}

@test "run forwards SIGTERM to the container" {
  make_bundle "$BUNDLE" sh -c \
    'trap "echo got-TERM; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
  id=$(new_id)
  "$OCIRT" --root "$OCIRT_ROOT" run --bundle "$BUNDLE" "$id" </dev/null \
    >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
  runpid=$!
  wait_for_file "$BATS_TEST_TMPDIR/out" ready
  kill -TERM "$runpid"
  rc=0
  wait_pid "$runpid" 30 || rc=$?
  assert_equal "$rc" 42
  run cat "$BATS_TEST_TMPDIR/out"
  assert_line got-TERM
}

@test "run --detach leaves the container running" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  ocirt run --detach --bundle "$BUNDLE" "$id" </dev/null \
    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" \
    || fail "run -d: $(cat "$BATS_TEST_TMPDIR/err")"
  assert_equal "$(container_status "$id")" running
}

@test "run BUNDLE/ takes the bundle from the argument and makes up an id" {
  make_bundle "$BUNDLE" sh -c 'echo hello from bundle'
  run ocirt run "$BUNDLE/" </dev/null
  assert_success
  assert_output "hello from bundle"
  run ocirt list -q
  assert_success
  assert_output ""
}

@test "run of an existing id fails without effect" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  create_container "$id"
  pid=$(container_pid "$id")
  run ocirt_bg run --bundle "$BUNDLE" "$id"
  assert_failure
  assert_equal "$(container_status "$id")" created
  assert_equal "$(container_pid "$id")" "$pid"
}

@test "--pid-file holds the pid of the state" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  create_container "$id" --pid-file "$BATS_TEST_TMPDIR/pidfile"
  pid=$(container_pid "$id")
  assert_equal "$(cat "$BATS_TEST_TMPDIR/pidfile")" "$pid"

  BUNDLE=$BATS_TEST_TMPDIR/b2
  make_bundle "$BUNDLE"
  id=$(new_id)
  ocirt run -d --pid-file "$BATS_TEST_TMPDIR/pid2" --bundle "$BUNDLE" "$id" \
    </dev/null >/dev/null 2>&1
  assert_equal "$(cat "$BATS_TEST_TMPDIR/pid2")" "$(container_pid "$id")"
}

@test "--preserve-fds passes exactly the requested fds" {
  echo one >"$BATS_TEST_TMPDIR/f3"
  echo two >"$BATS_TEST_TMPDIR/f4"
  echo three >"$BATS_TEST_TMPDIR/f5"
  make_bundle "$BUNDLE" sh -c \
    'cat <&3; cat <&4; if [ -e /proc/self/fd/5 ]; then echo fd5-leaked; fi'
  id=$(new_id)
  run timeout 60 "$OCIRT" --root "$OCIRT_ROOT" run --preserve-fds 2 \
    --bundle "$BUNDLE" "$id" 3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" \
    5<"$BATS_TEST_TMPDIR/f5" </dev/null
  assert_success
  assert_line one
  assert_line two
  refute_output --partial fd5-leaked
}

@test "only stdio is passed without --preserve-fds" {
  make_bundle "$BUNDLE" ls /proc/self/fd
  id=$(new_id)
  run timeout 60 "$OCIRT" --root "$OCIRT_ROOT" run --bundle "$BUNDLE" "$id" \
    3<"$BATS_TEST_TMPDIR" 4<"$BATS_TEST_TMPDIR" </dev/null
  assert_success
  # ls itself opens one fd for the directory it lists
  run sort -n <<<"$output"
  assert_equal "$(echo $output)" "0 1 2 3"
}

@test "list shows containers in table, quiet and json formats" {
  make_bundle "$BUNDLE"
  id1=$(new_id)
  create_container "$id1"
  BUNDLE=$BATS_TEST_TMPDIR/b2
  make_bundle "$BUNDLE"
  id2=$(new_id)
  start_container "$id2"

  run ocirt list -q
  assert_success
  assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$id1" "$id2" | sort)"

  run ocirt list
  assert_success
  assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER'
  assert_line --regexp "^$id1 +[0-9]+ +created +$BATS_TEST_TMPDIR/bundle "
  assert_line --regexp "^$id2 +[0-9]+ +running +$BATS_TEST_TMPDIR/b2 "

  run ocirt list --format json
  assert_success
  run jq -e --arg a "$id1" --arg b "$id2" '
      length == 2
      and (map(select(.id == $a))[0] | .status == "created" and .pid > 0)
      and (map(select(.id == $b))[0] | .status == "running"
           and (.bundle | endswith("/b2")))' <<<"$output"
  assert_success
}

@test "status follows the exec fifo whatever the container calls itself" {
  # The init's name while it waits for start is recorded; a running
  # process that takes that name, or a state file without it, still gets
  # the fifo check.
  make_bundle "$BUNDLE" sh -c 'printf %s "$(cat /init-comm)" > /proc/self/comm; echo renamed > /renamed; while :; do sleep 1; done'
  id=$(new_id)
  create_container "$id"
  pid=$(container_pid "$id")
  comm=$(cat "/proc/$pid/comm")
  [[ -n $comm ]]
  jq -e --arg c "$comm" '.init_comm == $c' "$OCIRT_ROOT/$id/state.json"
  assert_equal "$(container_status "$id")" created
  printf %s "$comm" >"$BUNDLE/rootfs/init-comm"
  run ocirt start "$id"
  assert_success
  wait_for_file "$BUNDLE/rootfs/renamed"
  assert_equal "$(cat "/proc/$pid/comm")" "$comm"
  assert_equal "$(container_status "$id")" running
  run ocirt list
  assert_line --regexp "^$id +$pid +running "

  id2=$(new_id)
  BUNDLE=$BATS_TEST_TMPDIR/b2
  make_bundle "$BUNDLE"
  create_container "$id2"
  jq -c 'del(.init_comm)' "$OCIRT_ROOT/$id2/state.json" >"$BATS_TEST_TMPDIR/s"
  cp "$BATS_TEST_TMPDIR/s" "$OCIRT_ROOT/$id2/state.json"
  assert_equal "$(container_status "$id2")" created
  ocirt start "$id2"
  assert_equal "$(container_status "$id2")" running
}

@test "50 containers created, started and deleted in parallel" {
  make_bundle "$BATS_TEST_TMPDIR/b0" true
  : >"$BATS_TEST_TMPDIR/par-ids"
  for ((i = 1; i <= 50; i++)); do
    id=$(new_id)
    echo "$id" >>"$BATS_TEST_TMPDIR/par-ids"
    mkdir "$BATS_TEST_TMPDIR/$id"
    cp -al "$BATS_TEST_TMPDIR/b0/rootfs" "$BATS_TEST_TMPDIR/$id/rootfs"
    cp "$BATS_TEST_TMPDIR/b0/config.json" "$BATS_TEST_TMPDIR/$id/"
  done
  cat >"$BATS_TEST_TMPDIR/one.sh" <<'END'
id=$1
b=$BASE/$id
rt() { timeout 60 "$OCIRT" --root "$OCIRT_ROOT" "$@"; }
rt create --bundle "$b" "$id" </dev/null >/dev/null 2>"$b.err" \
  || { echo "$id: create failed: $(cat "$b.err")"; exit 1; }
rt start "$id" || { echo "$id: start failed"; exit 1; }
for i in $(seq 400); do
  st=$(rt state "$id" | jq -r .status)
  [ "$st" = stopped ] && break
  sleep 0.05
done
[ "$st" = stopped ] || { echo "$id: status $st"; exit 1; }
rt delete "$id" || { echo "$id: delete failed"; exit 1; }
END
  run env BASE="$BATS_TEST_TMPDIR" OCIRT="$OCIRT" OCIRT_ROOT="$OCIRT_ROOT" \
    timeout 600 xargs -P 8 -n 1 bash "$BATS_TEST_TMPDIR/one.sh" \
    <"$BATS_TEST_TMPDIR/par-ids" 3>&-
  assert_success
  run ocirt list -q
  assert_output ""
  while read -r id; do
    [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroups left for $id"
  done <"$BATS_TEST_TMPDIR/par-ids"
}

# Kernels before 5.3 (and valgrind before 3.20) have no pidfd_open: the
# runtime then goes by the pid, checked against its start time, and
# polls for exits.  tests/helpers/enosys makes the call fail with ENOSYS
# for the runtime and everything it starts.
@test "without pidfd_open: run, create/start/exec/kill/delete and hook timeouts work" {
  local enosys real id pid hook
  enosys=$(cd "$BATS_TEST_DIRNAME/.." && pwd)/helpers/enosys
  [[ -x $enosys ]] || skip "$enosys not built (make check builds it)"
  real=$OCIRT
  OCIRT=$BATS_TEST_TMPDIR/ocirt-nopidfd
  printf '#!/bin/sh\nexec "%s" pidfd_open "%s" "$@"\n' "$enosys" "$real" >"$OCIRT"
  chmod 0755 "$OCIRT"
  hook=$BATS_TEST_TMPDIR/hook.log

  # run: output and exit status, with hooks that finish within their
  # timeout
  make_bundle "$BUNDLE" sh -c 'echo hello; exit 3'
  update_config --arg log "$hook" '
      .hooks.createRuntime = [{"path": "/bin/sh", "timeout": 10,
        "args": ["sh", "-c", "cat >/dev/null; echo createRuntime >>\"$1\"", "sh", $log]}]
    | .hooks.poststart = [{"path": "/bin/sh", "timeout": 10,
        "args": ["sh", "-c", "echo poststart >>\"$1\"", "sh", $log]}]'
  id=$(new_id)
  run ocirt run --bundle "$BUNDLE" "$id" </dev/null
  assert_failure 3
  assert_output hello
  run cat "$hook"
  assert_output $'createRuntime\npoststart'
  run ocirt state "$id"
  assert_failure

  # a hook past its timeout is killed and fails the run, promptly
  update_config '.hooks = {"createRuntime": [{"path": "/bin/sh",
      "args": ["sh", "-c", "sleep 30"], "timeout": 1}]}'
  id=$(new_id)
  SECONDS=0
  run ocirt run --bundle "$BUNDLE" "$id" </dev/null
  assert_failure
  assert_output --partial "timed out"
  ((SECONDS < 15)) || fail "the hook timeout took ${SECONDS}s"

  # create, start, exec, kill, delete
  BUNDLE=$BATS_TEST_TMPDIR/b2
  make_bundle "$BUNDLE"
  id=$(new_id)
  create_container "$id" || fail "create $id failed"
  pid=$(container_pid "$id")
  [[ $(status_field "$pid" Seccomp) == 2 ]] || fail "the ENOSYS filter is not in place"
  run ocirt start "$id"
  assert_success
  assert_equal "$(container_status "$id")" running
  run ocirt exec "$id" sh -c 'echo inside; exit 4'
  assert_failure 4
  assert_output inside
  run ocirt kill "$id" KILL
  assert_success
  wait_for_status "$id" stopped
  run ocirt kill "$id" KILL
  assert_failure
  run ocirt delete "$id"
  assert_success
  run ocirt state "$id"
  assert_failure

  # delete --force of a running container kills and waits for the init
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  run ocirt delete --force "$id"
  assert_success
  ! pid_alive "$pid" || fail "init $pid still alive after delete --force"

  # start of a container whose init died reports it instead of hanging
  id=$(new_id)
  create_container "$id" || fail "create $id failed"
  kill -9 "$(container_pid "$id")"
  run ocirt start "$id"
  assert_failure
  OCIRT=$real
}
