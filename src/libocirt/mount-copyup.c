#include <config.h>
/* ocirt: "tmpcopyup": copy what a tmpfs shadows into it.

   Both sides are directory fds: the source was opened before the tmpfs
   went on top of it, the destination is the new tmpfs.  Every entry is
   opened relative to its parent with O_NOFOLLOW, so symlinks are copied as
   symlinks and never followed.  */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "util.h"

#define MAX_DEPTH 128

static int copy_dir (int from, int to, const char *what, int depth,
                     ocirt_error_t *err);

static void
copy_attrs (int fd, const struct stat *st)
{
  struct timespec ts[2] = { st->st_atim, st->st_mtim };

  /* Best effort: ids may be unmapped in a user namespace.  */
  if (fchown (fd, st->st_uid, st->st_gid) < 0 && errno != EPERM
      && errno != EINVAL)
    return;
  fchmod (fd, st->st_mode & 07777);
  futimens (fd, ts);
}

static int
copy_data (int in, int out, const char *what, ocirt_error_t *err)
{
  char buf[65536];

  for (;;)
    {
      ssize_t n = read (in, buf, sizeof (buf));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return ocirt_error_errno (err, "tmpcopyup: read \"%s\"", what);
      if (n == 0)
        return 0;
      if (ocirt_write_all (out, buf, (size_t)n) < 0)
        return ocirt_error_errno (err, "tmpcopyup: write \"%s\"", what);
    }
}

static int
copy_file (int from, int to, const char *name, const struct stat *st,
           ocirt_error_t *err)
{
  cleanup_close int in = -1, out = -1;

  in = openat (from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return ocirt_error_errno (err, "tmpcopyup: open \"%s\"", name);
  out = openat (to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0600);
  if (out < 0)
    return ocirt_error_errno (err, "tmpcopyup: create \"%s\"", name);
  if (copy_data (in, out, name, err) < 0)
    return -1;
  copy_attrs (out, st);
  return 0;
}

static int
copy_symlink (int from, int to, const char *name, const struct stat *st,
              ocirt_error_t *err)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat (from, name, target, sizeof (target) - 1);

  if (n < 0)
    return ocirt_error_errno (err, "tmpcopyup: readlink \"%s\"", name);
  target[n] = '\0';
  if (symlinkat (target, to, name) < 0)
    return ocirt_error_errno (err, "tmpcopyup: symlink \"%s\"", name);
  fchownat (to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
  return 0;
}

static int
copy_node (int to, const char *name, const struct stat *st, ocirt_error_t *err)
{
  if (mknodat (to, name, st->st_mode, st->st_rdev) < 0)
    return ocirt_error_errno (err, "tmpcopyup: mknod \"%s\"", name);
  fchownat (to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
  fchmodat (to, name, st->st_mode & 07777, 0);
  return 0;
}

static int
copy_subdir (int from, int to, const char *name, const struct stat *st,
             int depth, ocirt_error_t *err)
{
  cleanup_close int in = -1, out = -1;

  in = openat (from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return ocirt_error_errno (err, "tmpcopyup: open \"%s\"", name);
  if (mkdirat (to, name, 0700) < 0)
    return ocirt_error_errno (err, "tmpcopyup: mkdir \"%s\"", name);
  out = openat (to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (out < 0)
    return ocirt_error_errno (err, "tmpcopyup: open \"%s\"", name);
  if (copy_dir (in, out, name, depth + 1, err) < 0)
    return -1;
  copy_attrs (out, st);
  return 0;
}

static int
copy_entry (int from, int to, const char *name, int depth, ocirt_error_t *err)
{
  struct stat st;

  if (fstatat (from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirt_error_errno (err, "tmpcopyup: stat \"%s\"", name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFDIR:
      return copy_subdir (from, to, name, &st, depth, err);
    case S_IFREG:
      return copy_file (from, to, name, &st, err);
    case S_IFLNK:
      return copy_symlink (from, to, name, &st, err);
    case S_IFCHR:
    case S_IFBLK:
    case S_IFIFO:
      return copy_node (to, name, &st, err);
    default:
      return 0; /* sockets are not copied */
    }
}

static int
copy_dir (int from, int to, const char *what, int depth, ocirt_error_t *err)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  int fd;

  if (depth > MAX_DEPTH)
    return ocirt_error_set (err, ELOOP, "tmpcopyup: \"%s\" too deep", what);
  fd = fcntl (from, F_DUPFD_CLOEXEC, 3);
  if (fd < 0)
    return ocirt_error_errno (err, "tmpcopyup: dup");
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return ocirt_error_errno (err, "tmpcopyup: read directory \"%s\"", what);
    }
  while ((errno = 0, de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (copy_entry (from, to, de->d_name, depth, err) < 0)
        return -1;
    }
  if (errno != 0)
    return ocirt_error_errno (err, "tmpcopyup: read directory \"%s\"", what);
  return 0;
}

int
ocirt_copy_tree (int fromfd, int tofd, const char *what, ocirt_error_t *err)
{
  struct stat st;

  if (copy_dir (fromfd, tofd, what, 0, err) < 0)
    return ocirt_error_wrap (err, "tmpcopyup on \"%s\"", what);
  /* The tmpfs root takes the mode and owner of the directory it hides.  */
  if (fstat (fromfd, &st) == 0)
    copy_attrs (tofd, &st);
  return 0;
}
