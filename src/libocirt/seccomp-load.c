#include <config.h>

#include <sys/prctl.h>

/* Install a compiled seccomp program (in the init) and hand a notify
   listener to the agent at linux.seccomp.listenerPath (in the runtime).
   Neither needs libseccomp: the program is already plain BPF.  */

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "seccomp.h"
#include "util.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct
{
  const char *name;
  unsigned long flag;
} filter_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static int
flags_of (const oci_seccomp *s, unsigned long *out, ocirt_error_t *err)
{
  *out = 0;
  for (size_t i = 0; s != NULL && i < s->flags_len; i++)
    {
      size_t j;

      for (j = 0; j < ARRAY_SIZE (filter_flags); j++)
        if (strcmp (filter_flags[j].name, s->flags[i]) == 0)
          break;
      if (j == ARRAY_SIZE (filter_flags))
        return ocirt_error_set (err, EINVAL,
                                "linux.seccomp.flags[%zu]: unknown flag %s", i,
                                s->flags[i]);
      *out |= filter_flags[j].flag;
    }
  return 0;
}

static long
seccomp_filter (unsigned long flags, const struct sock_fprog *prog)
{
  long r = syscall (__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);

  /* Without seccomp(2) (Linux < 3.17, or a tracer that does not know
     it), prctl installs a filter that needs no flags.  */
  if (r < 0 && errno == ENOSYS && flags == 0)
    r = prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0);
  return r;
}

/* The kernel checks the flags before it reads the program: with a NULL
   program a known flag gives EFAULT and installs nothing.  */
static bool
kernel_knows (unsigned long flag)
{
  /* WAIT_KILLABLE_RECV is refused without NEW_LISTENER.  */
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return seccomp_filter (flag, NULL) < 0 && errno == EFAULT;
}

static const char *
first_unsupported_flag (unsigned long flags)
{
  for (size_t j = 0; j < ARRAY_SIZE (filter_flags); j++)
    if ((flags & filter_flags[j].flag) && !kernel_knows (filter_flags[j].flag))
      return filter_flags[j].name;
  if ((flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
      && !kernel_knows (SECCOMP_FILTER_FLAG_NEW_LISTENER))
    return "SECCOMP_FILTER_FLAG_NEW_LISTENER";
  if ((flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH)
      && !kernel_knows (SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
    return "SECCOMP_FILTER_FLAG_TSYNC with SCMP_ACT_NOTIFY";
  return NULL;
}

int
ocirt_seccomp_load (const oci_seccomp *s, const void *filter, size_t len,
                    bool has_notify, int *listener, ocirt_error_t *err)
{
  struct sock_fprog prog;
  unsigned long flags;
  long r;

  *listener = -1;
  if (len == 0)
    return 0;
  if (len > UINT16_MAX)
    return ocirt_error_set (err, E2BIG,
                            "seccomp: program of %zu "
                            "instructions",
                            len);
  if (flags_of (s, &flags, err) < 0)
    return -1;
  /* The kernel takes WAIT_KILLABLE_RECV only with a listener; it means
     nothing without one.  */
  if (has_notify)
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  else
    flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  /* TSYNC reports a thread id on failure, which would clash with the
     listener fd as return value.  */
  if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && has_notify)
    flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  prog.len = (unsigned short)len;
  prog.filter = (struct sock_filter *)filter;
  r = seccomp_filter (flags, &prog);
  if (r < 0)
    {
      int e = errno;
      const char *bad = e == EINVAL ? first_unsupported_flag (flags) : NULL;

      if (bad != NULL)
        return ocirt_error_set (err, e, "seccomp: load filter with %s", bad);
      return ocirt_error_set (err, e, "seccomp: load filter");
    }
  if (has_notify)
    *listener = (int)r;
  return 0;
}

/* STR as JSON string contents.  */
static void
json_escape (FILE *f, const char *str)
{
  for (const unsigned char *p = (const unsigned char *)str; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (f, "\\%c", *p);
      else if (*p < 0x20)
        fprintf (f, "\\u%04x", *p);
      else
        fputc (*p, f);
    }
}

/* runtime-spec "containerProcessState".  */
static char *
process_state_json (const oci_seccomp *s, int pid, const char *state_json,
                    size_t *len)
{
  char *buf = NULL;
  FILE *f = open_memstream (&buf, len);

  if (f == NULL)
    abort ();
  fprintf (f, "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d",
           OCI_SPEC_VERSION, pid);
  if (s->listener_metadata != NULL)
    {
      fputs (",\"metadata\":\"", f);
      json_escape (f, s->listener_metadata);
      fputc ('"', f);
    }
  fprintf (f, ",\"state\":%s}", state_json);
  if (fclose (f) != 0)
    abort ();
  return buf;
}

static int
connect_listener_path (const char *path, ocirt_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof addr.sun_path)
    return ocirt_error_set (err, ENAMETOOLONG,
                            "linux.seccomp.listenerPath \"%s\"", path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return ocirt_error_set (err, errno, "seccomp: create socket");
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    return ocirt_error_set (err, errno,
                            "seccomp: connect to listenerPath "
                            "\"%s\"",
                            path);
  return steal_fd (&fd);
}

/* One sendmsg carries the first bytes and the fd; the rest follows.  */
static int
send_with_fd (int sock, const char *buf, size_t len, int fd)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = ctl.buf,
    .msg_controllen = sizeof ctl.buf,
  };
  struct cmsghdr *c;
  ssize_t n;

  memset (&ctl, 0, sizeof ctl);
  c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  do
    n = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  while ((size_t)n < len)
    {
      ssize_t w = send (sock, buf + n, len - (size_t)n, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      n += w;
    }
  return 0;
}

int
ocirt_seccomp_send_listener (const oci_seccomp *s, int listener, int pid,
                             const char *state_json, ocirt_error_t *err)
{
  cleanup_free char *json = NULL;
  cleanup_close int sock = -1;
  size_t len = 0;

  if (s == NULL || s->listener_path == NULL || s->listener_path[0] == '\0')
    return ocirt_error_set (err, EINVAL,
                            "linux.seccomp.listenerPath: required when "
                            "SCMP_ACT_NOTIFY is used");
  sock = connect_listener_path (s->listener_path, err);
  if (sock < 0)
    return -1;
  json = process_state_json (s, pid, state_json, &len);
  if (send_with_fd (sock, json, len, listener) < 0)
    return ocirt_error_set (err, errno,
                            "seccomp: send the listener to "
                            "\"%s\"",
                            s->listener_path);
  return 0;
}
