/* ocirt: Linux security modules (AppArmor, SELinux) for the process.  */
#ifndef OCIRT_LSM_H
#define OCIRT_LSM_H

#include "error.h"
#include "spec.h"

/* Runtime, before anything runs: a profile asked for on a host without
   AppArmor is an error (as in runc).  */
int ocirt_lsm_check_host (const oci_process *p, ocirt_error_t *err);

/* Init: label the next execve.  AppArmor through procfd, the init's
   private procfs handle (procfs.h; CVE-2019-16884, CVE-2025-52881);
   SELinux with setexeccon when SELinux is enabled, ignored otherwise (as
   runc does).  */
int ocirt_lsm_apply_exec (int procfd, const oci_process *p, ocirt_error_t *err);

#endif
