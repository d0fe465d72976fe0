/* ocirt: exec.  The new process is a fork of this one: it joins the
   container's cgroup before it runs any code, then every namespace of the
   container's init, and applies the process attributes like the init
   does.  See docs/design.md for why there is no re-exec here.  */
#include <config.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>

#include "cgroup.h"
#include "container-exec.h"
#include "container.h"
#include "log.h"
#include "lsm.h"
#include "seccomp-cache.h"
#include "seccomp.h"
#include "selfexe.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#define PROCESS_MAX (4 * 1024 * 1024)

static char **
strv_dup_n (char **v, size_t n)
{
  char **out = xcalloc (n + 1, sizeof (char *));
  for (size_t i = 0; i < n; i++)
    out[i] = xstrdup (v[i]);
  return out;
}

static void
strv_free_n (char **v, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    free (v[i]);
  free (v);
}

/* -e K=V replaces K or is appended.  */
static void
merge_env (oci_process *p, char **env, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      const char *eq = strchr (env[i], '=');
      size_t klen = eq ? (size_t) (eq - env[i]) : strlen (env[i]);
      bool replaced = false;

      for (size_t j = 0; j < p->env_len; j++)
        if (strncmp (p->env[j], env[i], klen) == 0 && p->env[j][klen] == '=')
          {
            free (p->env[j]);
            p->env[j] = xstrdup (env[i]);
            replaced = true;
            break;
          }
      if (!replaced)
        {
          p->env = xrealloc (p->env, (p->env_len + 2) * sizeof (char *));
          p->env[p->env_len++] = xstrdup (env[i]);
          p->env[p->env_len] = NULL;
        }
    }
}

static void
add_caps (char ***set, size_t *len, char **caps, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      bool have = false;
      for (size_t j = 0; j < *len; j++)
        if (strcasecmp ((*set)[j], caps[i]) == 0)
          have = true;
      if (have)
        continue;
      *set = xrealloc (*set, (*len + 2) * sizeof (char *));
      (*set)[(*len)++] = xstrdup (caps[i]);
      (*set)[*len] = NULL;
    }
}

static int
build_process (const struct ocirt_exec_opts *o, oci_spec *spec,
               ocirt_error_t *err)
{
  oci_process *p;

  if (o->process_file)
    {
      cleanup_free char *buf = NULL, *perr = NULL;
      size_t len = 0;
      int r;

      if (strcmp (o->process_file, "-") == 0)
        r = ocirt_read_fd (0, PROCESS_MAX, &buf, &len);
      else
        r = ocirt_read_file_at (-1, o->process_file, PROCESS_MAX, &buf, &len);
      if (r < 0)
        return ocirt_error_set (err, -r, "read process file \"%s\"",
                                o->process_file);
      p = oci_process_parse (buf, len, &perr);
      if (p == NULL)
        return ocirt_error_set (err, 0, "%s: %s", o->process_file, perr);
      if (p->args_len == 0)
        {
          oci_process_free (p);
          return ocirt_error_set (err, 0, "%s: args: must contain at least "
                                  "one entry", o->process_file);
        }
      if (p->cwd == NULL)
        p->cwd = xstrdup (spec->process && spec->process->cwd
                              ? spec->process->cwd
                              : "/");
      oci_process_free (spec->process);
      spec->process = p;
      return 0;
    }

  p = spec->process;
  if (p == NULL)
    return ocirt_error_set (err, 0, "the container has no process to derive "
                            "from");
  strv_free_n (p->args, p->args_len);
  p->args = strv_dup_n (o->args, o->args_len);
  p->args_len = o->args_len;
  p->terminal = o->tty;
  if (o->cwd)
    {
      free (p->cwd);
      p->cwd = xstrdup (o->cwd);
    }
  merge_env (p, o->env, o->env_len);
  if (o->has_user)
    {
      p->user.uid = o->uid;
      p->user.gid = o->gid;
    }
  if (o->gids_len)
    {
      free (p->user.additional_gids);
      p->user.additional_gids = xcalloc (o->gids_len, sizeof (uint32_t));
      memcpy (p->user.additional_gids, o->gids, o->gids_len * sizeof (uint32_t));
      p->user.additional_gids_len = o->gids_len;
    }
  if (o->caps_len)
    {
      if (p->capabilities == NULL)
        p->capabilities = xzalloc (sizeof *p->capabilities);
      oci_capabilities *c = p->capabilities;
      add_caps (&c->bounding, &c->bounding_len, o->caps, o->caps_len);
      add_caps (&c->effective, &c->effective_len, o->caps, o->caps_len);
      add_caps (&c->permitted, &c->permitted_len, o->caps, o->caps_len);
      c->has_bounding = c->has_effective = c->has_permitted = true;
    }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->apparmor)
    {
      free (p->apparmor_profile);
      p->apparmor_profile = xstrdup (o->apparmor);
    }
  if (o->label)
    {
      free (p->selinux_label);
      p->selinux_label = xstrdup (o->label);
    }
  return 0;
}

/* Every namespace of the config, joined through the init's /proc.  */
static void
join_paths (oci_spec *spec, int pid)
{
  oci_linux *l = spec->linux;
  static const char *const proc_names[OCI_NS_COUNT] = {
    [OCI_NS_PID] = "pid",   [OCI_NS_NETWORK] = "net",
    [OCI_NS_MOUNT] = "mnt", [OCI_NS_IPC] = "ipc",
    [OCI_NS_UTS] = "uts",   [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
  };

  for (size_t i = 0; i < l->namespaces_len; i++)
    {
      oci_namespace *ns = &l->namespaces[i];
      free (ns->path);
      xasprintf (&ns->path, "/proc/%d/ns/%s", pid, proc_names[ns->type]);
    }
}

/* Privileged containers (no user namespace, CAP_SYS_PTRACE kept) could
   reach /proc/<pid>/exe of the joining process: they get a sealed copy of
   the runtime, everyone else a plain fork.  */
static bool
needs_sealed_copy (const oci_spec *spec)
{
  const oci_capabilities *c = spec->process->capabilities;

  for (size_t i = 0; i < spec->linux->namespaces_len; i++)
    if (spec->linux->namespaces[i].type == OCI_NS_USER)
      return false;
  if (c == NULL)
    return true;
  for (size_t i = 0; i < c->bounding_len; i++)
    if (strcasecmp (c->bounding[i], "CAP_SYS_PTRACE") == 0)
      return true;
  return false;
}

struct exec_ctx
{
  const struct ocirt_exec_opts *o;
  oci_spec *spec;
  struct ocirt_seccomp_prog seccomp;
  int sync_fd;
  pid_t child;
  pid_t pid;
  int master;
};

static int
spawn (struct exec_ctx *c, const struct ocirt_init_params *params,
       ocirt_error_t *err)
{
  cleanup_close int exefd = -1;
  int sv[2];
  pid_t pid;
  bool sealed = needs_sealed_copy (c->spec);

  if (sealed)
    {
      exefd = ocirt_selfexe_sealed_fd (err);
      if (exefd < 0)
        return -1;
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return ocirt_error_set (err, errno, "socketpair");
  pid = fork ();
  if (pid < 0)
    {
      close (sv[0]);
      close (sv[1]);
      return ocirt_error_set (err, errno, "fork");
    }
  if (pid == 0)
    {
      sigset_t none;
      int fd = sv[1];

      close (sv[0]);
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (!sealed)
        ocirt_init_exec_direct (fd, c->spec, params, c->o->id,
                                c->seccomp.filter, c->seccomp.len,
                                c->seccomp.has_notify);
      else
        {
          char env0[64];
          char *argv[] = { (char *) "ocirt", (char *) "init", NULL };
          char *envp[] = { env0, NULL };

          if (fd < 3 + params->preserve_fds)
            fd = fcntl (sv[1], F_DUPFD, 3 + params->preserve_fds);
          else
            fcntl (fd, F_SETFD, 0);
          if (fd < 0)
            _exit (127);
          snprintf (env0, sizeof env0, "_OCIRT_SYNC_FD=%d", fd);
          fexecve (exefd, argv, envp);
        }
      _exit (127);
    }
  close (sv[1]);
  c->sync_fd = sv[0];
  c->child = pid;
  return 0;
}

static int
send_go (struct exec_ctx *c, struct ocirt_init_params *params,
         ocirt_error_t *err)
{
  char buf[OCIRT_SYNC_MAX];
  cleanup_free char *json = NULL, *perr = NULL;
  cleanup_close int cfd = -1, sfd = -1;
  int fds[2], nfds = 0;
  size_t off = sizeof *params;

  if (!needs_sealed_copy (c->spec))
    return ocirt_sync_send (c->sync_fd, OCIRT_SYNC_CONFIG, NULL, 0, NULL, 0,
                            err);
  /* The re-executed copy gets the spec as JSON, like create's init.  */
  json = oci_spec_emit (c->spec, false, &perr);
  if (json == NULL)
    return ocirt_error_set (err, 0, "exec: %s", perr ? perr : "emit config");
  cfd = memfd_create ("ocirt-config", MFD_CLOEXEC);
  if (cfd < 0 || ocirt_write_all (cfd, json, strlen (json)) < 0)
    return ocirt_error_set (err, errno, "pass the config");
  fds[nfds++] = cfd;
  if (c->seccomp.len > 0)
    {
      sfd = memfd_create ("ocirt-seccomp", MFD_CLOEXEC);
      if (sfd < 0
          || ocirt_write_all (sfd, c->seccomp.filter, c->seccomp.len * 8) < 0
          || lseek (sfd, 0, SEEK_SET) < 0)
        return ocirt_error_set (err, errno, "pass the seccomp program");
      fds[nfds++] = sfd;
    }
  memcpy (buf, params, sizeof *params);
  /* id, bundle, rootfs: exec needs only the id.  */
  memcpy (buf + off, c->o->id, strlen (c->o->id) + 1);
  off += strlen (c->o->id) + 1;
  buf[off++] = '\0';
  buf[off++] = '\0';
  return ocirt_sync_send (c->sync_fd, OCIRT_SYNC_CONFIG, buf, off, fds, nfds,
                          err);
}

/* Until the channel closes (execve) or an error arrives.  */
static int
exec_sync_loop (struct exec_ctx *c, ocirt_error_t *err)
{
  for (;;)
    {
      struct ocirt_sync_msg m;
      int r = ocirt_sync_recv (c->sync_fd, &m, err);

      if (r < 0)
        return -1;
      if (r == 0)
        {
          if (c->pid <= 0)
            return ocirt_error_set (err, 0, "exec: the process ended before "
                                    "it started");
          return 0;
        }
      switch (m.type)
        {
        case OCIRT_SYNC_PID:
          {
            int32_t pid;
            memcpy (&pid, m.payload, sizeof pid);
            c->pid = pid;
            if (pid != c->child)
              {
                int st;
                if (waitpid (c->child, &st, 0) == c->child)
                  c->child = 0;
              }
            break;
          }
        case OCIRT_SYNC_PTY:
          if (m.nfds != 1)
            {
              ocirt_sync_close_fds (&m);
              return ocirt_error_set (err, EPROTO, "sync: pty without fd");
            }
          if (c->o->console_socket)
            {
              int rr = ocirt_console_socket_send (c->o->console_socket,
                                                  m.fds[0], err);
              close (m.fds[0]);
              if (rr < 0)
                return -1;
            }
          else
            c->master = m.fds[0];
          break;
        case OCIRT_SYNC_SECCOMP_FD:
          ocirt_sync_close_fds (&m);
          break;
        case OCIRT_SYNC_WARNING:
          ocirt_warn ("%s", m.payload);
          break;
        case OCIRT_SYNC_ERROR:
          return ocirt_sync_error_from_msg (&m, err);
        default:
          ocirt_sync_close_fds (&m);
          return ocirt_error_set (err, EPROTO, "sync: unexpected %s message",
                                  ocirt_sync_type_name (m.type));
        }
    }
}

static int
status_of (int st)
{
  if (WIFEXITED (st))
    return WEXITSTATUS (st);
  if (WIFSIGNALED (st))
    return 128 + WTERMSIG (st);
  return 255;
}

static void
copy_fd (int from, int to, bool *eof)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);

  if (n <= 0)
    {
      if (n == 0 || (errno != EINTR && errno != EAGAIN))
        *eof = true;
      return;
    }
  ocirt_write_all (to, buf, (size_t) n);
}

static int
supervise (struct exec_ctx *c, int sfd)
{
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, c->pid, 0);
  bool in_eof = c->master < 0, out_eof = c->master < 0, exited = false;
  int st = 0;

  while (!exited || !out_eof)
    {
      struct pollfd p[4] = {
        { sfd, POLLIN, 0 },
        { exited ? -1 : pidfd, POLLIN, 0 },
        { out_eof ? -1 : c->master, POLLIN, 0 },
        { in_eof ? -1 : 0, POLLIN, 0 },
      };
      int r = poll (p, 4, exited ? 200 : -1);

      if (r < 0 && errno != EINTR)
        break;
      if (r == 0 && exited)
        break;
      if (p[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) == sizeof si)
            {
              if (si.ssi_signo == SIGWINCH && c->master >= 0)
                ocirt_tty_copy_size (0, c->master);
              else if (si.ssi_signo != SIGCHLD)
                syscall (SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
            }
        }
      if (p[1].revents & POLLIN)
        {
          if (waitpid (c->pid, &st, 0) != c->pid)
            st = 255 << 8;
          exited = true;
        }
      if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
        copy_fd (c->master, 1, &out_eof);
      if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
        copy_fd (0, c->master, &in_eof);
    }
  return status_of (st);
}

static int
write_pid_file (const char *path, int pid, ocirt_error_t *err)
{
  char buf[32];
  cleanup_close int fd = -1;
  int n = snprintf (buf, sizeof buf, "%d", pid);

  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ocirt_write_all (fd, buf, (size_t) n) < 0)
    return ocirt_error_set (err, errno, "write pid file \"%s\"", path);
  return 0;
}

static void
kill_children (struct exec_ctx *c)
{
  int st;

  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      waitpid (c->pid, &st, 0);
    }
  if (c->child > 0 && c->child != c->pid)
    {
      kill (c->child, SIGKILL);
      waitpid (c->child, &st, 0);
    }
}

int
ocirt_container_exec (const struct ocirt_exec_opts *o, int *status,
                      ocirt_error_t *err)
{
  struct ocirt_opened op;
  struct exec_ctx c = { .o = o, .sync_fd = -1, .master = -1 };
  struct ocirt_init_params params = { 0 };
  cleanup_close int sfd = -1;
  const char *state;
  sigset_t all;
  int r = -1;

  *status = 0;
  if (ocirt_container_open (o->root, o->id, false, &op, err) < 0)
    goto out;
  state = ocirt_state_status (op.dirfd, &op.st);
  if (strcmp (state, "paused") == 0 && !o->ignore_paused)
    {
      ocirt_error_set (err, 0, "cannot exec in container \"%s\": it is "
                       "paused (use --ignore-paused)", o->id);
      goto out;
    }
  if (strcmp (state, "running") != 0 && strcmp (state, "paused") != 0)
    {
      ocirt_error_set (err, 0, "cannot exec in container \"%s\": it is %s, "
                       "not running", o->id, state);
      goto out;
    }
  c.spec = ocirt_container_saved_config (op.dirfd, err);
  if (c.spec == NULL || build_process (o, c.spec, err) < 0)
    goto out;
  if (c.spec->process->terminal && o->console_socket == NULL && o->detach)
    {
      ocirt_error_set (err, 0, "exec: --tty with --detach needs "
                       "--console-socket");
      goto out;
    }
  if (ocirt_lsm_check_host (c.spec->process, err) < 0)
    goto out;
  join_paths (c.spec, op.st.pid);
  if (ocirt_seccomp_compile_cached (c.spec->linux->seccomp, o->root,
                                    &c.seccomp, err)
      < 0)
    goto out;
  params.flags = OCIRT_INIT_EXEC | OCIRT_INIT_NO_NEW_KEYRING;
  if (c.seccomp.len)
    params.flags |= OCIRT_INIT_SECCOMP;
  if (c.seccomp.has_notify)
    params.flags |= OCIRT_INIT_SECCOMP_NOTIFY;
  params.preserve_fds = o->preserve_fds;

  if (!o->detach)
    {
      sigfillset (&all);
      sigdelset (&all, SIGSEGV);
      sigdelset (&all, SIGBUS);
      sigdelset (&all, SIGFPE);
      sigdelset (&all, SIGILL);
      sigprocmask (SIG_BLOCK, &all, NULL);
      sfd = signalfd (-1, &all, SFD_CLOEXEC);
    }
  if (spawn (&c, &params, err) < 0)
    goto out;
  if (op.st.cgroup_path
      && ocirt_cgroup_enter (op.st.cgroup_path, c.child, err) < 0)
    goto fail;
  if (send_go (&c, &params, err) < 0 || exec_sync_loop (&c, err) < 0)
    goto fail;
  if (o->pid_file && write_pid_file (o->pid_file, c.pid, err) < 0)
    goto fail;
  /* The lock is not needed while the process runs.  */
  ocirt_opened_release (&op);
  op.dirfd = op.lockfd = -1;
  if (o->detach)
    {
      r = 0;
      goto out;
    }
  {
    struct termios saved;
    bool raw = false;

    if (c.master >= 0 && isatty (0))
      {
        ocirt_tty_copy_size (0, c.master);
        raw = ocirt_tty_set_raw (0, &saved, err) == 0;
        ocirt_error_release (err);
      }
    *status = supervise (&c, sfd);
    if (raw)
      ocirt_tty_restore (0, &saved);
  }
  r = 0;
  goto out;
fail:
  kill_children (&c);
out:
  if (c.master >= 0)
    close (c.master);
  if (c.sync_fd >= 0)
    close (c.sync_fd);
  ocirt_seccomp_prog_release (&c.seccomp);
  oci_spec_free (c.spec);
  ocirt_opened_release (&op);
  return r;
}
