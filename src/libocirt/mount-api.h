/* ocirt: constants of the new mount API (open_tree, fsopen, fsmount,
   move_mount, mount_setattr) that older kernel headers lack.  Include
   after <linux/mount.h>.  */
#ifndef OCIRT_MOUNT_API_H
#define OCIRT_MOUNT_API_H

#include <fcntl.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

#endif
