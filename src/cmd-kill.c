#include <config.h>

#include <stdio.h>

#include "cli.h"
#include "cmd-simple.h"
#include "container.h"
#include "log.h"

static const char usage[]
    = "Usage: ocirt kill [options] <container-id> [SIGNAL]\n"
      "\n"
      "Send SIGNAL (name or number, default TERM) to the container's init.\n"
      "\n"
      "  -a, --all    signal every process of the container\n";

static int
on_opt (int c, const char *arg, void *data)
{
  (void)arg;
  if (c != 'a')
    return -1;
  *(bool *)data = true;
  return 0;
}

int
ocirt_cmd_kill (struct ocirt_global *g, int argc, char **argv)
{
  static const struct option opts[] = { { "all", no_argument, NULL, 'a' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  bool all = false;
  int sig = 15;
  int r = ocirt_simple_parse ("kill", usage, argc, argv, "+ah", opts, on_opt,
                              &all);

  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind < 1 || argc - optind > 2)
    {
      fprintf (stderr, "ocirt: kill: expected a container id and an optional "
                       "signal\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  if (argc - optind == 2)
    {
      sig = ocirt_signal_parse (argv[optind + 1]);
      if (sig < 0)
        {
          ocirt_log (OCIRT_LOG_ERROR, "kill: unknown signal \"%s\"",
                     argv[optind + 1]);
          return 1;
        }
    }
  if (ocirt_container_kill (g->root, argv[optind], sig, all, &err) < 0)
    {
      ocirt_error_wrap (&err, "kill");
      ocirt_log_error (&err);
      return 1;
    }
  return 0;
}
