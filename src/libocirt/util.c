#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "util.h"

void
ocirt_freep (void *p)
{
  free (*(void **)p);
}

void
ocirt_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
      *fd = -1;
    }
}

void
ocirt_closedirp (DIR **d)
{
  if (*d)
    {
      int saved = errno;
      closedir (*d);
      errno = saved;
      *d = NULL;
    }
}

void
ocirt_fclosep (FILE **f)
{
  if (*f)
    {
      int saved = errno;
      fclose (*f);
      errno = saved;
      *f = NULL;
    }
}

void
ocirt_strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

void
ocirt_strv_freep (char ***v)
{
  ocirt_strv_free (*v);
  *v = NULL;
}

size_t
ocirt_strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

static void
oom (void)
{
  static const char msg[] = "ocirt: out of memory\n";
  (void)!write (2, msg, sizeof msg - 1);
  abort ();
}

void *
xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xzalloc (size_t n)
{
  return xcalloc (1, n);
}

void *
xcalloc (size_t nmemb, size_t n)
{
  void *p = calloc (nmemb ? nmemb : 1, n ? n : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *p = strdup (s);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrndup (const char *s, size_t n)
{
  char *p = strndup (s, n);
  if (p == NULL)
    oom ();
  return p;
}

int
xasprintf (char **out, const char *fmt, ...)
{
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (out, fmt, ap);
  va_end (ap);
  if (r < 0)
    oom ();
  return r;
}

int
ocirt_parse_int64 (const char *s, int64_t *out)
{
  char *end = NULL;
  long long v;

  if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
    return -EINVAL;
  errno = 0;
  v = strtoll (s, &end, 10);
  if (errno == ERANGE)
    return -ERANGE;
  if (end == s || *end != '\0')
    return -EINVAL;
  *out = v;
  return 0;
}

int
ocirt_parse_uint64 (const char *s, uint64_t *out)
{
  char *end = NULL;
  unsigned long long v;

  if (s == NULL || *s < '0' || *s > '9')
    return -EINVAL;
  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno == ERANGE)
    return -ERANGE;
  if (end == s || *end != '\0')
    return -EINVAL;
  *out = v;
  return 0;
}

char *
ocirt_format_uint (char *buf, unsigned v, const char *suffix)
{
  char digits[16];
  size_t n = 0;

  do
    digits[n++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  for (size_t i = 0; i < n; i++)
    buf[i] = digits[n - 1 - i];
  strcpy (buf + n, suffix);
  return buf;
}

int
ocirt_parse_int (const char *s, int *out)
{
  int64_t v;
  int r = ocirt_parse_int64 (s, &v);
  if (r < 0)
    return r;
  if (v < INT_MIN || v > INT_MAX)
    return -ERANGE;
  *out = (int)v;
  return 0;
}

int
ocirt_parse_uint32 (const char *s, uint32_t *out)
{
  uint64_t v;
  int r = ocirt_parse_uint64 (s, &v);
  if (r < 0)
    return r;
  if (v > UINT32_MAX)
    return -ERANGE;
  *out = (uint32_t)v;
  return 0;
}

ssize_t
ocirt_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  size_t left = len;

  while (left > 0)
    {
      ssize_t w = write (fd, p, left);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      p += w;
      left -= (size_t)w;
    }
  return (ssize_t)len;
}

ssize_t
ocirt_read_all (int fd, void *buf, size_t len)
{
  char *p = buf;
  size_t got = 0;

  while (got < len)
    {
      ssize_t r = read (fd, p + got, len - got);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      if (r == 0)
        break;
      got += (size_t)r;
    }
  return (ssize_t)got;
}

int
ocirt_read_fd (int fd, size_t max, char **out, size_t *len)
{
  size_t cap = 4096, n = 0;
  cleanup_free char *buf = xmalloc (cap + 1);

  for (;;)
    {
      ssize_t r;

      if (n == cap)
        {
          if (cap > max)
            return -EFBIG;
          cap *= 2;
          buf = xrealloc (buf, cap + 1);
        }
      r = read (fd, buf + n, cap - n);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return -errno;
        }
      if (r == 0)
        break;
      n += (size_t)r;
      if (n > max)
        return -EFBIG;
    }
  buf[n] = '\0';
  *out = steal_ptr (&buf);
  if (len)
    *len = n;
  return 0;
}

int
ocirt_read_file_at (int dirfd, const char *path, size_t max, char **out,
                    size_t *len)
{
  cleanup_close int fd = openat (dirfd < 0 ? AT_FDCWD : dirfd, path,
                                 O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return -errno;
  return ocirt_read_fd (fd, max, out, len);
}

int
ocirt_openat_beneath (int dirfd, const char *path, int flags)
{
#ifdef SYS_openat2
  struct
  {
    uint64_t flags, mode, resolve;
  } how = { (uint64_t)(flags | O_NOFOLLOW), 0,
            0x08 /* RESOLVE_BENEATH */ | 0x04 /* RESOLVE_NO_SYMLINKS */ };
  int fd = (int)syscall (SYS_openat2, dirfd, path, &how, sizeof how);

  if (fd >= 0)
    return fd;
  if (errno != ENOSYS)
    return -errno;
#endif
  {
    /* One component at a time, none of them a symlink.  */
    cleanup_free char *copy = xstrdup (path);
    cleanup_close int cur = -1;
    char *save = NULL, *next;
    int at = dirfd, fd;

    for (char *c = strtok_r (copy, "/", &save); c; c = next)
      {
        next = strtok_r (NULL, "/", &save);
        if (strcmp (c, "..") == 0)
          return -EXDEV;
        if (next == NULL)
          {
            fd = openat (at, c, flags | O_NOFOLLOW);
            return fd < 0 ? -errno : fd;
          }
        fd = openat (at, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
          return -errno;
        if (cur >= 0)
          close (cur);
        at = cur = fd;
      }
    return -ENOENT;
  }
}

int
ocirt_read_record_at (int dirfd, const char *path, char *buf, size_t size)
{
  cleanup_close int fd = openat (dirfd < 0 ? AT_FDCWD : dirfd, path,
                                 O_RDONLY | O_CLOEXEC | O_NOCTTY);
  ssize_t r;

  if (fd < 0)
    return -errno;
  do
    r = read (fd, buf, size - 1);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return -errno;
  /* Filled: there may be more than fits.  */
  if ((size_t)r == size - 1)
    return -EFBIG;
  buf[r] = '\0';
  return (int)r;
}

int
ocirt_write_file_at (int dirfd, const char *path, const void *buf, size_t len)
{
  cleanup_close int fd = openat (dirfd < 0 ? AT_FDCWD : dirfd, path,
                                 O_WRONLY | O_CLOEXEC | O_NOCTTY);
  ssize_t w;

  if (fd < 0)
    return -errno;
  /* Knobs want the value in one write.  */
  do
    w = write (fd, buf, len);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return -errno;
  if ((size_t)w != len)
    return -EIO;
  return 0;
}

int
ocirt_write_file_atomic_at (int dirfd, const char *name, const void *buf,
                            size_t len, mode_t mode)
{
  cleanup_free char *tmp = NULL;
  cleanup_close int fd = -1;
  int r;

  xasprintf (&tmp, ".%s.tmp.%d", name, (int)getpid ());
  fd = openat (dirfd, tmp,
               O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return -errno;
  /* No fsync: runtime state lives on tmpfs and means nothing after a
     reboot; the rename alone makes readers see old or new, never half.  */
  if (ocirt_write_all (fd, buf, len) < 0)
    {
      r = -errno;
      unlinkat (dirfd, tmp, 0);
      return r;
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      r = -errno;
      unlinkat (dirfd, tmp, 0);
      return r;
    }
  return 0;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (the civil calendar
   counted in 400-year eras of 146097 days, years starting in March).  */
static void
civil_date (long long days, long long *year, unsigned *month, unsigned *day)
{
  long long z = days + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;

  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = (long long)yoe + era * 400 + (*month <= 2);
}

void
ocirt_rfc3339_format (const struct timespec *ts, char *buf, size_t len)
{
  long long secs = (long long)ts->tv_sec;
  long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  long long rest = secs - days * 86400;
  long long year;
  unsigned month, day;

  /* Not gmtime_r or strftime: glibc loads the local time zone for them (a
     read of /etc/localtime) that UTC does not need.  */
  civil_date (days, &year, &month, &day);
  snprintf (buf, len, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09ldZ", year,
            month, day, rest / 3600, rest / 60 % 60, rest % 60,
            (long)ts->tv_nsec);
}

void
ocirt_rfc3339_now (char *buf, size_t len)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  ocirt_rfc3339_format (&ts, buf, len);
}

int
ocirt_pidfd_open (pid_t pid)
{
#ifdef SYS_pidfd_open
  return (int)syscall (SYS_pidfd_open, pid, 0);
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}
