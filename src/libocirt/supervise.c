#include <config.h>

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "supervise.h"
#include "terminal.h"
#include "util.h"

int
ocirt_supervise_signals (void)
{
  sigset_t all;

  sigfillset (&all);
  sigdelset (&all, SIGSEGV);
  sigdelset (&all, SIGBUS);
  sigdelset (&all, SIGFPE);
  sigdelset (&all, SIGILL);
  sigprocmask (SIG_BLOCK, &all, NULL);
  return signalfd (-1, &all, SFD_CLOEXEC);
}

static int
status_of (int st)
{
  if (WIFEXITED (st))
    return WEXITSTATUS (st);
  if (WIFSIGNALED (st))
    return 128 + WTERMSIG (st);
  return 255;
}

static void
copy_fd (int from, int to, bool *eof)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);

  if (n <= 0)
    {
      if (n == 0 || (errno != EINTR && errno != EAGAIN))
        *eof = true;
      return;
    }
  ocirt_write_all (to, buf, (size_t)n);
}

static void
forward_signal (pid_t pid, int pidfd, int master, int sfd)
{
  struct signalfd_siginfo si;

  if (read (sfd, &si, sizeof si) != sizeof si)
    return;
  if (si.ssi_signo == SIGWINCH && master >= 0)
    ocirt_tty_copy_size (0, master);
  else if (si.ssi_signo != SIGCHLD)
    {
      if (pidfd < 0
          || syscall (SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0) < 0)
        kill (pid, (int)si.ssi_signo);
    }
}

int
ocirt_supervise (pid_t pid, int master, int sfd)
{
  cleanup_close int pidfd = ocirt_pidfd_open (pid);
  bool in_eof = master < 0, out_eof = master < 0, exited = false;
  int st = 0;

  while (!exited || !out_eof)
    {
      struct pollfd p[4] = {
        { sfd, POLLIN, 0 },
        { exited || pidfd < 0 ? -1 : pidfd, POLLIN, 0 },
        { out_eof ? -1 : master, POLLIN, 0 },
        { in_eof ? -1 : 0, POLLIN, 0 },
      };
      /* Without a pidfd, poll for the exit; after it, drain the
         terminal until it stays quiet.  */
      int r = poll (p, 4, exited ? 200 : pidfd < 0 ? 100 : -1);

      if (r < 0 && errno != EINTR)
        break;
      if (r == 0 && exited)
        break;
      if (p[0].revents & POLLIN)
        forward_signal (pid, pidfd, master, sfd);
      if (!exited && (pidfd < 0 || (p[1].revents & POLLIN)))
        {
          pid_t w = waitpid (pid, &st, pidfd < 0 ? WNOHANG : 0);
          if (w == pid || w < 0)
            {
              if (w < 0)
                st = 255 << 8;
              exited = true;
            }
        }
      if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
        copy_fd (master, 1, &out_eof);
      if (p[3].revents & (POLLIN | POLLHUP | POLLERR))
        copy_fd (0, master, &in_eof);
    }
  return status_of (st);
}
