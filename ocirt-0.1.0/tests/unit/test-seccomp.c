#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#undef linux
#include "seccomp-cache.h"
#include "seccomp.h"
#include "spec.h"
#include "util.h"

/* A config around SECCOMP (a JSON object).  */
static oci_spec *
parse_section (const char *seccomp)
{
  cleanup_free char *doc = NULL;
  char *perr = NULL;
  oci_spec *s;

  xasprintf (&doc,
             "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
             "\"linux\":{\"seccomp\":%s}}",
             seccomp);
  s = oci_spec_parse (doc, strlen (doc), &perr);
  if (s == NULL)
    fail_msg ("parse: %s", perr);
  return s;
}

/* Compile SECCOMP; returns the program length, or -1 with *msg set.  */
static long
compile (const char *seccomp, struct ocirt_seccomp_prog *out, char **msg)
{
  oci_spec *s = parse_section (seccomp);
  ocirt_error_t err = { 0 };
  int r;

  r = ocirt_seccomp_compile (s->linux->seccomp, out, &err);
  oci_spec_free (s);
  if (r < 0)
    {
      *msg = ocirt_error_text (&err);
      ocirt_error_release (&err);
      return -1;
    }
  return (long)out->len;
}

static long
compile_len (const char *seccomp)
{
  struct ocirt_seccomp_prog p;
  char *msg = NULL;
  long n = compile (seccomp, &p, &msg);

  if (n < 0)
    fail_msg ("compile: %s", msg);
  ocirt_seccomp_prog_release (&p);
  return n;
}

static void
expect_error (const char *seccomp, const char *text)
{
  struct ocirt_seccomp_prog p;
  char *msg = NULL;

  if (compile (seccomp, &p, &msg) >= 0)
    fail_msg ("compiled, expected \"%s\"", text);
  if (strstr (msg, text) == NULL)
    fail_msg ("error \"%s\" lacks \"%s\"", msg, text);
  assert_null (p.filter);
  free (msg);
}

#define EMPTY "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"

static void
test_no_section (void **state)
{
  struct ocirt_seccomp_prog p = { .len = 7 };
  ocirt_error_t err = { 0 };

  (void)state;
  assert_int_equal (ocirt_seccomp_compile (NULL, &p, &err), 0);
  assert_int_equal (p.len, 0);
  assert_null (p.filter);
}

static void
test_basic (void **state)
{
  struct ocirt_seccomp_prog p;
  char *msg = NULL;

  (void)state;
  assert_true (compile_len (EMPTY) > 0);
  assert_true (
      compile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":"
               "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
               "\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
               "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}",
               &p, &msg)
      > compile_len (EMPTY));
  assert_false (p.has_notify);
  ocirt_seccomp_prog_release (&p);
}

static void
test_every_action (void **state)
{
  static const char *const actions[] = {
    "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_LOG",
  };

  (void)state;
  for (size_t i = 0; i < ARRAY_SIZE (actions); i++)
    {
      cleanup_free char *sec = NULL;

      xasprintf (&sec,
                 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                 "[{\"names\":[\"chroot\"],\"action\":\"%s\"}]}",
                 actions[i]);
      assert_true (compile_len (sec) > compile_len (EMPTY));
      free (sec);
      xasprintf (&sec, "{\"defaultAction\":\"%s\"}", actions[i]);
      assert_true (compile_len (sec) > 0);
    }
}

static void
test_unknown_syscall_skipped (void **state)
{
  (void)state;
  assert_int_equal (
      compile_len ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                   "[{\"names\":[\"no_such_syscall\"],"
                   "\"action\":\"SCMP_ACT_ERRNO\"}]}"),
      compile_len (EMPTY));
}

static void
test_default_action_skipped (void **state)
{
  (void)state;
  assert_int_equal (
      compile_len ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                   "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"),
      compile_len (EMPTY));
  /* ERRNO with another errno is another action.  */
  assert_true (
      compile_len ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":"
                   "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
                   "\"errnoRet\":38}]}")
      > compile_len ("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}"));
}

static void
test_invalid (void **state)
{
  (void)state;
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                "[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
                "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}"
                "]}",
                "linux.seccomp.syscalls[0].args[0].index");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}",
                "linux.seccomp.defaultAction");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":"
                "\"/x\",\"syscalls\":[{\"names\":[\"write\"],"
                "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                "write syscall");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                "[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                "linux.seccomp.listenerPath");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":"
                "70000}",
                "out of range");
}

static void
test_notify (void **state)
{
  struct ocirt_seccomp_prog p;
  char *msg = NULL;

  (void)state;
  assert_true (compile ("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                        "\"listenerPath\":\"/x\",\"syscalls\":[{\"names\":"
                        "[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                        &p, &msg)
               > 0);
  assert_true (p.has_notify);
  ocirt_seccomp_prog_release (&p);
}

/* Load SECCOMP in a child and return what syscall(SYS_umask, MASK)
   gives there: the old mask, or -errno.  */
static long
umask_under (const char *seccomp, long mask)
{
  oci_spec *s = parse_section (seccomp);
  struct ocirt_seccomp_prog p;
  ocirt_error_t err = { 0 };
  int pfd[2], status, listener;
  long result = 0;
  pid_t pid;

  assert_int_equal (ocirt_seccomp_compile (s->linux->seccomp, &p, &err), 0);
  assert_int_equal (pipe (pfd), 0);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      long r;

      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
          || ocirt_seccomp_load (s->linux->seccomp, p.filter, p.len, false,
                                 &listener, &err)
                 < 0)
        _exit (1);
      r = syscall (SYS_umask, mask);
      if (r < 0)
        r = -errno;
      _exit (write (pfd[1], &r, sizeof r) == sizeof r ? 0 : 1);
    }
  close (pfd[1]);
  assert_int_equal (read (pfd[0], &result, sizeof result), sizeof result);
  close (pfd[0]);
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  ocirt_seccomp_prog_release (&p);
  oci_spec_free (s);
  return result;
}

#define UMASK_RULE(ARGS)                                                       \
  "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":"                           \
  "[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":[{\"names\":[\"umask\"],"        \
  "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38,\"args\":[" ARGS "]}]}"

static void
test_args_loaded (void **state)
{
  const char *or_rule
      = UMASK_RULE ("{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                    "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}");
  const char *masked
      = UMASK_RULE ("{\"index\":0,\"value\":448,\"valueTwo\":320,"
                    "\"op\":\"SCMP_CMP_MASKED_EQ\"}");

  (void)state;
  /* Conditions on one argument are alternatives.  */
  assert_int_equal (umask_under (or_rule, 1), -ENOSYS);
  assert_int_equal (umask_under (or_rule, 2), -ENOSYS);
  assert_true (umask_under (or_rule, 3) >= 0);
  /* (mask & value 0700) == valueTwo 0500 */
  assert_int_equal (umask_under (masked, 0555), -ENOSYS);
  assert_true (umask_under (masked, 0755) >= 0);
  assert_true (umask_under (masked, 0055) >= 0);
}

static void
test_cache (void **state)
{
  char root[] = "/tmp/test-seccomp-XXXXXX";
  const char *sec = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":"
                    "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"syscalls\":"
                    "[{\"names\":[\"read\",\"write\"],"
                    "\"action\":\"SCMP_ACT_ALLOW\"}]}";
  oci_spec *s = parse_section (sec);
  struct ocirt_seccomp_prog plain, c1, c2;
  ocirt_error_t err = { 0 };
  cleanup_free char *cmd = NULL;

  (void)state;
  assert_non_null (mkdtemp (root));
  assert_int_equal (ocirt_seccomp_compile (s->linux->seccomp, &plain, &err), 0);
  assert_int_equal (
      ocirt_seccomp_compile_cached (s->linux->seccomp, root, &c1, &err), 0);
  assert_int_equal (
      ocirt_seccomp_compile_cached (s->linux->seccomp, root, &c2, &err), 0);
  assert_int_equal (plain.len, c1.len);
  assert_int_equal (plain.len, c2.len);
  assert_memory_equal (plain.filter, c2.filter, plain.len * 8);
  ocirt_seccomp_prog_release (&plain);
  ocirt_seccomp_prog_release (&c1);
  ocirt_seccomp_prog_release (&c2);
  oci_spec_free (s);
  xasprintf (&cmd, "rm -rf '%s'", root);
  assert_int_equal (system (cmd), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_no_section),
    cmocka_unit_test (test_basic),
    cmocka_unit_test (test_every_action),
    cmocka_unit_test (test_unknown_syscall_skipped),
    cmocka_unit_test (test_default_action_skipped),
    cmocka_unit_test (test_invalid),
    cmocka_unit_test (test_notify),
    cmocka_unit_test (test_args_loaded),
    cmocka_unit_test (test_cache),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
