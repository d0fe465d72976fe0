/* enosys SYSCALL[,SYSCALL...] PROGRAM [ARG...]: run PROGRAM with the
   named system calls failing with ENOSYS, as on a kernel that predates
   them.  Tests the fallbacks of the runtime.  The filter is installed
   without no_new_privs (it needs CAP_SYS_ADMIN then: run as root), so
   the programs started below keep their usual privilege rules.  */
#include <config.h>

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
deny_list (scmp_filter_ctx ctx, char *list)
{
  char *save = NULL;

  for (char *name = strtok_r (list, ",", &save); name;
       name = strtok_r (NULL, ",", &save))
    {
      int nr = seccomp_syscall_resolve_name (name);
      int r;

      if (nr == __NR_SCMP_ERROR)
        {
          fprintf (stderr, "enosys: unknown system call \"%s\"\n", name);
          return -1;
        }
      r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOSYS), nr, 0);
      if (r < 0)
        {
          fprintf (stderr, "enosys: rule for \"%s\": %s\n", name,
                   strerror (-r));
          return -1;
        }
    }
  return 0;
}

int
main (int argc, char **argv)
{
  scmp_filter_ctx ctx;
  int r;

  if (argc < 3)
    {
      fprintf (stderr, "usage: enosys SYSCALL[,SYSCALL...] PROGRAM [ARG...]\n");
      return 2;
    }
  ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    {
      fprintf (stderr, "enosys: seccomp_init failed\n");
      return 1;
    }
  r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (r == 0 && deny_list (ctx, argv[1]) < 0)
    r = -EINVAL;
  else if (r == 0)
    r = seccomp_load (ctx);
  seccomp_release (ctx);
  if (r < 0)
    {
      fprintf (stderr, "enosys: load the filter: %s\n", strerror (-r));
      return 1;
    }
  execvp (argv[2], argv + 2);
  fprintf (stderr, "enosys: exec \"%s\": %s\n", argv[2], strerror (errno));
  return 127;
}
