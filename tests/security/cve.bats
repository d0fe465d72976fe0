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
  local bg
  for bg in ${RECV_PID:-} ${VICTIM_PID:-}; do
    kill "$bg" 2>/dev/null
    wait "$bg" 2>/dev/null
  done
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
  local fake=$BATS_TEST_TMPDIR/fakesys pid
  mkdir -p "$fake/kernel"
  echo original >"$fake/kernel/domainname"
  make_bundle "$BUNDLE" sleep 3600
  update_config --arg s "$fake" '.mounts += [
    {"destination": "/proc/sys", "type": "bind", "source": $s, "options": ["rbind"]}]
    | .linux.sysctl = {"kernel.domainname": "ocirt-real"}'
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  # the container's own /proc/sys is the fake...
  run ocirt exec "$id" cat /proc/sys/kernel/domainname
  assert_success
  assert_output original
  # ...but the sysctl went to the kernel, through the private procfs
  [[ $(nsenter -t "$pid" -u cat /proc/sys/kernel/domainname) == ocirt-real ]] \
    || fail "the sysctl did not reach the container's UTS namespace"
  [[ $(cat "$fake/kernel/domainname") == original ]] || fail "the fake file was written"
  assert_canary_intact
}

@test "CVE-2025-52881: oom_score_adj never lands in another process's /proc entry mounted over the container's" {
  # A process of the host whose /proc/PID directory the config mounts
  # over the container init's own /proc/1 ("self" in the container's
  # /proc): a write through the container's /proc goes to it.  (No
  # masked or read-only paths: their mounts by /proc/self/fd/N would
  # fail on the victim's fds first.)
  sleep 3600 &
  VICTIM_PID=$!
  local before
  before=$(cat "/proc/$VICTIM_PID/oom_score_adj")
  make_bundle "$BUNDLE" sleep 3600
  update_config --arg v "/proc/$VICTIM_PID" '.mounts += [
    {"destination": "/proc/1", "type": "bind", "source": $v, "options": ["bind"]}]
    | .linux.maskedPaths = [] | .linux.readonlyPaths = []
    | .process.oomScoreAdj = 777'
  id=$(new_id)
  start_container "$id"
  pid=$(container_pid "$id")
  # the container's /proc/1 really is the other process
  run ocirt exec "$id" cat /proc/1/cmdline
  assert_success
  assert_output --partial 3600
  [[ $(cat "/proc/$VICTIM_PID/oom_score_adj") == "$before" ]] \
    || fail "oom_score_adj was written into the host process $VICTIM_PID"
  [[ $(cat "/proc/$pid/oom_score_adj") == 777 ]] \
    || fail "the container init's oom_score_adj is $(cat "/proc/$pid/oom_score_adj")"
  # exec writes its own through the same kind of handle
  run ocirt exec "$id" cat /proc/self/oom_score_adj
  assert_success
  assert_output 777
  [[ $(cat "/proc/$VICTIM_PID/oom_score_adj") == "$before" ]]
}

@test "masked and read-only paths are mounted by fd, whatever is mounted over /proc/1" {
  # The same /proc/1 over-mount as above, with the default masked and
  # read-only paths: they are set up after pivot_root, where a name such
  # as /proc/self/fd/N would lead into the other process's fds.
  sleep 3600 &
  VICTIM_PID=$!
  make_bundle "$BUNDLE" sleep 3600
  update_config --arg v "/proc/$VICTIM_PID" '.mounts += [
    {"destination": "/proc/1", "type": "bind", "source": $v, "options": ["bind"]}]'
  [[ $(jq -r '.linux.maskedPaths | index("/proc/keys")' "$BUNDLE/config.json") != null ]] \
    || fail "the default config masks no /proc/keys"
  id=$(new_id)
  start_container "$id"
  run ocirt exec "$id" cat /proc/1/cmdline
  assert_success
  assert_output --partial 3600
  # /proc/keys is the null device, /proc/acpi an empty read-only tmpfs
  run ocirt exec "$id" sh -c 'stat -c %t:%T /proc/keys; ls -A /proc/acpi | wc -l;
    awk "\$5 == \"/proc/acpi\" { print \$6, \$9 }" /proc/self/mountinfo'
  assert_success
  assert_line -n 0 1:3
  assert_line -n 1 0
  assert_line -n 2 --regexp '^ro,.* tmpfs$'
  # /proc/sys is read-only (nosuid, nodev, noexec) and refuses a write
  run ocirt exec "$id" sh -c 'awk "\$5 == \"/proc/sys\" { print \$6 }" /proc/self/mountinfo;
    (echo x >/proc/sys/kernel/domainname) 2>/dev/null; echo write=$?'
  assert_success
  assert_line -n 0 --regexp '^ro,nosuid,nodev,noexec'
  assert_line -n 1 write=1
  # nothing was mounted in the other process's (the host's) namespace
  [[ -z $(awk '$5 == "/proc/acpi" || $5 == "/proc/keys"' "/proc/$VICTIM_PID/mountinfo") ]] \
    || fail "a masked path was mounted in the host's mount namespace"
}

@test "without the mount API, masked and read-only paths are still made" {
  # Kernels before 5.2 (mount_setattr: 5.12) have no mount API: masked
  # and read-only paths fall back to mount(2) on /proc/self/fd/N.
  local enosys real
  enosys=$(cd "$BATS_TEST_DIRNAME/.." && pwd)/helpers/enosys
  [[ -x $enosys ]] || skip "$enosys not built (make check builds it)"
  real=$OCIRT
  OCIRT=$BATS_TEST_TMPDIR/ocirt-nomountapi
  printf '#!/bin/sh\nexec "%s" fsopen,open_tree,move_mount,mount_setattr "%s" "$@"\n' \
    "$enosys" "$real" >"$OCIRT"
  chmod 0755 "$OCIRT"
  make_bundle "$BUNDLE" sh -c 'stat -c %t:%T /proc/keys; ls -A /proc/acpi | wc -l;
    awk "\$5 == \"/proc/acpi\" || \$5 == \"/proc/sys\" { print \$5, \$6 }" /proc/self/mountinfo'
  id=$(new_id)
  run ocirt run --bundle "$BUNDLE" "$id" </dev/null
  assert_success
  assert_line -n 0 1:3
  assert_line -n 1 0
  assert_line --regexp '^/proc/acpi ro,'
  assert_line --regexp '^/proc/sys ro,nosuid,nodev,noexec'
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

# The attacker of the CVE-2016-9962 test: it guesses the pids the
# container's pid namespace hands out next and opens /proc/PID/exe, cwd,
# root and fd/* of every process but itself, as fast as it can, until
# /stop exists.  A process whose exe is the host runtime (dev and inode
# given), or whose cwd, root or an fd is a directory outside its own
# root (".." climbs to a top that is not "/"), is an ESCAPE line.
write_ptrace_attacker ()
{
  cat >"$1" <<'END'
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXPID (1 << 22)
static unsigned char state[MAXPID]; /* 0 unseen, 1 seen, 2 done */
static struct stat root, busybox;
static dev_t host_dev;
static ino_t host_ino;
static long seen, opened, escapes;

static int same (const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A directory fd outside our root: ".." reaches a top that is not it.  */
static int outside (int fd)
{
  struct stat st, up;
  int cur = dup (fd), n, ret = 0;

  for (n = 0; cur >= 0 && n < 4096; n++)
    {
      int next;
      if (fstat (cur, &st) < 0 || same (&st, &root))
        break;
      next = openat (cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (next < 0 || fstat (next, &up) < 0)
        break;
      close (cur);
      cur = next;
      if (same (&st, &up))
        {
          ret = 1;
          break;
        }
    }
  if (cur >= 0)
    close (cur);
  return ret;
}

static void report (const char *what, int pid, const char *detail)
{
  char link[4096] = "";
  ssize_t n = readlink (detail, link, sizeof link - 1);
  if (n > 0)
    link[n] = '\0';
  printf ("ESCAPE %s pid %d %s -> %s\n", what, pid, detail, link);
  fflush (stdout);
  escapes++;
}

static void check_dir (int pid, const char *name)
{
  char p[64];
  int fd;
  snprintf (p, sizeof p, "/proc/%d/%s", pid, name);
  fd = open (p, O_PATH | O_CLOEXEC);
  if (fd < 0)
    return;
  struct stat st;
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode) && outside (fd))
    report (name, pid, p);
  close (fd);
}

static void check_fds (int pid)
{
  char p[64];
  struct dirent *de;
  DIR *d;
  snprintf (p, sizeof p, "/proc/%d/fd", pid);
  d = opendir (p);
  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      snprintf (p, sizeof p, "/proc/%d/fd/%s", pid, de->d_name);
      check_dir (pid, p + snprintf (NULL, 0, "/proc/%d/", pid));
    }
  closedir (d);
}

static void probe (int pid)
{
  char p[64];
  struct stat st;
  int fd;

  snprintf (p, sizeof p, "/proc/%d/exe", pid);
  fd = open (p, O_PATH | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT && state[pid] == 1)
        state[pid] = 2; /* gone */
      else if (errno != ENOENT && state[pid] == 0)
        {
          state[pid] = 1;
          seen++;
        }
      return;
    }
  if (state[pid] == 0)
    seen++;
  state[pid] = 1;
  opened++;
  if (fstat (fd, &st) == 0)
    {
      if (st.st_dev == host_dev && st.st_ino == host_ino)
        {
          report ("exe", pid, p);
          state[pid] = 2; /* once is enough */
        }
      else if (same (&st, &busybox))
        state[pid] = 2; /* a program of the container now */
    }
  close (fd);
  check_dir (pid, "cwd");
  check_dir (pid, "root");
  check_fds (pid);
}

int main (int argc, char **argv)
{
  int self = getpid (), lo = 1;
  unsigned long i;

  if (argc != 3 || stat ("/", &root) < 0 || stat ("/bin/busybox", &busybox) < 0)
    return 2;
  host_dev = (dev_t)strtoull (argv[1], NULL, 10);
  host_ino = (ino_t)strtoull (argv[2], NULL, 10);
  state[self] = 2;
  printf ("READY\n");
  fflush (stdout);
  for (i = 0;; i++)
    {
      int pid;
      while (lo < MAXPID - 64 && state[lo] == 2)
        lo++;
      for (pid = lo; pid < lo + 48; pid++)
        if (state[pid] != 2)
          probe (pid);
      if (i % 256 == 0)
        {
          FILE *f = fopen ("/seen.tmp", "w");
          if (f != NULL)
            {
              fprintf (f, "%ld\n", seen);
              if (fclose (f) == 0)
                rename ("/seen.tmp", "/seen");
            }
          if (access ("/stop", F_OK) == 0)
            break;
        }
    }
  printf ("STATS seen %ld opened %ld escapes %ld\n", seen, opened, escapes);
  fflush (stdout);
  return 0;
}
END
}

@test "CVE-2016-9962: a process joining a user-namespaced container cannot be inspected before execve" {
  requires userns
  command -v gcc >/dev/null || skip "needs gcc (static) to build the attacker"
  local bin host n
  bin=$(readlink -f "$OCIRT")
  host=$(stat -c '%d %i' "$bin")
  make_bundle "$BUNDLE" /bin/attacker $host
  write_ptrace_attacker "$BATS_TEST_TMPDIR/attacker.c"
  gcc -static -O2 -o "$BUNDLE/rootfs/bin/attacker" "$BATS_TEST_TMPDIR/attacker.c" \
    || fail "cannot build the attacker"
  chown -R 100000:100000 "$BUNDLE/rootfs"
  # Root of the container holds CAP_SYS_PTRACE, in its user namespace
  # only: ptrace access to a joining process still running as the host's
  # root then rests on that process being non-dumpable.
  update_config '.linux.namespaces = [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"},
      {"type": "mount"}, {"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])
    | .process.capabilities.ambient = [] | .process.capabilities.inheritable = []'
  id=$(new_id)
  start_container "$id"
  wait_for_file "$BATS_TEST_TMPDIR/$id.out" READY
  # Joins until the attacker has seen 64 processes (it reports its count
  # in /seen; how many of the short-lived joiners it catches depends on
  # the scheduling), bounded in time and number.
  local end=$((SECONDS + 30)) seen=0
  n=0
  while ((n < 1000 && SECONDS < end && seen < 64)); do
    ocirt exec "$id" true || fail "exec $n failed"
    n=$((n + 1))
    if ((n % 8 == 0)); then
      seen=$(cat "$BUNDLE/rootfs/seen" 2>/dev/null) || seen=0
    fi
  done
  touch "$BUNDLE/rootfs/stop"
  wait_for_file "$BATS_TEST_TMPDIR/$id.out" STATS
  run container_output "$id"
  echo "# $n execs; attacker: $(grep STATS <<<"$output")" >&3
  refute_output --partial ESCAPE
  # the attacker did see the joining processes (it would otherwise prove
  # nothing)
  [[ $(sed -n 's/^STATS seen \([0-9]*\) .*/\1/p' <<<"$output") -ge 64 ]] \
    || fail "the attacker saw too few processes in $n execs: $output"
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
