#!/usr/bin/env bats
# Mounts: every mount type and option family read back from
# /proc/self/mountinfo inside the container, rootfsPropagation, idmapped
# mounts, masked and read-only paths, root.readonly, --no-pivot,
# tmpcopyup and netDevices.

load helpers

teardown ()
{
  ocirt_teardown
  # host mounts a test made below its own directory, deepest first
  local mnt
  for mnt in $(awk -v d="$BATS_TEST_TMPDIR/" 'index($5, d) == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null
  done
  local dev
  for dev in ${NETDEVS:-}; do
    ip link del "$dev" 2>/dev/null
  done
  return 0
}

# add_mount JSON: append one entry to mounts[].
add_mount ()
{
  update_config --argjson m "$1" '.mounts += [$m]'
}

# The mountinfo line of mount point MP in the container's output (the
# container printed its /proc/self/mountinfo); the last one wins.
mi_line ()
{
  awk -v mp="$1" '$5 == mp { l = $0 } END { print l }' <<<"$output"
}

# Per-mount options (field 6) of MP.
mi_opts ()
{
  mi_line "$1" | awk '{ print $6 }'
}

# Filesystem type and super options (after " - ") of MP.
mi_super ()
{
  mi_line "$1" | sed 's/.* - //'
}

# has_opt LIST OPT: is OPT in the comma-separated LIST?
has_opt ()
{
  [[ ,$1, == *,$2,* ]]
}

run_mountinfo ()
{
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
}

@test "bind mounts of a file and a directory, read-only" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src/dir"
  echo content >"$src/dir/f"
  echo filecontent >"$src/file"
  make_bundle "$BUNDLE" sh -c 'cat /proc/self/mountinfo; cat /mnt/d/f /mnt/file;
    touch /mnt/d/new 2>/dev/null && echo WRITABLE; true'
  add_mount "{\"destination\": \"/mnt/d\", \"type\": \"bind\", \"source\": \"$src/dir\", \"options\": [\"bind\", \"ro\"]}"
  add_mount "{\"destination\": \"/mnt/file\", \"type\": \"none\", \"source\": \"$src/file\", \"options\": [\"bind\"]}"
  run_mountinfo
  assert_line content
  assert_line filecontent
  refute_line WRITABLE
  has_opt "$(mi_opts /mnt/d)" ro
  has_opt "$(mi_opts /mnt/file)" rw
  [[ ! -e $src/dir/new ]]
}

@test "bind is not recursive, rbind is" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src/sub"
  mount -t tmpfs -o size=1m ocirt-test-sub "$src/sub"
  touch "$src/sub/insub"
  make_bundle "$BUNDLE" sh -c 'cat /proc/self/mountinfo; ls /mnt/b/sub /mnt/r/sub'
  add_mount "{\"destination\": \"/mnt/b\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [\"bind\"]}"
  add_mount "{\"destination\": \"/mnt/r\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [\"rbind\"]}"
  run_mountinfo
  [[ -z $(mi_line /mnt/b/sub) ]]
  [[ $(mi_super /mnt/r/sub) == tmpfs\ ocirt-test-sub* ]]
  assert_line insub
}

@test "tmpfs with size and mode, proc, sysfs, mqueue, devpts, cgroup" {
  make_bundle "$BUNDLE" cat /proc/self/mountinfo
  update_config '.mounts |= map(select(.destination != "/dev/pts" and .destination != "/dev/mqueue"))'
  add_mount '{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs",
    "options": ["nosuid", "size=2m", "mode=1750"]}'
  add_mount '{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}'
  add_mount '{"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
    "options": ["nosuid", "nodev", "noexec"]}'
  update_config '.mounts |= map(select(.destination != "/sys/fs/cgroup"))
    | .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup",
      "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "ro"]}]'
  run_mountinfo
  local s
  s=$(mi_super /mnt/t)
  [[ $s == tmpfs\ tmpfs\ * ]]
  has_opt "${s##* }" size=2048k
  has_opt "${s##* }" mode=1750
  has_opt "$(mi_opts /mnt/t)" nosuid
  [[ $(mi_super /proc) == proc\ * ]]
  [[ $(mi_super /sys) == sysfs\ * ]]
  s=$(mi_super /dev/mqueue)
  [[ $s == mqueue\ * ]]
  has_opt "$(mi_opts /dev/mqueue)" nodev
  s=$(mi_super /dev/pts)
  [[ $s == devpts\ * ]]
  has_opt "${s##* }" ptmxmode=666
  has_opt "${s##* }" mode=620
  has_opt "$(mi_opts /dev/pts)" noexec
  # cgroup: cgroup2 or, on a v1/hybrid host, a tmpfs with the hierarchies
  s=$(mi_super /sys/fs/cgroup)
  [[ $s == cgroup2\ * || $s == tmpfs\ * ]]
  if [[ $s == tmpfs\ * ]]; then
    awk '$5 ~ "^/sys/fs/cgroup/" { n++ } END { exit !(n > 0) }' <<<"$output"
  fi
  has_opt "$(mi_opts /sys/fs/cgroup)" ro
}

@test "overlay: lower read-only, writes land in upper" {
  local o=$BATS_TEST_TMPDIR/ov
  mkdir -p "$o/lower" "$o/upper" "$o/work"
  echo fromlower >"$o/lower/l"
  make_bundle "$BUNDLE" sh -c 'cat /proc/self/mountinfo; cat /mnt/o/l; echo new >/mnt/o/n'
  add_mount "{\"destination\": \"/mnt/o\", \"type\": \"overlay\", \"source\": \"overlay\",
    \"options\": [\"lowerdir=$o/lower\", \"upperdir=$o/upper\", \"workdir=$o/work\"]}"
  run_mountinfo
  assert_line fromlower
  [[ $(mi_super /mnt/o) == overlay\ * ]]
  [[ $(cat "$o/upper/n") == new ]]
  [[ ! -e $o/lower/n ]]
}

@test "option families: ro nosuid nodev noexec noatime nodiratime strictatime nosymfollow sync" {
  make_bundle "$BUNDLE" cat /proc/self/mountinfo
  add_mount '{"destination": "/m/a", "type": "tmpfs", "source": "tmpfs",
    "options": ["ro", "nosuid", "nodev", "noexec", "noatime", "nodiratime", "nosymfollow", "sync"]}'
  add_mount '{"destination": "/m/b", "type": "tmpfs", "source": "tmpfs",
    "options": ["ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "strictatime"]}'
  add_mount '{"destination": "/m/c", "type": "tmpfs", "source": "tmpfs",
    "options": ["relatime", "dirsync"]}'
  run_mountinfo
  local o
  o=$(mi_opts /m/a)
  for f in ro nosuid nodev noexec noatime nodiratime nosymfollow; do
    has_opt "$o" $f || fail "/m/a lacks $f: $o"
  done
  has_opt "$(mi_super /m/a | awk '{ print $3 }')" sync || mi_super /m/a | grep -q sync
  o=$(mi_opts /m/b)
  for f in ro nosuid nodev noexec noatime relatime; do
    ! has_opt "$o" $f || fail "/m/b has $f: $o"
  done
  has_opt "$o" rw
  has_opt "$(mi_opts /m/c)" relatime
}

@test "recursive attributes apply to every submount (rro rnosuid rnodev rnoexec rnoatime rnosymfollow)" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src/sub"
  mount -t tmpfs -o size=1m ocirt-test-sub "$src/sub"
  make_bundle "$BUNDLE" cat /proc/self/mountinfo
  add_mount "{\"destination\": \"/mnt/r\", \"type\": \"bind\", \"source\": \"$src\",
    \"options\": [\"rbind\", \"rro\", \"rnosuid\", \"rnodev\", \"rnoexec\", \"rnoatime\", \"rnodiratime\", \"rnosymfollow\"]}"
  run_mountinfo
  local mp o f
  for mp in /mnt/r /mnt/r/sub; do
    o=$(mi_opts $mp)
    [[ -n $o ]] || fail "$mp not mounted"
    for f in ro nosuid nodev noexec noatime nodiratime nosymfollow; do
      has_opt "$o" $f || fail "$mp lacks $f: $o"
    done
  done
}

@test "recursive attributes clear flags of submounts (rrw rsuid rdev rexec ratime rsymfollow)" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src/sub"
  mount -t tmpfs -o size=1m,ro,nosuid,nodev,noexec,noatime,nosymfollow ocirt-test-sub "$src/sub"
  make_bundle "$BUNDLE" cat /proc/self/mountinfo
  add_mount "{\"destination\": \"/mnt/r\", \"type\": \"bind\", \"source\": \"$src\",
    \"options\": [\"rbind\", \"rrw\", \"rsuid\", \"rdev\", \"rexec\", \"rrelatime\", \"rsymfollow\"]}"
  run_mountinfo
  local o f
  o=$(mi_opts /mnt/r/sub)
  [[ -n $o ]] || fail "/mnt/r/sub not mounted"
  for f in ro nosuid nodev noexec noatime nosymfollow; do
    ! has_opt "$o" $f || fail "/mnt/r/sub still has $f: $o"
  done
  has_opt "$o" relatime
  # the host's mount is untouched
  grep -q "$src/sub .*ro,nosuid,nodev,noexec" /proc/self/mountinfo
}

@test "rstrictatime and rnorelatime" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  make_bundle "$BUNDLE" cat /proc/self/mountinfo
  add_mount "{\"destination\": \"/mnt/s\", \"type\": \"bind\", \"source\": \"$src\",
    \"options\": [\"rbind\", \"rstrictatime\"]}"
  run_mountinfo
  local o
  o=$(mi_opts /mnt/s)
  ! has_opt "$o" relatime
  ! has_opt "$o" noatime
}

# A host-side mount made below the running container's rootfs, and
# whether it shows inside.
propagation_setup ()
{
  make_bundle "$BUNDLE"
  mkdir -p "$BUNDLE/rootfs/mnt/host" "$BUNDLE/rootfs/mnt/ctr"
  # the rootfs as a shared mount of its own on the host
  mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
  mount --make-rshared "$BUNDLE/rootfs"
  # CAP_SYS_ADMIN to mount from inside
  update_config --arg p "$1" '.linux.rootfsPropagation = $p
    | .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
  ID=$(new_id)
  start_container "$ID"
  mount -t tmpfs -o size=1m ocirt-host-prop "$BUNDLE/rootfs/mnt/host"
}

inside_mountinfo ()
{
  run ocirt exec "$ID" cat /proc/self/mountinfo
  assert_success
}

@test "rootfsPropagation rslave: host mounts appear inside" {
  local p
  for p in rslave; do
    propagation_setup $p
    inside_mountinfo
    [[ $(mi_super /mnt/host) == tmpfs\ ocirt-host-prop* ]] || fail "$p: no host mount inside"
    [[ $(mi_line /) == *master:* ]]
    # not the other way round
    run ocirt exec "$ID" mount -t tmpfs ocirt-ctr-prop /mnt/ctr
    assert_success
    ! grep -q ocirt-ctr-prop /proc/self/mountinfo
    ocirt delete -f "$ID"
    umount -l "$BUNDLE/rootfs/mnt/host" "$BUNDLE/rootfs"
    rm -rf "$BUNDLE"
  done
}

@test "rootfsPropagation rprivate, private, slave: nothing crosses" {
  local p
  # non-recursive "slave" only changes the host's "/" mount in the
  # container; the rootfs here is a shared mount of its own, which is
  # made private before it is used (as runc does)
  for p in rprivate private slave; do
    propagation_setup $p
    inside_mountinfo
    [[ -z $(mi_line /mnt/host) ]] || fail "$p: host mount leaked in"
    [[ $(mi_line /) != *shared:* && $(mi_line /) != *master:* ]]
    run ocirt exec "$ID" mount -t tmpfs ocirt-ctr-prop /mnt/ctr
    assert_success
    ! grep -q ocirt-ctr-prop /proc/self/mountinfo
    ocirt delete -f "$ID"
    umount -l "$BUNDLE/rootfs/mnt/host" "$BUNDLE/rootfs"
    rm -rf "$BUNDLE"
  done
}

@test "rootfsPropagation rshared: a new peer group, not the host's" {
  propagation_setup rshared
  inside_mountinfo
  [[ $(mi_line /) == *shared:* ]]
  # runtime-spec: "this does not mean that it's shared with the host"
  [[ -z $(mi_line /mnt/host) ]]
  run ocirt exec "$ID" mount -t tmpfs ocirt-ctr-prop /mnt/ctr
  assert_success
  ! grep -q ocirt-ctr-prop /proc/self/mountinfo
  # inside, the new peer group propagates: a bind of /mnt sees later mounts
  run ocirt exec "$ID" sh -c 'mkdir -p /tmp/peer && mount --bind /mnt /tmp/peer &&
    mount -t tmpfs ocirt-peer /mnt/host && grep -c ocirt-peer /proc/self/mountinfo'
  assert_success
  assert_output 2
}

@test "rootfsPropagation runbindable: the root cannot be bind-mounted" {
  propagation_setup runbindable
  inside_mountinfo
  [[ $(mi_line /) == *unbindable* ]]
  run ocirt exec "$ID" sh -c 'mkdir -p /tmp/x && mount --bind / /tmp/x'
  assert_failure
}

@test "idmapped bind mount with its own mappings shows the mapped owners" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  touch "$src/root-owned" "$src/other"
  chown 5:6 "$src/other"
  make_bundle "$BUNDLE" sh -c 'stat -c "%n %u:%g" /mnt/i /mnt/i/root-owned /mnt/i/other'
  add_mount "{\"destination\": \"/mnt/i\", \"type\": \"bind\", \"source\": \"$src\",
    \"options\": [\"bind\", \"idmap\"],
    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1234, \"size\": 1}],
    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 4321, \"size\": 1}]}"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line "/mnt/i 1234:4321"
  assert_line "/mnt/i/root-owned 1234:4321"
  assert_line "/mnt/i/other 65534:65534"
  # the host still sees the real owners
  [[ $(stat -c %u:%g "$src/root-owned") == 0:0 ]]
}

@test "ridmap maps submounts too, idmap only the top" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src/sub"
  mount -t tmpfs -o size=1m,mode=755 ocirt-test-sub "$src/sub"
  touch "$src/sub/f"
  make_bundle "$BUNDLE" sh -c 'stat -c "%n %u" /mnt/r/sub/f /mnt/i/sub/f'
  local maps='"uidMappings": [{"containerID": 0, "hostID": 2000, "size": 10}],
    "gidMappings": [{"containerID": 0, "hostID": 2000, "size": 10}]'
  add_mount "{\"destination\": \"/mnt/r\", \"type\": \"bind\", \"source\": \"$src\",
    \"options\": [\"rbind\", \"ridmap\"], $maps}"
  add_mount "{\"destination\": \"/mnt/i\", \"type\": \"bind\", \"source\": \"$src\",
    \"options\": [\"rbind\", \"idmap\"], $maps}"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line "/mnt/r/sub/f 2000"
  assert_line "/mnt/i/sub/f 0"
}

@test "idmap without mappings uses the container's user namespace" {
  requires userns
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  touch "$src/root-owned"
  chown 7:7 "$src/root-owned"
  make_bundle "$BUNDLE" sh -c 'stat -c "%n %u:%g" /mnt/i/root-owned; touch /mnt/i/new'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  update_config --arg s "$src" '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    | .mounts += [{"destination": "/mnt/i", "type": "bind", "source": $s,
        "options": ["bind", "idmap"]}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  # host uid 7 shows as container uid 7; a file created as container root
  # is host uid 0 on disk
  assert_line "/mnt/i/root-owned 7:7"
  [[ $(stat -c %u:%g "$src/new") == 0:0 ]]
}

@test "idmap without mappings and without a user namespace is an error" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  make_bundle "$BUNDLE" true
  add_mount "{\"destination\": \"/mnt/i\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [\"bind\", \"idmap\"]}"
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure
  assert_output --partial "idmapped mount"
}

@test "masked paths: a file reads empty and keeps nothing, a directory is an empty read-only tmpfs" {
  make_bundle "$BUNDLE" sh -c 'echo "file=[$(cat /etc/secret)]"; ls -A /opt/secretdir | wc -l;
    echo x >/etc/secret 2>/dev/null; echo "after=[$(cat /etc/secret)]";
    touch /opt/secretdir/x 2>/dev/null && echo WROTE-DIR; cat /proc/self/mountinfo'
  echo topsecret >"$BUNDLE/rootfs/etc/secret.new"
  mv "$BUNDLE/rootfs/etc/secret.new" "$BUNDLE/rootfs/etc/secret"
  mkdir -p "$BUNDLE/rootfs/opt/secretdir"
  touch "$BUNDLE/rootfs/opt/secretdir/hidden"
  update_config '.linux.maskedPaths += ["/etc/secret", "/opt/secretdir", "/does/not/exist"]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line "file=[]"
  assert_line 0
  # a masked file is the null device: what is written goes nowhere
  assert_line "after=[]"
  refute_line WROTE-DIR
  [[ $(mi_line /etc/secret) == *\ /null\ /etc/secret\ * ]]
  has_opt "$(mi_opts /opt/secretdir)" ro
  [[ $(mi_super /opt/secretdir) == tmpfs\ * ]]
  [[ $(cat "$BUNDLE/rootfs/etc/secret") == topsecret ]]
}

@test "readonly paths are read-only bind mounts" {
  make_bundle "$BUNDLE" sh -c 'echo x >/opt/ro/f 2>/dev/null && echo WROTE;
    echo 1 >/proc/sys/kernel/ns_last_pid 2>/dev/null && echo WROTE-PROC; cat /proc/self/mountinfo'
  mkdir -p "$BUNDLE/rootfs/opt/ro"
  update_config '.linux.readonlyPaths += ["/opt/ro", "/proc/sys", "/not/there"]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  refute_line WROTE
  refute_line WROTE-PROC
  has_opt "$(mi_opts /opt/ro)" ro
  has_opt "$(mi_opts /proc/sys)" ro
}

@test "root.readonly makes / read-only, other mounts stay writable" {
  make_bundle "$BUNDLE" sh -c 'touch /x 2>/dev/null && echo WROTE-ROOT;
    touch /tmp/y && echo WROTE-TMP; cat /proc/self/mountinfo'
  update_config '.root.readonly = true
    | .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]}]'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  refute_line WROTE-ROOT
  assert_line WROTE-TMP
  has_opt "$(mi_opts /)" ro
}

@test "--no-pivot: the rootfs becomes / by MS_MOVE and chroot" {
  make_bundle "$BUNDLE" sh -c 'cat /etc/passwd | head -1; cat /proc/self/mountinfo'
  run ocirt run --no-pivot --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line root:x:0:0:root:/root:/bin/sh
  [[ -n $(mi_line /proc) ]]
}

@test "tmpcopyup copies the shadowed directory into the tmpfs" {
  make_bundle "$BUNDLE" sh -c 'cat /opt/cu/sub/file; readlink /opt/cu/link;
    stat -c "%n %a %u" /opt/cu /opt/cu/sub/file; cat /proc/self/mountinfo'
  mkdir -p "$BUNDLE/rootfs/opt/cu/sub"
  chmod 0710 "$BUNDLE/rootfs/opt/cu"
  echo shadowed >"$BUNDLE/rootfs/opt/cu/sub/file"
  chmod 0640 "$BUNDLE/rootfs/opt/cu/sub/file"
  chown 1000 "$BUNDLE/rootfs/opt/cu/sub/file"
  ln -s /etc/passwd "$BUNDLE/rootfs/opt/cu/link"
  add_mount '{"destination": "/opt/cu", "type": "tmpfs", "source": "tmpfs",
    "options": ["tmpcopyup", "ro", "size=1m"]}'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_line shadowed
  assert_line /etc/passwd
  assert_line "/opt/cu 710 0"
  assert_line "/opt/cu/sub/file 640 1000"
  [[ $(mi_super /opt/cu) == tmpfs\ * ]]
  has_opt "$(mi_opts /opt/cu)" ro
}

# a host interface for netDevices: dummy when the kernel has it, else one
# end of a veth pair
make_netdev ()
{
  local name=$1
  if ip link add "$name" type dummy 2>/dev/null; then
    NETDEVS="${NETDEVS:-} $name"
  else
    ip link add "$name" type veth peer name "${name}p" || skip "cannot create a test interface"
    NETDEVS="${NETDEVS:-} ${name}p"
  fi
}

@test "netDevices: a host interface moves in, renamed, with its addresses, up" {
  local host=ocirt-d$$
  host=${host:0:15}
  make_netdev "$host"
  ip addr add 10.123.45.6/24 dev "$host"
  make_bundle "$BUNDLE" sh -c 'ip -o addr show dev ctr0; ip -o link show dev ctr0'
  update_config --arg h "$host" '.linux.netDevices = {($h): {"name": "ctr0"}}'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_output --partial "10.123.45.6/24"
  assert_output --regexp "ctr0.*[<,]UP[,>]"
  # never moved back: a virtual interface goes away with the namespace
  run ip link show "$host"
  assert_failure
}

@test "netDevices: an unknown host interface is an error" {
  make_bundle "$BUNDLE" true
  update_config '.linux.netDevices = {"ocirt-nonexist": {}}'
  run ocirt run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_failure
  assert_output --partial "ocirt-nonexist"
}
