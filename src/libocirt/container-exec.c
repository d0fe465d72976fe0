/* ocirt: exec.  The new process is a fork of this one, born in the
   container's pid namespace (the runtime enters it for its children
   only).  It waits until the runtime has put it in the container's
   cgroup, joins every other namespace of the container's init with one
   setns on the init's pidfd, and applies the process attributes like the
   init does.  See docs/design.md for why there is no re-exec here.  */
#include <config.h>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
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

#include "cgroup-internal.h"
#include "cgroup.h"
#include "container-exec.h"
#include "container.h"
#include "log.h"
#include "lsm.h"
#include "namespaces.h"
#include "seccomp-cache.h"
#include "seccomp.h"
#include "selfexe.h"
#include "state.h"
#include "supervise.h"
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
      size_t klen = eq ? (size_t)(eq - env[i]) : strlen (env[i]);
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
read_process_file (const struct ocirt_exec_opts *o, oci_spec *spec,
                   ocirt_error_t *err)
{
  cleanup_free char *buf = NULL, *perr = NULL;
  size_t len = 0;
  oci_process *p;
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
      return ocirt_error_set (err, 0,
                              "%s: args: must contain at least one "
                              "entry",
                              o->process_file);
    }
  if (p->cwd == NULL)
    p->cwd = xstrdup (spec->process && spec->process->cwd ? spec->process->cwd
                                                          : "/");
  oci_process_free (spec->process);
  spec->process = p;
  return 0;
}

static void
override_user (const struct ocirt_exec_opts *o, oci_process *p)
{
  size_t n;

  if (o->has_uid)
    p->user.uid = o->uid;
  if (o->has_gid)
    p->user.gid = o->gid;
  if (o->gids_len == 0)
    return;
  n = p->user.additional_gids_len;
  p->user.additional_gids = xrealloc (p->user.additional_gids,
                                      (n + o->gids_len) * sizeof (uint32_t));
  memcpy (p->user.additional_gids + n, o->gids,
          o->gids_len * sizeof (uint32_t));
  p->user.additional_gids_len = n + o->gids_len;
}

/* The process: the -p file as it is, or the container's process with the
   command and the overrides of the command line.  */
static int
build_process (const struct ocirt_exec_opts *o, oci_spec *spec,
               ocirt_error_t *err)
{
  oci_process *p;

  if (o->process_file)
    return read_process_file (o, spec, err);
  p = spec->process;
  if (p == NULL)
    return ocirt_error_set (err, 0,
                            "the container has no process to derive "
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
  override_user (o, p);
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

/* --cgroup.  */

void
ocirt_exec_subcg_release (struct ocirt_exec_subcg *s)
{
  ocirt_strv_free (s->controllers);
  free (s->path);
  s->controllers = NULL;
  s->path = NULL;
}

int
ocirt_exec_subcg_parse (const char *spec, struct ocirt_exec_subcg *out,
                        ocirt_error_t *err)
{
  const char *colon = strchr (spec, ':');
  const char *path = colon ? colon + 1 : spec;
  size_t n = 0;

  memset (out, 0, sizeof *out);
  if (*path == '\0')
    return ocirt_error_set (err, 0, "--cgroup \"%s\": empty path", spec);
  out->path = ocirt_cgroup_clean_path (path);
  if (out->path == NULL)
    return ocirt_error_set (err, 0, "--cgroup \"%s\": \"..\" is not allowed",
                            spec);
  if (colon == NULL)
    return 0;
  for (const char *c = spec; c <= colon;)
    {
      size_t len = strcspn (c, ",:");

      if (len == 0)
        {
          ocirt_exec_subcg_release (out);
          return ocirt_error_set (err, 0,
                                  "--cgroup \"%s\": empty controller "
                                  "name",
                                  spec);
        }
      out->controllers = xrealloc (out->controllers, (n + 2) * sizeof (char *));
      out->controllers[n++] = xstrndup (c, len);
      out->controllers[n] = NULL;
      c += len + 1;
    }
  return 0;
}

static bool
subcg_applies (const struct ocirt_exec_subcg *s,
               const ocirt_cgroup_hierarchy *h)
{
  if (s->controllers == NULL)
    return true;
  for (char **c = s->controllers; !h->unified && *c; c++)
    if (ocirt_cgroup_has_controller (h, *c))
      return true;
  return false;
}

/* A sub-cgroup naming the hierarchy's controller wins over one for every
   hierarchy.  */
static const struct ocirt_exec_subcg *
subcg_for (const struct ocirt_exec_subcg *subs, size_t n,
           const ocirt_cgroup_hierarchy *h)
{
  const struct ocirt_exec_subcg *any = NULL;

  for (size_t i = 0; i < n; i++)
    {
      if (subs[i].controllers == NULL)
        any = &subs[i];
      else if (subcg_applies (&subs[i], h))
        return &subs[i];
    }
  return any;
}

static int
check_controllers (const ocirt_cgroup_hierarchies *hs,
                   const struct ocirt_exec_subcg *subs, size_t n,
                   ocirt_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    for (char **c = subs[i].controllers; c && *c; c++)
      {
        if (hs->layout == OCIRT_CGROUP_V2)
          return ocirt_error_set (err, 0,
                                  "--cgroup: a controller (\"%s\") "
                                  "can only be named on cgroup v1",
                                  *c);
        if (ocirt_cgroup_find_controller (hs, *c) == NULL)
          return ocirt_error_set (err, 0,
                                  "--cgroup: no cgroup v1 hierarchy "
                                  "has the controller \"%s\"",
                                  *c);
      }
  return 0;
}

/* Write pid (0: the writer) to PATH[SUB]/cgroup.procs of h.  The paths
   are clean and cgroupfs has no symlinks: one open.  A hierarchy without
   the container's cgroup (mounted after create) is skipped.  */
static int
enter_one (const ocirt_cgroup_hierarchy *h, const char *path, const char *sub,
           pid_t pid, bool *skipped, ocirt_error_t *err)
{
  cleanup_free char *dir = NULL, *file = NULL;
  cleanup_close int fd = -1;
  char buf[16];
  int len = snprintf (buf, sizeof buf, "%d", (int)pid);

  xasprintf (&dir, "%s%s%s", h->mountpoint, strcmp (path, "/") ? path : "",
             sub ? sub : "");
  xasprintf (&file, "%s/cgroup.procs", dir);
  fd = open (file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    {
      cleanup_close int base = ocirt_cgroup_open_in (h, path, O_PATH);

      *skipped = base == -ENOENT;
      if (*skipped)
        return 0;
      if (sub)
        return ocirt_error_set (err, ENOENT,
                                "--cgroup: the sub-cgroup "
                                "\"%s\" does not exist",
                                dir);
    }
  if (fd < 0 || write (fd, buf, (size_t)len) != len)
    return ocirt_error_set (err, errno, "join cgroup \"%s\"", dir);
  return 0;
}

/* Move pid (0: the caller) into the container's cgroup `path` in every
   hierarchy of hs where it exists, or into the sub-cgroups (which must
   exist) that apply to a hierarchy.  */
static int
cgroup_enter (const ocirt_cgroup_hierarchies *hs, const char *path,
              const struct ocirt_exec_subcg *subs, size_t n, pid_t pid,
              ocirt_error_t *err)
{
  size_t joined = 0;

  for (size_t i = 0; i < hs->n; i++)
    {
      const struct ocirt_exec_subcg *s = subcg_for (subs, n, &hs->h[i]);
      const char *sub = s && strcmp (s->path, "/") ? s->path : NULL;
      bool skipped = false;

      if (enter_one (&hs->h[i], path, sub, pid, &skipped, err) < 0)
        return -1;
      joined += !skipped;
    }
  if (joined == 0)
    return ocirt_error_set (err, ENOENT, "cgroup \"%s\"", path);
  return 0;
}

/* Every namespace of the config, by the init's /proc: the joining
   process falls back to these when setns on a pidfd is not available.  */
static void
join_paths (oci_spec *spec, int pid)
{
  oci_linux *l = spec->linux;
  static const char *const proc_names[OCI_NS_COUNT] = {
    [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "net",
    [OCI_NS_MOUNT] = "mnt",     [OCI_NS_IPC] = "ipc",
    [OCI_NS_UTS] = "uts",       [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
  };

  for (size_t i = 0; i < l->namespaces_len; i++)
    {
      oci_namespace *ns = &l->namespaces[i];
      free (ns->path);
      xasprintf (&ns->path, "/proc/%d/ns/%s", pid, proc_names[ns->type]);
    }
}

static bool
has_ns (const oci_spec *spec, oci_ns_type t)
{
  for (size_t i = 0; i < spec->linux->namespaces_len; i++)
    if (spec->linux->namespaces[i].type == t)
      return true;
  return false;
}

/* Privileged containers (no user namespace, CAP_SYS_PTRACE kept) could
   reach /proc/<pid>/exe of the joining process: they get a sealed copy of
   the runtime, everyone else a plain fork, which starts the process
   through a sealed stub (init.c:exec_stub_fd) so that /proc/self/exe
   never leads to the host binary either.  */
static bool
needs_sealed_copy (const oci_spec *spec)
{
  const oci_capabilities *c = spec->process->capabilities;

#if !defined(__x86_64__)
  /* The direct child execs through a stub that exists for x86_64 only
     (init.c:exec_stub_fd).  */
  return true;
#endif

  if (has_ns (spec, OCI_NS_USER))
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
  struct ocirt_exec_subcg *subs;
  size_t subs_len;
  const char *cgroup_path;     /* of the container, NULL: none */
  ocirt_cgroup_hierarchies hs; /* loaded once, used by the child */
  bool sealed;
  bool paused; /* exec --ignore-paused into a paused container */
  int pidfd;   /* of the container's init, -1 without pidfd_open */
  int sync_fd;
  pid_t child; /* the forked process */
  pid_t pid;   /* the process that runs the command */
  int master;
  int rt_fds[3]; /* the runtime's own fds: closed in the child */
};

/* Direct exec: the runtime enters the init's pid namespace for its
   children only (setns changes pid_for_children), so the process is born
   in it and needs no second fork.  */
static int
enter_pidns_for_children (struct exec_ctx *c, const struct ocirt_state *st,
                          ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  char path[64];

  if (!has_ns (c->spec, OCI_NS_PID))
    return 0;
  if (c->pidfd >= 0 && setns (c->pidfd, CLONE_NEWPID) == 0)
    return 0;
  /* Before Linux 5.8: by path, checking the init is still the same
     process after the open.  */
  snprintf (path, sizeof path, "/proc/%d/ns/pid", st->pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_set (err, errno, "open \"%s\"", path);
  if (!ocirt_pid_alive (st->pid, st->pid_start))
    return ocirt_error_set (err, ESRCH, "the container's init exited");
  if (setns (fd, CLONE_NEWPID) < 0)
    return ocirt_error_set (err, errno, "join pid namespace \"%s\"", path);
  return 0;
}

static void
close_fds_between (unsigned lo, unsigned hi)
{
  if (lo <= hi)
    syscall (SYS_close_range, lo, hi, 0);
}

/* In the child, before it joins anything: only stdio, the preserved fds
   and the fds it needs stay open, and the cwd is "/" (joining the mount
   namespace then moves root and cwd into the container).  Nothing of
   the host -- the state directory, the lock, the caller's cwd -- enters
   the container.  Fds of the runtime in the preserved range (when the
   caller left a gap there) are close-on-exec: anything the runtime
   inherited across its own execve is not.  */
static void
child_close_fds (struct exec_ctx *c, int keep1, int keep2)
{
  unsigned first = 3u + (unsigned)c->o->preserve_fds, lo = first;
  unsigned keep[2];
  size_t n = 0;

  for (size_t i = 0; i < ARRAY_SIZE (c->rt_fds); i++)
    if (c->rt_fds[i] >= 0 && c->rt_fds[i] != keep1 && c->rt_fds[i] != keep2)
      close (c->rt_fds[i]);
  if (chdir ("/") < 0)
    _exit (127);
  if (keep1 >= (int)first)
    keep[n++] = (unsigned)keep1;
  if (keep2 >= (int)first)
    keep[n++] = (unsigned)keep2;
  if (n == 2 && keep[0] > keep[1])
    {
      keep[0] = (unsigned)keep2;
      keep[1] = (unsigned)keep1;
    }
  for (size_t i = 0; i < n; i++)
    {
      close_fds_between (lo, keep[i] - 1);
      lo = keep[i] + 1;
    }
  close_fds_between (lo, ~0U);
}

/* The sealed copy of the runtime, as `ocirt init` with the sync fd
   above the preserved ones.  */
static _Noreturn void
child_reexec (int fd, int exefd, const struct ocirt_init_params *params)
{
  char env0[64];
  char *argv[] = { (char *)"ocirt", (char *)"init", NULL };
  char *envp[] = { env0, NULL };

  if (fd < 3 + params->preserve_fds)
    fd = fcntl (fd, F_DUPFD, 3 + params->preserve_fds);
  else
    fcntl (fd, F_SETFD, 0);
  if (fd < 0)
    _exit (127);
  snprintf (env0, sizeof env0, "_OCIRT_SYNC_FD=%d", fd);
  fexecve (exefd, argv, envp);
  _exit (127);
}

/* Join every namespace of the init but the pid namespace (the child was
   born in it): one setns on the init's pidfd (Linux >= 5.8: the user
   namespace first, all or nothing), else by path.  */
static int
join_namespaces (struct exec_ctx *c, ocirt_error_t *err)
{
  const oci_linux *l = c->spec->linux;
  int flags = 0;

  for (size_t i = 0; i < l->namespaces_len; i++)
    if (l->namespaces[i].type != OCI_NS_PID)
      flags |= ocirt_ns_clone_flag (l->namespaces[i].type);
  if (flags == 0)
    return 0;
  if (c->pidfd >= 0 && setns (c->pidfd, flags) == 0)
    return 0;
  if (c->pidfd >= 0 && errno != EINVAL)
    return ocirt_error_set (err, errno,
                            "join the namespaces of the "
                            "container's init (flags 0x%x)",
                            (unsigned)flags);
  if (ocirt_ns_join_user (l, err) < 0)
    return -1;
  return ocirt_ns_join_others (l, err);
}

/* The direct child: it joins the container's cgroup itself, as root of
   the host in the host's mount namespace, before anything else -- no
   code of the container runs outside the cgroup -- then the
   namespaces, and becomes the process.  */
static _Noreturn void
child_direct (struct exec_ctx *c, int fd,
              const struct ocirt_init_params *params)
{
  cleanup_error ocirt_error_t err = { 0 };

  if ((c->cgroup_path
       && cgroup_enter (&c->hs, c->cgroup_path, c->subs, c->subs_len, 0, &err)
              < 0)
      || join_namespaces (c, &err) < 0)
    {
      ocirt_sync_send_error (fd, &err);
      _exit (1);
    }
  if (c->pidfd >= 0)
    close (c->pidfd);
  ocirt_init_exec_direct (fd, c->spec, params, c->o->id, c->seccomp.filter,
                          c->seccomp.len, c->seccomp.has_notify);
  _exit (127);
}

struct spawn_arg
{
  struct exec_ctx *c;
  const struct ocirt_init_params *params;
  int sync_fd; /* the child's end */
  int other;   /* the runtime's end, closed in the child */
  int exefd;   /* sealed copy, or -1 */
};

static int
child_main (void *data)
{
  const struct spawn_arg *a = data;
  sigset_t none;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  close (a->other);
  child_close_fds (a->c, a->sync_fd, a->c->sealed ? a->exefd : a->c->pidfd);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (a->c->sealed)
    child_reexec (a->sync_fd, a->exefd, a->params);
  child_direct (a->c, a->sync_fd, a->params);
}

/* Can the child share our memory until its execve, as with vfork (no
   copy of the page tables, no copy-on-write faults in either process:
   ~1.5 ms of an exec on a virtual machine)?  We wait meanwhile, so not
   when the child may wait for us before its execve: a seccomp notify
   listener we must pass on first, or a frozen cgroup it joins.  Nor for
   a time namespace: the kernel lets only a process that shares its
   memory with no other join one.  The child's few allocations stay
   behind in our heap, which LeakSanitizer would report: sanitizer builds
   fork.  */
static bool
share_memory (const struct exec_ctx *c)
{
#if defined(__SANITIZE_ADDRESS__)
  (void)c;
  return false;
#else
  return !c->seccomp.has_notify && !c->paused && !has_ns (c->spec, OCI_NS_TIME);
#endif
}

static int
spawn (struct exec_ctx *c, const struct ocirt_init_params *params,
       ocirt_error_t *err)
{
  /* The shared child's stack; one child at a time.  */
  static _Alignas(16) char stack[256 * 1024];
  cleanup_close int exefd = -1;
  struct spawn_arg a;
  int sv[2], saved;
  pid_t pid;

  if (c->sealed)
    {
      exefd = ocirt_selfexe_sealed_fd (err);
      if (exefd < 0)
        return -1;
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return ocirt_error_set (err, errno, "socketpair");
  a = (struct spawn_arg){ c, params, sv[1], sv[0], exefd };
  if (share_memory (c))
    {
      sigset_t all, old;

      /* No signal may run in the child while it shares our memory.  */
      sigfillset (&all);
      sigprocmask (SIG_BLOCK, &all, &old);
      pid = clone (child_main, stack + sizeof stack,
                   CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
      saved = errno;
      sigprocmask (SIG_SETMASK, &old, NULL);
    }
  else
    {
      pid = fork ();
      saved = errno;
      if (pid == 0)
        child_main (&a);
    }
  close (sv[1]);
  if (pid < 0)
    {
      close (sv[0]);
      return ocirt_error_set (err, saved, "fork");
    }
  c->sync_fd = sv[0];
  c->child = pid;
  if (!c->sealed)
    c->pid = pid;
  return 0;
}

/* The re-executed copy: the go message, once it is in the cgroup, with
   the spec as JSON, like create's init.  */
static int
send_go (struct exec_ctx *c, struct ocirt_init_params *params,
         ocirt_error_t *err)
{
  char buf[OCIRT_SYNC_MAX];
  cleanup_free char *json = NULL, *perr = NULL;
  cleanup_close int cfd = -1, sfd = -1;
  int fds[2], nfds = 0;
  size_t off = sizeof *params;

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

static int
handle_pty (struct exec_ctx *c, struct ocirt_sync_msg *m, ocirt_error_t *err)
{
  int r = 0;

  if (m->nfds != 1)
    {
      ocirt_sync_close_fds (m);
      return ocirt_error_set (err, EPROTO, "sync: pty without fd");
    }
  if (c->o->console_socket == NULL)
    {
      c->master = m->fds[0];
      return 0;
    }
  r = ocirt_console_socket_send (c->o->console_socket, m->fds[0], err);
  close (m->fds[0]);
  return r;
}

/* The re-executed copy forks for the pid namespace and reports the pid
   of the process; the one that forked exits.  */
static void
handle_pid (struct exec_ctx *c, const struct ocirt_sync_msg *m)
{
  int32_t pid;
  int st;

  memcpy (&pid, m->payload, sizeof pid);
  c->pid = pid;
  if (pid != c->child && waitpid (c->child, &st, 0) == c->child)
    c->child = 0;
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
            return ocirt_error_set (err, 0,
                                    "exec: the process ended before "
                                    "it started");
          return 0;
        }
      switch (m.type)
        {
        case OCIRT_SYNC_PID:
          if (m.len != sizeof (int32_t))
            return ocirt_error_set (err, EPROTO, "sync: malformed pid");
          handle_pid (c, &m);
          break;
        case OCIRT_SYNC_PTY:
          if (handle_pty (c, &m, err) < 0)
            return -1;
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
write_pid_file (const char *path, int pid, ocirt_error_t *err)
{
  char buf[32];
  cleanup_close int fd = -1;
  int n = snprintf (buf, sizeof buf, "%d", pid);

  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ocirt_write_all (fd, buf, (size_t)n) < 0)
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

static int
check_status (struct exec_ctx *c, struct ocirt_opened *op, ocirt_error_t *err)
{
  const struct ocirt_exec_opts *o = c->o;
  const char *state = ocirt_state_status (op->dirfd, &op->st);

  if (strcmp (state, "paused") == 0 && !o->ignore_paused)
    return ocirt_error_set (err, 0,
                            "cannot exec in container \"%s\": it is "
                            "paused (use --ignore-paused)",
                            o->id);
  if (strcmp (state, "running") != 0 && strcmp (state, "paused") != 0)
    return ocirt_error_set (err, 0,
                            "cannot exec in container \"%s\": it is "
                            "%s, not running",
                            o->id, state);
  c->paused = strcmp (state, "paused") == 0;
  return 0;
}

static int
parse_subcgroups (struct exec_ctx *c, const struct ocirt_opened *op,
                  ocirt_error_t *err)
{
  const struct ocirt_exec_opts *o = c->o;

  if (o->cgroups_len && op->st.cgroup_path == NULL)
    return ocirt_error_set (err, 0, "--cgroup: the container has no cgroup");
  c->subs = xcalloc (o->cgroups_len + 1, sizeof *c->subs);
  for (size_t i = 0; i < o->cgroups_len; i++)
    {
      if (ocirt_exec_subcg_parse (o->cgroups[i], &c->subs[i], err) < 0)
        return -1;
      c->subs_len++;
    }
  return 0;
}

/* Everything the process needs, read and checked before anything
   starts.  */
static int
prepare (struct exec_ctx *c, struct ocirt_opened *op,
         struct ocirt_init_params *params, ocirt_error_t *err)
{
  const struct ocirt_exec_opts *o = c->o;

  if (check_status (c, op, err) < 0 || parse_subcgroups (c, op, err) < 0)
    return -1;
  c->spec = ocirt_container_saved_config (op->dirfd, err);
  if (c->spec == NULL || build_process (o, c->spec, err) < 0)
    return -1;
  if (c->spec->process->terminal && o->console_socket == NULL && o->detach)
    return ocirt_error_set (err, 0,
                            "exec: --tty with --detach needs "
                            "--console-socket");
  if (ocirt_lsm_check_host (c->spec->process, err) < 0)
    return -1;
  c->pidfd = ocirt_container_pidfd (&op->st);
  if (c->pidfd < 0 && errno == ESRCH)
    return ocirt_error_set (err, 0,
                            "cannot exec in container \"%s\": it is "
                            "stopped, not running",
                            o->id);
  c->sealed = needs_sealed_copy (c->spec);
  join_paths (c->spec, op->st.pid);
  if (ocirt_seccomp_compile_cached (c->spec->linux->seccomp, o->root,
                                    &c->seccomp, err)
      < 0)
    return -1;
  params->flags = OCIRT_INIT_EXEC | OCIRT_INIT_NO_NEW_KEYRING;
  if (c->seccomp.len)
    params->flags |= OCIRT_INIT_SECCOMP;
  if (c->seccomp.has_notify)
    params->flags |= OCIRT_INIT_SECCOMP_NOTIFY;
  params->preserve_fds = o->preserve_fds;
  return 0;
}

/* Start the process; returns once it runs.  */
static int
start_process (struct exec_ctx *c, struct ocirt_opened *op,
               struct ocirt_init_params *params, ocirt_error_t *err)
{
  const struct ocirt_exec_opts *o = c->o;

  /* Nothing in the container may inspect the child until its execve
     (CVE-2016-9962): it is born non-dumpable.  */
  prctl (PR_SET_DUMPABLE, 0);
  c->cgroup_path = op->st.cgroup_path;
  if (c->cgroup_path && ocirt_cgroup_hierarchies_load (&c->hs, err) < 0)
    return -1;
  if (c->cgroup_path
      && check_controllers (&c->hs, c->subs, c->subs_len, err) < 0)
    return -1;
  if (!c->sealed && enter_pidns_for_children (c, &op->st, err) < 0)
    return -1;
  if (spawn (c, params, err) < 0)
    return -1;
  /* The child is born: the runtime goes back to its own pid namespace for
     anything it forks later and may be inspected again (a leak checker,
     a debugger).  */
  if (!c->sealed)
    {
      cleanup_close int own = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
      if (own >= 0)
        setns (own, CLONE_NEWPID);
    }
  prctl (PR_SET_DUMPABLE, 1);
  if (c->sealed
      && ((c->cgroup_path
           && cgroup_enter (&c->hs, c->cgroup_path, c->subs, c->subs_len,
                            c->child, err)
                  < 0)
          || send_go (c, params, err) < 0))
    return -1;
  /* The process stays frozen until `resume`, which needs the lock.  */
  if (c->paused)
    {
      ocirt_opened_release (op);
      op->dirfd = op->lockfd = -1;
      c->cgroup_path = NULL;
    }
  if (exec_sync_loop (c, err) < 0)
    return -1;
  if (o->pid_file && write_pid_file (o->pid_file, c->pid, err) < 0)
    return -1;
  return 0;
}

static int
foreground (struct exec_ctx *c, int sfd, ocirt_error_t *err)
{
  struct termios saved;
  bool raw = false;
  int status;

  if (c->master >= 0 && isatty (0))
    {
      ocirt_tty_copy_size (0, c->master);
      raw = ocirt_tty_set_raw (0, &saved, err) == 0;
      ocirt_error_release (err);
    }
  status = ocirt_supervise (c->pid, c->master, sfd);
  if (raw)
    ocirt_tty_restore (0, &saved);
  return status;
}

int
ocirt_container_exec (const struct ocirt_exec_opts *o, int *status,
                      ocirt_error_t *err)
{
  struct ocirt_opened op = { .dirfd = -1, .lockfd = -1 };
  struct exec_ctx c = { .o = o, .sync_fd = -1, .master = -1, .pidfd = -1 };
  struct ocirt_init_params params = { 0 };
  cleanup_close int sfd = -1;
  int r = -1;

  *status = 0;
  if (ocirt_container_open (o->root, o->id, false, &op, err) < 0)
    goto out;
  if (prepare (&c, &op, &params, err) < 0)
    goto out;
  if (!o->detach)
    sfd = ocirt_supervise_signals ();
  c.rt_fds[0] = op.dirfd;
  c.rt_fds[1] = op.lockfd;
  c.rt_fds[2] = sfd;
  if (start_process (&c, &op, &params, err) < 0)
    {
      kill_children (&c);
      goto out;
    }
  /* The lock is not needed while the process runs.  */
  ocirt_opened_release (&op);
  op.dirfd = op.lockfd = -1;
  if (!o->detach)
    *status = foreground (&c, sfd, err);
  r = 0;
out:
  if (c.master >= 0)
    close (c.master);
  if (c.sync_fd >= 0)
    close (c.sync_fd);
  if (c.pidfd >= 0)
    close (c.pidfd);
  for (size_t i = 0; i < c.subs_len; i++)
    ocirt_exec_subcg_release (&c.subs[i]);
  free (c.subs);
  ocirt_cgroup_hierarchies_free (&c.hs);
  ocirt_seccomp_prog_release (&c.seccomp);
  oci_spec_free (c.spec);
  ocirt_opened_release (&op);
  return r;
}
