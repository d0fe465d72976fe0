#include <config.h>

/* ocirt spec: write the default config.json into a bundle.  */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "default-spec.h"
#include "log.h"
#include "util.h"

static const char spec_usage[]
    = "Usage: ocirt spec [-b|--bundle DIR] [--rootless]\n"
      "\n"
      "Write a default config.json into the bundle directory (default: the\n"
      "current directory).  An existing config.json is never overwritten.\n"
      "\n"
      "Options:\n"
      "  -b, --bundle DIR   bundle directory\n"
      "      --rootless     config for a container run by an unprivileged "
      "user\n"
      "  -h, --help         print this help\n";

enum
{
  OPT_ROOTLESS = 256
};

static const struct option spec_options[]
    = { { "bundle", required_argument, NULL, 'b' },
        { "rootless", no_argument, NULL, OPT_ROOTLESS },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 } };

/* O_EXCL: a config.json that appears meanwhile is not clobbered either.  */
static int
write_config (const char *bundle, const char *json, ocirt_error_t *err)
{
  cleanup_close int dirfd = -1;
  cleanup_close int fd = -1;

  dirfd = open (bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return ocirt_error_set (err, errno, "open bundle \"%s\"", bundle);
  fd = openat (dirfd, "config.json",
               O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0 && errno == EEXIST)
    return ocirt_error_set (err, 0, "config.json already exists in %s", bundle);
  if (fd < 0)
    return ocirt_error_set (err, errno, "create \"%s/config.json\"", bundle);
  if (ocirt_write_all (fd, json, strlen (json)) < 0)
    {
      int saved = errno;

      unlinkat (dirfd, "config.json", 0);
      return ocirt_error_set (err, saved, "write \"%s/config.json\"", bundle);
    }
  return 0;
}

int
ocirt_cmd_spec (struct ocirt_global *g, int argc, char **argv)
{
  cleanup_error ocirt_error_t err = { 0, NULL };
  cleanup_free char *json = NULL;
  const char *bundle = ".";
  bool rootless = false;
  int c;

  (void)g;
  while ((c = getopt_long (argc, argv, "+b:h", spec_options, NULL)) != -1)
    switch (c)
      {
      case 'b':
        bundle = optarg;
        break;
      case OPT_ROOTLESS:
        rootless = true;
        break;
      case 'h':
        ocirt_usage_verb (spec_usage, false);
        return 0;
      default:
        ocirt_usage_verb (spec_usage, true);
        return 1;
      }
  if (optind < argc)
    {
      ocirt_log (OCIRT_LOG_ERROR, "spec: unexpected argument \"%s\"",
                 argv[optind]);
      ocirt_usage_verb (spec_usage, true);
      return 1;
    }
  json = ocirt_default_spec_json (rootless, &err);
  if (json == NULL || write_config (bundle, json, &err) < 0)
    {
      ocirt_error_wrap (&err, "spec");
      ocirt_log_error (&err);
      return 1;
    }
  return 0;
}
