#!/bin/bash
# containerd (through containerd-shim-runc-v2, driven by ctr) with ocirt as
# the runtime: basic scenarios.  containerd runs from a private root,
# state dir and socket and is stopped at the end.  Prints TAP lines;
# exits non-zero if a scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
IMAGE=localhost/ocirt-busybox:e2e
NS=ocirt-e2e-$$
SCENARIOS=(
  "start containerd and import a busybox image"
  "ctr run --rm prints the output"
  "ctr run returns the exit status"
  "ctr run -d, task kill and delete"
  "the shim called ocirt with its global flags"
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
  while ((N < ${#SCENARIOS[@]})); do
    N=$((N + 1))
    echo "ok $N - ${SCENARIOS[N - 1]} # SKIP $1"
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
if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null \
  || ! command -v containerd-shim-runc-v2 >/dev/null; then
  skip_rest "containerd not installed"
  exit 0
fi
if [[ ! -x $OCIRT ]]; then
  skip_rest "$OCIRT not built"
  exit 0
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/ocirt-containerd.XXXXXX") || exit 1
chmod 0755 "$W"
cd "$W" || exit 1
CONTAINERD_PID=
# the shim's default runtime root is fixed: remember what we add there
SHIM_ROOT=/run/containerd/runc/$NS
RUN_CONTAINERD_EXISTED=
[[ -e /run/containerd ]] && RUN_CONTAINERD_EXISTED=1

C ()
{
  timeout -k 5 60 ctr --address "$W/containerd.sock" --namespace "$NS" "$@"
}

# Processes of ours: shims serving our namespace.
our_shims ()
{
  local p
  for p in /proc/[0-9]*; do
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "-namespace $NS " && echo "${p#/proc/}"
  done
}

cleanup ()
{
  local id pid mnt i dir
  if [[ -n $CONTAINERD_PID ]]; then
    for id in $(C tasks list --quiet 2>/dev/null); do
      C tasks kill --signal SIGKILL "$id" >/dev/null 2>&1
      C tasks delete --force "$id" >/dev/null 2>&1
    done
    for id in $(C containers list --quiet 2>/dev/null); do
      C containers delete "$id" >/dev/null 2>&1
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
  for dir in /sys/fs/cgroup/*/"$NS"; do
    [[ -d $dir ]] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf --one-file-system "$SHIM_ROOT"
  if [[ -z $RUN_CONTAINERD_EXISTED && -d /run/containerd ]]; then
    find /run/containerd -depth -type d -empty -delete 2>/dev/null
  fi
  cd /
  rm -rf --one-file-system "$W"
}
trap cleanup EXIT

# A wrapper records every call, to prove the shim used ocirt.
mkdir -p "$W/bin"
cat >"$W/bin/ocirt" <<EOF
#!/bin/sh
echo "\$*" >>"$W/calls.log"
exec "$OCIRT" "\$@"
EOF
chmod 0755 "$W/bin/ocirt"

cat >"$W/config.toml" <<EOF
version = 2
root = "$W/root"
state = "$W/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$W/containerd.sock"

[ttrpc]
  address = "$W/containerd.sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$W/opt"
EOF

# An OCI image layout with one uncompressed layer: a busybox rootfs.
make_image ()
{
  local dir=$W/rootfs img=$W/image applet layer cfg man ls cs ms arch
  mkdir -p "$dir"/{bin,dev,etc,proc,root,sys,tmp} "$img/blobs/sha256"
  chmod 1777 "$dir/tmp"
  cp /bin/busybox "$dir/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -s busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
  printf 'root:x:0:\n' >"$dir/etc/group"
  tar -C "$dir" --numeric-owner -cf "$W/layer.tar" . || return 1
  layer=$(sha256sum "$W/layer.tar" | cut -d' ' -f1)
  ls=$(stat -c %s "$W/layer.tar")
  mv "$W/layer.tar" "$img/blobs/sha256/$layer"
  arch=$(dpkg --print-architecture)
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$layer" >"$W/config.json"
  cfg=$(sha256sum "$W/config.json" | cut -d' ' -f1)
  cs=$(stat -c %s "$W/config.json")
  mv "$W/config.json" "$img/blobs/sha256/$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cfg" "$cs" "$layer" "$ls" >"$W/manifest.json"
  man=$(sha256sum "$W/manifest.json" | cut -d' ' -f1)
  ms=$(stat -c %s "$W/manifest.json")
  mv "$W/manifest.json" "$img/blobs/sha256/$man"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"e2e"}}]}' \
    "$man" "$ms" "$arch" "$IMAGE" >"$img/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$img/oci-layout"
  tar -C "$img" -cf "$W/image.tar" oci-layout index.json blobs
}

setup ()
{
  local i
  [[ -x /bin/busybox ]] || {
    echo "/bin/busybox missing: install busybox-static"
    return 1
  }
  make_image || return 1
  containerd --config "$W/config.toml" </dev/null >"$W/containerd.log" 2>&1 &
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
  C images import --snapshotter native "$W/image.tar" || return 1
  C images list --quiet | grep -qxF "$IMAGE" || {
    echo "$IMAGE not listed after import"
    return 1
  }
}

# setup sets CONTAINERD_PID, so it runs in this shell
if setup >"$W/setup.log" 2>&1; then
  ok "${SCENARIOS[0]}"
else
  not_ok "${SCENARIOS[0]}" "$(cat "$W/setup.log")"
  skip_rest "no containerd or image"
  exit 1
fi

R ()
{
  C run --snapshotter native --runc-binary "$W/bin/ocirt" "$@"
}

run_echo ()
{
  local out
  out=$(R --rm "$IMAGE" "e2e-echo-$$" echo hi 2>&1)
  [[ $out == hi ]] || {
    echo "output: $out"
    return 1
  }
}
check "${SCENARIOS[1]}" run_echo

run_exit7 ()
{
  local rc=0
  R --rm "$IMAGE" "e2e-exit-$$" sh -c 'exit 7' || rc=$?
  ((rc == 7)) || {
    echo "exit status $rc, wanted 7"
    return 1
  }
}
check "${SCENARIOS[2]}" run_exit7

run_detached ()
{
  local id=e2e-detached-$$ st i
  R -d "$IMAGE" "$id" sleep 1000 || return 1
  st=$(C tasks list | awk -v id="$id" '$1 == id { print $3 }')
  [[ $st == RUNNING ]] || {
    echo "task status after run -d: $st"
    return 1
  }
  C tasks kill --signal SIGKILL "$id" || return 1
  for ((i = 0; i < 100; i++)); do
    st=$(C tasks list | awk -v id="$id" '$1 == id { print $3 }')
    [[ $st == STOPPED ]] && break
    sleep 0.1
  done
  [[ $st == STOPPED ]] || {
    echo "task status after kill: $st"
    return 1
  }
  C tasks delete "$id" || return 1
  C containers delete "$id" || return 1
  [[ -z $(C containers list --quiet) ]] || {
    echo "containers left: $(C containers list --quiet)"
    return 1
  }
}
check "${SCENARIOS[3]}" run_detached

called_ocirt ()
{
  local verb
  for verb in create start kill delete; do
    grep -qE "(^| )$verb( |$)" "$W/calls.log" 2>/dev/null || {
      echo "ocirt was not called for $verb; calls:"
      cat "$W/calls.log" 2>/dev/null
      return 1
    }
  done
  grep -qF -- "--root $SHIM_ROOT " "$W/calls.log" \
    && grep -qE -- '--log-format json' "$W/calls.log" || {
    echo "calls without --root $SHIM_ROOT --log-format json:"
    cat "$W/calls.log"
    return 1
  }
}
check "${SCENARIOS[4]}" called_ocirt

((FAILS == 0))
