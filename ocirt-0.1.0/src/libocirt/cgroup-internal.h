/* ocirt: cgroup internals shared by cgroup*.c (hierarchy discovery and
   safe, fd-based access to a container's cgroup directories).

   A later cgroup-resources.c plugs in here: it loads the hierarchies,
   finds the one that holds a controller with ocirt_cgroup_find_controller()
   and writes knobs with openat() on the dirfd ocirt_cgroup_open_in()
   returns.  */
#ifndef OCIRT_CGROUP_INTERNAL_H
#define OCIRT_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>
#include "cgroup.h"
#include "error.h"

#define OCIRT_CGROUP_ROOT "/sys/fs/cgroup"
#define OCIRT_CGROUP_UNIFIED "/sys/fs/cgroup/unified"

typedef struct
{
  char *mountpoint;   /* absolute path of the hierarchy's root mount */
  char **controllers; /* v1: "cpu", "cpuacct", "name=systemd", ...; v2: NULL */
  bool unified;       /* the cgroup2 tree */
} ocirt_cgroup_hierarchy;

typedef struct
{
  ocirt_cgroup_layout layout;
  ocirt_cgroup_hierarchy *h; /* v1 hierarchies first, the v2 tree last */
  size_t n;
} ocirt_cgroup_hierarchies;

/* Discover the layout and every usable hierarchy (v1 from mountinfo, only
   mounts of a hierarchy's root; the v2 tree at its fixed place).  */
int ocirt_cgroup_hierarchies_load (ocirt_cgroup_hierarchies *out,
                                   ocirt_error_t *err);
void ocirt_cgroup_hierarchies_free (ocirt_cgroup_hierarchies *hs);

/* The hierarchy holding controller ("memory", "name=systemd"): on v1 the
   v1 hierarchy that lists it; on pure v2 the v2 tree.  NULL when none.  */
const ocirt_cgroup_hierarchy *
ocirt_cgroup_find_controller (const ocirt_cgroup_hierarchies *hs,
                              const char *controller);

/* The v2 tree (pure v2 or the hybrid "unified" tree), or NULL.  */
const ocirt_cgroup_hierarchy *
ocirt_cgroup_unified (const ocirt_cgroup_hierarchies *hs);

bool ocirt_cgroup_has_controller (const ocirt_cgroup_hierarchy *h,
                                  const char *controller);

/* Clean a cgroup path: collapse "//" and ".", reject "..".  Returns a
   malloc'd absolute path ("/" for the root) or NULL with errno EINVAL.  */
char *ocirt_cgroup_clean_path (const char *path);

/* Open the cleaned absolute path inside hierarchy h, one component at a
   time with O_NOFOLLOW.  flags: O_PATH or O_RDONLY (O_DIRECTORY and
   O_CLOEXEC are added).  Returns the fd or -errno.  */
int ocirt_cgroup_open_in (const ocirt_cgroup_hierarchy *h, const char *path,
                          int flags);

/* The cgroup of pid in h from /proc/PID/cgroup (pid 0: self).  Returns a
   malloc'd path or NULL with errno set.  */
char *ocirt_cgroup_proc_path (pid_t pid, const ocirt_cgroup_hierarchy *h);

#endif
