/* ocirt: container verbs built on the cgroup: update, pause, resume,
   ps and events.  */
#ifndef OCIRT_CONTAINER_CGROUP_H
#define OCIRT_CONTAINER_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

/* Apply r to a created, running or paused container.  */
int ocirt_container_update (const char *root, const char *id,
                            const oci_resources *r, ocirt_error_t *err);

/* pause: freeze a running container; resume (pause false): thaw a
   paused one.  Anything else is an error.  */
/* update --l3-cache-schema / --mem-bw-schema.  */
int ocirt_container_update_rdt (const char *root, const char *id,
                                const char *l3, const char *mb,
                                ocirt_error_t *err);

int ocirt_container_pause (const char *root, const char *id, bool pause,
                           ocirt_error_t *err);

/* Host pids of every process of the container (sorted).  */
int ocirt_container_pids (const char *root, const char *id, pid_t **pids,
                          size_t *n, ocirt_error_t *err);

/* The cgroup of a container that is not stopped, and a pidfd of its init
   (-1 when unavailable) to watch it end.  */
int ocirt_container_cgroup (const char *root, const char *id, char **path,
                            int *pidfd, ocirt_error_t *err);

#endif
