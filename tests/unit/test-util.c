#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "util.h"

static void
test_parse_int_strict (void **state)
{
  int v = 0;
  int64_t v64 = 0;
  uint32_t u = 0;

  (void)state;
  assert_int_equal (ocirt_parse_int ("1", &v), 0);
  assert_int_equal (v, 1);
  assert_int_equal (ocirt_parse_int ("1x", &v), -EINVAL);
  assert_int_equal (ocirt_parse_int ("", &v), -EINVAL);
  assert_int_equal (ocirt_parse_int (" 1", &v), -EINVAL);
  assert_int_equal (ocirt_parse_int ("99999999999", &v), -ERANGE);
  assert_int_equal (ocirt_parse_int64 ("-1", &v64), 0);
  assert_int_equal (v64, -1);
  assert_int_equal (ocirt_parse_uint32 ("-1", &u), -EINVAL);
  assert_int_equal (ocirt_parse_uint32 ("4294967296", &u), -ERANGE);
}

static void
test_format_uint (void **state)
{
  char buf[32];

  (void)state;
  assert_string_equal (ocirt_format_uint (buf, 0, ""), "0");
  assert_string_equal (ocirt_format_uint (buf, 7, "/stat"), "7/stat");
  assert_string_equal (ocirt_format_uint (buf, 4194304, "/x"), "4194304/x");
  assert_string_equal (ocirt_format_uint (buf, 4294967295U, ""), "4294967295");
}

/* The calendar arithmetic agrees with the C library's over leap years,
   century rules and negative times.  */
static void
test_rfc3339 (void **state)
{
  static const long long secs[]
      = { 0,         1,          86399,      86400,       951782400,
          951868800, 4107542399, 4107542400, 1709164800,  1798675199,
          -1,        -86400,     -86401,     253402300799 };
  char got[64], want[64];

  (void)state;
  for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++)
    {
      struct timespec ts = { (time_t)secs[i], 123456789 };
      struct tm tm;

      gmtime_r (&ts.tv_sec, &tm);
      snprintf (want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.123456789Z",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
      ocirt_rfc3339_format (&ts, got, sizeof got);
      assert_string_equal (got, want);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_int_strict),
    cmocka_unit_test (test_rfc3339),
    cmocka_unit_test (test_format_uint),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
