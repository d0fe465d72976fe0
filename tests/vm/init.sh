#!/bin/sh
# shellcheck disable=SC3043 # busybox sh has local
# /init of the test VM (busybox sh): a pure cgroup2 system in an initramfs.
#
# Stage 1 copies the initramfs into a tmpfs and switch_roots into it: the
# initramfs itself cannot be pivot_root'ed away from, a tmpfs root can, as
# on a real host.  Stage 2 mounts the API filesystems and cgroup2 on
# /sys/fs/cgroup, enables the controllers, builds the busybox rootfs the
# containers use, runs /suite.sh and powers the VM off.
#
# Every line meant for the host starts with "@@ " so run.sh can pick it out
# of the console output.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin

say ()
{
  echo "@@ $*"
}

stage1 ()
{
  mkdir -p /newroot
  mount -t tmpfs -o mode=0755 tmpfs /newroot || return 1
  for f in /*; do
    case $f in
    /newroot | /proc | /sys | /dev) mkdir -p "/newroot$f" ;;
    *) cp -a "$f" /newroot/ || return 1 ;;
    esac
  done
  exec switch_root /newroot /init stage2
}

mount_api ()
{
  mkdir -p /proc /sys /dev /run /tmp
  mount -t proc -o nosuid,nodev,noexec proc /proc
  mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
  mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
  mkdir -p /dev/pts /dev/shm
  mount -t devpts -o nosuid,noexec,newinstance,ptmxmode=0666 devpts /dev/pts
  mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
  mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
  mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup || return 1
  # keep kernel messages off the console the host parses
  dmesg -n 1 2>/dev/null
  return 0
}

enable_controllers ()
{
  local c avail
  avail=$(cat /sys/fs/cgroup/cgroup.controllers)
  for c in cpu memory pids io cpuset hugetlb; do
    case " $avail " in
    *" $c "*)
      echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control \
        || say "# could not enable controller $c"
      ;;
    *) say "# controller $c not available" ;;
    esac
  done
  say "# root cgroup.controllers: $avail"
  say "# root cgroup.subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
}

build_rootfs ()
{
  local dir=$1 applet
  mkdir -p "$dir/bin" "$dir/dev" "$dir/etc" "$dir/proc" "$dir/root" \
    "$dir/sys" "$dir/tmp"
  chmod 1777 "$dir/tmp"
  cp /bin/busybox "$dir/bin/busybox" || return 1
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
  echo 'root:x:0:' >"$dir/etc/group"
}

finish ()
{
  say "# vm: $1"
  say "ocirt-vm-done"
  sync
  poweroff -f
  # poweroff should not return; a panic (panic=-1) ends the VM too
  exit 1
}

if [ "$1" != stage2 ]; then
  # without a /dev/console in the archive, stdio is not the console yet
  if ! [ -c /dev/console ]; then
    mkdir -p /dev
    mount -t devtmpfs devtmpfs /dev
    exec </dev/console >/dev/console 2>&1
  fi
  stage1
  say "Bail out! could not switch to a tmpfs root"
  finish "stage 1 failed"
fi

mount_api || {
  say "Bail out! could not mount the API filesystems or cgroup2"
  finish "setup failed"
}
say "# vm: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus"
enable_controllers
build_rootfs /run/rootfs || {
  say "Bail out! could not build the container rootfs"
  finish "setup failed"
}

start=$(cut -d. -f1 /proc/uptime)
case " $(cat /proc/cmdline) " in
*" ocirt.verbose "*) export VERBOSE=1 ;;
esac
sh /suite.sh 2>&1
rc=$?
end=$(cut -d. -f1 /proc/uptime)
finish "suite exited with status $rc after $((end - start))s (uptime ${end}s)"
