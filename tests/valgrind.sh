#!/bin/bash
# Run ocirt under valgrind --leak-check=full: spec, features, state, list,
# a whole run of a container (also with hooks), and create, start, exec,
# kill and delete.  Any error or leak fails.
#
#   tests/valgrind.sh
#
# Uses a dynamically linked build (valgrind and static glibc do not get
# along): OCIRT_DYNAMIC names one, else one is built in a temporary VPATH
# build directory with --disable-static-binary.  Runs as root.  Prints
# TAP ("ok N - name" / "not ok N - name") and the plan last.
#
# --trace-children=no: the container's init is the runtime re-executed;
# it is not followed (it ends in the container's exec).

set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
busybox=${BUSYBOX:-/bin/busybox}
n=0
failed=0

work=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-valgrind.XXXXXX") || exit 1
chmod 0755 "$work"
root=$work/state
cleanup ()
{
  local d
  for d in "$root"/*/; do
    [[ -d $d ]] && "$ocirt" --root "$root" delete -f "$(basename "$d")" >/dev/null 2>&1
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

tap ()
{
  local ok=$1
  shift
  n=$((n + 1))
  if [[ $ok == 0 ]]; then
    echo "ok $n - $*"
  else
    echo "not ok $n - $*"
    failed=$((failed + 1))
  fi
}

# --- a dynamic build --------------------------------------------------
ocirt=${OCIRT_DYNAMIC:-}
if [[ -z $ocirt ]]; then
  srcdir=$top
  if [[ -e $top/config.status ]]; then
    srcdir=$work/src
    mkdir -p "$srcdir"
    (cd "$top" && git ls-files -co --exclude-standard -z \
      | tar -cf - --null -T - 2>/dev/null) | tar -xf - -C "$srcdir"
  fi
  mkdir -p "$work/build"
  {
    { [[ -x $srcdir/configure ]] || (cd "$srcdir" && ./autogen.sh); } \
      && cd "$work/build" \
      && "$srcdir/configure" --disable-static-binary \
      && make -j"$(nproc)" src/ocirt
  } >"$work/build.log" 2>&1
  rc=$?
  ((rc == 0)) || sed 's/^/# /' "$work/build.log" | tail -n 40
  tap $rc "dynamic build (--disable-static-binary)"
  if ((rc != 0)); then
    echo "1..$n"
    exit 1
  fi
  ocirt=$work/build/src/ocirt
fi

# valgrind runs an exec of a file descriptor by opening the path that
# /proc/self/fd/N names, which does not exist for the sealed memfd copy
# of the runtime that starts the container's init, nor for the exec stub
# of "exec".  A preloaded shim, for this test only, turns fexecve into
# an execve by path: of the same binary for the sealed copy (the
# re-executed init is not traced anyway), and for the stub (argv[0] is
# its mark) of the path it would run, argv[1], as the stub does.
cat >"$work/fexecve-shim.c" <<'END'
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int
fexecve (int fd, char *const argv[], char *const envp[])
{
  (void) fd;
  if (argv[0] && argv[1] && strcmp (argv[0], "\177OCIRT\177") == 0)
    return execve (argv[1], argv + 2, envp);
  return execve (getenv ("OCIRT_VALGRIND_SELF"), argv, envp);
}
END
if ! cc -shared -fPIC -o "$work/fexecve-shim.so" "$work/fexecve-shim.c" 2>"$work/shim.log"; then
  sed 's/^/# /' "$work/shim.log"
  tap 1 "build the fexecve shim"
fi
export OCIRT_VALGRIND_SELF=$ocirt

# [VG_RC=STATUS] vg NAME ARG...: ocirt ARG... under valgrind, which
# must exit with STATUS (default 0); a TAP line.
vg ()
{
  local name=$1 rc log=$work/vg-$n.log
  shift
  LD_PRELOAD="$work/fexecve-shim.so" valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    --trace-children=no --child-silent-after-fork=yes --log-file="$log" \
    "$ocirt" --root "$root" "$@" </dev/null >"$work/out" 2>"$work/err"
  rc=$?
  # A system call this valgrind does not know fails with ENOSYS (as on
  # an older kernel: valgrind 3.19 lacks pidfd_open); the runtime must
  # fall back and still succeed.  Noted, not an error.
  grep -ho 'unhandled [a-z0-9]*-linux syscall: [0-9]*' "$log" | sort -u \
    | sed "s/^/# $name: note: /"
  if ((rc == 99)) || grep -qE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]|possibly lost: [1-9]' "$log"; then
    sed 's/^/# /' "$log" | grep -vE '^# ==[0-9]+== *$' | head -n 60
    tap 1 "valgrind: $name"
  elif ((rc != ${VG_RC:-0})); then
    sed 's/^/# /' "$work/err"
    tap 1 "valgrind: $name (exit status $rc)"
  else
    tap 0 "valgrind: $name"
  fi
}

# --- the bundle -------------------------------------------------------
bundle=$work/bundle
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" \
  "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
chmod 0755 "$bundle" "$bundle/rootfs"
cp "$busybox" "$bundle/rootfs/bin/busybox"
for applet in sh true sleep; do
  ln -s busybox "$bundle/rootfs/bin/$applet"
done

vg "spec" spec --bundle "$bundle"
vg "features" features
jq '.process.terminal = false | .process.args = ["/bin/sh", "-c", "exit 0"]' \
  "$bundle/config.json" >"$bundle/c.json" && mv "$bundle/c.json" "$bundle/config.json"
id=vg-$$-$RANDOM
"$ocirt" --root "$root" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1 \
  || tap 1 "create $id for state and list"
vg "state" state "$id"
vg "list" list
vg "list -q" list -q
vg "list --format json" list --format json
"$ocirt" --root "$root" delete -f "$id" >/dev/null 2>&1
vg "run" run --bundle "$bundle" "vg-run-$$-$RANDOM"

# run with hooks (the runtime waits for them, with a timeout), then one
# whose hook outlives its timeout and is killed.
hooklog=$work/hooks.log
jq --arg log "$hooklog" '
    .hooks.createRuntime = [{"path": "/bin/sh", "timeout": 30,
      "args": ["sh", "-c", "cat >/dev/null; echo createRuntime >>\"$1\"", "sh", $log]}]
  | .hooks.poststart = [{"path": "/bin/sh", "timeout": 30,
      "args": ["sh", "-c", "echo poststart >>\"$1\"", "sh", $log]}]
  | .hooks.poststop = [{"path": "/bin/sh",
      "args": ["sh", "-c", "echo poststop >>\"$1\"", "sh", $log]}]' \
  "$bundle/config.json" >"$work/hooks.json"
cp "$bundle/config.json" "$work/plain.json"
cp "$work/hooks.json" "$bundle/config.json"
vg "run with hooks" run --bundle "$bundle" "vg-hooks-$$-$RANDOM"
[[ $(tr '\n' ' ' <"$hooklog" 2>/dev/null) == "createRuntime poststart poststop " ]]
tap $? "the hooks of run ran in order"
jq '.hooks = {"createRuntime": [{"path": "/bin/sh", "timeout": 1,
      "args": ["sh", "-c", "exec sleep 30"]}]}' "$work/plain.json" >"$bundle/config.json"
VG_RC=1 vg "run with a hook past its timeout (error path)" run --bundle "$bundle" "vg-hookto-$$-$RANDOM"

# create, start, exec, kill and delete, each under valgrind; then
# delete --force of a running container.
# No rlimits: exec applies them in its forked child, still under
# valgrind, which refuses to change the hard RLIMIT_NOFILE.
jq '.process.args = ["/bin/sleep", "600"] | del(.process.rlimits)' \
  "$work/plain.json" >"$bundle/config.json"
id=vg-life-$$-$RANDOM
vg "create" create --bundle "$bundle" "$id"
vg "start" start "$id"
VG_RC=4 vg "exec" exec "$id" /bin/sh -c 'exit 4'
vg "kill" kill "$id" KILL
for ((i = 0; i < 100; i++)); do
  [[ $("$ocirt" --root "$root" state "$id" 2>/dev/null | jq -r .status) == stopped ]] && break
  sleep 0.1
done
vg "delete" delete "$id"
id=vg-force-$$-$RANDOM
"$ocirt" --root "$root" run -d --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1 \
  || tap 1 "run -d $id for delete --force"
vg "delete --force of a running container" delete --force "$id"
VG_RC=1 vg "state of a missing container (error path)" state does-not-exist

echo "1..$n"
((failed == 0))
