/* ocirt: cgroups on v1, v2 and hybrid hosts.  */
#ifndef OCIRT_CGROUP_H
#define OCIRT_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

typedef enum
{
  OCIRT_CGROUP_V1,     /* only v1 hierarchies */
  OCIRT_CGROUP_HYBRID, /* v1 hierarchies + cgroup2 at /sys/fs/cgroup/unified */
  OCIRT_CGROUP_V2      /* cgroup2 at /sys/fs/cgroup */
} ocirt_cgroup_layout;

int ocirt_cgroup_layout_detect (ocirt_cgroup_layout *out, ocirt_error_t *err);

/* The cgroup path (relative to each hierarchy's root, starting with '/')
   the container uses: cgroupsPath when absolute; under the runtime's own
   cgroup when relative; runc's default when absent.  Rejects "..".
   Returns a malloc'd string or NULL.  */
char *ocirt_cgroup_path_for (const oci_linux *l, const char *id,
                             ocirt_error_t *err);

/* The container's cgroup, made ready for the init to join: one
   cgroup.procs file per hierarchy, open for writing.  */
#define OCIRT_CGROUP_MAX_JOIN 24
typedef struct
{
  int fds[OCIRT_CGROUP_MAX_JOIN];
  size_t n;
  char names[2048]; /* "hierarchy/path\0" per fd, while they fit */
  size_t names_len;
} ocirt_cgroup_joiner;

/* Create the cgroup in every mounted v1 hierarchy and in the v2 tree and
   open the cgroup.procs files.  The init joins by writing "0" to each (a
   process moving itself), so the runtime does this while the init still
   starts up.  On failure nothing created is left.  */
int ocirt_cgroup_prepare (const char *path, ocirt_cgroup_joiner *out,
                          ocirt_error_t *err);
void ocirt_cgroup_joiner_release (ocirt_cgroup_joiner *j);

/* Move pid into an existing container cgroup (exec).  */
int ocirt_cgroup_enter (const char *path, pid_t pid, ocirt_error_t *err);

/* Pids in the container's cgroup (v2 tree or v1 pids/freezer/first
   hierarchy).  *pids is malloc'd.  */
int ocirt_cgroup_pids (const char *path, pid_t **pids, size_t *n,
                       ocirt_error_t *err);

/* Send sig to every process in the cgroup (kill --all).  */
int ocirt_cgroup_kill_all (const char *path, int sig, ocirt_error_t *err);

/* Remove the cgroup from every hierarchy, killing what is left (SIGKILL,
   waiting until empty).  Missing directories are fine.  */
int ocirt_cgroup_destroy (const char *path, ocirt_error_t *err);

/* Does the cgroup exist in any hierarchy?  (tests, delete recovery) */
bool ocirt_cgroup_exists (const char *path);

/* Write linux.resources (r may be NULL) into the cgroup: only the files
   of fields that are set; v1 values converted on v2.  update: changing a
   running container (update verb).  A value the kernel refuses fails
   with the file and value in the message.  (cgroup-resources.c) */
int ocirt_cgroup_apply_resources (const char *path, const oci_resources *r,
                                  bool update, ocirt_error_t *err);

/* cpu.shares -> cgroup v2 cpu.weight (crun's conversion).  */
uint64_t ocirt_cgroup_shares_to_weight (uint64_t shares);

/* Freeze (pause) or thaw (resume) every process of the cgroup; freezing
   returns once the kernel reports the cgroup frozen.  (cgroup-freeze.c) */
int ocirt_cgroup_freeze (const char *path, bool freeze, ocirt_error_t *err);

/* Is the cgroup frozen (paused)?  */
bool ocirt_cgroup_is_frozen (const char *path);
/* The same for many containers: an O_PATH fd of the freezer hierarchy's
   root (*v1) or of the v2 tree, then a lookup relative to it.  */
int ocirt_cgroup_freezer_root (bool *v1);
bool ocirt_cgroup_is_frozen_in (int rootfd, bool v1, const char *path);

/* OOM kills in the cgroup so far, -1 when the kernel does not say.  */
int64_t ocirt_cgroup_oom_kills (const char *path);

/* runc's stats event for `events` as JSON text (malloc'd).
   (cgroup-stats.c) */
char *ocirt_cgroup_stats_event (const char *path, const char *id,
                                ocirt_error_t *err);

#endif
