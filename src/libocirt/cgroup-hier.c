/* ocirt: cgroup layout and hierarchy discovery.  */
#include <config.h>

#include <sys/stat.h>
#include <unistd.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroup-internal.h"
#include "util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

int
ocirt_cgroup_layout_detect (ocirt_cgroup_layout *out, ocirt_error_t *err)
{
  struct statfs st;

  if (statfs (OCIRT_CGROUP_ROOT, &st) < 0)
    return ocirt_error_errno (err, "statfs \"%s\"", OCIRT_CGROUP_ROOT);
  if (st.f_type == CGROUP2_SUPER_MAGIC)
    {
      *out = OCIRT_CGROUP_V2;
      return 0;
    }
  if (st.f_type != TMPFS_MAGIC && st.f_type != CGROUP_SUPER_MAGIC)
    return ocirt_error_set (err, 0,
                            "\"%s\" is neither cgroup2 nor a tmpfs of v1 "
                            "hierarchies (fs type 0x%lx)",
                            OCIRT_CGROUP_ROOT, (unsigned long)st.f_type);
  *out = OCIRT_CGROUP_V1;
  if (statfs (OCIRT_CGROUP_UNIFIED, &st) == 0
      && st.f_type == CGROUP2_SUPER_MAGIC)
    *out = OCIRT_CGROUP_HYBRID;
  return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo.  */
static void
unescape_octal (char *s)
{
  char *w = s;

  for (char *r = s; *r; r++)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0'
          && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
        {
          *w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3)
                        | (r[3] - '0'));
          r += 3;
        }
      else
        *w++ = *r;
    }
  *w = '\0';
}

/* Super options of a v1 cgroup mount that are not controllers.  */
static bool
is_v1_option (const char *opt)
{
  static const char *const opts[] = { "rw",           "ro",
                                      "noprefix",     "clone_children",
                                      "xattr",        "cpuset_v2_mode",
                                      "favordynmods", "none",
                                      "all" };

  if (strncmp (opt, "name=", 5) == 0)
    return false;
  if (strchr (opt, '=') != NULL)
    return true;
  for (size_t i = 0; i < ARRAY_SIZE (opts); i++)
    if (strcmp (opt, opts[i]) == 0)
      return true;
  return false;
}

static char **
v1_controllers (const char *superopts)
{
  cleanup_free char *copy = xstrdup (superopts);
  char **v = xcalloc (strlen (superopts) + 2, sizeof (char *));
  size_t n = 0;
  char *save = NULL;

  for (char *t = strtok_r (copy, ",", &save); t;
       t = strtok_r (NULL, ",", &save))
    if (!is_v1_option (t))
      v[n++] = xstrdup (t);
  if (n == 0)
    {
      free (v);
      return NULL;
    }
  return v;
}

static bool
strv_equal (char **a, char **b)
{
  size_t n = ocirt_strv_len (a);

  if (n != ocirt_strv_len (b))
    return false;
  for (size_t i = 0; i < n; i++)
    if (strcmp (a[i], b[i]) != 0)
      return false;
  return true;
}

static void
add_hierarchy (ocirt_cgroup_hierarchies *hs, const char *mountpoint,
               char **controllers, bool unified)
{
  hs->h = xrealloc (hs->h, (hs->n + 1) * sizeof (*hs->h));
  hs->h[hs->n].mountpoint = xstrdup (mountpoint);
  hs->h[hs->n].controllers = controllers;
  hs->h[hs->n].unified = unified;
  hs->n++;
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE
   SOURCE SUPEROPTS".  Adds a v1 hierarchy when it is a cgroup mount of a
   hierarchy root not seen before.  */
static void
parse_mountinfo_line (ocirt_cgroup_hierarchies *hs, char *line)
{
  char *fields[6], *save = NULL, *sep, *fstype, *superopts;
  char **ctrls;
  size_t i;

  sep = strstr (line, " - ");
  if (sep == NULL)
    return;
  *sep = '\0';
  fstype = strtok_r (sep + 3, " \n", &save);
  if (fstype == NULL || strcmp (fstype, "cgroup") != 0)
    return;
  if (strtok_r (NULL, " \n", &save) == NULL)
    return;
  superopts = strtok_r (NULL, " \n", &save);
  if (superopts == NULL)
    return;

  save = NULL;
  for (i = 0; i < ARRAY_SIZE (fields); i++)
    {
      fields[i] = strtok_r (i ? NULL : line, " ", &save);
      if (fields[i] == NULL)
        return;
    }
  /* Only mounts of the hierarchy's root map /proc/PID/cgroup paths.  */
  if (strcmp (fields[3], "/") != 0)
    return;
  unescape_octal (fields[4]);

  ctrls = v1_controllers (superopts);
  if (ctrls == NULL)
    return;
  for (i = 0; i < hs->n; i++)
    if (strv_equal (hs->h[i].controllers, ctrls))
      {
        ocirt_strv_free (ctrls);
        return;
      }
  add_hierarchy (hs, fields[4], ctrls, false);
}

static int
load_v1 (ocirt_cgroup_hierarchies *hs, ocirt_error_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return ocirt_error_errno (err, "open \"/proc/self/mountinfo\"");
  while (getline (&line, &cap, f) > 0)
    parse_mountinfo_line (hs, line);
  return 0;
}

static void
copy_hierarchies (ocirt_cgroup_hierarchies *to,
                  const ocirt_cgroup_hierarchies *from)
{
  to->layout = from->layout;
  to->n = 0;
  to->h = NULL;
  for (size_t i = 0; i < from->n; i++)
    {
      char **c = NULL;
      size_t k = ocirt_strv_len (from->h[i].controllers);

      if (from->h[i].controllers)
        {
          c = xcalloc (k + 1, sizeof (char *));
          for (size_t j = 0; j < k; j++)
            c[j] = xstrdup (from->h[i].controllers[j]);
        }
      add_hierarchy (to, from->h[i].mountpoint, c, from->h[i].unified);
    }
}

/* The layout of this process's mount namespace, read once: a `run` asks
   for it in every cgroup step, and each read of mountinfo costs more than
   the step itself (docs/performance.md).  A fork or a change of mount
   namespace reads it again.  */
static struct
{
  pid_t pid;
  ino_t mntns;
  bool valid;
  ocirt_cgroup_hierarchies hs;
} cache;

static ino_t
mntns_ino (void)
{
  struct stat st;

  return stat ("/proc/self/ns/mnt", &st) == 0 ? st.st_ino : 0;
}

static int load_uncached (ocirt_cgroup_hierarchies *out, ocirt_error_t *err);

int
ocirt_cgroup_hierarchies_load (ocirt_cgroup_hierarchies *out,
                               ocirt_error_t *err)
{
  pid_t pid = getpid ();
  ino_t ns = mntns_ino ();

  if (!cache.valid || cache.pid != pid || cache.mntns != ns || ns == 0)
    {
      ocirt_cgroup_hierarchies fresh = { 0 };

      if (load_uncached (&fresh, err) < 0)
        return -1;
      /* (in a forked child this frees the child's own copy) */
      if (cache.valid)
        ocirt_cgroup_hierarchies_free (&cache.hs);
      cache.hs = fresh;
      cache.pid = pid;
      cache.mntns = ns;
      cache.valid = true;
    }
  copy_hierarchies (out, &cache.hs);
  return 0;
}

static int
load_uncached (ocirt_cgroup_hierarchies *out, ocirt_error_t *err)
{
  ocirt_cgroup_hierarchies hs = { 0 };

  if (ocirt_cgroup_layout_detect (&hs.layout, err) < 0)
    return -1;
  if (hs.layout != OCIRT_CGROUP_V2 && load_v1 (&hs, err) < 0)
    {
      ocirt_cgroup_hierarchies_free (&hs);
      return -1;
    }
  if (hs.layout == OCIRT_CGROUP_V2)
    add_hierarchy (&hs, OCIRT_CGROUP_ROOT, NULL, true);
  else if (hs.layout == OCIRT_CGROUP_HYBRID)
    add_hierarchy (&hs, OCIRT_CGROUP_UNIFIED, NULL, true);
  if (hs.n == 0)
    return ocirt_error_set (err, 0,
                            "no cgroup hierarchy is mounted under "
                            "\"%s\"",
                            OCIRT_CGROUP_ROOT);
  *out = hs;
  return 0;
}

void
ocirt_cgroup_hierarchies_free (ocirt_cgroup_hierarchies *hs)
{
  for (size_t i = 0; i < hs->n; i++)
    {
      free (hs->h[i].mountpoint);
      ocirt_strv_free (hs->h[i].controllers);
    }
  free (hs->h);
  hs->h = NULL;
  hs->n = 0;
}

bool
ocirt_cgroup_has_controller (const ocirt_cgroup_hierarchy *h,
                             const char *controller)
{
  for (char **c = h->controllers; c && *c; c++)
    if (strcmp (*c, controller) == 0)
      return true;
  return false;
}

const ocirt_cgroup_hierarchy *
ocirt_cgroup_find_controller (const ocirt_cgroup_hierarchies *hs,
                              const char *controller)
{
  for (size_t i = 0; i < hs->n; i++)
    if (ocirt_cgroup_has_controller (&hs->h[i], controller))
      return &hs->h[i];
  if (hs->layout == OCIRT_CGROUP_V2)
    return ocirt_cgroup_unified (hs);
  return NULL;
}

const ocirt_cgroup_hierarchy *
ocirt_cgroup_unified (const ocirt_cgroup_hierarchies *hs)
{
  for (size_t i = 0; i < hs->n; i++)
    if (hs->h[i].unified)
      return &hs->h[i];
  return NULL;
}

char *
ocirt_cgroup_clean_path (const char *path)
{
  size_t len = strlen (path);
  char *out = xmalloc (len + 2);
  size_t n = 0;
  const char *p = path;

  while (*p)
    {
      const char *end = strchrnul (p, '/');
      size_t clen = (size_t)(end - p);

      if (clen == 2 && p[0] == '.' && p[1] == '.')
        {
          free (out);
          errno = EINVAL;
          return NULL;
        }
      if (clen > 0 && !(clen == 1 && p[0] == '.'))
        {
          out[n++] = '/';
          memcpy (out + n, p, clen);
          n += clen;
        }
      p = *end ? end + 1 : end;
    }
  if (n == 0)
    out[n++] = '/';
  out[n] = '\0';
  return out;
}

int
ocirt_cgroup_open_in (const ocirt_cgroup_hierarchy *h, const char *path,
                      int flags)
{
  cleanup_free char *copy = xstrdup (path);
  cleanup_close int fd = -1;
  char *save = NULL;

  fd = open (h->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  for (char *c = strtok_r (copy, "/", &save); c;
       c = strtok_r (NULL, "/", &save))
    {
      int next;

      if (strcmp (c, "..") == 0)
        return -EINVAL;
      next = openat (fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        return -errno;
      close (fd);
      fd = next;
    }
  if (flags != O_PATH)
    {
      int r = openat (fd, ".", flags | O_DIRECTORY | O_CLOEXEC);
      return r < 0 ? -errno : r;
    }
  return steal_fd (&fd);
}

static bool
line_matches (const ocirt_cgroup_hierarchy *h, const char *id, char *ctrls)
{
  char *save = NULL;

  if (h->unified)
    return strcmp (id, "0") == 0 && *ctrls == '\0';
  if (*ctrls == '\0')
    return false;
  for (char *c = strtok_r (ctrls, ",", &save); c;
       c = strtok_r (NULL, ",", &save))
    if (strcmp (c, h->controllers[0]) == 0)
      return true;
  return false;
}

char *
ocirt_cgroup_proc_path (pid_t pid, const ocirt_cgroup_hierarchy *h)
{
  cleanup_free char *file = NULL;
  cleanup_free char *line = NULL;
  cleanup_file FILE *f = NULL;
  size_t cap = 0;
  ssize_t len;

  if (pid > 0)
    xasprintf (&file, "/proc/%d/cgroup", (int)pid);
  else
    file = xstrdup ("/proc/self/cgroup");
  f = fopen (file, "re");
  if (f == NULL)
    return NULL;
  while ((len = getline (&line, &cap, f)) > 0)
    {
      char *c1, *c2;

      if (line[len - 1] == '\n')
        line[len - 1] = '\0';
      c1 = strchr (line, ':');
      if (c1 == NULL)
        continue;
      c2 = strchr (c1 + 1, ':');
      if (c2 == NULL)
        continue;
      *c1 = *c2 = '\0';
      if (line_matches (h, line, c1 + 1))
        return xstrdup (c2 + 1);
    }
  errno = ENOENT;
  return NULL;
}
