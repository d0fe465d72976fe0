/* ocirt: namespaces of the init process (create) and of exec'd processes.  */
#ifndef OCIRT_NAMESPACES_H
#define OCIRT_NAMESPACES_H

#include <stdbool.h>
#include "error.h"
#include "spec.h"

/* CLONE_NEW* flag of a namespace type.  */
int ocirt_ns_clone_flag (oci_ns_type t);

/* Check the namespace list before anything runs: each path opens, is a
   namespace file of the stated type (NS_GET_NSTYPE), no type appears twice
   (the parser already rejects that).  Called by the runtime in create.  */
int ocirt_ns_validate (const oci_linux *l, ocirt_error_t *err);

/* In the init: setns() into the user namespace given by path, if any.  */
int ocirt_ns_join_user (const oci_linux *l, ocirt_error_t *err);

/* In the init: setns() into every other namespace given by path.  Done
   after the user namespace is joined or created.  */
int ocirt_ns_join_others (const oci_linux *l, ocirt_error_t *err);

/* CLONE_NEW* flags of the namespaces listed without a path (excluding
   CLONE_NEWUSER when exclude_user).  */
int ocirt_ns_new_flags (const oci_linux *l, bool exclude_user);

/* Write timeOffsets to /proc/self/timens_offsets (after unshare of the time
   namespace, before any child is forked into it).  */
int ocirt_ns_write_time_offsets (const oci_linux *l, ocirt_error_t *err);

/* Write uid_map/gid_map (and "deny" to setgroups when needed) of pid, done
   by the runtime while the init waits.  */
int ocirt_ns_write_id_maps (int pid, const oci_linux *l, ocirt_error_t *err);

#endif
