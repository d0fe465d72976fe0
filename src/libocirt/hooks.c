/* ocirt: OCI hooks: run a program with the state on stdin, its output
   captured for the error message, killed at its timeout.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "hooks.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Keep this much of the hook's output (stdout and stderr merged).  */
#define TAIL_MAX 1024

typedef struct
{
  char buf[2 * TAIL_MAX];
  size_t len;
  bool truncated;
} output_tail;

static void
tail_add (output_tail *t, const char *p, size_t n)
{
  if (n >= TAIL_MAX)
    {
      p += n - TAIL_MAX;
      n = TAIL_MAX;
      t->len = 0;
      t->truncated = true;
    }
  if (t->len + n > sizeof t->buf)
    {
      size_t drop = t->len + n - TAIL_MAX;
      memmove (t->buf, t->buf + drop, t->len - drop);
      t->len -= drop;
      t->truncated = true;
    }
  memcpy (t->buf + t->len, p, n);
  t->len += n;
}

/* The last TAIL_MAX bytes, trailing whitespace removed; "" when none.  */
static char *
tail_text (const output_tail *t)
{
  size_t start = t->len > TAIL_MAX ? t->len - TAIL_MAX : 0;
  size_t end = t->len;
  char *out;

  while (end > start && strchr (" \t\r\n", t->buf[end - 1]))
    end--;
  if (end == start)
    return xstrdup ("");
  xasprintf (&out, "%s%.*s", t->truncated || start > 0 ? "..." : "",
             (int)(end - start), t->buf + start);
  return out;
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child, between fork and exec: async-signal-safe calls only.  */
static void __attribute__ ((noreturn))
child_exec (const char *path, char **argv, char **envp, int in_r, int out_w,
            int err_w)
{
  sigset_t none;
  int e;

  sigemptyset (&none);
  for (int sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);
  sigprocmask (SIG_SETMASK, &none, NULL);

  /* Move the pipes out of 0-2 first so the dup2s below cannot clobber
     them (and always clear FD_CLOEXEC on 0-2).  */
  in_r = fcntl (in_r, F_DUPFD_CLOEXEC, 3);
  out_w = fcntl (out_w, F_DUPFD_CLOEXEC, 3);
  if (in_r < 0 || out_w < 0 || dup2 (in_r, 0) < 0 || dup2 (out_w, 1) < 0
      || dup2 (out_w, 2) < 0)
    goto fail;
  if (syscall (SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    {
      long max = sysconf (_SC_OPEN_MAX);
      for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
        if (fd != err_w)
          fcntl (fd, F_SETFD, FD_CLOEXEC);
    }
  execve (path, argv, envp);
fail:
  e = errno;
  (void)!write (err_w, &e, sizeof e);
  _exit (127);
}

typedef struct
{
  pid_t pid;
  int pidfd;
  int in_w;  /* state JSON to the hook's stdin, -1 when done */
  int out_r; /* the hook's stdout+stderr, -1 at EOF */
  const char *state;
  size_t state_len, state_off;
  output_tail tail;
  int status;
  bool exited;
} hook_run;

static void
feed_stdin (hook_run *r)
{
  ssize_t w
      = write (r->in_w, r->state + r->state_off, r->state_len - r->state_off);

  if (w < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (w > 0)
    r->state_off += (size_t)w;
  /* EPIPE and other errors: the hook does not read its stdin.  */
  if (w < 0 || r->state_off == r->state_len)
    {
      close (r->in_w);
      r->in_w = -1;
    }
}

static void
read_output (hook_run *r)
{
  char buf[4096];

  for (;;)
    {
      ssize_t n = read (r->out_r, buf, sizeof buf);
      if (n > 0)
        {
          tail_add (&r->tail, buf, (size_t)n);
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0 || errno != EAGAIN)
        {
          close (r->out_r);
          r->out_r = -1;
        }
      return;
    }
}

static void
check_exit (hook_run *r)
{
  pid_t p;

  do
    p = waitpid (r->pid, &r->status, WNOHANG);
  while (p < 0 && errno == EINTR);
  if (p == r->pid || (p < 0 && errno == ECHILD))
    r->exited = true;
}

/* Drive the hook until it exits or the deadline (-1: none) passes.
   Returns false on timeout (the hook is then killed and reaped).  */
static bool
supervise (hook_run *r, long long deadline)
{
  while (!r->exited)
    {
      struct pollfd fds[3];
      nfds_t n = 0;
      int timeout = -1;

      if (r->in_w >= 0)
        fds[n++] = (struct pollfd){ .fd = r->in_w, .events = POLLOUT };
      if (r->out_r >= 0)
        fds[n++] = (struct pollfd){ .fd = r->out_r, .events = POLLIN };
      if (r->pidfd >= 0)
        fds[n++] = (struct pollfd){ .fd = r->pidfd, .events = POLLIN };
      else
        timeout = 20;
      if (deadline >= 0)
        {
          long long left = deadline - now_ms ();
          if (left <= 0)
            {
              kill (r->pid, SIGKILL);
              while (waitpid (r->pid, &r->status, 0) < 0 && errno == EINTR)
                ;
              return false;
            }
          if (timeout < 0 || left < timeout)
            timeout = (int)left;
        }
      if (poll (fds, n, timeout) < 0)
        continue; /* EINTR; other errors cannot happen with valid fds */
      for (nfds_t i = 0; i < n; i++)
        {
          if (fds[i].revents == 0)
            continue;
          if (fds[i].fd == r->in_w)
            feed_stdin (r);
          else if (fds[i].fd == r->out_r)
            read_output (r);
        }
      check_exit (r);
    }
  /* Whatever the hook wrote before exiting; do not wait for EOF, a
     daemon it started may hold the pipe open.  */
  if (r->out_r >= 0)
    read_output (r);
  return true;
}

static char **
make_vector (char **items, size_t n, const char *fallback)
{
  char **v = xcalloc (n + 2, sizeof (char *));

  for (size_t i = 0; i < n; i++)
    v[i] = items[i];
  if (n == 0 && fallback)
    v[0] = (char *)fallback;
  return v;
}

static int
hook_failed (const char *kind, size_t idx, const oci_hook *h, hook_run *r,
             bool timed_out, ocirt_error_t *err)
{
  cleanup_free char *tail = tail_text (&r->tail);
  cleanup_free char *what = NULL;
  const char *sep = *tail ? ": " : "";

  if (timed_out)
    xasprintf (&what, "timed out after %d s", (int)h->timeout);
  else if (WIFEXITED (r->status))
    {
      if (WEXITSTATUS (r->status) == 0)
        return 0;
      xasprintf (&what, "exit status %d", WEXITSTATUS (r->status));
    }
  else if (WIFSIGNALED (r->status))
    xasprintf (&what, "killed by signal %d", WTERMSIG (r->status));
  else
    xasprintf (&what, "wait status 0x%x", (unsigned)r->status);
  return ocirt_error_set (err, 0, "%s hook #%zu (\"%s\"): %s%s%s", kind, idx,
                          h->path, what, sep, tail);
}

static int
spawn (const oci_hook *h, int in_r, int out_w, int err_w, pid_t *pid)
{
  cleanup_free char **argv = make_vector (h->args, h->args_len, h->path);
  cleanup_free char **envp = make_vector (h->env, h->env_len, NULL);

  *pid = fork ();
  if (*pid < 0)
    return -errno;
  if (*pid == 0)
    child_exec (h->path, argv, envp, in_r, out_w, err_w);
  return 0;
}

static int
run_one (const char *kind, size_t idx, const oci_hook *h, const char *state,
         ocirt_error_t *err)
{
  int in[2] = { -1, -1 }, out[2] = { -1, -1 }, ex[2] = { -1, -1 };
  hook_run r = { .pidfd = -1, .in_w = -1, .out_r = -1 };
  int exec_errno = 0, ret = -1, e;
  bool finished;

  if (pipe2 (in, O_CLOEXEC) < 0 || pipe2 (out, O_CLOEXEC) < 0
      || pipe2 (ex, O_CLOEXEC) < 0)
    {
      ocirt_error_errno (err, "%s hook #%zu (\"%s\"): pipe", kind, idx,
                         h->path);
      goto out;
    }
  e = spawn (h, in[0], out[1], ex[1], &r.pid);
  if (e < 0)
    {
      ocirt_error_set (err, -e, "%s hook #%zu (\"%s\"): fork", kind, idx,
                       h->path);
      goto out;
    }
  close (in[0]), close (out[1]), close (ex[1]);
  in[0] = out[1] = ex[1] = -1;

  r.in_w = steal_fd (&in[1]);
  r.out_r = steal_fd (&out[0]);
  r.state = state ? state : "";
  r.state_len = strlen (r.state);
  fcntl (r.in_w, F_SETFL, O_NONBLOCK);
  fcntl (r.out_r, F_SETFL, O_NONBLOCK);
  if (r.state_len == 0)
    {
      close (r.in_w);
      r.in_w = -1;
    }
  r.pidfd = ocirt_pidfd_open (r.pid);

  finished = supervise (&r, h->has_timeout && h->timeout > 0
                                ? now_ms () + (long long)h->timeout * 1000
                                : -1);
  if (ocirt_read_all (ex[0], &exec_errno, sizeof exec_errno)
      == (ssize_t)sizeof exec_errno)
    ret = ocirt_error_set (err, exec_errno, "%s hook #%zu (\"%s\"): exec", kind,
                           idx, h->path);
  else
    ret = hook_failed (kind, idx, h, &r, !finished, err);

out:
  for (int i = 0; i < 2; i++)
    {
      ocirt_closep (&in[i]);
      ocirt_closep (&out[i]);
      ocirt_closep (&ex[i]);
    }
  ocirt_closep (&r.in_w);
  ocirt_closep (&r.out_r);
  ocirt_closep (&r.pidfd);
  return ret;
}

/* A hook that closes its stdin early must not kill us with SIGPIPE:
   block it while hooks run and drop one raised meanwhile.  */
static void
sigpipe_block (sigset_t *old, bool *was_pending)
{
  sigset_t set, pending;

  sigemptyset (&set);
  sigaddset (&set, SIGPIPE);
  sigprocmask (SIG_BLOCK, &set, old);
  sigpending (&pending);
  *was_pending = sigismember (&pending, SIGPIPE);
}

static void
sigpipe_restore (const sigset_t *old, bool was_pending)
{
  sigset_t set, pending;
  struct timespec zero = { 0, 0 };

  sigemptyset (&set);
  sigaddset (&set, SIGPIPE);
  sigpending (&pending);
  if (!was_pending && sigismember (&pending, SIGPIPE))
    while (sigtimedwait (&set, NULL, &zero) < 0 && errno == EINTR)
      ;
  sigprocmask (SIG_SETMASK, old, NULL);
}

int
ocirt_hooks_run (const char *kind, const oci_hook *hooks, size_t n,
                 const char *state_json, ocirt_error_t *err)
{
  sigset_t old;
  bool pending;
  int ret = 0;

  sigpipe_block (&old, &pending);
  for (size_t i = 0; i < n && ret == 0; i++)
    ret = run_one (kind, i, &hooks[i], state_json, err);
  sigpipe_restore (&old, pending);
  return ret;
}

int
ocirt_hooks_run_all (const char *kind, const oci_hook *hooks, size_t n,
                     const char *state_json, char ***warnings)
{
  char **msgs = NULL;
  size_t failed = 0;
  sigset_t old;
  bool pending;

  sigpipe_block (&old, &pending);
  for (size_t i = 0; i < n; i++)
    {
      ocirt_error_t err = { 0 };

      if (run_one (kind, i, &hooks[i], state_json, &err) < 0)
        {
          msgs = xrealloc (msgs, (failed + 2) * sizeof (char *));
          msgs[failed++] = ocirt_error_text (&err);
          msgs[failed] = NULL;
        }
      ocirt_error_release (&err);
    }
  sigpipe_restore (&old, pending);
  if (warnings)
    *warnings = msgs;
  else
    ocirt_strv_free (msgs);
  return (int)failed;
}
