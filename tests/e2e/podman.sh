#!/bin/bash
# podman (through conmon) with ocirt as its OCI runtime: basic scenarios.
# Everything podman keeps goes to a private temp dir.  Prints TAP lines
# ("ok N - name"); exits non-zero if a scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
IMAGE=localhost/ocirt-busybox:e2e
SCENARIOS=(
  "import a busybox image"
  "podman run --rm prints the output"
  "podman run --rm returns the exit status"
  "podman run -d, stop and rm"
  "podman called ocirt with --log-format json"
)
N=0
FAILS=0

ok ()
{
  N=$((N + 1))
  echo "ok $N - $1"
}

not_ok ()
{
  N=$((N + 1))
  FAILS=$((FAILS + 1))
  echo "not ok $N - $1"
  [[ -z ${2:-} ]] || sed 's/^/#   /' <<<"$2"
}

skip_rest ()
{
  local reason=$1
  while ((N < ${#SCENARIOS[@]})); do
    N=$((N + 1))
    echo "ok $N - ${SCENARIOS[N - 1]} # SKIP $reason"
  done
}

check ()
{
  local name=$1 detail
  shift
  if detail=$("$@" 2>&1); then
    ok "$name"
  else
    not_ok "$name" "$detail"
  fi
}

echo "1..${#SCENARIOS[@]}"
if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
  skip_rest "podman or conmon not installed"
  exit 0
fi
if [[ ! -x $OCIRT ]]; then
  skip_rest "$OCIRT not built"
  exit 0
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-podman.XXXXXX") || exit 1
chmod 0755 "$W"
# podman refuses a runroot path longer than 50 characters
RUNROOT=$(mktemp -d /run/ocirt-e2e.XXXXXX) || exit 1
# conmon writes files (oom) into its working directory
cd "$W" || exit 1

# cgroups podman creates with cgroupfs on cgroup v1; removed at the end
# if they were not there before
PODMAN_CGROUPS=()
for dir in /sys/fs/cgroup/*/; do
  [[ -e ${dir}libpod_parent ]] || PODMAN_CGROUPS+=("${dir}libpod_parent")
done

# podman's blob-info cache and lock segment live in fixed places
CREATED_PATHS=()
for path in /var/lib/containers /dev/shm/libpod_lock; do
  [[ -e $path ]] || CREATED_PATHS+=("$path")
done

# ocirt's default state root, used since podman passes no --root
RUN_OCIRT_EXISTED=
[[ -e /run/ocirt ]] && RUN_OCIRT_EXISTED=1

cleanup ()
{
  local mnt dir
  P rm --all --force --time 0 >/dev/null 2>&1
  for mnt in $(awk -v w="$W/" -v r="$RUNROOT/" 'index($5, w) == 1 || index($5, r) == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null
  done
  for dir in "${PODMAN_CGROUPS[@]}"; do
    [[ -d $dir ]] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  cd /
  rm -rf --one-file-system "$W" "$RUNROOT" "${CREATED_PATHS[@]}"
  if [[ -z $RUN_OCIRT_EXISTED && -d /run/ocirt ]]; then
    # only ocirt's caches may be left in a state root that we caused
    rm -rf /run/ocirt/.cache:*
    rmdir /run/ocirt 2>/dev/null
  fi
}
trap cleanup EXIT

# A wrapper records every call, to prove podman used ocirt.
mkdir -p "$W/bin"
cat >"$W/bin/ocirt" <<EOF
#!/bin/sh
echo "\$*" >>"$W/calls.log"
exec "$OCIRT" "\$@"
EOF
chmod 0755 "$W/bin/ocirt"

# podman as root asks for rlimits above this machine's hard limits unless
# told otherwise; no systemd here.
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
[[ $nproc == unlimited || $nproc -gt $pid_max ]] && nproc=$pid_max
[[ $nofile == unlimited ]] && nofile=1048576
cat >"$W/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "ocirt"]

[engine.runtimes]
ocirt = ["$W/bin/ocirt"]

[network]
network_config_dir = "$W/networks"
EOF
cat >"$W/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$W/storage"
runroot = "$RUNROOT"
EOF
export CONTAINERS_CONF=$W/containers.conf
export CONTAINERS_STORAGE_CONF=$W/storage.conf

P ()
{
  timeout -k 5 120 podman --root "$W/storage" --runroot "$RUNROOT" \
    --tmpdir "$W/libpod" --storage-driver vfs --cgroup-manager cgroupfs \
    --events-backend file --runtime "$W/bin/ocirt" "$@"
}

# --- the image: a tarball of a busybox rootfs
make_rootfs ()
{
  local dir=$W/rootfs applet
  mkdir -p "$dir"/{bin,dev,etc,proc,root,sys,tmp}
  chmod 1777 "$dir/tmp"
  cp /bin/busybox "$dir/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -s busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
  printf 'root:x:0:\n' >"$dir/etc/group"
  tar -C "$dir" --numeric-owner -cf "$W/rootfs.tar" .
}

if [[ ! -x /bin/busybox ]]; then
  not_ok "${SCENARIOS[0]}" "/bin/busybox missing: install busybox-static"
  skip_rest "no image"
  exit 1
fi
make_rootfs
if out=$(P import "$W/rootfs.tar" "$IMAGE" 2>&1); then
  ok "${SCENARIOS[0]}"
else
  not_ok "${SCENARIOS[0]}" "$out"
  skip_rest "no image"
  exit 1
fi

run_echo ()
{
  local out
  out=$(P run --rm --network none "$IMAGE" echo hi 2>&1)
  [[ $out == hi ]] || {
    echo "output: $out"
    return 1
  }
}
check "${SCENARIOS[1]}" run_echo

run_exit7 ()
{
  local rc=0
  P run --rm --network none "$IMAGE" sh -c 'exit 7' || rc=$?
  ((rc == 7)) || {
    echo "exit status $rc, wanted 7"
    return 1
  }
}
check "${SCENARIOS[2]}" run_exit7

run_detached ()
{
  local name=ocirt-e2e-$$ cid st
  cid=$(P run -d --network none --name "$name" "$IMAGE" sleep 1000) || return 1
  st=$(P inspect --format '{{.State.Status}}' "$name") || return 1
  [[ $st == running ]] || {
    echo "status after run -d: $st"
    return 1
  }
  [[ -d /run/ocirt/$cid ]] || {
    echo "no ocirt state for $cid under /run/ocirt"
    return 1
  }
  P stop --time 2 "$name" >/dev/null || return 1
  st=$(P inspect --format '{{.State.Status}}' "$name") || return 1
  [[ $st == exited ]] || {
    echo "status after stop: $st"
    return 1
  }
  P rm "$name" >/dev/null || return 1
  [[ -z $(P ps --all --quiet --filter "name=^$name\$") ]] || {
    echo "container still listed after rm"
    return 1
  }
  [[ ! -e /run/ocirt/$cid ]] || {
    echo "/run/ocirt/$cid left after rm"
    return 1
  }
}
check "${SCENARIOS[3]}" run_detached

called_ocirt ()
{
  local verb
  for verb in create start delete; do
    grep -qE "(^| )$verb( |$)" "$W/calls.log" 2>/dev/null || {
      echo "ocirt was not called for $verb; calls:"
      cat "$W/calls.log" 2>/dev/null
      return 1
    }
  done
  grep -qE -- '--log-format[= ]json' "$W/calls.log" || {
    echo "no --log-format json (runtime_supports_json)"
    return 1
  }
}
check "${SCENARIOS[4]}" called_ocirt

((FAILS == 0))
