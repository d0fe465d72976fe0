/* ocirt: entry point, global options and verb dispatch.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "spec.h"
#include "util.h"

struct verb
{
  const char *name;
  ocirt_verb_fn fn;
  bool hidden;
};

static const struct verb verbs[] = {
  { "create", ocirt_cmd_create, false },
  { "start", ocirt_cmd_start, false },
  { "state", ocirt_cmd_state, false },
  { "kill", ocirt_cmd_kill, false },
  { "delete", ocirt_cmd_delete, false },
  { "run", ocirt_cmd_run, false },
  { "list", ocirt_cmd_list, false },
  { "exec", ocirt_cmd_exec, false },
  { "ps", ocirt_cmd_ps, false },
  { "pause", ocirt_cmd_pause, false },
  { "resume", ocirt_cmd_resume, false },
  { "update", ocirt_cmd_update, false },
  { "events", ocirt_cmd_events, false },
  { "checkpoint", ocirt_cmd_unimplemented, false },
  { "restore", ocirt_cmd_unimplemented, false },
  { "spec", ocirt_cmd_spec, false },
  { "features", ocirt_cmd_features, false },
  { "init", ocirt_cmd_init, true },
};

static const char usage_text[]
    = "Usage: ocirt [global options] COMMAND [command options] [arguments]\n"
      "\n"
      "An OCI runtime-spec " OCI_SPEC_VERSION " container runtime.\n"
      "\n"
      "Commands:\n"
      "  create    create a container from a bundle\n"
      "  start     run the user process of a created container\n"
      "  state     print the state of a container as JSON\n"
      "  kill      send a signal to the container's init\n"
      "  delete    delete a stopped container (--force: any)\n"
      "  run       create and start a container\n"
      "  list      list containers\n"
      "  exec      run a process in a running container\n"
      "  ps        list the processes of a container\n"
      "  pause     freeze every process of a container\n"
      "  resume    thaw a paused container\n"
      "  update    change the resources of a container\n"
      "  events    show resource statistics and events\n"
      "  spec      write a default config.json\n"
      "  features  print the features this build supports\n"
      "\n"
      "Global options:\n"
      "  --root DIR                state directory (default /run/ocirt)\n"
      "  --log FILE                also write messages to FILE\n"
      "  --log-format text|json    format of the --log file\n"
      "  --debug                   print debug messages\n"
      "  --systemd-cgroup          use the systemd cgroup driver\n"
      "  --rootless true|false|auto\n"
      "  -v, --version             print the version\n"
      "  -h, --help                print this help\n"
      "\n"
      "Run 'ocirt COMMAND --help' for the options of a command.\n";

void
ocirt_usage_verb (const char *usage, bool to_err)
{
  fputs (usage, to_err ? stderr : stdout);
}

static void
print_version (void)
{
  printf ("ocirt version %s\n"
          "commit: %s\n"
          "spec: %s\n"
          "features: %cseccomp %ccap %cselinux %csystemd\n",
          PACKAGE_VERSION, GIT_COMMIT, OCI_SPEC_VERSION,
#ifdef HAVE_SECCOMP
          '+',
#else
          '-',
#endif
#ifdef HAVE_LIBCAP
          '+',
#else
          '-',
#endif
#ifdef HAVE_SELINUX
          '+',
#else
          '-',
#endif
#ifdef HAVE_SYSTEMD
          '+'
#else
          '-'
#endif
  );
}

/* Match "--name", "--name=value" or "--name value".  Returns 1 and sets
   *value (and advances *i) on a match, 0 when no match, -1 when the
   value is missing.  */
static int
take_opt (const char *name, int argc, char **argv, int *i, const char **value)
{
  const char *a = argv[*i];
  size_t n = strlen (name);

  if (strncmp (a, name, n) != 0)
    return 0;
  if (a[n] == '=')
    {
      *value = a + n + 1;
      return 1;
    }
  if (a[n] != '\0')
    return 0;
  if (*i + 1 >= argc)
    return -1;
  *value = argv[++*i];
  return 1;
}

int
main (int argc, char **argv)
{
  struct ocirt_global g = { .root = "/run/ocirt", .rootless = "auto" };
  const char *log_format = "text";
  cleanup_error ocirt_error_t err = { 0 };
  int i;

  g.argv0 = argv[0];
  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      const char *a = argv[i], *v = NULL;
      int r;

      if (strcmp (a, "--debug") == 0)
        g.debug = true;
      else if (strcmp (a, "--systemd-cgroup") == 0)
        g.systemd_cgroup = true;
      else if (strcmp (a, "-v") == 0 || strcmp (a, "--version") == 0)
        {
          print_version ();
          return 0;
        }
      else if (strcmp (a, "-h") == 0 || strcmp (a, "--help") == 0)
        {
          fputs (usage_text, stdout);
          return 0;
        }
      else if ((r = take_opt ("--root", argc, argv, &i, &v)) != 0
               || (r = take_opt ("--log-format", argc, argv, &i, &v)) != 0
               || (r = take_opt ("--log", argc, argv, &i, &v)) != 0
               || (r = take_opt ("--rootless", argc, argv, &i, &v)) != 0
               || (r = take_opt ("--criu", argc, argv, &i, &v)) != 0)
        {
          if (r < 0)
            {
              fprintf (stderr, "ocirt: option %s needs a value\n", a);
              return 1;
            }
          if (strncmp (a, "--root", 6) == 0
              && strncmp (a, "--rootless", 10) != 0)
            g.root = v;
          else if (strncmp (a, "--log-format", 12) == 0)
            log_format = v;
          else if (strncmp (a, "--log", 5) == 0)
            g.log = v;
          else if (strncmp (a, "--rootless", 10) == 0)
            g.rootless = v;
        }
      else
        {
          fprintf (stderr, "ocirt: unknown global option \"%s\"\n\n%s", a,
                   usage_text);
          return 1;
        }
    }

  if (strcmp (log_format, "json") == 0)
    g.log_json = true;
  else if (strcmp (log_format, "text") != 0)
    {
      fprintf (stderr,
               "ocirt: --log-format: unknown format \"%s\" (text or json)\n",
               log_format);
      return 1;
    }
  if (strcmp (g.rootless, "true") != 0 && strcmp (g.rootless, "false") != 0
      && strcmp (g.rootless, "auto") != 0)
    {
      fprintf (stderr,
               "ocirt: --rootless: expected true, false or auto, got \"%s\"\n",
               g.rootless);
      return 1;
    }
  if (*g.root == '\0')
    {
      fprintf (stderr, "ocirt: --root: empty path\n");
      return 1;
    }

  if (i >= argc)
    {
      fputs (usage_text, stderr);
      return 1;
    }

  for (size_t v = 0; v < ARRAY_SIZE (verbs); v++)
    if (strcmp (argv[i], verbs[v].name) == 0)
      {
        if (ocirt_log_init (g.log, g.log_json, g.debug, &err) < 0)
          {
            ocirt_log_error (&err);
            return 1;
          }
        return verbs[v].fn (&g, argc - i, argv + i);
      }

  fprintf (stderr, "ocirt: unknown command \"%s\"\n\n%s", argv[i], usage_text);
  return 1;
}
