# Shared setup of the podman end-to-end scripts (sourced after tap.bash).
#
# podman_setup creates a private podman (storage, runroot, tmpdir,
# containers.conf, events log, networks) in a scratch directory, puts an
# argv-logging wrapper in front of ocirt, imports a busybox image as
# $IMAGE and installs a cleanup trap.  P runs podman with all of that.
# Nothing is left behind: containers, pods, volumes, mounts, cgroups
# and the directories podman creates in fixed places are removed.

IMAGE=localhost/ocirt-busybox:e2e

podman_missing ()
{
  if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
    echo "podman or conmon not installed"
  elif [[ ! -x $OCIRT ]]; then
    echo "$OCIRT not built"
  elif [[ ! -x /bin/busybox ]]; then
    echo "/bin/busybox missing (busybox-static)"
  fi
}

P ()
{
  timeout ${P_FG:-} -k 5 "${P_TIMEOUT:-120}" podman --root "$W/storage" --runroot "$RUNROOT" \
    --tmpdir "$W/libpod" --storage-driver vfs --cgroup-manager cgroupfs \
    --events-backend file --runtime "$W/bin/ocirt" "$@"
}

podman_cleanup ()
{
  local mnt dir id pid
  P pod rm --all --force >/dev/null 2>&1
  P rm --all --force --time 0 >/dev/null 2>&1
  P volume rm --all --force >/dev/null 2>&1
  # what podman could not remove (a failing runtime): ocirt's state of
  # the containers it created for us, and our conmons
  for id in $(awk '/(^| )create / { print $NF }' "$CALLS" 2>/dev/null | sort -u); do
    [[ -d /run/ocirt/$id ]] && "$W/bin/ocirt.bin" delete --force "$id" >/dev/null 2>&1
  done
  for pid in $(pgrep -x conmon); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- " -r $W/bin/ocirt " && kill -KILL "$pid"
  done
  for mnt in $(awk -v w="$W/" -v r="$RUNROOT/" \
    'index($5, w) == 1 || index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null
  done
  for dir in "${PODMAN_CGROUPS[@]}"; do
    [[ -d $dir ]] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  # the retried podman races, as TAP comments
  [[ -s $W/races.log ]] && sed 's/^/# /' "$W/races.log"
  cd /
  rm -rf --one-file-system "$W" "$RUNROOT" "${CREATED_PATHS[@]}"
  for dir in "${CREATED_DIRS[@]}"; do
    # podman bind-mounts /run/netns onto itself to share the namespaces
    [[ -d $dir && -z $(ls -A "$dir") ]] || continue
    mountpoint -q "$dir" && umount "$dir"
    rmdir "$dir" 2>/dev/null
  done
  if [[ -z $RUN_OCIRT_EXISTED && -d /run/ocirt ]]; then
    # only ocirt's caches may be left in a state root that we caused
    rm -rf /run/ocirt/.cache:*
    rmdir /run/ocirt 2>/dev/null
  fi
}

podman_setup ()
{
  local dir path nofile nproc pid_max
  W=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-podman.XXXXXX") || return 1
  chmod 0755 "$W"
  # podman refuses a runroot path longer than 50 characters
  RUNROOT=$(mktemp -d /run/ocirt-e2e.XXXXXX) || return 1
  # conmon writes files (oom) into its working directory
  cd "$W" || return 1
  # cgroups podman creates with cgroupfs (v1 and unified)
  PODMAN_CGROUPS=()
  for dir in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [[ -e ${dir}libpod_parent ]] || PODMAN_CGROUPS+=("${dir}libpod_parent")
  done
  # podman's blob-info cache and lock segment live in fixed places
  CREATED_PATHS=()
  for path in /var/lib/containers /dev/shm/libpod_lock; do
    [[ -e $path ]] || CREATED_PATHS+=("$path")
  done
  # network namespaces podman mounts there (slirp4netns): removed with
  # the containers; the directory (a bind mount onto itself) goes if it
  # is new and empty
  CREATED_DIRS=()
  [[ -e /run/netns ]] || CREATED_DIRS+=(/run/netns)
  # ocirt's default state root, used since podman passes no --root
  RUN_OCIRT_EXISTED=
  [[ -e /run/ocirt ]] && RUN_OCIRT_EXISTED=1
  trap podman_cleanup EXIT

  CALLS=$W/calls.log
  make_ocirt_wrapper "$W/bin" ocirt "$CALLS" || return 1

  # podman as root asks for rlimits above this machine's hard limits
  # unless told otherwise; no systemd here.
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  pid_max=$(cat /proc/sys/kernel/pid_max)
  [[ $nproc == unlimited || $nproc -gt $pid_max ]] && nproc=$pid_max
  [[ $nofile == unlimited ]] && nofile=1048576
  NPROC=$nproc
  cat >"$W/containers.conf" <<EOC
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
init_path = "$(command -v catatonit || echo /usr/libexec/podman/catatonit)"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "ocirt"]
volume_path = "$W/volumes"

[engine.runtimes]
ocirt = ["$W/bin/ocirt"]

[network]
network_config_dir = "$W/networks"
EOC
  cat >"$W/storage.conf" <<EOC
[storage]
driver = "vfs"
graphroot = "$W/storage"
runroot = "$RUNROOT"
EOC
  export CONTAINERS_CONF=$W/containers.conf
  export CONTAINERS_STORAGE_CONF=$W/storage.conf

  make_busybox_rootfs "$W/rootfs" || return 1
  tar -C "$W/rootfs" --numeric-owner -cf "$W/rootfs.tar" . || return 1
  P import --change 'ENV PATH=/bin' "$W/rootfs.tar" "$IMAGE" >/dev/null || return 1
  rm -rf "$W/rootfs.tar"
}

# P_rm [pod] [OPTIONS] NAME: podman rm (or pod rm) of one container (or
# pod).  Debian's podman 4.3 has a known race between "rm" and the cleanup
# process conmon starts when the container exits (podman issues 11594 and
# 17216, seen there with crun and --uidmap on vfs): the removal can fail
# with "unlinkat .../userdata/shm: device or resource busy".  Only that
# failure is retried, twice, a second apart.  A second later the shm
# mount it names must be free (a mount something still holds fails the
# scenario), and the container is removed or gone.  Any other failure, or
# the same one three times, fails.
P_rm ()
{
  local out i shm kind=container name=${!#}
  if [[ $1 == pod ]]; then
    kind=pod
    shift
  fi
  for i in 1 2 3; do
    if [[ $kind == pod ]]; then
      out=$(P pod rm "$@" 2>&1) && return 0
    else
      out=$(P rm "$@" 2>&1) && return 0
    fi
    [[ $out == *"device or resource busy"* ]] || break
    { echo "podman $kind rm $name: podman's EBUSY race, retried:"; echo "$out"; } >>"$W/races.log"
    sleep 1
    shm=$(grep -o '/[^ :]*/userdata/shm' <<<"$out" | head -n1)
    if [[ -n $shm ]] && mountpoint -q "$shm"; then
      umount "$shm" || fail "$shm is still busy a second after podman rm" || return 1
    fi
    P "$kind" exists "$name" || return 0
  done
  echo "$out" >&2
  return 1
}

# R ARGS...: podman run --rm --network none ARGS
R ()
{
  P run --rm --network none "$@"
}

# pid_of NAME: host pid of a running container
pid_of ()
{
  P inspect --format '{{.State.Pid}}' "$1"
}

# status_of NAME
status_of ()
{
  P inspect --format '{{.State.Status}}' "$1"
}

# Start podman's part of a script: a scenario that fails stops it.
podman_begin ()
{
  local why log
  why=$(podman_missing)
  if [[ -n $why ]]; then
    t_skip "podman setup" "$why"
    t_done
    exit 0
  fi
  log=$(mktemp "${TMPDIR:-/tmp}/podman-setup.XXXXXX") || exit 1
  # in this shell: it sets W, RUNROOT and the trap
  if podman_setup >"$log" 2>&1; then
    rm -f "$log"
    t_ok "podman setup: private storage and busybox image"
  else
    t_not_ok "podman setup: private storage and busybox image" "$(cat "$log")"
    rm -f "$log"
    t_done
    exit 1
  fi
}
