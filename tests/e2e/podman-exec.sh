#!/bin/bash
# podman with ocirt: exec, pause/unpause, healthchecks, --init and
# --preserve-fds.  Prints TAP; exits non-zero if a scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
. "$SRCDIR/tests/e2e/lib/tap.bash"
. "$SRCDIR/tests/e2e/lib/podman.bash"

podman_begin

# one long-running container for the exec scenarios
if ! P run -d --network none --name ex "$IMAGE" sleep 1000 >/dev/null; then
  t_not_ok "run -d a container for exec" "$(P logs ex 2>&1)"
  t_done
  exit 1
fi

exec_basic ()
{
  local out rc=0
  out=$(P exec ex sh -c 'echo in; echo err >&2' 2>&1)
  expect_eq "$out" $'in\nerr' "exec output" || return 1
  P exec ex sh -c 'exit 4' || rc=$?
  expect_eq "$rc" 4 "exec exit status" || return 1
  # the exec joins the container: same pid namespace as pid 1 (sleep)
  out=$(P exec ex cat /proc/1/cmdline | tr '\0' ' ')
  expect_eq "$out" "sleep 1000 " "pid 1 seen from the exec"
}
t "exec runs in the container, output and status" exec_basic

exec_missing ()
{
  local rc=0
  P exec ex /no/such/cmd >/dev/null 2>&1 || rc=$?
  expect_eq "$rc" 127 "exit status of a missing command" || return 1
  rc=0
  P exec ex /etc/passwd >/dev/null 2>&1 || rc=$?
  expect_eq "$rc" 126 "exit status of a non-executable command"
}
t "exec of a missing / non-executable command: 127 / 126" exec_missing

exec_env_cwd_user ()
{
  local out
  out=$(P exec -e FOO=bar -w /tmp --user 1000:1000 ex sh -c 'echo $FOO $(pwd) $(id -u):$(id -g)')
  expect_eq "$out" "bar /tmp 1000:1000" "env, cwd and ids" || return 1
  out=$(P exec --user user ex id -un)
  expect_eq "$out" user "user by name"
}
t "exec -e -w --user" exec_env_cwd_user

exec_stdin ()
{
  local out
  out=$(printf 'a\nb\nc\n' | P exec -i ex wc -l)
  expect_eq "$out" 3 "wc -l of stdin"
}
t "exec -i passes stdin" exec_stdin

exec_tty ()
{
  local out
  out=$(SHELL=/bin/bash timeout -k 5 70 script -qec \
    "$(declare -f P); W=$W; RUNROOT=$RUNROOT; P_FG=--foreground; P_TIMEOUT=60; \
    P exec -it ex sh -c '[ -t 0 ] && [ -t 1 ] && tty; exit 6'; echo rc=\$?" \
    /dev/null </dev/null | tr -d '\r')
  expect_match "$out" "/dev/pts/[0-9]+" "tty of the exec" || return 1
  expect_match "$out" "rc=6" "exit status through the pty"
}
t "exec -it gives the process a pty" exec_tty

exec_detach ()
{
  local out
  P exec -d ex sh -c 'sleep 0.3; echo detached >/tmp/d.out; exec sleep 1001' >/dev/null || return 1
  wait_for 50 P exec ex grep -q detached /tmp/d.out || fail "detached exec did not run" || return 1
  out=$(P top ex args 2>&1)
  grep -q 'sleep 1001' <<<"$out" || fail "detached exec not among the processes: $out"
}
t "exec -d runs in the background" exec_detach

exec_parallel ()
{
  local i pids=() out
  for i in 1 2 3 4 5; do
    P exec ex sh -c "sleep 0.5; echo \$\$ >/tmp/par.$i" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do
    wait "$i" || fail "an exec failed" || return 1
  done
  out=$(P exec ex sh -c 'cat /tmp/par.* | sort -u | wc -l')
  expect_eq "$out" 5 "distinct exec pids"
}
t "five parallel execs" exec_parallel

pause_unpause ()
{
  local pid state a b
  P run -d --network none --name pz "$IMAGE" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/cnt; done' >/dev/null || return 1
  pid=$(pid_of pz)
  P pause pz >/dev/null || return 1
  expect_eq "$(status_of pz)" paused "status after pause" || return 1
  state=$(awk '/^State:/ { print $2 }' "/proc/$pid/status")
  expect_eq "$state" D "process state while frozen" || fail "(freezer: $(cat "$(cgroup_dir_of "$pid" freezer)/freezer.state" 2>/dev/null))" || return 1
  a=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  sleep 0.5
  b=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  expect_eq "$b" "$a" "cpu time while paused" || return 1
  P unpause pz >/dev/null || return 1
  expect_eq "$(status_of pz)" running "status after unpause" || return 1
  sleep 0.3
  b=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  ((b > a)) || fail "no cpu time after unpause ($a -> $b)" || return 1
  P_rm -f -t 0 pz
}
t "pause freezes the processes, unpause thaws them" pause_unpause

healthcheck ()
{
  local out rc=0
  P run -d --network none --name hc --health-cmd 'test -e /tmp/healthy' "$IMAGE" sleep 1000 >/dev/null || return 1
  P healthcheck run hc >/dev/null 2>&1 && fail "healthy without /tmp/healthy" && return 1
  P exec hc touch /tmp/healthy || return 1
  out=$(P healthcheck run hc 2>&1) || rc=$?
  expect_eq "$rc" 0 "healthcheck run status ($out)" || return 1
  expect_eq "$(P inspect -f '{{.State.Health.Status}}' hc)" healthy "health status" || return 1
  P_rm -f -t 0 hc
}
t "healthcheck run executes the check in the container" healthcheck

init_opt ()
{
  local out
  out=$(R --init "$IMAGE" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$')
  expect_match "$out" "^/run/podman-init -- sh" "pid 1 is the init" || return 1
  [[ $(tail -n1 <<<"$out") != 1 ]] || fail "the command is pid 1"
}
if command -v catatonit >/dev/null || [[ -x /usr/libexec/podman/catatonit ]]; then
  t "--init runs catatonit as pid 1" init_opt
else
  t_skip "--init runs catatonit as pid 1" "catatonit not installed"
fi

preserve_fds ()
{
  local out
  out=$(R --preserve-fds 1 "$IMAGE" sh -c 'cat <&3' 3<<<"through-fd-3")
  expect_eq "$out" "through-fd-3" "data read from fd 3"
}
t "--preserve-fds passes fd 3" preserve_fds

called ()
{
  ocirt_was_called "$CALLS" create start exec pause resume delete || return 1
  grep -qE 'exec .*--process .*--detach.*--tty --console-socket' "$CALLS" || fail "no exec --tty --console-socket" || return 1
  grep -qE 'create .*--preserve-fds 1' "$CALLS" || fail "no create --preserve-fds 1"
}
t "podman called ocirt (argv log)" called

t_done
