#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-simple.h"
#include "container.h"
#include "log.h"

static const char usage[] = "Usage: ocirt state <container-id>\n"
                            "\n"
                            "Print the state of a container as JSON.\n";

int
ocirt_cmd_state (struct ocirt_global *g, int argc, char **argv)
{
  static const struct option opts[]
      = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  char *json = NULL;
  int r
      = ocirt_simple_parse ("state", usage, argc, argv, "+h", opts, NULL, NULL);

  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind != 1)
    {
      fprintf (stderr, "ocirt: state: expected one container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  if (ocirt_container_state (g->root, argv[optind], &json, &err) < 0)
    {
      ocirt_error_wrap (&err, "state");
      ocirt_log_error (&err);
      return 1;
    }
  fputs (json, stdout);
  if (*json == '\0' || json[strlen (json) - 1] != '\n')
    fputc ('\n', stdout);
  free (json);
  return 0;
}
