/* ocirt: container cgroups: path choice, create/enter, pids, kill, destroy.

   The same cgroup path is used in every mounted v1 hierarchy and in the v2
   tree.  Directories are reached one component at a time from an fd of
   the hierarchy's mount (cgroup-hier.c), never by re-resolving strings.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup-internal.h"
#include "util.h"

#define DESTROY_TIMEOUT_MS 5000
#define RMDIR_RETRIES 50
#define MAX_DEPTH 64

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Split a cleaned path into its components (NULL-terminated).  */
static char **
split_path (const char *path, size_t *n)
{
  cleanup_free char *copy = xstrdup (path);
  char **v = xcalloc (strlen (path) + 1, sizeof (char *));
  char *save = NULL;
  size_t i = 0;

  for (char *c = strtok_r (copy, "/", &save); c;
       c = strtok_r (NULL, "/", &save))
    v[i++] = xstrdup (c);
  *n = i;
  return v;
}

/* "/c0/.../c(d-1)", "/" for d == 0.  */
static char *
path_prefix (char **comps, size_t d)
{
  size_t len = 2;
  char *out;

  for (size_t i = 0; i < d; i++)
    len += strlen (comps[i]) + 1;
  out = xmalloc (len);
  out[0] = '\0';
  for (size_t i = 0; i < d; i++)
    {
      strcat (out, "/");
      strcat (out, comps[i]);
    }
  if (d == 0)
    strcpy (out, "/");
  return out;
}

static char *
parent_dir (const char *path)
{
  const char *slash = strrchr (path, '/');

  if (slash == NULL || slash == path)
    return xstrdup ("/");
  return xstrndup (path, (size_t)(slash - path));
}

/* Relative cgroupsPath (and the default, the container id) go under the
   runtime's own cgroup.  One path serves every hierarchy, so one "own"
   cgroup is chosen: on pure v2 the parent of our cgroup (as runc does: our
   own cgroup most likely holds processes, so no controllers could be
   enabled below it); on hybrid our v2 ("0::") cgroup; on v1 our cgroup in
   the first v1 hierarchy.  Absolute paths are relative to each
   hierarchy's root.  */
static char *
own_cgroup_base (ocirt_error_t *err)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  const ocirt_cgroup_hierarchy *h;
  char *own, *base;

  if (ocirt_cgroup_hierarchies_load (&hs, err) < 0)
    return NULL;
  h = ocirt_cgroup_unified (&hs);
  if (h == NULL)
    h = &hs.h[0];
  own = ocirt_cgroup_proc_path (0, h);
  if (own == NULL)
    {
      ocirt_error_errno (err, "find the runtime's own cgroup in "
                              "\"/proc/self/cgroup\"");
      ocirt_cgroup_hierarchies_free (&hs);
      return NULL;
    }
  if (hs.layout == OCIRT_CGROUP_V2)
    {
      base = parent_dir (own);
      free (own);
      own = base;
    }
  ocirt_cgroup_hierarchies_free (&hs);
  return own;
}

char *
ocirt_cgroup_path_for (const oci_linux *l, const char *id, ocirt_error_t *err)
{
  const char *want
      = l && l->cgroups_path && *l->cgroups_path ? l->cgroups_path : id;
  cleanup_free char *joined = NULL;
  char *clean;

  if (want == NULL || *want == '\0')
    {
      ocirt_error_set (err, EINVAL, "empty cgroup path");
      return NULL;
    }
  if (*want == '/')
    joined = xstrdup (want);
  else
    {
      cleanup_free char *base = own_cgroup_base (err);
      if (base == NULL)
        return NULL;
      xasprintf (&joined, "%s/%s", base, want);
    }
  clean = ocirt_cgroup_clean_path (joined);
  if (clean == NULL)
    {
      ocirt_error_set (err, EINVAL,
                       "cgroupsPath \"%s\" has a \"..\" "
                       "component",
                       want);
      return NULL;
    }
  if (strcmp (clean, "/") == 0)
    {
      free (clean);
      ocirt_error_set (err, EINVAL, "cgroupsPath \"%s\" is the root cgroup",
                       want);
      return NULL;
    }
  return clean;
}

/* Copy cpuset.cpus/cpuset.mems from parent into child when the child's are
   empty: a v1 cpuset cgroup without them refuses tasks (ENOSPC).  */
static int
cpuset_inherit (int parentfd, int childfd)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    {
      cleanup_free char *mine = NULL;
      cleanup_free char *theirs = NULL;
      size_t len = 0;
      int r;

      r = ocirt_read_file_at (childfd, files[i], 4096, &mine, &len);
      if (r < 0)
        return r;
      if (strspn (mine, " \n") != len)
        continue;
      r = ocirt_read_file_at (parentfd, files[i], 4096, &theirs, &len);
      if (r < 0)
        return r;
      r = ocirt_write_file_at (childfd, files[i], theirs, len);
      if (r < 0)
        return r;
    }
  return 0;
}

/* Per-hierarchy bookkeeping of what create did, to undo it.  */
typedef struct
{
  ssize_t first_created; /* index of the first component we made, or -1 */
} create_state;

static int
mkdir_p (const ocirt_cgroup_hierarchy *h, char **comps, size_t n,
         create_state *st, int *leaf, ocirt_error_t *err)
{
  cleanup_close int fd = open (h->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
  bool cpuset = ocirt_cgroup_has_controller (h, "cpuset");

  if (fd < 0)
    return ocirt_error_errno (err, "open \"%s\"", h->mountpoint);
  for (size_t d = 0; d < n; d++)
    {
      bool made = false;
      int next, r;

      if (mkdirat (fd, comps[d], 0755) == 0)
        {
          made = true;
          if (st->first_created < 0)
            st->first_created = (ssize_t)d;
        }
      else if (errno != EEXIST)
        return ocirt_error_errno (err, "mkdir \"%s\" in \"%s\"", comps[d],
                                  h->mountpoint);
      next = openat (fd, comps[d],
                     O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        return ocirt_error_errno (err, "open \"%s\" in \"%s\"", comps[d],
                                  h->mountpoint);
      if (cpuset && (made || d == n - 1) && (r = cpuset_inherit (fd, next)) < 0)
        {
          close (next);
          return ocirt_error_set (err, -r,
                                  "copy cpuset.cpus/mems into \"%s\" "
                                  "in \"%s\"",
                                  comps[d], h->mountpoint);
        }
      close (fd);
      fd = next;
    }
  *leaf = steal_fd (&fd);
  return 0;
}

static void
undo_mkdir (const ocirt_cgroup_hierarchy *h, char **comps, size_t n,
            const create_state *st)
{
  if (st->first_created < 0)
    return;
  for (size_t d = n; d-- > (size_t)st->first_created;)
    {
      cleanup_free char *parent = path_prefix (comps, d);
      cleanup_close int pfd = ocirt_cgroup_open_in (h, parent, O_PATH);

      if (pfd < 0)
        return;
      for (int i = 0; i < RMDIR_RETRIES; i++)
        {
          if (unlinkat (pfd, comps[d], AT_REMOVEDIR) == 0 || errno != EBUSY)
            break;
          sleep_ms (10);
        }
    }
}

static int
write_pid (int dirfd, pid_t pid)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%d", (int)pid);
  return ocirt_write_file_at (dirfd, "cgroup.procs", buf, (size_t)len);
}

static int
enter_one (const ocirt_cgroup_hierarchy *h, const char *path, pid_t pid,
           ocirt_error_t *err)
{
  cleanup_close int fd = ocirt_cgroup_open_in (h, path, O_PATH);
  int r;

  if (fd < 0)
    return ocirt_error_set (err, -fd, "open cgroup \"%s\" in \"%s\"", path,
                            h->mountpoint);
  r = write_pid (fd, pid);
  if (r < 0)
    return ocirt_error_set (err, -r, "add pid %d to \"%s%s/cgroup.procs\"",
                            (int)pid, h->mountpoint, path);
  return 0;
}

int
ocirt_cgroup_prepare (const char *path, ocirt_cgroup_joiner *out,
                      ocirt_error_t *err)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  cleanup_strv char **comps = NULL;
  cleanup_free create_state *st = NULL;
  cleanup_free char *clean = ocirt_cgroup_clean_path (path);
  ocirt_cgroup_joiner j = { 0 };
  size_t n = 0, i, off = 0;
  bool names_full = false;
  int ret = -1;

  if (clean == NULL || strcmp (clean, "/") == 0)
    return ocirt_error_set (err, EINVAL, "invalid cgroup path \"%s\"", path);
  path = clean;
  if (ocirt_cgroup_hierarchies_load (&hs, err) < 0)
    return -1;
  if (hs.n > OCIRT_CGROUP_MAX_JOIN)
    {
      ocirt_cgroup_hierarchies_free (&hs);
      return ocirt_error_set (err, E2BIG, "%zu cgroup hierarchies (at most %d)",
                              hs.n, OCIRT_CGROUP_MAX_JOIN);
    }
  comps = split_path (path, &n);
  st = xcalloc (hs.n, sizeof (*st));
  for (i = 0; i < hs.n; i++)
    st[i].first_created = -1;

  for (i = 0; i < hs.n; i++)
    {
      cleanup_close int leaf = -1;
      int fd;
      size_t len;

      if (mkdir_p (&hs.h[i], comps, n, &st[i], &leaf, err) < 0)
        goto out;
      fd = openat (leaf, "cgroup.procs", O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        {
          ocirt_error_errno (err, "open \"%s%s/cgroup.procs\"",
                             hs.h[i].mountpoint, path);
          goto out;
        }
      j.fds[j.n++] = fd;
      /* Names for the init's messages, as long as they fit.  */
      len = strlen (hs.h[i].mountpoint) + strlen (path) + 1;
      if (!names_full && off + len <= sizeof j.names)
        {
          snprintf (j.names + off, len, "%s%s", hs.h[i].mountpoint, path);
          off += len;
        }
      else
        names_full = true;
    }
  j.names_len = off;
  ret = 0;

out:
  for (i = 0; i < hs.n; i++)
    if (ret < 0)
      undo_mkdir (&hs.h[i], comps, n, &st[i]);
  if (ret < 0)
    ocirt_cgroup_joiner_release (&j);
  else
    *out = j;
  ocirt_cgroup_hierarchies_free (&hs);
  return ret;
}

void
ocirt_cgroup_joiner_release (ocirt_cgroup_joiner *j)
{
  for (size_t i = 0; i < j->n; i++)
    if (j->fds[i] >= 0)
      close (j->fds[i]);
  j->n = 0;
}

int
ocirt_cgroup_enter (const char *path, pid_t pid, ocirt_error_t *err)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  size_t joined = 0;
  int ret = 0;

  if (ocirt_cgroup_hierarchies_load (&hs, err) < 0)
    return -1;
  for (size_t i = 0; i < hs.n && ret == 0; i++)
    {
      cleanup_close int fd = ocirt_cgroup_open_in (&hs.h[i], path, O_PATH);

      /* A hierarchy mounted after the container was created.  */
      if (fd == -ENOENT)
        continue;
      ret = enter_one (&hs.h[i], path, pid, err);
      joined++;
    }
  if (ret == 0 && joined == 0)
    ret = ocirt_error_set (err, ENOENT, "cgroup \"%s\"", path);
  ocirt_cgroup_hierarchies_free (&hs);
  return ret;
}

/* Pids: cgroup.procs of dirfd and of every cgroup below it.  */
typedef struct
{
  pid_t *v;
  size_t n, cap;
} pid_list;

static void
pid_list_add (pid_list *l, pid_t p)
{
  if (l->n == l->cap)
    {
      l->cap = l->cap ? l->cap * 2 : 16;
      l->v = xrealloc (l->v, l->cap * sizeof (pid_t));
    }
  l->v[l->n++] = p;
}

static int
collect_pids (int dirfd, pid_list *l, int depth)
{
  cleanup_free char *buf = NULL;
  cleanup_dir DIR *d = NULL;
  char *save = NULL;
  struct dirent *de;
  int r, fd;

  r = ocirt_read_file_at (dirfd, "cgroup.procs", 64 << 20, &buf, NULL);
  if (r < 0)
    return r;
  for (char *t = strtok_r (buf, "\n", &save); t;
       t = strtok_r (NULL, "\n", &save))
    {
      int pid;
      if (ocirt_parse_int (t, &pid) == 0 && pid > 0)
        pid_list_add (l, pid);
    }
  if (depth >= MAX_DEPTH)
    return 0;
  fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  d = fdopendir (fd);
  if (d == NULL)
    {
      r = -errno;
      close (fd);
      return r;
    }
  while ((de = readdir (d)))
    {
      cleanup_close int sub = -1;

      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0
          || strcmp (de->d_name, "..") == 0)
        continue;
      sub = openat (dirfd, de->d_name,
                    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        continue; /* removed meanwhile */
      r = collect_pids (sub, l, depth + 1);
      if (r < 0 && r != -ENOENT)
        return r;
    }
  return 0;
}

static int
cmp_pid (const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

static void
pid_list_uniq (pid_list *l)
{
  size_t w = 0;

  if (l->n == 0)
    return;
  qsort (l->v, l->n, sizeof (pid_t), cmp_pid);
  for (size_t i = 0; i < l->n; i++)
    if (w == 0 || l->v[w - 1] != l->v[i])
      l->v[w++] = l->v[i];
  l->n = w;
}

/* The hierarchy that lists the container's processes: the v2 tree, else
   the v1 pids, freezer or first hierarchy.  */
static const ocirt_cgroup_hierarchy *
primary (const ocirt_cgroup_hierarchies *hs)
{
  const ocirt_cgroup_hierarchy *h = ocirt_cgroup_unified (hs);

  if (h == NULL)
    h = ocirt_cgroup_find_controller (hs, "pids");
  if (h == NULL)
    h = ocirt_cgroup_find_controller (hs, "freezer");
  return h ? h : &hs->h[0];
}

static int
pids_in (const ocirt_cgroup_hierarchy *h, const char *path, pid_list *l)
{
  cleanup_close int fd = ocirt_cgroup_open_in (h, path, O_PATH);

  if (fd < 0)
    return fd;
  return collect_pids (fd, l, 0);
}

static int
pids_load (const ocirt_cgroup_hierarchies *hs, const char *path, pid_list *l,
           ocirt_error_t *err)
{
  const ocirt_cgroup_hierarchy *h = primary (hs);
  int r = pids_in (h, path, l);

  /* Hybrid: fall back to a v1 hierarchy when the v2 tree lacks it.  */
  if (r == -ENOENT && h->unified && hs->n > 1)
    {
      const ocirt_cgroup_hierarchy *v1
          = ocirt_cgroup_find_controller (hs, "pids");
      h = v1 ? v1 : &hs->h[0];
      r = pids_in (h, path, l);
    }
  if (r < 0)
    return ocirt_error_set (err, -r,
                            "read the processes of cgroup \"%s\" "
                            "in \"%s\"",
                            path, h->mountpoint);
  pid_list_uniq (l);
  return 0;
}

int
ocirt_cgroup_pids (const char *path, pid_t **pids, size_t *n,
                   ocirt_error_t *err)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  pid_list l = { 0 };
  int r;

  if (ocirt_cgroup_hierarchies_load (&hs, err) < 0)
    return -1;
  r = pids_load (&hs, path, &l, err);
  ocirt_cgroup_hierarchies_free (&hs);
  if (r < 0)
    {
      free (l.v);
      return -1;
    }
  *pids = l.v ? l.v : xmalloc (sizeof (pid_t));
  *n = l.n;
  return 0;
}

/* Freezing keeps processes from forking while we signal them.  Best
   effort: v1 freezer when mounted, else v2 cgroup.freeze.  */
typedef struct
{
  int fd;  /* the cgroup directory holding the freezer knob */
  bool v1; /* freezer.state, else cgroup.freeze */
  bool was_frozen;
} freezer;

static bool
freezer_read (const freezer *f)
{
  cleanup_free char *buf = NULL;

  if (ocirt_read_file_at (f->fd, f->v1 ? "freezer.state" : "cgroup.freeze",
                          4096, &buf, NULL)
      < 0)
    return false;
  return f->v1 ? strncmp (buf, "FROZEN", 6) == 0 : buf[0] == '1';
}

static bool
freezer_done (const freezer *f)
{
  cleanup_free char *buf = NULL;

  if (f->v1)
    return freezer_read (f);
  if (ocirt_read_file_at (f->fd, "cgroup.events", 4096, &buf, NULL) < 0)
    return true;
  return strstr (buf, "frozen 1") != NULL;
}

static void
freezer_set (freezer *f, bool freeze)
{
  const char *val
      = f->v1 ? (freeze ? "FROZEN" : "THAWED") : (freeze ? "1" : "0");

  if (ocirt_write_file_at (f->fd, f->v1 ? "freezer.state" : "cgroup.freeze",
                           val, strlen (val))
      < 0)
    return;
  for (int i = 0; freeze && i < 100 && !freezer_done (f); i++)
    sleep_ms (2);
}

static void
freezer_open (const ocirt_cgroup_hierarchies *hs, const char *path, freezer *f)
{
  const ocirt_cgroup_hierarchy *h = NULL;

  f->fd = -1;
  for (size_t i = 0; i < hs->n && h == NULL; i++)
    if (ocirt_cgroup_has_controller (&hs->h[i], "freezer"))
      h = &hs->h[i];
  f->v1 = h != NULL;
  if (h == NULL)
    h = ocirt_cgroup_unified (hs);
  if (h == NULL)
    return;
  f->fd = ocirt_cgroup_open_in (h, path, O_PATH);
  if (f->fd < 0)
    return;
  if (!f->v1 && faccessat (f->fd, "cgroup.freeze", W_OK, 0) < 0)
    {
      close (f->fd);
      f->fd = -1;
      return;
    }
  f->was_frozen = freezer_read (f);
}

static int
try_cgroup_kill (const ocirt_cgroup_hierarchies *hs, const char *path)
{
  const ocirt_cgroup_hierarchy *h = ocirt_cgroup_unified (hs);
  cleanup_close int fd = -1;

  if (h == NULL)
    return -ENOENT;
  fd = ocirt_cgroup_open_in (h, path, O_PATH);
  if (fd < 0)
    return fd;
  return ocirt_write_file_at (fd, "cgroup.kill", "1", 1);
}

static int
signal_all (const ocirt_cgroup_hierarchies *hs, const char *path, int sig,
            ocirt_error_t *err)
{
  pid_list l = { 0 };
  freezer f;
  int ret = 0;

  freezer_open (hs, path, &f);
  if (f.fd >= 0 && !f.was_frozen)
    freezer_set (&f, true);
  if (pids_load (hs, path, &l, err) < 0)
    ret = -1;
  for (size_t i = 0; ret == 0 && i < l.n; i++)
    if (kill (l.v[i], sig) < 0 && errno != ESRCH)
      ret = ocirt_error_errno (err, "kill pid %d with signal %d", (int)l.v[i],
                               sig);
  /* v1-frozen tasks do not die before they are thawed.  */
  if (f.fd >= 0 && (!f.was_frozen || sig == SIGKILL))
    freezer_set (&f, false);
  if (f.fd >= 0)
    close (f.fd);
  free (l.v);
  return ret;
}

int
ocirt_cgroup_kill_all (const char *path, int sig, ocirt_error_t *err)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  int ret;

  if (ocirt_cgroup_hierarchies_load (&hs, err) < 0)
    return -1;
  if (sig == SIGKILL && try_cgroup_kill (&hs, path) == 0)
    {
      /* Hybrid: cgroup.kill of the v2 tree, but a v1 freezer may hold the
         tasks (a paused container): they die once thawed.  */
      freezer f;

      freezer_open (&hs, path, &f);
      if (f.fd >= 0 && f.v1 && f.was_frozen)
        freezer_set (&f, false);
      if (f.fd >= 0)
        close (f.fd);
      ret = 0;
    }
  else
    ret = signal_all (&hs, path, sig, err);
  ocirt_cgroup_hierarchies_free (&hs);
  return ret;
}

/* Processes left in our cgroup in any hierarchy (SIGKILLed as found).  */
static size_t
kill_leftovers (const ocirt_cgroup_hierarchies *hs, const char *path)
{
  size_t total = 0;

  for (size_t i = 0; i < hs->n; i++)
    {
      pid_list l = { 0 };

      pids_in (&hs->h[i], path, &l);
      for (size_t j = 0; j < l.n; j++)
        kill (l.v[j], SIGKILL);
      total += l.n;
      free (l.v);
    }
  return total;
}

static int
rmdir_retry (int parentfd, const char *name)
{
  for (int i = 0; i < RMDIR_RETRIES; i++)
    {
      if (unlinkat (parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        return -errno;
      sleep_ms (10);
    }
  return -EBUSY;
}

/* Remove name below parentfd and every cgroup under it, depth first.  */
static int
rmdir_tree (int parentfd, const char *name, int depth)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  int fd;

  fd = openat (parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : -errno;
  d = fdopendir (fd);
  if (d == NULL)
    {
      int r = -errno;
      close (fd);
      return r;
    }
  while (depth < MAX_DEPTH && (de = readdir (d)))
    {
      int r;

      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0
          || strcmp (de->d_name, "..") == 0)
        continue;
      r = rmdir_tree (dirfd (d), de->d_name, depth + 1);
      if (r < 0)
        return r;
    }
  return rmdir_retry (parentfd, name);
}

static int
remove_in (const ocirt_cgroup_hierarchy *h, const char *path,
           ocirt_error_t *err)
{
  cleanup_free char *parent = parent_dir (path);
  const char *leaf = strrchr (path, '/') + 1;
  cleanup_close int pfd = ocirt_cgroup_open_in (h, parent, O_PATH);
  int r;

  if (pfd == -ENOENT)
    return 0;
  if (pfd < 0)
    return ocirt_error_set (err, -pfd, "open cgroup \"%s\" in \"%s\"", parent,
                            h->mountpoint);
  r = rmdir_tree (pfd, leaf, 0);
  if (r < 0)
    return ocirt_error_set (err, -r, "remove cgroup \"%s%s\"", h->mountpoint,
                            path);
  return 0;
}

/* Only the leaf (and cgroups the container made below it) is removed, as
   runc does; parents created for a nested cgroupsPath stay.  */
/* The common case -- the container's processes are gone and it made no
   cgroups of its own -- costs one rmdir per hierarchy.  True when the
   cgroup is gone from every hierarchy; on anything else the caller does
   it the long way (kill, wait, remove recursively).  */
static bool
remove_quick (const ocirt_cgroup_hierarchies *hs, const char *path)
{
  const char *leaf = strrchr (path, '/') + 1;
  cleanup_free char *parent = xstrndup (path, (size_t)(leaf - path));

  if (*leaf == '\0')
    return false;
  for (size_t i = 0; i < hs->n; i++)
    {
      cleanup_close int pfd = ocirt_cgroup_open_in (&hs->h[i], parent, O_PATH);

      if (pfd == -ENOENT)
        continue;
      if (pfd < 0)
        return false;
      if (unlinkat (pfd, leaf, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return false;
    }
  return true;
}

int
ocirt_cgroup_destroy (const char *path, ocirt_error_t *err)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  long long deadline = now_ms () + DESTROY_TIMEOUT_MS;
  cleanup_free char *clean = ocirt_cgroup_clean_path (path);
  ocirt_error_t kerr = { 0 };
  int ret = 0;
  size_t left;

  if (clean == NULL || strcmp (clean, "/") == 0)
    return ocirt_error_set (err, EINVAL, "refusing to remove cgroup \"%s\"",
                            path);
  if (ocirt_cgroup_hierarchies_load (&hs, err) < 0)
    return -1;
  if (remove_quick (&hs, clean))
    {
      ocirt_cgroup_hierarchies_free (&hs);
      return 0;
    }
  if (ocirt_cgroup_exists (clean))
    ocirt_cgroup_kill_all (clean, SIGKILL, &kerr);
  ocirt_error_release (&kerr);
  while ((left = kill_leftovers (&hs, clean)) > 0 && now_ms () < deadline)
    sleep_ms (10);
  if (left > 0)
    ret = ocirt_error_set (err, EBUSY,
                           "%zu processes still in cgroup \"%s\" "
                           "after %d ms",
                           left, clean, DESTROY_TIMEOUT_MS);
  for (size_t i = 0; i < hs.n && left == 0; i++)
    {
      ocirt_error_t rerr = { 0 };

      /* Try every hierarchy; report the first failure.  */
      if (remove_in (&hs.h[i], clean, ret == 0 ? err : &rerr) < 0)
        ret = -1;
      ocirt_error_release (&rerr);
    }
  ocirt_cgroup_hierarchies_free (&hs);
  return ret;
}

bool
ocirt_cgroup_exists (const char *path)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  bool found = false;

  if (ocirt_cgroup_hierarchies_load (&hs, NULL) < 0)
    return false;
  for (size_t i = 0; i < hs.n && !found; i++)
    {
      int fd = ocirt_cgroup_open_in (&hs.h[i], path, O_PATH);
      if (fd >= 0)
        {
          found = true;
          close (fd);
        }
    }
  ocirt_cgroup_hierarchies_free (&hs);
  return found;
}
