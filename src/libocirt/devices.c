#include <config.h>
/* ocirt: device nodes and symlinks in the container's /dev.  */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mounts.h"
#include "rootfs.h"
#include "util.h"

struct dev_spec
{
  const char *path;
  mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

static const struct dev_spec std_devices[] = {
  { "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0 },
  { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0 },
  { "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0 },
  { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0 },
  { "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0 },
  { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0 },
};

static const struct
{
  const char *name;
  const char *target;
} dev_links[] = {
  { "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
  { "ptmx", "pts/ptmx" },
};

static bool
same_node (const struct stat *st, const struct dev_spec *d)
{
  if ((st->st_mode & S_IFMT) != d->type)
    return false;
  if (d->type == S_IFIFO)
    return true;
  return major (st->st_rdev) == d->major && minor (st->st_rdev) == d->minor;
}

/* In a user namespace mknod is refused: bind the host's node onto an
   empty file instead.  */
static int
bind_host_device (int parentfd, const char *base, const struct dev_spec *d,
                  ocirt_error_t *err)
{
  cleanup_close int src = -1, dst = -1;
  char sp[64], dp[64];
  struct stat st;

  src = open (d->path, O_PATH | O_CLOEXEC);
  if (src < 0 || fstat (src, &st) < 0)
    return ocirt_error_errno (err, "open host device \"%s\"", d->path);
  if (!same_node (&st, d))
    return ocirt_error_set (err, 0, "host device \"%s\" is not %u:%u", d->path,
                            d->major, d->minor);
  if (mknodat (parentfd, base, S_IFREG | 0600, 0) < 0 && errno != EEXIST)
    return ocirt_error_errno (err, "create \"%s\"", d->path);
  dst = openat (parentfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0 || fstat (dst, &st) < 0)
    return ocirt_error_errno (err, "open \"%s\"", d->path);
  if (S_ISLNK (st.st_mode) || S_ISDIR (st.st_mode))
    return ocirt_error_set (err, 0, "\"%s\" exists and is not a file", d->path);
  ocirt_fd_path (src, sp, sizeof (sp));
  ocirt_fd_path (dst, dp, sizeof (dp));
  if (mount (sp, dp, NULL, MS_BIND, NULL) < 0)
    return ocirt_error_errno (err, "bind mount device \"%s\"", d->path);
  return 0;
}

static int
make_node (int parentfd, const char *base, const struct dev_spec *d,
           ocirt_error_t *err)
{
  struct stat st;

  if (mknodat (parentfd, base, d->type | (d->mode & 07777),
               makedev (d->major, d->minor))
      < 0)
    {
      if (errno != EEXIST)
        return ocirt_error_errno (err, "mknod \"%s\"", d->path);
      if (fstatat (parentfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return ocirt_error_errno (err, "stat \"%s\"", d->path);
      if (!same_node (&st, d))
        return ocirt_error_set (err, 0,
                                "device \"%s\" exists and does not "
                                "match the requested type %u:%u",
                                d->path, d->major, d->minor);
      /* A matching node that is a mount (a bind of the host's own
         device) is left as it is: its owner and mode are the host's.  A
         node that is part of the rootfs gets the configured ones.  */
      {
        struct stat pst;
        if (fstat (parentfd, &pst) < 0)
          return ocirt_error_errno (err, "stat the parent of \"%s\"", d->path);
        if (pst.st_dev != st.st_dev)
          return 0;
      }
    }
  /* The node is known not to be a symlink: chmod/chown the name.  */
  if (fchmodat (parentfd, base, d->mode & 07777, 0) < 0)
    return ocirt_error_errno (err, "chmod \"%s\"", d->path);
  if (fchownat (parentfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirt_error_errno (err, "chown \"%s\"", d->path);
  return 0;
}

static int
create_device (struct ocirt_init_ctx *c, int rootfd, const struct dev_spec *d,
               ocirt_error_t *err)
{
  cleanup_free char *base = NULL;
  cleanup_close int parent = -1;

  parent = ocirt_open_parent_in_root (rootfd, d->path, &base, err);
  if (parent < 0)
    return -1;
  if (c->has_userns)
    return bind_host_device (parent, base, d, err);
  return make_node (parent, base, d, err);
}

static int
spec_device (const oci_device *od, struct dev_spec *d, ocirt_error_t *err)
{
  memset (d, 0, sizeof (*d));
  d->path = od->path;
  switch (od->type)
    {
    case 'c':
    case 'u':
      d->type = S_IFCHR;
      break;
    case 'b':
      d->type = S_IFBLK;
      break;
    case 'p':
      d->type = S_IFIFO;
      break;
    default:
      return ocirt_error_set (err, 0, "device \"%s\": unknown type '%c'",
                              od->path, od->type);
    }
  if (d->type != S_IFIFO && (!od->has_major || !od->has_minor))
    return ocirt_error_set (err, 0,
                            "device \"%s\": major and minor "
                            "required",
                            od->path);
  d->major = (unsigned)od->major;
  d->minor = (unsigned)od->minor;
  /* Permission bits only: a file type in fileMode is ignored.  */
  d->mode = od->has_file_mode ? (mode_t)od->file_mode & 07777 : 0666;
  d->uid = od->has_uid ? od->uid : 0;
  d->gid = od->has_gid ? od->gid : 0;
  return 0;
}

static bool
listed (const oci_linux *l, const char *path)
{
  size_t i;

  for (i = 0; l && i < l->devices_len; i++)
    if (l->devices[i].path && strcmp (l->devices[i].path, path) == 0)
      return true;
  return false;
}

static int
dev_links_create (int rootfd, ocirt_error_t *err)
{
  cleanup_close int devfd = -1;
  size_t i;

  /* /dev itself must not be a symlink (CVE-2026-41579).  */
  devfd = ocirt_open_in_root (rootfd, "/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW,
                              0, err);
  if (devfd < 0)
    return -1;
  for (i = 0; i < ARRAY_SIZE (dev_links); i++)
    if (symlinkat (dev_links[i].target, devfd, dev_links[i].name) < 0
        && errno != EEXIST)
      return ocirt_error_errno (err, "symlink \"/dev/%s\"", dev_links[i].name);
  return 0;
}

int
ocirt_dev_setup (struct ocirt_init_ctx *c, int rootfd, bool default_devices,
                 ocirt_error_t *err)
{
  const oci_linux *l = c->spec->linux;
  mode_t old = umask (0);
  int r = 0;
  size_t i;

  if (default_devices)
    {
      r = dev_links_create (rootfd, err);
      for (i = 0; r == 0 && i < ARRAY_SIZE (std_devices); i++)
        if (!listed (l, std_devices[i].path))
          r = create_device (c, rootfd, &std_devices[i], err);
    }
  for (i = 0; r == 0 && l && i < l->devices_len; i++)
    {
      struct dev_spec d;
      /* /dev/ptmx stays the link to devpts' ptmx, as with runc, even
         when listed (podman --privileged lists every host device).  */
      if (default_devices && l->devices[i].path
          && strcmp (l->devices[i].path, "/dev/ptmx") == 0)
        continue;
      r = spec_device (&l->devices[i], &d, err);
      if (r == 0)
        r = create_device (c, rootfd, &d, err);
    }
  umask (old);
  return r;
}
