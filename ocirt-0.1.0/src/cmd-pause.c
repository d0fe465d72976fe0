/* ocirt pause / resume.  */
#include <config.h>

#include <stdio.h>

#include "cli.h"
#include "cmd-simple.h"
#include "container-cgroup.h"
#include "log.h"

static const char pause_usage[]
    = "Usage: ocirt pause <container-id>\n"
      "\n"
      "Freeze every process of a running container.\n";

static const char resume_usage[]
    = "Usage: ocirt resume <container-id>\n"
      "\n"
      "Thaw the processes of a paused container.\n";

static int
pause_or_resume (struct ocirt_global *g, int argc, char **argv, bool pause)
{
  static const struct option opts[]
      = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  const char *verb = pause ? "pause" : "resume";
  const char *usage = pause ? pause_usage : resume_usage;
  int r = ocirt_simple_parse (verb, usage, argc, argv, "+h", opts, NULL, NULL);

  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind != 1)
    {
      fprintf (stderr, "ocirt: %s: expected one container id\n\n", verb);
      ocirt_usage_verb (usage, true);
      return 1;
    }
  if (ocirt_container_pause (g->root, argv[optind], pause, &err) < 0)
    {
      ocirt_error_wrap (&err, "%s", verb);
      ocirt_log_error (&err);
      return 1;
    }
  return 0;
}

int
ocirt_cmd_pause (struct ocirt_global *g, int argc, char **argv)
{
  return pause_or_resume (g, argc, argv, true);
}

int
ocirt_cmd_resume (struct ocirt_global *g, int argc, char **argv)
{
  return pause_or_resume (g, argc, argv, false);
}
