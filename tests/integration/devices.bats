#!/usr/bin/env bats
# Devices: the default set and linux.devices[], checked with stat inside
# the container (type, major:minor, mode, owner).

load helpers

STAT_FMT='%n %F %t:%T %a %u:%g'

@test "default devices and /dev symlinks" {
  make_bundle "$BUNDLE" sh -c "stat -c '$STAT_FMT' /dev/null /dev/zero /dev/full \
    /dev/random /dev/urandom /dev/tty; for l in fd stdin stdout stderr ptmx; do
    echo \"\$l -> \$(readlink /dev/\$l)\"; done; stat -c '%n %F' /dev/pts/ptmx"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  # stat prints major:minor in hex
  assert_line "/dev/null character special file 1:3 666 0:0"
  assert_line "/dev/zero character special file 1:5 666 0:0"
  assert_line "/dev/full character special file 1:7 666 0:0"
  assert_line "/dev/random character special file 1:8 666 0:0"
  assert_line "/dev/urandom character special file 1:9 666 0:0"
  assert_line "/dev/tty character special file 5:0 666 0:0"
  assert_line "fd -> /proc/self/fd"
  assert_line "stdin -> /proc/self/fd/0"
  assert_line "stdout -> /proc/self/fd/1"
  assert_line "stderr -> /proc/self/fd/2"
  assert_line "ptmx -> pts/ptmx"
  assert_line "/dev/pts/ptmx character special file"
}

@test "configured devices: char, block, fifo, with mode and owner, in new directories" {
  make_bundle "$BUNDLE" sh -c "stat -c '$STAT_FMT' /dev/mychar /dev/sub/dir/myblk /dev/myfifo /dev/null"
  update_config '.linux.devices = [
    {"path": "/dev/mychar", "type": "c", "major": 1, "minor": 7, "fileMode": 416, "uid": 1000, "gid": 1001},
    {"path": "/dev/sub/dir/myblk", "type": "b", "major": 7, "minor": 200, "fileMode": 384, "uid": 0, "gid": 6},
    {"path": "/dev/myfifo", "type": "p", "fileMode": 420},
    {"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 5, "gid": 5}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line "/dev/mychar character special file 1:7 640 1000:1001"
  assert_line "/dev/sub/dir/myblk block special file 7:c8 600 0:6"
  assert_line "/dev/myfifo fifo 0:0 644 0:0"
  # a configured path of the default set replaces the default
  assert_line "/dev/null character special file 1:3 666 5:5"
}

@test "a device over an existing matching node is kept, over a different file is an error" {
  make_bundle "$BUNDLE" sh -c "stat -c '$STAT_FMT' /opt/null"
  mkdir -p "$BUNDLE/rootfs/opt"
  mknod -m 0600 "$BUNDLE/rootfs/opt/null" c 1 3
  update_config '.linux.devices = [{"path": "/opt/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line "/opt/null character special file 1:3 666 0:0"

  rm -rf "$BUNDLE"
  make_bundle "$BUNDLE" true
  mkdir -p "$BUNDLE/rootfs/opt"
  echo regular >"$BUNDLE/rootfs/opt/dev"
  update_config '.linux.devices = [{"path": "/opt/dev", "type": "c", "major": 1, "minor": 3}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure
  assert_output --partial "/opt/dev"
  assert_output --partial "does not match"
  [[ $(cat "$BUNDLE/rootfs/opt/dev") == regular ]]
}

@test "a device with a bad type or without major/minor is an error" {
  make_bundle "$BUNDLE" true
  update_config '.linux.devices = [{"path": "/dev/x", "type": "c"}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure
}

@test "in a user namespace devices are bind mounts of the host's nodes" {
  requires userns
  make_bundle "$BUNDLE" sh -c "stat -c '$STAT_FMT' /dev/null /dev/zero; echo hi >/dev/null && echo WRITE-OK"
  chown -R 100000:100000 "$BUNDLE/rootfs"
  update_config '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line --regexp '^/dev/null character special file 1:3 666 '
  assert_line --regexp '^/dev/zero character special file 1:5 666 '
  assert_line WRITE-OK
}

@test "a configured device over a bind mount of the host's node never changes the host node" {
  before=$(stat -c '%a %u:%g' /dev/null)
  make_bundle "$BUNDLE" sh -c "stat -c '%a' /dev/null"
  update_config '.mounts += [{"destination": "/dev/null", "type": "bind", "source": "/dev/null", "options": ["bind"]}]
    | .linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 493, "uid": 7, "gid": 7}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_equal "$(stat -c '%a %u:%g' /dev/null)" "$before"
}
