#include <config.h>

#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>

#include "cli.h"
#include "container.h"
#include "log.h"
#include "supervise.h"
#include "terminal.h"
#include "util.h"

static const char usage[]
    = "Usage: ocirt run [options] <container-id | bundle/>\n"
      "\n"
      "Create and start a container.  In the foreground it passes signals\n"
      "to the container, exits with its status and deletes it.  An argument\n"
      "with a '/' names a bundle; the id is then made from its name.\n"
      "\n"
      "  -b, --bundle DIR         bundle directory (default: current)\n"
      "  -d, --detach             return once the container runs\n"
      "      --keep               do not delete the container when it exits\n"
      "      --console-socket P   unix socket that receives the pty master\n"
      "      --pid-file FILE      write the init's pid to FILE\n"
      "      --preserve-fds N     pass fds 3 .. 3+N-1 to the process\n"
      "      --no-pivot           do not use pivot_root\n"
      "      --no-new-keyring     keep the caller's session keyring\n"
      "  -h, --help               print this help\n";

int ocirt_parse_create_opts (const char *verb, const char *usage_text, int argc,
                             char **argv, struct ocirt_create_opts *o,
                             bool *detach, bool *keep, bool run);

/* "bundle/" form: id from the folder name plus a short random suffix.  */
static char *
id_from_bundle (const char *arg)
{
  cleanup_free char *copy = xstrdup (arg);
  unsigned char rnd[3] = { 0 };
  char *base, *id;
  size_t n = strlen (copy);

  while (n > 1 && copy[n - 1] == '/')
    copy[--n] = '\0';
  base = basename (copy);
  if (getrandom (rnd, sizeof rnd, 0) < 0)
    {
      unsigned v = (unsigned)getpid ();
      memcpy (rnd, &v, sizeof rnd);
    }
  xasprintf (&id, "%s-%02x%02x%02x", *base && strcmp (base, "/") ? base : "ctr",
             rnd[0], rnd[1], rnd[2]);
  for (char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
          || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '+'
          || *p == '-'))
      *p = '_';
  return id;
}

int
ocirt_cmd_run (struct ocirt_global *g, int argc, char **argv)
{
  struct ocirt_create_opts o = { .root = g->root };
  struct ocirt_created cr = { .pid = 0, .pidfd = -1, .master = -1 };
  cleanup_error ocirt_error_t err = { 0 };
  cleanup_free char *gen_id = NULL;
  cleanup_close int sfd = -1;
  bool detach = false, keep = false, raw = false;
  struct termios saved;
  int r, status;

  r = ocirt_parse_create_opts ("run", usage, argc, argv, &o, &detach, &keep,
                               true);
  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind != 1)
    {
      fprintf (stderr, "ocirt: run: expected one container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  o.id = argv[optind];
  if (strchr (o.id, '/'))
    {
      if (o.bundle)
        {
          ocirt_log (OCIRT_LOG_ERROR,
                     "run: \"%s\" names a bundle and --bundle is given too",
                     o.id);
          return 1;
        }
      o.bundle = o.id;
      o.id = gen_id = id_from_bundle (o.bundle);
      ocirt_debug ("run: container id \"%s\"", o.id);
    }
  o.keep_pty = !detach;

  /* Signals wait in the queue from here; the init resets its mask.  */
  if (!detach)
    sfd = ocirt_supervise_signals ();

  if (ocirt_container_create (&o, detach ? NULL : &cr, &err) < 0)
    {
      ocirt_error_wrap (&err, "run");
      ocirt_log_error (&err);
      return 1;
    }
  if (ocirt_container_start (o.root, o.id, &err) < 0)
    {
      cleanup_error ocirt_error_t ignored = { 0 };
      ocirt_error_wrap (&err, "run");
      ocirt_log_error (&err);
      ocirt_container_delete (o.root, o.id, true, &ignored);
      if (cr.master >= 0)
        close (cr.master);
      return 1;
    }
  if (detach)
    return 0;

  if (cr.master >= 0 && isatty (0))
    {
      ocirt_tty_copy_size (0, cr.master);
      raw = ocirt_tty_set_raw (0, &saved, &err) == 0;
      ocirt_error_release (&err);
    }
  status = ocirt_supervise (cr.pid, cr.master, sfd);
  if (raw)
    ocirt_tty_restore (0, &saved);
  if (cr.master >= 0)
    close (cr.master);
  if (cr.pidfd >= 0)
    close (cr.pidfd);
  if (!keep && ocirt_container_delete (o.root, o.id, true, &err) < 0)
    {
      ocirt_error_wrap (&err, "run");
      ocirt_log_error (&err);
    }
  return status;
}
