#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "util.h"

int
ocirt_error_setv (ocirt_error_t *err, int errnum, const char *fmt, va_list ap)
{
  char *msg = NULL;

  if (err == NULL)
    return -1;
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  free (err->msg);
  err->msg = msg;
  err->errnum = errnum;
  return -1;
}

int
ocirt_error_set (ocirt_error_t *err, int errnum, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  ocirt_error_setv (err, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int
ocirt_error_wrap (ocirt_error_t *err, const char *fmt, ...)
{
  cleanup_free char *prefix = NULL;
  char *msg = NULL;
  va_list ap;

  if (err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&prefix, fmt, ap) < 0)
    abort ();
  va_end (ap);
  if (asprintf (&msg, "%s: %s", prefix, err->msg ? err->msg : "unknown error")
      < 0)
    abort ();
  free (err->msg);
  err->msg = msg;
  return -1;
}

char *
ocirt_error_text (const ocirt_error_t *err)
{
  char *out = NULL;
  const char *msg = err && err->msg ? err->msg : "unknown error";

  if (err && err->errnum)
    xasprintf (&out, "%s: %s", msg, strerror (err->errnum));
  else
    out = xstrdup (msg);
  return out;
}

void
ocirt_error_release (ocirt_error_t *err)
{
  if (err == NULL)
    return;
  free (err->msg);
  err->msg = NULL;
  err->errnum = 0;
}
