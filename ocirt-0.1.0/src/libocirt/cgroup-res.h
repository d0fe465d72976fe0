/* ocirt: internals of applying linux.resources to a container cgroup.

   A res_ctx finds, for each controller, the directory of the container's
   cgroup that holds its knobs: the v1 hierarchy that has the controller,
   else the v2 tree (after enabling the controller down to the cgroup).
   The writers in cgroup-resources.c and cgroup-res-io.c then write only
   the files of fields that are set.  */
#ifndef OCIRT_CGROUP_RES_H
#define OCIRT_CGROUP_RES_H

#include <stdbool.h>
#include "cgroup-internal.h"
#include "error.h"
#include "spec.h"

typedef struct
{
  ocirt_cgroup_hierarchies hs;
  const char *path;
  bool update; /* changing a running container, not creating it */
  int *fds;    /* per hierarchy: the cgroup's dirfd, -1 until opened */
} res_ctx;

int res_ctx_init (res_ctx *c, const char *path, bool update,
                  ocirt_error_t *err);
void res_ctx_release (res_ctx *c);

/* The cgroup directory holding controller v1name (v1) or v2name (v2);
   *v2 tells which.  Enables v2name in cgroup.subtree_control of every
   ancestor.  Returns a dirfd owned by c, or -1 with err naming the
   controller when no hierarchy has it.  */
int res_dir (res_ctx *c, const char *v1name, const char *v2name, bool *v2,
             ocirt_error_t *err);

/* The cgroup's directory in the v2 tree, enabling nothing.  */
int res_v2_dir (res_ctx *c, ocirt_error_t *err);

/* Write value to file; the error names both:
   write "memory.max" = "1024": Device or resource busy.  */
int res_write (int dirfd, const char *file, const char *value,
               ocirt_error_t *err);
int res_writef (ocirt_error_t *err, int dirfd, const char *file,
                const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));
bool res_has (int dirfd, const char *file);
/* Read a file into a malloc'd, newline-stripped string; NULL on error.  */
char *res_read (int dirfd, const char *file);

/* cgroup-res-io.c */
int res_blkio (res_ctx *c, const oci_block_io *b, ocirt_error_t *err);
int res_hugetlb (res_ctx *c, const oci_resources *r, ocirt_error_t *err);
int res_network (res_ctx *c, const oci_network *n, ocirt_error_t *err);
int res_rdma (res_ctx *c, const oci_resources *r, ocirt_error_t *err);
int res_unified (res_ctx *c, const oci_resources *r, ocirt_error_t *err);
int res_devices (res_ctx *c, const oci_resources *r, ocirt_error_t *err);

/* v2 device access is a BPF program (cgroup-devices-bpf.c).  */
int res_devices_bpf (int dirfd, const oci_device_cgroup *rules, size_t n,
                     ocirt_error_t *err);

#endif
