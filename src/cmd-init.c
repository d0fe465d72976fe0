#include <config.h>

#include <stdlib.h>

#include "cli.h"
#include "container.h"
#include "log.h"
#include "util.h"

/* Hidden verb: the container's init, started by create.  */
int
ocirt_cmd_init (struct ocirt_global *g, int argc, char **argv)
{
  const char *s = getenv ("_OCIRT_SYNC_FD");
  int fd = -1;

  (void)g;
  (void)argc;
  (void)argv;
  if (s == NULL || ocirt_parse_int (s, &fd) < 0 || fd < 3)
    {
      ocirt_log (OCIRT_LOG_ERROR,
                 "init: this command is started by create, not by hand");
      return 1;
    }
  unsetenv ("_OCIRT_SYNC_FD");
  return ocirt_init_main (fd);
}
