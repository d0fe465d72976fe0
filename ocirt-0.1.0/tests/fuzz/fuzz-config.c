/* libFuzzer target for the config.json parser and its siblings: every
   input goes through the full-config, process, resources and state
   parsers.  Build and run with tests/fuzz/run.sh.  */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* GNU C predefines "linux" as 1, which breaks oci_spec.linux.  */
#undef linux
#include "spec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *buf = (const char *)data;
  char *err = NULL;
  oci_spec *s;
  oci_process *p;
  oci_resources *r;
  oci_state_doc *st;

  s = oci_spec_parse (buf, size, &err);
  /* Exactly one of result and message.  */
  if ((s == NULL) == (err == NULL))
    abort ();
  oci_spec_free (s);
  free (err);

  err = NULL;
  p = oci_process_parse (buf, size, &err);
  if ((p == NULL) == (err == NULL))
    abort ();
  oci_process_free (p);
  free (err);

  err = NULL;
  r = oci_resources_parse (buf, size, &err);
  if ((r == NULL) == (err == NULL))
    abort ();
  oci_resources_free (r);
  free (err);

  err = NULL;
  st = oci_state_parse (buf, size, &err);
  if ((st == NULL) == (err == NULL))
    abort ();
  oci_state_doc_free (st);
  free (err);
  return 0;
}
