#include <config.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "hooks.h"
#include "util.h"

static oci_hook
sh_hook (char **args, size_t nargs)
{
  oci_hook h = { 0 };

  h.path = (char *)"/bin/sh";
  h.args = args;
  h.args_len = nargs;
  return h;
}

static char *
read_text (const char *path)
{
  char *buf = NULL;
  size_t len = 0;

  assert_int_equal (ocirt_read_file_at (-1, path, 1 << 20, &buf, &len), 0);
  return buf;
}

static void
test_success (void **state)
{
  oci_hook h = { .path = (char *)"/bin/true" }; /* no args: argv[0] = path */
  ocirt_error_t err = { 0 };

  (void)state;
  assert_int_equal (ocirt_hooks_run ("prestart", &h, 1, "{}", &err), 0);
  assert_null (err.msg);
}

static void
test_exit_status_and_tail (void **state)
{
  char *args[] = { "sh", "-c", "echo first; echo 'it broke' >&2; exit 3" };
  oci_hook hooks[2] = { { .path = (char *)"/bin/true" }, sh_hook (args, 3) };
  ocirt_error_t err = { 0 };

  (void)state;
  assert_int_equal (ocirt_hooks_run ("createRuntime", hooks, 2, "{}", &err),
                    -1);
  assert_string_equal (err.msg, "createRuntime hook #1 (\"/bin/sh\"): exit "
                                "status 3: first\nit broke");
  assert_int_equal (err.errnum, 0);
  ocirt_error_release (&err);
}

static void
test_long_output_keeps_tail (void **state)
{
  char *args[] = { "sh", "-c",
                   "i=0; while [ $i -lt 500 ]; do echo line$i; i=$((i+1)); "
                   "done; echo LAST >&2; exit 1" };
  oci_hook h = sh_hook (args, 3);
  ocirt_error_t err = { 0 };

  (void)state;
  assert_int_equal (ocirt_hooks_run ("poststart", &h, 1, "{}", &err), -1);
  assert_non_null (strstr (err.msg, "exit status 1: ..."));
  assert_non_null (strstr (err.msg, "line499\nLAST"));
  assert_null (strstr (err.msg, "line1\n"));
  assert_true (strlen (err.msg) < 1200);
  ocirt_error_release (&err);
}

static void
test_killed_by_signal (void **state)
{
  char *args[] = { "sh", "-c", "kill -9 $$" };
  oci_hook h = sh_hook (args, 3);
  ocirt_error_t err = { 0 };

  (void)state;
  assert_int_equal (ocirt_hooks_run ("poststart", &h, 1, "{}", &err), -1);
  assert_string_equal (err.msg,
                       "poststart hook #0 (\"/bin/sh\"): killed by signal 9");
  ocirt_error_release (&err);
}

static void
test_timeout (void **state)
{
  char *args[] = { "sleep", "10" };
  oci_hook h = { .path = (char *)"/bin/sleep",
                 .args = args,
                 .args_len = 2,
                 .has_timeout = true,
                 .timeout = 1 };
  ocirt_error_t err = { 0 };
  time_t start = time (NULL);

  (void)state;
  assert_int_equal (ocirt_hooks_run ("prestart", &h, 1, "{}", &err), -1);
  assert_string_equal (
      err.msg, "prestart hook #0 (\"/bin/sleep\"): timed out after 1 s");
  assert_true (time (NULL) - start < 4);
  ocirt_error_release (&err);
}

static void
test_exec_failure (void **state)
{
  oci_hook h = { .path = (char *)"/nonexistent/hook" };
  ocirt_error_t err = { 0 };
  cleanup_free char *text = NULL;

  (void)state;
  assert_int_equal (ocirt_hooks_run ("prestart", &h, 1, "{}", &err), -1);
  assert_int_equal (err.errnum, ENOENT);
  text = ocirt_error_text (&err);
  assert_string_equal (text, "prestart hook #0 (\"/nonexistent/hook\"): "
                             "exec: No such file or directory");
  ocirt_error_release (&err);
}

static void
test_stdin_and_env (void **state)
{
  char path[] = "/tmp/test-hooks-XXXXXX";
  cleanup_free char *script = NULL;
  cleanup_free char *got = NULL;
  cleanup_free char *envfile = NULL;
  cleanup_free char *envs = NULL;
  char *args[] = { "sh", "-c", NULL };
  char *env[] = { "FOO=bar baz", "EMPTY=" };
  oci_hook h = sh_hook (args, 3);
  ocirt_error_t err = { 0 };
  const char *json = "{\"ociVersion\":\"1.3.0\",\"id\":\"x\",\"status\":"
                     "\"creating\"}";
  int fd = mkstemp (path);

  (void)state;
  assert_true (fd >= 0);
  close (fd);
  xasprintf (&envfile, "%s.env", path);
  xasprintf (&script, "cat > %s; env > %s", path, envfile);
  args[2] = script;
  h.env = env;
  h.env_len = 2;
  assert_int_equal (ocirt_hooks_run ("createContainer", &h, 1, json, &err), 0);
  got = read_text (path);
  assert_string_equal (got, json);
  envs = read_text (envfile);
  assert_non_null (strstr (envs, "FOO=bar baz\n"));
  assert_non_null (strstr (envs, "EMPTY=\n"));
  assert_null (strstr (envs, "HOME="));
  assert_null (strstr (envs, "PATH=/"));
  unlink (path);
  unlink (envfile);
}

/* A hook that never reads a large state must neither block us nor kill
   us with SIGPIPE.  */
static void
test_unread_stdin (void **state)
{
  size_t big = 1 << 20;
  cleanup_free char *json = xmalloc (big + 1);
  oci_hook h = { .path = (char *)"/bin/true" };
  ocirt_error_t err = { 0 };

  (void)state;
  memset (json, 'x', big);
  json[big] = '\0';
  assert_int_equal (ocirt_hooks_run ("poststop", &h, 1, json, &err), 0);
}

/* Only 0-2 reach the hook, even fds the caller left inheritable.  */
static void
test_fds_closed (void **state)
{
  cleanup_free char *script = NULL;
  char *args[] = { "sh", "-c", NULL };
  oci_hook h = sh_hook (args, 3);
  ocirt_error_t err = { 0 };
  int leaked = dup (2);

  (void)state;
  assert_true (leaked > 2);
  xasprintf (&script, "test ! -e /proc/self/fd/%d || { echo leaked; exit 1; }",
             leaked);
  args[2] = script;
  assert_int_equal (ocirt_hooks_run ("prestart", &h, 1, "{}", &err), 0);
  close (leaked);
}

static void
test_run_all_collects (void **state)
{
  char *a1[] = { "sh", "-c", "exit 2" };
  char *a2[] = { "sh", "-c", "echo nope >&2; exit 4" };
  oci_hook hooks[3]
      = { sh_hook (a1, 3), { .path = (char *)"/bin/true" }, sh_hook (a2, 3) };
  cleanup_strv char **warnings = NULL;

  (void)state;
  assert_int_equal (ocirt_hooks_run_all ("poststop", hooks, 3, "{}", &warnings),
                    2);
  assert_non_null (warnings);
  assert_string_equal (warnings[0],
                       "poststop hook #0 (\"/bin/sh\"): exit status 2");
  assert_string_equal (warnings[1],
                       "poststop hook #2 (\"/bin/sh\"): exit status 4: nope");
  assert_null (warnings[2]);
}

static void
test_run_all_none_failing (void **state)
{
  oci_hook h = { .path = (char *)"/bin/true" };
  char **warnings = (char **)&h;

  (void)state;
  assert_int_equal (ocirt_hooks_run_all ("poststop", &h, 1, "{}", &warnings),
                    0);
  assert_null (warnings);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_success),
    cmocka_unit_test (test_exit_status_and_tail),
    cmocka_unit_test (test_long_output_keeps_tail),
    cmocka_unit_test (test_killed_by_signal),
    cmocka_unit_test (test_timeout),
    cmocka_unit_test (test_exec_failure),
    cmocka_unit_test (test_stdin_and_env),
    cmocka_unit_test (test_unread_stdin),
    cmocka_unit_test (test_fds_closed),
    cmocka_unit_test (test_run_all_collects),
    cmocka_unit_test (test_run_all_none_failing),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
