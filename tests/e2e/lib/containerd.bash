# Shared setup of the containerd end-to-end scripts (sourced after
# tap.bash).
#
# containerd_begin starts containerd with a private root, state dir,
# socket and namespace; an argv-logging wrapper runs ocirt, both as
# --runc-binary and as "runc" first in containerd's PATH (ctr container
# create has no --runc-binary).  A busybox OCI image is imported as
# $IMAGE.  C runs ctr against it; CR runs "ctr run" with ocirt.  The
# cleanup trap kills what is left, stops containerd by pid and removes
# shims, mounts, cgroups and state.
#
# CONTAINERD_CONFIG_EXTRA: TOML appended to the config (plugins), @W@
# stands for the scratch directory; CONTAINERD_CRI=1 keeps the CRI
# plugin enabled.

IMAGE=localhost/ocirt-busybox:e2e
NS=ocirt-e2e-$$
CONTAINERD_PID=
CONTAINERD_CONFIG_EXTRA=${CONTAINERD_CONFIG_EXTRA:-}

containerd_missing ()
{
  if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null \
    || ! command -v containerd-shim-runc-v2 >/dev/null; then
    echo "containerd not installed"
  elif [[ ! -x $OCIRT ]]; then
    echo "$OCIRT not built"
  elif [[ ! -x /bin/busybox ]]; then
    echo "/bin/busybox missing (busybox-static)"
  fi
}

# C [-n NAMESPACE] ARGS...: ctr against our containerd (namespace $NS)
C ()
{
  local ns=$NS
  if [[ ${1:-} == -n ]]; then
    ns=$2
    shift 2
  fi
  # ctr keeps the FIFOs of run, exec and start in a fixed directory
  # unless told otherwise
  if [[ ${1:-} == run ]]; then
    set -- run --fifo-dir "$W/fifo" "${@:2}"
  elif [[ ${1:-} == tasks && (${2:-} == exec || ${2:-} == start) ]]; then
    set -- tasks "$2" --fifo-dir "$W/fifo" "${@:3}"
  fi
  timeout ${C_FG:-} -k 5 "${C_TIMEOUT:-60}" ctr --address "$W/containerd.sock" --namespace "$ns" "$@"
}

CR ()
{
  C run --snapshotter native --runc-binary "$W/bin/ocirt" "$@"
}

# Processes of ours: shims of our containerd (its socket is private).
our_shims ()
{
  local p
  for p in /proc/[0-9]*; do
    { tr '\0' ' ' <"$p/cmdline" | grep -qF -- "-address $W/containerd.sock "; } 2>/dev/null \
      && echo "${p#/proc/}"
  done
}

containerd_cleanup ()
{
  local ns id pid mnt i dir
  if [[ -n $CONTAINERD_PID ]]; then
    # every namespace of this private containerd is ours
    for ns in $(C namespaces list --quiet 2>/dev/null); do
      for id in $(C -n "$ns" tasks list --quiet 2>/dev/null); do
        C -n "$ns" tasks kill --all --signal SIGKILL "$id" >/dev/null 2>&1
        C -n "$ns" tasks delete --force "$id" >/dev/null 2>&1
      done
      for id in $(C -n "$ns" containers list --quiet 2>/dev/null); do
        C -n "$ns" containers delete "$id" >/dev/null 2>&1
      done
    done
    kill -TERM "$CONTAINERD_PID" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      kill -0 "$CONTAINERD_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$CONTAINERD_PID" 2>/dev/null
    wait "$CONTAINERD_PID" 2>/dev/null
  fi
  for pid in $(our_shims); do
    kill -KILL "$pid" 2>/dev/null
  done
  for mnt in $(awk -v w="$W/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null
  done
  # cgroups of our namespace (/NS/ID), empty once the tasks are gone
  for dir in /sys/fs/cgroup/*/"$NS" /sys/fs/cgroup/"$NS"; do
    [[ -d $dir ]] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf --one-file-system "$SHIM_ROOT" ${EXTRA_CLEANUP[@]+"${EXTRA_CLEANUP[@]}"}
  if [[ -z $RUN_CONTAINERD_EXISTED && -d /run/containerd ]]; then
    find /run/containerd -depth -type d -empty -delete 2>/dev/null
  fi
  cd /
  rm -rf --one-file-system "$W"
}

# make_image NAME CMD-JSON TARBALL: an OCI image layout with one
# uncompressed layer, a busybox rootfs.
make_image ()
{
  local name=$1 cmd=$2 tarball=$3 dir=$W/rootfs img=$W/image layer cfg man ls cs ms arch
  rm -rf "$img"
  mkdir -p "$img/blobs/sha256"
  make_busybox_rootfs "$dir" || return 1
  tar -C "$dir" --numeric-owner -cf "$W/layer.tar" . || return 1
  rm -rf "$dir"
  layer=$(sha256sum "$W/layer.tar" | cut -d' ' -f1)
  ls=$(stat -c %s "$W/layer.tar")
  mv "$W/layer.tar" "$img/blobs/sha256/$layer"
  arch=$(dpkg --print-architecture)
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$cmd" "$layer" >"$W/config.json"
  cfg=$(sha256sum "$W/config.json" | cut -d' ' -f1)
  cs=$(stat -c %s "$W/config.json")
  mv "$W/config.json" "$img/blobs/sha256/$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cfg" "$cs" "$layer" "$ls" >"$W/manifest.json"
  man=$(sha256sum "$W/manifest.json" | cut -d' ' -f1)
  ms=$(stat -c %s "$W/manifest.json")
  mv "$W/manifest.json" "$img/blobs/sha256/$man"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"e2e"}}]}' \
    "$man" "$ms" "$arch" "$name" >"$img/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$img/oci-layout"
  tar -C "$img" -cf "$tarball" oci-layout index.json blobs
  rm -rf "$img"
}

containerd_setup ()
{
  local i disabled='disabled_plugins = ["io.containerd.grpc.v1.cri"]'
  W=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-containerd.XXXXXX") || return 1
  chmod 0755 "$W"
  # conmon-like helpers may write into the working directory
  cd "$W" || return 1
  # the shim's default runtime root is fixed: remember what we add there
  SHIM_ROOT=/run/containerd/runc/$NS
  RUN_CONTAINERD_EXISTED=
  [[ -e /run/containerd ]] && RUN_CONTAINERD_EXISTED=1
  trap containerd_cleanup EXIT

  CALLS=$W/calls.log
  make_ocirt_wrapper "$W/bin" ocirt "$CALLS" || return 1
  # ctr container create has no --runc-binary: the shim finds "runc"
  # in containerd's PATH
  ln -s ocirt "$W/bin/runc"

  [[ -n ${CONTAINERD_CRI:-} ]] && disabled='disabled_plugins = []'
  cat >"$W/config.toml" <<EOC
version = 2
root = "$W/root"
state = "$W/state"
$disabled

[grpc]
  address = "$W/containerd.sock"

[ttrpc]
  address = "$W/containerd.sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$W/opt"
${CONTAINERD_CONFIG_EXTRA//@W@/$W}
EOC

  make_image "$IMAGE" '["sh"]' "$W/image.tar" || return 1
  PATH=$W/bin:$PATH containerd --config "$W/config.toml" </dev/null >"$W/containerd.log" 2>&1 &
  CONTAINERD_PID=$!
  for ((i = 0; i < 300; i++)); do
    C version >/dev/null 2>&1 && break
    kill -0 "$CONTAINERD_PID" 2>/dev/null || break
    sleep 0.1
  done
  C version >/dev/null 2>&1 || {
    echo "containerd did not come up:"
    tail -n 20 "$W/containerd.log"
    return 1
  }
  C images import --snapshotter native "$W/image.tar" >/dev/null || return 1
  C images list --quiet | grep -qxF "$IMAGE" || {
    echo "$IMAGE not listed after import"
    return 1
  }
}

containerd_begin ()
{
  local why log
  why=$(containerd_missing)
  if [[ -n $why ]]; then
    t_skip "containerd setup" "$why"
    t_done
    exit 0
  fi
  log=$(mktemp "${TMPDIR:-/tmp}/containerd-setup.XXXXXX") || exit 1
  # in this shell: it sets W, CONTAINERD_PID and the trap
  if containerd_setup >"$log" 2>&1; then
    rm -f "$log"
    t_ok "containerd setup: private root, state, socket; busybox image"
  else
    t_not_ok "containerd setup: private root, state, socket; busybox image" "$(cat "$log")"
    rm -f "$log"
    t_done
    exit 1
  fi
}

# task_pid ID: host pid of a task's init
task_pid ()
{
  C tasks list | awk -v id="$1" '$1 == id { print $2 }'
}

# task_status ID
task_status ()
{
  C tasks list | awk -v id="$1" '$1 == id { print $3 }'
}

# bundle_config ID: the config.json the shim gave ocirt
bundle_config ()
{
  echo "$W/state/io.containerd.runtime.v2.task/$NS/$1/config.json"
}

# rm_task ID: kill, delete the task and the container
rm_task ()
{
  C tasks kill --all --signal SIGKILL "$1" >/dev/null 2>&1
  wait_for 100 out_is STOPPED task_status "$1" >/dev/null 2>&1
  C tasks delete "$1" >/dev/null 2>&1
  C containers delete "$1" >/dev/null 2>&1
}
