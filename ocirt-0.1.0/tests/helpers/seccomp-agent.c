/* seccomp-agent: seccomp notify agent for tests.

   seccomp-agent SOCKET_PATH STATE_FILE ERRNO [COUNT]

   Listens on SOCKET_PATH (which appears only once it accepts
   connections), takes one connection, reads the container process state
   JSON up to EOF with the listener fd attached by SCM_RIGHTS, checks its
   keys (ociVersion, fds ["seccompFd"], pid, state) and writes it to
   STATE_FILE.  Then it answers COUNT (default 1) intercepted syscalls:
   ERRNO 0 makes the syscall return 0 without running it, otherwise it
   fails with that errno.  Each answer is logged on stderr as
   "answered syscall NR of pid PID".  Exits 0 when done.  */
#include <config.h>

#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static void __attribute__ ((noreturn)) die (const char *what)
{
  fprintf (stderr, "seccomp-agent: %s: %s\n", what, strerror (errno));
  exit (1);
}

static void __attribute__ ((noreturn)) fail (const char *what)
{
  fprintf (stderr, "seccomp-agent: %s\n", what);
  exit (1);
}

static int
listen_on (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char tmp[sizeof addr.sun_path];
  int fd;

  if (snprintf (tmp, sizeof tmp, "%s.%d", path, (int)getpid ())
      >= (int)sizeof tmp)
    {
      errno = ENAMETOOLONG;
      die (path);
    }
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die ("socket");
  strcpy (addr.sun_path, tmp);
  unlink (tmp);
  if (bind (fd, (struct sockaddr *)&addr, sizeof addr) < 0)
    die ("bind");
  if (listen (fd, 1) < 0)
    die ("listen");
  /* Publish the path only now, so a client never sees ECONNREFUSED.  */
  if (rename (tmp, path) < 0)
    die ("rename");
  return fd;
}

/* Read the JSON up to EOF; the fd comes with the first bytes.  */
static int
receive_state (int conn, char *buf, size_t size)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = ctl.buf,
    .msg_controllen = sizeof ctl.buf,
  };
  struct cmsghdr *c;
  size_t len;
  ssize_t n;
  int fd = -1;

  n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  if (n <= 0)
    die ("recvmsg");
  c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
    fail ("no fd in the first message");
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  len = (size_t)n;
  while (len < size - 1 && (n = read (conn, buf + len, size - 1 - len)) > 0)
    len += (size_t)n;
  if (n < 0)
    die ("read");
  buf[len] = '\0';
  return fd;
}

static void
check_state (const char *json)
{
  static const char *const keys[] = {
    "{\"ociVersion\":\"", "\"fds\":[\"seccompFd\"]", "\"pid\":",
    "\"state\":{",        "\"status\":\"creating\"",
  };

  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (strstr (json, keys[i]) == NULL)
      {
        fprintf (stderr, "seccomp-agent: state lacks %s: %s\n", keys[i], json);
        exit (1);
      }
}

static void
answer (int listener, int err)
{
  struct seccomp_notif_sizes sizes;
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;

  if (syscall (__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    die ("SECCOMP_GET_NOTIF_SIZES");
  req = calloc (1, sizes.seccomp_notif);
  resp = calloc (1, sizes.seccomp_notif_resp);
  if (req == NULL || resp == NULL)
    die ("calloc");
  while (ioctl (listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
    if (errno != EINTR)
      die ("SECCOMP_IOCTL_NOTIF_RECV");
  resp->id = req->id;
  resp->val = 0;
  resp->error = err ? -err : 0;
  resp->flags = 0;
  if (ioctl (listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
    die ("SECCOMP_IOCTL_NOTIF_SEND");
  fprintf (stderr, "answered syscall %d of pid %u\n", req->data.nr, req->pid);
  free (req);
  free (resp);
}

int
main (int argc, char **argv)
{
  static char json[1 << 16];
  int sock, conn, listener, err, count = 1;
  char *end;
  FILE *f;

  if (argc < 4 || argc > 5)
    {
      fprintf (stderr, "usage: seccomp-agent SOCKET_PATH STATE_FILE ERRNO "
                       "[COUNT]\n");
      return 2;
    }
  err = (int)strtol (argv[3], &end, 10);
  if (*argv[3] == '\0' || *end != '\0' || err < 0)
    fail ("bad ERRNO");
  if (argc == 5)
    {
      count = (int)strtol (argv[4], &end, 10);
      if (*argv[4] == '\0' || *end != '\0' || count < 0)
        fail ("bad COUNT");
    }
  sock = listen_on (argv[1]);
  conn = accept4 (sock, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    die ("accept");
  listener = receive_state (conn, json, sizeof json);
  close (conn);
  close (sock);
  f = fopen (argv[2], "we");
  if (f == NULL || fputs (json, f) < 0 || fclose (f) != 0)
    die (argv[2]);
  check_state (json);
  for (int i = 0; i < count; i++)
    answer (listener, err);
  close (listener);
  return 0;
}
