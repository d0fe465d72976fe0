/* ocirt: a private procfs handle for the init's writes to /proc.  */
#ifndef OCIRT_PROCFS_H
#define OCIRT_PROCFS_H

#include "error.h"

/* An fd on the root of a procfs instance that nothing in the container
   can have mounted over: a new detached instance (fsopen/fsmount), else a
   non-recursive clone of the /proc mount (open_tree, no submounts), else
   /proc itself.  Checked: procfs magic, root inode.  The instance takes
   the pid namespace of the caller, so open it after joining or creating
   the container's pid namespace, before any container code runs.
   O_CLOEXEC.  */
int ocirt_procfs_open (ocirt_error_t *err);

/* Open REL ("sys/kernel/domainname") below procfd with flags (O_CLOEXEC
   and O_NOFOLLOW are added): no symlinks, no "..", no mount crossings;
   the result must be a regular file on procfs.  */
int ocirt_procfs_openat (int procfd, const char *rel, int flags,
                         ocirt_error_t *err);

/* The same for REL below the calling thread's own directory of the
   instance ("oom_score_adj", "attr/apparmor/exec"): the "thread-self"
   link of the instance is read, never followed.  */
int ocirt_procfs_open_self (int procfd, const char *rel, int flags,
                            ocirt_error_t *err);

/* An O_PATH fd of the calling thread's "fd" directory of the instance,
   opened with the same checks; opened before the container's seccomp
   filter is loaded, which may refuse openat2.  */
int ocirt_procfs_fd_dir (int procfd, ocirt_error_t *err);

/* Open the caller's own fd again with flags (an O_PATH fd made
   writable), through "N" of that directory: one openat.  */
int ocirt_procfs_reopen_fd (int fddir, int fd, int flags, ocirt_error_t *err);

#endif
