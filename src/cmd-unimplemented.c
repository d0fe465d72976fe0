#include <config.h>

#include "cli.h"
#include "log.h"

int
ocirt_cmd_unimplemented (struct ocirt_global *g, int argc, char **argv)
{
  (void)g;
  (void)argc;
  ocirt_log (OCIRT_LOG_ERROR, "%s: not implemented in this version", argv[0]);
  return 1;
}
