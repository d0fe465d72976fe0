/* ocirt: pseudo-terminals for containers and the console socket.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <termios.h>

#include "rootfs.h"
#include "terminal.h"
#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif
#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif

/* What runc sends as the SCM_RIGHTS payload: the name of the master.  */
#define CONSOLE_PAYLOAD "/dev/ptmx"

static int
open_ptmx (ocirt_error_t *err)
{
  cleanup_close int fd = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    return ocirt_error_errno (err, "open \"/dev/ptmx\"");
  if (fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "fstat \"/dev/ptmx\"");
  /* Both devpts' ptmx and a /dev/ptmx node are char 5:2; anything else
     was planted by the rootfs.  */
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 5
      || minor (st.st_rdev) != 2)
    return ocirt_error_set (err, 0,
                            "\"/dev/ptmx\" is not the pty "
                            "multiplexer (char 5:2)");
  return steal_fd (&fd);
}

/* The pty's peer, got from the master itself: no path is looked up, so a
   hostile /dev/pts cannot substitute another file.  */
static int
open_peer (int master, ocirt_error_t *err)
{
  cleanup_close int peer = -1;
  struct statfs sfs;
  int unlock = 0;

  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return ocirt_error_errno (err, "unlock the pty (TIOCSPTLCK)");
  peer = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0)
    return ocirt_error_errno (err, "open the pty peer (TIOCGPTPEER)");
  if (fstatfs (peer, &sfs) < 0)
    return ocirt_error_errno (err, "fstatfs the pty peer");
  if (sfs.f_type != DEVPTS_SUPER_MAGIC)
    return ocirt_error_set (err, 0, "the pty peer is not on devpts");
  return steal_fd (&peer);
}

/* An fd for /dev/console as mount target: an existing regular file or
   char device (opened O_PATH, never opened as a device), else a new
   empty file.  Symlinks are refused.  */
static int
open_console_target (ocirt_error_t *err)
{
  struct stat st;
  int fd;

  fd = open ("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    {
      fd = open ("/dev/console",
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0 && errno == EEXIST)
        return ocirt_error_set (err, EEXIST, "create \"/dev/console\"");
    }
  if (fd < 0)
    return ocirt_error_errno (err, "open \"/dev/console\"");
  if (fstat (fd, &st) < 0)
    {
      ocirt_error_errno (err, "fstat \"/dev/console\"");
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode) && !S_ISCHR (st.st_mode))
    {
      close (fd);
      return ocirt_error_set (err, 0,
                              "\"/dev/console\" exists and is not "
                              "a regular file or char device");
    }
  return fd;
}

static int
bind_console (int peer, ocirt_error_t *err)
{
  cleanup_close int target = open_console_target (err);
  char src[64], dst[64];

  if (target < 0)
    return -1;
  /* After pivot_root: the container's /proc must not name the fds.  */
  if (ocirt_bind_by_fd (peer, target, false, 0) == 0)
    return 0;
  if (errno != ENOSYS)
    return ocirt_error_errno (err, "bind-mount the pty peer on "
                                   "\"/dev/console\"");
  snprintf (src, sizeof src, "/proc/self/fd/%d", peer);
  snprintf (dst, sizeof dst, "/proc/self/fd/%d", target);
  if (mount (src, dst, NULL, MS_BIND, NULL) < 0)
    return ocirt_error_errno (err, "bind-mount the pty peer on "
                                   "\"/dev/console\"");
  return 0;
}

int
ocirt_terminal_create_in_container (const oci_console_size *size, int *master,
                                    int *peer, ocirt_error_t *err)
{
  cleanup_close int m = open_ptmx (err);
  cleanup_close int p = -1;

  if (m < 0)
    return -1;
  p = open_peer (m, err);
  if (p < 0)
    return -1;
  if (bind_console (p, err) < 0)
    return -1;
  if (size && (size->height || size->width))
    {
      struct winsize ws = { .ws_row = (unsigned short)size->height,
                            .ws_col = (unsigned short)size->width };
      if (ioctl (m, TIOCSWINSZ, &ws) < 0)
        return ocirt_error_errno (err, "set the console size (TIOCSWINSZ)");
    }
  *master = steal_fd (&m);
  *peer = steal_fd (&p);
  return 0;
}

int
ocirt_terminal_make_stdio (int peer, ocirt_error_t *err)
{
  if (setsid () < 0 && getsid (0) != getpid ())
    return ocirt_error_errno (err, "setsid");
  if (ioctl (peer, TIOCSCTTY, 0) < 0)
    return ocirt_error_errno (err, "make the pty the controlling terminal "
                                   "(TIOCSCTTY)");
  for (int fd = 0; fd < 3; fd++)
    if (peer != fd && dup2 (peer, fd) < 0)
      return ocirt_error_errno (err, "dup2 the pty onto fd %d", fd);
  /* dup2 onto itself keeps FD_CLOEXEC: clear it by hand.  */
  if (peer < 3 && fcntl (peer, F_SETFD, 0) < 0)
    return ocirt_error_errno (err, "clear FD_CLOEXEC on fd %d", peer);
  return 0;
}

int
ocirt_terminal_send_fd (int sock, int fd, ocirt_error_t *err)
{
  char payload[] = CONSOLE_PAYLOAD;
  struct iovec iov = { .iov_base = payload, .iov_len = sizeof payload - 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr msg = { .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl.buf,
                        .msg_controllen = sizeof ctl.buf };
  struct cmsghdr *c;
  ssize_t r;

  memset (ctl.buf, 0, sizeof ctl.buf);
  c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  do
    r = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ocirt_error_errno (err, "send the pty master");
  return 0;
}

int
ocirt_terminal_recv_fd (int sock, ocirt_error_t *err)
{
  char name[4096];
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr msg = { .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl.buf,
                        .msg_controllen = sizeof ctl.buf };
  struct cmsghdr *c;
  ssize_t r;
  int fd;

  do
    r = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ocirt_error_errno (err, "receive the pty master");
  c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS
      || c->cmsg_len != CMSG_LEN (sizeof (int)))
    return ocirt_error_set (err, EPROTO,
                            "receive the pty master: no fd "
                            "in the message");
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  if (msg.msg_flags & MSG_CTRUNC)
    {
      close (fd);
      return ocirt_error_set (err, EPROTO,
                              "receive the pty master: "
                              "control data truncated");
    }
  return fd;
}

int
ocirt_console_socket_send (const char *path, int master, ocirt_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int sock = -1;

  if (strlen (path) >= sizeof addr.sun_path)
    return ocirt_error_set (err, ENAMETOOLONG, "console socket \"%s\"", path);
  strcpy (addr.sun_path, path);
  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return ocirt_error_errno (err, "create a unix socket");
  if (connect (sock, (struct sockaddr *)&addr, sizeof addr) < 0)
    return ocirt_error_errno (err, "connect to console socket \"%s\"", path);
  if (ocirt_terminal_send_fd (sock, master, err) < 0)
    return ocirt_error_wrap (err, "console socket \"%s\"", path);
  return 0;
}

int
ocirt_tty_set_raw (int fd, struct termios *saved, ocirt_error_t *err)
{
  struct termios raw;

  if (tcgetattr (fd, saved) < 0)
    return ocirt_error_errno (err, "get the terminal attributes of fd %d", fd);
  raw = *saved;
  cfmakeraw (&raw);
  if (tcsetattr (fd, TCSANOW, &raw) < 0)
    return ocirt_error_errno (err, "put fd %d in raw mode", fd);
  return 0;
}

void
ocirt_tty_restore (int fd, const struct termios *saved)
{
  tcsetattr (fd, TCSANOW, saved);
}

void
ocirt_tty_copy_size (int from, int to)
{
  struct winsize ws;

  if (ioctl (from, TIOCGWINSZ, &ws) == 0)
    ioctl (to, TIOCSWINSZ, &ws);
}
