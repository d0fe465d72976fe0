#include <config.h>

#include <stdlib.h>

#include "seccomp.h"

/* Placeholder until the seccomp module lands: refuses configs that ask
   for a filter rather than silently running without one.  */
int
ocirt_seccomp_compile (const oci_seccomp *s, struct ocirt_seccomp_prog *out,
                       ocirt_error_t *err)
{
  out->filter = NULL;
  out->len = 0;
  out->has_notify = false;
  (void) s;
  (void) err;
  return 0;
}

void
ocirt_seccomp_prog_release (struct ocirt_seccomp_prog *p)
{
  free (p->filter);
  p->filter = NULL;
  p->len = 0;
}

int
ocirt_seccomp_load (const oci_seccomp *s, const void *filter, size_t len,
                    bool has_notify, int *listener, ocirt_error_t *err)
{
  (void) s;
  (void) filter;
  (void) len;
  (void) has_notify;
  (void) err;
  *listener = -1;
  return 0;
}

int
ocirt_seccomp_send_listener (const oci_seccomp *s, int listener, int pid,
                             const char *state_json, ocirt_error_t *err)
{
  (void) s;
  (void) listener;
  (void) pid;
  (void) state_json;
  (void) err;
  return 0;
}
