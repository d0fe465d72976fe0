# shellcheck shell=bash
# Common helpers for the ocirt integration tests (bats).
#
# Environment (all optional; contrib/test.sh sets them):
#   OCIRT              the runtime binary (default: src/ocirt of this tree)
#   OCIRT_ROOT         state root for this bats file (default: a temp dir)
#   OCIRT_TEST_ROOTFS  where the busybox rootfs is built once and cached
#   OCIRT_TEST_IDS     a file collecting every container id used, for a
#                      final sweep by the caller
#   OCIRT_TIMEOUT      seconds before one runtime call is abandoned (60)

source /usr/lib/bats/bats-support/load.bash
source /usr/lib/bats/bats-assert/load.bash

OCIRT=${OCIRT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/src/ocirt}
RECVTTY=${RECVTTY:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/helpers/recvtty}
OCIRT_TIMEOUT=${OCIRT_TIMEOUT:-60}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Per-test setup and teardown; a file defining its own setup or teardown
# calls these first.
setup ()
{
  ocirt_setup
}

teardown ()
{
  ocirt_teardown
}

ocirt_setup ()
{
  requires root
  # Bundles must be reachable by the mapped ids of user-namespaced
  # containers: make the temp tree searchable by everyone.
  chmod 0755 "$BATS_RUN_TMPDIR" "$BATS_TEST_TMPDIR" 2>/dev/null || true
  OCIRT_ROOT=${OCIRT_ROOT:-$BATS_FILE_TMPDIR/state}
  export OCIRT_ROOT
  mkdir -p "$OCIRT_ROOT"
  TEST_IDS_FILE=$BATS_TEST_TMPDIR/ids
  : >"$TEST_IDS_FILE"
  BUNDLE=$BATS_TEST_TMPDIR/bundle
}

# requires FEATURE...: skip the test, saying why, unless every feature is
# available.
requires ()
{
  local f
  for f; do
    case $f in
    root)
      [[ $EUID == 0 ]] || skip "needs root"
      ;;
    userns)
      [[ -e /proc/self/ns/user ]] || skip "kernel without user namespaces"
      ;;
    timens)
      [[ -e /proc/self/ns/time ]] || skip "kernel without time namespaces"
      ;;
    cgroupns)
      [[ -e /proc/self/ns/cgroup ]] || skip "kernel without cgroup namespaces"
      ;;
    recvtty)
      [[ -x $RECVTTY ]] || skip "$RECVTTY not built (make check builds it)"
      ;;
    jsonschema)
      python3 -c 'import jsonschema' 2>/dev/null \
        || skip "python3-jsonschema not installed"
      ;;
    *)
      fail "requires: unknown feature '$f'"
      ;;
    esac
  done
}

# The runtime with the private state root.  Closes the fd bats uses for
# its own output, so a container that inherits it cannot stall bats.
ocirt ()
{
  timeout --kill-after=5 "$OCIRT_TIMEOUT" "$OCIRT" --root "$OCIRT_ROOT" "$@" 3>&-
}

# A container id unique on this host; remembered for teardown.
new_id ()
{
  local id n
  n=$(wc -l <"$TEST_IDS_FILE")
  id="test-$BATS_TEST_NUMBER-$$-$RANDOM$n"
  echo "$id" >>"$TEST_IDS_FILE"
  [[ -z ${OCIRT_TEST_IDS:-} ]] || echo "$id" >>"$OCIRT_TEST_IDS"
  echo "$id"
}

# The busybox rootfs, built once per run (or once for the directory
# given in OCIRT_TEST_ROOTFS).  Prints its path.
test_rootfs ()
{
  local dir=${OCIRT_TEST_ROOTFS:-$BATS_RUN_TMPDIR/rootfs}
  (
    flock 9
    [[ -e $dir/.complete ]] && exit 0
    build_busybox_rootfs "$dir"
  ) 9>"$dir.lock" >&2 || return 1
  echo "$dir"
}

build_busybox_rootfs ()
{
  local dir=$1 applet
  [[ -x $BUSYBOX ]] || fail "$BUSYBOX missing: install busybox-static"
  rm -rf "$dir"
  mkdir -p "$dir"/{bin,dev,etc,proc,root,sys,tmp,home/user}
  chmod 0755 "$dir"
  chmod 1777 "$dir/tmp"
  cp "$BUSYBOX" "$dir/bin/busybox"
  for applet in $("$BUSYBOX" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$dir/bin/$applet"
  done
  cat >"$dir/etc/passwd" <<'END'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
END
  cat >"$dir/etc/group" <<'END'
root:x:0:
user:x:1000:
nogroup:x:65534:
END
  chown 1000:1000 "$dir/home/user"
  touch "$dir/.complete"
}

# make_bundle DIR [ARG...]: a bundle with the busybox rootfs and the
# config of "ocirt spec", edited: no terminal, writable rootfs, process
# args ARG... (default: sleep 3600).
make_bundle ()
{
  local dir=$1 rootfs args
  shift
  (($#)) || set -- sleep 3600
  rootfs=$(test_rootfs) || fail "cannot build the busybox rootfs"
  mkdir -p "$dir"
  chmod 0755 "$dir"
  cp -al "$rootfs" "$dir/rootfs" 2>/dev/null || cp -a "$rootfs" "$dir/rootfs"
  rm -f "$dir/rootfs/.complete"
  "$OCIRT" spec --bundle "$dir" 3>&- || fail "ocirt spec --bundle $dir failed"
  args=$(json_array "$@") || fail "jq failed"
  BUNDLE=$dir update_config \
    '.process.terminal = false | .root.readonly = false | .process.args = $args' \
    --argjson args "$args"
}

# json_array ARG...: a JSON array of the strings ARG... (jq would read
# options such as -c among them).
json_array ()
{
  local a
  for a; do
    printf '%s' "$a" | jq -Rs . || return 1
  done | jq -cs .
}

# update_config [JQ-OPTION...] JQ-EXPR [JQ-OPTION...]: edit
# $BUNDLE/config.json (jq takes its options before or after the filter).
update_config ()
{
  local cfg=$BUNDLE/config.json
  jq "$@" "$cfg" >"$cfg.new" || fail "jq failed: $*"
  mv "$cfg.new" "$cfg"
}

# ocirt_bg ARG...: the runtime with its stdio on files
# ($BATS_TEST_TMPDIR/last.out and .err) for calls that may leave a
# container process behind holding the pipe of bats' "run".  Prints the
# runtime's messages on stderr.
ocirt_bg ()
{
  local rc
  ocirt "$@" </dev/null >"$BATS_TEST_TMPDIR/last.out" 2>"$BATS_TEST_TMPDIR/last.err"
  rc=$?
  cat "$BATS_TEST_TMPDIR/last.err" >&2
  return $rc
}

# create_container ID [CREATE-OPTION...]: "ocirt create" of $BUNDLE.  The
# container keeps the runtime's stdio, so it gets files
# ($BATS_TEST_TMPDIR/ID.out and .err), never the pipe of bats' "run".
# Prints the runtime's own messages on stderr.
create_container ()
{
  local id=$1 rc
  shift
  ocirt create --bundle "$BUNDLE" "$@" "$id" </dev/null \
    >"$BATS_TEST_TMPDIR/$id.out" 2>"$BATS_TEST_TMPDIR/$id.err"
  rc=$?
  cat "$BATS_TEST_TMPDIR/$id.err" >&2
  return $rc
}

# start_container ID [CREATE-OPTION...]: create and start; fails the test
# on error.
start_container ()
{
  local id=$1
  create_container "$@" || fail "create $id failed"
  ocirt start "$id" || fail "start $id failed"
}

# Output of the container so far.
container_output ()
{
  cat "$BATS_TEST_TMPDIR/$1.out"
}

state_json ()
{
  ocirt state "$1" 2>/dev/null
}

container_status ()
{
  state_json "$1" | jq -r .status
}

container_pid ()
{
  state_json "$1" | jq -r .pid
}

# wait_for_status ID STATUS [SECONDS]
wait_for_status ()
{
  local id=$1 want=$2 secs=${3:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    [[ $(container_status "$id") == "$want" ]] && return 0
    sleep 0.05
  done
  fail "container $id: status '$(container_status "$id")', wanted '$want'"
}

# wait_for_file FILE [PATTERN [SECONDS]]: until FILE exists (and
# contains PATTERN).
wait_for_file ()
{
  local file=$1 pattern=${2:-} secs=${3:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    if [[ -e $file ]] && { [[ -z $pattern ]] || grep -q -- "$pattern" "$file"; }; then
      return 0
    fi
    sleep 0.05
  done
  fail "timed out waiting for $file${pattern:+ to contain '$pattern'}"
}

# The value of FIELD in /proc/PID/status (or "self" inside a container).
status_field ()
{
  awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

pid_alive ()
{
  [[ -d /proc/$1 ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# Cgroup directories named after the container, in every hierarchy.
cgroup_dirs_of ()
{
  find /sys/fs/cgroup -mindepth 2 -maxdepth 5 -type d -name "$1" 2>/dev/null
}

# Remove what a test left: its containers, then their cgroups (killing
# any process still in them: they can only be the container's).
ocirt_teardown ()
{
  local id dir pid ids i
  [[ -n ${TEST_IDS_FILE:-} && -e $TEST_IDS_FILE ]] || return 0
  ids=$(sort -u "$TEST_IDS_FILE")
  for id in $ids $("$OCIRT" --root "$OCIRT_ROOT" list -q 2>/dev/null 3>&-); do
    "$OCIRT" --root "$OCIRT_ROOT" delete -f "$id" >/dev/null 2>&1 3>&- </dev/null
  done
  for id in $ids; do
    for dir in $(cgroup_dirs_of "$id"); do
      for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do
        kill -9 "$pid" 2>/dev/null
      done
      for ((i = 0; i < 40; i++)); do
        find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
        [[ -d $dir ]] || break
        sleep 0.05
      done
    done
  done
  return 0
}

# validate_json SCHEMA FILE: check FILE against a runtime-spec JSON schema.
validate_json ()
{
  python3 -W ignore - "$1" "$2" <<'END'
import json, pathlib, sys
import jsonschema
schema_path = pathlib.Path(sys.argv[1]).resolve()
schema = json.loads(schema_path.read_text())
resolver = jsonschema.RefResolver(base_uri=schema_path.as_uri(), referrer=schema)
with open(sys.argv[2]) as f:
    jsonschema.validate(json.load(f), schema, resolver=resolver)
END
}

SPEC_SCHEMA_DIR=${SPEC_SCHEMA_DIR:-/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema}

# wait_pid PID [SECONDS]: wait for a background job of this shell and
# return its exit status; SIGKILL it when it outlives SECONDS.  Not with
# "run": the job must be a child of the calling shell.
wait_pid ()
{
  local pid=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 20; i++)); do
    pid_alive "$pid" || break
    sleep 0.05
  done
  if pid_alive "$pid"; then
    kill -9 "$pid" 2>/dev/null
    echo "process $pid still running after ${secs}s: killed" >&2
  fi
  wait "$pid"
}
