/* libFuzzer target for the command line: the global options and verb
   dispatch of main (built from src/main.c with cli-rename.h, so that no
   verb runs), the option parser of create and run, and signal names.
   The input is the argument list, NUL-separated.  Build and run with
   tests/fuzz/run.sh.  */
#include <config.h>

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli-rename.h"
#undef main
#undef linux
#include "cli.h"
#include "container.h"
#include "error.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int ocirt_fuzz_main (int argc, char **argv);
int ocirt_parse_create_opts (const char *verb, const char *usage_text, int argc,
                             char **argv, struct ocirt_create_opts *o,
                             bool *detach, bool *keep, bool run);
int fuzz_log_init (const char *path, bool json, bool debug, ocirt_error_t *err);

int
fuzz_log_init (const char *path, bool json, bool debug, ocirt_error_t *err)
{
  return 0;
}

static int
create_opts (int argc, char **argv, bool run)
{
  struct ocirt_create_opts o = { .root = "/nonexistent" };
  bool detach = false, keep = false;
  int r;

  r = ocirt_parse_create_opts (run ? "run" : "create", "usage\n", argc, argv,
                               &o, &detach, &keep, run);
  if (r < -1 || r > 1 || optind > argc)
    abort ();
  if (r == 0 && o.preserve_fds < 0)
    abort ();
  if (r == 0 && o.bundle && strlen (o.bundle) > 1 << 20)
    abort ();
  return r < 0 ? 1 : 0;
}

static int
check_verb_args (int argc, char **argv)
{
  if (argc < 1 || argv[argc] != NULL)
    abort ();
  for (int i = 0; i < argc; i++)
    (void)strlen (argv[i]);
  return 0;
}

int
fuzz_cmd_create (struct ocirt_global *g, int argc, char **argv)
{
  return create_opts (argc, argv, false);
}

int
fuzz_cmd_run (struct ocirt_global *g, int argc, char **argv)
{
  return create_opts (argc, argv, true);
}

int
fuzz_cmd_kill (struct ocirt_global *g, int argc, char **argv)
{
  int sig = ocirt_signal_parse (argv[argc - 1]);

  if (sig == 0 || sig < -1 || sig >= 65)
    abort ();
  return check_verb_args (argc, argv);
}

#define STUB(v)                                                                \
  int fuzz_cmd_##v (struct ocirt_global *g, int argc, char **argv);            \
  int fuzz_cmd_##v (struct ocirt_global *g, int argc, char **argv)             \
  {                                                                            \
    if (g->root == NULL || *g->root == '\0')                                   \
      abort ();                                                                \
    return check_verb_args (argc, argv);                                       \
  }

STUB (start)
STUB (state)
STUB (delete)
STUB (list)
STUB (exec)
STUB (init)
STUB (spec)
STUB (features)
STUB (unimplemented)
STUB (update)
STUB (pause)
STUB (resume)
STUB (ps)
STUB (events)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf = malloc (size + 1), *argv[MAX_ARGS + 2];
  int argc = 0;
  size_t off = 0;

  if (buf == NULL)
    return 0;
  memcpy (buf, data, size);
  buf[size] = '\0';
  argv[argc++] = (char *)"ocirt";
  while (off <= size && argc < MAX_ARGS + 1)
    {
      argv[argc++] = buf + off;
      off += strlen (buf + off) + 1;
    }
  argv[argc] = NULL;
  for (int i = 1; i < argc; i++)
    {
      int sig = ocirt_signal_parse (argv[i]);
      if (sig == 0 || sig < -1 || sig >= 65)
        abort ();
    }
  (void)ocirt_fuzz_main (argc, argv);
  free (buf);
  return 0;
}
