#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container-exec.h"
#include "log.h"
#include "util.h"

static const char usage[]
    = "Usage: ocirt exec [options] <container-id> <command> [args...]\n"
      "       ocirt exec [options] -p process.json <container-id>\n"
      "\n"
      "Run another process in a running container.\n"
      "\n"
      "  -p, --process FILE        OCI process JSON (\"-\": stdin)\n"
      "      --console-socket P    unix socket that receives the pty master\n"
      "  -t, --tty                 allocate a pseudo-terminal\n"
      "      --cwd DIR             working directory\n"
      "  -e, --env K=V             set an environment variable (repeat)\n"
      "  -u, --user UID[:GID]      numeric user and group (default: the\n"
      "                            container's)\n"
      "  -g, --additional-gids G   add a supplementary group (repeat)\n"
      "  -c, --cap CAP             add a capability (repeat)\n"
      "      --no-new-privs        set no_new_privs\n"
      "      --apparmor PROFILE    AppArmor profile\n"
      "      --process-label L     SELinux label\n"
      "  -d, --detach              return once the process runs\n"
      "      --pid-file FILE       write the process's pid to FILE\n"
      "      --preserve-fds N      pass fds 3 .. 3+N-1\n"
      "      --cgroup [CTRL[,CTRL]:]PATH\n"
      "                            run in an existing sub-cgroup of the\n"
      "                            container's cgroup (repeat; CTRL: only\n"
      "                            that cgroup v1 hierarchy)\n"
      "      --ignore-paused       allow exec into a paused container\n"
      "  -h, --help                print this help\n";

static int
parse_user (const char *s, struct ocirt_exec_opts *o)
{
  cleanup_free char *copy = xstrdup (s);
  char *colon = strchr (copy, ':');

  if (colon)
    *colon = '\0';
  if (ocirt_parse_uint32 (copy, &o->uid) < 0)
    return -1;
  if (colon && ocirt_parse_uint32 (colon + 1, &o->gid) < 0)
    return -1;
  o->has_uid = true;
  o->has_gid = colon != NULL;
  return 0;
}

static void
push (char ***v, size_t *n, const char *s)
{
  *v = xrealloc (*v, (*n + 2) * sizeof (char *));
  (*v)[(*n)++] = (char *)s;
  (*v)[*n] = NULL;
}

int
ocirt_cmd_exec (struct ocirt_global *g, int argc, char **argv)
{
  enum
  {
    OPT_CONSOLE = 256,
    OPT_CWD,
    OPT_NNP,
    OPT_APPARMOR,
    OPT_LABEL,
    OPT_PIDFILE,
    OPT_PRESERVE,
    OPT_CGROUP,
    OPT_IGNORE_PAUSED,
  };
  static const struct option opts[] = {
    { "process", required_argument, NULL, 'p' },
    { "console-socket", required_argument, NULL, OPT_CONSOLE },
    { "tty", no_argument, NULL, 't' },
    { "cwd", required_argument, NULL, OPT_CWD },
    { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },
    { "additional-gids", required_argument, NULL, 'g' },
    { "cap", required_argument, NULL, 'c' },
    { "no-new-privs", no_argument, NULL, OPT_NNP },
    { "apparmor", required_argument, NULL, OPT_APPARMOR },
    { "process-label", required_argument, NULL, OPT_LABEL },
    { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, OPT_PIDFILE },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
    { "cgroup", required_argument, NULL, OPT_CGROUP },
    { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct ocirt_exec_opts o = { .root = g->root };
  cleanup_error ocirt_error_t err = { 0 };
  cleanup_free char **env = NULL, **caps = NULL, **cgroups = NULL;
  cleanup_free uint32_t *gids = NULL;
  int c, status = 0;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+p:te:u:g:c:dh", opts, NULL)) != -1)
    switch (c)
      {
      case 'p':
        o.process_file = optarg;
        break;
      case OPT_CONSOLE:
        o.console_socket = optarg;
        break;
      case 't':
        o.tty = true;
        break;
      case OPT_CWD:
        o.cwd = optarg;
        break;
      case 'e':
        push (&env, &o.env_len, optarg);
        break;
      case 'u':
        if (parse_user (optarg, &o) < 0)
          {
            ocirt_log (OCIRT_LOG_ERROR,
                       "exec: --user: \"%s\" is not UID[:GID] with numbers",
                       optarg);
            return 1;
          }
        break;
      case 'g':
        {
          uint32_t gid;
          if (ocirt_parse_uint32 (optarg, &gid) < 0)
            {
              ocirt_log (OCIRT_LOG_ERROR,
                         "exec: --additional-gids: \"%s\" is not a number",
                         optarg);
              return 1;
            }
          gids = xrealloc (gids, (o.gids_len + 1) * sizeof (uint32_t));
          gids[o.gids_len++] = gid;
          break;
        }
      case 'c':
        push (&caps, &o.caps_len, optarg);
        break;
      case OPT_NNP:
        o.no_new_privs = true;
        break;
      case OPT_APPARMOR:
        o.apparmor = optarg;
        break;
      case OPT_LABEL:
        o.label = optarg;
        break;
      case 'd':
        o.detach = true;
        break;
      case OPT_PIDFILE:
        o.pid_file = optarg;
        break;
      case OPT_PRESERVE:
        if (ocirt_parse_int (optarg, &o.preserve_fds) < 0 || o.preserve_fds < 0)
          {
            ocirt_log (OCIRT_LOG_ERROR,
                       "exec: --preserve-fds: invalid number \"%s\"", optarg);
            return 1;
          }
        break;
      case OPT_CGROUP:
        push (&cgroups, &o.cgroups_len, optarg);
        break;
      case OPT_IGNORE_PAUSED:
        o.ignore_paused = true;
        break;
      case 'h':
        ocirt_usage_verb (usage, false);
        return 0;
      default:
        fprintf (stderr, "ocirt: exec: unknown or incomplete option \"%s\"\n\n",
                 argv[optind - 1]);
        ocirt_usage_verb (usage, true);
        return 1;
      }
  if (optind >= argc)
    {
      fprintf (stderr, "ocirt: exec: expected a container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  o.id = argv[optind++];
  if (o.process_file == NULL && optind >= argc)
    {
      fprintf (stderr, "ocirt: exec: expected a command or --process\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  o.args = argv + optind;
  o.args_len = (size_t)(argc - optind);
  o.env = env;
  o.gids = gids;
  o.caps = caps;
  o.cgroups = cgroups;
  if (ocirt_container_exec (&o, &status, &err) < 0)
    {
      ocirt_error_wrap (&err, "exec");
      ocirt_log_error (&err);
      return 1;
    }
  return status;
}
