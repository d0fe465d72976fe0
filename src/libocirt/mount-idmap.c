#include <config.h>
/* ocirt: idmapped bind mounts ("idmap", "ridmap").

   The source is cloned into a detached mount tree with open_tree, the tree
   gets the id mapping of a user namespace made for it with mount_setattr
   (MOUNT_ATTR_IDMAP), and it is moved onto the destination by fd.  The
   kernel only lets a process privileged over the filesystem's own user
   namespace idmap a mount, so with a container user namespace the trees
   are made early, before the init leaves the host's user namespace
   (ocirt_idmap_prepare), and only moved in place later.  */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/mount.h>

#include "mount-api.h"
#include "mounts.h"
#include "rootfs.h"
#include "util.h"

/* Trees made by ocirt_idmap_prepare, by index in mounts[]; -1 when none.
   The init is one single-threaded process: file-level state is enough.  */
static int *prepared;
static size_t prepared_len;

static char *
format_map (const oci_id_mapping *m, size_t n)
{
  char *out = xstrdup ("");
  size_t i;

  for (i = 0; i < n; i++)
    {
      char *next;
      xasprintf (&next, "%s%u %u %u\n", out, m[i].container_id, m[i].host_id,
                 m[i].size);
      free (out);
      out = next;
    }
  return out;
}

static int
open_procfs (ocirt_error_t *err)
{
  cleanup_close int fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct statfs sfs;

  if (fd < 0)
    return ocirt_error_errno (err, "open /proc");
  if (fstatfs (fd, &sfs) < 0)
    return ocirt_error_errno (err, "statfs /proc");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return ocirt_error_set (err, 0, "/proc is not on procfs");
  return steal_fd (&fd);
}

static int
write_map (int procfd, const char *pid, const char *name, const char *text,
           ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  char path[64];
  size_t len = strlen (text);

  snprintf (path, sizeof (path), "%s/%s", pid, name);
  fd = openat (procfd, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open /proc/%s", path);
  if (write (fd, text, len) != (ssize_t)len)
    return ocirt_error_errno (err, "write /proc/%s", path);
  return 0;
}

/* The helper: in its new user namespace, tell the parent its pid as the
   procfs sees it (the init may sit in a new pid namespace whose pids the
   host's /proc does not use), then wait until the parent closes the
   pipe.  */
static void
helper_child (int tell, int wait_fd)
{
  char buf[32];
  ssize_t n = readlink ("/proc/self", buf, sizeof (buf) - 1);
  char c;

  if (n <= 0)
    _exit (1);
  if (write (tell, buf, (size_t)n) != n)
    _exit (1);
  close (tell);
  while (read (wait_fd, &c, 1) < 0 && errno == EINTR)
    ;
  _exit (0);
}

static int
userns_of_helper (int procfd, const char *pid, const oci_id_mapping *uids,
                  size_t nuids, const oci_id_mapping *gids, size_t ngids,
                  ocirt_error_t *err)
{
  cleanup_free char *um = format_map (uids, nuids);
  cleanup_free char *gm = format_map (gids, ngids);
  char path[64];
  int fd;

  if (write_map (procfd, pid, "uid_map", um, err) < 0
      || write_map (procfd, pid, "gid_map", gm, err) < 0)
    return -1;
  snprintf (path, sizeof (path), "%s/ns/user", pid);
  fd = openat (procfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open /proc/%s", path);
  return fd;
}

/* A user namespace with the given mappings, as an fd.  */
static int
make_userns_fd (const oci_id_mapping *uids, size_t nuids,
                const oci_id_mapping *gids, size_t ngids, ocirt_error_t *err)
{
  cleanup_close int procfd = -1;
  int tell[2], wait_pipe[2], status, r = -1;
  char pid[32] = "";
  ssize_t n;
  pid_t child;

  procfd = open_procfs (err);
  if (procfd < 0)
    return -1;
  if (pipe2 (tell, O_CLOEXEC) < 0)
    return ocirt_error_errno (err, "pipe");
  if (pipe2 (wait_pipe, O_CLOEXEC) < 0)
    {
      close (tell[0]);
      close (tell[1]);
      return ocirt_error_errno (err, "pipe");
    }
  child = (pid_t)syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (child == 0)
    {
      close (tell[0]);
      close (wait_pipe[1]);
      helper_child (tell[1], wait_pipe[0]);
    }
  close (tell[1]);
  close (wait_pipe[0]);
  if (child < 0)
    r = ocirt_error_errno (err, "create a user namespace for an idmapped "
                                "mount");
  else
    {
      do
        n = read (tell[0], pid, sizeof (pid) - 1);
      while (n < 0 && errno == EINTR);
      if (n <= 0)
        r = ocirt_error_set (err, EPROTO, "idmap helper: no pid");
      else
        {
          pid[n] = '\0';
          r = userns_of_helper (procfd, pid, uids, nuids, gids, ngids, err);
        }
    }
  close (tell[0]);
  close (wait_pipe[1]);
  if (child > 0)
    while (waitpid (child, &status, 0) < 0 && errno == EINTR)
      ;
  return r;
}

static int
userns_for_mount (const struct ocirt_init_ctx *c, const oci_mount *m,
                  ocirt_error_t *err)
{
  const oci_linux *l = c->spec->linux;

  if (m->uid_mappings_len || m->gid_mappings_len)
    {
      if (!m->uid_mappings_len || !m->gid_mappings_len)
        return ocirt_error_set (err, 0,
                                "idmapped mount on \"%s\": uidMappings "
                                "and gidMappings must be given together",
                                m->destination);
      return make_userns_fd (m->uid_mappings, m->uid_mappings_len,
                             m->gid_mappings, m->gid_mappings_len, err);
    }
  /* No mappings of its own: the container's (spec: MAY).  */
  if (c->has_userns && l && l->uid_mappings_len && l->gid_mappings_len)
    return make_userns_fd (l->uid_mappings, l->uid_mappings_len,
                           l->gid_mappings, l->gid_mappings_len, err);
  return ocirt_error_set (err, 0,
                          "idmapped mount on \"%s\" without uidMappings/"
                          "gidMappings and without a user namespace with "
                          "mappings",
                          m->destination);
}

static char *
source_path (const struct ocirt_init_ctx *c, const char *source)
{
  char *r;

  if (source[0] == '/' || c->bundle == NULL)
    return xstrdup (source);
  xasprintf (&r, "%s/%s", c->bundle, source);
  return r;
}

/* Options of m: idmap or ridmap, recursive bind or not.  */
static void
idmap_kind (const oci_mount *m, bool *ridmap, bool *rec)
{
  size_t i;

  *ridmap = false;
  *rec = m->type && strcmp (m->type, "rbind") == 0;
  for (i = 0; i < m->options_len; i++)
    {
      if (strcmp (m->options[i], "ridmap") == 0)
        *ridmap = true;
      else if (strcmp (m->options[i], "rbind") == 0)
        *rec = true;
    }
  if (*ridmap)
    *rec = true;
}

static int
make_tree (const struct ocirt_init_ctx *c, const oci_mount *m,
           ocirt_error_t *err)
{
  cleanup_free char *src = NULL;
  cleanup_close int tree = -1, userns = -1;
  struct mount_attr attr = { 0 };
  bool ridmap, rec;

  if (m->source == NULL)
    return ocirt_error_set (err, 0,
                            "idmapped mount on \"%s\" without a "
                            "source",
                            m->destination);
  idmap_kind (m, &ridmap, &rec);
  src = source_path (c, m->source);
  tree = (int)syscall (SYS_open_tree, AT_FDCWD, src,
                       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                           | (rec ? AT_RECURSIVE : 0));
  if (tree < 0)
    return ocirt_error_errno (err, "clone the mount of \"%s\"", src);
  userns = userns_for_mount (c, m, err);
  if (userns < 0)
    return -1;
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = (uint64_t)userns;
  if (syscall (SYS_mount_setattr, tree, "",
               AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr,
               sizeof (attr))
      < 0)
    return ocirt_error_errno (err, "idmap the mount of \"%s\"", src);
  return steal_fd (&tree);
}

bool
ocirt_mount_is_idmap (const oci_mount *m)
{
  size_t i;

  for (i = 0; i < m->options_len; i++)
    if (strcmp (m->options[i], "idmap") == 0
        || strcmp (m->options[i], "ridmap") == 0)
      return true;
  return false;
}

int
ocirt_idmap_prepare (const struct ocirt_init_ctx *c, ocirt_error_t *err)
{
  const oci_spec *s = c->spec;
  size_t i;

  if (prepared != NULL)
    return 0;
  prepared = xcalloc (s->mounts_len + 1, sizeof (int));
  prepared_len = s->mounts_len;
  for (i = 0; i < prepared_len; i++)
    prepared[i] = -1;
  for (i = 0; i < s->mounts_len; i++)
    {
      if (!ocirt_mount_is_idmap (&s->mounts[i]))
        continue;
      prepared[i] = make_tree (c, &s->mounts[i], err);
      if (prepared[i] < 0)
        return ocirt_error_wrap (err, "mounts[%zu]", i);
    }
  return 0;
}

int
ocirt_idmap_tree (const struct ocirt_init_ctx *c, const oci_mount *m,
                  ocirt_error_t *err)
{
  size_t i = (size_t)(m - c->spec->mounts);
  int fd;

  if (prepared != NULL && i < prepared_len && prepared[i] >= 0)
    {
      fd = prepared[i];
      prepared[i] = -1;
      return fd;
    }
  return make_tree (c, m, err);
}

int
ocirt_idmap_move (int tree, int destfd, const char *dest, ocirt_error_t *err)
{
  if (syscall (SYS_move_mount, tree, "", destfd, "",
               MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
      < 0)
    return ocirt_error_errno (err, "move the idmapped mount onto \"%s\"", dest);
  return 0;
}
