/* ocirt: attributes of the container process applied just before execve.  */
#ifndef OCIRT_PROCATTR_H
#define OCIRT_PROCATTR_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "spec.h"

/* hostname/domainname (UTS namespace); sysctls through procfd, the
   init's private procfs handle (procfs.h: "sys/KEY" opened with
   ocirt_procfs_openat).  */
int ocirt_set_uts (const oci_spec *s, ocirt_error_t *err);
int ocirt_apply_sysctl (int procfd, const oci_linux *l, ocirt_error_t *err);

/* Things that need privileges and /proc: rlimits, oomScoreAdj (only when
   present, written through procfd, the private procfs handle),
   scheduler, ioPriority, personality, memoryPolicy,
   execCPUAffinity.final.  Called after pivot, before dropping
   privileges.  */
int ocirt_apply_process_attrs (int procfd, const oci_process *p,
                               const oci_linux *l, ocirt_error_t *err);

/* execCPUAffinity.initial: called before the cgroup join (exec).  */
int ocirt_apply_cpu_affinity_initial (const oci_process *p, ocirt_error_t *err);

/* cwd: chdir, then getcwd() must lie inside the root (CVE-2024-21626).  */
int ocirt_apply_cwd (const oci_process *p, ocirt_error_t *err);

/* Become the user: additionalGids (setgroups), gid, uid, keeping the
   capabilities it needs across setuid; then set the five capability sets
   (unknown names are warnings appended to *warnings, a malloc'd string
   list), umask, noNewPrivileges.  */
int ocirt_apply_user_and_caps (const oci_process *p, bool setgroups_allowed,
                               char ***warnings, ocirt_error_t *err);

/* PATH lookup of args[0] as execvp does, in the current root, using the
   process env's PATH.  Returns a malloc'd path or NULL with err set to
   "exec: \"sh\": executable file not found in $PATH" or the stat error.  */
char *ocirt_find_executable (const oci_process *p, ocirt_error_t *err);

/* Mark every fd >= 3 + preserve_fds close-on-exec.  */
int ocirt_close_fds_on_exec (int preserve_fds, ocirt_error_t *err);

/* Parse a cpu or node list ("0-3,7") into a bitmask of nbits bits.
   Strict: digits, '-' and ',' only.  Returns 0 or -EINVAL/-ERANGE.  */
int ocirt_parse_cpu_list (const char *list, unsigned long *bits, size_t nbits);

/* Capability name <-> number (libcap when built with it).  */
int ocirt_cap_from_name (const char *name);
/* All capability names this build knows ("CAP_CHOWN", ...), NULL ended.  */
const char *const *ocirt_cap_names (void);

#endif
