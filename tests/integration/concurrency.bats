#!/usr/bin/env bats
# Concurrency: many containers in parallel, and many verbs racing on
# one container.

load helpers

setup ()
{
  ocirt_setup
  make_bundle "$BUNDLE" sh -c 'sleep 0.2'
}

@test "100 containers created, started and deleted in parallel, 8 at a time" {
  local i
  for ((i = 0; i < 100; i++)); do
    new_id
  done >"$BATS_TEST_TMPDIR/par-ids"
  cat >"$BATS_TEST_TMPDIR/one.sh" <<'END'
set -u
id=$1
rt () { "$OCIRT" --root "$OCIRT_ROOT" "$@" </dev/null; }
rt create --bundle "$BUNDLE" "$id" >/dev/null 2>"$BASE/$id.err" || { echo "$id: create: $(cat "$BASE/$id.err")"; exit 1; }
rt start "$id" || { echo "$id: start failed"; exit 1; }
for i in $(seq 200); do
  st=$(rt state "$id" | jq -r .status)
  [ "$st" = stopped ] && break
  sleep 0.05
done
[ "$st" = stopped ] || { echo "$id: status $st"; exit 1; }
rt delete "$id" || { echo "$id: delete failed"; exit 1; }
END
  run env BASE="$BATS_TEST_TMPDIR" OCIRT="$OCIRT" OCIRT_ROOT="$OCIRT_ROOT" BUNDLE="$BUNDLE" \
    timeout 300 xargs -P 8 -n 1 bash "$BATS_TEST_TMPDIR/one.sh" \
    <"$BATS_TEST_TMPDIR/par-ids" 3>&-
  assert_success
  run ocirt list -q
  assert_output ""
  while read -r id; do
    [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroup left for $id"
  done <"$BATS_TEST_TMPDIR/par-ids"
  ! grep -qF "$BATS_TEST_TMPDIR" /proc/self/mountinfo || fail "mounts left"
}

@test "20 concurrent kill/delete/state/exec on one id: one delete wins, no crash or hang" {
  local id i pids=() rc
  update_config '.process.args = ["sleep", "3600"]'
  id=$(new_id)
  start_container "$id"
  mkdir "$BATS_TEST_TMPDIR/r"
  for ((i = 0; i < 20; i++)); do
    case $((i % 4)) in
    0) set -- delete -f "$id" ;;
    1) set -- kill "$id" KILL ;;
    2) set -- state "$id" ;;
    3) set -- exec "$id" true ;;
    esac
    (
      rc=0
      timeout --kill-after=5 30 "$OCIRT" --root "$OCIRT_ROOT" "$@" </dev/null \
        >"$BATS_TEST_TMPDIR/r/$i.out" 2>"$BATS_TEST_TMPDIR/r/$i.err" 3>&- \
        || rc=$?
      echo $rc >"$BATS_TEST_TMPDIR/r/$i.rc"
    ) &
    pids+=($!)
  done
  for i in "${pids[@]}"; do
    wait "$i" || true
  done
  local deletes_ok=0
  for ((i = 0; i < 20; i++)); do
    rc=$(cat "$BATS_TEST_TMPDIR/r/$i.rc")
    # no hang (124/137), no crash (>128)
    ((rc == 0 || rc == 1 || (i % 4 == 3 && rc < 128))) \
      || fail "call $i exited with $rc: $(cat "$BATS_TEST_TMPDIR/r/$i.err")"
    if ((rc == 1)); then
      [[ -s $BATS_TEST_TMPDIR/r/$i.err ]] || fail "call $i failed silently"
      ! grep -q 'Sanitizer\|runtime error' "$BATS_TEST_TMPDIR/r/$i.err" \
        || fail "$(cat "$BATS_TEST_TMPDIR/r/$i.err")"
    fi
    if ((i % 4 == 0 && rc == 0)); then
      deletes_ok=$((deletes_ok + 1))
    fi
    if ((i % 4 == 0 && rc == 1)); then
      grep -q 'does not exist' "$BATS_TEST_TMPDIR/r/$i.err" \
        || fail "delete $i: $(cat "$BATS_TEST_TMPDIR/r/$i.err")"
    fi
  done
  ((deletes_ok == 1)) || fail "$deletes_ok deletes succeeded, wanted exactly 1"
  run ocirt list -q
  assert_output ""
  [[ ! -e $OCIRT_ROOT/$id ]] || fail "state directory left"
  [[ -z $(cgroup_dirs_of "$id") ]] || fail "cgroup left"
}
