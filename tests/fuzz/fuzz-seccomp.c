/* libFuzzer target for the seccomp translator: the input is the
   linux.seccomp object of a config; what parses is compiled to BPF.
   Build and run with tests/fuzz/run.sh.  */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#undef linux
#include "seccomp.h"
#include "spec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char head[]
    = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
      "\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  size_t n = sizeof head - 1 + size + sizeof tail - 1;
  char *doc = malloc (n + 1), *perr = NULL;
  struct ocirt_seccomp_prog prog;
  ocirt_error_t err = { 0 };
  oci_spec *s;

  if (doc == NULL)
    return 0;
  memcpy (doc, head, sizeof head - 1);
  memcpy (doc + sizeof head - 1, data, size);
  memcpy (doc + sizeof head - 1 + size, tail, sizeof tail);
  s = oci_spec_parse (doc, n, &perr);
  free (doc);
  if (s == NULL)
    {
      free (perr);
      return 0;
    }
  if (s->linux == NULL)
    abort ();
  if (ocirt_seccomp_compile (s->linux->seccomp, &prog, &err) < 0)
    {
      if (err.msg == NULL || prog.filter != NULL)
        abort ();
      ocirt_error_release (&err);
    }
  else
    {
      if (s->linux->seccomp && (prog.len == 0 || prog.filter == NULL))
        abort ();
      ocirt_seccomp_prog_release (&prog);
    }
  oci_spec_free (s);
  return 0;
}
