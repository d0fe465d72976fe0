#include <config.h>

#include <stdio.h>

#include "cli.h"
#include "cmd-simple.h"
#include "container.h"
#include "log.h"

static const char usage[] = "Usage: ocirt start <container-id>\n"
                            "\n"
                            "Run the user process of a created container.\n";

int
ocirt_cmd_start (struct ocirt_global *g, int argc, char **argv)
{
  static const struct option opts[]
      = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  int r
      = ocirt_simple_parse ("start", usage, argc, argv, "+h", opts, NULL, NULL);

  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind != 1)
    {
      fprintf (stderr, "ocirt: start: expected one container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  if (ocirt_container_start (g->root, argv[optind], &err) < 0)
    {
      ocirt_error_wrap (&err, "start");
      ocirt_log_error (&err);
      return 1;
    }
  return 0;
}
