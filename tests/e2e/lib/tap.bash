# TAP helpers for the engine end-to-end scripts (sourced).
#
#   t NAME FUNC [ARG...]      run FUNC in a subshell; "ok" when it returns 0,
#                             a skip when it returns 77 (its last output line
#                             is the reason), otherwise "not ok" with its
#                             output as comments
#   t_skip NAME REASON        "ok N - NAME # SKIP REASON"
#   t_todo NAME REASON        a known failure: "not ok" with REASON
#   t_done                    print the plan; the exit status is 1 if a
#                             scenario failed
#
# Scenario bodies use "fail MESSAGE" (prints and returns 1) and the
# expect_* helpers below.

T_N=0
T_FAILS=0

t_ok ()
{
  T_N=$((T_N + 1))
  echo "ok $T_N - $1"
}

t_not_ok ()
{
  T_N=$((T_N + 1))
  T_FAILS=$((T_FAILS + 1))
  echo "not ok $T_N - $1"
  [[ -z ${2:-} ]] || sed 's/^/#   /' <<<"$2"
}

t_skip ()
{
  T_N=$((T_N + 1))
  echo "ok $T_N - $1 # SKIP $2"
}

t_todo ()
{
  t_not_ok "$1" "$2"
}

t ()
{
  local name=$1 detail start=$SECONDS rc=0
  shift
  detail=$("$@" 2>&1) || rc=$?
  if ((rc == 0)); then
    t_ok "$name"
  elif ((rc == 77)); then
    t_skip "$name" "$(tail -n1 <<<"$detail")"
  else
    t_not_ok "$name" "$detail"
  fi
  ((SECONDS - start < 30)) || echo "# ($name took $((SECONDS - start))s)"
}

t_done ()
{
  echo "1..$T_N"
  ((T_FAILS == 0))
}

fail ()
{
  echo "$*"
  return 1
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq ()
{
  [[ $1 == "$2" ]] || fail "$3: got '$1', wanted '$2'"
}

# expect_match ACTUAL REGEX WHAT
expect_match ()
{
  [[ $1 =~ $2 ]] || fail "$3: '$1' does not match /$2/"
}

# out_is WANT CMD...: the output of CMD is WANT (for wait_for, which
# would otherwise see a "$(...)" argument evaluated once)
out_is ()
{
  local want=$1
  shift
  [[ $("$@" 2>/dev/null) == "$want" ]]
}

# wait_for TENTHS CMD...: retry CMD every 0.1 s
wait_for ()
{
  local n=$1 i
  shift
  for ((i = 0; i < n; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  "$@"
}

# The cgroup directory (under /sys/fs/cgroup) of PID for CONTROLLER: the
# v1 hierarchy holding it, or the unified one.
cgroup_dir_of ()
{
  local pid=$1 ctrl=$2 line rel
  line=$(grep -E "^[0-9]+:([^:]*,)?$ctrl(,[^:]*)?:" "/proc/$pid/cgroup")
  if [[ -n $line ]]; then
    rel=${line#*:*:}
    echo "/sys/fs/cgroup/$ctrl$rel"
    return
  fi
  rel=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
  if [[ -d /sys/fs/cgroup/unified ]]; then
    echo "/sys/fs/cgroup/unified$rel"
  else
    echo "/sys/fs/cgroup$rel"
  fi
}

# A busybox root filesystem in DIR.
make_busybox_rootfs ()
{
  local dir=$1 applet
  mkdir -p "$dir"/{bin,dev,etc,proc,root,sys,tmp,home/user}
  chmod 1777 "$dir/tmp"
  cp /bin/busybox "$dir/bin/busybox" || return 1
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -s busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nuser:x:1000:\nextra:x:2000:user\nnogroup:x:65534:\n' >"$dir/etc/group"
  chown 1000:1000 "$dir/home/user"
  echo 'hosts: files dns' >"$dir/etc/nsswitch.conf"
}

# An argv logger in front of the runtime: BINDIR/NAME execs a copy of
# OCIRT (a rebuild during the run does not change what is tested) and
# appends its arguments to LOG.
make_ocirt_wrapper ()
{
  local bindir=$1 name=$2 log=$3
  mkdir -p "$bindir"
  cp "$OCIRT" "$bindir/$name.bin" || return 1
  cat >"$bindir/$name" <<EOW
#!/bin/sh
echo "\$*" >>"$log"
exec "$bindir/$name.bin" "\$@"
EOW
  chmod 0755 "$bindir/$name"
}

# ocirt_was_called LOG VERB...: every VERB shows up as a word in LOG.
ocirt_was_called ()
{
  local log=$1 verb
  shift
  [[ -s $log ]] || fail "the runtime was never called (no $log)"
  for verb; do
    grep -qE "(^| )$verb( |$)" "$log" || fail "ocirt was not called for '$verb'" || return 1
  done
}

CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID
  SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW
  IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT
  SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD
  LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
  WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)

# cap_mask NAME...: the capability set as /proc/PID/status prints it
cap_mask ()
{
  local name i mask=0
  for name; do
    name=${name#CAP_}
    for i in "${!CAP_NAMES[@]}"; do
      [[ ${CAP_NAMES[i]} == "$name" ]] && mask=$((mask | (1 << i)))
    done
  done
  printf '%016x\n' "$mask"
}

# status_field FIELD: the value of FIELD in /proc/PID/status text on stdin
status_field ()
{
  awk -v f="$1:" '$1 == f { print $2 }'
}
