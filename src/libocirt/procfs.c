#include <config.h>
/* ocirt: a private procfs handle (CVE-2019-16884, CVE-2025-52881).

   The init writes sysctls, oom_score_adj and LSM attributes into /proc.
   The container's /proc is a path the image, a volume or a racing
   container can mount over, so these writes go through an fd on a procfs
   instance that has no path at all (a detached mount) or, failing that,
   a clone of the /proc mount without its submounts.  Every file below it
   is opened without following symlinks or crossing mounts, and checked
   to be a regular file of procfs before it is written.  */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>

#include "mount-api.h"
#include "procfs.h"
#include "util.h"

/* The root directory of every procfs instance.  */
#define PROC_ROOT_INO 1

/* A detached mount of a new procfs instance: no container process can
   reach it by path, so nothing can be mounted on anything in it.  Fails
   with EPERM in a user namespace that does not own its pid namespace,
   or where a fully visible /proc is missing.  */
static int
open_fresh (void)
{
  cleanup_close int fsfd = -1;

  fsfd = (int)syscall (SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return -1;
  if (syscall (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return (int)syscall (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
                       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                           | MOUNT_ATTR_NOEXEC);
}

/* A copy of the /proc mount alone: whatever is mounted below it is left
   out (never AT_RECURSIVE).  */
static int
open_clone (void)
{
  return (int)syscall (SYS_open_tree, AT_FDCWD, "/proc",
                       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                           | AT_SYMLINK_NOFOLLOW);
}

static int
check_root (int fd, ocirt_error_t *err)
{
  struct statfs sfs;
  struct stat st;

  if (fstatfs (fd, &sfs) < 0 || fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "stat the procfs handle");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return ocirt_error_set (err, 0, "the procfs handle is not on procfs");
  if (!S_ISDIR (st.st_mode) || st.st_ino != PROC_ROOT_INO)
    return ocirt_error_set (err, 0,
                            "the procfs handle is not the root of a "
                            "procfs");
  return 0;
}

int
ocirt_procfs_open (ocirt_error_t *err)
{
  cleanup_close int fd = open_fresh ();

  if (fd < 0)
    fd = open_clone ();
  if (fd < 0)
    fd = open ("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open a procfs handle");
  if (check_root (fd, err) < 0)
    return -1;
  return steal_fd (&fd);
}

static int
check_on_procfs (int fd, const char *rel, ocirt_error_t *err)
{
  struct statfs sfs;

  if (fstatfs (fd, &sfs) < 0)
    return ocirt_error_errno (err, "statfs /proc/%s", rel);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return ocirt_error_set (err, 0, "/proc/%s is not on procfs", rel);
  return 0;
}

/* Before openat2 (Linux 5.6): one component at a time, O_NOFOLLOW,
   each directory checked to be procfs.  */
static int
walk_open (int procfd, const char *rel, int flags, ocirt_error_t *err)
{
  cleanup_free char *copy = xstrdup (rel);
  cleanup_close int dir = -1;
  char *comp = copy, *slash;
  int cur = procfd, fd;

  while ((slash = strchr (comp, '/')) != NULL)
    {
      int next;

      *slash = '\0';
      next = openat (cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        return ocirt_error_errno (err, "open /proc/%s", rel);
      if (dir >= 0)
        close (dir);
      cur = dir = next;
      if (check_on_procfs (dir, rel, err) < 0)
        return -1;
      comp = slash + 1;
    }
  fd = openat (cur, comp, flags | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open /proc/%s", rel);
  return fd;
}

static bool
valid_rel (const char *rel)
{
  const char *c = rel;

  if (*rel == '\0' || *rel == '/')
    return false;
  for (;;)
    {
      size_t n = strcspn (c, "/");
      if (n == 0 || (n == 1 && c[0] == '.')
          || (n == 2 && c[0] == '.' && c[1] == '.'))
        return false;
      if (c[n] == '\0')
        return true;
      c += n + 1;
    }
}

int
ocirt_procfs_openat (int procfd, const char *rel, int flags, ocirt_error_t *err)
{
  struct open_how how = { 0 };
  cleanup_close int fd = -1;
  struct stat st;

  if (!valid_rel (rel))
    return ocirt_error_set (err, EINVAL, "open /proc/%s", rel);
  how.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
                | RESOLVE_NO_XDEV;
  fd = (int)syscall (SYS_openat2, procfd, rel, &how, sizeof (how));
  if (fd < 0 && errno != ENOSYS)
    return ocirt_error_errno (err, "open /proc/%s", rel);
  if (fd < 0)
    fd = walk_open (procfd, rel, flags, err);
  if (fd < 0)
    return -1;
  if (check_on_procfs (fd, rel, err) < 0)
    return -1;
  if (fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "stat /proc/%s", rel);
  if (!S_ISREG (st.st_mode))
    return ocirt_error_set (err, 0, "/proc/%s is not a regular file", rel);
  return steal_fd (&fd);
}

/* "thread-self" of the instance reads "PID/task/TID", the numbers of the
   caller in the instance's pid namespace.  */
static int
thread_dir (int procfd, char *buf, size_t size, ocirt_error_t *err)
{
  char link[64], *sep;
  ssize_t n;
  int pid, tid;

  n = readlinkat (procfd, "thread-self", link, sizeof link - 1);
  if (n < 0)
    return ocirt_error_errno (err, "readlink /proc/thread-self");
  link[n] = '\0';
  sep = strstr (link, "/task/");
  if (sep == NULL)
    return ocirt_error_set (err, 0, "unexpected /proc/thread-self \"%s\"",
                            link);
  *sep = '\0';
  if (ocirt_parse_int (link, &pid) < 0 || ocirt_parse_int (sep + 6, &tid) < 0
      || pid <= 0 || tid <= 0)
    return ocirt_error_set (err, 0, "unexpected /proc/thread-self");
  snprintf (buf, size, "%d/task/%d", pid, tid);
  return 0;
}

int
ocirt_procfs_open_self (int procfd, const char *rel, int flags,
                        ocirt_error_t *err)
{
  cleanup_free char *path = NULL;
  char dir[64];

  if (thread_dir (procfd, dir, sizeof dir, err) < 0)
    return -1;
  xasprintf (&path, "%s/%s", dir, rel);
  return ocirt_procfs_openat (procfd, path, flags, err);
}

int
ocirt_procfs_fd_dir (int procfd, ocirt_error_t *err)
{
  struct open_how how = { 0 };
  cleanup_close int dirfd = -1;
  cleanup_free char *path = NULL;
  char dir[64];

  if (thread_dir (procfd, dir, sizeof dir, err) < 0)
    return -1;
  xasprintf (&path, "%s/fd", dir);
  how.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
                | RESOLVE_NO_XDEV;
  dirfd = (int)syscall (SYS_openat2, procfd, path, &how, sizeof (how));
  if (dirfd < 0 && errno == ENOSYS)
    dirfd = openat (procfd, path, (int)how.flags);
  if (dirfd < 0)
    return ocirt_error_errno (err, "open /proc/%s", path);
  if (check_on_procfs (dirfd, path, err) < 0)
    return -1;
  return steal_fd (&dirfd);
}

int
ocirt_procfs_reopen_fd (int fddir, int fd, int flags, ocirt_error_t *err)
{
  char name[16];
  int newfd;

  /* The last component is the magic link itself: followed.  A process
     may always look at its own fds, whatever its dumpable flag.  Only
     openat: the container's seccomp filter may be in place already.  */
  snprintf (name, sizeof name, "%d", fd);
  newfd = openat (fddir, name, flags | O_CLOEXEC);
  if (newfd < 0)
    return ocirt_error_errno (err, "reopen fd %d", fd);
  return newfd;
}
