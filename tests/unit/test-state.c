/* The state.json reader: what the writer writes comes back, fields of
   the wrong type are ignored, and broken files are refused.  */
#include <config.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "state.h"
#include "util.h"

static int
parse (const char *text, struct ocirt_state *st)
{
  ocirt_error_t err = { 0 };
  int r = ocirt_state_parse (text, st, &err);

  if (r < 0)
    assert_string_equal (err.msg, "state file is corrupt");
  ocirt_error_release (&err);
  return r;
}

static void
test_round_trip (void **unused)
{
  char dir[] = "/tmp/ocirt-test-state-XXXXXX";
  char *keys[] = { "a", "b.c" }, *values[] = { "1", "x\"y" };
  struct ocirt_state in = {
    .id = "c1",
    .pid = 4242,
    .pid_start = 1234567890123ULL,
    .bundle = "/b",
    .rootfs = "/b/rootfs",
    .created = "2026-01-02T03:04:05.000000006Z",
    .owner = "root",
    .cgroup_path = "/c1",
    .rdt_dir = "/sys/fs/resctrl/c1",
    .rdt_mon_dir = "/sys/fs/resctrl/mon_groups/c1",
    .init_comm = "memfd:ocirt",
    .annotations = { .keys = keys, .values = values, .len = 2 },
    .has_poststart = true,
    .has_terminal = true,
  };
  ocirt_error_t err = { 0 };
  struct ocirt_state out;
  int fd;

  (void)unused;
  assert_non_null (mkdtemp (dir));
  fd = open (dir, O_DIRECTORY | O_CLOEXEC);
  assert_true (fd >= 0);
  assert_int_equal (ocirt_state_write (fd, &in, &err), 0);
  assert_int_equal (ocirt_state_read (fd, &out, &err), 0);
  assert_string_equal (out.id, "c1");
  assert_int_equal (out.pid, 4242);
  assert_true (out.pid_start == 1234567890123ULL);
  assert_string_equal (out.bundle, "/b");
  assert_string_equal (out.rootfs, "/b/rootfs");
  assert_string_equal (out.created, in.created);
  assert_string_equal (out.owner, "root");
  assert_string_equal (out.cgroup_path, "/c1");
  assert_string_equal (out.rdt_dir, in.rdt_dir);
  assert_string_equal (out.rdt_mon_dir, in.rdt_mon_dir);
  assert_string_equal (out.init_comm, "memfd:ocirt");
  assert_true (out.has_poststart);
  assert_false (out.has_poststop);
  assert_true (out.has_terminal);
  assert_int_equal (out.annotations.len, 2);
  assert_string_equal (out.annotations.keys[1], "b.c");
  assert_string_equal (out.annotations.values[1], "x\"y");
  ocirt_state_release (&out);
  unlinkat (fd, "state.json", 0);
  close (fd);
  rmdir (dir);
}

/* Unknown keys at any depth, values of the wrong type and duplicates
   (the first wins) do not disturb the known fields.  */
static void
test_tolerant (void **unused)
{
  struct ocirt_state st;

  (void)unused;
  assert_int_equal (
      parse ("{\"x\":{\"id\":\"no\",\"pid\":7,\"a\":[[{}],{\"b\":[1]}]},"
             "\"id\":\"c\",\"id\":\"later\",\"bundle\":\"/b\",\"pid\":9,"
             "\"owner\":5,\"created\":null,\"rootfs\":[\"r\"],"
             "\"has_terminal\":\"yes\",\"has_poststop\":true,"
             "\"pid_start\":1.5,\"init_comm\":{\"c\":\"d\"},"
             "\"annotations\":{\"k\":\"v\",\"n\":1,\"o\":{\"p\":\"q\"},"
             "\"z\":null,\"l\":[\"m\"],\"k2\":\"v2\"},"
             "\"annotations\":{\"dup\":\"x\"}}",
             &st),
      0);
  assert_string_equal (st.id, "c");
  assert_string_equal (st.bundle, "/b");
  assert_int_equal (st.pid, 9);
  assert_null (st.owner);
  assert_null (st.created);
  assert_null (st.rootfs);
  assert_null (st.init_comm);
  assert_false (st.has_terminal);
  assert_true (st.has_poststop);
  assert_true (st.pid_start == 0);
  assert_int_equal (st.annotations.len, 2);
  assert_string_equal (st.annotations.keys[0], "k");
  assert_string_equal (st.annotations.values[0], "v");
  assert_string_equal (st.annotations.keys[1], "k2");
  assert_string_equal (st.annotations.values[1], "v2");
  ocirt_state_release (&st);
}

static void
test_corrupt (void **unused)
{
  static const char *const bad[] = {
    "",
    "   ",
    "null",
    "[]",
    "\"id\"",
    "42",
    "{",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":1",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":1}{}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":1} x",
    "{\"bundle\":\"/b\",\"pid\":1}",
    "{\"id\":\"c\",\"pid\":1}",
    "{\"id\":\"c\",\"bundle\":\"/b\"}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":0}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":-5}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":2147483648}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":99999999999999999999999}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":\"1\"}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":1e3}",
    "{\"id\":\"\xff\",\"bundle\":\"/b\",\"pid\":1}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":1,}",
    "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":1,\"annotations\":{\"k\":}}",
  };
  struct ocirt_state st;

  (void)unused;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      if (parse (bad[i], &st) != -1)
        fail_msg ("accepted: %s", bad[i]);
      /* A refused file leaves nothing allocated.  */
      assert_null (st.id);
      assert_null (st.annotations.keys);
    }
}

/* Deep nesting is refused or skipped without recursion.  */
static void
test_deep (void **unused)
{
  size_t depth = 100000;
  const char *head = "{\"id\":\"c\",\"bundle\":\"/b\",\"pid\":3,\"x\":";
  size_t hl = strlen (head);
  char *text = malloc (hl + 2 * depth + 2);
  struct ocirt_state st;

  (void)unused;
  assert_non_null (text);
  memcpy (text, head, hl);
  memset (text + hl, '[', depth);
  memset (text + hl + depth, ']', depth);
  strcpy (text + hl + 2 * depth, "}");
  assert_int_equal (parse (text, &st), 0);
  assert_int_equal (st.pid, 3);
  ocirt_state_release (&st);
  text[hl + 2 * depth] = '\0';
  assert_int_equal (parse (text, &st), -1);
  free (text);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_round_trip),
    cmocka_unit_test (test_tolerant),
    cmocka_unit_test (test_corrupt),
    cmocka_unit_test (test_deep),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
