#!/usr/bin/env bats
# Regression tests for the published container-runtime vulnerabilities
# (one test per applicable CVE, named after it): hostile rootfs contents
# and configs.  A canary file and directory on the host prove that nothing
# outside the rootfs was created, changed or mounted over; each case
# either fails with a clear error or stays inside the container.

load ../integration/helpers

setup ()
{
  ocirt_setup
  CANARY=$BATS_TEST_TMPDIR/canary
  mkdir -p "$CANARY/dir"
  echo intact >"$CANARY/file"
  echo intact >"$CANARY/dir/file"
  canary_state >"$BATS_TEST_TMPDIR/canary.before"
}

teardown ()
{
  ocirt_teardown
  if [[ -n ${RECV_PID:-} ]]; then
    kill "$RECV_PID" 2>/dev/null
    wait "$RECV_PID" 2>/dev/null
  fi
  local mnt
  for mnt in $(awk -v d="$BATS_TEST_TMPDIR/" 'index($5, d) == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null
  done
  return 0
}

# Every name below the canary with its type, mode, owner, size and
# content hash.
canary_state ()
{
  (
    cd "$CANARY" || exit 1
    find . -printf '%p %y %m %U:%G %s\n' | sort
    find . -type f -exec sha256sum {} + | sort
  )
}

# The canary is unchanged and nothing is mounted on or below it, nor on
# any host path outside the test's bundle.
assert_canary_intact ()
{
  canary_state >"$BATS_TEST_TMPDIR/canary.after"
  diff -u "$BATS_TEST_TMPDIR/canary.before" "$BATS_TEST_TMPDIR/canary.after" \
    || fail "the host canary changed"
  ! awk -v c="$CANARY" 'index($5, c) == 1' /proc/self/mountinfo | grep -q . \
    || fail "something is mounted on the host canary"
}

# The outcome of "run": a failure with an error message, or success.
failed_clearly_or_ok ()
{
  # say which of the two it was in the TAP output
  if ((status == 0)); then
    echo "# contained (exit status 0)" >&3
  else
    echo "# failed: ${output%%$'\n'*}" >&3
  fi
  if ((status != 0)); then
    [[ $output == *ocirt* ]] || fail "failed without an error message: $output"
  fi
}

run_ctr ()
{
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
}

# A relative symlink target that climbs far above the rootfs and then
# names the canary.
escape_target ()
{
  echo "../../../../../../../../../../../../../..$CANARY${1:+/$1}"
}

@test "CVE-2019-19921 CVE-2023-27561 CVE-2023-28642: rootfs /proc as a symlink is rejected" {
  local t
  for t in "$CANARY/dir" "$(escape_target dir)"; do
    make_bundle "$BUNDLE" true
    rm -rf "$BUNDLE/rootfs/proc"
    ln -s "$t" "$BUNDLE/rootfs/proc"
    run_ctr
    assert_failure
    assert_output --partial '"/proc" is a symlink'
    rm -rf "$BUNDLE"
  done
  assert_canary_intact
}

@test "CVE-2023-27561: rootfs /sys as a symlink is rejected" {
  make_bundle "$BUNDLE" true
  rm -rf "$BUNDLE/rootfs/sys"
  ln -s "$CANARY/dir" "$BUNDLE/rootfs/sys"
  run_ctr
  assert_failure
  assert_output --partial '"/sys" is a symlink'
  assert_canary_intact
}

@test "CVE-2026-41579 CVE-2026-47766: rootfs /dev as a symlink is rejected" {
  local keep
  for keep in true false; do
    make_bundle "$BUNDLE" true
    rm -rf "$BUNDLE/rootfs/dev"
    ln -s "$CANARY/dir" "$BUNDLE/rootfs/dev"
    # with and without a /dev tmpfs in mounts[]
    $keep || update_config '.mounts |= map(select(.destination | startswith("/dev") | not))'
    run_ctr
    assert_failure
    assert_output --partial '"/dev" is a symlink'
    rm -rf "$BUNDLE"
  done
  assert_canary_intact
}

@test "CVE-2026-47766: devices whose path or parent is a symlink out of the rootfs stay inside" {
  make_bundle "$BUNDLE" sh -c 'ls -l /opt/devdir/ /opt/dev 2>&1; true'
  mkdir -p "$BUNDLE/rootfs/opt"
  ln -s "$CANARY/dir" "$BUNDLE/rootfs/opt/devdir"
  ln -s "$(escape_target file)" "$BUNDLE/rootfs/opt/dev"
  update_config '.linux.devices = [
    {"path": "/opt/devdir/null2", "type": "c", "major": 1, "minor": 3},
    {"path": "/opt/dev", "type": "c", "major": 1, "minor": 5}]'
  run_ctr
  failed_clearly_or_ok
  assert_canary_intact
}

@test "CVE-2025-31133: a /dev/null that is a symlink is never bind-mounted over masked paths" {
  local t
  for t in "$CANARY/file" "$(escape_target file)" /proc/sys/kernel/core_pattern; do
    make_bundle "$BUNDLE" sh -c 'echo pwned >/proc/kcore; cat /proc/kcore'
    # the rootfs's own /dev (no tmpfs over it), with /dev/null a symlink
    update_config '.mounts |= map(select(.destination | startswith("/dev") | not))
      | .linux.maskedPaths = ["/proc/kcore", "/proc/timer_list"]'
    rm -f "$BUNDLE/rootfs/dev/null"
    ln -s "$t" "$BUNDLE/rootfs/dev/null"
    local core
    core=$(cat /proc/sys/kernel/core_pattern)
    run_ctr
    assert_failure
    assert_output --partial "/dev/null is not the null device"
    [[ $(cat /proc/sys/kernel/core_pattern) == "$core" ]]
    rm -rf "$BUNDLE"
  done
  assert_canary_intact
}

@test "CVE-2025-52565: a /dev/console symlink is not followed for the console bind" {
  requires recvtty
  SOCK=$BATS_TEST_TMPDIR/console.sock
  "$RECVTTY" "$SOCK" "$BATS_TEST_TMPDIR/tty.out" </dev/null \
    >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
  RECV_PID=$!
  wait_for_file "$SOCK"
  # Out of the rootfs (absolute and climbing), and at files that exist
  # inside the container: a procfs file (the target of the published
  # attack) and a file of the image.  After pivot_root only the last two
  # resolve, so only they show a runtime that follows the link.
  local t
  for t in "$CANARY/file" "$(escape_target file)" \
    /proc/sys/kernel/core_pattern /etc/console-target; do
    make_bundle "$BUNDLE" sh -c 'echo the-end'
    # (no maskedPaths: the rootfs's /dev has no null device to bind)
    update_config '.process.terminal = true
      | .mounts |= map(select(.destination != "/dev"))
      | .linux.maskedPaths = []'
    mkdir -p "$BUNDLE/rootfs/dev/pts"
    ln -s pts/ptmx "$BUNDLE/rootfs/dev/ptmx"
    rm -f "$BUNDLE/rootfs/dev/console"
    ln -s "$t" "$BUNDLE/rootfs/dev/console"
    echo intact >"$BUNDLE/rootfs/etc/console-target"
    id=$(new_id)
    run create_container "$id" --console-socket "$SOCK"
    assert_failure
    [[ $output == *console* ]] || fail "unclear error: $output"
    [[ $(cat "$BUNDLE/rootfs/etc/console-target") == intact ]]
    rm -rf "$BUNDLE"
  done
  assert_canary_intact
}

@test "CVE-2021-30465 CVE-2019-18837: mount destinations that are symlinks out of the rootfs stay inside" {
  local src=$BATS_TEST_TMPDIR/src m
  mkdir -p "$src"
  echo from-src >"$src/f"
  local cases=(
    '{"destination": "/mnt/rel", "type": "tmpfs", "source": "tmpfs"}'
    '{"destination": "/mnt/abs", "type": "bind", "source": $s, "options": ["bind"]}'
    '{"destination": "/mnt/abs/sub", "type": "proc", "source": "proc"}'
    '{"destination": "/mnt/absfile", "type": "bind", "source": ($s + "/f"), "options": ["bind"]}'
    '{"destination": ("/../../../../../../.." + $c + "/dir"), "type": "tmpfs", "source": "tmpfs"}'
    '{"destination": "/mnt/magic/x", "type": "tmpfs", "source": "tmpfs"}'
  )
  for m in "${cases[@]}"; do
    make_bundle "$BUNDLE" sh -c 'cat /proc/self/mountinfo'
    mkdir -p "$BUNDLE/rootfs/mnt"
    ln -s "$(escape_target dir)" "$BUNDLE/rootfs/mnt/rel"
    ln -s "$CANARY/dir" "$BUNDLE/rootfs/mnt/abs"
    ln -s "$CANARY/file" "$BUNDLE/rootfs/mnt/absfile"
    ln -s /proc/self/cwd "$BUNDLE/rootfs/mnt/magic"
    update_config --arg s "$src" --arg c "$CANARY" ".mounts += [$m]"
    run_ctr
    failed_clearly_or_ok
    if ((status == 0)); then
      # the mount landed at the in-root meaning of the name
      assert_output --regexp " ($CANARY/dir|/mnt/magic/x)(/sub)? "
    fi
    rm -rf "$BUNDLE"
    assert_canary_intact
  done
}

@test "CVE-2024-45310: directories for mount destinations are never created outside" {
  make_bundle "$BUNDLE" true
  mkdir -p "$BUNDLE/rootfs/mnt"
  ln -s "$CANARY/dir" "$BUNDLE/rootfs/mnt/abs"
  ln -s "$(escape_target dir)" "$BUNDLE/rootfs/mnt/rel"
  # a dangling link whose target does not exist yet
  ln -s "$CANARY/newdir" "$BUNDLE/rootfs/mnt/dangling"
  update_config --arg f "$BATS_TEST_TMPDIR/canary/file" '.mounts += [
    {"destination": "/mnt/abs/a/b/c", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/mnt/rel/d/e", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/mnt/dangling/f", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/mnt/abs/newfile", "type": "bind", "source": $f, "options": ["bind"]}]'
  run_ctr
  failed_clearly_or_ok
  [[ ! -e $CANARY/newdir ]]
  assert_canary_intact
}

@test "CVE-2019-16884 CVE-2025-52881: sysctl writes never land in a file mounted over /proc" {
  local fake=$BATS_TEST_TMPDIR/fakesys
  mkdir -p "$fake/kernel"
  echo original >"$fake/kernel/domainname"
  make_bundle "$BUNDLE" true
  update_config --arg s "$fake" '.mounts += [
    {"destination": "/proc/sys", "type": "bind", "source": $s, "options": ["rbind"]}]
    | .linux.sysctl = {"kernel.domainname": "pwned"}'
  run_ctr
  assert_failure
  assert_output --partial "not on procfs"
  [[ $(cat "$fake/kernel/domainname") == original ]]
  assert_canary_intact
}

@test "CVE-2024-21626: process.cwd as /proc/self/fd/N fails or stays inside" {
  local n
  echo marker >"$BUNDLE.host-marker" 2>/dev/null || true
  # A file only the host has: read by climbing from the cwd (any host
  # directory, at any depth, leads to it; in the root the name is absent).
  local secret=$BATS_TEST_TMPDIR/host-secret
  echo "host-secret-$$" >"$secret"
  local climb=../../../../../../../../../../../../../../..$secret
  for n in 3 4 5 6 7 8 9 10; do
    make_bundle "$BUNDLE" sh -c "readlink /proc/self/cwd; ls -a;
      cat ../../../../../etc/hostname 2>/dev/null; cat $climb 2>/dev/null"
    update_config --arg c "/proc/self/fd/$n" '.process.cwd = $c'
    run_ctr
    failed_clearly_or_ok
    if ((status == 0)); then
      refute_output --partial unreachable
      refute_output --partial "$(hostname)"
      refute_output --partial host-marker
      refute_output --partial "host-secret-$$"
    fi
    rm -rf "$BUNDLE"
  done
  # A host directory passed in on purpose (--preserve-fds, as a leaked fd
  # would be): the fd is the process's, but a cwd through it lies outside
  # the root and must be refused, by run and by exec.
  local sh="readlink /proc/self/cwd; ls -a; cat $climb 2>/dev/null"
  make_bundle "$BUNDLE" sh -c "$sh"
  update_config '.process.cwd = "/proc/self/fd/3"'
  run with_host_dir_fd3 run --preserve-fds 1 --bundle "$BUNDLE" "$(new_id)"
  failed_clearly_or_ok
  assert_failure
  refute_output --partial host-marker
  refute_output --partial "host-secret-$$"
  update_config '.process.cwd = "/" | .process.args = ["sleep", "3600"]'
  id=$(new_id)
  start_container "$id"
  run with_host_dir_fd3 exec --preserve-fds 1 --cwd /proc/self/fd/3 "$id" sh -c "$sh"
  failed_clearly_or_ok
  assert_failure
  refute_output --partial host-marker
  refute_output --partial "host-secret-$$"
  rm -f "$BUNDLE.host-marker"
  assert_canary_intact
}

# The runtime with fd 3 open on the test's host temp directory.
with_host_dir_fd3 ()
{
  timeout --kill-after=5 "$OCIRT_TIMEOUT" "$OCIRT" --root "$OCIRT_ROOT" "$@" \
    3<"$BATS_TEST_TMPDIR" </dev/null
}

@test "CVE-2022-29162 CVE-2022-27650: inheritable capabilities are empty by default" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  [[ $(status_field "$pid" CapInh) == 0000000000000000 ]]
  run ocirt exec "$id" grep CapInh /proc/self/status
  assert_success
  assert_output --regexp 'CapInh:[[:space:]]+0000000000000000'
  run ocirt exec --cap CAP_NET_ADMIN "$id" grep CapInh /proc/self/status
  assert_success
  assert_output --regexp 'CapInh:[[:space:]]+0000000000000000'
}

@test "GHSA-5g49-rx9x-qfc6: ../ in cgroupsPath is rejected" {
  local p name=ocirt-escape-$$
  for p in "/../../$name" "../$name" "/a/../../../$name" "/ok/../../$name/x"; do
    make_bundle "$BUNDLE" true
    update_config --arg p "$p" '.linux.cgroupsPath = $p'
    run_ctr
    assert_failure
    rm -rf "$BUNDLE"
  done
  [[ -z $(find /sys/fs -maxdepth 4 -name "$name*" 2>/dev/null) ]] \
    || fail "a cgroup was created outside: $(find /sys/fs -maxdepth 4 -name "$name*")"
}

@test "CVE-2026-30892: exec -u with a malformed uid is rejected" {
  make_bundle "$BUNDLE"
  id=$(new_id)
  start_container "$id"
  local u
  for u in 1x x1 "1 " -1 "1:1x" "1:" ":1" 1.0 99999999999999999999; do
    run ocirt exec -u "$u" "$id" id -u
    assert_failure
    [[ $output != 0 ]] || fail "-u '$u' ran as root"
  done
  run ocirt exec -u 1 "$id" id -u
  assert_success
  assert_output 1
  run ocirt exec -u 1:2 "$id" id -g
  assert_success
  assert_output 2
}

@test "CVE-2019-5736: the host runtime binary cannot be overwritten through /proc/self/exe" {
  local bin before
  bin=$(readlink -f "$OCIRT")
  before=$(sha256sum <"$bin")
  # the container's process is the runtime's own /proc/self/exe
  make_bundle "$BUNDLE" /proc/self/exe --version
  run_ctr
  # an attacker that writes to every /proc/N/exe it can see while the
  # runtime joins the container for exec; it records what they point at
  make_bundle "$BUNDLE.2" sh -c 'while :; do
      for e in /proc/[0-9]*/exe; do
        l=$(readlink $e 2>/dev/null) && echo "$l" >>/tmp/exes
        echo pwned 2>/dev/null >>$e
      done
    done'
  BUNDLE=$BUNDLE.2
  id=$(new_id)
  start_container "$id"
  local i
  for i in $(seq 1 15); do
    ocirt exec "$id" sh -c 'sleep 0.05' || true
  done
  ocirt exec "$id" true
  run ocirt exec "$id" sh -c 'sort -u /tmp/exes'
  assert_success
  # nothing inside ever saw the host binary by its path
  refute_output --partial "$bin"
  [[ $(sha256sum <"$bin") == "$before" ]] || fail "the runtime binary changed"
}

@test "CVE-2023-25809: /sys/fs/cgroup is read-only in a user namespace without a cgroup namespace" {
  requires userns
  make_bundle "$BUNDLE" sh -c 'mkdir /sys/fs/cgroup/ocirt-x 2>&1 && echo CREATED;
    for d in /sys/fs/cgroup/*/; do mkdir "$d/ocirt-x-$$" 2>/dev/null && echo CREATED; done;
    grep " /sys/fs/cgroup " /proc/self/mountinfo'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  update_config '.linux.namespaces = [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"},
      {"type": "mount"}, {"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  run_ctr
  assert_success
  refute_line CREATED
  assert_output --regexp ' /sys/fs/cgroup ro[, ]'
}

# exec_self_exe_sees_host_binary: a running container; exec runs the
# runtime's own /proc/self/exe as the container's process (as an image
# whose /bin/sh links to /proc/self/exe would), kept alive on a FIFO,
# while a second process of the container reads every /proc/N/exe.  The
# output lists what the container saw.
exec_self_exe_sees_host_binary ()
{
  local id=$1
  ocirt exec "$id" sh -c 'mkdir -p /tmp/b /tmp/st && mkfifo /tmp/b/config.json'
  ocirt exec "$id" /proc/self/exe --root /tmp/st create --bundle /tmp/b x \
    >/dev/null 2>&1 &
  local pid=$!
  run ocirt exec "$id" sh -c 'for i in $(seq 50); do
      for e in /proc/[0-9]*/exe; do readlink $e; done | grep -v "^/bin/busybox$" \
        && break
      sleep 0.1
    done
    timeout 5 sh -c "echo {} >/tmp/b/config.json"'
  wait "$pid" || true
}

@test "CVE-2019-5736: exec of /proc/self/exe never shows the host binary (no CAP_SYS_PTRACE)" {
  local bin
  bin=$(readlink -f "$OCIRT")
  make_bundle "$BUNDLE"
  id=$(new_id)
  start_container "$id"
  exec_self_exe_sees_host_binary "$id"
  echo "# the container saw: ${output//$'\n'/ }" >&3
  refute_output --partial "$bin"
}

@test "CVE-2019-5736: exec of /proc/self/exe never shows the host binary (CAP_SYS_PTRACE)" {
  local bin
  bin=$(readlink -f "$OCIRT")
  make_bundle "$BUNDLE"
  update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])
    | .process.capabilities.ambient = []
    | .process.capabilities.inheritable = []'
  id=$(new_id)
  start_container "$id"
  exec_self_exe_sees_host_binary "$id"
  echo "# the container saw: ${output//$'\n'/ }" >&3
  refute_output --partial "$bin"
}
