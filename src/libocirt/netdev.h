/* ocirt: linux.netDevices: host interfaces moved into the container.  */
#ifndef OCIRT_NETDEV_H
#define OCIRT_NETDEV_H

#include "error.h"
#include "spec.h"

/* Move every interface of l->netDevices into the network namespace of
   init_pid (which must not be the runtime's own), renamed to its "name"
   when one is given (a "%d" template lets the kernel pick a free number),
   with its permanent global addresses restored there and its link set up.
   Called by the runtime once the init's pid is known, before the
   container's hooks run.  Interfaces are never moved back.  */
int ocirt_netdev_move (const oci_linux *l, int init_pid, ocirt_error_t *err);

#endif
