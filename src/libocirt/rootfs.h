/* ocirt: the container's filesystem view, built inside the init's mount
   namespace.  Every path inside the rootfs is resolved fd-relatively.  */
#ifndef OCIRT_ROOTFS_H
#define OCIRT_ROOTFS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"
#include "init-ctx.h"

/* In the init before it leaves the host's user namespace (before the user
   namespace is created or joined): the work that needs the host's
   privileges, i.e. the detached trees of idmapped mounts.  Optional
   without a user namespace.  */
int ocirt_rootfs_early (struct ocirt_init_ctx *c, ocirt_error_t *err);

/* Before pivot: set the host's propagation (rootfsPropagation, default
   rslave/rprivate so host mounts do not leak in), bind the rootfs onto
   itself, mount every entry of mounts[] in order (or nothing when absent),
   create /dev devices, symlinks and default devices.  */
int ocirt_rootfs_prepare (struct ocirt_init_ctx *c, ocirt_error_t *err);

/* pivot_root (or MS_MOVE + chroot with no_pivot), chdir "/".  */
int ocirt_rootfs_pivot (struct ocirt_init_ctx *c, ocirt_error_t *err);

/* After pivot: maskedPaths, readonlyPaths, root.readonly, make the root's
   propagation what rootfsPropagation asks.  */
int ocirt_rootfs_finalize (struct ocirt_init_ctx *c, ocirt_error_t *err);

/* Resolve PATH (absolute or relative, interpreted inside the root) below
   rootfd with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), falling back
   to an O_PATH|O_NOFOLLOW component walk.  Returns an fd or -1.  */
int ocirt_open_in_root (int rootfd, const char *path, int flags, mode_t mode,
                        ocirt_error_t *err);

/* mkdir -p PATH inside the root, fd-based, refusing symlinks.  Returns an
   O_PATH|O_DIRECTORY fd of the last component or -1.  */
int ocirt_mkdir_all_in_root (int rootfd, const char *path, mode_t mode,
                             ocirt_error_t *err);

/* As ocirt_open_in_root, without an error message (errno is set).  */
int ocirt_open_in_root_quiet (int rootfd, const char *path, int flags,
                              mode_t mode);

/* Open PATH inside the root as O_PATH, creating it as an empty regular
   file (and its parents as directories) when missing.  A symlink left at
   the final name is refused.  */
int ocirt_mkfile_in_root (int rootfd, const char *path, mode_t mode,
                          ocirt_error_t *err);

/* O_PATH fd of the parent directory of PATH (created when missing), the
   last component in *base (malloc'd).  */
int ocirt_open_parent_in_root (int rootfd, const char *path, char **base,
                               ocirt_error_t *err);

/* "/proc/self/fd/N": a mount target or source that cannot be swapped
   while the host's /proc is the one in place (before pivot_root).  */
void ocirt_fd_path (int fd, char *buf, size_t len);

/* Bind the file or directory SRC over DST, both held as fds, with the
   mount API (open_tree, mount_setattr, move_mount): no path is looked up.
   ATTR (MOUNT_ATTR_*) is added to the top mount before it is attached;
   REC binds the mounts below SRC too.  -1 with errno set; ENOSYS on a
   kernel without the API (before 5.2, mount_setattr before 5.12).  */
int ocirt_bind_by_fd (int src, int dst, bool rec, uint64_t attr);

/* Tests only: behave as if openat2 were missing (component walk).  */
void ocirt_openat2_disable (bool disable);

#endif
