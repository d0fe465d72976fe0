#include <config.h>

#include <limits.h>

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroup.h"
#include "state.h"
#include "util.h"

#define STATE_FILE "state.json"
#define STATE_MAX (4 * 1024 * 1024)

int
ocirt_id_validate (const char *id, ocirt_error_t *err)
{
  size_t n = strlen (id);

  if (n == 0)
    return ocirt_error_set (err, 0, "invalid container id: empty");
  if (n > 1024)
    return ocirt_error_set (err, 0,
                            "invalid container id: longer than 1024 bytes");
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return ocirt_error_set (err, 0, "invalid container id \"%s\"", id);
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
          || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '+'
          || *p == '-'))
      return ocirt_error_set (err, 0,
                              "invalid container id \"%s\": only letters, "
                              "digits and \"_ . + -\" are allowed",
                              id);
  return 0;
}

static int
mkdir_p (const char *path, mode_t mode)
{
  cleanup_free char *p = xstrdup (path);

  for (char *s = p + 1; *s; s++)
    if (*s == '/')
      {
        *s = '\0';
        if (mkdir (p, mode) < 0 && errno != EEXIST)
          return -1;
        *s = '/';
      }
  if (mkdir (p, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

static int
lock_dir (int dirfd, bool exclusive, int *lockfd, ocirt_error_t *err)
{
  cleanup_close int fd
      = openat (dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  int r;

  if (fd < 0)
    return ocirt_error_set (err, errno, "open lock file");
  do
    r = flock (fd, exclusive ? LOCK_EX : LOCK_SH);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ocirt_error_set (err, errno, "lock container");
  *lockfd = steal_fd (&fd);
  return 0;
}

int
ocirt_state_dir_create (const char *root, const char *id, int *lockfd,
                        ocirt_error_t *err)
{
  cleanup_close int rootfd = -1, dirfd = -1;

  if (mkdir_p (root, 0700) < 0)
    return ocirt_error_set (err, errno, "create state root \"%s\"", root);
  rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return ocirt_error_set (err, errno, "open state root \"%s\"", root);
  if (mkdirat (rootfd, id, 0711) < 0)
    {
      if (errno == EEXIST)
        return ocirt_error_set (err, 0, "container \"%s\" already exists", id);
      return ocirt_error_set (err, errno, "create state directory \"%s/%s\"",
                              root, id);
    }
  dirfd = openat (rootfd, id, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dirfd < 0)
    return ocirt_error_set (err, errno, "open state directory \"%s/%s\"", root,
                            id);
  if (lock_dir (dirfd, true, lockfd, err) < 0)
    {
      unlinkat (dirfd, "lock", 0);
      unlinkat (rootfd, id, AT_REMOVEDIR);
      return -1;
    }
  return steal_fd (&dirfd);
}

int
ocirt_state_dir_open (const char *root, const char *id, bool exclusive,
                      int *lockfd, ocirt_error_t *err)
{
  cleanup_close int dirfd = -1, lfd = -1;
  cleanup_free char *path = NULL;
  struct stat st;

  if (ocirt_id_validate (id, err) < 0)
    return -1;
  xasprintf (&path, "%s/%s", root, id);
  dirfd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dirfd < 0)
    {
      if (errno == ENOENT)
        return ocirt_error_set (err, 0, "container \"%s\" does not exist", id);
      return ocirt_error_set (err, errno, "open state directory \"%s\"", path);
    }
  if (lock_dir (dirfd, exclusive, &lfd, err) < 0)
    return -1;
  /* delete may have removed the directory while we waited.  */
  if (fstat (dirfd, &st) < 0 || st.st_nlink == 0
      || faccessat (dirfd, "lock", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
    return ocirt_error_set (err, 0, "container \"%s\" does not exist", id);
  *lockfd = steal_fd (&lfd);
  return steal_fd (&dirfd);
}

int
ocirt_state_dir_remove (const char *root, const char *id, ocirt_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_close int dfd = -1;
  cleanup_dir DIR *d = NULL;
  struct dirent *de;

  xasprintf (&path, "%s/%s", root, id);
  dfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dfd < 0)
    {
      if (errno == ENOENT)
        return 0;
      return ocirt_error_set (err, errno, "open state directory \"%s\"", path);
    }
  d = fdopendir (dfd);
  if (d == NULL)
    return ocirt_error_set (err, errno, "read state directory \"%s\"", path);
  dfd = -1;
  /* The state directory holds only files we made; the lock goes last so
     that waiting verbs see the container gone.  */
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0
          || strcmp (de->d_name, "lock") == 0)
        continue;
      if (unlinkat (dirfd (d), de->d_name, 0) < 0 && errno != ENOENT)
        return ocirt_error_set (err, errno, "remove \"%s/%s\"", path,
                                de->d_name);
    }
  unlinkat (dirfd (d), "lock", 0);
  if (rmdir (path) < 0 && errno != ENOENT)
    return ocirt_error_set (err, errno, "remove state directory \"%s\"", path);
  return 0;
}

#define GEN_STR(g, s)                                                          \
  yajl_gen_string ((g), (const unsigned char *)(s), strlen (s))

static void
gen_kv_str (yajl_gen g, const char *k, const char *v)
{
  if (v == NULL)
    return;
  GEN_STR (g, k);
  GEN_STR (g, v);
}

int
ocirt_state_write (int dirfd, const struct ocirt_state *st, ocirt_error_t *err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;
  int r;

  yajl_gen_map_open (g);
  gen_kv_str (g, "id", st->id);
  GEN_STR (g, "pid");
  yajl_gen_integer (g, st->pid);
  GEN_STR (g, "pid_start");
  yajl_gen_integer (g, (long long)st->pid_start);
  gen_kv_str (g, "bundle", st->bundle);
  gen_kv_str (g, "rootfs", st->rootfs);
  gen_kv_str (g, "created", st->created);
  gen_kv_str (g, "owner", st->owner);
  gen_kv_str (g, "cgroup_path", st->cgroup_path);
  gen_kv_str (g, "rdt_dir", st->rdt_dir);
  gen_kv_str (g, "rdt_mon_dir", st->rdt_mon_dir);
  GEN_STR (g, "has_poststart");
  yajl_gen_bool (g, st->has_poststart);
  GEN_STR (g, "has_poststop");
  yajl_gen_bool (g, st->has_poststop);
  GEN_STR (g, "has_terminal");
  yajl_gen_bool (g, st->has_terminal);
  GEN_STR (g, "annotations");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < st->annotations.len; i++)
    gen_kv_str (g, st->annotations.keys[i], st->annotations.values[i]);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
  yajl_gen_get_buf (g, &buf, &len);
  r = ocirt_write_file_atomic_at (dirfd, STATE_FILE, buf, len, 0600);
  yajl_gen_free (g);
  if (r < 0)
    return ocirt_error_set (err, -r, "write state file");
  return 0;
}

static char *
dup_str (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_string);
  return v ? xstrdup (YAJL_GET_STRING (v)) : NULL;
}

/* The state file is flat: refuse deep nesting before yajl builds (and
   recursively frees) a tree of it.  */
static bool
nesting_ok (const char *text, int max)
{
  bool in_str = false;
  int depth = 0;

  for (const char *p = text; *p; p++)
    if (in_str)
      {
        if (*p == '\\' && p[1])
          p++;
        else if (*p == '"')
          in_str = false;
      }
    else if (*p == '"')
      in_str = true;
    else if ((*p == '{' || *p == '[') && ++depth > max)
      return false;
    else if (*p == '}' || *p == ']')
      depth--;
  return true;
}

/* state.json from fd: one read for the usual few hundred bytes (list
   reads every container's), the whole file otherwise.  Closes fd.  */
static int
state_read_fd (int fd, struct ocirt_state *st, ocirt_error_t *err)
{
  cleanup_close int cfd = fd;
  cleanup_free char *buf = NULL;
  char small[8192];
  ssize_t r;

  memset (st, 0, sizeof *st);
  if (cfd < 0)
    return ocirt_error_set (err, -cfd, "read state file");
  do
    r = read (cfd, small, sizeof small - 1);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ocirt_error_set (err, errno, "read state file");
  if ((size_t)r < sizeof small - 1)
    {
      small[r] = '\0';
      return ocirt_state_parse (small, st, err);
    }
  if (lseek (cfd, 0, SEEK_SET) < 0
      || (r = ocirt_read_fd (cfd, STATE_MAX, &buf, NULL)) < 0)
    return ocirt_error_set (err, r < 0 ? (int)-r : errno, "read state file");
  return ocirt_state_parse (buf, st, err);
}

int
ocirt_state_read (int dirfd, struct ocirt_state *st, ocirt_error_t *err)
{
  int fd = openat (dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  return state_read_fd (fd < 0 ? -errno : fd, st, err);
}

int
ocirt_state_read_named (int rootfd, const char *id, struct ocirt_state *st,
                        ocirt_error_t *err)
{
  char path[NAME_MAX + 32];

  snprintf (path, sizeof path, "%s/" STATE_FILE, id);
  /* The id must be a directory of the root, not a link out of it.  */
  return state_read_fd (
      ocirt_openat_beneath (rootfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY), st,
      err);
}

int
ocirt_state_parse (const char *buf, struct ocirt_state *st, ocirt_error_t *err)
{
  char ebuf[256];
  yajl_val root, v;

  memset (st, 0, sizeof *st);
  root = nesting_ok (buf, 16) ? yajl_tree_parse (buf, ebuf, sizeof ebuf) : NULL;
  if (root == NULL || !YAJL_IS_OBJECT (root))
    {
      if (root)
        yajl_tree_free (root);
      return ocirt_error_set (err, 0, "state file is corrupt");
    }
  st->id = dup_str (root, "id");
  st->bundle = dup_str (root, "bundle");
  st->rootfs = dup_str (root, "rootfs");
  st->created = dup_str (root, "created");
  st->owner = dup_str (root, "owner");
  st->cgroup_path = dup_str (root, "cgroup_path");
  st->rdt_dir = dup_str (root, "rdt_dir");
  st->rdt_mon_dir = dup_str (root, "rdt_mon_dir");
  {
    const char *p[] = { "pid", NULL };
    v = yajl_tree_get (root, p, yajl_t_number);
    if (v && YAJL_IS_INTEGER (v) && YAJL_GET_INTEGER (v) > 0
        && YAJL_GET_INTEGER (v) <= INT32_MAX)
      st->pid = (int)YAJL_GET_INTEGER (v);
  }
  {
    const char *p[] = { "pid_start", NULL };
    v = yajl_tree_get (root, p, yajl_t_number);
    if (v && YAJL_IS_INTEGER (v))
      st->pid_start = (uint64_t)YAJL_GET_INTEGER (v);
  }
  {
    const char *p1[] = { "has_poststart", NULL };
    const char *p2[] = { "has_poststop", NULL };
    const char *p3[] = { "has_terminal", NULL };
    st->has_poststart = YAJL_IS_TRUE (yajl_tree_get (root, p1, yajl_t_any));
    st->has_poststop = YAJL_IS_TRUE (yajl_tree_get (root, p2, yajl_t_any));
    st->has_terminal = YAJL_IS_TRUE (yajl_tree_get (root, p3, yajl_t_any));
  }
  {
    const char *p[] = { "annotations", NULL };
    v = yajl_tree_get (root, p, yajl_t_object);
    if (v && YAJL_GET_OBJECT (v)->len)
      {
        size_t n = YAJL_GET_OBJECT (v)->len, k = 0;
        st->annotations.keys = xcalloc (n, sizeof (char *));
        st->annotations.values = xcalloc (n, sizeof (char *));
        for (size_t i = 0; i < n; i++)
          {
            yajl_val val = YAJL_GET_OBJECT (v)->values[i];
            if (!YAJL_IS_STRING (val))
              continue;
            st->annotations.keys[k] = xstrdup (YAJL_GET_OBJECT (v)->keys[i]);
            st->annotations.values[k] = xstrdup (YAJL_GET_STRING (val));
            k++;
          }
        st->annotations.len = k;
      }
  }
  yajl_tree_free (root);
  if (st->id == NULL || st->bundle == NULL || st->pid <= 0)
    {
      ocirt_state_release (st);
      return ocirt_error_set (err, 0, "state file is corrupt");
    }
  return 0;
}

void
ocirt_state_release (struct ocirt_state *st)
{
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  free (st->cgroup_path);
  free (st->rdt_dir);
  free (st->rdt_mon_dir);
  for (size_t i = 0; i < st->annotations.len; i++)
    {
      free (st->annotations.keys[i]);
      free (st->annotations.values[i]);
    }
  free (st->annotations.keys);
  free (st->annotations.values);
  memset (st, 0, sizeof *st);
}

static int pid_stat_at (int procfd, int pid, uint64_t *out, char *state);

int
ocirt_pid_start_time (int pid, uint64_t *out)
{
  return pid_stat_at (-1, pid, out, NULL);
}

/* Start time and state letter (field 3) of pid, from one read of its
   stat record.  */
static int
pid_stat_at (int procfd, int pid, uint64_t *out, char *state)
{
  char path[64];
  char buf[1024];
  char *p, *save = NULL;
  int r, field;

  snprintf (path, sizeof path, "%s%d/stat", procfd < 0 ? "/proc/" : "", pid);
  /* One read: procfs makes the whole record at once.  */
  r = ocirt_read_record_at (procfd, path, buf, sizeof buf);
  if (r < 0)
    return r;
  /* comm may hold spaces and parens: fields start after the last ')'.  */
  p = strrchr (buf, ')');
  if (p == NULL)
    return -EINVAL;
  p += 2;
  /* p points at field 3 (state).  */
  if (*p == 'Z' || *p == 'X')
    return -ESRCH;
  if (state)
    *state = *p;
  field = 3;
  for (char *tok = strtok_r (p, " ", &save); tok;
       tok = strtok_r (NULL, " ", &save), field++)
    if (field == 22)
      return ocirt_parse_uint64 (tok, out);
  return -EINVAL;
}

bool
ocirt_pid_alive (int pid, uint64_t start)
{
  uint64_t now;

  if (pid <= 0)
    return false;
  if (ocirt_pid_start_time (pid, &now) < 0)
    return false;
  return start == 0 || now == start;
}

const char *
ocirt_state_status (int dirfd, const struct ocirt_state *st)
{
  return ocirt_state_status_at (dirfd, st, NULL, "exec.fifo");
}

const char *
ocirt_state_status_at (int dirfd, const struct ocirt_state *st,
                       const struct ocirt_status_ctx *ctx, const char *fifo)
{
  uint64_t now = 0;
  char state = 0;
  bool frozen;

  if (st->pid <= 0
      || pid_stat_at (ctx ? ctx->procfd : -1, st->pid, &now, &state) < 0
      || (st->pid_start != 0 && now != st->pid_start))
    return "stopped";
  if (st->cgroup_path == NULL)
    frozen = false;
  /* v1: a FROZEN cgroup has every task frozen, which procfs shows as
     "D"; an init in any other state rules it out without reading the
     freezer (list asks this for every container).  */
  else if (ctx && ctx->freezerfd >= 0 && ctx->freezer_v1 && state != 'D')
    frozen = false;
  else if (ctx && ctx->freezerfd >= 0)
    frozen = ocirt_cgroup_is_frozen_in (ctx->freezerfd, ctx->freezer_v1,
                                        st->cgroup_path);
  else
    frozen = ocirt_cgroup_is_frozen (st->cgroup_path);
  if (frozen)
    return "paused";
  if (faccessat (dirfd, fifo, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return "created";
  return "running";
}

char *
ocirt_state_json (const struct ocirt_state *st, const char *status, bool pretty)
{
  oci_state s = {
    .oci_version = OCI_SPEC_VERSION,
    .id = st->id,
    .status = status,
    .pid = strcmp (status, "stopped") == 0 ? 0 : st->pid,
    .bundle = st->bundle,
    .annotations = &st->annotations,
    .rootfs = st->rootfs,
    .created = st->created,
    .owner = st->owner,
  };
  return oci_state_emit (&s, pretty);
}
