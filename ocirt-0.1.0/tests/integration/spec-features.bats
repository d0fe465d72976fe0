#!/usr/bin/env bats
# `ocirt spec`, `ocirt features` and the JSON documents they produce.

load helpers

EMIT_STATE=${EMIT_STATE:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/helpers/emit-state}

setup ()
{
  ocirt_setup
  RUNC_ROOT=$BATS_TEST_TMPDIR/runc-root
  RUNC_ID=
}

teardown ()
{
  if [[ -n $RUNC_ID ]]; then
    runc --root "$RUNC_ROOT" delete -f "$RUNC_ID" >/dev/null 2>&1 </dev/null
  fi
  ocirt_teardown
}

@test "spec: writes config.json into the current directory" {
  mkdir -p "$BUNDLE"
  cd "$BUNDLE"
  run "$OCIRT" spec
  assert_success
  assert_output ""
  [[ -f $BUNDLE/config.json ]]
  run jq -r '.ociVersion, .process.args[0], .process.terminal, .root.path,
             .root.readonly, .hostname' "$BUNDLE/config.json"
  assert_success
  assert_output "$(printf '1.3.0\nsh\ntrue\nrootfs\ntrue\nocirt')"
}

@test "spec: --bundle and -b choose the directory" {
  mkdir -p "$BUNDLE/a" "$BUNDLE/b"
  run "$OCIRT" spec --bundle "$BUNDLE/a"
  assert_success
  run "$OCIRT" spec -b "$BUNDLE/b"
  assert_success
  cmp "$BUNDLE/a/config.json" "$BUNDLE/b/config.json"
}

@test "spec: the default config has runc's content" {
  mkdir -p "$BUNDLE"
  "$OCIRT" spec -b "$BUNDLE"
  local cfg=$BUNDLE/config.json
  run jq -c '[.linux.namespaces[].type]' "$cfg"
  assert_output '["pid","network","ipc","uts","mount","cgroup"]'
  run jq -c '[.mounts[].destination]' "$cfg"
  assert_output '["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]'
  run jq -c '.mounts[] | select(.destination == "/dev") | .options' "$cfg"
  assert_output '["nosuid","strictatime","mode=755","size=65536k"]'
  run jq -c '.process.capabilities.bounding, .process.capabilities.effective,
             .process.capabilities.permitted' "$cfg"
  assert_output "$(printf '%s\n' '["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'{,,})"
  run jq -c '.process.rlimits' "$cfg"
  assert_output '[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}]'
  run jq -c '.linux.resources.devices' "$cfg"
  assert_output '[{"allow":false,"access":"rwm"}]'
  run jq -r '.process.noNewPrivileges, .process.user.uid, .process.user.gid,
             .process.cwd, (.process.env | join(" "))' "$cfg"
  assert_output "$(printf 'true\n0\n0\n/\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm')"
  run jq -r '.linux.maskedPaths | index("/proc/kcore") != null' "$cfg"
  assert_output true
  run jq -r '.linux.readonlyPaths | index("/proc/sys") != null' "$cfg"
  assert_output true
}

@test "spec: refuses to overwrite an existing config.json" {
  mkdir -p "$BUNDLE"
  echo '{"mine": true}' >"$BUNDLE/config.json"
  run "$OCIRT" spec -b "$BUNDLE"
  assert_failure 1
  assert_output --partial "spec: config.json already exists in $BUNDLE"
  run cat "$BUNDLE/config.json"
  assert_output '{"mine": true}'
}

@test "spec: a missing bundle directory is an error" {
  run "$OCIRT" spec -b "$BUNDLE/nonexistent"
  assert_failure 1
  assert_output --partial "spec:"
  [[ ! -e $BUNDLE/nonexistent ]]
}

@test "spec: --help, unknown options and extra arguments" {
  run "$OCIRT" spec --help
  assert_success
  assert_output --partial "Usage: ocirt spec"
  run "$OCIRT" spec -h
  assert_success
  assert_output --partial "--rootless"
  mkdir -p "$BUNDLE"
  cd "$BUNDLE"
  run "$OCIRT" spec --no-such-option
  assert_failure 1
  assert_output --partial "Usage: ocirt spec"
  run "$OCIRT" spec extra
  assert_failure 1
  [[ ! -e $BUNDLE/config.json ]]
}

@test "spec --rootless: user namespace and the caller's mappings" {
  mkdir -p "$BUNDLE"
  "$OCIRT" spec --rootless -b "$BUNDLE"
  local cfg=$BUNDLE/config.json
  run jq -c '[.linux.namespaces[].type]' "$cfg"
  assert_output '["pid","ipc","uts","mount","cgroup","user"]'
  run jq -c '.linux.uidMappings, .linux.gidMappings' "$cfg"
  assert_output "$(printf '[{"containerID":0,"hostID":%d,"size":1}]\n[{"containerID":0,"hostID":%d,"size":1}]' "$(id -u)" "$(id -g)")"
  run jq -c '.mounts[] | select(.destination == "/sys")' "$cfg"
  assert_output '{"destination":"/sys","type":"none","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]}'
  run jq -c '.mounts[] | select(.destination == "/dev/pts") | .options' "$cfg"
  assert_output '["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]'
  run jq -r '.linux | has("resources")' "$cfg"
  assert_output false
}

@test "spec --rootless: mappings follow the effective ids of the caller" {
  command -v setpriv >/dev/null || skip "setpriv not installed"
  mkdir -p "$BUNDLE"
  chmod 0777 "$BUNDLE"
  run setpriv --reuid 1234 --regid 4321 --clear-groups \
    "$OCIRT" spec --rootless -b "$BUNDLE"
  assert_success
  run jq -c '[.linux.uidMappings[0].hostID, .linux.gidMappings[0].hostID]' \
    "$BUNDLE/config.json"
  assert_output '[1234,4321]'
}

@test "spec: the configs validate against the runtime-spec schema" {
  requires jsonschema
  [[ -e $SPEC_SCHEMA_DIR/config-schema.json ]] \
    || skip "runtime-spec schema not installed (golang-github-opencontainers-specs-dev)"
  mkdir -p "$BUNDLE/a" "$BUNDLE/b"
  "$OCIRT" spec -b "$BUNDLE/a"
  "$OCIRT" spec --rootless -b "$BUNDLE/b"
  run validate_json "$SPEC_SCHEMA_DIR/config-schema.json" "$BUNDLE/a/config.json"
  assert_success
  run validate_json "$SPEC_SCHEMA_DIR/config-schema.json" "$BUNDLE/b/config.json"
  assert_success
}

@test "spec: the config runs under runc" {
  command -v runc >/dev/null || skip "runc not installed"
  local rootfs
  rootfs=$(test_rootfs) || fail "cannot build the busybox rootfs"
  mkdir -p "$BUNDLE"
  cp -a "$rootfs" "$BUNDLE/rootfs"
  "$OCIRT" spec -b "$BUNDLE"
  update_config '.process.terminal = false
    | .process.args = ["sh", "-c", "echo hi from $(hostname)"]'
  RUNC_ID=$(new_id)
  mkdir -p "$RUNC_ROOT"
  run timeout --kill-after=5 60 \
    runc --root "$RUNC_ROOT" run --bundle "$BUNDLE" "$RUNC_ID" </dev/null 3>&-
  assert_success
  assert_output "hi from ocirt"
}

@test "features: valid JSON with every key of features.md" {
  run "$OCIRT" features
  assert_success
  echo "$output" >"$BATS_TEST_TMPDIR/features.json"
  run jq -e . "$BATS_TEST_TMPDIR/features.json"
  assert_success
  local f=$BATS_TEST_TMPDIR/features.json key
  for key in ociVersionMin ociVersionMax hooks mountOptions annotations \
    potentiallyUnsafeConfigAnnotations linux; do
    jq -e --arg k "$key" 'has($k)' "$f" >/dev/null || fail "no $key"
  done
  for key in namespaces capabilities cgroup seccomp apparmor selinux \
    intelRdt memoryPolicy mountExtensions netDevices; do
    jq -e --arg k "$key" '.linux | has($k)' "$f" >/dev/null \
      || fail "no linux.$key"
  done
  for key in v1 v2 systemd systemdUser rdma; do
    jq -e --arg k "$key" '.linux.cgroup | has($k)' "$f" >/dev/null \
      || fail "no linux.cgroup.$key"
  done
  for key in enabled actions operators archs knownFlags supportedFlags; do
    jq -e --arg k "$key" '.linux.seccomp | has($k)' "$f" >/dev/null \
      || fail "no linux.seccomp.$key"
  done
  for key in enabled schemata monitoring; do
    jq -e --arg k "$key" '.linux.intelRdt | has($k)' "$f" >/dev/null \
      || fail "no linux.intelRdt.$key"
  done
  jq -e '.linux.mountExtensions.idmap | has("enabled")' "$f" >/dev/null
  jq -e '.linux.memoryPolicy | has("modes") and has("flags")' "$f" >/dev/null
  jq -e '.linux.apparmor | has("enabled")' "$f" >/dev/null
  jq -e '.linux.selinux | has("enabled")' "$f" >/dev/null
  jq -e '.linux.netDevices | has("enabled")' "$f" >/dev/null
}

@test "features: content of this build" {
  run "$OCIRT" features
  assert_success
  local f=$BATS_TEST_TMPDIR/features.json
  echo "$output" >"$f"
  run jq -r '.ociVersionMin, .ociVersionMax' "$f"
  assert_output "$(printf '1.0.0\n1.3.0')"
  run jq -c '.hooks' "$f"
  assert_output '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
  run jq -c '.linux.namespaces | sort' "$f"
  assert_output '["cgroup","ipc","mount","network","pid","time","user","uts"]'
  local opt
  for opt in ro rw nosuid bind rbind rro rnosymfollow tmpcopyup idmap ridmap \
    strictatime lazytime runbindable; do
    jq -e --arg o "$opt" '.mountOptions | index($o) != null' "$f" >/dev/null \
      || fail "mount option $opt missing"
  done
  # Options that are filesystem data, not flags, are not listed.
  run jq -r '.mountOptions[] | select(contains("="))' "$f"
  assert_output ""
  jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") != null' "$f" >/dev/null
  jq -e '.linux.capabilities | index("CAP_CHOWN") != null' "$f" >/dev/null
  run jq -r '.annotations["io.github.ocirt.checkpoint.enabled"]' "$f"
  assert_output false
  jq -e '.annotations | has("io.github.ocirt.version")' "$f" >/dev/null
  jq -e '.linux.mountExtensions.idmap.enabled == true' "$f" >/dev/null
  if [[ $(jq -r .linux.seccomp.enabled "$f") == true ]]; then
    jq -e '.linux.seccomp.actions | index("SCMP_ACT_ALLOW") != null' "$f" >/dev/null
    jq -e '.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ") != null' "$f" >/dev/null
    jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") != null' "$f" >/dev/null
    jq -e '.linux.seccomp.knownFlags | length == 4' "$f" >/dev/null
    # Supported flags are a subset of the known ones.
    jq -e '.linux.seccomp as $s | $s.supportedFlags - $s.knownFlags == []' "$f" >/dev/null
    jq -e '.annotations | has("io.github.ocirt.libseccomp.version")' "$f" >/dev/null
  else
    jq -e '.linux.seccomp.actions == []' "$f" >/dev/null
  fi
}

@test "features: --help and unknown options" {
  run "$OCIRT" features --help
  assert_success
  assert_output --partial "Usage: ocirt features"
  run "$OCIRT" features --bogus
  assert_failure 1
  run "$OCIRT" features extra
  assert_failure 1
}

@test "state: oci_state_emit output validates against state-schema.json" {
  requires jsonschema
  [[ -x $EMIT_STATE ]] || skip "$EMIT_STATE not built (make check builds it)"
  [[ -e $SPEC_SCHEMA_DIR/state-schema.json ]] \
    || skip "runtime-spec schema not installed (golang-github-opencontainers-specs-dev)"
  local st pid
  # Not "status": bats sets that variable in "run".
  for st in creating created running stopped; do
    pid=1234
    [[ $st == stopped ]] && pid=0
    "$EMIT_STATE" "$st" "$pid" "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/state.json"
    run validate_json "$SPEC_SCHEMA_DIR/state-schema.json" "$BATS_TEST_TMPDIR/state.json"
    assert_success
    run jq -r '.ociVersion, .id, .status, .bundle, .annotations["org.example.key"]' \
      "$BATS_TEST_TMPDIR/state.json"
    assert_output "$(printf '1.3.0\nstate-test\n%s\n%s\nvalue' "$st" "$BATS_TEST_TMPDIR")"
  done
  run jq -r '.pid' "$BATS_TEST_TMPDIR/state.json"
  # A stopped container has no pid.
  assert_output null
}
