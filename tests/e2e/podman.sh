#!/bin/bash
# podman (through conmon) with ocirt as its OCI runtime: running
# containers and their life cycle.  Everything podman keeps goes to a
# private temp dir.  Prints TAP; exits non-zero if a scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
# shellcheck source=lib/tap.bash
. "$SRCDIR/tests/e2e/lib/tap.bash"
# shellcheck source=lib/podman.bash
. "$SRCDIR/tests/e2e/lib/podman.bash"

podman_begin

# logs_grep NAME GREP-ARGS...: grep the container's log
logs_grep ()
{
  P logs "$1" 2>&1 | grep "${@:2}"
}

# logs_count NAME WORD: lines of the container's log holding WORD
logs_count ()
{
  P logs "$1" | grep -c "$2"
}

run_output ()
{
  local out
  out=$(R "$IMAGE" sh -c 'echo out; echo err >&2' 2>&1)
  expect_eq "$out" $'out\nerr' "stdout and stderr"
}
t "run --rm prints stdout and stderr" run_output

run_status ()
{
  local rc=0
  R "$IMAGE" sh -c 'exit 7' || rc=$?
  expect_eq "$rc" 7 "exit status"
}
t "run --rm returns the exit status" run_status

run_126 ()
{
  local rc=0 out
  out=$(R "$IMAGE" /etc/passwd 2>&1) || rc=$?
  expect_eq "$rc" 126 "exit status of a non-executable command" || return 1
  expect_match "$out" "ermission denied" "error text"
}
t "run of a non-executable command exits 126" run_126

run_127 ()
{
  local rc=0 out
  out=$(R "$IMAGE" /no/such/cmd 2>&1) || rc=$?
  expect_eq "$rc" 127 "exit status of a missing command" || return 1
  expect_match "$out" "/no/such/cmd" "error text"
}
t "run of a missing command exits 127" run_127

run_stdin ()
{
  local out
  out=$(printf 'line1\nline2\n' | P run --rm -i --network none "$IMAGE" sh -c 'wc -l; [ -t 0 ] || echo notty')
  expect_eq "$out" $'2\nnotty' "output of wc -l on stdin"
}
t "run -i passes stdin" run_stdin

run_tty ()
{
  local out
  # script gives podman a terminal; the container gets its own pty
  out=$(SHELL=/bin/bash timeout -k 5 70 script -qec \
    "$(declare -f P); W=$W; RUNROOT=$RUNROOT; P_FG=--foreground; P_TIMEOUT=60; \
    P run --rm -it --network none $IMAGE sh -c '[ -t 0 ] && [ -t 1 ] && tty; exit 3'; echo rc=\$?" \
    /dev/null </dev/null | tr -d '\r')
  expect_match "$out" "/dev/pts/[0-9]+" "tty inside the container" || return 1
  expect_match "$out" "rc=3" "exit status through the pty"
}
t "run -it gives the process a pty" run_tty

create_init_start ()
{
  local id st
  id=$(P create --network none --name cis "$IMAGE" sh -c 'echo started; sleep 100') || return 1
  expect_eq "$(status_of cis)" created "status after create" || return 1
  P init cis >/dev/null || return 1
  expect_eq "$(status_of cis)" initialized "status after init" || return 1
  [[ -f /run/ocirt/$id/state.json ]] || fail "no ocirt state for $id after init" || return 1
  # created but not started: the user process has not run yet
  [[ -z $(P logs cis) ]] || fail "output before start: $(P logs cis)" || return 1
  P start cis >/dev/null || return 1
  expect_eq "$(status_of cis)" running "status after start" || return 1
  wait_for 50 logs_grep cis -qx started || fail "no output after start" || return 1
  P_rm -f -t 0 cis || return 1
  [[ ! -e /run/ocirt/$id ]] || fail "ocirt state left after rm -f"
}
t "create, init and start" create_init_start

run_detached ()
{
  local id pid st
  id=$(P run -d --network none --name det "$IMAGE" sleep 1000) || return 1
  expect_eq "$(status_of det)" running "status after run -d" || return 1
  grep -q '^det Up' <<<"$(P ps --format '{{.Names}} {{.Status}}')" || fail "not listed by ps" || return 1
  pid=$(pid_of det)
  grep -q sleep "/proc/$pid/cmdline" || fail "host pid $pid is not the sleep" || return 1
  [[ -d /run/ocirt/$id ]] || fail "no ocirt state for $id under /run/ocirt" || return 1
  P_rm -f det || return 1
  ! kill -0 "$pid" 2>/dev/null || fail "process $pid survived rm -f" || return 1
  [[ -z $(P ps -a -q --filter name='^det$') ]] || fail "still listed after rm -f" || return 1
  [[ ! -e /run/ocirt/$id ]] || fail "ocirt state left after rm -f"
}
t "run -d, ps and rm -f of a running container" run_detached

stop_term ()
{
  P run -d --network none --name stopterm "$IMAGE" \
    sh -c 'trap "echo got-term; exit 5" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null || return 1
  wait_for 50 logs_grep stopterm -q ready || fail "not ready" || return 1
  P stop -t 10 stopterm >/dev/null || return 1
  expect_eq "$(P inspect -f '{{.State.ExitCode}}' stopterm)" 5 "exit code after TERM" || return 1
  expect_eq "$(P logs stopterm | tail -n1)" got-term "the trap ran" || return 1
  P_rm stopterm
}
t "stop delivers SIGTERM" stop_term

stop_kill ()
{
  local start=$SECONDS pid
  P run -d --network none --name stopkill "$IMAGE" \
    sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null || return 1
  wait_for 50 logs_grep stopkill -q ready || fail "not ready" || return 1
  pid=$(pid_of stopkill)
  P stop -t 1 stopkill >/dev/null 2>&1 || return 1
  expect_eq "$(P inspect -f '{{.State.ExitCode}}' stopkill)" 137 "exit code after escalation to KILL" || return 1
  ! kill -0 "$pid" 2>/dev/null || fail "process survived"
  P_rm stopkill
}
t "stop escalates to SIGKILL" stop_kill

kill_signal ()
{
  P run -d --network none --name ksig "$IMAGE" \
    sh -c 'trap "echo got-usr1" USR1; trap "echo got-hup; exit 9" HUP; echo ready; while :; do sleep 0.1; done' >/dev/null || return 1
  wait_for 50 logs_grep ksig -q ready || fail "not ready" || return 1
  P kill -s USR1 ksig >/dev/null || return 1
  wait_for 50 logs_grep ksig -q got-usr1 || fail "USR1 not delivered: $(P logs ksig)" || return 1
  expect_eq "$(status_of ksig)" running "status after USR1" || return 1
  P kill -s HUP ksig >/dev/null || return 1
  P wait ksig >/dev/null
  expect_eq "$(P inspect -f '{{.State.ExitCode}}' ksig)" 9 "exit code after HUP" || return 1
  P_rm ksig
}
t "kill -s delivers the signal" kill_signal

top_ps ()
{
  local out
  P run -d --network none --name topc "$IMAGE" sh -c 'sleep 1000 & sleep 999' >/dev/null || return 1
  out=$(P top topc pid args) || return 1
  grep -q 'sleep 1000' <<<"$out" && grep -q 'sleep 999' <<<"$out" || fail "top: $out" || return 1
  P_rm -f -t 0 topc
}
t "top lists the container's processes" top_ps

restart_cmd ()
{
  local pid1 pid2
  P run -d --network none --name rst "$IMAGE" sh -c 'echo run; sleep 1000' >/dev/null || return 1
  pid1=$(pid_of rst)
  P restart -t 0 rst >/dev/null || return 1
  pid2=$(pid_of rst)
  expect_eq "$(status_of rst)" running "status after restart" || return 1
  [[ $pid1 != "$pid2" ]] || fail "same pid $pid1 after restart" || return 1
  ! kill -0 "$pid1" 2>/dev/null || fail "old process $pid1 still alive" || return 1
  wait_for 50 out_is 2 logs_count rst run || fail "logs: $(P logs rst)" || return 1
  P_rm -f -t 0 rst
}
t "restart runs the container again" restart_cmd

restart_policy ()
{
  local n
  P run -d --network none --name rpol --restart on-failure:1 "$IMAGE" sh -c 'echo try; exit 3' >/dev/null || return 1
  # one restart, then it stays exited with the command's status
  wait_for 300 out_is 1exited P inspect -f '{{.RestartCount}}{{.State.Status}}' rpol \
    || fail "restart count/status: $(P inspect -f '{{.RestartCount}} {{.State.Status}}' rpol)" || return 1
  n=$(P logs rpol | grep -c try)
  expect_eq "$n" 2 "runs" || return 1
  expect_eq "$(P inspect -f '{{.State.ExitCode}}' rpol)" 3 "exit code" || return 1
  P_rm rpol
}
t "restart policy on-failure:1" restart_policy

stats_cmd ()
{
  local out
  P run -d --network none --name stc --memory 64m "$IMAGE" sleep 1000 >/dev/null || return 1
  out=$(P stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' stc) || return 1
  expect_match "$out" '^stc [0-9.]+[kMG]?i?B / 6[0-9.]+MB 1$' "stats" || return 1
  P_rm -f -t 0 stc
}
t "stats reads the container's cgroup" stats_cmd

logs_cmd ()
{
  local out
  P run --network none --name lg "$IMAGE" sh -c 'echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three' >/dev/null 2>&1 || return 1
  out=$(P logs lg 2>&1) || return 1
  expect_eq "$out" $'one\ntwo\nthree' "logs" || return 1
  P_rm lg
}
t "logs holds stdout and stderr" logs_cmd

attach_cmd ()
{
  local out
  P run -d -i --network none --name att "$IMAGE" sh -c 'read line; echo "got:$line"' >/dev/null || return 1
  out=$(echo hello | P attach att 2>&1)
  expect_eq "$out" "got:hello" "attach output" || return 1
  P wait att >/dev/null
  P_rm att
}
t "attach connects stdin and stdout" attach_cmd

runtime_log ()
{
  # podman shows the runtime's error from its JSON log
  local out
  out=$(R --workdir /etc/passwd/x "$IMAGE" true 2>&1) && fail "ran with a file as workdir" && return 1
  expect_match "$out" 'ocirt' "error names the runtime"
}
t "errors of ocirt reach podman" runtime_log

called ()
{
  ocirt_was_called "$CALLS" create start kill delete || return 1
  grep -qE -- '--log-format[= ]json' "$CALLS" || fail "no --log-format json (runtime_supports_json)" || return 1
  grep -q -- '--console-socket' "$CALLS" || fail "no create with --console-socket for -it"
}
t "podman called ocirt (argv log)" called

t_done
