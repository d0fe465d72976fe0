#!/usr/bin/env bats
# linux.seccomp: actions, errno values, argument filters, architectures,
# flags, the notify listener and a container engine's default profile.

load helpers

AGENT=${SECCOMP_AGENT:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/helpers/seccomp-agent}
PODMAN_PROFILE=${PODMAN_PROFILE:-/usr/share/containers/seccomp.json}

# with_seccomp JSON: set linux.seccomp of $BUNDLE to JSON.
with_seccomp ()
{
  update_config '.linux.seccomp = ($s | fromjson)' --arg s "$1"
}

# A rule list: rule NAMES-JSON ACTION [EXTRA-JSON]
rule ()
{
  jq -cn --argjson names "$1" --arg action "$2" --argjson extra "${3:-{\}}" \
    '{names: $names, action: $action} + $extra'
}

# run_seccomp SECCOMP-JSON ARG...: run ARG... under SECCOMP-JSON, in a
# fresh bundle.
run_seccomp ()
{
  local sec=$1
  shift
  rm -rf "$BUNDLE"
  make_bundle "$BUNDLE" "$@"
  with_seccomp "$sec"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
}

allow_but ()
{
  jq -cn --argjson rules "[$(
    IFS=,
    echo "$*"
  )]" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: $rules}'
}

# podman's default profile as podman hands it to the runtime on x86_64
# for a container without extra capabilities: the native architectures
# of its archMap, rules included for amd64 and for no capability.
podman_profile ()
{
  [[ -r $PODMAN_PROFILE ]] \
    || skip "$PODMAN_PROFILE missing (Debian: golang-github-containers-common)"
  [[ $(uname -m) == x86_64 ]] || skip "profile conversion written for x86_64"
  jq -c '{
    defaultAction,
    defaultErrnoRet,
    architectures: [.archMap[] | select(.architecture == "SCMP_ARCH_X86_64")
                    | .architecture, .subArchitectures[]],
    syscalls: [.syscalls[]
      | select((.includes.caps // []) == [])
      | select((.includes.arches // []) == []
               or any(.includes.arches[]; . == "amd64"))
      | select(any(.excludes.arches[]?; . == "amd64") | not)
      | {names, action}
        + (if .errnoRet then {errnoRet} else {} end)
        + (if .args then {args} else {} end)]
  }' "$PODMAN_PROFILE"
}

@test "a blocked syscall fails with EPERM, others still work" {
  run_seccomp "$(allow_but "$(rule '["mkdir","mkdirat"]' SCMP_ACT_ERRNO)")" \
    sh -c 'echo hello; mkdir /tmp/d; echo "rc=$?"; touch /tmp/f && echo touched'
  assert_success
  assert_line hello
  assert_line --partial "can't create directory '/tmp/d': Operation not permitted"
  assert_line rc=1
  assert_line touched
}

@test "errnoRet sets the errno of a rule" {
  run_seccomp "$(allow_but "$(rule '["mkdir","mkdirat"]' SCMP_ACT_ERRNO '{"errnoRet":38}')")" \
    mkdir /tmp/d
  assert_failure 1
  assert_output --partial "Function not implemented"
}

@test "defaultErrnoRet sets the errno of the default action, EPERM without it" {
  local profile
  profile=$(podman_profile) || exit 1
  # Take mkdir out of the allow list: it falls to the default action.
  profile=$(jq -c '.syscalls |= map(.names -= ["mkdir", "mkdirat"])' <<<"$profile")
  run_seccomp "$profile" mkdir /tmp/d
  assert_failure 1
  assert_output --partial "Function not implemented"

  run_seccomp "$(jq -c 'del(.defaultErrnoRet)' <<<"$profile")" mkdir /tmp/d
  assert_failure 1
  assert_output --partial "Operation not permitted"
}

@test "argument filters: SCMP_CMP_EQ on one argument ORs, SCMP_CMP_MASKED_EQ" {
  # chmod to 0700 or 0600 is refused, and (mode & 0007) == 0007 as well.
  local eq masked
  eq=$(rule '["chmod","fchmodat"]' SCMP_ACT_ERRNO \
    '{"args":[{"index":1,"value":448,"op":"SCMP_CMP_EQ"},
              {"index":1,"value":384,"op":"SCMP_CMP_EQ"}]}')
  masked=$(rule '["chmod","fchmodat"]' SCMP_ACT_ERRNO \
    '{"errnoRet":38,"args":[{"index":1,"value":7,"valueTwo":7,"op":"SCMP_CMP_MASKED_EQ"}]}')
  run_seccomp "$(allow_but "$eq" "$masked")" sh -c '
    touch /tmp/f
    for m in 700 600 644 757 750 777; do chmod $m /tmp/f; echo "$m=$?"; done
    stat -c %a /tmp/f'
  assert_success
  assert_line 700=1
  assert_line 600=1
  assert_line 644=0
  assert_line 757=1
  assert_line 750=0
  assert_line 777=1
  assert_line 750
  assert_output --partial "Function not implemented"
}

@test "several architectures are accepted and filtered" {
  local sec
  sec=$(allow_but "$(rule '["mkdir","mkdirat"]' SCMP_ACT_ERRNO '{"errnoRet":38}')" \
    | jq -c '.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]')
  run_seccomp "$sec" sh -c 'mkdir /tmp/d; echo "rc=$?"'
  assert_success
  assert_line rc=1
  assert_output --partial "Function not implemented"
}

@test "an architecture libseccomp does not know is refused" {
  local arch
  arch=$(comm -23 \
    <(printf '%s\n' SCMP_ARCH_{X86,X86_64,X32,ARM,AARCH64,LOONGARCH64,M68K,MIPS,MIPS64,MIPS64N32,MIPSEL,MIPSEL64,MIPSEL64N32,PPC,PPC64,PPC64LE,S390,S390X,PARISC,PARISC64,RISCV64,SH,SHEB} | sort) \
    <(ocirt features | jq -r '.linux.seccomp.archs[]' | sort) | head -n 1)
  [[ -n $arch ]] || skip "libseccomp knows every architecture of the spec"
  run_seccomp "$(jq -cn --arg a "$arch" '{defaultAction: "SCMP_ACT_ALLOW", architectures: [$a]}')" true
  assert_failure 1
  assert_output --partial "linux.seccomp.architectures[0]: $arch"
  # Nothing is left of the failed create.
  run ocirt list -q
  assert_success
  assert_output ""
}

@test "SCMP_ACT_LOG allows the syscall" {
  run_seccomp "$(allow_but "$(rule '["mkdir","mkdirat"]' SCMP_ACT_LOG)")" \
    sh -c 'mkdir /tmp/d && test -d /tmp/d && echo made'
  assert_success
  assert_output made
}

@test "SCMP_ACT_KILL_PROCESS and SCMP_ACT_KILL end the process with SIGSYS" {
  local act
  for act in SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL SCMP_ACT_KILL_THREAD; do
    run_seccomp "$(allow_but "$(rule '["mkdir","mkdirat"]' "$act")")" mkdir /tmp/d
    assert_failure 159
    # The process is dead before the syscall ran.
    [[ ! -e $BUNDLE/rootfs/tmp/d ]] || fail "$act: mkdir ran"
  done
}

@test "SCMP_ACT_TRAP raises SIGSYS the process can handle" {
  # chdir from the shell itself: the trap handler runs, the shell goes on.
  run_seccomp "$(allow_but "$(rule '["chdir"]' SCMP_ACT_TRAP)")" \
    sh -c 'trap "echo caught SIGSYS" SYS; cd /tmp; echo after'
  assert_success
  assert_line "caught SIGSYS"
  assert_line after
  # Without a handler the process dies of it.
  run_seccomp "$(allow_but "$(rule '["mkdir","mkdirat"]' SCMP_ACT_TRAP)")" mkdir /tmp/d
  assert_failure 159
}

@test "filter flags are applied at load time" {
  local flags
  flags=$(ocirt features | jq -c '.linux.seccomp.supportedFlags')
  [[ $flags != '[]' ]] || skip "the kernel supports no seccomp filter flag"
  run_seccomp "$(allow_but "$(rule '["mkdir","mkdirat"]' SCMP_ACT_ERRNO)" \
    | jq -c --argjson f "$flags" '.flags = $f')" sh -c 'mkdir /tmp/d; echo "rc=$?"'
  assert_success
  assert_line rc=1
}

@test "the filter also applies without noNewPrivileges" {
  # Loaded early, while the init still holds CAP_SYS_ADMIN.
  make_bundle "$BUNDLE" sh -c 'grep NoNewPrivs /proc/self/status; mkdir /tmp/d; echo "rc=$?"'
  update_config '.process.noNewPrivileges = false'
  with_seccomp "$(allow_but "$(rule '["mkdir","mkdirat"]' SCMP_ACT_ERRNO '{"errnoRet":38}')")"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line --regexp '^NoNewPrivs:[[:space:]]+0$'
  assert_line rc=1
  assert_output --partial "Function not implemented"
}

# start_agent ERRNO: the notify agent on $SOCK, state to $STATE_OUT.
start_agent ()
{
  [[ -x $AGENT ]] || skip "$AGENT not built (make check builds it)"
  SOCK=$BATS_TEST_TMPDIR/agent.sock
  STATE_OUT=$BATS_TEST_TMPDIR/agent-state.json
  AGENT_LOG=$BATS_TEST_TMPDIR/agent.log
  "$AGENT" "$SOCK" "$STATE_OUT" "$1" </dev/null >"$AGENT_LOG" 2>&1 3>&- &
  AGENT_PID=$!
  wait_for_file "$SOCK"
}

notify_seccomp ()
{
  allow_but "$(rule '["mkdir","mkdirat"]' SCMP_ACT_NOTIFY)" \
    | jq -c --arg p "$SOCK" '.listenerPath = $p | .listenerMetadata = "meta \"data\""'
}

@test "SCMP_ACT_NOTIFY: the agent gets the state and the fd, and answers" {
  local id
  start_agent 0
  id=$(new_id)
  make_bundle "$BUNDLE" sh -c \
    'mkdir /tmp/n; echo "rc=$?"; if [ -d /tmp/n ]; then echo made; else echo absent; fi'
  with_seccomp "$(notify_seccomp)"
  run ocirt run --bundle "$BUNDLE" "$id" </dev/null
  assert_success
  # The agent made mkdir succeed without running it.
  assert_line rc=0
  assert_line absent
  wait_pid "$AGENT_PID" 10 || fail "agent failed: $(cat "$AGENT_LOG")"
  run cat "$AGENT_LOG"
  assert_output --regexp '^answered syscall (83|258) of pid [0-9]+$'
  run jq -r '[.ociVersion, (.fds | join(",")), (.pid > 0), .metadata,
              .state.status, .state.id, .state.pid == .pid] | join("|")' "$STATE_OUT"
  assert_output "1.3.0|seccompFd|true|meta \"data\"|creating|$id|true"
}

@test "SCMP_ACT_NOTIFY: the agent can fail the syscall with an errno" {
  start_agent 13
  make_bundle "$BUNDLE" mkdir /tmp/n
  with_seccomp "$(notify_seccomp)"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure 1
  assert_output --partial "Permission denied"
  wait_pid "$AGENT_PID" 10 || fail "agent failed: $(cat "$AGENT_LOG")"
}

@test "SCMP_ACT_NOTIFY with the TSYNC and WAIT_KILLABLE_RECV flags" {
  local major minor
  IFS=. read -r major minor _ <<<"$(uname -r)"
  ((major > 5 || (major == 5 && minor >= 19))) \
    || skip "WAIT_KILLABLE_RECV needs Linux 5.19, this is $(uname -r)"
  start_agent 0
  make_bundle "$BUNDLE" sh -c 'mkdir /tmp/n; echo "rc=$?"'
  with_seccomp "$(notify_seccomp | jq -c '.flags = ["SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]')"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line rc=0
  wait_pid "$AGENT_PID" 10 || fail "agent failed: $(cat "$AGENT_LOG")"
}

@test "SCMP_ACT_NOTIFY: create fails when nobody listens on listenerPath" {
  local id
  SOCK=$BATS_TEST_TMPDIR/nobody.sock
  id=$(new_id)
  make_bundle "$BUNDLE" true
  with_seccomp "$(notify_seccomp)"
  run ocirt create --bundle "$BUNDLE" "$id" </dev/null
  assert_failure
  assert_output --partial "listenerPath \"$SOCK\""
  run ocirt state "$id"
  assert_failure
}

@test "podman's default profile runs an ordinary busybox shell" {
  local profile
  profile=$(podman_profile) || exit 1
  run_seccomp "$profile" sh -c '
    set -e
    mkdir /tmp/d
    echo hello >/tmp/d/f
    cat /tmp/d/f
    ls /tmp/d
    sleep 0.1 &
    wait
    echo done'
  assert_success
  assert_line hello
  assert_line f
  assert_line done
}

@test "a malformed seccomp section gives one error line and exit 1" {
  run_seccomp '{"defaultAction":"SCMP_ACT_BOGUS"}' true
  assert_failure 1
  assert_equal "${#lines[@]}" 1
  assert_output --partial 'linux.seccomp.defaultAction: unknown seccomp action "SCMP_ACT_BOGUS"'

  run_seccomp "$(allow_but "$(rule '["mkdir"]' SCMP_ACT_ERRNO '{"args":[{"index":1,"value":1,"op":"SCMP_CMP_BOGUS"}]}')")" true
  assert_failure 1
  assert_equal "${#lines[@]}" 1
  assert_output --partial "linux.seccomp.syscalls[0].args[0].op"
}

@test "create and start work when the filter refuses openat2 and close_range" {
  # Without no_new_privs the filter goes in before the user switch, long
  # before start reopens the exec fifo: that reopen must not need a call
  # an older profile does not know (profiles made before Linux 5.6 and
  # 5.9 refuse openat2 and close_range by their default action).
  make_bundle "$BUNDLE" sh -c 'echo started'
  update_config '.process.noNewPrivileges = false'
  with_seccomp "$(jq -cn --argjson r "$(rule '["openat2","close_range"]' SCMP_ACT_ERRNO)" \
    '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [$r]}')"
  id=$(new_id)
  # the container's stdout is the one create was given
  ocirt create --bundle "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/out"
  run ocirt start "$id"
  assert_success
  wait_for_status "$id" stopped
  run cat "$BATS_TEST_TMPDIR/out"
  assert_output started
}
