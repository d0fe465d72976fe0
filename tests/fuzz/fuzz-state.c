/* libFuzzer target for the state.json reader of the state directory.
   Build and run with tests/fuzz/run.sh.  */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#undef linux
#include "state.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ocirt_error_t err = { 0 };
  struct ocirt_state st;
  char *text = malloc (size + 1);
  int r;

  if (text == NULL)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  r = ocirt_state_parse (text, &st, &err);
  free (text);
  if (r < 0)
    {
      /* A failure always says why and leaves nothing allocated.  */
      if (err.msg == NULL || st.id != NULL || st.bundle != NULL)
        abort ();
      ocirt_error_release (&err);
      return 0;
    }
  if (st.id == NULL || st.bundle == NULL || st.pid <= 0)
    abort ();
  /* What state and list print from it.  */
  free (ocirt_state_json (&st, "stopped", false));
  free (ocirt_state_json (&st, "running", true));
  ocirt_state_release (&st);
  return 0;
}
