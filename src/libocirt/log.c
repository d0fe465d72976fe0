#include <config.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static int log_fd = -1;
static bool log_json;
static bool log_debug;

int
ocirt_log_init (const char *file, bool json, bool debug, ocirt_error_t *err)
{
  log_json = json;
  log_debug = debug;
  if (file && *file)
    {
      log_fd = open (file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
                     0600);
      if (log_fd < 0)
        return ocirt_error_set (err, errno, "open log file \"%s\"", file);
    }
  return 0;
}

bool
ocirt_log_debug_enabled (void)
{
  return log_debug;
}

static const char *
level_name (ocirt_log_level l)
{
  switch (l)
    {
    case OCIRT_LOG_DEBUG:
      return "debug";
    case OCIRT_LOG_INFO:
      return "info";
    case OCIRT_LOG_WARNING:
      return "warning";
    default:
      return "error";
    }
}

/* JSON string escaping for the log line; control bytes as \u00XX.  */
static void
json_escape (FILE *out, const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (out, "\\%c", *p);
      else if (*p == '\n')
        fputs ("\\n", out);
      else if (*p == '\t')
        fputs ("\\t", out);
      else if (*p < 0x20)
        fprintf (out, "\\u%04x", *p);
      else
        fputc (*p, out);
    }
}

static void
write_log_file (ocirt_log_level level, const char *msg)
{
  cleanup_free char *line = NULL;
  size_t len = 0;
  FILE *f;
  char ts[64];

  f = open_memstream (&line, &len);
  if (f == NULL)
    return;
  ocirt_rfc3339_now (ts, sizeof ts);
  if (log_json)
    {
      fprintf (f, "{\"level\":\"%s\",\"msg\":\"", level_name (level));
      json_escape (f, msg);
      fprintf (f, "\",\"time\":\"%s\"}\n", ts);
    }
  else
    fprintf (f, "time=\"%s\" level=%s msg=\"%s\"\n", ts, level_name (level),
             msg);
  fclose (f);
  ocirt_write_all (log_fd, line, len);
}

void
ocirt_log (ocirt_log_level level, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  va_list ap;

  if (level == OCIRT_LOG_DEBUG && !log_debug)
    return;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    {
      va_end (ap);
      return;
    }
  va_end (ap);

  if (log_fd >= 0)
    write_log_file (level, msg);
  /* Engines read errors from the log file; people read stderr.  With a
     JSON log, stderr still gets the plain text so that a caller without
     the file sees what happened.  */
  if (level == OCIRT_LOG_ERROR)
    fprintf (stderr, "ocirt: %s\n", msg);
  else if (level == OCIRT_LOG_WARNING)
    fprintf (stderr, "ocirt: warning: %s\n", msg);
  else if (log_fd < 0)
    fprintf (stderr, "ocirt: %s: %s\n", level_name (level), msg);
}

void
ocirt_log_error (const ocirt_error_t *err)
{
  cleanup_free char *text = ocirt_error_text (err);
  ocirt_log (OCIRT_LOG_ERROR, "%s", text);
}
