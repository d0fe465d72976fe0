/* ocirt: error values with context.

   Fallible functions return < 0 and fill an ocirt_error_t.  Callers add
   their own context with ocirt_error_wrap() while passing the error up;
   only the CLI layer (src/) prints.  */
#ifndef OCIRT_ERROR_H
#define OCIRT_ERROR_H

#include <stdarg.h>

typedef struct ocirt_error
{
  int errnum; /* errno value, 0 when the error is not a system error */
  char *msg;  /* full message, without the strerror suffix */
} ocirt_error_t;

#define cleanup_error __attribute__ ((cleanup (ocirt_error_release)))

/* Set *err (freeing any previous message) and return -1.  errnum may be 0.
   The printed form is "MSG: STRERROR(errnum)" when errnum != 0.  */
int ocirt_error_set (ocirt_error_t *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int ocirt_error_setv (ocirt_error_t *err, int errnum, const char *fmt,
                      va_list ap);

/* Prefix the existing message: "PREFIX: OLD".  Returns -1.  */
int ocirt_error_wrap (ocirt_error_t *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* The full text ("msg: strerror"), owned by the caller.  */
char *ocirt_error_text (const ocirt_error_t *err);

void ocirt_error_release (ocirt_error_t *err);

/* Convenience: set from errno.  */
#define ocirt_error_errno(err, ...) ocirt_error_set ((err), errno, __VA_ARGS__)

#endif
