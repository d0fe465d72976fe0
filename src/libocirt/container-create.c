/* ocirt: create -- the runtime side of a new container.  */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "container.h"
#include "hooks.h"
#include "log.h"
#include "intelrdt.h"
#include "lsm.h"
#include "namespaces.h"
#include "netdev.h"
#include "seccomp-cache.h"
#include "seccomp.h"
#include "selfexe.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

/* A config.json larger than this is refused before it is parsed.  */
#define CONFIG_MAX (16 * 1024 * 1024)

struct create_ctx
{
  const struct ocirt_create_opts *o;
  oci_spec *spec;
  char *config_buf;
  size_t config_len;
  char *bundle;
  char *rootfs;
  char *cgroup_path;
  int dirfd;
  int lockfd;
  int sync_fd;  /* runtime end */
  pid_t child;  /* the process we forked */
  int spawn_ns; /* CLONE_NEW* flags the init was born with */
  pid_t pid;    /* the container init */
  int master;
  struct ocirt_seccomp_prog seccomp;
  char *rdt_dir;
  char *rdt_mon_dir;
  bool state_dir_made;
  bool cgroup_made;
};

static int
read_config (struct create_ctx *c, ocirt_error_t *err)
{
  cleanup_close int bfd = -1;
  cleanup_free char *perr = NULL;
  char real[PATH_MAX];
  struct stat sb;
  int r;

  if (realpath (c->o->bundle ? c->o->bundle : ".", real) == NULL)
    return ocirt_error_set (err, errno, "bundle \"%s\"",
                            c->o->bundle ? c->o->bundle : ".");
  c->bundle = xstrdup (real);
  bfd = open (c->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bfd < 0)
    return ocirt_error_set (err, errno, "open bundle \"%s\"", c->bundle);
  /* A fifo would block the open; a device has no end.  */
  if (fstatat (bfd, "config.json", &sb, 0) == 0 && !S_ISREG (sb.st_mode))
    return ocirt_error_set (err, 0, "\"%s/config.json\": not a regular file",
                            c->bundle);
  r = ocirt_read_file_at (bfd, "config.json", CONFIG_MAX, &c->config_buf,
                          &c->config_len);
  if (r == -EFBIG)
    return ocirt_error_set (err, 0, "config.json: larger than %d MiB, refused",
                            CONFIG_MAX / (1024 * 1024));
  if (r < 0)
    return ocirt_error_set (err, -r, "read \"%s/config.json\"", c->bundle);
  c->spec = oci_spec_parse (c->config_buf, c->config_len, &perr);
  if (c->spec == NULL)
    return ocirt_error_set (err, 0, "config.json: %s", perr ? perr : "invalid");
  return 0;
}

static int
validate_spec (struct create_ctx *c, ocirt_error_t *err)
{
  const oci_spec *s = c->spec;
  bool has_mountns = false;
  struct stat st;

  if (s->process == NULL)
    return ocirt_error_set (err, 0, "config.json: process: not set");
  if (s->root == NULL || s->root->path == NULL)
    return ocirt_error_set (err, 0, "config.json: root.path: not set");
  if (s->root->path[0] == '/')
    c->rootfs = xstrdup (s->root->path);
  else
    xasprintf (&c->rootfs, "%s/%s", c->bundle, s->root->path);
  if (stat (c->rootfs, &st) < 0)
    return ocirt_error_set (err, errno, "rootfs \"%s\"", c->rootfs);
  if (!S_ISDIR (st.st_mode))
    return ocirt_error_set (err, ENOTDIR, "rootfs \"%s\"", c->rootfs);
  if (s->linux == NULL)
    return ocirt_error_set (err, 0, "config.json: linux: not set");
  for (size_t i = 0; i < s->linux->namespaces_len; i++)
    if (s->linux->namespaces[i].type == OCI_NS_MOUNT)
      has_mountns = true;
  /* Without a mount namespace the container's mounts land in the host's
     mount table, as with runc; the spec allows it.  */
  (void)has_mountns;
  if (s->process->terminal && c->o->console_socket == NULL && !c->o->keep_pty)
    return ocirt_error_set (err, 0,
                            "process.terminal is set: --console-socket is "
                            "required");
  if (!s->process->terminal && c->o->console_socket)
    return ocirt_error_set (err, 0,
                            "--console-socket given but process.terminal is "
                            "false");
  if (ocirt_lsm_check_host (s->process, err) < 0)
    return -1;
  if (s->linux->intel_rdt)
    {
      cleanup_free char *mnt = ocirt_resctrl_mountpoint ();
      if (mnt == NULL)
        return ocirt_error_set (err, 0,
                                "intelRdt is set, but the resctrl filesystem "
                                "is not mounted (mount -t resctrl resctrl "
                                "/sys/fs/resctrl)");
    }
  return ocirt_ns_validate (s->linux, err);
}

/* Host uid that the container's root maps to (for the exec fifo).  */
static uid_t
host_id_of_root (const oci_id_mapping *m, size_t n, uid_t dflt)
{
  for (size_t i = 0; i < n; i++)
    if (m[i].container_id == 0)
      return m[i].host_id;
  return dflt;
}

static bool
has_userns (const oci_linux *l)
{
  for (size_t i = 0; i < l->namespaces_len; i++)
    if (l->namespaces[i].type == OCI_NS_USER)
      return true;
  return false;
}

static int
make_fifo (struct create_ctx *c, ocirt_error_t *err)
{
  const oci_linux *l = c->spec->linux;
  uid_t uid = 0;
  gid_t gid = 0;

  if (mkfifoat (c->dirfd, "exec.fifo", 0622) < 0)
    return ocirt_error_set (err, errno, "create exec fifo");
  if (has_userns (l))
    {
      uid = host_id_of_root (l->uid_mappings, l->uid_mappings_len, 0);
      gid = host_id_of_root (l->gid_mappings, l->gid_mappings_len, 0);
    }
  if (fchownat (c->dirfd, "exec.fifo", uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirt_error_set (err, errno, "chown exec fifo");
  /* The umask took the write bits; the container user must open it.  */
  if (fchmodat (c->dirfd, "exec.fifo", 0622, 0) < 0)
    return ocirt_error_set (err, errno, "chmod exec fifo");
  return 0;
}

static int
config_memfd (struct create_ctx *c, ocirt_error_t *err)
{
  cleanup_close int fd
      = memfd_create ("ocirt-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return ocirt_error_set (err, errno, "memfd_create");
  if (ocirt_write_all (fd, c->config_buf, c->config_len) < 0)
    return ocirt_error_set (err, errno, "write config to memfd");
  fcntl (fd, F_ADD_SEALS,
         F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
  return steal_fd (&fd);
}

/* Namespaces the init can be born in, so that it needs no unshare and,
   for a new pid namespace, no fork of its own: every new namespace but
   the cgroup one (its root is the cgroup the init joins later) and the
   time one (offsets are written before anything enters it).  None when a
   user namespace is involved: the other namespaces must belong to it and
   the init sets it up first.  A time namespace needs the init's fork, so
   the pid namespace is left to the init then.  */
static int
spawn_ns_flags (const oci_linux *l)
{
  int flags
      = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID;

  for (size_t i = 0; l && i < l->namespaces_len; i++)
    {
      if (l->namespaces[i].type == OCI_NS_USER)
        return 0;
      if (l->namespaces[i].type == OCI_NS_TIME)
        flags &= ~CLONE_NEWPID;
    }
  return ocirt_ns_new_flags (l, true) & flags;
}

struct spawn_arg
{
  int exefd;
  int sync_fd;
  int preserve_fds;
};

/* The child of spawn_init, sharing the runtime's memory until its execve
   (the runtime waits): it touches only its own stack.  */
static int
init_child (void *data)
{
  const struct spawn_arg *a = data;
  char env0[64];
  char *argv[] = { (char *)"ocirt", (char *)"init", NULL };
  char *envp[] = { env0, NULL };
  int fd = a->sync_fd;
  sigset_t none;

  /* Until it is created, the init dies with us.  */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Keep the child's end across exec, above the preserved fds.  */
  if (fd < 3 + a->preserve_fds)
    {
      fd = fcntl (a->sync_fd, F_DUPFD, 3 + a->preserve_fds);
      if (fd < 0)
        _exit (127);
    }
  else if (fcntl (fd, F_SETFD, 0) < 0)
    _exit (127);
  snprintf (env0, sizeof env0, "_OCIRT_SYNC_FD=%d", fd);
  /* `run` blocks signals to forward them; the init starts clean.  */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  fexecve (a->exefd, argv, envp);
  _exit (127);
}

/* Start `ocirt init` from the sealed copy, as posix_spawn would (no copy
   of the runtime's page tables: a fork costs ~0.3 ms here), born in the
   new namespaces it can be born in.  */
static int
spawn_init (struct create_ctx *c, ocirt_error_t *err)
{
  cleanup_close int exefd = -1;
  _Alignas(16) char stack[16384];
  struct spawn_arg a;
  sigset_t all, old;
  int sv[2], saved;
  pid_t pid;

  exefd = ocirt_selfexe_sealed_fd (err);
  if (exefd < 0)
    return -1;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return ocirt_error_set (err, errno, "socketpair");
  a.exefd = exefd;
  a.sync_fd = sv[1];
  a.preserve_fds = c->o->preserve_fds;
  c->spawn_ns = spawn_ns_flags (c->spec->linux);
  /* No signal may run in the child while it shares our memory.  */
  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  pid = clone (init_child, stack + sizeof stack,
               CLONE_VM | CLONE_VFORK | SIGCHLD | c->spawn_ns, &a);
  saved = errno;
  sigprocmask (SIG_SETMASK, &old, NULL);
  close (sv[1]);
  if (pid < 0)
    {
      close (sv[0]);
      return ocirt_error_set (err, saved, "clone the init (flags 0x%x)",
                              (unsigned)c->spawn_ns);
    }
  c->sync_fd = sv[0];
  c->child = pid;
  return 0;
}

static int
send_config (struct create_ctx *c, ocirt_error_t *err)
{
  char buf[OCIRT_SYNC_MAX];
  struct ocirt_init_params p = { 0 };
  const char *strs[] = { c->o->id, c->bundle, c->rootfs };
  cleanup_close int cfd = -1, fifo = -1, sfd = -1;
  size_t off = sizeof p;
  const char *lfds = getenv ("LISTEN_FDS");
  int fds[3];
  int nfds = 2;

  if (c->o->no_pivot)
    p.flags |= OCIRT_INIT_NO_PIVOT;
  if (c->o->no_new_keyring)
    p.flags |= OCIRT_INIT_NO_NEW_KEYRING;
  p.preserve_fds = c->o->preserve_fds;
  p.spawn_ns = c->spawn_ns;
  if (lfds)
    {
      int n = 0;
      if (ocirt_parse_int (lfds, &n) == 0 && n > 0)
        p.listen_fds = n;
    }
  memcpy (buf, &p, sizeof p);
  for (size_t i = 0; i < ARRAY_SIZE (strs); i++)
    {
      size_t n = strlen (strs[i]) + 1;
      if (off + n > sizeof buf)
        return ocirt_error_set (err, ENAMETOOLONG, "init parameters");
      memcpy (buf + off, strs[i], n);
      off += n;
    }
  cfd = config_memfd (c, err);
  if (cfd < 0)
    return -1;
  fifo = openat (c->dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
  if (fifo < 0)
    return ocirt_error_set (err, errno, "open exec fifo");
  fds[0] = cfd;
  fds[1] = fifo;
  if (c->seccomp.len > 0)
    {
      sfd = memfd_create ("ocirt-seccomp", MFD_CLOEXEC);
      if (sfd < 0
          || ocirt_write_all (sfd, c->seccomp.filter, c->seccomp.len * 8) < 0
          || lseek (sfd, 0, SEEK_SET) < 0)
        return ocirt_error_set (err, errno, "pass the seccomp program");
      fds[nfds++] = sfd;
    }
  /* Flags are set on the copy already placed in buf.  */
  {
    struct ocirt_init_params *pp = (struct ocirt_init_params *)buf;
    if (c->seccomp.len > 0)
      pp->flags |= OCIRT_INIT_SECCOMP;
    if (c->seccomp.has_notify)
      pp->flags |= OCIRT_INIT_SECCOMP_NOTIFY;
  }
  return ocirt_sync_send (c->sync_fd, OCIRT_SYNC_CONFIG, buf, off, fds, nfds,
                          err);
}

/* Make the container's cgroup and hand the init its cgroup.procs files:
   it joins by itself once its namespaces exist, so that their kernel
   objects (a network namespace alone is ~90 KiB) are not charged to a
   container that may have a 512 KiB limit, and no round trip waits for
   the runtime.  */
static int
send_cgroup (struct create_ctx *c, ocirt_error_t *err)
{
  ocirt_cgroup_joiner j = { 0 };
  int r;

  if (ocirt_cgroup_prepare (c->cgroup_path, &j, err) < 0)
    return -1;
  c->cgroup_made = true;
  r = ocirt_sync_send (c->sync_fd, OCIRT_SYNC_CGROUP, j.names, j.names_len,
                       j.fds, (int)j.n, err);
  ocirt_cgroup_joiner_release (&j);
  return r;
}

static char *
state_json_for (struct create_ctx *c, const char *status)
{
  /* Hooks run after the environment exists (lifecycle step 2), so
     they see "created", as crun does.  */
  oci_state s = {
    .oci_version = OCI_SPEC_VERSION,
    .id = c->o->id,
    .status = status,
    .pid = c->pid,
    .bundle = c->bundle,
    .annotations = &c->spec->annotations,
  };
  return oci_state_emit (&s, false);
}

static int
run_create_hooks (struct create_ctx *c, ocirt_error_t *err)
{
  const oci_hooks *h = c->spec->hooks;
  cleanup_free char *json = state_json_for (c, "created");

  if (h == NULL)
    return 0;
  if (ocirt_hooks_run ("prestart", h->prestart, h->prestart_len, json, err) < 0)
    return -1;
  return ocirt_hooks_run ("createRuntime", h->create_runtime,
                          h->create_runtime_len, json, err);
}

/* The init closed the channel without a word: say how it ended.  */
static int
describe_death (struct create_ctx *c, ocirt_error_t *err)
{
  pid_t who = c->pid > 0 ? c->pid : c->child;
  int status = 0;
  pid_t r;

  for (int i = 0; i < 200; i++)
    {
      r = waitpid (who, &status, WNOHANG);
      if (r == who)
        {
          if (who == c->pid)
            c->pid = 0;
          if (who == c->child)
            c->child = 0;
          if (WIFSIGNALED (status))
            return ocirt_error_set (err, 0,
                                    "container init was killed by signal %d "
                                    "(%s)",
                                    WTERMSIG (status),
                                    strsignal (WTERMSIG (status)));
          return ocirt_error_set (err, 0,
                                  "container init exited with status %d "
                                  "before it was ready",
                                  WEXITSTATUS (status));
        }
      usleep (5000);
    }
  return ocirt_error_set (err, 0, "container init closed the sync channel");
}

static int
sync_loop (struct create_ctx *c, ocirt_error_t *err)
{
  const oci_hooks *h = c->spec->hooks;

  for (;;)
    {
      struct ocirt_sync_msg m;
      int r = ocirt_sync_recv (c->sync_fd, &m, err);

      if (r < 0)
        return -1;
      if (r == 0)
        return describe_death (c, err);
      switch (m.type)
        {
        case OCIRT_SYNC_READY_FOR_MAPPINGS:
          if (ocirt_ns_write_id_maps (c->child, c->spec->linux, err) < 0)
            return -1;
          if (ocirt_sync_send (c->sync_fd, OCIRT_SYNC_MAPPINGS_DONE, NULL, 0,
                               NULL, 0, err)
              < 0)
            return -1;
          break;
        case OCIRT_SYNC_PID:
          {
            int32_t pid;
            memcpy (&pid, m.payload, sizeof pid);
            /* 0: the init itself is the container's init.  */
            if (pid == 0)
              pid = c->child;
            if (pid <= 0)
              return ocirt_error_set (err, EPROTO, "sync: bad pid %d", pid);
            c->pid = pid;
            if (ocirt_netdev_move (c->spec->linux, pid, err) < 0)
              return -1;
            if (pid != c->child)
              {
                /* The forked process exits once the init is born.  */
                int status;
                if (waitpid (c->child, &status, 0) == c->child)
                  c->child = 0;
              }
            break;
          }
        case OCIRT_SYNC_RUN_HOOKS:
          if (run_create_hooks (c, err) < 0)
            return -1;
          if (ocirt_sync_send (c->sync_fd, OCIRT_SYNC_HOOKS_DONE, NULL, 0, NULL,
                               0, err)
              < 0)
            return -1;
          break;
        case OCIRT_SYNC_PTY:
          if (m.nfds != 1)
            {
              ocirt_sync_close_fds (&m);
              return ocirt_error_set (err, EPROTO,
                                      "sync: pty message without fd");
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
          {
            cleanup_free char *json = NULL;
            int rr;

            if (m.nfds != 1)
              {
                ocirt_sync_close_fds (&m);
                return ocirt_error_set (err, EPROTO,
                                        "sync: seccomp message without fd");
              }
            /* Still inside create: the agent sees "creating", as with
               runc.  */
            json = state_json_for (c, "creating");
            rr = ocirt_seccomp_send_listener (c->spec->linux->seccomp, m.fds[0],
                                              c->pid, json, err);
            close (m.fds[0]);
            if (rr < 0)
              return -1;
            break;
          }
        case OCIRT_SYNC_WARNING:
          ocirt_warn ("%s", m.payload);
          break;
        case OCIRT_SYNC_CREATED:
          return 0;
        case OCIRT_SYNC_ERROR:
          return ocirt_sync_error_from_msg (&m, err);
        default:
          ocirt_sync_close_fds (&m);
          return ocirt_error_set (err, EPROTO, "sync: unexpected %s message",
                                  ocirt_sync_type_name (m.type));
        }
      (void)h;
    }
}

static int
write_pid_file (const char *path, int pid, ocirt_error_t *err)
{
  cleanup_free char *dir = NULL, *base = NULL;
  cleanup_close int dfd = -1;
  char buf[32];
  const char *slash = strrchr (path, '/');
  int r, n;

  if (slash)
    {
      dir = xstrndup (path, (size_t)(slash - path));
      base = xstrdup (slash + 1);
    }
  else
    {
      dir = xstrdup (".");
      base = xstrdup (path);
    }
  dfd = open (*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return ocirt_error_set (err, errno, "open pid file directory \"%s\"", dir);
  n = snprintf (buf, sizeof buf, "%d", pid);
  r = ocirt_write_file_atomic_at (dfd, base, buf, (size_t)n, 0644);
  if (r < 0)
    return ocirt_error_set (err, -r, "write pid file \"%s\"", path);
  return 0;
}

/* The user name for the state's "owner", read from /etc/passwd without
   NSS (the binary may be static); the number when there is no entry.  */
static char *
owner_name (void)
{
  cleanup_free char *buf = NULL;
  uid_t uid = geteuid ();
  char *save = NULL, *out = NULL;

  if (ocirt_read_file_at (-1, "/etc/passwd", 1 << 20, &buf, NULL) == 0)
    for (char *line = strtok_r (buf, "\n", &save); line;
         line = strtok_r (NULL, "\n", &save))
      {
        char *name = line, *f1 = strchr (line, ':'), *f2;
        uint32_t id;

        if (f1 == NULL || (f2 = strchr (f1 + 1, ':')) == NULL)
          continue;
        *f1 = '\0';
        {
          char *end = strchr (f2 + 1, ':');
          if (end == NULL)
            continue;
          *end = '\0';
        }
        if (ocirt_parse_uint32 (f2 + 1, &id) == 0 && id == uid)
          return xstrdup (name);
      }
  xasprintf (&out, "%u", (unsigned)uid);
  return out;
}

static int
save_state (struct create_ctx *c, ocirt_error_t *err)
{
  struct ocirt_state st = { 0 };
  struct ocirt_pid_stat ps;
  char created[64];
  cleanup_free char *owner = owner_name ();
  const oci_hooks *h = c->spec->hooks;
  int r;

  ocirt_rfc3339_now (created, sizeof created);
  st.id = (char *)c->o->id;
  st.pid = c->pid;
  /* The init is waiting for start: its comm tells status whether it
     has executed the container's process since.  */
  if (ocirt_pid_stat (c->pid, &ps) == 0)
    {
      st.pid_start = ps.start;
      st.init_comm = ps.comm;
    }
  st.bundle = c->bundle;
  st.rootfs = c->rootfs;
  st.created = created;
  st.owner = owner;
  st.cgroup_path = c->cgroup_path;
  st.rdt_dir = c->rdt_dir;
  st.rdt_mon_dir = c->rdt_mon_dir;
  st.annotations = c->spec->annotations;
  st.has_poststart = h && h->poststart_len > 0;
  st.has_poststop = h && h->poststop_len > 0;
  st.has_terminal = c->spec->process->terminal;
  r = ocirt_write_file_atomic_at (c->dirfd, "config.json", c->config_buf,
                                  c->config_len, 0600);
  if (r < 0)
    return ocirt_error_set (err, -r, "save config.json in the state directory");
  return ocirt_state_write (c->dirfd, &st, err);
}

static void
undo (struct create_ctx *c)
{
  cleanup_error ocirt_error_t ignored = { 0 };
  int status;

  if (c->pid > 0)
    {
      kill (c->pid, SIGKILL);
      waitpid (c->pid, &status, 0);
    }
  if (c->child > 0 && c->child != c->pid)
    {
      kill (c->child, SIGKILL);
      waitpid (c->child, &status, 0);
    }
  if (c->cgroup_made)
    ocirt_cgroup_destroy (c->cgroup_path, &ignored);
  ocirt_intelrdt_destroy (c->rdt_dir, c->rdt_mon_dir);
  if (c->master >= 0)
    close (c->master);
  if (c->state_dir_made)
    ocirt_state_dir_remove (c->o->root, c->o->id, &ignored);
}

static void
release (struct create_ctx *c)
{
  oci_spec_free (c->spec);
  free (c->config_buf);
  free (c->bundle);
  free (c->rootfs);
  free (c->cgroup_path);
  ocirt_seccomp_prog_release (&c->seccomp);
  free (c->rdt_dir);
  free (c->rdt_mon_dir);
  if (c->dirfd >= 0)
    close (c->dirfd);
  if (c->lockfd >= 0)
    close (c->lockfd);
  if (c->sync_fd >= 0)
    close (c->sync_fd);
}

static int
do_create (struct create_ctx *c, ocirt_error_t *err)
{
  if (ocirt_id_validate (c->o->id, err) < 0)
    return -1;
  if (read_config (c, err) < 0 || validate_spec (c, err) < 0)
    return -1;
  c->dirfd = ocirt_state_dir_create (c->o->root, c->o->id, &c->lockfd, err);
  if (c->dirfd < 0)
    return -1;
  c->state_dir_made = true;
  if (make_fifo (c, err) < 0)
    return -1;
  if (ocirt_seccomp_compile_cached (c->spec->linux->seccomp, c->o->root,
                                    &c->seccomp, err)
      < 0)
    return -1;
  c->cgroup_path = ocirt_cgroup_path_for (c->spec->linux, c->o->id, err);
  if (c->cgroup_path == NULL)
    return -1;
  if (spawn_init (c, err) < 0)
    return -1;
  if (send_config (c, err) < 0)
    return -1;
  /* While the init execs and reads its config.  An init that failed
     before it read this may be gone already (EPIPE): its error message
     is still queued, and the sync loop reports it, or how it died.  */
  if (send_cgroup (c, err) < 0 && err->errnum != EPIPE)
    return -1;
  if (sync_loop (c, err) < 0)
    return -1;
  /* Limits go on once the init has built the container and waits for
     start: no user code has run, and the setup itself (a forked helper
     for the pid namespace, the runtime's own pages) is not squeezed into
     a pids limit of 1 or a 512 KiB memory limit.  runc does the same.  */
  if (ocirt_cgroup_apply_resources (
          c->cgroup_path, c->spec->linux ? c->spec->linux->resources : NULL,
          false, err)
      < 0)
    return -1;
  if (ocirt_intelrdt_apply (c->spec->linux->intel_rdt, c->o->id, c->pid,
                            &c->rdt_dir, &c->rdt_mon_dir, err)
      < 0)
    return -1;
  if (save_state (c, err) < 0)
    return -1;
  if (c->o->pid_file && write_pid_file (c->o->pid_file, c->pid, err) < 0)
    return -1;
  return 0;
}

int
ocirt_container_create (const struct ocirt_create_opts *o,
                        struct ocirt_created *out, ocirt_error_t *err)
{
  struct create_ctx c = {
    .o = o,
    .dirfd = -1,
    .lockfd = -1,
    .sync_fd = -1,
    .master = -1,
  };
  int r;

  r = do_create (&c, err);
  if (r < 0)
    undo (&c);
  else if (out)
    {
      out->pid = c.pid;
      out->pidfd = ocirt_pidfd_open (c.pid);
      out->master = c.master;
    }
  else if (c.master >= 0)
    close (c.master);
  release (&c);
  return r;
}
