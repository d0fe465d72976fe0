#!/bin/sh
# shellcheck disable=SC3043 # busybox sh has local
# The cgroup v2 suite run inside the test VM (busybox sh, no bats, no jq).
#
# Each test is a shell function run in a subshell: it passes when it
# returns 0, fails through `fail MESSAGE` (or any non-zero status), and is
# skipped through `skip REASON`.  Results are TAP lines prefixed with "@@ "
# (init.sh and run.sh strip the prefix); a failing test's output follows as
# "@@ # " comment lines.
#
# Environment: OCIRT (default /bin/ocirt), ROOTFS (default /run/rootfs),
# OCIRT_TIMEOUT (seconds for one runtime call, default 120: the VM is
# emulated and slow), VERBOSE (non-empty: show the output of passing tests
# too).

OCIRT=${OCIRT:-/bin/ocirt}
ROOTFS=${ROOTFS:-/run/rootfs}
OCIRT_TIMEOUT=${OCIRT_TIMEOUT:-120}
VERBOSE=${VERBOSE:-}
CG=/sys/fs/cgroup
STATE=/run/ocirt-test
WORK=/tmp/ocirt-vm
N=0
FAILED=0
NTESTS=0

mkdir -p "$STATE" "$WORK"

# ---- helpers ------------------------------------------------------------

say ()
{
  echo "@@ $*"
}

fail ()
{
  echo "FAIL: $*"
  exit 1
}

skip ()
{
  echo "$*" >"$WORK/skip"
  exit 0
}

oc ()
{
  timeout "$OCIRT_TIMEOUT" "$OCIRT" --root "$STATE" "$@"
}

# eq WHAT GOT WANT
eq ()
{
  [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# bundle NAME ARGS-JSON RESOURCES-JSON [LINUX-EXTRA-JSON] [NAMESPACES-JSON]:
# a bundle (directory printed on stdout) for the shared read-only busybox
# rootfs.  ARGS-JSON is a JSON array; the extras are JSON members added to
# "linux" (each ending with a comma).
bundle ()
{
  local dir=$WORK/bundle-$1 ns
  ns=${5:-'{"type": "pid"}, {"type": "ipc"}, {"type": "uts"},
    {"type": "mount"}, {"type": "cgroup"}, {"type": "network"}'}
  mkdir -p "$dir"
  cat >"$dir/config.json" <<EOF
{
  "ociVersion": "1.3.0",
  "process": {
    "terminal": false,
    "user": {"uid": 0, "gid": 0},
    "args": $2,
    "env": ["PATH=/bin", "HOME=/root"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "noNewPrivileges": true
  },
  "root": {"path": "$ROOTFS", "readonly": true},
  "hostname": "vm-test",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
                 "mode=0620"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "nodev", "mode=1777"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
     "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
  ],
  "linux": {
    $4
    "namespaces": [$ns],
    "resources": $3
  }
}
EOF
  echo "$dir"
}

# create ID BUNDLE: "ocirt create", the container's stdio on files.
create ()
{
  oc create --bundle "$2" "$1" </dev/null >"$WORK/$1.out" 2>"$WORK/$1.err"
  local rc=$?
  cat "$WORK/$1.err"
  [ $rc = 0 ] || fail "create $1 failed (exit $rc)"
  echo "$1" >>"$WORK/ids"
}

start ()
{
  oc start "$1" || fail "start $1 failed"
}

state_field ()
{
  oc state "$1" | tr -d '\n' | sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",}]*\).*/\1/p"
}

# cgdir ID: the container's cgroup directory, from its init's
# /proc/PID/cgroup.
cgdir ()
{
  local pid line
  pid=$(state_field "$1" pid)
  [ -n "$pid" ] || fail "no pid in the state of $1"
  line=$(cat "/proc/$pid/cgroup") || fail "no /proc/$pid/cgroup"
  case $line in
  0::/*) echo "$CG${line#0::}" ;;
  *) fail "/proc/$pid/cgroup is not v2: $line" ;;
  esac
}

# wait_status ID STATUS: up to 60 s.
wait_status ()
{
  local i=0 s
  while [ $i -lt 300 ]; do
    s=$(state_field "$1" status)
    [ "$s" = "$2" ] && return 0
    sleep 0.2
    i=$((i + 1))
  done
  fail "$1: status '$s', want '$2'"
}

# the device rules of "ocirt spec": deny all (the runtime adds the
# default devices)
DEFAULT_RES='{"devices": [{"allow": false, "access": "rwm"}]}'

# ---- tests ----------------------------------------------------------------

t_layout ()
{
  [ -f $CG/cgroup.controllers ] || fail "no cgroup2 on $CG"
  grep -q ' /sys/fs/cgroup/' /proc/self/mountinfo \
    && fail "something is mounted below $CG: not a pure v2 host"
  b=$(bundle layout '["cat", "/proc/self/cgroup"]' "$DEFAULT_RES")
  out=$(oc run --bundle "$b" layout </dev/null) || fail "run failed: $out"
  echo "$out"
  eq "lines of /proc/self/cgroup" "$(echo "$out" | wc -l)" 1
  case $out in
  0::/*) ;;
  *) fail "container's /proc/self/cgroup: $out" ;;
  esac
}

t_born ()
{
  b=$(bundle born '["sleep", "3600"]' "$DEFAULT_RES")
  create born "$b"
  pid=$(state_field born pid)
  eq "/proc/PID/cgroup after create" "$(cat "/proc/$pid/cgroup")" "0::/born"
  grep -qx "$pid" $CG/born/cgroup.procs || fail "pid $pid not in cgroup.procs"
  start born
  eq "/proc/PID/cgroup after start" "$(cat "/proc/$pid/cgroup")" "0::/born"
}

t_memory ()
{
  b=$(bundle mem '["sleep", "3600"]' '{"memory": {"limit": 67108864,
    "reservation": 33554432, "swap": 100663296}}')
  create mem "$b"
  d=$(cgdir mem)
  eq memory.max "$(cat "$d/memory.max")" 67108864
  eq memory.low "$(cat "$d/memory.low")" 33554432
  if [ -e "$d/memory.swap.max" ]; then
    eq memory.swap.max "$(cat "$d/memory.swap.max")" 33554432
  else
    echo "no memory.swap.max (swap accounting off)"
  fi
}

t_cpu ()
{
  b=$(bundle cpu '["sleep", "3600"]' '{"cpu": {"shares": 1024,
    "quota": 50000, "period": 200000}}')
  create cpu "$b"
  d=$(cgdir cpu)
  # crun's linear conversion, as ocirt implements it: 1024 -> 39
  eq cpu.weight "$(cat "$d/cpu.weight")" $((1 + (1024 - 2) * 9999 / 262142))
  eq cpu.max "$(cat "$d/cpu.max")" "50000 200000"
  oc update --cpu-quota -1 cpu || fail "update --cpu-quota -1 failed"
  eq "cpu.max after quota -1" "$(cat "$d/cpu.max")" "max 200000"
}

t_pids ()
{
  b=$(bundle pids0 '["sleep", "3600"]' '{"pids": {"limit": 0}}')
  create pids0 "$b"
  eq "pids.max (limit 0)" "$(cat "$(cgdir pids0)/pids.max")" 0
  b=$(bundle pidsmax '["sleep", "3600"]' '{"pids": {"limit": -1}}')
  create pidsmax "$b"
  eq "pids.max (limit -1)" "$(cat "$(cgdir pidsmax)/pids.max")" max
}

t_cpuset ()
{
  ncpu=$(grep -c ^processor /proc/cpuinfo)
  cpu=$((ncpu - 1))
  b=$(bundle cpuset '["sleep", "3600"]' "{\"cpu\": {\"cpus\": \"$cpu\",
    \"mems\": \"0\"}}")
  create cpuset "$b"
  d=$(cgdir cpuset)
  eq cpuset.cpus "$(cat "$d/cpuset.cpus")" "$cpu"
  eq cpuset.mems "$(cat "$d/cpuset.mems")" 0
  eq cpuset.cpus.effective "$(cat "$d/cpuset.cpus.effective")" "$cpu"
}

t_unified ()
{
  b=$(bundle unified '["sleep", "3600"]' '{"unified": {"pids.max": "42",
    "memory.high": "50331648", "cpu.weight": "77"}}')
  create unified "$b"
  d=$(cgdir unified)
  eq pids.max "$(cat "$d/pids.max")" 42
  eq memory.high "$(cat "$d/memory.high")" 50331648
  eq cpu.weight "$(cat "$d/cpu.weight")" 77
}

t_devices ()
{
  # (JSON strings cannot span lines)
  sh='echo x >/dev/null && echo null-ok; head -c1 /dev/zero >/dev/null'
  sh="$sh && echo zero-ok; cat /dev/kmsg 2>&1 >/dev/null"
  sh="$sh | grep -q -e denied -e permitted && echo kmsg-denied"
  b=$(bundle devices "[\"sh\", \"-c\", \"$sh\"]" \
    "$DEFAULT_RES" '"devices": [{"path": "/dev/kmsg", "type": "c",
      "major": 1, "minor": 11, "fileMode": 438}],')
  out=$(oc run --bundle "$b" devices </dev/null 2>&1)
  echo "$out"
  echo "$out" | grep -qx null-ok || fail "/dev/null does not work"
  echo "$out" | grep -qx zero-ok || fail "/dev/zero does not work"
  echo "$out" | grep -qx kmsg-denied || fail "/dev/kmsg was not denied"
}

t_exec ()
{
  b=$(bundle exec '["sleep", "3600"]' "$DEFAULT_RES")
  create exec "$b"
  start exec
  # outside the container's cgroup it would see "0::/.." in its cgroupns
  eq "exec'd /proc/self/cgroup" "$(oc exec exec cat /proc/self/cgroup)" "0::/"
}

t_pause ()
{
  b=$(bundle pause '["sh", "-c", "sleep 3600 & exec sleep 3600"]' \
    "$DEFAULT_RES")
  create pause "$b"
  start pause
  d=$(cgdir pause)
  oc pause pause || fail "pause failed"
  eq "status after pause" "$(state_field pause status)" paused
  grep -qx 'frozen 1' "$d/cgroup.events" || fail "cgroup.events: $(cat "$d/cgroup.events")"
  eq cgroup.freeze "$(cat "$d/cgroup.freeze")" 1
  oc resume pause || fail "resume failed"
  eq "status after resume" "$(state_field pause status)" running
  grep -qx 'frozen 0' "$d/cgroup.events" || fail "cgroup.events: $(cat "$d/cgroup.events")"
}

t_update ()
{
  b=$(bundle update '["sleep", "3600"]' '{"memory": {"limit": 67108864},
    "pids": {"limit": 10}}')
  create update "$b"
  start update
  d=$(cgdir update)
  oc update --memory 128m --pids-limit 20 update || fail "update failed"
  eq memory.max "$(cat "$d/memory.max")" 134217728
  eq pids.max "$(cat "$d/pids.max")" 20
  echo '{"memory": {"limit": 100663296}}' | oc update -r - update \
    || fail "update -r - failed"
  eq "memory.max (-r)" "$(cat "$d/memory.max")" 100663296
}

t_kill_all ()
{
  # no pid namespace: killing only the init would leave the others alive
  b=$(bundle killall '["sh", "-c", "sleep 3600 & sleep 3600 & exec sleep 3600"]' \
    "$DEFAULT_RES" '' '{"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
    {"type": "cgroup"}, {"type": "network"}')
  create killall "$b"
  start killall
  d=$(cgdir killall)
  i=0
  while [ "$(wc -l <"$d/cgroup.procs")" -lt 3 ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  eq "processes before kill" "$(wc -l <"$d/cgroup.procs")" 3
  oc kill --all killall KILL || fail "kill --all failed"
  wait_status killall stopped
  i=0
  while grep -qx 'populated 1' "$d/cgroup.events" && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  eq "cgroup.procs after kill --all" "$(cat "$d/cgroup.procs")" ""
}

t_delete ()
{
  b=$(bundle delete '["sleep", "3600"]' '{"memory": {"limit": 67108864}}')
  create delete "$b"
  start delete
  d=$(cgdir delete)
  [ -d "$d" ] || fail "no cgroup $d"
  oc delete --force delete || fail "delete --force failed"
  [ -d "$d" ] && fail "cgroup $d left after delete"
  oc state delete >/dev/null 2>&1 && fail "state of a deleted container"
  return 0
}

t_cgroupns ()
{
  b=$(bundle cgroupns '["sh", "-c", "cat /sys/fs/cgroup/memory.max; grep \" /sys/fs/cgroup \" /proc/self/mounts"]' \
    '{"memory": {"limit": 67108864}}')
  out=$(oc run --bundle "$b" cgroupns </dev/null 2>&1)
  echo "$out"
  eq "memory.max seen inside" "$(echo "$out" | head -n1)" 67108864
  echo "$out" | grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ro,' \
    || fail "/sys/fs/cgroup is not a read-only cgroup2 mount"
}

t_nested ()
{
  b=$(bundle nested '["sleep", "3600"]' '{"memory": {"limit": 67108864},
    "pids": {"limit": 30}}' '"cgroupsPath": "/ocirt-nest/a/b",')
  create nested "$b"
  d=$CG/ocirt-nest/a/b
  eq "/proc/PID/cgroup" "$(cat "/proc/$(state_field nested pid)/cgroup")" \
    "0::/ocirt-nest/a/b"
  eq memory.max "$(cat "$d/memory.max")" 67108864
  eq pids.max "$(cat "$d/pids.max")" 30
  oc delete --force nested || fail "delete failed"
  [ -d "$d" ] && fail "$d left after delete"
  rmdir $CG/ocirt-nest/a $CG/ocirt-nest 2>/dev/null
  return 0
}

t_stats ()
{
  b=$(bundle stats '["sleep", "3600"]' '{"memory": {"limit": 67108864},
    "pids": {"limit": 50}}')
  create stats "$b"
  start stats
  out=$(oc events --stats stats) || fail "events --stats failed: $out"
  echo "$out"
  echo "$out" | tr -d ' \n' | grep -q '"pids":{"current":1,"limit":50}' \
    || fail "no pids current 1, limit 50"
  echo "$out" | tr -d ' \n' | grep -q '"limit":67108864' \
    || fail "no memory limit 67108864"
}

t_mem512k ()
{
  b=$(bundle mem512k '["true"]' '{"memory": {"limit": 524288}}')
  out=$(oc run --bundle "$b" mem512k </dev/null 2>&1)
  rc=$?
  [ $rc = 0 ] || skip "fails (exit $rc): $(echo "$out" | tail -n1)"
}

t_pids1 ()
{
  b=$(bundle pids1 '["true"]' '{"pids": {"limit": 1}}')
  out=$(oc run --bundle "$b" pids1 </dev/null 2>&1)
  rc=$?
  [ $rc = 0 ] || skip "fails (exit $rc): $(echo "$out" | tail -n1)"
}

TESTS="
t_layout:layout is cgroup v2 (the container sees 0::/)
t_born:the container is born in its cgroup /ID
t_memory:memory limit, reservation, swap -> memory.max, .low, .swap.max
t_cpu:cpu shares, quota, period -> cpu.weight, cpu.max
t_pids:pids.limit 0 and -1 -> pids.max 0 and max
t_cpuset:cpuset cpus and mems -> cpuset.cpus, cpuset.mems
t_unified:unified keys are written verbatim
t_devices:devices: /dev/null works, a denied device cannot be opened
t_exec:an exec'd process joins the container's cgroup
t_pause:pause and resume through cgroup.freeze
t_update:update changes memory.max and pids.max
t_kill_all:kill --all kills every process of the cgroup
t_delete:delete removes the cgroup
t_cgroupns:the container's /sys/fs/cgroup is its own read-only cgroup2
t_nested:a nested absolute cgroupsPath gets its controllers
t_stats:events --stats reads the v2 files
t_mem512k:a container with a 512 KiB memory limit runs true
t_pids1:a container with pids.limit 1 runs true
"

# Remove what a test left: its containers (and so their cgroups).
cleanup ()
{
  local id
  [ -f "$WORK/ids" ] || return 0
  for id in $(cat "$WORK/ids"); do
    oc delete --force "$id" >/dev/null 2>&1
  done
  rm -f "$WORK/ids"
}

run_test ()
{
  local fn=$1 name=$2 log=$WORK/log rc
  N=$((N + 1))
  rm -f "$WORK/skip"
  (
    set +e
    "$fn"
  ) </dev/null >"$log" 2>&1
  rc=$?
  cleanup >>"$log" 2>&1
  if [ $rc = 0 ] && [ -f "$WORK/skip" ]; then
    say "ok $N - $name # SKIP $(cat "$WORK/skip")"
  elif [ $rc = 0 ]; then
    say "ok $N - $name"
    [ -z "$VERBOSE" ] || sed 's/^/@@ #   /' "$log"
  else
    say "not ok $N - $name"
    sed 's/^/@@ #   /' "$log"
    FAILED=$((FAILED + 1))
  fi
}

NTESTS=$(echo "$TESTS" | grep -c :)
say "1..$NTESTS"
echo "$TESTS" | grep : >"$WORK/tests"
while IFS=: read -r fn name; do
  run_test "$fn" "$name"
done <"$WORK/tests"
[ $FAILED = 0 ]
