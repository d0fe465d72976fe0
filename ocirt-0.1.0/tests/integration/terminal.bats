#!/usr/bin/env bats
# Terminals: the pty sent over --console-socket, and run in the
# foreground with a terminal.

load helpers

teardown ()
{
  ocirt_teardown
  if [[ -n ${RECV_PID:-} ]]; then
    kill "$RECV_PID" 2>/dev/null
    wait "$RECV_PID" 2>/dev/null
  fi
  return 0
}

# Start the console receiver on $SOCK, writing what the pty shows to $TTY_OUT.
start_recvtty ()
{
  SOCK=$BATS_TEST_TMPDIR/console.sock
  TTY_OUT=$BATS_TEST_TMPDIR/tty.out
  "$RECVTTY" "$SOCK" "$TTY_OUT" </dev/null >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
  RECV_PID=$!
  wait_for_file "$SOCK"
}

@test "--console-socket receives the pty of a terminal container" {
  requires recvtty
  make_bundle "$BUNDLE" sh -c \
    'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-tty; [ -c /dev/console ] && echo console-ok;
     stty size; echo the-end'
  update_config '.process.terminal = true
    | .process.consoleSize = {"height": 30, "width": 90}'
  start_recvtty
  id=$(new_id)
  run create_container "$id" --console-socket "$SOCK"
  assert_success
  run ocirt start "$id"
  assert_success
  wait_for_file "$TTY_OUT" the-end
  run tr -d '\r' <"$TTY_OUT"
  assert_line --regexp '^/dev/pts/[0-9]+$'
  assert_line stdio-is-tty
  assert_line console-ok
  assert_line "30 90"
}

@test "the pty is the controlling terminal of the process" {
  requires recvtty
  # a controlling terminal makes /dev/tty openable
  make_bundle "$BUNDLE" sh -c 'echo ctty > /dev/tty && echo ctty-ok; echo the-end'
  update_config '.process.terminal = true'
  start_recvtty
  id=$(new_id)
  create_container "$id" --console-socket "$SOCK"
  ocirt start "$id"
  wait_for_file "$TTY_OUT" the-end
  run tr -d '\r' <"$TTY_OUT"
  assert_line ctty-ok
}

@test "create of a terminal container without --console-socket fails" {
  make_bundle "$BUNDLE"
  update_config '.process.terminal = true'
  id=$(new_id)
  run create_container "$id"
  assert_failure
  run ocirt state "$id"
  assert_failure
}

@test "run in the foreground with a terminal relays the pty" {
  make_bundle "$BUNDLE" sh -c 'tty; echo hello-tty'
  update_config '.process.terminal = true'
  # as a person would: from a terminal (script(1) provides one)
  run timeout 60 script -qec \
    "$(printf '%q ' "$OCIRT" --root "$OCIRT_ROOT" run --bundle "$BUNDLE" "$(new_id)")" \
    /dev/null </dev/null 3>&-
  assert_success
  # the pty may echo control characters before the output
  run tr -d '\r\0' <<<"$output"
  assert_line --regexp '/dev/pts/[0-9]+$'
  assert_line --regexp 'hello-tty$'
}
