/* Time oci_spec_parse: parse FILE N times (default 1000) and print the
   mean microseconds per parse (tree building, conversion and free).

   Not built by default.  From a configured and built tree:

     cc -O2 -std=gnu11 -I. -iquote libocispec -iquote src/libocirt \
       bench/parse-bench.c libocispec/libocispec.a src/libocirt/libocirt.a \
       $(pkg-config --cflags --libs yajl) -o parse-bench
     bench/make-big-config.sh > big.json
     ./parse-bench big.json 2000  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* GNU C predefines "linux" as 1, which breaks oci_spec.linux.  */
#undef linux
#include "spec.h"
#include "util.h"

static double
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int
main (int argc, char **argv)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int n = 1000;
  double start, total;

  if (argc < 2 || argc > 3 || (argc == 3 && ocirt_parse_int (argv[2], &n) < 0)
      || n <= 0)
    {
      fprintf (stderr, "usage: %s FILE [N]\n", argv[0]);
      return 2;
    }
  if (ocirt_read_file_at (-1, argv[1], 64 << 20, &buf, &len) < 0)
    {
      perror (argv[1]);
      return 1;
    }
  start = now_us ();
  for (int i = 0; i < n; i++)
    {
      char *err = NULL;
      oci_spec *s = oci_spec_parse (buf, len, &err);
      if (s == NULL)
        {
          fprintf (stderr, "%s: %s\n", argv[1], err);
          free (err);
          return 1;
        }
      oci_spec_free (s);
    }
  total = now_us () - start;
  printf ("%zu bytes, %d parses, %.1f us per parse\n", len, n, total / n);
  return 0;
}
