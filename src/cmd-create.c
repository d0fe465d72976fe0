#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "log.h"
#include "util.h"

static const char usage[]
    = "Usage: ocirt create [options] <container-id>\n"
      "\n"
      "Create a container from a bundle; its process waits for `start`.\n"
      "\n"
      "  -b, --bundle DIR         bundle directory (default: current)\n"
      "      --console-socket P   unix socket that receives the pty master\n"
      "      --pid-file FILE      write the init's pid to FILE\n"
      "      --preserve-fds N     pass fds 3 .. 3+N-1 to the process\n"
      "      --no-pivot           do not use pivot_root\n"
      "      --no-new-keyring     keep the caller's session keyring\n"
      "  -h, --help               print this help\n";

int ocirt_parse_create_opts (const char *verb, const char *usage_text, int argc,
                             char **argv, struct ocirt_create_opts *o,
                             bool *detach, bool *keep, bool run);

int
ocirt_parse_create_opts (const char *verb, const char *usage_text, int argc,
                         char **argv, struct ocirt_create_opts *o, bool *detach,
                         bool *keep, bool run)
{
  enum
  {
    OPT_CONSOLE = 256,
    OPT_PIDFILE,
    OPT_PRESERVE,
    OPT_NOPIVOT,
    OPT_NOKEYRING,
    OPT_KEEP,
    OPT_NOSUBREAPER,
  };
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "console-socket", required_argument, NULL, OPT_CONSOLE },
    { "pid-file", required_argument, NULL, OPT_PIDFILE },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
    { "no-pivot", no_argument, NULL, OPT_NOPIVOT },
    { "no-new-keyring", no_argument, NULL, OPT_NOKEYRING },
    { "detach", no_argument, NULL, 'd' },
    { "keep", no_argument, NULL, OPT_KEEP },
    { "no-subreaper", no_argument, NULL, OPT_NOSUBREAPER },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long (argc, argv, run ? "+b:dh" : "+b:h", opts, NULL))
         != -1)
    switch (c)
      {
      case 'b':
        o->bundle = optarg;
        break;
      case OPT_CONSOLE:
        o->console_socket = optarg;
        break;
      case OPT_PIDFILE:
        o->pid_file = optarg;
        break;
      case OPT_PRESERVE:
        if (ocirt_parse_int (optarg, &o->preserve_fds) < 0
            || o->preserve_fds < 0)
          {
            ocirt_log (OCIRT_LOG_ERROR,
                       "%s: --preserve-fds: invalid number \"%s\"", verb,
                       optarg);
            return -1;
          }
        break;
      case OPT_NOPIVOT:
        o->no_pivot = true;
        break;
      case OPT_NOKEYRING:
        o->no_new_keyring = true;
        break;
      case 'd':
        if (!run)
          goto bad;
        *detach = true;
        break;
      case OPT_KEEP:
        if (!run)
          goto bad;
        *keep = true;
        break;
      case OPT_NOSUBREAPER:
        break;
      case 'h':
        ocirt_usage_verb (usage_text, false);
        return 1;
      default:
      bad:
        fprintf (stderr, "ocirt: %s: unknown or incomplete option \"%s\"\n\n",
                 verb, argv[optind - 1]);
        ocirt_usage_verb (usage_text, true);
        return -1;
      }
  return 0;
}

int
ocirt_cmd_create (struct ocirt_global *g, int argc, char **argv)
{
  struct ocirt_create_opts o = { .root = g->root };
  cleanup_error ocirt_error_t err = { 0 };
  int r;

  r = ocirt_parse_create_opts ("create", usage, argc, argv, &o, NULL, NULL,
                               false);
  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind != 1)
    {
      fprintf (stderr, "ocirt: create: expected one container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  o.id = argv[optind];
  if (ocirt_container_create (&o, NULL, &err) < 0)
    {
      ocirt_error_wrap (&err, "create");
      ocirt_log_error (&err);
      return 1;
    }
  return 0;
}
