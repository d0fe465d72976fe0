#include <config.h>

/* ocirt features: print what this build supports (features.md).  */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "features-build.h"
#include "log.h"
#include "util.h"

static const char features_usage[]
    = "Usage: ocirt features\n"
      "\n"
      "Print the features of this build as JSON (OCI runtime-spec "
      "features.md).\n"
      "\n"
      "Options:\n"
      "  -h, --help   print this help\n";

static const struct option features_options[]
    = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };

static int
print_features (ocirt_error_t *err)
{
  oci_features f;
  cleanup_free char *json = NULL;
  cleanup_free char *emit_err = NULL;
  int ret = 0;

  memset (&f, 0, sizeof f);
  if (ocirt_features_build (&f, err) < 0)
    ret = -1;
  else
    {
      json = oci_features_emit (&f, true, &emit_err);
      if (json == NULL)
        ret = ocirt_error_set (err, 0, "%s",
                               emit_err ? emit_err : "emit features");
    }
  oci_features_clear (&f);
  if (ret < 0)
    return ret;
  if (fputs (json, stdout) == EOF || fflush (stdout) == EOF)
    return ocirt_error_set (err, errno, "write to stdout");
  return 0;
}

int
ocirt_cmd_features (struct ocirt_global *g, int argc, char **argv)
{
  cleanup_error ocirt_error_t err = { 0, NULL };
  int c;

  (void)g;
  while ((c = getopt_long (argc, argv, "+h", features_options, NULL)) != -1)
    switch (c)
      {
      case 'h':
        ocirt_usage_verb (features_usage, false);
        return 0;
      default:
        ocirt_usage_verb (features_usage, true);
        return 1;
      }
  if (optind < argc)
    {
      ocirt_log (OCIRT_LOG_ERROR, "features: unexpected argument \"%s\"",
                 argv[optind]);
      ocirt_usage_verb (features_usage, true);
      return 1;
    }
  if (print_features (&err) < 0)
    {
      ocirt_error_wrap (&err, "features");
      ocirt_log_error (&err);
      return 1;
    }
  return 0;
}
