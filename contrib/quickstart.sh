#!/bin/bash
# Build ocirt and run a first container: a busybox bundle in ./demo that
# prints a greeting, the kernel and its identity.  Run as root on Debian;
# missing packages are installed.

set -euo pipefail

cd "$(dirname "$0")/.."

if [[ $EUID != 0 ]]; then
  echo "contrib/quickstart.sh: run as root (containers need it)" >&2
  exit 1
fi

echo "==> Checking the build dependencies"
contrib/install-deps.sh build -- busybox-static

echo "==> Building"
log=$(mktemp "${TMPDIR:-/tmp}/ocirt-build.XXXXXX")
if ! {
  { [[ -f Makefile ]] || { ./autogen.sh && ./configure; }; } && make -j2
} >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  rm -f "$log"
  echo "contrib/quickstart.sh: the build failed" >&2
  exit 1
fi
rm -f "$log"
echo "built src/ocirt: $(src/ocirt --version 2>/dev/null | head -n1)"

echo "==> Making the demo bundle in ./demo"
rm -rf demo
mkdir -p demo/rootfs/{bin,dev,etc,proc,root,sys,tmp}
chmod 1777 demo/rootfs/tmp
cp /bin/busybox demo/rootfs/bin/busybox
for applet in $(/bin/busybox --list); do
  [[ $applet == busybox ]] || ln -s busybox "demo/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >demo/rootfs/etc/passwd
printf 'root:x:0:\n' >demo/rootfs/etc/group
src/ocirt spec --bundle demo
# No terminal, and our own command.  perl is always there on Debian.
perl -0777 -pi -e '
  s/"terminal"\s*:\s*true/"terminal": false/;
  s/"args"\s*:\s*\[[^\]]*\]/"args": ["sh", "-c", "echo Hello from ocirt; uname -a; id"]/;
' demo/config.json

state=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-quickstart.XXXXXX")
id=quickstart-$$
trap 'src/ocirt --root "$state" delete --force "$id" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
echo "==> src/ocirt --root $state run -b demo $id"
set +e
out=$(src/ocirt --root "$state" run -b demo "$id" 2>&1 </dev/null)
rc=$?
set -e
echo "$out"
if ((rc == 0)); then
  echo "==> The container ran and was deleted.  Next: contrib/test.sh"
  exit 0
fi
if grep -q "not implemented" <<<"$out"; then
  echo "==> run is not implemented in this build yet; here is what ocirt can already do:"
  echo "--- src/ocirt spec (demo/config.json)"
  cat demo/config.json
  echo "--- src/ocirt features"
  src/ocirt features
  exit 0
fi
echo "==> run failed with exit status $rc" >&2
exit "$rc"
