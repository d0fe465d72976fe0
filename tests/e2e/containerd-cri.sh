#!/bin/bash
# containerd's CRI plugin with an "ocirt" runtime handler
# (io.containerd.runc.v2 with options BinaryName), as docs/kubernetes.md
# describes.  containerd runs with the CRI plugin enabled and a private
# root, state dir and socket.  A pod sandbox and a container are run
# through the handler with a small CRI client (crictl when Debian
# packages it; here lib/cri.py, which needs python3-grpcio).  Prints TAP;
# exits non-zero if a scenario failed.
#
# Environment: OCIRT (default: src/ocirt of this tree).

set -uo pipefail

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OCIRT=${OCIRT:-$SRCDIR/src/ocirt}
. "$SRCDIR/tests/e2e/lib/tap.bash"
. "$SRCDIR/tests/e2e/lib/containerd.bash"

PAUSE_IMAGE=localhost/ocirt-pause:e2e
CRI_NS=k8s.io
CRI=("$SRCDIR/tests/e2e/lib/cri.py")

# The handler as a cluster would configure it, next to the default runc
# one (@W@: the scratch directory).
CONTAINERD_CRI=1
CONTAINERD_CONFIG_EXTRA='
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "'$PAUSE_IMAGE'"
  disable_apparmor = true
  # no CAP_SYS_RESOURCE here: never ask for a lower oom_score_adj
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "@W@/cni/bin"
    conf_dir = "@W@/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocirt]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocirt.options]
        BinaryName = "@W@/bin/ocirt"
        Root = "@W@/ocirt-root"
'

have_cri_client ()
{
  /usr/bin/python3 -c 'import grpc' 2>/dev/null
}

containerd_begin
# the handler's ocirt state root and the sandbox cgroups are ours
SHIM_ROOT=$W/ocirt-root
CGROUP_PARENT=/$NS

cri ()
{
  timeout -k 5 90 /usr/bin/python3 "${CRI[@]}" "$W/containerd.sock" "$@"
}

plugin_loaded ()
{
  local out
  out=$(C plugins ls) || return 1
  grep -qE '^io\.containerd\.grpc\.v1 +cri +.* ok *$' <<<"$out" \
    || fail "CRI plugin not ok: $(grep cri <<<"$out")" || return 1
  grep -qE 'io\.containerd\.runtime\.v2 +task .* ok *$' <<<"$out" || fail "no runtime v2 task plugin"
}
t "containerd loads the CRI plugin" plugin_loaded

config_dump ()
{
  local out
  out=$(containerd --config "$W/config.toml" config dump 2>/dev/null) || return 1
  awk '/^ *\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.ocirt\]/ { on = 1 }
       on && /runtime_type/ { print }
       /^ *\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.ocirt\.options\]/ { opt = 1 }
       opt && /BinaryName/ { print; exit }' <<<"$out" >"$W/dump"
  grep -q 'runtime_type = "io.containerd.runc.v2"' "$W/dump" || fail "no runtime_type in the dump: $(cat "$W/dump")" || return 1
  grep -qF "BinaryName = \"$W/bin/ocirt\"" "$W/dump" || fail "no BinaryName in the dump: $(cat "$W/dump")"
}
t "config dump shows the ocirt handler with BinaryName" config_dump

if ! have_cri_client; then
  reason="no CRI client: crictl is not packaged for Debian 12 and python3-grpcio is missing"
  t_skip "RunPodSandbox with runtime handler ocirt" "$reason"
  t_skip "a container of the pod runs through ocirt" "$reason"
  t_skip "ExecSync in the container" "$reason"
  t_skip "StopPodSandbox and RemovePodSandbox" "$reason"
else
  # the images, in the CRI's namespace: busybox and a sleeping "pause"
  make_image "$PAUSE_IMAGE" '["sleep","2147483"]' "$W/pause.tar"
  C -n "$CRI_NS" images import --snapshotter native "$W/pause.tar" >/dev/null
  C -n "$CRI_NS" images import --snapshotter native "$W/image.tar" >/dev/null
  mkdir -p "$W/pods"

  run_pod ()
  {
    local id st
    id=$(cri runp pod1 ocirt "$CGROUP_PARENT" "$W/pods") || return 1
    echo "$id" >"$W/pod.id"
    st=$(cri sandbox-status "$id") || return 1
    expect_eq "$st" "READY ocirt" "sandbox state and handler" || return 1
    grep -qE "(^| )create .*--bundle .*$id" "$CALLS" || fail "ocirt did not create the sandbox $id" || return 1
    grep -qF -- "--root $SHIM_ROOT" "$CALLS" || fail "ocirt not called with the handler's Root"
  }
  t "RunPodSandbox with runtime handler ocirt" run_pod

  run_container ()
  {
    local pod cid st pid
    pod=$(cat "$W/pod.id") || return 1
    cid=$(cri create "$pod" c1 "$IMAGE" "$W/pods" c1.log "$CGROUP_PARENT" \
      sh -c 'echo hello-from-cri; cat /proc/self/cgroup | grep memory; sleep 1000') || return 1
    echo "$cid" >"$W/c1.id"
    cri start "$cid" || return 1
    st=$(cri status "$cid") || return 1
    expect_eq "$st" "RUNNING 0" "container state" || return 1
    grep -qE "(^| )start $cid$" "$CALLS" || fail "ocirt start $cid not called" || return 1
    wait_for 50 grep -q hello-from-cri "$W/pods/c1.log" || fail "no output in the CRI log: $(cat "$W/pods/c1.log" 2>&1)" || return 1
    grep -q "memory:$CGROUP_PARENT/$cid" "$W/pods/c1.log" || fail "cgroup: $(cat "$W/pods/c1.log")"
  }
  t "a container of the pod runs through ocirt" run_container

  exec_sync ()
  {
    local cid out rc=0
    cid=$(cat "$W/c1.id") || return 1
    out=$(cri exec "$cid" sh -c 'hostname; exit 3') || rc=$?
    expect_eq "$rc" 3 "ExecSync exit code" || return 1
    expect_eq "$out" pod1 "hostname of the pod" || return 1
    grep -qE "(^| )exec --process .* $cid$" "$CALLS" || fail "ocirt exec not called"
  }
  t "ExecSync in the container" exec_sync

  remove_pod ()
  {
    local pod
    pod=$(cat "$W/pod.id") || return 1
    cri stopp "$pod" || return 1
    cri rmp "$pod" || return 1
    [[ -z $(C -n "$CRI_NS" tasks list --quiet) ]] || fail "tasks left: $(C -n "$CRI_NS" tasks list)" || return 1
    [[ -z $(ls -A "$SHIM_ROOT/$CRI_NS" 2>/dev/null) ]] || fail "ocirt state left in $SHIM_ROOT/$CRI_NS: $(ls "$SHIM_ROOT/$CRI_NS")" || return 1
    grep -qE '(^| )delete ' "$CALLS" || fail "ocirt delete not called"
  }
  t "StopPodSandbox and RemovePodSandbox" remove_pod
fi

t_done
