#!/usr/bin/env bats
# Bad input: every malformed config, id, path or option is refused with
# a one-line error and exit status 1, never a crash, and creates nothing.

load helpers
bats_require_minimum_version 1.5.0

setup ()
{
  ocirt_setup
  make_bundle "$BUNDLE"
}

# refused ARG...: ocirt ARG... exits 1 with one line on stderr and
# nothing on stdout; leaves no container behind.
refused ()
{
  run --separate-stderr ocirt "$@"
  [[ $status == 1 ]] || fail "ocirt $*: exit status $status, wanted 1 (stderr: $stderr)"
  [[ -z $output ]] || fail "ocirt $*: printed on stdout: $output"
  [[ -n $stderr ]] || fail "ocirt $*: no error message"
  (($(wc -l <<<"$stderr") == 1)) || fail "ocirt $*: more than one line: $stderr"
  [[ $stderr != *Sanitizer* && $stderr != *"runtime error"* ]] || fail "$stderr"
  run ocirt list -q
  assert_output ""
}

# create_refused CONFIG-TEXT: create of a bundle whose config.json is
# CONFIG-TEXT is refused.
create_refused ()
{
  printf '%s' "$1" >"$BUNDLE/config.json"
  refused create --bundle "$BUNDLE" "$(new_id)"
}

@test "malformed JSON is refused" {
  local doc
  for doc in '{' '{"ociVersion":' '[]' '"x"' '{"ociVersion":"1.3.0",}' \
    '{"ociVersion":"1.3.0"} trailing' '{"a":1 "b":2}' "{'a':1}" 'nul'; do
    create_refused "$doc"
  done
}

@test "wrong types are refused" {
  local good
  good=$(cat "$BUNDLE/config.json")
  create_refused "$(jq -c '.process.args = "sh"' <<<"$good")"
  create_refused "$(jq -c '.process.user.uid = "0"' <<<"$good")"
  create_refused "$(jq -c '.root = ["rootfs"]' <<<"$good")"
  create_refused "$(jq -c '.hostname = 7' <<<"$good")"
  create_refused "$(jq -c '.process.terminal = "yes"' <<<"$good")"
  create_refused "$(jq -c '.mounts = {}' <<<"$good")"
  create_refused "$(jq -c '.linux.namespaces = [{"type": 1}]' <<<"$good")"
}

@test "integer overflow and negative sizes are refused" {
  local good
  good=$(cat "$BUNDLE/config.json")
  create_refused "$(jq -c '.process.user.uid = 4294967296' <<<"$good")"
  create_refused "$(jq -c '.process.user.uid = -1' <<<"$good")"
  create_refused "$(sed 's/"uid":0/"uid":99999999999999999999999/' <<<"$(jq -c . <<<"$good")")"
  create_refused "$(jq -c '.linux.resources.memory.limit = 1e400' <<<"$good")"
  create_refused "$(jq -c '.linux.resources.cpu.shares = -5' <<<"$good")"
  create_refused "$(jq -c '.process.rlimits = [{"type":"RLIMIT_NOFILE","hard":-1,"soft":1}]' <<<"$good")"
  create_refused "$(jq -c '.process.consoleSize = {"height":-1,"width":80}' <<<"$good")"
}

@test "deeply nested arrays are refused" {
  local deep
  deep=$(printf '[%.0s' $(seq 100000))
  create_refused "{\"ociVersion\":\"1.3.0\",\"annotations\":{\"a\":$deep"
  deep=$(printf '{"a":%.0s' $(seq 5000))
  create_refused "{\"ociVersion\":\"1.3.0\",\"x\":$deep"
}

@test "non-UTF-8 and NUL bytes in strings are refused" {
  printf '{"ociVersion":"1.3.0","root":{"path":"rootfs"},"hostname":"\xff\xfe","process":{"cwd":"/","args":["sh"]}}' \
    >"$BUNDLE/config.json"
  refused create --bundle "$BUNDLE" "$(new_id)"
  printf '{"ociVersion":"1.3.0","root":{"path":"rootfs"},"hostname":"a\\u0000b","process":{"cwd":"/","args":["sh"]}}' \
    >"$BUNDLE/config.json"
  refused create --bundle "$BUNDLE" "$(new_id)"
}

@test "a 100 MB config.json is refused with a size message" {
  truncate -s 100M "$BUNDLE/config.json"
  run --separate-stderr ocirt create --bundle "$BUNDLE" "$(new_id)"
  assert_equal "$status" 1
  [[ $stderr == *larger* || $stderr == *size* || $stderr == *large* ]] \
    || fail "no size in: $stderr"
  (($(wc -l <<<"$stderr") == 1)) || fail "more than one line: $stderr"
}

@test "a config.json that is a directory, a fifo or unreadable is refused" {
  rm "$BUNDLE/config.json"
  mkdir "$BUNDLE/config.json"
  refused create --bundle "$BUNDLE" "$(new_id)"
  rmdir "$BUNDLE/config.json"
  mkfifo "$BUNDLE/config.json"
  refused create --bundle "$BUNDLE" "$(new_id)"
  rm "$BUNDLE/config.json"
  ln -s /dev/zero "$BUNDLE/config.json"
  refused create --bundle "$BUNDLE" "$(new_id)"
}

@test "absurd ids are refused" {
  local id
  for id in "a/b" ".." "." "../x" "x/.." "/abs" "$(printf 'x%.0s' $(seq 2000))" \
    "a b" "a;b" 'a$b' "ä"; do
    refused create --bundle "$BUNDLE" -- "$id"
    refused state -- "$id"
    refused delete -f -- "$id"
    refused kill -- "$id" KILL
  done
}

@test "empty arguments are refused" {
  refused create --bundle "$BUNDLE" ""
  refused state ""
  refused delete ""
  refused kill "" TERM
  refused start ""
  refused create --bundle "" "$(new_id)"
  refused --root "" list
  refused create --pid-file "" --bundle "$BUNDLE" "$(new_id)"
  refused create --console-socket "" --bundle "$BUNDLE" "$(new_id)"
  refused create --preserve-fds "" --bundle "$BUNDLE" "$(new_id)"
}

@test "bad numbers in options are refused" {
  local n
  for n in -1 1x 99999999999999999999 0x10 " 1" ""; do
    refused create --preserve-fds "$n" --bundle "$BUNDLE" "$(new_id)"
  done
  refused kill "$(new_id)" SIGRTMIN+99999999999
  refused kill "$(new_id)" 99999999999
}

@test "absurd bundle paths are refused" {
  refused create --bundle "$BUNDLE/nonexistent" "$(new_id)"
  refused create --bundle "/$(printf 'x%.0s' $(seq 5000))" "$(new_id)"
  refused create --bundle "$BUNDLE/config.json" "$(new_id)"
  refused create --bundle /dev/null "$(new_id)"
}

@test "a bundle without rootfs is refused" {
  rm -rf "$BUNDLE/rootfs"
  refused create --bundle "$BUNDLE" "$(new_id)"
  update_config '.root.path = "/nonexistent-rootfs"'
  refused create --bundle "$BUNDLE" "$(new_id)"
  update_config '.root.path = ""'
  refused create --bundle "$BUNDLE" "$(new_id)"
  update_config 'del(.root)'
  refused create --bundle "$BUNDLE" "$(new_id)"
}

@test "a process.json for exec that is malformed is refused" {
  local id
  id=$(new_id)
  start_container "$id"
  printf '{"args":' >"$BATS_TEST_TMPDIR/p.json"
  refused exec -p "$BATS_TEST_TMPDIR/p.json" "$id" 2>/dev/null \
    || true
  run ocirt exec -p "$BATS_TEST_TMPDIR/p.json" "$id"
  assert_equal "$status" 1
  printf '{"args":["true"],"cwd":"/","user":{"uid":-1,"gid":0}}' >"$BATS_TEST_TMPDIR/p.json"
  run ocirt exec -p "$BATS_TEST_TMPDIR/p.json" "$id"
  assert_equal "$status" 1
  assert_equal "$(container_status "$id")" running
  ocirt delete -f "$id"
}
