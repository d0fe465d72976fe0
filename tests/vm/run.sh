#!/bin/bash
# Run the cgroup v2 suite (tests/vm/suite.sh) on a pure cgroup2 system: a
# small VM that qemu boots (emulated, no KVM needed) with Debian's cloud
# kernel and an initramfs holding the ocirt binary (static by default),
# busybox and the test scripts.  The VM's init (tests/vm/init.sh) mounts
# cgroup2 on /sys/fs/cgroup, runs the suite and powers off.
#
# Prints the suite's TAP lines ("1..N", "ok N - ...", "not ok N - ...",
# "# ..." comments) and exits 0 only when every test passed or was
# skipped.  When qemu or the kernel cannot be had it prints a single
# skipped test.
#
# Environment:
#   OCIRT             the runtime binary (default: src/ocirt of this tree;
#                     a dynamic one gets its libraries copied in)
#   BUSYBOX           a static busybox (default /bin/busybox)
#   OCIRT_VM_CACHE    where the kernel is kept between runs
#                     (default: .vm-cache in this tree, git-ignored;
#                     remove it to get a newer kernel)
#   OCIRT_VM_KERNEL   a vmlinuz to boot instead of Debian's cloud kernel
#   OCIRT_VM_TIMEOUT  seconds before the VM is abandoned (default 600)
#   OCIRT_VM_LOG      keep the whole console output in this file
#   OCIRT_VM_VERBOSE  non-empty: show the output of passing tests too
#   OCIRT_VM_SUITE    the suite to run instead of tests/vm/suite.sh

set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
BUSYBOX=${BUSYBOX:-/bin/busybox}
CACHE=${OCIRT_VM_CACHE:-$SRCDIR/.vm-cache}
VM_TIMEOUT=${OCIRT_VM_TIMEOUT:-600}
KERNEL_META=linux-image-cloud-amd64

skip_all ()
{
  echo "1..1"
  echo "ok 1 - vm # SKIP $*"
  exit 0
}

fatal ()
{
  echo "1..1"
  echo "not ok 1 - vm"
  echo "# $*"
  exit 1
}

# The cloud kernel's vmlinuz, downloaded once into $CACHE (the .deb of the
# image package the meta package depends on, unpacked there).
fetch_kernel ()
{
  local pkg deb tmp
  if [[ -n ${OCIRT_VM_KERNEL:-} ]]; then
    echo "$OCIRT_VM_KERNEL"
    return 0
  fi
  mkdir -p "$CACHE" || return 1
  deb=$(ls "$CACHE"/boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n1)
  if [[ -n $deb ]]; then
    echo "$deb"
    return 0
  fi
  command -v apt-get >/dev/null || return 1
  pkg=$(apt-cache depends "$KERNEL_META" 2>/dev/null \
    | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1)
  [[ -n $pkg ]] || return 1
  tmp=$(mktemp -d "$CACHE/dl.XXXXXX") || return 1
  # apt's sandbox user must be able to write the download directory
  chmod 0777 "$tmp"
  if (cd "$tmp" && apt-get download -q "$pkg") >"$tmp/apt.log" 2>&1 \
    && deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1) && [[ -n $deb ]] \
    && dpkg-deb --fsys-tarfile "$deb" \
    | tar -x -C "$CACHE" --wildcards './boot/vmlinuz-*' './boot/config-*'; then
    rm -rf "$tmp"
    ls "$CACHE"/boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n1
    return 0
  fi
  sed 's/^/# /' "$tmp/apt.log" >&2
  rm -rf "$tmp"
  return 1
}

# copy_libraries DIR: the shared libraries of a dynamically linked
# $OCIRT, and its program interpreter, under DIR (nothing for the static
# build).
copy_libraries ()
{
  local lib
  [[ $(readelf -lW "$OCIRT" 2>/dev/null) == *'program interpreter'* ]] || return 0
  for lib in $(ldd "$OCIRT" | grep -o '/[^ ]*'); do
    cp -L --parents "$lib" "$1" || return 1
  done
}

# build_initramfs DIR OUT: the gzipped newc archive of the VM's root.
build_initramfs ()
{
  local dir=$1 out=$2 applet
  mkdir -p "$dir"/{bin,dev,proc,sys,run,tmp,root,sys/fs/cgroup} || return 1
  install -m 0755 "$BUSYBOX" "$dir/bin/busybox" || return 1
  for applet in $("$BUSYBOX" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$dir/bin/$applet"
  done
  install -m 0755 "$OCIRT" "$dir/bin/ocirt" || return 1
  copy_libraries "$dir" || return 1
  install -m 0755 "$HERE/init.sh" "$dir/init" || return 1
  install -m 0644 "${OCIRT_VM_SUITE:-$HERE/suite.sh}" "$dir/suite.sh" \
    || return 1
  # the console for the init's stdio (init.sh copes without it)
  mknod -m 0600 "$dir/dev/console" c 5 1 2>/dev/null
  (cd "$dir" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null) \
    | gzip -1 >"$out"
}

command -v qemu-system-x86_64 >/dev/null \
  || skip_all "qemu-system-x86_64 not installed (Debian: qemu-system-x86)"
[[ -x $BUSYBOX ]] || skip_all "$BUSYBOX missing (Debian: busybox-static)"
[[ -x $OCIRT ]] || fatal "$OCIRT not built"
KERNEL=$(fetch_kernel) && [[ -r $KERNEL ]] \
  || skip_all "cannot get the kernel ($KERNEL_META)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-vm.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
build_initramfs "$WORK/root" "$WORK/initrd.gz" \
  || fatal "could not build the initramfs"

CONSOLE=$WORK/console.log
started=$SECONDS
timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
  -accel tcg -cpu max -m 1024 -smp 2 \
  -nographic -no-reboot -nodefaults -serial stdio -monitor none -nic none \
  -kernel "$KERNEL" -initrd "$WORK/initrd.gz" \
  -append "console=ttyS0 panic=-1 rdinit=/init quiet loglevel=1${OCIRT_VM_VERBOSE:+ ocirt.verbose}" \
  </dev/null >"$CONSOLE" 2>&1 &
vm=$!
# (timeout passes the signal on to qemu)
trap 'kill "$vm" 2>/dev/null; exit 143' TERM INT
wait "$vm"
rc=$?
trap - TERM INT
elapsed=$((SECONDS - started))
[[ -n ${OCIRT_VM_LOG:-} ]] && cp "$CONSOLE" "$OCIRT_VM_LOG"

# The suite's lines start with "@@ "; drop the serial line's CRs.
tr -d '\r' <"$CONSOLE" | sed -n 's/^.*@@ //p' >"$WORK/tap"
grep -v '^ocirt-vm-done$' "$WORK/tap"
echo "# vm: $(basename "$KERNEL"), qemu exit status $rc after ${elapsed}s"

plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$WORK/tap" | head -n1)
pass=$(grep -cE '^ok [0-9]+' "$WORK/tap")
fail=$(grep -cE '^not ok [0-9]+' "$WORK/tap")
if ! grep -qx 'ocirt-vm-done' "$WORK/tap"; then
  ((rc == 124)) && echo "# vm: timed out after ${VM_TIMEOUT}s"
  echo "# vm: the suite did not finish; last console lines:"
  tr -cd '\11\12\40-\176' <"$CONSOLE" | tail -n 25 | sed 's/^/#   /'
  [[ -n $plan ]] || echo "not ok 1 - vm did not run the suite"
  exit 1
fi
[[ -n $plan ]] || exit 1
((fail == 0 && pass == plan))
