#include <config.h>
/* ocirt: build the container's root: propagation, mounts[], /dev, pivot,
   masked and read-only paths.  */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/mount.h>

#include "mount-api.h"
#include "mounts.h"
#include "rootfs.h"
#include "util.h"

static int
parse_propagation (const oci_linux *l, unsigned long *out, ocirt_error_t *err)
{
  *out = 0;
  if (l == NULL || l->rootfs_propagation == NULL)
    return 0;
  *out = ocirt_propagation_flags (l->rootfs_propagation);
  if (*out == 0)
    return ocirt_error_set (err, 0, "invalid rootfsPropagation \"%s\"",
                            l->rootfs_propagation);
  return 0;
}

static bool
own_mountns (const oci_spec *s)
{
  for (size_t i = 0; s->linux && i < s->linux->namespaces_len; i++)
    if (s->linux->namespaces[i].type == OCI_NS_MOUNT)
      return true;
  return false;
}

/* Is mount point mp a prefix (path-wise) of path?  */
static bool
path_below (const char *path, const char *mp)
{
  size_t n = strlen (mp);

  if (strcmp (mp, "/") == 0)
    return true;
  return strncmp (path, mp, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static void
unescape_field (char *s)
{
  char *o = s;

  while (*s)
    if (s[0] == '\\' && s[1] && s[2] && s[3])
      {
        *o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
        s += 4;
      }
    else
      *o++ = *s++;
  *o = '\0';
}

/* pivot_root refuses a new root whose parent mount is shared, and a shared
   parent would also copy our mounts to the host: make the mount holding the
   rootfs private when it is shared.  */
static int
make_rootfs_parent_private (const char *rootfs, ocirt_error_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL, *best = NULL;
  bool best_shared = false;
  size_t cap = 0;

  if (f == NULL)
    return ocirt_error_errno (err, "open /proc/self/mountinfo");
  while (getline (&line, &cap, f) > 0)
    {
      char *save = NULL, *tok, *mp = NULL, *sep = strstr (line, " - ");
      int n = 0;

      if (sep == NULL)
        continue;
      *sep = '\0';
      for (tok = strtok_r (line, " ", &save); tok;
           tok = strtok_r (NULL, " ", &save), n++)
        {
          if (n == 4)
            {
              unescape_field (tok);
              mp = tok;
              if (!path_below (rootfs, mp))
                break;
              if (best && strlen (best) > strlen (mp))
                {
                  mp = NULL;
                  break;
                }
              free (best);
              best = xstrdup (mp);
              best_shared = false;
            }
          else if (n > 5 && mp && strncmp (tok, "shared:", 7) == 0)
            best_shared = true;
        }
    }
  if (best && best_shared && mount (NULL, best, NULL, MS_PRIVATE, NULL) < 0)
    return ocirt_error_errno (err, "make \"%s\" private", best);
  return 0;
}

/* An image whose /proc, /sys or /dev is a symlink could redirect those
   mounts (CVE-2023-27561, CVE-2026-41579).  */
static int
reject_symlinked_dirs (int rootfd, ocirt_error_t *err)
{
  static const char *const names[] = { "proc", "sys", "dev" };
  size_t i;

  for (i = 0; i < ARRAY_SIZE (names); i++)
    {
      struct stat st;
      if (fstatat (rootfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0
          && S_ISLNK (st.st_mode))
        return ocirt_error_set (err, 0, "rootfs: \"/%s\" is a symlink",
                                names[i]);
    }
  return 0;
}

int
ocirt_rootfs_early (struct ocirt_init_ctx *c, ocirt_error_t *err)
{
  return ocirt_idmap_prepare (c, err);
}

/* A missing process.cwd is created (0755, owned by the container's
   root) after the mounts and before the root may turn read-only, as
   runc does.  */
static int
create_cwd (int rootfd, const oci_process *p, ocirt_error_t *err)
{
  cleanup_close int fd = -1;

  if (p == NULL || p->cwd == NULL)
    return 0;
  fd = ocirt_mkdir_all_in_root (rootfd, p->cwd, 0755, err);
  if (fd < 0)
    return ocirt_error_wrap (err, "create the cwd \"%s\"", p->cwd);
  return 0;
}

int
ocirt_rootfs_prepare (struct ocirt_init_ctx *c, ocirt_error_t *err)
{
  const oci_spec *s = c->spec;
  struct ocirt_mount_state st = { 0 };
  cleanup_close int rootfd = -1;
  unsigned long prop;
  size_t i;

  if (parse_propagation (s->linux, &prop, err) < 0)
    return -1;
  /* Never let a container mount reach the host.  */
  if (own_mountns (s)
      && mount (NULL, "/", NULL,
                prop && !(prop & MS_UNBINDABLE) ? prop : MS_SLAVE | MS_REC,
                NULL)
             < 0)
    return ocirt_error_errno (err, "set the propagation of \"/\"");
  if (own_mountns (s) && make_rootfs_parent_private (c->rootfs, err) < 0)
    return -1;
  if (mount (c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return ocirt_error_errno (err, "bind mount the rootfs \"%s\"", c->rootfs);
  rootfd = open (c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return ocirt_error_errno (err, "open the rootfs \"%s\"", c->rootfs);
  if (reject_symlinked_dirs (rootfd, err) < 0)
    return -1;
  for (i = 0; i < s->mounts_len; i++)
    {
      const oci_mount *m = &s->mounts[i];
      if (ocirt_mount_entry (c, rootfd, m, &st, err) < 0)
        return ocirt_error_wrap (err, "mounts[%zu] (%s on %s)", i,
                                 m->type ? m->type : "bind",
                                 m->destination ? m->destination : "?");
    }
  if (!st.dev_bind && ocirt_dev_setup (c, rootfd, st.dev_tmpfs, err) < 0)
    return -1;
  return create_cwd (rootfd, s->process, err);
}

static int
move_root (struct ocirt_init_ctx *c, ocirt_error_t *err)
{
  if (chdir (c->rootfs) < 0)
    return ocirt_error_errno (err, "chdir \"%s\"", c->rootfs);
  if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
    return ocirt_error_errno (err, "move the rootfs onto \"/\"");
  if (chroot (".") < 0)
    return ocirt_error_errno (err, "chroot into the rootfs");
  if (chdir ("/") < 0)
    return ocirt_error_errno (err, "chdir \"/\"");
  return 0;
}

int
ocirt_rootfs_pivot (struct ocirt_init_ctx *c, ocirt_error_t *err)
{
  cleanup_close int oldroot = -1, newroot = -1;

  if (!own_mountns (c->spec))
    {
      if (chdir (c->rootfs) < 0 || chroot (".") < 0 || chdir ("/") < 0)
        return ocirt_error_errno (err, "chroot into \"%s\"", c->rootfs);
      return 0;
    }
  if (c->no_pivot)
    return move_root (c, err);
  oldroot = open ("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0)
    return ocirt_error_errno (err, "open \"/\"");
  newroot = open (c->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (newroot < 0)
    return ocirt_error_errno (err, "open the rootfs \"%s\"", c->rootfs);
  /* pivot_root(".", ".") stacks the old root on top of the new one: no
     directory for it is needed in the rootfs.  */
  if (fchdir (newroot) < 0)
    return ocirt_error_errno (err, "chdir into the rootfs");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return ocirt_error_errno (err, "pivot_root into \"%s\"", c->rootfs);
  if (fchdir (oldroot) < 0)
    return ocirt_error_errno (err, "chdir into the old root");
  /* The detach below must not propagate to the host's mounts.  */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return ocirt_error_errno (err, "make the old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return ocirt_error_errno (err, "unmount the old root");
  if (chdir ("/") < 0)
    return ocirt_error_errno (err, "chdir \"/\"");
  return 0;
}

/* The container's /dev/null, checked to really be 1:3 before it is bound
   over anything (CVE-2025-31133).  */
static int
open_dev_null (int rootfd, ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  fd = ocirt_open_in_root (rootfd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "stat /dev/null");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1
      || minor (st.st_rdev) != 3)
    return ocirt_error_set (err, 0, "/dev/null is not the null device");
  return steal_fd (&fd);
}

/* Masked and read-only paths are set up after pivot_root, when the only
   /proc is the container's own, where a config mount may have replaced
   /proc/1 (the init's "self").  So their mounts are made by fd with the
   mount API (open_tree, fsmount, mount_setattr, move_mount) and never name
   a path.  Kernels without that API (before 5.2; mount_setattr 5.12)
   get mount(2) on /proc/self/fd/N, as before.  */

/* Attach the detached mount TREE onto DST.  */
static int
attach_tree (int tree, int dst)
{
  return (int)syscall (SYS_move_mount, tree, "", dst, "",
                       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* An empty read-only tmpfs, detached: each masked directory gets a clone
   of it.  -1 with errno ENOSYS when the kernel lacks the mount API.  */
static int
open_mask_tmpfs (void)
{
  cleanup_close int fsfd = -1;

  fsfd = (int)syscall (SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return -1;
  if (syscall (SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "source", "tmpfs", 0)
          < 0
      || syscall (SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0
      || syscall (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return (int)syscall (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
}

int
ocirt_bind_by_fd (int src, int dst, bool rec, uint64_t attr)
{
  cleanup_close int tree = -1;

  tree = (int)syscall (SYS_open_tree, src, "",
                       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH
                           | (rec ? AT_RECURSIVE : 0));
  if (tree < 0)
    return -1;
  if (attr)
    {
      struct mount_attr a = { 0 };

      a.attr_set = attr;
      if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof (a))
          < 0)
        return -1;
    }
  return attach_tree (tree, dst);
}

/* Mask PATH: the null device over a file, an empty read-only tmpfs over a
   directory.  *DEVNULL and *EMPTY hold what the next paths reuse.  */
static int
mask_path (int rootfd, const char *path, int *devnull, int *empty,
           ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  char dp[64], sp[64];
  struct stat st;

  fd = ocirt_open_in_root_quiet (rootfd, path, O_PATH, 0);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0 || fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "open masked path \"%s\"", path);
  if (S_ISDIR (st.st_mode))
    {
      if (*empty < 0)
        *empty = open_mask_tmpfs ();
      if (*empty >= 0 && ocirt_bind_by_fd (*empty, fd, false, 0) == 0)
        return 0;
      if (errno != ENOSYS)
        return ocirt_error_errno (err, "mask \"%s\"", path);
      ocirt_fd_path (fd, dp, sizeof (dp));
      if (mount ("tmpfs", dp, "tmpfs", MS_RDONLY, NULL) < 0)
        return ocirt_error_errno (err, "mask \"%s\"", path);
      return 0;
    }
  if (*devnull < 0)
    {
      *devnull = open_dev_null (rootfd, err);
      if (*devnull < 0)
        return ocirt_error_wrap (err, "mask \"%s\"", path);
    }
  if (ocirt_bind_by_fd (*devnull, fd, false, 0) == 0)
    return 0;
  if (errno != ENOSYS)
    return ocirt_error_errno (err, "mask \"%s\"", path);
  ocirt_fd_path (fd, dp, sizeof (dp));
  ocirt_fd_path (*devnull, sp, sizeof (sp));
  if (mount (sp, dp, NULL, MS_BIND, NULL) < 0)
    return ocirt_error_errno (err, "mask \"%s\"", path);
  return 0;
}

static int
readonly_path (int rootfd, const char *path, ocirt_error_t *err)
{
  cleanup_close int fd = -1, top = -1;
  char dp[64];

  fd = ocirt_open_in_root_quiet (rootfd, path, O_PATH, 0);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return ocirt_error_errno (err, "open read-only path \"%s\"", path);
  /* The tree is read-only before it is attached: the path is never seen
     writable.  Only the top mount, as runc does.  */
  if (ocirt_bind_by_fd (fd, fd, true,
                        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                            | MOUNT_ATTR_NOEXEC)
      == 0)
    return 0;
  if (errno != ENOSYS)
    return ocirt_error_errno (err, "bind mount read-only path \"%s\"", path);
  ocirt_fd_path (fd, dp, sizeof (dp));
  if (mount (dp, dp, NULL, MS_BIND | MS_REC, NULL) < 0)
    return ocirt_error_errno (err, "bind mount read-only path \"%s\"", path);
  top = ocirt_reopen_mount (rootfd, path, fd, err);
  if (top < 0)
    return -1;
  return ocirt_remount_bind (top, path,
                             MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
}

static int
remount_root_readonly (ocirt_error_t *err)
{
  struct statvfs sv;
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;

  if (statvfs ("/", &sv) < 0)
    return ocirt_error_errno (err, "statfs \"/\"");
  if (sv.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME)
    flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    flags |= MS_RELATIME;
  if (mount (NULL, "/", NULL, flags, NULL) < 0)
    return ocirt_error_errno (err, "remount \"/\" read-only");
  return 0;
}

int
ocirt_rootfs_finalize (struct ocirt_init_ctx *c, ocirt_error_t *err)
{
  const oci_linux *l = c->spec->linux;
  cleanup_close int rootfd = -1, devnull = -1, empty = -1;
  unsigned long prop;
  size_t i;

  rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return ocirt_error_errno (err, "open \"/\"");
  for (i = 0; l && i < l->masked_paths_len; i++)
    if (mask_path (rootfd, l->masked_paths[i], &devnull, &empty, err) < 0)
      return -1;
  for (i = 0; l && i < l->readonly_paths_len; i++)
    if (readonly_path (rootfd, l->readonly_paths[i], err) < 0)
      return -1;
  if (c->spec->root && c->spec->root->readonly
      && remount_root_readonly (err) < 0)
    return -1;
  if (parse_propagation (l, &prop, err) < 0)
    return -1;
  if (prop && own_mountns (c->spec) && mount (NULL, "/", NULL, prop, NULL) < 0)
    return ocirt_error_errno (err, "set the propagation of \"/\" to \"%s\"",
                              l->rootfs_propagation);
  return 0;
}
