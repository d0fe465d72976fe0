#include <config.h>
/* ocirt: one entry of mounts[]: options, destination, the mount itself.  */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "mounts.h"
#include "rootfs.h"
#include "util.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

#define PROPAGATION_MASK (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

struct flag_opt
{
  const char *name;
  bool clear;
  unsigned long flag;
};

static const struct flag_opt flag_opts[] = {
  { "defaults", false, 0 },
  { "ro", false, MS_RDONLY },
  { "rw", true, MS_RDONLY },
  { "nosuid", false, MS_NOSUID },
  { "suid", true, MS_NOSUID },
  { "nodev", false, MS_NODEV },
  { "dev", true, MS_NODEV },
  { "noexec", false, MS_NOEXEC },
  { "exec", true, MS_NOEXEC },
  { "sync", false, MS_SYNCHRONOUS },
  { "async", true, MS_SYNCHRONOUS },
  { "dirsync", false, MS_DIRSYNC },
  { "remount", false, MS_REMOUNT },
  { "mand", false, MS_MANDLOCK },
  { "nomand", true, MS_MANDLOCK },
  { "atime", true, MS_NOATIME },
  { "noatime", false, MS_NOATIME },
  { "diratime", true, MS_NODIRATIME },
  { "nodiratime", false, MS_NODIRATIME },
  { "relatime", false, MS_RELATIME },
  { "norelatime", true, MS_RELATIME },
  { "strictatime", false, MS_STRICTATIME },
  { "nostrictatime", true, MS_STRICTATIME },
  { "lazytime", false, MS_LAZYTIME },
  { "nolazytime", true, MS_LAZYTIME },
  { "iversion", false, MS_I_VERSION },
  { "noiversion", true, MS_I_VERSION },
  { "nosymfollow", false, MS_NOSYMFOLLOW },
  { "symfollow", true, MS_NOSYMFOLLOW },
  { "bind", false, MS_BIND },
  { "rbind", false, MS_BIND | MS_REC },
  { "silent", false, MS_SILENT },
  { "loud", true, MS_SILENT },
};

struct attr_opt
{
  const char *name;
  bool clear;
  uint64_t attr;
};

/* Recursive options, applied with mount_setattr(AT_RECURSIVE).  The atime
   group is one field: setting one value clears the others.  */
static const struct attr_opt attr_opts[] = {
  { "rro", false, MOUNT_ATTR_RDONLY },
  { "rrw", true, MOUNT_ATTR_RDONLY },
  { "rnosuid", false, MOUNT_ATTR_NOSUID },
  { "rsuid", true, MOUNT_ATTR_NOSUID },
  { "rnodev", false, MOUNT_ATTR_NODEV },
  { "rdev", true, MOUNT_ATTR_NODEV },
  { "rnoexec", false, MOUNT_ATTR_NOEXEC },
  { "rexec", true, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", false, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", true, MOUNT_ATTR_NODIRATIME },
  { "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
  { "rnoatime", false, MOUNT_ATTR_NOATIME },
  { "rstrictatime", false, MOUNT_ATTR_STRICTATIME },
  { "rrelatime", false, MOUNT_ATTR_RELATIME },
  { "ratime", true, MOUNT_ATTR_NOATIME },
  { "rnorelatime", true, MOUNT_ATTR_RELATIME },
  { "rnostrictatime", true, MOUNT_ATTR_STRICTATIME },
};

unsigned long
ocirt_propagation_flags (const char *name)
{
  static const struct
  {
    const char *name;
    unsigned long flags;
  } props[] = {
    { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
    { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
    { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
    { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
  };
  size_t i;

  for (i = 0; i < ARRAY_SIZE (props); i++)
    if (strcmp (name, props[i].name) == 0)
      return props[i].flags;
  return 0;
}

static bool
parse_attr_opt (const char *name, struct ocirt_mount_opts *o)
{
  size_t i;

  for (i = 0; i < ARRAY_SIZE (attr_opts); i++)
    {
      const struct attr_opt *a = &attr_opts[i];
      bool atime;

      if (strcmp (name, a->name) != 0)
        continue;
      atime
          = (a->attr == MOUNT_ATTR_NOATIME || a->attr == MOUNT_ATTR_STRICTATIME
             || a->attr == MOUNT_ATTR_RELATIME);
      if (atime)
        {
          o->attr_clr |= MOUNT_ATTR__ATIME;
          o->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
          if (!a->clear)
            o->attr_set |= a->attr;
        }
      else if (a->clear)
        {
          o->attr_clr |= a->attr;
          o->attr_set &= ~a->attr;
        }
      else
        {
          o->attr_set |= a->attr;
          o->attr_clr &= ~a->attr;
        }
      return true;
    }
  return false;
}

static bool
parse_flag_opt (const char *name, struct ocirt_mount_opts *o)
{
  size_t i;

  for (i = 0; i < ARRAY_SIZE (flag_opts); i++)
    if (strcmp (name, flag_opts[i].name) == 0)
      {
        if (flag_opts[i].clear)
          o->flags &= ~flag_opts[i].flag;
        else
          o->flags |= flag_opts[i].flag;
        if (flag_opts[i].flag & MS_BIND)
          o->is_bind = true;
        return true;
      }
  return false;
}

static void
append_data (struct ocirt_mount_opts *o, const char *opt)
{
  char *n;

  if (o->data == NULL)
    {
      o->data = xstrdup (opt);
      return;
    }
  xasprintf (&n, "%s,%s", o->data, opt);
  free (o->data);
  o->data = n;
}

int
ocirt_mount_opts_parse (char *const *options, size_t n,
                        struct ocirt_mount_opts *o, ocirt_error_t *err)
{
  size_t i;

  memset (o, 0, sizeof (*o));
  for (i = 0; i < n; i++)
    {
      const char *opt = options[i];
      unsigned long prop;

      if (parse_flag_opt (opt, o) || parse_attr_opt (opt, o))
        continue;
      prop = ocirt_propagation_flags (opt);
      if (prop)
        {
          o->propagation = prop;
          continue;
        }
      if (strcmp (opt, "idmap") == 0 || strcmp (opt, "ridmap") == 0)
        o->idmap = true;
      else if (strcmp (opt, "tmpcopyup") == 0)
        o->tmpcopyup = true;
      else if (*opt == '\0')
        return ocirt_error_set (err, 0, "empty mount option");
      else
        append_data (o, opt);
    }
  return 0;
}

void
ocirt_mount_opts_release (struct ocirt_mount_opts *o)
{
  free (o->data);
  o->data = NULL;
}

static uint64_t
mnt_id_of (int fd)
{
  struct statx sx;

  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx)
      < 0)
    return 0;
  return sx.stx_mnt_id;
}

int
ocirt_reopen_mount (int rootfd, const char *path, int beforefd,
                    ocirt_error_t *err)
{
  cleanup_close int fd = -1;

  fd = ocirt_open_in_root (rootfd, path, O_PATH, 0, err);
  if (fd < 0)
    return -1;
  /* A path lookup is the only way onto the new mount; check that it is not
     the mount the destination lived on before (a swapped path).  */
  if (beforefd >= 0 && mnt_id_of (fd) == mnt_id_of (beforefd))
    return ocirt_error_set (err, 0,
                            "mount on \"%s\" not found after "
                            "mounting",
                            path);
  return steal_fd (&fd);
}

static unsigned long
statvfs_locked_flags (int fd)
{
  struct statvfs sv;
  unsigned long f = 0;

  if (fstatvfs (fd, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY)
    f |= MS_RDONLY;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

int
ocirt_remount_bind (int fd, const char *what, unsigned long flags,
                    ocirt_error_t *err)
{
  char p[64];
  unsigned long keep = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME
                       | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME
                       | MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME
                       | MS_NOSYMFOLLOW;

  flags &= keep;
  ocirt_fd_path (fd, p, sizeof (p));
  if (mount (NULL, p, NULL, MS_REMOUNT | MS_BIND | flags, NULL) == 0)
    return 0;
  if (errno == EPERM)
    {
      unsigned long locked = statvfs_locked_flags (fd);
      /* ro asked for: only add what is locked, never drop the ro.  */
      if (mount (NULL, p, NULL, MS_REMOUNT | MS_BIND | flags | locked, NULL)
          == 0)
        return 0;
    }
  return ocirt_error_errno (err, "remount \"%s\"", what);
}

int
ocirt_mount_apply_after (int fd, const char *what,
                         const struct ocirt_mount_opts *o, ocirt_error_t *err)
{
  char p[64];

  ocirt_fd_path (fd, p, sizeof (p));
  if (o->attr_set || o->attr_clr)
    {
      struct mount_attr attr = { 0 };

      attr.attr_set = o->attr_set;
      attr.attr_clr = o->attr_clr;
      if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
                   &attr, sizeof (attr))
          < 0)
        return ocirt_error_errno (err,
                                  "set recursive mount attributes on "
                                  "\"%s\"",
                                  what);
    }
  if (o->propagation && mount (NULL, p, NULL, o->propagation, NULL) < 0)
    return ocirt_error_errno (err, "set propagation of \"%s\"", what);
  return 0;
}

static char *
host_source_path (struct ocirt_init_ctx *c, const char *source)
{
  char *r;

  if (source[0] == '/' || c->bundle == NULL)
    return xstrdup (source);
  xasprintf (&r, "%s/%s", c->bundle, source);
  return r;
}

/* Open (creating when missing) the destination to match a source of type
   is_dir.  */
static int
open_bind_dest (int rootfd, const char *dest, bool is_dir, ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  if (is_dir)
    fd = ocirt_mkdir_all_in_root (rootfd, dest, 0755, err);
  else
    fd = ocirt_mkfile_in_root (rootfd, dest, 0644, err);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "stat \"%s\"", dest);
  if (S_ISLNK (st.st_mode))
    return ocirt_error_set (err, ELOOP, "mount destination \"%s\"", dest);
  if (!is_dir && S_ISDIR (st.st_mode))
    return ocirt_error_set (err, EISDIR, "mount a file on \"%s\"", dest);
  return steal_fd (&fd);
}

static int
bind_entry (struct ocirt_init_ctx *c, int rootfd, const oci_mount *m,
            const char *source, const struct ocirt_mount_opts *o,
            ocirt_error_t *err)
{
  cleanup_free char *src = host_source_path (c, source);
  cleanup_close int srcfd = -1, destfd = -1, top = -1;
  char sp[64], dp[64];
  unsigned long extra;
  struct stat st;

  /* Held open so the source cannot be swapped between the type check and
     the mount.  An idmapped source is a detached mount tree.  */
  if (o->idmap)
    srcfd = ocirt_idmap_tree (c, m, err);
  else
    srcfd = open (src, O_PATH | O_CLOEXEC);
  if (srcfd < 0 && o->idmap)
    return -1;
  if (srcfd < 0 || fstat (srcfd, &st) < 0)
    return ocirt_error_errno (err, "open mount source \"%s\"", src);
  destfd = open_bind_dest (rootfd, m->destination, S_ISDIR (st.st_mode), err);
  if (destfd < 0)
    return -1;
  if (o->idmap)
    {
      if (ocirt_idmap_move (srcfd, destfd, m->destination, err) < 0)
        return -1;
    }
  else
    {
      ocirt_fd_path (srcfd, sp, sizeof (sp));
      ocirt_fd_path (destfd, dp, sizeof (dp));
      if (mount (sp, dp, NULL, MS_BIND | (o->flags & MS_REC), NULL) < 0)
        return ocirt_error_errno (err, "bind mount \"%s\" on \"%s\"", src,
                                  m->destination);
    }
  extra = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT | MS_SILENT);
  if (extra == 0 && o->propagation == 0 && !o->attr_set && !o->attr_clr)
    return 0;
  top = ocirt_reopen_mount (rootfd, m->destination, destfd, err);
  if (top < 0)
    return -1;
  /* Bind mounts take no flags: a read-only (etc.) bind is a remount.  */
  if (extra && ocirt_remount_bind (top, m->destination, extra, err) < 0)
    return -1;
  return ocirt_mount_apply_after (top, m->destination, o, err);
}

/* proc and sysfs must land on a real directory, never through a final
   symlink (CVE-2019-19921, CVE-2023-27561).  */
static int
open_fs_dest (int rootfd, const char *dest, bool strict, ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  struct stat st;

  fd = ocirt_open_in_root_quiet (rootfd, dest, O_PATH | O_NOFOLLOW, 0);
  if (fd < 0 && errno == ENOENT)
    fd = ocirt_mkdir_all_in_root (rootfd, dest, 0755, err);
  else if (fd < 0)
    return ocirt_error_errno (err, "open mount destination \"%s\"", dest);
  if (fd < 0)
    return -1;
  if (fstat (fd, &st) < 0)
    return ocirt_error_errno (err, "stat \"%s\"", dest);
  if (S_ISLNK (st.st_mode) && !strict)
    {
      /* Other filesystems may go where an in-root symlink points.  */
      close (fd);
      fd = ocirt_mkdir_all_in_root (rootfd, dest, 0755, err);
      if (fd < 0 || fstat (fd, &st) < 0)
        return -1;
    }
  if (!S_ISDIR (st.st_mode))
    return ocirt_error_set (err, 0,
                            "mount destination \"%s\" is not a "
                            "directory",
                            dest);
  return steal_fd (&fd);
}

static bool
is_dest (const char *dest, const char *want)
{
  while (*dest == '/')
    dest++;
  while (*want == '/')
    want++;
  while (*dest && *dest == *want)
    dest++, want++;
  while (*dest == '/')
    dest++;
  return *dest == '\0' && *want == '\0';
}

/* Whether the mount data (comma-separated) holds KEY=...  */
static bool
has_data_key (const char *data, const char *key)
{
  size_t n = strlen (key);
  const char *s = data;

  while (s && *s)
    {
      if (strncmp (s, key, n) == 0 && s[n] == '=')
        return true;
      s = strchr (s, ',');
      if (s)
        s++;
    }
  return false;
}

/* Fill the new tmpfs (top) with the content of the directory it hides;
   a read-only tmpfs is filled first, then made read-only.  The root
   takes the hidden directory's mode and owner unless the options set
   them (mode=, uid=, gid=), as with runc.  */
static int
copy_up (int top, int shadowed, const oci_mount *m,
         const struct ocirt_mount_opts *o, ocirt_error_t *err)
{
  cleanup_close int to = -1;
  struct stat st;
  char p[64];

  ocirt_fd_path (top, p, sizeof (p));
  if ((o->flags & MS_RDONLY)
      && mount (NULL, p, NULL,
                MS_REMOUNT | (o->flags & ~MS_RDONLY & ~PROPAGATION_MASK),
                o->data)
             < 0)
    return ocirt_error_errno (err, "remount \"%s\" read-write", m->destination);
  to = openat (top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (to < 0)
    return ocirt_error_errno (err, "open \"%s\"", m->destination);
  if (fstat (to, &st) < 0)
    return ocirt_error_errno (err, "stat \"%s\"", m->destination);
  if (ocirt_copy_tree (shadowed, to, m->destination, err) < 0)
    return -1;
  if (has_data_key (o->data, "mode") && fchmod (to, st.st_mode & 07777) < 0)
    return ocirt_error_errno (err, "chmod \"%s\"", m->destination);
  if ((has_data_key (o->data, "uid") || has_data_key (o->data, "gid"))
      && fchown (to, st.st_uid, st.st_gid) < 0)
    return ocirt_error_errno (err, "chown \"%s\"", m->destination);
  if ((o->flags & MS_RDONLY)
      && mount (NULL, p, NULL, MS_REMOUNT | (o->flags & ~PROPAGATION_MASK),
                o->data)
             < 0)
    return ocirt_error_errno (err, "remount \"%s\" read-only", m->destination);
  return 0;
}

/* linux.mountLabel: the SELinux context of the filesystems that take one
   (context= is refused by proc, sysfs and cgroup).  Ignored when SELinux is
   not enabled, as crun does.  */
static void
add_mount_label (struct ocirt_init_ctx *c, const char *type,
                 struct ocirt_mount_opts *o)
{
  const oci_linux *l = c->spec->linux;
  static const char *const takes[] = { "tmpfs", "devpts", "mqueue" };
  bool enabled = false;
  size_t i;

  if (l == NULL || l->mount_label == NULL || *l->mount_label == '\0')
    return;
#ifdef HAVE_SELINUX
  enabled = is_selinux_enabled () > 0;
#endif
  if (!enabled || (o->data && strstr (o->data, "context=")))
    return;
  for (i = 0; i < ARRAY_SIZE (takes); i++)
    if (strcmp (type, takes[i]) == 0)
      {
        cleanup_free char *opt = NULL;
        xasprintf (&opt, "context=\"%s\"", l->mount_label);
        append_data (o, opt);
        return;
      }
}

static int
mount_fs_entry (struct ocirt_init_ctx *c, int rootfd, const oci_mount *m,
                struct ocirt_mount_opts *o, ocirt_error_t *err)
{
  const char *type = m->type;
  bool strict = strcmp (type, "proc") == 0 || strcmp (type, "sysfs") == 0;
  cleanup_close int destfd = -1, top = -1, shadowed = -1;
  char dp[64];
  int r;

  destfd = open_fs_dest (rootfd, m->destination, strict, err);
  if (destfd < 0)
    return -1;
  if (strcmp (type, "cgroup") == 0 || strcmp (type, "cgroup2") == 0)
    return ocirt_mount_cgroupfs (c, rootfd, m->destination, destfd, o, err);
  ocirt_fd_path (destfd, dp, sizeof (dp));
  add_mount_label (c, type, o);
  if (strcmp (type, "sysfs") == 0 && c->has_userns && !c->new_netns)
    {
      /* A sysfs mount needs the network namespace owned by our user
         namespace; show the host's instead, as runc does.  */
      if (mount ("/sys", dp, NULL, MS_BIND | MS_REC, NULL) < 0)
        return ocirt_error_errno (err, "bind mount \"/sys\" on \"%s\"",
                                  m->destination);
      top = ocirt_reopen_mount (rootfd, m->destination, destfd, err);
      if (top < 0)
        return -1;
      return ocirt_remount_bind (top, m->destination,
                                 o->flags & ~(MS_BIND | MS_REC), err);
    }
  if (o->tmpcopyup)
    {
      if (strcmp (type, "tmpfs") != 0)
        return ocirt_error_set (
            err, 0, "tmpcopyup on \"%s\": not a tmpfs mount", m->destination);
      /* What the tmpfs is going to hide, opened before it does.  */
      shadowed = openat (destfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (shadowed < 0)
        return ocirt_error_errno (err, "open \"%s\"", m->destination);
    }
  r = mount (m->source ? m->source : type, dp, type,
             o->flags & ~PROPAGATION_MASK, o->data);
  if (r < 0 && errno == EINVAL && strcmp (type, "devpts") == 0 && o->data
      && strstr (o->data, "gid="))
    {
      /* gid=5 may not be mapped in a user namespace: retry without it.  */
      cleanup_free char *data = xstrdup (o->data);
      char *tok, *save = NULL, *out = xzalloc (strlen (data) + 1);
      for (tok = strtok_r (data, ",", &save); tok;
           tok = strtok_r (NULL, ",", &save))
        if (strncmp (tok, "gid=", 4) != 0)
          {
            if (*out)
              strcat (out, ",");
            strcat (out, tok);
          }
      r = mount (m->source ? m->source : type, dp, type,
                 o->flags & ~PROPAGATION_MASK, *out ? out : NULL);
      free (out);
    }
  if (r < 0)
    return ocirt_error_errno (err, "mount \"%s\" on \"%s\"", type,
                              m->destination);
  if (o->propagation == 0 && !o->attr_set && !o->attr_clr && shadowed < 0)
    return 0;
  top = ocirt_reopen_mount (rootfd, m->destination, destfd, err);
  if (top < 0)
    return -1;
  if (shadowed >= 0 && copy_up (top, shadowed, m, o, err) < 0)
    return -1;
  return ocirt_mount_apply_after (top, m->destination, o, err);
}

int
ocirt_mount_entry (struct ocirt_init_ctx *c, int rootfd, const oci_mount *m,
                   struct ocirt_mount_state *st, ocirt_error_t *err)
{
  struct ocirt_mount_opts o;
  bool bind;
  int r;

  if (m->destination == NULL || *m->destination == '\0')
    return ocirt_error_set (err, 0, "mount without a destination");
  if (ocirt_mount_opts_parse (m->options, m->options_len, &o, err) < 0)
    return -1;
  bind = o.is_bind || (m->type && strcmp (m->type, "bind") == 0)
         || (m->type && strcmp (m->type, "rbind") == 0);
  if (m->type && strcmp (m->type, "rbind") == 0)
    o.flags |= MS_REC;
  if (o.idmap && !bind)
    r = ocirt_error_set (err, ENOTSUP,
                         "idmapped mount on \"%s\": only bind mounts "
                         "can be idmapped",
                         m->destination);
  else if (bind)
    {
      if (m->source == NULL)
        r = ocirt_error_set (err, 0,
                             "bind mount on \"%s\" without a "
                             "source",
                             m->destination);
      else
        r = bind_entry (c, rootfd, m, m->source, &o, err);
      if (r == 0 && is_dest (m->destination, "/dev"))
        st->dev_bind = true;
    }
  else if (m->type == NULL)
    r = ocirt_error_set (err, 0, "mount on \"%s\" without a type",
                         m->destination);
  else
    {
      r = mount_fs_entry (c, rootfd, m, &o, err);
      if (r == 0 && is_dest (m->destination, "/dev"))
        st->dev_tmpfs = true;
    }
  ocirt_mount_opts_release (&o);
  return r;
}
