#include <config.h>
/* ocirt: fd-relative lookups below the container root.

   Every path inside the rootfs is resolved relative to an fd of the root,
   never as a host path string: a rootfs (or a volume shared with another
   container) may contain symlinks that point outside, or swap a directory
   for a symlink between a check and its use.  */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "rootfs.h"
#include "util.h"

#define MAX_SYMLINKS 40

static bool openat2_missing;

void
ocirt_openat2_disable (bool disable)
{
  openat2_missing = disable;
}

static int
try_openat2 (int rootfd, const char *path, int flags, mode_t mode)
{
  struct open_how how = { 0 };
  int i, fd = -1;

  how.flags = (uint64_t)(flags | O_CLOEXEC);
  if (flags & (O_CREAT | O_TMPFILE))
    how.mode = mode;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  /* EAGAIN: a concurrent rename in the tree; the kernel asks to retry.  */
  for (i = 0; i < 64; i++)
    {
      fd = (int)syscall (SYS_openat2, rootfd, path, &how, sizeof (how));
      if (fd >= 0 || errno != EAGAIN)
        break;
    }
  return fd;
}

/* Split the next component off *rest.  Returns false at the end.  */
static bool
next_component (const char **rest, char *out, size_t outlen)
{
  const char *p = *rest, *end;
  size_t n;

  while (*p == '/')
    p++;
  if (*p == '\0')
    {
      *rest = p;
      return false;
    }
  end = strchrnul (p, '/');
  n = (size_t)(end - p);
  if (n >= outlen)
    n = outlen - 1;
  memcpy (out, p, n);
  out[n] = '\0';
  *rest = end;
  return true;
}

static bool
only_slashes (const char *p)
{
  while (*p == '/')
    p++;
  return *p == '\0';
}

/* Open the directory named by the components of DONE (a '/'-separated
   list already free of symlinks and dot-dots) below rootfd.  */
static int
open_resolved (int rootfd, const char *done)
{
  cleanup_close int cur = fcntl (rootfd, F_DUPFD_CLOEXEC, 3);
  char comp[NAME_MAX + 1];
  const char *rest = done;

  if (cur < 0)
    return -1;
  while (next_component (&rest, comp, sizeof (comp)))
    {
      int fd
          = openat (cur, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        return -1;
      close (cur);
      cur = fd;
    }
  return steal_fd (&cur);
}

static void
drop_last (char *done)
{
  char *slash = strrchr (done, '/');
  if (slash)
    *slash = '\0';
  else
    done[0] = '\0';
}

/* The walk used when openat2 is missing: one component at a time with
   O_NOFOLLOW; symlinks are expanded by hand and kept inside the root,
   ".." never climbs above it.  */
static int
walk_open (int rootfd, const char *path, int flags, mode_t mode)
{
  cleanup_free char *pending = xstrdup (path);
  cleanup_free char *done = xzalloc (PATH_MAX + 1);
  cleanup_close int cur = fcntl (rootfd, F_DUPFD_CLOEXEC, 3);
  char comp[NAME_MAX + 1];
  const char *rest;
  int links = 0;

  if (cur < 0)
    return -1;
  rest = pending;
  while (next_component (&rest, comp, sizeof (comp)))
    {
      bool last = only_slashes (rest);
      bool trailing_slash = last && *rest == '/';
      struct stat st;
      int fd;

      if (strcmp (comp, ".") == 0 && !last)
        continue;
      if (strcmp (comp, "..") == 0)
        {
          drop_last (done);
          close (cur);
          cur = open_resolved (rootfd, done);
          if (cur < 0)
            return -1;
          if (last)
            return openat (cur, ".", flags | O_CLOEXEC, mode);
          continue;
        }
      fd = openat (cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        {
          if (last && errno == ENOENT && (flags & O_CREAT))
            return openat (cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
          return -1;
        }
      if (fstat (fd, &st) < 0)
        {
          int saved = errno;
          close (fd);
          errno = saved;
          return -1;
        }
      if (S_ISLNK (st.st_mode)
          && (!last || trailing_slash || !(flags & O_NOFOLLOW)))
        {
          char target[PATH_MAX];
          ssize_t n = readlinkat (fd, "", target, sizeof (target) - 1);
          char *np;

          close (fd);
          if (n < 0)
            return -1;
          target[n] = '\0';
          if (++links > MAX_SYMLINKS)
            {
              errno = ELOOP;
              return -1;
            }
          if (target[0] == '/')
            {
              done[0] = '\0';
              close (cur);
              cur = fcntl (rootfd, F_DUPFD_CLOEXEC, 3);
              if (cur < 0)
                return -1;
            }
          xasprintf (&np, "%s/%s", target, rest);
          free (pending);
          pending = np;
          rest = pending;
          continue;
        }
      if (last)
        {
          close (fd);
          if ((flags & O_CREAT) && (flags & O_EXCL))
            {
              errno = EEXIST;
              return -1;
            }
          return openat (cur, comp,
                         (flags & ~O_CREAT) | O_NOFOLLOW | O_CLOEXEC);
        }
      if (!S_ISDIR (st.st_mode))
        {
          close (fd);
          errno = ENOTDIR;
          return -1;
        }
      if (strlen (done) + strlen (comp) + 2 > PATH_MAX)
        {
          close (fd);
          errno = ENAMETOOLONG;
          return -1;
        }
      if (done[0] != '\0')
        strcat (done, "/");
      strcat (done, comp);
      close (cur);
      cur = fd;
    }
  /* The path named the root itself.  */
  return openat (cur, ".", (flags & ~O_CREAT) | O_CLOEXEC);
}

static int
open_in_root_raw (int rootfd, const char *path, int flags, mode_t mode)
{
  int fd;

  if (path == NULL || *path == '\0')
    path = "/";
  if (!openat2_missing)
    {
      fd = try_openat2 (rootfd, path, flags, mode);
      if (fd >= 0 || errno != ENOSYS)
        return fd;
      openat2_missing = true;
    }
  return walk_open (rootfd, path, flags, mode);
}

int
ocirt_open_in_root (int rootfd, const char *path, int flags, mode_t mode,
                    ocirt_error_t *err)
{
  int fd = open_in_root_raw (rootfd, path, flags, mode);
  if (fd < 0)
    return ocirt_error_errno (err, "open \"%s\" in the container root", path);
  return fd;
}

int
ocirt_open_in_root_quiet (int rootfd, const char *path, int flags, mode_t mode)
{
  return open_in_root_raw (rootfd, path, flags, mode);
}

/* Open the parent directory of PATH (symlinks followed inside the root)
   and return the last component in *base.  */
static int
open_parent (int rootfd, const char *path, char **base, ocirt_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  size_t len = strlen (copy);
  char *slash;
  int fd;

  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  slash = strrchr (copy, '/');
  if (slash == NULL)
    {
      *base = xstrdup (copy);
      copy[0] = '\0';
    }
  else
    {
      *base = xstrdup (slash + 1);
      slash[slash == copy ? 1 : 0] = '\0';
    }
  if (**base == '\0' || strcmp (*base, ".") == 0 || strcmp (*base, "..") == 0)
    {
      free (steal_ptr (base));
      return ocirt_error_set (err, EINVAL, "invalid path \"%s\"", path);
    }
  fd = ocirt_mkdir_all_in_root (rootfd, copy, 0755, err);
  if (fd < 0)
    free (steal_ptr (base));
  return fd;
}

/* A dangling symlink at prefix: the path it stands for, with the rest of
   the original path appended (kept inside the root by the next lookup).  */
static char *
expand_dangling (int parentfd, const char *comp, const char *prefix,
                 const char *rest)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat (parentfd, comp, target, sizeof (target) - 1);
  size_t dirlen;
  char *r;

  if (n < 0)
    return NULL;
  target[n] = '\0';
  if (target[0] == '/')
    {
      xasprintf (&r, "%s/%s", target, rest);
      return r;
    }
  dirlen = strlen (prefix) - strlen (comp) - 1;
  xasprintf (&r, "%.*s/%s/%s", (int)dirlen, prefix, target, rest);
  return r;
}

static int
mkdir_all (int rootfd, const char *path, mode_t mode, int depth,
           ocirt_error_t *err)
{
  cleanup_free char *prefix = xzalloc (strlen (path) + 2);
  cleanup_close int parent = -1;
  char comp[NAME_MAX + 1];
  const char *rest = path;
  int fd;

  fd = open_in_root_raw (rootfd, path, O_PATH | O_DIRECTORY, 0);
  if (fd >= 0 || errno != ENOENT)
    {
      if (fd < 0)
        return ocirt_error_errno (err,
                                  "open directory \"%s\" in the "
                                  "container root",
                                  path);
      return fd;
    }
  parent = open_in_root_raw (rootfd, "/", O_PATH | O_DIRECTORY, 0);
  if (parent < 0)
    return ocirt_error_errno (err, "open the container root");
  while (next_component (&rest, comp, sizeof (comp)))
    {
      strcat (prefix, "/");
      strcat (prefix, comp);
      fd = open_in_root_raw (rootfd, prefix, O_PATH | O_DIRECTORY, 0);
      if (fd < 0 && errno == ENOENT)
        {
          struct stat st;
          if (mkdirat (parent, comp, mode) < 0 && errno != EEXIST)
            return ocirt_error_errno (err,
                                      "mkdir \"%s\" in the container "
                                      "root",
                                      prefix);
          if (errno == EEXIST
              && fstatat (parent, comp, &st, AT_SYMLINK_NOFOLLOW) == 0
              && S_ISLNK (st.st_mode))
            {
              cleanup_free char *np = NULL;
              if (depth >= MAX_SYMLINKS)
                return ocirt_error_set (err, ELOOP,
                                        "mkdir \"%s\" in the "
                                        "container root",
                                        path);
              np = expand_dangling (parent, comp, prefix, rest);
              if (np == NULL)
                return ocirt_error_errno (err, "readlink \"%s\"", prefix);
              return mkdir_all (rootfd, np, mode, depth + 1, err);
            }
          /* Just created: a symlink here now is someone racing us.  */
          fd = openat (parent, comp,
                       O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
      if (fd < 0)
        return ocirt_error_errno (err,
                                  "open directory \"%s\" in the "
                                  "container root",
                                  prefix);
      close (parent);
      parent = fd;
    }
  return steal_fd (&parent);
}

int
ocirt_mkdir_all_in_root (int rootfd, const char *path, mode_t mode,
                         ocirt_error_t *err)
{
  return mkdir_all (rootfd, path, mode, 0, err);
}

int
ocirt_mkfile_in_root (int rootfd, const char *path, mode_t mode,
                      ocirt_error_t *err)
{
  cleanup_free char *base = NULL;
  cleanup_close int parent = -1;
  int fd;

  fd = open_in_root_raw (rootfd, path, O_PATH, 0);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return ocirt_error_errno (err, "open \"%s\" in the container root", path);
  parent = open_parent (rootfd, path, &base, err);
  if (parent < 0)
    return -1;
  /* mknodat never follows a symlink planted at the name.  */
  if (mknodat (parent, base, S_IFREG | mode, 0) < 0 && errno != EEXIST)
    return ocirt_error_errno (err, "create \"%s\" in the container root", path);
  fd = openat (parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open \"%s\" in the container root", path);
  return fd;
}

int
ocirt_open_parent_in_root (int rootfd, const char *path, char **base,
                           ocirt_error_t *err)
{
  return open_parent (rootfd, path, base, err);
}

void
ocirt_fd_path (int fd, char *buf, size_t len)
{
  snprintf (buf, len, "/proc/self/fd/%d", fd);
}
