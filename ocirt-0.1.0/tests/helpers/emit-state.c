#include <config.h>

/* Print a container state document made by oci_state_emit, for the schema
   check of the integration tests.  Usage: emit-state STATUS PID [BUNDLE]
   (PID 0: no pid).  */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

int
main (int argc, char **argv)
{
  char *keys[] = { "org.example.key", "io.example.empty" };
  char *values[] = { "value", "" };
  oci_string_map annotations = { keys, values, 2 };
  oci_state st;
  char *end = NULL;
  char *json;
  long pid;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s STATUS PID [BUNDLE]\n", argv[0]);
      return 2;
    }
  pid = strtol (argv[2], &end, 10);
  if (*argv[2] == '\0' || *end != '\0' || pid < 0 || pid > 4194304)
    {
      fprintf (stderr, "%s: bad pid \"%s\"\n", argv[0], argv[2]);
      return 2;
    }
  memset (&st, 0, sizeof st);
  st.oci_version = OCI_SPEC_VERSION;
  st.id = "state-test";
  st.status = argv[1];
  st.pid = (int)pid;
  st.bundle = argc > 3 ? argv[3] : "/tmp/bundle";
  st.annotations = &annotations;
  st.rootfs = "/tmp/bundle/rootfs";
  st.created = "2024-01-02T03:04:05.123456789Z";
  st.owner = "";
  json = oci_state_emit (&st, true);
  if (json == NULL)
    {
      fprintf (stderr, "%s: oci_state_emit failed\n", argv[0]);
      return 1;
    }
  fputs (json, stdout);
  if (json[0] == '\0' || json[strlen (json) - 1] != '\n')
    putchar ('\n');
  free (json);
  return 0;
}
