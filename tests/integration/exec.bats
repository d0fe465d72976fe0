#!/usr/bin/env bats
# exec: another process in a running container.

load helpers

# A running container $ID of $BUNDLE (sleep 3600), after an optional jq
# edit of its config.
running ()
{
  make_bundle "$BUNDLE"
  [[ -z ${1:-} ]] || update_config "$1"
  ID=$(new_id)
  start_container "$ID"
  INIT=$(container_pid "$ID")
}

# exec_bg ARG...: "ocirt exec -d ARG..." with a pid file; sets EPID.
exec_bg ()
{
  local pf=$BATS_TEST_TMPDIR/exec.pid
  rm -f "$pf"
  ocirt_bg exec -d --pid-file "$pf" "$@" || fail "exec -d $* failed"
  EPID=$(cat "$pf")
}

field ()
{
  awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' <<<"$output"
}

@test "exec joins every namespace and the cgroup of the init" {
  running
  exec_bg "$ID" sleep 100
  pid_alive "$EPID"
  local n
  for n in pid net ipc uts mnt cgroup user time; do
    [[ -e /proc/$INIT/ns/$n ]] || continue
    assert_equal "$(readlink "/proc/$EPID/ns/$n")" "$(readlink "/proc/$INIT/ns/$n")"
  done
  assert_equal "$(cat "/proc/$EPID/cgroup")" "$(cat "/proc/$INIT/cgroup")"
  # same root: the container's /etc/passwd
  assert_equal "$(stat -Lc %i "/proc/$EPID/root/etc/passwd")" \
    "$(stat -Lc %i "/proc/$INIT/root/etc/passwd")"
}

@test "exec inherits env, user, capabilities, rlimits and no_new_privs" {
  running '.process.env += ["FOO=bar"]
    | .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10]}
    | .process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}]
    | .process.noNewPrivileges = true
    | .process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"],
        "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"],
        "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
  run ocirt exec "$ID" sh -c 'echo FOO=$FOO; ulimit -n; ulimit -Hn; cat /proc/self/status'
  assert_success
  assert_line FOO=bar
  assert_line 256
  assert_line 512
  assert_equal "$(field Uid)" "1000 1000 1000 1000"
  assert_equal "$(field Gid)" "1000 1000 1000 1000"
  assert_equal "$(field Groups | xargs)" "10"
  assert_equal "$(field CapBnd)" 0000000000000021
  assert_equal "$(field CapEff)" 0000000000000020
  assert_equal "$(field CapAmb)" 0000000000000020
  assert_equal "$(field NoNewPrivs)" 1
}

@test "exec options override env, user, groups, cwd and add capabilities" {
  running '.process.env += ["FOO=bar", "KEEP=1"]'
  run ocirt exec -e FOO=baz -e NEW=x -u 1000:1000 -g 20 -g 30 --cwd /tmp \
    -c CAP_SYS_ADMIN "$ID" sh -c 'echo FOO=$FOO NEW=$NEW KEEP=$KEEP; pwd; cat /proc/self/status'
  assert_success
  assert_line "FOO=baz NEW=x KEEP=1"
  assert_line /tmp
  assert_equal "$(field Uid)" "1000 1000 1000 1000"
  assert_equal "$(field Gid)" "1000 1000 1000 1000"
  assert_equal "$(field Groups | xargs)" "20 30"
  # CAP_SYS_ADMIN (21) is added to the bounding set
  (( 0x$(field CapBnd) & (1 << 21) ))
  # -u UID keeps the container's gid; root gets its capabilities
  run ocirt exec -u 0 -c CAP_SYS_ADMIN "$ID" cat /proc/self/status
  assert_success
  assert_equal "$(field Gid)" "0 0 0 0"
  (( 0x$(field CapEff) & (1 << 21) ))
  run ocirt exec --no-new-privs "$ID" cat /proc/self/status
  assert_equal "$(field NoNewPrivs)" 1
}

@test "exec -p reads the process from a file or stdin" {
  running
  jq -n '{args: ["sh", "-c", "echo $A; id -u; pwd"], env: ["A=from-file"],
          user: {uid: 1000, gid: 1000}, cwd: "/tmp"}' >"$BATS_TEST_TMPDIR/p.json"
  run ocirt exec -p "$BATS_TEST_TMPDIR/p.json" "$ID"
  assert_success
  assert_output "from-file
1000
/tmp"
  run ocirt exec -p - "$ID" <"$BATS_TEST_TMPDIR/p.json"
  assert_success
  assert_line from-file
  echo '{"args": []}' >"$BATS_TEST_TMPDIR/bad.json"
  run ocirt exec -p "$BATS_TEST_TMPDIR/bad.json" "$ID"
  assert_failure
}

@test "exec applies the container's seccomp filter" {
  running '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  run ocirt exec "$ID" sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/d; echo rc=$?'
  assert_success
  assert_line --regexp '^Seccomp:[[:space:]]+2$'
  assert_line rc=1
  [[ ! -d $BUNDLE/rootfs/tmp/d ]]
}

@test "exec returns the exit status of the process" {
  running
  run ocirt exec "$ID" true
  assert_success
  run ocirt exec "$ID" sh -c 'exit 3'
  assert_equal "$status" 3
  run ocirt exec "$ID" sh -c 'kill -9 $$'
  assert_equal "$status" 137
  run ocirt exec "$ID" no-such-command
  assert_failure
  assert_output --partial 'executable file not found'
}

@test "exec forwards signals to the process" {
  running
  local out=$BATS_TEST_TMPDIR/sig.out pid rc
  # the runtime itself, not the wrapper, receives the signal
  "$OCIRT" --root "$OCIRT_ROOT" exec "$ID" \
    sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done' \
    </dev/null >"$out" 2>&1 3>&- &
  pid=$!
  wait_for_file "$out" ready
  kill -TERM "$pid"
  rc=0
  wait_pid "$pid" 10 || rc=$?
  assert_equal "$rc" 7
  grep -q got-term "$out"
}

@test "exec -t sends the pty to the console socket" {
  requires recvtty
  running
  local sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/tty.out
  "$RECVTTY" "$sock" "$out" </dev/null >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
  wait_for_file "$sock"
  run ocirt exec -t --console-socket "$sock" -u 1000:1000 "$ID" \
    sh -c '[ -t 0 ] && [ -t 1 ] && echo is-a-tty; stat -c "%u:%g" $(tty); echo the-end'
  assert_success
  wait_for_file "$out" the-end
  run tr -d '\r' <"$out"
  assert_line is-a-tty
  # the pty it made is the user's
  assert_line 1000:1000
  run ocirt exec -t -d "$ID" true
  assert_failure
  assert_output --partial console-socket
}

@test "exec -d returns once the process runs and writes its pid" {
  running
  local pf=$BATS_TEST_TMPDIR/p.pid
  ocirt_bg exec -d --pid-file "$pf" "$ID" sh -c 'echo started > /tmp/started; exec sleep 100'
  pid=$(cat "$pf")
  pid_alive "$pid"
  assert_equal "$(cat /proc/$pid/comm)" sleep
  wait_for_file "$BUNDLE/rootfs/tmp/started"
  # it is in the container's pid namespace
  run ocirt exec "$ID" ps -o pid,args
  assert_output --partial "sleep 100"
}

@test "exec --preserve-fds passes fds 3 and up, and nothing else" {
  running
  echo hello-fd >"$BATS_TEST_TMPDIR/in"
  run ocirt exec --preserve-fds 2 "$ID" sh -c 'cat <&4; ls /proc/self/fd' \
    3<"$BATS_TEST_TMPDIR/in" 4<"$BATS_TEST_TMPDIR/in" 5<"$BATS_TEST_TMPDIR/in"
  assert_success
  assert_line hello-fd
  assert_line 3
  assert_line 4
  refute_line 5
  # without the option: only stdio (and ls's own directory fd)
  run ocirt exec "$ID" ls /proc/self/fd 3<"$BATS_TEST_TMPDIR/in"
  assert_output "0
1
2
3"
  run ocirt exec "$ID" readlink /proc/self/fd/3 3<"$BATS_TEST_TMPDIR/in"
  refute_output --partial "$BATS_TEST_TMPDIR"
}

@test "exec --cgroup joins a sub-cgroup of the container" {
  running
  local cg dir sub
  cg=$(awk -F: '$1 == 0 { print $3 }' "/proc/$INIT/cgroup")
  [[ -n $cg && -d /sys/fs/cgroup/unified$cg ]] || skip "no cgroup2 tree"
  for dir in $(cgroup_dirs_of "$ID"); do
    mkdir "$dir/sub"
    # a new v1 cpuset has no cpus nor mems: copy the container's
    if [[ -e $dir/cpuset.cpus ]]; then
      cat "$dir/cpuset.cpus" >"$dir/sub/cpuset.cpus"
      cat "$dir/cpuset.mems" >"$dir/sub/cpuset.mems"
    fi
  done
  exec_bg --cgroup sub "$ID" sleep 100
  assert_equal "$(awk -F: '$1 == 0 { print $3 }' "/proc/$EPID/cgroup")" "$cg/sub"
  # cgroup v1: only the memory hierarchy gets the sub-cgroup
  if [[ -d /sys/fs/cgroup/memory$cg ]]; then
    exec_bg --cgroup memory:/sub "$ID" sleep 100
    assert_equal "$(awk -F: '$2 == "memory" { print $3 }' "/proc/$EPID/cgroup")" "$cg/sub"
    assert_equal "$(awk -F: '$2 == "pids" { print $3 }' "/proc/$EPID/cgroup")" "$cg"
    assert_equal "$(awk -F: '$1 == 0 { print $3 }' "/proc/$EPID/cgroup")" "$cg"
    run ocirt exec --cgroup no-such-controller:sub "$ID" true
    assert_failure
  fi
  run ocirt exec --cgroup missing "$ID" true
  assert_failure
  assert_output --partial "does not exist"
  run ocirt exec --cgroup ../escape "$ID" true
  assert_failure
  assert_output --partial '".."'
  run ocirt exec --cgroup "" "$ID" true
  assert_failure
}

@test "exec into a paused container needs --ignore-paused" {
  running
  ocirt pause "$ID"
  run ocirt exec "$ID" true
  assert_failure
  assert_output --partial paused
  local out=$BATS_TEST_TMPDIR/p.out pid rc=0
  ocirt exec --ignore-paused "$ID" sh -c 'echo ran' </dev/null >"$out" 2>&1 &
  pid=$!
  sleep 0.3
  ocirt resume "$ID"
  wait_pid "$pid" 10 || rc=$?
  assert_equal "$rc" 0
  grep -q ran "$out"
}

@test "exec into a stopped or missing container fails" {
  make_bundle "$BUNDLE" true
  id=$(new_id)
  start_container "$id"
  wait_for_status "$id" stopped
  run ocirt exec "$id" true
  assert_failure
  assert_output --partial stopped
  run ocirt exec "no-such-container-$$" true
  assert_failure
  assert_output --partial "does not exist"
  create_container "$(new_id)" || fail "create failed"
}

@test "exec parses its options strictly" {
  running
  run ocirt exec -u 1x "$ID" true
  assert_failure
  assert_output --partial '"1x"'
  run ocirt exec -u 1000:x "$ID" true
  assert_failure
  run ocirt exec -g abc "$ID" true
  assert_failure
  run ocirt exec --preserve-fds -1 "$ID" true
  assert_failure
  run ocirt exec "$ID"
  assert_failure
  # options stop at the container id: -u belongs to the command
  run ocirt exec "$ID" echo -u 5
  assert_success
  assert_output "-u 5"
}

@test "exec -u does not chown the stdio it is given" {
  running
  local before after
  before=$(stat -c '%u:%g %a' /dev/null)
  run ocirt exec -u 1000:1000 "$ID" sh -c 'echo x > /dev/stdout; id -u' </dev/null
  assert_success
  after=$(stat -c '%u:%g %a' /dev/null)
  assert_equal "$after" "$before"
  local f=$BATS_TEST_TMPDIR/out
  : >"$f"
  before=$(stat -c '%u:%g' "$f")
  ocirt exec -u 1000:1000 "$ID" true >"$f" </dev/null
  assert_equal "$(stat -c '%u:%g' "$f")" "$before"
}

@test "20 concurrent execs into one container all succeed" {
  running '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  local i pids=() rc
  for i in $(seq 20); do
    ocirt exec -e N=$i "$ID" sh -c 'echo n=$N $(grep -c "^Seccomp:.*2" /proc/self/status) $(readlink /proc/self/ns/mnt); exit $((N % 4))' \
      </dev/null >"$BATS_TEST_TMPDIR/c$i.out" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 20); do
    rc=0
    wait "${pids[i - 1]}" || rc=$?
    assert_equal "$rc" $((i % 4))
    assert_equal "$(cat "$BATS_TEST_TMPDIR/c$i.out")" "n=$i 1 $(readlink "/proc/$INIT/ns/mnt")"
  done
}

@test "exec into a user-namespaced container" {
  requires userns
  running '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  run ocirt exec "$ID" sh -c 'id -u; cat /proc/self/uid_map'
  assert_success
  assert_line 0
  assert_line --regexp '^ +0 +100000 +65536$'
  exec_bg -u 1000 "$ID" sleep 100
  assert_equal "$(readlink "/proc/$EPID/ns/user")" "$(readlink "/proc/$INIT/ns/user")"
  assert_equal "$(status_field "$EPID" Uid)" "101000 101000 101000 101000"
  assert_equal "$(cat "/proc/$EPID/cgroup")" "$(cat "/proc/$INIT/cgroup")"
}

@test "exec into a container with a time namespace" {
  requires timens
  running '.linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0}}'
  local host inside
  host=$(cut -d' ' -f1 /proc/uptime)
  run ocirt exec "$ID" cat /proc/uptime
  assert_success
  inside=${output%% *}
  (( ${inside%.*} >= ${host%.*} + 86000 ))
}

@test "a privileged container gets a sealed copy of the runtime" {
  running '.process.capabilities.bounding += ["CAP_SYS_PTRACE"]
    | .process.capabilities.effective += ["CAP_SYS_PTRACE"]
    | .process.capabilities.permitted += ["CAP_SYS_PTRACE"]'
  run ocirt exec "$ID" sh -c 'echo ok; exit 4'
  assert_equal "$status" 4
  assert_output ok
  exec_bg "$ID" sleep 100
  assert_equal "$(readlink "/proc/$EPID/ns/mnt")" "$(readlink "/proc/$INIT/ns/mnt")"
  assert_equal "$(cat "/proc/$EPID/cgroup")" "$(cat "/proc/$INIT/cgroup")"
}

@test "exec of /proc/self/exe never runs the host binary" {
  # CVE-2019-5736: the process is started through a sealed stub
  running
  local out rc
  printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/tmp/script"
  chmod 0755 "$BUNDLE/rootfs/tmp/script"
  ln -s /proc/self/exe "$BUNDLE/rootfs/tmp/link"
  for cmd in /proc/self/exe /tmp/script /tmp/link; do
    rc=0
    out=$(ocirt exec "$ID" "$cmd" --version 2>&1) || rc=$?
    assert_equal "$rc" 127
    [[ $out != *version* ]] || fail "$cmd ran the runtime: $out"
  done
}
