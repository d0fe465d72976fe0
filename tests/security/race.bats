#!/usr/bin/env bats
# Races on mount destinations (CVE-2021-30465 and its kin): while
# containers start, a second process swaps a mount destination inside the
# rootfs with a symlink pointing at a host directory, in a tight loop
# (renameat2 RENAME_EXCHANGE).  Whatever each start does, no host path is
# ever mounted over or written to.
#
# Up to RACE_CONTAINERS (200) containers are started, two at a time, for
# at most RACE_SECONDS (35) seconds; at least 50 must have been tried.

load ../integration/helpers

SWAPPER=${SWAPPER:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/helpers/swapper}
RACE_CONTAINERS=${RACE_CONTAINERS:-200}
RACE_SECONDS=${RACE_SECONDS:-35}

setup ()
{
  ocirt_setup
  [[ -x $SWAPPER ]] || skip "$SWAPPER not built (make check builds it)"
  CANARY=$BATS_TEST_TMPDIR/canary
  # The canary is a shared mount of its own and the containers use
  # rshared propagation: a mount that lands on the canary in a
  # container's mount namespace propagates back and shows on the host
  # (with rslave it would stay unseen in the container's namespace).
  mkdir -p "$CANARY"
  mount -t tmpfs -o size=1m,mode=0755 ocirt-canary "$CANARY"
  mount --make-shared "$CANARY"
  mkdir -p "$CANARY/dir"
  echo intact >"$CANARY/dir/file"
  canary_state >"$BATS_TEST_TMPDIR/canary.before"
  SWAPPERS=()
  RACE_PREFIX=race-$$-$BATS_TEST_NUMBER-
}

teardown ()
{
  local pid mnt id
  for pid in "${SWAPPERS[@]}"; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  ocirt_teardown
  # the containers of the workers: one sweep for their common prefix
  for id in $(ocirt list -q 2>/dev/null | grep "^$RACE_PREFIX"); do
    ocirt delete -f "$id" >/dev/null 2>&1
  done
  find /sys/fs/cgroup -mindepth 2 -maxdepth 5 -type d -name "$RACE_PREFIX*" \
    -exec rmdir {} + 2>/dev/null
  for mnt in $(awk -v d="$BATS_TEST_TMPDIR/" 'index($5, d) == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null
  done
  return 0
}

canary_state ()
{
  (
    cd "$CANARY" || exit 1
    find . -printf '%p %y %m %U:%G %s\n' | sort
    find . -type f -exec sha256sum {} + | sort
  )
}

# start_swapper A B: exchange A and B until the test ends.
start_swapper ()
{
  "$SWAPPER" "$1" "$2" </dev/null >"$BATS_TEST_TMPDIR/swapper.$#.$RANDOM" 2>&1 3>&- &
  SWAPPERS+=($!)
}

# worker N: start containers until the count or the time is used up;
# prints one line per container: "ok" or "failed".
worker ()
{
  local n=$1 deadline=$2 w=$3 i=0 id
  while ((i < n && SECONDS < deadline)); do
    # not recorded with new_id: a sweep of the prefix cleans up faster
    id=$RACE_PREFIX$w-$i
    if ocirt run --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>>"$BATS_TEST_TMPDIR/errors"; then
      echo ok
    else
      echo failed
      ocirt delete -f "$id" >/dev/null 2>&1 || true
    fi
    i=$((i + 1))
  done
}

@test "CVE-2021-30465: mount destinations swapped with symlinks to the host while containers start" {
  local src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  echo from-src >"$src/f"
  make_bundle "$BUNDLE" true
  local m=$BUNDLE/rootfs/mnt
  mkdir -p "$m/tmpfs-dest" "$m/bind-dest" "$m/proc-dest"
  touch "$m/file-dest"
  ln -s "$CANARY/dir" "$m/evil1"
  ln -s "../../../../../../../../../../../..$CANARY/dir" "$m/evil2"
  ln -s "$CANARY/dir/file" "$m/evil3"
  ln -s "$CANARY/dir" "$m/evil4"
  update_config --arg s "$src" '.mounts += [
    {"destination": "/mnt/tmpfs-dest", "type": "tmpfs", "source": "tmpfs"},
    {"destination": "/mnt/bind-dest", "type": "bind", "source": $s, "options": ["bind", "ro"]},
    {"destination": "/mnt/file-dest", "type": "bind", "source": ($s + "/f"), "options": ["bind"]},
    {"destination": "/mnt/proc-dest", "type": "proc", "source": "proc"}]
    | .linux.maskedPaths += ["/mnt/bind-dest/f"]
    | .linux.rootfsPropagation = "rshared"'
  start_swapper "$m/tmpfs-dest" "$m/evil1"
  start_swapper "$m/bind-dest" "$m/evil2"
  start_swapper "$m/file-dest" "$m/evil3"
  start_swapper "$m/proc-dest" "$m/evil4"

  local deadline=$((SECONDS + RACE_SECONDS)) half=$(((RACE_CONTAINERS + 1) / 2))
  worker "$half" "$deadline" 1 >"$BATS_TEST_TMPDIR/w1" &
  local w1=$!
  worker "$half" "$deadline" 2 >"$BATS_TEST_TMPDIR/w2"
  wait "$w1"

  local pid
  for pid in "${SWAPPERS[@]}"; do
    kill "$pid"
    wait "$pid" || fail "the swapper failed: $(cat "$BATS_TEST_TMPDIR"/swapper.*)"
  done
  SWAPPERS=()
  local ok failed
  ok=$(cat "$BATS_TEST_TMPDIR/w1" "$BATS_TEST_TMPDIR/w2" | grep -c '^ok$')
  failed=$(cat "$BATS_TEST_TMPDIR/w1" "$BATS_TEST_TMPDIR/w2" | grep -c '^failed$')
  echo "# $((ok + failed)) containers started in ${RACE_SECONDS}s at most: $ok ran, $failed refused" >&3
  sort "$BATS_TEST_TMPDIR/errors" | sed 's/mounts\[[0-9]*\]/mounts[N]/; s/^/#   /' | sort | uniq -c | head -n 8 >&3
  ((ok + failed >= 50)) || fail "only $((ok + failed)) containers in ${RACE_SECONDS}s"

  # nothing on the host was mounted over or changed
  canary_state >"$BATS_TEST_TMPDIR/canary.after"
  diff -u "$BATS_TEST_TMPDIR/canary.before" "$BATS_TEST_TMPDIR/canary.after" \
    || fail "the host canary changed"
  ! awk -v c="$CANARY/" 'index($5, c) == 1' /proc/self/mountinfo | grep -q . \
    || fail "a mount landed on the host canary: $(awk -v c="$CANARY/" 'index($5, c) == 1' /proc/self/mountinfo)"
  [[ $(awk -v c="$CANARY" '$5 == c' /proc/self/mountinfo | wc -l) == 1 ]] \
    || fail "a mount landed on the host canary itself"
  ! awk -v d="$BUNDLE" 'index($5, d) == 1' /proc/self/mountinfo | grep -q . \
    || fail "a mount was left on the host below the bundle"
  [[ $(cat "$src/f") == from-src ]]
  # every container was removed
  [[ -z $(ocirt list -q | grep "^$RACE_PREFIX") ]]
}
