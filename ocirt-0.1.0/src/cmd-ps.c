/* ocirt ps: the processes of a container, as a JSON array of host pids
   or as the lines of the host's ps(1) that belong to the container.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "cmd-simple.h"
#include "container-cgroup.h"
#include "log.h"
#include "util.h"

static const char usage[]
    = "Usage: ocirt ps [options] <container-id> [ps options]\n"
      "\n"
      "List the processes of a container.  The table runs ps(1) with the\n"
      "given options (default -ef) and keeps the container's lines.\n"
      "\n"
      "  -f, --format table|json   output format (default table)\n";

static int
on_opt (int c, const char *arg, void *data)
{
  if (c != 'f')
    return -1;
  *(const char **)data = arg;
  return 0;
}

static bool
has_pid (const pid_t *pids, size_t n, long pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Column of "PID" in ps's header, -1 when missing.  */
static int
pid_column (const char *header)
{
  cleanup_free char *copy = xstrdup (header);
  char *save = NULL;
  int col = 0;

  for (char *t = strtok_r (copy, " \t\n", &save); t;
       t = strtok_r (NULL, " \t\n", &save), col++)
    if (strcmp (t, "PID") == 0)
      return col;
  return -1;
}

static bool
line_pid (const char *line, int col, long *pid)
{
  cleanup_free char *copy = xstrdup (line);
  char *save = NULL, *t = strtok_r (copy, " \t\n", &save);
  int p;

  for (int i = 0; t && i < col; i++)
    t = strtok_r (NULL, " \t\n", &save);
  if (t == NULL || ocirt_parse_int (t, &p) < 0)
    return false;
  *pid = p;
  return true;
}

static FILE *
run_ps (char **args, int nargs, pid_t *child)
{
  char **argv = xcalloc ((size_t)nargs + 3, sizeof (char *));
  int fds[2];
  FILE *f;

  argv[0] = (char *)"ps";
  if (nargs == 0)
    argv[1] = (char *)"-ef";
  for (int i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    {
      free (argv);
      return NULL;
    }
  *child = fork ();
  if (*child == 0)
    {
      dup2 (fds[1], 1);
      execvp ("ps", argv);
      _exit (127);
    }
  free (argv);
  close (fds[1]);
  if (*child < 0)
    {
      close (fds[0]);
      return NULL;
    }
  f = fdopen (fds[0], "r");
  if (f == NULL)
    close (fds[0]);
  return f;
}

static int
print_table (const pid_t *pids, size_t n, char **args, int nargs)
{
  cleanup_free char *line = NULL;
  size_t cap = 0;
  int col = -1, status = 0;
  bool header = true;
  pid_t child;
  FILE *f = run_ps (args, nargs, &child);

  if (f == NULL)
    {
      ocirt_log (OCIRT_LOG_ERROR, "ps: run ps: %s", strerror (errno));
      return 1;
    }
  while (getline (&line, &cap, f) > 0)
    {
      long pid;

      if (header)
        {
          header = false;
          col = pid_column (line);
          fputs (line, stdout);
          continue;
        }
      if (col >= 0 && line_pid (line, col, &pid) && has_pid (pids, n, pid))
        fputs (line, stdout);
    }
  fclose (f);
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  if (col < 0)
    {
      ocirt_log (OCIRT_LOG_ERROR, "ps: no PID column in the output of ps");
      return 1;
    }
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : 1;
}

int
ocirt_cmd_ps (struct ocirt_global *g, int argc, char **argv)
{
  static const struct option opts[]
      = { { "format", required_argument, NULL, 'f' },
          { "help", no_argument, NULL, 'h' },
          { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  const char *format = "table";
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  int r = ocirt_simple_parse ("ps", usage, argc, argv, "+f:h", opts, on_opt,
                              &format);

  if (r != 0)
    return r < 0 ? 1 : 0;
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    {
      ocirt_log (OCIRT_LOG_ERROR, "ps: invalid format \"%s\" (table or json)",
                 format);
      return 1;
    }
  if (argc - optind < 1)
    {
      fprintf (stderr, "ocirt: ps: expected a container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  if (ocirt_container_pids (g->root, argv[optind], &pids, &n, &err) < 0)
    {
      ocirt_error_wrap (&err, "ps");
      ocirt_log_error (&err);
      return 1;
    }
  if (strcmp (format, "json") == 0)
    {
      if (argc - optind > 1)
        {
          ocirt_log (OCIRT_LOG_ERROR,
                     "ps: ps options cannot be used with --format json");
          return 1;
        }
      putchar ('[');
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int)pids[i]);
      puts ("]");
      return 0;
    }
  fflush (stdout);
  return print_table (pids, n, argv + optind + 1, argc - optind - 1);
}
