#!/usr/bin/env bats
# Process attributes: user, groups, capabilities, rlimits, no_new_privs,
# oom_score_adj, umask, cwd, env.

load helpers

# run_process JQ-EXPR ARG...: run ARG... in a container whose config is
# edited with JQ-EXPR; the output is in $output.
run_process ()
{
  local expr=$1
  shift
  make_bundle "$BUNDLE" "$@"
  update_config "$expr"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
}

# Field of the /proc/self/status printed by the container.
field ()
{
  awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' <<<"$output"
}

@test "process.user sets uid, gid and additional gids" {
  run_process '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20]}' \
    cat /proc/self/status
  assert_success
  assert_equal "$(field Uid)" "1000 1000 1000 1000"
  assert_equal "$(field Gid)" "1000 1000 1000 1000"
  assert_equal "$(field Groups | xargs)" "10 20"
}

@test "uid 0 without additionalGids has no supplementary groups" {
  run_process '.process.user = {"uid": 0, "gid": 0}' cat /proc/self/status
  assert_success
  assert_equal "$(field Uid)" "0 0 0 0"
  assert_equal "$(field Groups | xargs)" ""
}

@test "capability sets of a non-root process match the config" {
  # For a non-root process, only ambient capabilities survive execve:
  # permitted and effective are set to equal ambient here.
  run_process '.process.user = {"uid": 1000, "gid": 1000}
    | .process.capabilities = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
                     "CAP_NET_BIND_SERVICE"],
        "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "ambient": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}' \
    cat /proc/self/status
  assert_success
  assert_equal "$(field CapBnd)" 00000000000004e1
  assert_equal "$(field CapInh)" 0000000000000420
  assert_equal "$(field CapPrm)" 0000000000000420
  assert_equal "$(field CapEff)" 0000000000000420
  assert_equal "$(field CapAmb)" 0000000000000420
}

@test "capability sets of a root process match the config" {
  run_process '.process.user = {"uid": 0, "gid": 0}
    | .process.capabilities = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"]}' \
    cat /proc/self/status
  assert_success
  assert_equal "$(field CapBnd)" 0000000000000421
  assert_equal "$(field CapPrm)" 0000000000000421
  assert_equal "$(field CapEff)" 0000000000000421
  assert_equal "$(field CapInh)" 0000000000000000
  assert_equal "$(field CapAmb)" 0000000000000000
}

@test "no capabilities object leaves the process without capabilities" {
  run_process 'del(.process.capabilities) | .process.user = {"uid": 1000, "gid": 1000}' \
    cat /proc/self/status
  assert_success
  assert_equal "$(field CapEff)" 0000000000000000
  assert_equal "$(field CapPrm)" 0000000000000000
}

@test "rlimits are applied" {
  run_process '.process.rlimits = [
      {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 2048},
      {"type": "RLIMIT_STACK", "soft": 4194304, "hard": 8388608}]' \
    sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Ss; ulimit -Hs'
  assert_success
  assert_equal "$(echo $output)" "1024 2048 4096 8192"
}

@test "a duplicate or unknown rlimit type is an error" {
  make_bundle "$BUNDLE" true
  update_config '.process.rlimits = [
      {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024},
      {"type": "RLIMIT_NOFILE", "soft": 512, "hard": 512}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure
  update_config '.process.rlimits = [{"type": "RLIMIT_NOSUCH", "soft": 1, "hard": 1}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure
}

@test "an rlimit above the hard limit fails and names the limit" {
  local hard
  hard=$(ulimit -Hn)
  [[ $hard != unlimited ]] || skip "RLIMIT_NOFILE hard limit is unlimited"
  # Raising a hard limit needs CAP_SYS_RESOURCE
  if grep -q '^CapEff:.*' /proc/self/status \
    && (($((16#$(status_field self CapEff))) & (1 << 24))); then
    skip "the test runs with CAP_SYS_RESOURCE"
  fi
  make_bundle "$BUNDLE" true
  update_config --argjson h "$((hard * 2))" \
    '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": $h, "hard": $h}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure
  assert_output --partial RLIMIT_NOFILE
  assert_output --partial "$((hard * 2))"
}

@test "noNewPrivileges sets no_new_privs" {
  run_process '.process.noNewPrivileges = true' cat /proc/self/status
  assert_success
  assert_equal "$(field NoNewPrivs)" 1
}

@test "noNewPrivileges false leaves no_new_privs unset" {
  [[ $(status_field self NoNewPrivs) == 0 ]] || skip "the test runs with no_new_privs"
  run_process '.process.noNewPrivileges = false' cat /proc/self/status
  assert_success
  assert_equal "$(field NoNewPrivs)" 0
}

@test "oomScoreAdj is applied" {
  run_process '.process.oomScoreAdj = 500' cat /proc/self/oom_score_adj
  assert_success
  assert_output 500
}

@test "without oomScoreAdj the caller's value is kept" {
  local mine
  mine=$(cat /proc/self/oom_score_adj)
  run_process 'del(.process.oomScoreAdj)' cat /proc/self/oom_score_adj
  assert_success
  assert_output "$mine"
}

@test "process.user.umask is applied" {
  run_process '.process.user.umask = 63' sh -c umask
  assert_success
  assert_output 0077
}

@test "without umask the caller's umask is kept" {
  umask 0027
  run_process 'del(.process.user.umask)' sh -c umask
  assert_success
  assert_output 0027
}

@test "cwd and env are those of the config" {
  run_process '.process.cwd = "/tmp" | .process.env = ["PATH=/bin", "FOO=bar baz"]' \
    sh -c 'pwd; env'
  assert_success
  assert_line --index 0 /tmp
  assert_line "FOO=bar baz"
  assert_line PATH=/bin
  refute_output --partial BATS_
  refute_output --partial OCIRT_ROOT
}

@test "args[0] is looked up in the PATH of the config" {
  run_process '.process.env = ["PATH=/nowhere:/bin"]' echo found
  assert_success
  assert_output found
}
