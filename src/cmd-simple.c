#include <config.h>

#include <stdio.h>

#include "cli.h"
#include "cmd-simple.h"

int
ocirt_simple_parse (const char *verb, const char *usage, int argc, char **argv,
                    const char *shortopts, const struct option *opts,
                    int (*on_opt) (int c, const char *arg, void *data),
                    void *data)
{
  int c;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long (argc, argv, shortopts, opts, NULL)) != -1)
    {
      if (c == 'h')
        {
          ocirt_usage_verb (usage, false);
          return 1;
        }
      if (c == '?' || c == ':' || on_opt == NULL
          || on_opt (c, optarg, data) < 0)
        {
          fprintf (stderr, "ocirt: %s: unknown or incomplete option \"%s\"\n\n",
                   verb, argv[optind - 1]);
          ocirt_usage_verb (usage, true);
          return -1;
        }
    }
  return 0;
}
