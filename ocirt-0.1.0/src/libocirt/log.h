/* ocirt: messages for the user and for engines (--log, --log-format).  */
#ifndef OCIRT_LOG_H
#define OCIRT_LOG_H

#include <stdbool.h>
#include "error.h"

typedef enum
{
  OCIRT_LOG_DEBUG,
  OCIRT_LOG_INFO,
  OCIRT_LOG_WARNING,
  OCIRT_LOG_ERROR
} ocirt_log_level;

/* Configure: file (NULL: stderr only), json format, debug on.  */
int ocirt_log_init (const char *file, bool json, bool debug,
                    ocirt_error_t *err);

/* Text form on stderr: "ocirt: MSG" (errors), "ocirt: warning: MSG";
   debug lines only with --debug.  With --log, the line also goes to the
   file (JSON when --log-format json: {"level":..,"msg":..,"time":..}).  */
void ocirt_log (ocirt_log_level level, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
#define ocirt_debug(...) ocirt_log (OCIRT_LOG_DEBUG, __VA_ARGS__)
#define ocirt_warn(...) ocirt_log (OCIRT_LOG_WARNING, __VA_ARGS__)

bool ocirt_log_debug_enabled (void);

/* Print an error object as "ocirt: PREFIX: MSG: STRERROR".  */
void ocirt_log_error (const ocirt_error_t *err);

#endif
