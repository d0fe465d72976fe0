#include <config.h>

#include <stdio.h>

#include "cli.h"
#include "cmd-simple.h"
#include "container.h"
#include "log.h"

static const char usage[]
    = "Usage: ocirt delete [options] <container-id>\n"
      "\n"
      "Delete a stopped container and everything create made for it.\n"
      "\n"
      "  -f, --force  kill the container first if it is not stopped\n";

static int
on_opt (int c, const char *arg, void *data)
{
  (void)arg;
  if (c != 'f')
    return -1;
  *(bool *)data = true;
  return 0;
}

int
ocirt_cmd_delete (struct ocirt_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  bool force = false;
  int r = ocirt_simple_parse ("delete", usage, argc, argv, "+fh", opts, on_opt,
                              &force);

  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind != 1)
    {
      fprintf (stderr, "ocirt: delete: expected one container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  if (ocirt_container_delete (g->root, argv[optind], force, &err) < 0)
    {
      ocirt_error_wrap (&err, "delete");
      ocirt_log_error (&err);
      return 1;
    }
  return 0;
}
