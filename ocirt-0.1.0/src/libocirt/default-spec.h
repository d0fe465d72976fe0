/* ocirt: the example configuration written by `ocirt spec`.  */
#ifndef OCIRT_DEFAULT_SPEC_H
#define OCIRT_DEFAULT_SPEC_H

#include <stdbool.h>
#include "error.h"
#include "spec.h"

/* The default config.json, the one runc's `spec` writes: sh on a terminal,
   a read-only "rootfs", the usual /proc /dev /sys mounts, pid network ipc
   uts mount cgroup namespaces.  rootless: for an unprivileged user, no
   network namespace, a user namespace mapping the caller's effective
   uid/gid to 0, /sys bind-mounted, no uid=/gid= mount options and no
   cgroup resources.  Free with oci_spec_free.  */
oci_spec *ocirt_default_spec (bool rootless);

/* The same, as pretty JSON ending in a newline (malloc'd).  */
char *ocirt_default_spec_json (bool rootless, ocirt_error_t *err);

#endif
