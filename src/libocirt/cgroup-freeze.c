/* ocirt: pause/resume through the freezer (v1 freezer.state, v2
   cgroup.freeze), and the OOM-kill counter used by `events`.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>

#include "cgroup-res.h"
#include "util.h"

#define FREEZE_TIMEOUT_MS 10000

/* The directory holding the freezer knob: v1 freezer hierarchy, else the
   v2 tree.  -errno when neither has the cgroup.  */
static int
freezer_dir (const ocirt_cgroup_hierarchies *hs, const char *path, bool *v1)
{
  const ocirt_cgroup_hierarchy *h = NULL;

  for (size_t i = 0; i < hs->n && h == NULL; i++)
    if (ocirt_cgroup_has_controller (&hs->h[i], "freezer"))
      h = &hs->h[i];
  *v1 = h != NULL;
  if (h == NULL)
    h = ocirt_cgroup_unified (hs);
  if (h == NULL)
    return -ENODEV;
  return ocirt_cgroup_open_in (h, path, O_PATH);
}

static bool
frozen_now (int fd, bool v1)
{
  cleanup_free char *s = NULL;

  if (v1)
    {
      s = res_read (fd, "freezer.state");
      return s && strcmp (s, "FROZEN") == 0;
    }
  s = res_read (fd, "cgroup.events");
  return s && strstr (s, "frozen 1") != NULL;
}

/* The freezer knob of the cgroup path below dirfd (an fd of the
   hierarchy's root, or AT_FDCWD with the mountpoint as prefix): one open
   and one read (cgroupfs has no symlinks, and the knob is made in one
   go).  v2: what was asked for (a pause in progress counts as paused).  */
static bool
knob_frozen (int dirfd, const char *prefix, const char *path, bool v1)
{
  cleanup_free char *clean = ocirt_cgroup_clean_path (path);
  cleanup_free char *file = NULL;
  char buf[64];

  if (clean == NULL)
    return false;
  xasprintf (&file, "%s%s/%s", prefix, strcmp (clean, "/") ? clean : "",
             v1 ? "freezer.state" : "cgroup.freeze");
  if (ocirt_read_record_at (dirfd, *prefix ? file : file + 1, buf, sizeof buf)
      < 0)
    return false;
  buf[strcspn (buf, "\n")] = '\0';
  return strcmp (buf, "FROZEN") == 0 || strcmp (buf, "1") == 0;
}

bool
ocirt_cgroup_is_frozen (const char *path)
{
  /* Loaded once per process: `list` asks this for every container, and
     reading /proc/self/mountinfo each time cost more than the rest of a
     container's entry (docs/performance.md).  */
  static ocirt_cgroup_hierarchies hs;
  static bool loaded;
  const ocirt_cgroup_hierarchy *h = NULL;

  if (path == NULL)
    return false;
  if (!loaded && ocirt_cgroup_hierarchies_load (&hs, NULL) < 0)
    return false;
  loaded = true;
  for (size_t i = 0; i < hs.n && h == NULL; i++)
    if (ocirt_cgroup_has_controller (&hs.h[i], "freezer"))
      h = &hs.h[i];
  if (h != NULL)
    return knob_frozen (AT_FDCWD, h->mountpoint, path, true);
  h = ocirt_cgroup_unified (&hs);
  return h && knob_frozen (AT_FDCWD, h->mountpoint, path, false);
}

int
ocirt_cgroup_freezer_root (bool *v1)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  const ocirt_cgroup_hierarchy *h = NULL;
  int fd;

  if (ocirt_cgroup_hierarchies_load (&hs, NULL) < 0)
    return -1;
  for (size_t i = 0; i < hs.n && h == NULL; i++)
    if (ocirt_cgroup_has_controller (&hs.h[i], "freezer"))
      h = &hs.h[i];
  *v1 = h != NULL;
  if (h == NULL)
    h = ocirt_cgroup_unified (&hs);
  fd = h ? open (h->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  ocirt_cgroup_hierarchies_free (&hs);
  return fd;
}

bool
ocirt_cgroup_is_frozen_in (int rootfd, bool v1, const char *path)
{
  return knob_frozen (rootfd, "", path, v1);
}

static void
nap (long ms)
{
  struct timespec ts = { 0, ms * 1000000L };
  nanosleep (&ts, NULL);
}

int
ocirt_cgroup_freeze (const char *path, bool freeze, ocirt_error_t *err)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  cleanup_close int fd = -1;
  const char *file, *val;
  bool v1;

  if (ocirt_cgroup_hierarchies_load (&hs, err) < 0)
    return -1;
  fd = freezer_dir (&hs, path, &v1);
  ocirt_cgroup_hierarchies_free (&hs);
  if (fd < 0)
    return ocirt_error_set (err, -fd, "open the freezer of cgroup \"%s\"",
                            path);
  file = v1 ? "freezer.state" : "cgroup.freeze";
  val = v1 ? (freeze ? "FROZEN" : "THAWED") : (freeze ? "1" : "0");
  if (!v1 && !res_has (fd, file))
    return ocirt_error_set (err, ENOTSUP,
                            "cgroup \"%s\" has no \"cgroup.freeze\" (kernel "
                            "older than 5.2?)",
                            path);
  if (res_write (fd, file, val, err) < 0)
    return -1;
  if (!freeze)
    return 0;
  /* Wait until every task is frozen; v1 may stay FREEZING while a task
     is in an uninterruptible sleep: ask again meanwhile.  */
  for (int waited = 0; !frozen_now (fd, v1); waited += 5)
    {
      if (waited >= FREEZE_TIMEOUT_MS)
        {
          int e = ETIMEDOUT;
          res_write (fd, file, v1 ? "THAWED" : "0", NULL);
          return ocirt_error_set (err, e, "freeze cgroup \"%s\"", path);
        }
      nap (5);
      if (v1 && waited % 100 == 0 && res_write (fd, file, val, err) < 0)
        return -1;
    }
  return 0;
}

/* OOM kills so far: v1 memory.oom_control "oom_kill N", v2
   memory.events "oom_kill N".  -1 when unknown.  */
int64_t
ocirt_cgroup_oom_kills (const char *path)
{
  ocirt_cgroup_hierarchies hs = { 0 };
  const ocirt_cgroup_hierarchy *h;
  cleanup_close int fd = -1;
  cleanup_free char *s = NULL;
  int64_t n = -1;
  char *p;

  if (ocirt_cgroup_hierarchies_load (&hs, NULL) < 0)
    return -1;
  h = ocirt_cgroup_find_controller (&hs, "memory");
  if (h == NULL)
    h = ocirt_cgroup_unified (&hs);
  if (h)
    fd = ocirt_cgroup_open_in (h, path, O_PATH);
  if (fd >= 0)
    s = res_read (fd, h->unified ? "memory.events" : "memory.oom_control");
  ocirt_cgroup_hierarchies_free (&hs);
  if (s == NULL)
    return -1;
  p = strstr (s, "oom_kill ");
  if (p == NULL)
    return -1;
  p += strlen ("oom_kill ");
  p[strcspn (p, "\n")] = '\0';
  if (ocirt_parse_int64 (p, &n) < 0)
    return -1;
  return n;
}
