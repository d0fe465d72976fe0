/* ocirt: linux.resources: memory, cpu, cpuset and pids, and the common
   machinery (controller lookup, v2 controller enabling, knob writes).

   Only the files of fields that are set are written.  On v2 the v1 values
   of the spec are converted as crun documents (memory.swap.max = swap -
   limit, cpu.weight from cpu.shares, ...).  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "cgroup-res.h"
#include "util.h"

int
res_ctx_init (res_ctx *c, const char *path, bool update, ocirt_error_t *err)
{
  memset (c, 0, sizeof *c);
  c->path = path;
  c->update = update;
  if (ocirt_cgroup_hierarchies_load (&c->hs, err) < 0)
    return -1;
  c->fds = xmalloc (c->hs.n * sizeof (int));
  for (size_t i = 0; i < c->hs.n; i++)
    c->fds[i] = -1;
  return 0;
}

void
res_ctx_release (res_ctx *c)
{
  for (size_t i = 0; c->fds && i < c->hs.n; i++)
    if (c->fds[i] >= 0)
      close (c->fds[i]);
  free (c->fds);
  c->fds = NULL;
  ocirt_cgroup_hierarchies_free (&c->hs);
}

int
res_write (int dirfd, const char *file, const char *value, ocirt_error_t *err)
{
  int r = ocirt_write_file_at (dirfd, file, value, strlen (value));

  if (r < 0)
    return ocirt_error_set (err, -r, "write \"%s\" = \"%s\"", file, value);
  return 0;
}

int
res_writef (ocirt_error_t *err, int dirfd, const char *file, const char *fmt,
            ...)
{
  cleanup_free char *value = NULL;
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&value, fmt, ap);
  va_end (ap);
  if (r < 0)
    abort ();
  return res_write (dirfd, file, value, err);
}

bool
res_has (int dirfd, const char *file)
{
  return faccessat (dirfd, file, F_OK, 0) == 0;
}

char *
res_read (int dirfd, const char *file)
{
  char *buf = NULL;
  size_t len = 0;

  if (ocirt_read_file_at (dirfd, file, 1 << 20, &buf, &len) < 0)
    return NULL;
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
    buf[--len] = '\0';
  return buf;
}

/* Is word in the space-separated list?  */
static bool
word_in (const char *list, const char *word)
{
  size_t n = strlen (word);

  for (const char *p = list; p && *p;)
    {
      p += strspn (p, " \n");
      if (strncmp (p, word, n) == 0
          && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
        return true;
      p += strcspn (p, " \n");
    }
  return false;
}

static bool
v2_available (const ocirt_cgroup_hierarchy *h, const char *ctrl)
{
  cleanup_close int fd = open (h->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_free char *avail
      = fd >= 0 ? res_read (fd, "cgroup.controllers") : NULL;

  return avail && word_in (avail, ctrl);
}

/* Enable ctrl in cgroup.subtree_control of every ancestor of path in the
   v2 tree h, from the root down.  */
static int
v2_enable (const ocirt_cgroup_hierarchy *h, const char *path, const char *ctrl,
           ocirt_error_t *err)
{
  cleanup_close int fd = open (h->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_free char *copy = xstrdup (path);
  cleanup_free char *avail = NULL;
  cleanup_free char *plus = NULL;
  char *save = NULL, *next_comp;

  if (fd < 0)
    return ocirt_error_errno (err, "open \"%s\"", h->mountpoint);
  avail = res_read (fd, "cgroup.controllers");
  if (avail == NULL || !word_in (avail, ctrl))
    return ocirt_error_set (err, 0,
                            "cgroup v2 controller \"%s\" is not available "
                            "in \"%s\"",
                            ctrl, h->mountpoint);
  xasprintf (&plus, "+%s", ctrl);
  next_comp = strtok_r (copy, "/", &save);
  while (next_comp)
    {
      cleanup_free char *enabled = res_read (fd, "cgroup.subtree_control");
      int next;

      if (enabled == NULL || !word_in (enabled, ctrl))
        {
          int r = ocirt_write_file_at (fd, "cgroup.subtree_control", plus,
                                       strlen (plus));
          if (r < 0)
            return ocirt_error_set (err, -r,
                                    "enable controller \"%s\" below "
                                    "cgroup \"%s\": write "
                                    "\"cgroup.subtree_control\" = \"%s\"",
                                    ctrl, path, plus);
        }
      next = openat (fd, next_comp,
                     O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        return ocirt_error_errno (err, "open cgroup \"%s\" component \"%s\"",
                                  path, next_comp);
      close (fd);
      fd = next;
      next_comp = strtok_r (NULL, "/", &save);
    }
  return 0;
}

static int
ctx_fd (res_ctx *c, size_t i, ocirt_error_t *err)
{
  if (c->fds[i] < 0)
    {
      int fd = ocirt_cgroup_open_in (&c->hs.h[i], c->path, O_PATH);
      if (fd < 0)
        return ocirt_error_set (err, -fd, "open cgroup \"%s\" in \"%s\"",
                                c->path, c->hs.h[i].mountpoint);
      c->fds[i] = fd;
    }
  return c->fds[i];
}

int
res_dir (res_ctx *c, const char *v1name, const char *v2name, bool *v2,
         ocirt_error_t *err)
{
  const ocirt_cgroup_hierarchy *u;

  for (size_t i = 0; v1name && i < c->hs.n; i++)
    if (ocirt_cgroup_has_controller (&c->hs.h[i], v1name))
      {
        *v2 = false;
        return ctx_fd (c, i, err);
      }
  u = ocirt_cgroup_unified (&c->hs);
  if (u == NULL || v2name == NULL)
    return ocirt_error_set (err, 0, "cgroup controller \"%s\" is not mounted",
                            v1name ? v1name : v2name);
  /* Neither side has it: say so in v1 terms when asked in v1 terms.  */
  if (v1name && c->hs.layout != OCIRT_CGROUP_V2 && !v2_available (u, v2name))
    return ocirt_error_set (err, 0, "cgroup controller \"%s\" is not mounted",
                            v1name);
  if (v2_enable (u, c->path, v2name, err) < 0)
    return -1;
  *v2 = true;
  return ctx_fd (c, (size_t)(u - c->hs.h), err);
}

int
res_v2_dir (res_ctx *c, ocirt_error_t *err)
{
  const ocirt_cgroup_hierarchy *u = ocirt_cgroup_unified (&c->hs);

  if (u == NULL)
    return ocirt_error_set (err, 0, "no cgroup v2 tree is mounted");
  return ctx_fd (c, (size_t)(u - c->hs.h), err);
}

/* A number, or "max" for negative values (v2 style) / "-1" (v1).  */
static void
fmt_limit (char *buf, size_t len, int64_t v, bool v2)
{
  if (v < 0)
    snprintf (buf, len, "%s", v2 ? "max" : "-1");
  else
    snprintf (buf, len, "%" PRId64, v);
}

/* ---- memory ---- */

static int
read_i64 (int dirfd, const char *file, int64_t *out)
{
  cleanup_free char *s = res_read (dirfd, file);

  if (s == NULL)
    return -1;
  if (strcmp (s, "max") == 0)
    {
      *out = -1;
      return 0;
    }
  return ocirt_parse_int64 (s, out);
}

static int
memory_v1_limits (int fd, const oci_memory *m, ocirt_error_t *err)
{
  char lim[32], sw[32];
  int64_t cur = -1;
  bool swap_first;

  fmt_limit (lim, sizeof lim, m->limit, false);
  fmt_limit (sw, sizeof sw, m->swap, false);
  if (!m->has_swap)
    return m->has_limit ? res_write (fd, "memory.limit_in_bytes", lim, err) : 0;
  if (!m->has_limit)
    return res_write (fd, "memory.memsw.limit_in_bytes", sw, err);
  /* memsw must stay >= the memory limit: raise it first when the memory
     limit grows, lower it last when it shrinks.  */
  swap_first = m->limit < 0
               || (read_i64 (fd, "memory.limit_in_bytes", &cur) == 0
                   && m->limit > cur);
  if (swap_first)
    return res_write (fd, "memory.memsw.limit_in_bytes", sw, err) < 0
                   || res_write (fd, "memory.limit_in_bytes", lim, err) < 0
               ? -1
               : 0;
  return res_write (fd, "memory.limit_in_bytes", lim, err) < 0
                 || res_write (fd, "memory.memsw.limit_in_bytes", sw, err) < 0
             ? -1
             : 0;
}

static int
memory_v1 (int fd, const oci_memory *m, ocirt_error_t *err)
{
  char buf[32];

  if (memory_v1_limits (fd, m, err) < 0)
    return -1;
  if (m->has_reservation)
    {
      fmt_limit (buf, sizeof buf, m->reservation, false);
      if (res_write (fd, "memory.soft_limit_in_bytes", buf, err) < 0)
        return -1;
    }
  /* Kernel memory limits are deprecated: written where the kernel still
     has the files.  */
  if (m->has_kernel && res_has (fd, "memory.kmem.limit_in_bytes"))
    {
      fmt_limit (buf, sizeof buf, m->kernel, false);
      if (res_write (fd, "memory.kmem.limit_in_bytes", buf, err) < 0)
        return -1;
    }
  if (m->has_kernel_tcp && res_has (fd, "memory.kmem.tcp.limit_in_bytes"))
    {
      fmt_limit (buf, sizeof buf, m->kernel_tcp, false);
      if (res_write (fd, "memory.kmem.tcp.limit_in_bytes", buf, err) < 0)
        return -1;
    }
  if (m->has_swappiness
      && res_writef (err, fd, "memory.swappiness", "%" PRIu64, m->swappiness)
             < 0)
    return -1;
  if (m->has_disable_oom_killer && m->disable_oom_killer
      && res_write (fd, "memory.oom_control", "1", err) < 0)
    return -1;
  if (m->has_use_hierarchy
      && res_write (fd, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
                    err)
             < 0)
    return -1;
  return 0;
}

/* checkBeforeUpdate: refuse a limit below the current usage.  */
static int
memory_v2_check (int fd, const oci_memory *m, ocirt_error_t *err)
{
  int64_t usage;

  if (!m->has_check_before_update || !m->check_before_update || !m->has_limit
      || m->limit < 0)
    return 0;
  if (read_i64 (fd, "memory.current", &usage) < 0)
    return 0;
  if (usage >= m->limit)
    return ocirt_error_set (err, EBUSY,
                            "memory limit %" PRId64 " is not above the "
                            "current usage %" PRId64,
                            m->limit, usage);
  return 0;
}

static int
memory_v2_swap (int fd, const oci_memory *m, ocirt_error_t *err)
{
  int64_t limit = m->limit;
  char buf[32];

  if (!m->has_swap)
    {
      /* limit -1 alone means unlimited memory and swap.  */
      if (m->has_limit && m->limit < 0 && res_has (fd, "memory.swap.max"))
        return res_write (fd, "memory.swap.max", "max", err);
      return 0;
    }
  if (!m->has_limit && read_i64 (fd, "memory.max", &limit) < 0)
    return ocirt_error_errno (err, "read \"memory.max\"");
  if (m->swap < 0 || limit < 0)
    snprintf (buf, sizeof buf, "max");
  else if (m->swap < limit)
    return ocirt_error_set (err, EINVAL,
                            "memory swap %" PRId64 " is lower than the "
                            "memory limit %" PRId64,
                            m->swap, limit);
  else
    snprintf (buf, sizeof buf, "%" PRId64, m->swap - limit);
  return res_write (fd, "memory.swap.max", buf, err);
}

static int
memory_v2 (int fd, const oci_memory *m, ocirt_error_t *err)
{
  char buf[32];

  if (memory_v2_check (fd, m, err) < 0)
    return -1;
  /* swap.max first: it is independent of memory.max on v2.  */
  if (memory_v2_swap (fd, m, err) < 0)
    return -1;
  if (m->has_limit)
    {
      fmt_limit (buf, sizeof buf, m->limit, true);
      if (res_write (fd, "memory.max", buf, err) < 0)
        return -1;
    }
  if (m->has_reservation)
    {
      fmt_limit (buf, sizeof buf, m->reservation, true);
      if (res_write (fd, "memory.low", buf, err) < 0)
        return -1;
    }
  /* swappiness, disableOOMKiller, kernel and useHierarchy have no v2
     counterpart: ignored, as runc and crun do.  */
  return 0;
}

static bool
memory_set (const oci_memory *m)
{
  return m
         && (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel
             || m->has_kernel_tcp || m->has_swappiness
             || (m->has_disable_oom_killer && m->disable_oom_killer)
             || m->has_use_hierarchy);
}

static int
res_memory (res_ctx *c, const oci_memory *m, ocirt_error_t *err)
{
  bool v2;
  int fd;

  if (!memory_set (m))
    return 0;
  fd = res_dir (c, "memory", "memory", &v2, err);
  if (fd < 0)
    return -1;
  return v2 ? memory_v2 (fd, m, err) : memory_v1 (fd, m, err);
}

/* ---- cpu ---- */

/* cpu.shares [2, 262144] -> cpu.weight [1, 10000], crun's formula.  */
uint64_t
ocirt_cgroup_shares_to_weight (uint64_t shares)
{
  if (shares <= 2)
    return 1;
  if (shares >= 262144)
    return 10000;
  return 1 + ((shares - 2) * 9999) / 262142;
}

static int
cpu_v1 (int fd, const oci_cpu *p, ocirt_error_t *err)
{
  if (p->has_shares
      && res_writef (err, fd, "cpu.shares", "%" PRIu64, p->shares) < 0)
    return -1;
  if (p->has_period
      && res_writef (err, fd, "cpu.cfs_period_us", "%" PRIu64, p->period) < 0)
    return -1;
  if (p->has_quota
      && res_writef (err, fd, "cpu.cfs_quota_us", "%" PRId64,
                     p->quota < 0 ? (int64_t)-1 : p->quota)
             < 0)
    return -1;
  if (p->has_burst
      && res_writef (err, fd, "cpu.cfs_burst_us", "%" PRIu64, p->burst) < 0)
    return -1;
  if (p->has_realtime_period
      && res_writef (err, fd, "cpu.rt_period_us", "%" PRIu64,
                     p->realtime_period)
             < 0)
    return -1;
  if (p->has_realtime_runtime
      && res_writef (err, fd, "cpu.rt_runtime_us", "%" PRId64,
                     p->realtime_runtime)
             < 0)
    return -1;
  if (p->has_idle && res_writef (err, fd, "cpu.idle", "%" PRId64, p->idle) < 0)
    return -1;
  return 0;
}

/* cpu.max is "QUOTA PERIOD": a field not given keeps its current value.  */
static int
cpu_v2_max (int fd, const oci_cpu *p, ocirt_error_t *err)
{
  cleanup_free char *cur = NULL;
  char quota[32] = "max";
  uint64_t period = 100000;

  if (!p->has_quota && !p->has_period)
    return 0;
  cur = res_read (fd, "cpu.max");
  if (cur)
    {
      char *sp = strchr (cur, ' ');
      if (sp)
        {
          *sp = '\0';
          ocirt_parse_uint64 (sp + 1, &period);
        }
      snprintf (quota, sizeof quota, "%s", cur);
    }
  if (p->has_quota)
    fmt_limit (quota, sizeof quota, p->quota, true);
  if (p->has_period)
    period = p->period;
  return res_writef (err, fd, "cpu.max", "%s %" PRIu64, quota, period);
}

static int
cpu_v2 (int fd, const oci_cpu *p, ocirt_error_t *err)
{
  if (p->has_shares && p->shares > 0
      && res_writef (err, fd, "cpu.weight", "%" PRIu64,
                     ocirt_cgroup_shares_to_weight (p->shares))
             < 0)
    return -1;
  if (cpu_v2_max (fd, p, err) < 0)
    return -1;
  if (p->has_burst
      && res_writef (err, fd, "cpu.max.burst", "%" PRIu64, p->burst) < 0)
    return -1;
  if (p->has_idle && res_writef (err, fd, "cpu.idle", "%" PRId64, p->idle) < 0)
    return -1;
  if ((p->has_realtime_period && p->realtime_period)
      || (p->has_realtime_runtime && p->realtime_runtime))
    return ocirt_error_set (err, EINVAL,
                            "cpu realtimeRuntime/realtimePeriod are not "
                            "supported on cgroup v2");
  return 0;
}

static int
res_cpu (res_ctx *c, const oci_cpu *p, ocirt_error_t *err)
{
  bool v2;
  int fd;

  if (p == NULL
      || !(p->has_shares || p->has_quota || p->has_burst || p->has_period
           || p->has_realtime_runtime || p->has_realtime_period || p->has_idle))
    return 0;
  fd = res_dir (c, "cpu", "cpu", &v2, err);
  if (fd < 0)
    return -1;
  return v2 ? cpu_v2 (fd, p, err) : cpu_v1 (fd, p, err);
}

static int
res_cpuset (res_ctx *c, const oci_cpu *p, ocirt_error_t *err)
{
  bool v2;
  int fd;

  if (p == NULL || (p->cpus == NULL && p->mems == NULL))
    return 0;
  fd = res_dir (c, "cpuset", "cpuset", &v2, err);
  if (fd < 0)
    return -1;
  /* Empty strings leave the inherited value.  */
  if (p->cpus && *p->cpus && res_write (fd, "cpuset.cpus", p->cpus, err) < 0)
    return -1;
  if (p->mems && *p->mems && res_write (fd, "cpuset.mems", p->mems, err) < 0)
    return -1;
  return 0;
}

static int
res_pids (res_ctx *c, const oci_pids *p, ocirt_error_t *err)
{
  char buf[32];
  bool v2;
  int fd;

  if (p == NULL)
    return 0;
  fd = res_dir (c, "pids", "pids", &v2, err);
  if (fd < 0)
    return -1;
  /* 0 is a valid limit (no new process at all); negative is "max".  */
  if (p->limit < 0)
    snprintf (buf, sizeof buf, "max");
  else
    snprintf (buf, sizeof buf, "%" PRId64, p->limit);
  return res_write (fd, "pids.max", buf, err);
}

int
ocirt_cgroup_apply_resources (const char *path, const oci_resources *r,
                              bool update, ocirt_error_t *err)
{
  res_ctx c;
  int ret = -1;

  if (r == NULL)
    return 0;
  if (res_ctx_init (&c, path, update, err) < 0)
    return -1;
  if (res_devices (&c, r, err) < 0 || res_memory (&c, r->memory, err) < 0
      || res_cpuset (&c, r->cpu, err) < 0 || res_cpu (&c, r->cpu, err) < 0
      || res_pids (&c, r->pids, err) < 0 || res_blkio (&c, r->block_io, err) < 0
      || res_hugetlb (&c, r, err) < 0 || res_network (&c, r->network, err) < 0
      || res_rdma (&c, r, err) < 0 || res_unified (&c, r, err) < 0)
    goto out;
  ret = 0;
out:
  res_ctx_release (&c);
  if (ret < 0)
    ocirt_error_wrap (err, "set resources of cgroup \"%s\"", path);
  return ret;
}
