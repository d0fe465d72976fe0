#include <config.h>

#include <limits.h>

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

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
  gen_kv_str (g, "init_comm", st->init_comm);
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
  size_t n = strlen (id);

  if (n > NAME_MAX)
    return ocirt_error_set (err, ENAMETOOLONG, "read state file");
  memcpy (path, id, n);
  memcpy (path + n, "/" STATE_FILE, sizeof "/" STATE_FILE);
  /* The id must be a directory of the root, not a link out of it.  */
  return state_read_fd (
      ocirt_openat_beneath (rootfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY), st,
      err);
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
  free (st->init_comm);
  for (size_t i = 0; i < st->annotations.len; i++)
    {
      free (st->annotations.keys[i]);
      free (st->annotations.values[i]);
    }
  free (st->annotations.keys);
  free (st->annotations.values);
  memset (st, 0, sizeof *st);
}

/* Start time, state and comm of pid, from one read of its stat record
   (relative to procfd, a "/proc" fd, unless it is -1).  A zombie counts
   as gone: -ESRCH.  */
static int
pid_stat_at (int procfd, int pid, struct ocirt_pid_stat *out)
{
  char path[32];
  char buf[1024];
  char *open_paren, *p;
  size_t len;
  int r;

  if (procfd < 0)
    snprintf (path, sizeof path, "/proc/%d/stat", pid);
  else
    ocirt_format_uint (path, (unsigned)pid, "/stat");
  /* One read: procfs makes the whole record at once.  */
  r = ocirt_read_record_at (procfd, path, buf, sizeof buf);
  if (r < 0)
    return r;
  /* comm may hold spaces and parens: it runs from the first '(' to the
     last ')'.  */
  open_paren = strchr (buf, '(');
  p = strrchr (buf, ')');
  if (open_paren == NULL || p == NULL || p < open_paren || p[1] != ' ')
    return -EINVAL;
  len = (size_t)(p - open_paren - 1);
  if (len >= sizeof out->comm)
    return -EINVAL;
  memcpy (out->comm, open_paren + 1, len);
  out->comm[len] = '\0';
  p += 2;
  /* p points at field 3 (state).  */
  if (*p == 'Z' || *p == 'X')
    return -ESRCH;
  out->state = *p;
  /* Field 22 follows 19 more separators.  */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return -EINVAL;
      p++;
    }
  len = strcspn (p, " \n");
  if (len == 0 || len >= 24)
    return -EINVAL;
  p[len] = '\0';
  return ocirt_parse_uint64 (p, &out->start);
}

int
ocirt_pid_stat (int pid, struct ocirt_pid_stat *out)
{
  return pid_stat_at (-1, pid, out);
}

bool
ocirt_pid_alive (int pid, uint64_t start)
{
  struct ocirt_pid_stat now;

  if (pid <= 0)
    return false;
  if (pid_stat_at (-1, pid, &now) < 0)
    return false;
  return start == 0 || now.start == start;
}

const char *
ocirt_state_status (int dirfd, const struct ocirt_state *st)
{
  return ocirt_state_status_at (dirfd, st, NULL, NULL);
}

const char *
ocirt_state_status_at (int dirfd, const struct ocirt_state *st,
                       const struct ocirt_status_ctx *ctx, const char *name)
{
  char fifo[NAME_MAX + 16];
  struct ocirt_pid_stat now;
  bool frozen;

  if (st->pid <= 0 || pid_stat_at (ctx ? ctx->procfd : -1, st->pid, &now) < 0
      || (st->pid_start != 0 && now.start != st->pid_start))
    return "stopped";
  if (st->cgroup_path == NULL)
    frozen = false;
  /* v1: a FROZEN cgroup has every task frozen, which procfs shows as
     "D"; an init in any other state rules it out without reading the
     freezer (list asks this for every container).  */
  else if (ctx && ctx->freezerfd >= 0 && ctx->freezer_v1 && now.state != 'D')
    frozen = false;
  else if (ctx && ctx->freezerfd >= 0)
    frozen = ocirt_cgroup_is_frozen_in (ctx->freezerfd, ctx->freezer_v1,
                                        st->cgroup_path);
  else
    frozen = ocirt_cgroup_is_frozen (st->cgroup_path);
  if (frozen)
    return "paused";
  /* The init waits for `start` on the exec fifo under the comm it had
     when create recorded it; another comm means it has since executed
     the container's process, so it is past the fifo.  (A process that
     takes that comm back only costs the fifo check.)  */
  if (st->init_comm && strcmp (now.comm, st->init_comm) != 0)
    return "running";
  if (name)
    snprintf (fifo, sizeof fifo, "%s/exec.fifo", name);
  if (faccessat (dirfd, name ? fifo : "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW)
      == 0)
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
