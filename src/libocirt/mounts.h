/* ocirt: the pieces the rootfs is built from (internal to the init).  */
#ifndef OCIRT_MOUNTS_H
#define OCIRT_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "init-ctx.h"
#include "spec.h"

/* mounts[i].options split by kind.  */
struct ocirt_mount_opts
{
  unsigned long flags;       /* MS_* given to mount(2) */
  unsigned long propagation; /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE | MS_REC */
  uint64_t attr_set;         /* recursive "r*" options: MOUNT_ATTR_* */
  uint64_t attr_clr;
  bool is_bind;
  bool idmap;
  bool tmpcopyup;
  char *data; /* unknown options joined with ',', NULL when none */
};

/* What the mounts[] pass learned, for the /dev setup after it.  */
struct ocirt_mount_state
{
  bool dev_tmpfs; /* a non-bind filesystem was mounted on /dev */
  bool dev_bind;  /* /dev was bind-mounted from elsewhere */
};

int ocirt_mount_opts_parse (char *const *options, size_t n,
                            struct ocirt_mount_opts *o, ocirt_error_t *err);
void ocirt_mount_opts_release (struct ocirt_mount_opts *o);

/* Propagation name ("rslave", "shared", ...) to MS_* flags; 0 if unknown.  */
unsigned long ocirt_propagation_flags (const char *name);

/* Mount one entry of mounts[] below rootfd.  */
int ocirt_mount_entry (struct ocirt_init_ctx *c, int rootfd, const oci_mount *m,
                       struct ocirt_mount_state *st, ocirt_error_t *err);

/* The "cgroup" filesystem type: a cgroup2 mount, or on v1 hosts a tmpfs
   with every hierarchy below it.  destfd is an O_PATH fd of the
   directory.  */
int ocirt_mount_cgroupfs (struct ocirt_init_ctx *c, int rootfd,
                          const char *dest, int destfd,
                          const struct ocirt_mount_opts *o, ocirt_error_t *err);

/* After something was mounted on PATH (whose pre-mount fd is beforefd):
   an O_PATH fd of the new mount, checked to be a different mount.  */
int ocirt_reopen_mount (int rootfd, const char *path, int beforefd,
                        ocirt_error_t *err);

/* Remount the bind mount fd refers to with flags (MS_RDONLY, MS_NOSUID,
   ...); when the kernel refuses to drop flags locked by a user namespace,
   retry keeping them.  */
int ocirt_remount_bind (int fd, const char *what, unsigned long flags,
                        ocirt_error_t *err);

/* Apply propagation and recursive attributes to the mount fd refers to.  */
int ocirt_mount_apply_after (int fd, const char *what,
                             const struct ocirt_mount_opts *o,
                             ocirt_error_t *err);

/* Does m ask for an idmapped mount ("idmap" or "ridmap")?  */
bool ocirt_mount_is_idmap (const oci_mount *m);

/* Before the init leaves the host's user namespace: clone and idmap the
   source of every idmapped mount (only a process privileged over the
   source's filesystem may).  */
int ocirt_idmap_prepare (const struct ocirt_init_ctx *c, ocirt_error_t *err);

/* The idmapped detached tree for m: the one prepared early, or made now.  */
int ocirt_idmap_tree (const struct ocirt_init_ctx *c, const oci_mount *m,
                      ocirt_error_t *err);

/* move_mount the detached tree onto destfd.  */
int ocirt_idmap_move (int tree, int destfd, const char *dest,
                      ocirt_error_t *err);

/* Copy the directory tree of fromfd into tofd (both O_RDONLY directory
   fds): what a tmpfs mounted with "tmpcopyup" shadows.  */
int ocirt_copy_tree (int fromfd, int tofd, const char *what,
                     ocirt_error_t *err);

/* /dev: default devices and symlinks (when default_devices), then
   linux.devices[].  */
int ocirt_dev_setup (struct ocirt_init_ctx *c, int rootfd, bool default_devices,
                     ocirt_error_t *err);

#endif
