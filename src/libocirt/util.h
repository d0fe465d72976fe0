/* ocirt: small helpers shared by the whole runtime.  */
#ifndef OCIRT_UTIL_H
#define OCIRT_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define cleanup_free __attribute__ ((cleanup (ocirt_freep)))
#define cleanup_close __attribute__ ((cleanup (ocirt_closep)))
#define cleanup_dir __attribute__ ((cleanup (ocirt_closedirp)))
#define cleanup_file __attribute__ ((cleanup (ocirt_fclosep)))
#define cleanup_strv __attribute__ ((cleanup (ocirt_strv_freep)))

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))
#define UNUSED __attribute__ ((unused))

void ocirt_freep (void *p);
void ocirt_closep (int *fd);
void ocirt_closedirp (DIR **d);
void ocirt_fclosep (FILE **f);
void ocirt_strv_freep (char ***v);
void ocirt_strv_free (char **v);

/* Hand ownership out of a cleanup variable.  */
static inline int
steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

#define steal_ptr(pp)                                                          \
  ({                                                                           \
    __typeof__ (*(pp)) _p = *(pp);                                             \
    *(pp) = NULL;                                                              \
    _p;                                                                        \
  })

/* Allocation failures abort: a runtime cannot do anything useful without
   memory, and every caller checking NULL would hide real errors.  */
void *xmalloc (size_t n);
void *xzalloc (size_t n);
void *xrealloc (void *p, size_t n);
void *xcalloc (size_t nmemb, size_t n);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
int xasprintf (char **out, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

size_t ocirt_strv_len (char *const *v);

/* Strict number parsing: the whole string must be a number in range, no
   leading/trailing junk ("1x" is an error).  Return 0 or -EINVAL/-ERANGE.  */
int ocirt_parse_int64 (const char *s, int64_t *out);
int ocirt_parse_uint64 (const char *s, uint64_t *out);
int ocirt_parse_int (const char *s, int *out);
int ocirt_parse_uint32 (const char *s, uint32_t *out);

/* buf = the decimal digits of v, then suffix (NUL-terminated); buf holds
   at least 11 + strlen (suffix) bytes.  Returns buf.  */
char *ocirt_format_uint (char *buf, unsigned v, const char *suffix);

/* Retry on EINTR; full reads/writes.  */
ssize_t ocirt_write_all (int fd, const void *buf, size_t len);
ssize_t ocirt_read_all (int fd, void *buf, size_t len);

/* Read a whole file (fd-relative when dirfd >= 0) up to max bytes.  Returns
   0 with *out NUL-terminated and *len set, or -errno (-EFBIG when larger
   than max).  */
/* Open path (relative, several components) under dirfd without following
   any symlink or leaving dirfd.  Returns the fd or -errno.  */
int ocirt_openat_beneath (int dirfd, const char *path, int flags);

/* A small file the kernel hands over in one read (a /proc/PID record, a
   cgroup knob): one read into buf (size bytes, NUL-terminated).  Returns
   the length, -EFBIG when it does not fit, or -errno.  */
int ocirt_read_record_at (int dirfd, const char *path, char *buf, size_t size);
int ocirt_read_file_at (int dirfd, const char *path, size_t max, char **out,
                        size_t *len);
int ocirt_read_fd (int fd, size_t max, char **out, size_t *len);

/* Write a whole file atomically: temp file in the same directory, then
   rename.  Returns 0 or -errno.  */
int ocirt_write_file_atomic_at (int dirfd, const char *name, const void *buf,
                                size_t len, mode_t mode);

/* Write a small value to an existing file (cgroup and proc knobs).  */
int ocirt_write_file_at (int dirfd, const char *path, const void *buf,
                         size_t len);

/* pidfd_open (PID, 0) with O_CLOEXEC semantics (pidfds always are).
   Returns the fd, or -1 with errno: ENOSYS where the kernel (before
   5.3) or an emulator lacks the call; callers then use the pid itself
   (checked against its start time) and poll with a timeout.  */
int ocirt_pidfd_open (pid_t pid);

/* Current time as RFC 3339 with nanoseconds, UTC.  */
void ocirt_rfc3339_now (char *buf, size_t len);
struct timespec;
void ocirt_rfc3339_format (const struct timespec *ts, char *buf, size_t len);

#endif
