/* Time ocirt_seccomp_compile: compile the seccomp profile in FILE N times
   (default 200) and print the median microseconds per compile (libseccomp
   rule building, BPF generation and export) and the program length.  With
   a third argument ROOT, time ocirt_seccomp_compile_cached with the cache
   under ROOT instead (one untimed compile fills it first).

   FILE is a linux.seccomp object, e.g. podman's default profile
   /usr/share/containers/seccomp.json; its extra keys (archMap, includes,
   excludes, comment...) are ignored by the parser, so every rule is
   compiled for the native architecture only.  To time what podman hands
   to the runtime on x86_64 (three architectures), list them first:

     jq '. + {architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
       "SCMP_ARCH_X32"]}' /usr/share/containers/seccomp.json > profile.json

   Not built by default.  From a configured and built tree:

     cc -O2 -std=gnu11 -I. -iquote libocispec -iquote src/libocirt \
       bench/seccomp-bench.c src/libocirt/libocirt.a libocispec/libocispec.a \
       $(pkg-config --cflags --libs yajl libseccomp) -o seccomp-bench
     ./seccomp-bench /usr/share/containers/seccomp.json 500
     mkdir -p /tmp/sc-root
     ./seccomp-bench /usr/share/containers/seccomp.json 500 /tmp/sc-root  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* GNU C predefines "linux" as 1, which breaks oci_spec.linux.  */
#undef linux
#include "seccomp-cache.h"
#include "seccomp.h"
#include "spec.h"
#include "util.h"

static double
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* A minimal config around the profile.  */
static oci_spec *
load_profile (const char *file)
{
  cleanup_free char *profile = NULL;
  cleanup_free char *doc = NULL;
  cleanup_free char *perr = NULL;
  size_t len = 0;
  int r;
  oci_spec *spec;

  r = ocirt_read_file_at (-1, file, 1 << 24, &profile, &len);
  if (r < 0)
    {
      fprintf (stderr, "read %s: %s\n", file, strerror (-r));
      return NULL;
    }
  xasprintf (&doc,
             "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
             "\"linux\":{\"seccomp\":%s}}",
             profile);
  spec = oci_spec_parse (doc, strlen (doc), &perr);
  if (spec == NULL)
    fprintf (stderr, "%s: %s\n", file, perr);
  else if (spec->linux == NULL || spec->linux->seccomp == NULL)
    {
      fprintf (stderr, "%s: no seccomp section\n", file);
      oci_spec_free (spec);
      spec = NULL;
    }
  return spec;
}

int
main (int argc, char **argv)
{
  cleanup_free double *t = NULL;
  struct ocirt_seccomp_prog prog;
  ocirt_error_t err = { 0 };
  oci_spec *spec;
  size_t len = 0;
  int n = 200;

  const char *root = NULL;

  if (argc < 2 || argc > 4 || (argc >= 3 && ocirt_parse_int (argv[2], &n) < 0)
      || n <= 0)
    {
      fprintf (stderr, "usage: %s PROFILE.json [N [CACHE-ROOT]]\n", argv[0]);
      return 2;
    }
  if (argc == 4)
    root = argv[3];
  spec = load_profile (argv[1]);
  if (spec == NULL)
    return 1;
  t = xcalloc ((size_t)n, sizeof *t);
  for (int i = root ? -1 : 0; i < n; i++)
    {
      double start = now_us ();

      if (ocirt_seccomp_compile_cached (spec->linux->seccomp, root, &prog, &err)
          < 0)
        {
          cleanup_free char *text = ocirt_error_text (&err);
          fprintf (stderr, "compile: %s\n", text);
          ocirt_error_release (&err);
          oci_spec_free (spec);
          return 1;
        }
      if (i >= 0)
        t[i] = now_us () - start;
      len = prog.len;
      ocirt_seccomp_prog_release (&prog);
    }
  qsort (t, (size_t)n, sizeof *t, cmp_double);
  printf ("%d compiles: median %.0f us, min %.0f us, max %.0f us, "
          "%zu instructions\n",
          n, t[n / 2], t[0], t[n - 1], len);
  oci_spec_free (spec);
  return 0;
}
