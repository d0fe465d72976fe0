/* ocirt: the container's init, from `ocirt init` to execve of the user's
   process.  See docs/design.md for the order of events.  */
#include <config.h>

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "container.h"
#include "hooks.h"
#include "init-ctx.h"
#include "lsm.h"
#include "namespaces.h"
#include "procattr.h"
#include "procfs.h"
#include "rootfs.h"
#include "seccomp.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct init_state
{
  int sync_fd;
  int fifo_fd;
  oci_spec *spec;
  struct ocirt_init_ctx ctx;
  int listen_fds;
  int spawn_ns;       /* CLONE_NEW* flags we were born with */
  void *seccomp;      /* BPF program from the runtime */
  size_t seccomp_len; /* instructions */
  bool seccomp_notify;
  bool seccomp_loaded;
  bool exec_mode; /* exec: join a running container */
  int procfd;     /* private procfs handle (procfs.h), -1: none */
  int fddir;      /* create: our fd directory in it, for the exec fifo */
  struct ocirt_sync_msg *cgroup; /* create: cgroup.procs files to join */
};

static void fill_ctx (struct init_state *s, const struct ocirt_init_params *p);

static int
receive_config (struct init_state *s, ocirt_error_t *err)
{
  struct ocirt_sync_msg m;
  struct ocirt_init_params p;
  const char *strs[3];
  cleanup_free char *buf = NULL;
  cleanup_free char *perr = NULL;
  size_t off, len = 0;
  int r;

  if (ocirt_sync_expect (s->sync_fd, OCIRT_SYNC_CONFIG, &m, err) < 0)
    return -1;
  memcpy (&p, m.payload, m.len < sizeof p ? m.len : sizeof p);
  if (m.len < sizeof p || m.nfds < ((p.flags & OCIRT_INIT_EXEC) ? 1 : 2))
    {
      ocirt_sync_close_fds (&m);
      return ocirt_error_set (err, EPROTO, "sync: malformed config message");
    }
  memcpy (&p, m.payload, sizeof p);
  off = sizeof p;
  for (size_t i = 0; i < ARRAY_SIZE (strs); i++)
    {
      const char *e = memchr (m.payload + off, '\0', m.len - off);
      if (off >= m.len || e == NULL)
        {
          ocirt_sync_close_fds (&m);
          return ocirt_error_set (err, EPROTO,
                                  "sync: malformed config message");
        }
      strs[i] = xstrdup (m.payload + off);
      off = (size_t)(e - m.payload) + 1;
    }
  {
    /* fds: config, [fifo unless exec], [seccomp program].  */
    int next = 1;
    if (!(p.flags & OCIRT_INIT_EXEC))
      s->fifo_fd = m.fds[next++];
    if ((p.flags & OCIRT_INIT_SECCOMP) && m.nfds != next + 1)
      return ocirt_error_set (err, EPROTO,
                              "sync: config message without the seccomp "
                              "program");
    if (p.flags & OCIRT_INIT_SECCOMP)
      {
        cleanup_free char *prog = NULL;
        size_t plen = 0;
        r = ocirt_read_fd (m.fds[next], 1 << 20, &prog, &plen);
        close (m.fds[next]);
        if (r < 0)
          return ocirt_error_set (err, -r, "read the seccomp program");
        s->seccomp = steal_ptr (&prog);
        s->seccomp_len = plen / 8;
        s->seccomp_notify = p.flags & OCIRT_INIT_SECCOMP_NOTIFY;
      }
  }
  if (0)
    return ocirt_error_set (err, EPROTO,
                            "sync: config message without the seccomp program");
  /* The runtime wrote the memfd: its offset is at the end.  */
  if (lseek (m.fds[0], 0, SEEK_SET) < 0)
    r = -errno;
  else
    r = ocirt_read_fd (m.fds[0], SIZE_MAX / 2, &buf, &len);
  close (m.fds[0]);
  if (r < 0)
    return ocirt_error_set (err, -r, "read config");
  s->spec = oci_spec_parse (buf, len, &perr);
  if (s->spec == NULL)
    return ocirt_error_set (err, 0, "config.json: %s", perr);

  s->ctx.id = strs[0];
  s->ctx.bundle = strs[1];
  s->ctx.rootfs = strs[2];
  fill_ctx (s, &p);
  return 0;
}

static void
fill_ctx (struct init_state *s, const struct ocirt_init_params *pp)
{
  struct ocirt_init_params p = *pp;

  s->exec_mode = p.flags & OCIRT_INIT_EXEC;
  s->ctx.spec = s->spec;
  s->ctx.no_pivot = p.flags & OCIRT_INIT_NO_PIVOT;
  s->ctx.no_new_keyring = p.flags & OCIRT_INIT_NO_NEW_KEYRING;
  s->ctx.preserve_fds = p.preserve_fds + (p.listen_fds > 0 ? p.listen_fds : 0);
  s->ctx.has_terminal = s->spec->process && s->spec->process->terminal;
  s->ctx.fifo_fd = s->fifo_fd;
  s->listen_fds = p.listen_fds;
  s->spawn_ns = p.spawn_ns;
  for (size_t i = 0; i < s->spec->linux->namespaces_len; i++)
    {
      const oci_namespace *ns = &s->spec->linux->namespaces[i];
      bool is_new = ns->path == NULL || *ns->path == '\0';
      switch (ns->type)
        {
        case OCI_NS_USER:
          s->ctx.has_userns = true;
          s->ctx.new_userns = is_new;
          break;
        case OCI_NS_MOUNT:
          s->ctx.new_mountns = is_new;
          break;
        case OCI_NS_NETWORK:
          s->ctx.new_netns = is_new;
          break;
        case OCI_NS_CGROUP:
          s->ctx.new_cgroupns = is_new;
          break;
        case OCI_NS_PID:
          s->ctx.new_pidns = is_new;
          break;
        default:
          break;
        }
    }
}

static int
setup_userns (struct init_state *s, ocirt_error_t *err)
{
  struct ocirt_sync_msg m;

  if (ocirt_ns_join_user (s->spec->linux, err) < 0)
    return -1;
  if (!s->ctx.new_userns)
    return 0;
  if (unshare (CLONE_NEWUSER) < 0)
    return ocirt_error_set (err, errno, "unshare user namespace");
  if (ocirt_sync_send (s->sync_fd, OCIRT_SYNC_READY_FOR_MAPPINGS, NULL, 0, NULL,
                       0, err)
      < 0)
    return -1;
  if (ocirt_sync_expect (s->sync_fd, OCIRT_SYNC_MAPPINGS_DONE, &m, err) < 0)
    return -1;
  if (setresgid (0, 0, 0) < 0)
    return ocirt_error_set (err, errno, "setresgid 0 in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return ocirt_error_set (err, errno, "setresuid 0 in the user namespace");
  return 0;
}

static bool
joins (const oci_linux *l, oci_ns_type t)
{
  for (size_t i = 0; i < l->namespaces_len; i++)
    if (l->namespaces[i].type == t && l->namespaces[i].path
        && *l->namespaces[i].path)
      return true;
  return false;
}

/* create: the runtime made the cgroup while we started; move ourselves
   into it through the cgroup.procs files it opened, and close them.  */
static int
join_cgroups (struct init_state *s, ocirt_error_t *err)
{
  struct ocirt_sync_msg *m = s->cgroup;
  const char *name = m->payload;
  int ret = 0;

  for (int i = 0; i < m->nfds; i++)
    {
      if (ret == 0 && write (m->fds[i], "0", 1) != 1)
        {
          bool named = name < m->payload + m->len;
          ret = ocirt_error_set (err, errno, "join cgroup \"%s\"",
                                 named ? name : "(one of the hierarchies)");
        }
      close (m->fds[i]);
      if (name < m->payload + m->len)
        name += strlen (name) + 1;
    }
  free (m);
  s->cgroup = NULL;
  return ret;
}

/* Namespaces other than user; returns 1 in the container init, 0 in the
   process that only forked it (which then exits).  */
static int
setup_namespaces (struct init_state *s, ocirt_error_t *err)
{
  const oci_linux *l = s->spec->linux;
  int flags = ocirt_ns_new_flags (l, true) & ~s->spawn_ns;
  bool need_fork;
  int32_t pid;
  pid_t child;

  if (ocirt_ns_join_others (l, err) < 0)
    return -1;
  if ((flags & ~CLONE_NEWCGROUP) && unshare (flags & ~CLONE_NEWCGROUP) < 0)
    return ocirt_error_set (err, errno, "unshare namespaces (flags 0x%x)",
                            (unsigned)(flags & ~CLONE_NEWCGROUP));
  if ((flags & CLONE_NEWTIME) && ocirt_ns_write_time_offsets (l, err) < 0)
    return -1;
  /* create: join the container's cgroup only now, so that the kernel
     objects of the new namespaces (a network namespace alone is ~90 KiB)
     are not charged to a container that may have a 512 KiB limit.  No
     container code has run yet.  The cgroup namespace comes after the
     join: its root is the cgroup we are in.  (exec joined already.)  */
  if (!s->exec_mode && join_cgroups (s, err) < 0)
    return -1;
  if ((flags & CLONE_NEWCGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return ocirt_error_set (err, errno, "unshare cgroup namespace");
  need_fork = (flags & (CLONE_NEWPID | CLONE_NEWTIME)) || joins (l, OCI_NS_PID)
              || joins (l, OCI_NS_TIME);
  if (!need_fork)
    {
      pid = 0; /* ourselves: the runtime knows our pid */
      return ocirt_sync_send (s->sync_fd, OCIRT_SYNC_PID, &pid, sizeof pid,
                              NULL, 0, err)
                     < 0
                 ? -1
                 : 1;
    }
  /* The runtime becomes the parent of the container init, so that `run`
     can wait for it.  */
  child = (pid_t)syscall (SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
  if (child < 0)
    return ocirt_error_set (err, errno, "clone the container init");
  if (child == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      return 1;
    }
  pid = child;
  if (ocirt_sync_send (s->sync_fd, OCIRT_SYNC_PID, &pid, sizeof pid, NULL, 0,
                       err)
      < 0)
    return -1;
  return 0;
}

static char *
container_state_json (struct init_state *s, const char *status)
{
  oci_state st = {
    .oci_version = OCI_SPEC_VERSION,
    .id = s->ctx.id,
    .status = status,
    .pid = getpid (),
    .bundle = s->ctx.bundle,
    .annotations = &s->spec->annotations,
  };
  return oci_state_emit (&st, false);
}

static int
runtime_hooks (struct init_state *s, ocirt_error_t *err)
{
  const oci_hooks *h = s->spec->hooks;
  struct ocirt_sync_msg m;

  if (h == NULL || (h->prestart_len == 0 && h->create_runtime_len == 0))
    return 0;
  if (ocirt_sync_send (s->sync_fd, OCIRT_SYNC_RUN_HOOKS, NULL, 0, NULL, 0, err)
      < 0)
    return -1;
  return ocirt_sync_expect (s->sync_fd, OCIRT_SYNC_HOOKS_DONE, &m, err);
}

static int
container_hooks (struct init_state *s, const char *kind, const oci_hook *hooks,
                 size_t n, ocirt_error_t *err)
{
  cleanup_free char *json = NULL;

  if (n == 0)
    return 0;
  json = container_state_json (s, "created");
  return ocirt_hooks_run (kind, hooks, n, json, err);
}

static int
setup_terminal (struct init_state *s, ocirt_error_t *err)
{
  cleanup_close int master = -1, peer = -1;

  if (!s->ctx.has_terminal)
    return 0;
  if (ocirt_terminal_create_in_container (s->spec->process->console_size,
                                          &master, &peer, err)
      < 0)
    return -1;
  if (ocirt_sync_send (s->sync_fd, OCIRT_SYNC_PTY, NULL, 0, &master, 1, err)
      < 0)
    return -1;
  return ocirt_terminal_make_stdio (peer, err);
}

static void
send_warnings (struct init_state *s, char **warnings)
{
  for (size_t i = 0; warnings && warnings[i]; i++)
    ocirt_sync_send (s->sync_fd, OCIRT_SYNC_WARNING, warnings[i],
                     strlen (warnings[i]), NULL, 0, NULL);
}

static int
load_seccomp (struct init_state *s, ocirt_error_t *err)
{
  cleanup_close int listener = -1;

  if (s->seccomp_len == 0 || s->seccomp_loaded)
    return 0;
  if (ocirt_seccomp_load (s->spec->linux->seccomp, s->seccomp, s->seccomp_len,
                          s->seccomp_notify, &listener, err)
      < 0)
    return -1;
  s->seccomp_loaded = true;
  if (listener >= 0)
    return ocirt_sync_send (s->sync_fd, OCIRT_SYNC_SECCOMP_FD, NULL, 0,
                            &listener, 1, err);
  return 0;
}

static char **
process_env (struct init_state *s)
{
  const oci_process *p = s->spec->process;
  size_t n = p->env_len;
  char **env = xcalloc (n + 3, sizeof (char *));

  for (size_t i = 0; i < n; i++)
    env[i] = p->env[i];
  if (s->listen_fds > 0)
    {
      xasprintf (&env[n++], "LISTEN_FDS=%d", s->listen_fds);
      env[n++] = (char *)"LISTEN_PID=1";
    }
  return env;
}

/* The private procfs handle for the writes to /proc (create always has
   one: the exec fifo is reopened through it; exec only when it writes to
   /proc).  Opened once all namespaces are set up (the instance takes the
   pid namespace of the opener) and before any container code runs;
   closed once the writes are done.  */
static int
open_procfs (struct init_state *s, ocirt_error_t *err)
{
  const oci_process *p = s->spec->process;
  const oci_linux *l = s->spec->linux;

  if (s->exec_mode && (l == NULL || l->sysctl.len == 0) && !p->has_oom_score_adj
      && (p->apparmor_profile == NULL || *p->apparmor_profile == '\0'))
    return 0;
  s->procfd = ocirt_procfs_open (err);
  return s->procfd < 0 ? -1 : 0;
}

static void
close_procfs (struct init_state *s)
{
  if (s->procfd >= 0)
    close (s->procfd);
  s->procfd = -1;
}

static int
prepare (struct init_state *s, char **exe, ocirt_error_t *err)
{
  const oci_process *p = s->spec->process;
  const oci_hooks *h = s->spec->hooks;
  cleanup_strv char **warnings = NULL;
  int r;

  /* idmapped mounts need host root, which we stop being in the user
     namespace.  */
  if (ocirt_rootfs_early (&s->ctx, err) < 0)
    return -1;
  s->cgroup = xmalloc (sizeof (*s->cgroup));
  if (ocirt_sync_expect (s->sync_fd, OCIRT_SYNC_CGROUP, s->cgroup, err) < 0)
    return -1;
  if (setup_userns (s, err) < 0)
    return -1;
  r = setup_namespaces (s, err);
  if (r <= 0)
    return r < 0 ? -1 : 0;
  if (open_procfs (s, err) < 0)
    return -1;
  if (!s->ctx.no_new_keyring)
    syscall (SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, s->ctx.id);
  if (ocirt_set_uts (s->spec, err) < 0)
    return -1;
  if (ocirt_rootfs_prepare (&s->ctx, err) < 0)
    return -1;
  if (runtime_hooks (s, err) < 0)
    return -1;
  if (h
      && container_hooks (s, "createContainer", h->create_container,
                          h->create_container_len, err)
             < 0)
    return -1;
  if (ocirt_rootfs_pivot (&s->ctx, err) < 0)
    return -1;
  if (ocirt_apply_sysctl (s->procfd, s->spec->linux, err) < 0)
    return -1;
  if (setup_terminal (s, err) < 0)
    return -1;
  if (ocirt_rootfs_finalize (&s->ctx, err) < 0)
    return -1;
  *exe = ocirt_find_executable (p, err);
  if (*exe == NULL)
    return -1;
  if (ocirt_lsm_apply_exec (s->procfd, p, err) < 0)
    return -1;
  if (ocirt_apply_process_attrs (s->procfd, p, s->spec->linux, err) < 0)
    return -1;
  if (ocirt_apply_cwd (p, err) < 0)
    return -1;
  /* The exec fifo is reopened through it at `start`, when a seccomp
     filter may be in place: look it up now.  */
  s->fddir = ocirt_procfs_fd_dir (s->procfd, err);
  if (s->fddir < 0)
    return -1;
  /* Without no_new_privs the filter needs CAP_SYS_ADMIN: load it while
     we still hold it.  A notify listener must reach the runtime before
     create returns.  Otherwise it goes in last, just before execve.  */
  if (!p->no_new_privileges && load_seccomp (s, err) < 0)
    return -1;
  if (ocirt_apply_user_and_caps (p, true, &warnings, err) < 0)
    return -1;
  send_warnings (s, warnings);
  if (s->seccomp_notify && load_seccomp (s, err) < 0)
    return -1;
  if (ocirt_close_fds_on_exec (s->ctx.preserve_fds, err) < 0)
    return -1;
  return 1;
}

/* Wait on the exec fifo until `start`, then run the user's process.
   Errors from here on reach `start` through the fifo.  */
static void
wait_start_and_exec (struct init_state *s, const char *exe)
{
  const oci_hooks *h = s->spec->hooks;
  cleanup_error ocirt_error_t err = { 0 };
  int fd;

  do
    {
      ocirt_error_release (&err);
      fd = ocirt_procfs_reopen_fd (s->fddir, s->fifo_fd, O_WRONLY, &err);
    }
  while (fd < 0 && err.errnum == EINTR);
  if (fd < 0)
    _exit (125);
  close (s->fddir);
  close_procfs (s);
  close (s->fifo_fd);
  if (ocirt_write_all (fd, "0", 1) < 0)
    _exit (125);
  if (h
      && container_hooks (s, "startContainer", h->start_container,
                          h->start_container_len, &err)
             < 0)
    {
      cleanup_free char *text = ocirt_error_text (&err);
      ocirt_write_all (fd, text, strlen (text));
      _exit (125);
    }
  if (load_seccomp (s, &err) < 0)
    {
      cleanup_free char *text = ocirt_error_text (&err);
      ocirt_write_all (fd, text, strlen (text));
      _exit (125);
    }
  {
    const oci_process *p = s->spec->process;
    char **argv = xcalloc (p->args_len + 1, sizeof (char *));
    for (size_t i = 0; i < p->args_len; i++)
      argv[i] = p->args[i];
    execve (exe, argv, process_env (s));
  }
  {
    char msg[PATH_MAX + 128];
    int n = snprintf (msg, sizeof msg, "exec: \"%s\": %s",
                      s->spec->process->args[0], strerror (errno));
    ocirt_write_all (fd, msg, (size_t)n);
  }
  _exit (127);
}

/* exec -t: a new pty of the container's devpts, without /dev/console.  */
static int
setup_exec_terminal (struct init_state *s, ocirt_error_t *err)
{
  cleanup_close int master = -1, peer = -1;
  int unlock = 0;

  if (!s->ctx.has_terminal)
    return 0;
  master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return ocirt_error_set (err, errno, "open /dev/ptmx");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return ocirt_error_set (err, errno, "unlock pty");
  peer = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0)
    return ocirt_error_set (err, errno, "open the pty peer");
  if (s->spec->process->console_size)
    {
      struct winsize ws = { .ws_row = s->spec->process->console_size->height,
                            .ws_col = s->spec->process->console_size->width };
      ioctl (master, TIOCSWINSZ, &ws);
    }
  /* Only this pty, which the runtime made, goes to the user: never the
     stdio it was given.  */
  if (fchown (peer, s->spec->process->user.uid, s->spec->process->user.gid) < 0)
    return ocirt_error_set (err, errno, "chown the pty to %u:%u",
                            s->spec->process->user.uid,
                            s->spec->process->user.gid);
  if (ocirt_sync_send (s->sync_fd, OCIRT_SYNC_PTY, NULL, 0, &master, 1, err)
      < 0)
    return -1;
  if (ocirt_terminal_make_stdio (peer, err) < 0)
    return -1;
  return 0;
}

/* exec by a fork of the runtime: the process must not be started by a
   process whose /proc/self/exe is the host binary, or `/proc/self/exe` as
   the command, a #! interpreter or a link to it would run the host binary
   in the container, where it can be reopened for writing (CVE-2019-5736).
   A sealed memfd holding a minimal program that only calls execve stands
   in between.  Its argv[0] must be EXEC_STUB_MARK (anything else, such as
   the stub started again through /proc/self/exe, exits with 127 instead
   of looping), argv[1] is the path, argv[2..] the process's argv; a
   failed execve exits with 127.  An x86_64 ELF file: header, a PT_LOAD
   and a PT_GNU_STACK (no executable stack) program header, the code.  On
   other architectures exec uses the sealed copy of the runtime.  */
#define EXEC_STUB_MARK "\177OCIRT\177"
static int
exec_stub_fd (ocirt_error_t *err)
{
#if defined(__x86_64__)
  /* clang-format off */
  static const unsigned char stub[] = {
    /* ELF header: ELFCLASS64, little-endian, ET_EXEC, EM_X86_64, entry
       0x4000b0, program headers at 64, 2 of them.  */
    0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 0, 0x3e, 0, 1, 0, 0, 0,
    0xb0, 0, 0x40, 0, 0, 0, 0, 0,
    64, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 64, 0, 56, 0, 2, 0, 0, 0, 0, 0, 0, 0,
    /* PT_LOAD, R+X: the whole file (0xf0 bytes) at 0x400000.  */
    1, 0, 0, 0, 5, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0x40, 0, 0, 0, 0, 0,
    0, 0, 0x40, 0, 0, 0, 0, 0,
    0xf0, 0, 0, 0, 0, 0, 0, 0,
    0xf0, 0, 0, 0, 0, 0, 0, 0,
    0, 0x10, 0, 0, 0, 0, 0, 0,
    /* PT_GNU_STACK, R+W.  */
    0x51, 0xe5, 0x74, 0x64, 6, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* code, at 0xb0 */
    0x48, 0x8b, 0x04, 0x24,       /*  0: mov rax, [rsp]: argc */
    0x48, 0x83, 0xf8, 0x02,       /*  4: cmp rax, 2 */
    0x72, 0x2a,                   /*  8: jb 52 */
    0x48, 0x8b, 0x7c, 0x24, 0x08, /* 10: mov rdi, [rsp+8]: argv[0] */
    0x48, 0xb9, 0x7f, 'O', 'C', 'I', 'R', 'T', 0x7f, 0,
                                  /* 15: mov rcx, EXEC_STUB_MARK */
    0x48, 0x39, 0x0f,             /* 25: cmp [rdi], rcx */
    0x75, 0x16,                   /* 28: jne 52 */
    0x48, 0x8b, 0x7c, 0x24, 0x10, /* 30: mov rdi, [rsp+16]: argv[1] */
    0x48, 0x8d, 0x74, 0x24, 0x18, /* 35: lea rsi, [rsp+24]: argv + 2 */
    0x48, 0x8d, 0x54, 0xc4, 0x10, /* 40: lea rdx, [rsp+rax*8+16]: envp */
    0xb8, 59, 0, 0, 0,            /* 45: mov eax, SYS_execve */
    0x0f, 0x05,                   /* 50: syscall */
    0xbf, 127, 0, 0, 0,           /* 52: mov edi, 127 */
    0xb8, 231, 0, 0, 0,           /* 57: mov eax, SYS_exit_group */
    0x0f, 0x05,                   /* 62: syscall */
  };
  /* clang-format on */
  _Static_assert(sizeof stub == 0xf0, "the program headers give the size");
  _Static_assert(sizeof EXEC_STUB_MARK == 8, "the code compares 8 bytes");
  /* MFD_CLOEXEC | MFD_ALLOW_SEALING */
  cleanup_close int fd = (int)syscall (SYS_memfd_create, "ocirt-exec", 3U);

  if (fd < 0)
    return ocirt_error_set (err, errno, "memfd_create");
  if (ocirt_write_all (fd, stub, sizeof stub) < 0
      || fcntl (fd, F_ADD_SEALS,
                F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
             < 0)
    return ocirt_error_set (err, errno, "seal the exec stub");
  return steal_fd (&fd);
#else
  return ocirt_error_set (err, ENOSYS, "no exec stub for this architecture");
#endif
}

/* exec, once in the container's namespaces: become the process.  Success
   closes the sync channel by execve (through the stub when stub >= 0);
   returns -1 on failure.  */
static int
exec_become (struct init_state *s, int stub, ocirt_error_t *err)
{
  const oci_process *p = s->spec->process;
  cleanup_strv char **warnings = NULL;
  cleanup_free char *exe = NULL;
  char **argv;

  if (open_procfs (s, err) < 0 || setup_exec_terminal (s, err) < 0)
    return -1;
  exe = ocirt_find_executable (p, err);
  if (exe == NULL)
    return -1;
  if (ocirt_lsm_apply_exec (s->procfd, p, err) < 0)
    return -1;
  if (ocirt_apply_process_attrs (s->procfd, p, s->spec->linux, err) < 0)
    return -1;
  close_procfs (s);
  if (ocirt_apply_cwd (p, err) < 0)
    return -1;
  if (!p->no_new_privileges && load_seccomp (s, err) < 0)
    return -1;
  if (ocirt_apply_user_and_caps (p, true, &warnings, err) < 0)
    return -1;
  send_warnings (s, warnings);
  if (load_seccomp (s, err) < 0)
    return -1;
  if (ocirt_close_fds_on_exec (s->ctx.preserve_fds, err) < 0)
    return -1;
  argv = xcalloc (p->args_len + 3, sizeof (char *));
  argv[0] = (char *)EXEC_STUB_MARK;
  argv[1] = exe;
  for (size_t i = 0; i < p->args_len; i++)
    argv[i + 2] = p->args[i];
  prctl (PR_SET_PDEATHSIG, 0);
  if (stub >= 0)
    fexecve (stub, argv, process_env (s));
  else
    execve (exe, argv + 2, process_env (s));
  return ocirt_error_set (err, errno, "exec: \"%s\"", p->args[0]);
}

/* exec by the re-executed copy: join every namespace of the running
   container by path, forking for the pid namespace.  Returns 0 in a
   process that only forked.  */
static int
run_exec (struct init_state *s, ocirt_error_t *err)
{
  int r;

  /* Until execve nothing in the container may inspect us
     (CVE-2016-9962).  */
  prctl (PR_SET_DUMPABLE, 0);
  if (setup_userns (s, err) < 0)
    return -1;
  r = setup_namespaces (s, err);
  if (r <= 0)
    return r;
  /* This is the sealed copy of the runtime: no stub needed.  */
  return exec_become (s, -1, err);
}

/* exec by a fork of the runtime, which already joined the container's
   cgroup and namespaces: apply the process and execve.  */
int
ocirt_init_exec_direct (int sync_fd, oci_spec *spec,
                        const struct ocirt_init_params *params, const char *id,
                        void *filter, size_t filter_len, bool notify)
{
  struct init_state s = {
    .sync_fd = sync_fd, .fifo_fd = -1, .spec = spec, .procfd = -1, .fddir = -1
  };
  cleanup_error ocirt_error_t err = { 0 };
  int stub;

  s.ctx.id = id;
  s.seccomp = filter;
  s.seccomp_len = filter_len;
  s.seccomp_notify = notify;
  fill_ctx (&s, params);
  stub = exec_stub_fd (&err);
  if (stub >= 0)
    exec_become (&s, stub, &err);
  ocirt_sync_send_error (sync_fd, &err);
  _exit (1);
}

int
ocirt_init_main (int sync_fd)
{
  struct init_state s
      = { .sync_fd = sync_fd, .fifo_fd = -1, .procfd = -1, .fddir = -1 };
  cleanup_error ocirt_error_t err = { 0 };
  cleanup_free char *exe = NULL;
  int r;

  r = receive_config (&s, &err);
  if (r == 0 && s.exec_mode)
    {
      if (run_exec (&s, &err) == 0)
        _exit (0);
      ocirt_sync_send_error (sync_fd, &err);
      _exit (1);
    }
  if (r == 0)
    r = prepare (&s, &exe, &err);
  if (r < 0)
    {
      ocirt_sync_send_error (sync_fd, &err);
      _exit (1);
    }
  if (r == 0)
    _exit (0); /* the process that forked the container init */
  prctl (PR_SET_PDEATHSIG, 0);
  if (ocirt_sync_send (sync_fd, OCIRT_SYNC_CREATED, NULL, 0, NULL, 0, &err) < 0)
    _exit (1);
  close (sync_fd);
  wait_start_and_exec (&s, exe);
  _exit (127);
}
