#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_int_strict),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
