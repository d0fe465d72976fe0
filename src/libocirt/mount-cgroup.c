#include <config.h>
/* ocirt: the "cgroup" mount type.

   With the container's own cgroup namespace the kernel shows only its
   subtree, so fresh cgroup filesystems are mounted.  Without one, the
   host's hierarchies are bind-mounted at the container's own cgroup, so
   the container never sees its siblings.  On a v1 or hybrid host each
   hierarchy sits below a tmpfs, as on the host.  */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "mounts.h"
#include "rootfs.h"
#include "util.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

struct hierarchy
{
  char *name;   /* directory below /sys/fs/cgroup, e.g. "cpu,cpuacct" */
  char *fstype; /* "cgroup" or "cgroup2" */
  char *super;  /* super options, e.g. "rw,cpu,cpuacct" */
};

/* Undo the octal escapes of /proc/self/mountinfo fields.  */
static void
unescape (char *s)
{
  char *o = s;

  while (*s)
    {
      if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0'
          && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
        {
          *o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3)
                        | (s[3] - '0'));
          s += 4;
        }
      else
        *o++ = *s++;
    }
  *o = '\0';
}

static bool
parse_mountinfo_line (char *line, struct hierarchy *h)
{
  char *fields[12], *save = NULL, *tok, *sep;
  size_t n = 0;

  sep = strstr (line, " - ");
  if (sep == NULL)
    return false;
  *sep = '\0';
  for (tok = strtok_r (line, " ", &save); tok && n < 5;
       tok = strtok_r (NULL, " ", &save))
    fields[n++] = tok;
  if (n < 5)
    return false;
  unescape (fields[4]);
  if (strncmp (fields[4], CGROUP_ROOT "/", strlen (CGROUP_ROOT) + 1) != 0)
    return false;
  h->name = fields[4] + strlen (CGROUP_ROOT) + 1;
  if (strchr (h->name, '/') != NULL || *h->name == '\0')
    return false;
  save = NULL;
  n = 0;
  for (tok = strtok_r (sep + 3, " \n", &save); tok && n < 3;
       tok = strtok_r (NULL, " \n", &save))
    fields[n++] = tok;
  if (n < 3)
    return false;
  if (strcmp (fields[0], "cgroup") != 0 && strcmp (fields[0], "cgroup2") != 0)
    return false;
  h->fstype = fields[0];
  h->super = fields[2];
  return true;
}

/* Is every entry of the comma list `want` among the options `have`?  */
static bool
all_in (const char *want, const char *have)
{
  cleanup_free char *w = xstrdup (want);
  char *tok, *save = NULL;

  for (tok = strtok_r (w, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      size_t len = strlen (tok);
      const char *p = have;
      bool found = false;

      while (p && *p)
        {
          if (strncmp (p, tok, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            {
              found = true;
              break;
            }
          p = strchr (p, ',');
          if (p)
            p++;
        }
      if (!found)
        return false;
    }
  return true;
}

/* /proc/self/cgroup, read once: the init's cgroups do not change while
   it mounts them, and each hierarchy asks.  */
static const char *
own_cgroups (void)
{
  static char *text;
  size_t len;

  if (text == NULL
      && ocirt_read_file_at (-1, "/proc/self/cgroup", 1 << 16, &text, &len) < 0)
    text = NULL;
  return text;
}

/* The init's own cgroup path in hierarchy h, from /proc/self/cgroup.  */
static char *
own_cgroup_path (const struct hierarchy *h)
{
  const char *text = own_cgroups ();
  bool v2 = strcmp (h->fstype, "cgroup2") == 0;

  while (text && *text)
    {
      const char *eol = strchrnul (text, '\n');
      cleanup_free char *line = xstrndup (text, (size_t)(eol - text));
      char *ctrl = strchr (line, ':'), *path;

      text = *eol ? eol + 1 : eol;
      if (ctrl == NULL)
        continue;
      ctrl++;
      path = strchr (ctrl, ':');
      if (path == NULL)
        continue;
      *path++ = '\0';
      if (v2 ? *ctrl == '\0' : (*ctrl != '\0' && all_in (ctrl, h->super)))
        return xstrdup (path);
    }
  return NULL;
}

/* Controller options of a v1 mount: drop generic ones.  */
static char *
v1_data (const char *super)
{
  cleanup_free char *s = xstrdup (super);
  char *out = xzalloc (strlen (super) + 1), *tok, *save = NULL;

  for (tok = strtok_r (s, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      if (strcmp (tok, "rw") == 0 || strcmp (tok, "ro") == 0)
        continue;
      if (*out)
        strcat (out, ",");
      strcat (out, tok);
    }
  return out;
}

static int
mount_hierarchy (struct ocirt_init_ctx *c, int parentfd, const char *dest,
                 const struct hierarchy *h, unsigned long flags,
                 ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  char p[64];

  if (mkdirat (parentfd, h->name, 0755) < 0 && errno != EEXIST)
    return ocirt_error_errno (err, "mkdir \"%s/%s\"", dest, h->name);
  fd = openat (parentfd, h->name,
               O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open \"%s/%s\"", dest, h->name);
  ocirt_fd_path (fd, p, sizeof (p));
  if (c->new_cgroupns)
    {
      cleanup_free char *data = NULL;
      if (strcmp (h->fstype, "cgroup") == 0)
        data = v1_data (h->super);
      if (mount (h->fstype, p, h->fstype, flags, data) < 0)
        return ocirt_error_errno (err, "mount \"%s\" on \"%s/%s\"", h->fstype,
                                  dest, h->name);
      return 0;
    }
  else
    {
      cleanup_free char *own = own_cgroup_path (h);
      cleanup_free char *src = NULL;
      xasprintf (&src, CGROUP_ROOT "/%s%s", h->name, own ? own : "");
      cleanup_close int top = -1;
      if (mount (src, p, NULL, MS_BIND, NULL) < 0)
        return ocirt_error_errno (err, "bind mount \"%s\" on \"%s/%s\"", src,
                                  dest, h->name);
      /* parentfd is our fresh tmpfs: the name now leads onto the bind.  */
      top = openat (parentfd, h->name,
                    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (top < 0)
        return ocirt_error_errno (err, "open \"%s/%s\"", dest, h->name);
      return ocirt_remount_bind (top, h->name, flags, err);
    }
}

/* cpu,cpuacct is also reachable as cpu and cpuacct.  */
static void
comount_links (int parentfd, const char *name)
{
  cleanup_free char *s = NULL;
  char *tok, *save = NULL;

  if (strchr (name, ',') == NULL)
    return;
  s = xstrdup (name);
  for (tok = strtok_r (s, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    if (strncmp (tok, "name=", 5) != 0)
      (void)symlinkat (name, parentfd, tok);
}

static int
mount_v1_tree (struct ocirt_init_ctx *c, int rootfd, const char *dest,
               int destfd, const struct ocirt_mount_opts *o, ocirt_error_t *err)
{
  unsigned long flags = (o->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC))
                        | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  cleanup_file FILE *f = NULL;
  cleanup_free char *line = NULL;
  cleanup_close int top = -1;
  size_t cap = 0;
  char p[64];

  ocirt_fd_path (destfd, p, sizeof (p));
  if (mount ("tmpfs", p, "tmpfs", flags, "mode=755") < 0)
    return ocirt_error_errno (err, "mount \"tmpfs\" on \"%s\"", dest);
  top = ocirt_reopen_mount (rootfd, dest, destfd, err);
  if (top < 0)
    return -1;
  f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return ocirt_error_errno (err, "open /proc/self/mountinfo");
  while (getline (&line, &cap, f) > 0)
    {
      struct hierarchy h;
      if (!parse_mountinfo_line (line, &h))
        continue;
      if (mount_hierarchy (c, top, dest, &h, flags | (o->flags & MS_RDONLY),
                           err)
          < 0)
        return -1;
      comount_links (top, h.name);
    }
  if ((o->flags & MS_RDONLY)
      && ocirt_remount_bind (top, dest, flags | MS_RDONLY, err) < 0)
    return -1;
  return ocirt_mount_apply_after (top, dest, o, err);
}

int
ocirt_mount_cgroupfs (struct ocirt_init_ctx *c, int rootfd, const char *dest,
                      int destfd, const struct ocirt_mount_opts *o,
                      ocirt_error_t *err)
{
  cleanup_close int top = -1;
  struct statfs sfs;
  char p[64];

  if (statfs (CGROUP_ROOT, &sfs) < 0)
    return ocirt_error_errno (err, "statfs " CGROUP_ROOT);
  if (sfs.f_type != CGROUP2_SUPER_MAGIC)
    return mount_v1_tree (c, rootfd, dest, destfd, o, err);
  ocirt_fd_path (destfd, p, sizeof (p));
  if (c->new_cgroupns)
    {
      if (mount ("cgroup2", p, "cgroup2", o->flags & ~MS_REC, o->data) < 0)
        return ocirt_error_errno (err, "mount \"cgroup2\" on \"%s\"", dest);
      top = ocirt_reopen_mount (rootfd, dest, destfd, err);
      if (top < 0)
        return -1;
    }
  else
    {
      struct hierarchy h = { .name = (char *)"",
                             .fstype = (char *)"cgroup2",
                             .super = (char *)"" };
      cleanup_free char *own = own_cgroup_path (&h);
      cleanup_free char *src = NULL;

      xasprintf (&src, CGROUP_ROOT "%s", own ? own : "");
      if (mount (src, p, NULL, MS_BIND, NULL) < 0)
        return ocirt_error_errno (err, "bind mount \"%s\" on \"%s\"", src,
                                  dest);
      top = ocirt_reopen_mount (rootfd, dest, destfd, err);
      if (top < 0)
        return -1;
      /* Without its own cgroupns a writable cgroupfs lets the container
         reach the host's cgroups (CVE-2023-25809): keep the flags.  */
      if (ocirt_remount_bind (top, dest,
                              o->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, err)
          < 0)
        return -1;
    }
  return ocirt_mount_apply_after (top, dest, o, err);
}
