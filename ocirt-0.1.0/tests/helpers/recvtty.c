/* recvtty: console-socket receiver for tests.

   recvtty [-i TEXT] SOCKET_PATH [OUT_FILE]

   Listens on SOCKET_PATH (which appears only once it accepts
   connections), takes one connection, receives the pty master sent with
   SCM_RIGHTS, prints "got pty: NAME" to stderr, writes TEXT to the master
   when given, then copies the master's output to OUT_FILE (or stdout)
   until the pty is hung up.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void __attribute__ ((noreturn)) die (const char *what)
{
  fprintf (stderr, "recvtty: %s: %s\n", what, strerror (errno));
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

static int
receive_fd (int conn, char *name, size_t namelen)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov = { .iov_base = name, .iov_len = namelen - 1 };
  struct msghdr msg = { .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl.buf,
                        .msg_controllen = sizeof ctl.buf };
  struct cmsghdr *c;
  ssize_t n;
  int fd;

  do
    n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    die ("recvmsg");
  name[n] = '\0';
  c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS
      || c->cmsg_len != CMSG_LEN (sizeof (int)))
    {
      errno = EPROTO;
      die ("no fd received");
    }
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

static void
write_all (int fd, const char *p, size_t n)
{
  while (n > 0)
    {
      ssize_t w = write (fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        die ("write");
      p += w;
      n -= (size_t)w;
    }
}

int
main (int argc, char **argv)
{
  const char *input = NULL;
  char name[4096], buf[4096];
  int opt, lfd, conn, master, out = 1;

  while ((opt = getopt (argc, argv, "i:")) != -1)
    {
      if (opt != 'i')
        goto usage;
      input = optarg;
    }
  if (optind >= argc || argc - optind > 2)
    goto usage;
  if (argc - optind == 2)
    {
      out = open (argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                  0644);
      if (out < 0)
        die (argv[optind + 1]);
    }

  lfd = listen_on (argv[optind]);
  do
    conn = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    die ("accept");
  master = receive_fd (conn, name, sizeof name);
  close (conn);
  close (lfd);
  unlink (argv[optind]);
  fprintf (stderr, "got pty: %s\n", name);

  if (input)
    write_all (master, input, strlen (input));
  for (;;)
    {
      ssize_t n = read (master, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break; /* EIO: every peer fd is closed */
      write_all (out, buf, (size_t)n);
    }
  return 0;

usage:
  fprintf (stderr, "usage: recvtty [-i TEXT] SOCKET_PATH [OUT_FILE]\n");
  return 2;
}
