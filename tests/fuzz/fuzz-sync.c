/* libFuzzer target for the decoder of the runtime <-> init sync
   channel: the input is one datagram.  Build and run with
   tests/fuzz/run.sh.  */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ocirt_error_t err = { 0 };
  struct ocirt_sync_msg *m = malloc (sizeof *m);
  char *text;

  if (m == NULL)
    return 0;
  memset (m, 0xa5, sizeof *m);
  m->nfds = 0;
  if (ocirt_sync_decode (data, size, m, &err) < 0)
    {
      if (err.msg == NULL)
        abort ();
      text = ocirt_error_text (&err);
      free (text);
      ocirt_error_release (&err);
      free (m);
      return 0;
    }
  /* A decoded message fits and its payload is a C string.  */
  if (m->len > OCIRT_SYNC_MAX || m->payload[m->len] != '\0'
      || m->len != size - 8)
    abort ();
  (void)ocirt_sync_type_name (m->type);
  if (m->type == OCIRT_SYNC_ERROR)
    {
      if (ocirt_sync_error_from_msg (m, &err) != -1 || err.msg == NULL)
        abort ();
      text = ocirt_error_text (&err);
      free (text);
      ocirt_error_release (&err);
    }
  else if (m->type == OCIRT_SYNC_WARNING)
    (void)strlen (m->payload);
  free (m);
  return 0;
}
