#!/bin/bash
# Run ocirt under valgrind --leak-check=full: spec, features, state, list
# and a whole run of a container.  Any error or leak fails.
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
# of the runtime that starts the container's init.  A preloaded shim,
# for this test only, turns fexecve into an execve of the same binary by
# its path (the re-executed init is not traced anyway).
cat >"$work/fexecve-shim.c" <<'END'
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>
int
fexecve (int fd, char *const argv[], char *const envp[])
{
  (void) fd;
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
  if ((rc == 99)) || grep -qE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]|possibly lost: [1-9]' "$log"; then
    sed 's/^/# /' "$log" | grep -vE '^# ==[0-9]+== *$' | head -n 60
    tap 1 "valgrind: $name"
  elif ((rc != ${VG_RC:-0})) && grep -q 'unhandled amd64-linux syscall: 434' "$log"; then
    # valgrind < 3.20 does not know pidfd_open, which start, kill and
    # delete use: the verb fails there; its error path was still checked.
    tap 0 "valgrind: $name # SKIP this valgrind lacks pidfd_open (needs 3.20), so the verb stopped there; no leak up to that point"
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
ln -s busybox "$bundle/rootfs/bin/sh"
ln -s busybox "$bundle/rootfs/bin/true"

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
VG_RC=1 vg "state of a missing container (error path)" state does-not-exist

echo "1..$n"
((failed == 0))
