#include <config.h>
/* swapper A B: exchange the names A and B (renameat2 RENAME_EXCHANGE) in a
   tight loop until SIGTERM or SIGINT, then print how many swaps were done.
   Used by the race tests: one of the names is a mount destination in a
   container's rootfs, the other a symlink pointing out of it.  */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;

static void
on_signal (int sig)
{
  (void)sig;
  stop = 1;
}

int
main (int argc, char **argv)
{
  struct sigaction sa;
  unsigned long n = 0;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s A B\n", argv[0]);
      return 2;
    }
  memset (&sa, 0, sizeof (sa));
  sa.sa_handler = on_signal;
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  while (!stop)
    {
      if (syscall (SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2],
                   RENAME_EXCHANGE)
          < 0)
        {
          fprintf (stderr, "swapper: rename %s <-> %s: %s\n", argv[1], argv[2],
                   strerror (errno));
          return 1;
        }
      n++;
    }
  /* Leave the names as they were given.  */
  if (n % 2)
    syscall (SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2],
             RENAME_EXCHANGE);
  printf ("%lu\n", n);
  return 0;
}
