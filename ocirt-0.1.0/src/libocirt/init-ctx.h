/* ocirt: what the init process knows about the container it builds.  */
#ifndef OCIRT_INIT_CTX_H
#define OCIRT_INIT_CTX_H

#include <stdbool.h>
#include "spec.h"

struct ocirt_init_ctx
{
  const oci_spec *spec;
  const char *id;
  const char *bundle; /* absolute host path */
  const char *rootfs; /* absolute host path of root.path */
  bool no_pivot;
  bool no_new_keyring;
  bool has_userns; /* a user namespace is created or joined */
  bool new_userns; /* a user namespace is created */
  bool new_mountns;
  bool new_netns;
  bool new_cgroupns;
  bool new_pidns;
  bool has_terminal; /* process.terminal */
  int preserve_fds;  /* fds 3 .. 3+n-1 are passed to the process */
  /* O_PATH fd of the exec fifo in the state dir, opened before pivot.  */
  int fifo_fd;
};

#endif
