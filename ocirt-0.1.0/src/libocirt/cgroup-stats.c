/* ocirt: resource statistics of a container cgroup, as the JSON event
   runc's `events` prints: {"type":"stats","id":ID,"data":{"cpu":...,
   "memory":...,"pids":...,"blkio":...,"hugetlb":...}}.  */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cgroup-res.h"
#include "util.h"

typedef struct
{
  ocirt_cgroup_hierarchies hs;
  const char *path;
  yajl_gen g;
} stats_ctx;

/* The cgroup directory of a controller for reading: its v1 hierarchy,
   else the v2 tree.  -1 when absent.  */
static int
stat_dir (stats_ctx *s, const char *v1name, bool *v2)
{
  const ocirt_cgroup_hierarchy *h = NULL;

  for (size_t i = 0; i < s->hs.n && h == NULL; i++)
    if (ocirt_cgroup_has_controller (&s->hs.h[i], v1name))
      h = &s->hs.h[i];
  *v2 = h == NULL;
  if (h == NULL)
    h = ocirt_cgroup_unified (&s->hs);
  if (h == NULL)
    return -1;
  return ocirt_cgroup_open_in (h, s->path, O_PATH);
}

static bool
read_u64 (int fd, const char *file, uint64_t *out)
{
  cleanup_free char *v = res_read (fd, file);

  *out = 0;
  if (v == NULL)
    return false;
  if (strcmp (v, "max") == 0)
    {
      *out = UINT64_MAX;
      return true;
    }
  return ocirt_parse_uint64 (v, out) == 0;
}

/* "key value" lines: the value of key, 0 when absent.  */
static uint64_t
kv_get (const char *text, const char *key)
{
  size_t n = strlen (key);
  uint64_t v = 0;

  for (const char *p = text; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : p)
    if (strncmp (p, key, n) == 0 && p[n] == ' ')
      {
        char buf[32];
        size_t l = strcspn (p + n + 1, "\n");
        if (l >= sizeof buf)
          return 0;
        memcpy (buf, p + n + 1, l);
        buf[l] = '\0';
        ocirt_parse_uint64 (buf, &v);
        return v;
      }
  return 0;
}

static void
gstr (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *)s, strlen (s));
}

static void
gnum (yajl_gen g, uint64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, v);

  yajl_gen_number (g, buf, (size_t)n);
}

static void
gkey_u64 (yajl_gen g, const char *k, uint64_t v)
{
  gstr (g, k);
  gnum (g, v);
}

/* omitempty: only non-zero values.  */
static void
gkey_u64_nz (yajl_gen g, const char *k, uint64_t v)
{
  if (v)
    gkey_u64 (g, k, v);
}

static void
gen_u64_list (yajl_gen g, const char *key, const char *text)
{
  char *end;

  if (text == NULL || *text == '\0')
    return;
  gstr (g, key);
  yajl_gen_array_open (g);
  for (const char *p = text; *p;)
    {
      uint64_t v;
      p += strspn (p, " \n");
      if (*p == '\0')
        break;
      errno = 0;
      v = strtoull (p, &end, 10);
      if (end == p)
        break;
      gnum (g, v);
      p = end;
    }
  yajl_gen_array_close (g);
}

/* ---- cpu ---- */

static void
cpu_v1 (stats_ctx *s)
{
  yajl_gen g = s->g;
  cleanup_close int afd = -1;
  cleanup_close int cfd = -1;
  cleanup_free char *stat = NULL;
  cleanup_free char *percpu = NULL;
  cleanup_free char *pk = NULL;
  cleanup_free char *pu = NULL;
  cleanup_free char *thr = NULL;
  uint64_t total = 0;
  long hz = sysconf (_SC_CLK_TCK);
  bool v2;

  afd = stat_dir (s, "cpuacct", &v2);
  if (afd >= 0 && !v2)
    {
      read_u64 (afd, "cpuacct.usage", &total);
      stat = res_read (afd, "cpuacct.stat");
      percpu = res_read (afd, "cpuacct.usage_percpu");
      pk = res_read (afd, "cpuacct.usage_percpu_sys");
      pu = res_read (afd, "cpuacct.usage_percpu_user");
    }
  cfd = stat_dir (s, "cpu", &v2);
  if (cfd >= 0 && !v2)
    thr = res_read (cfd, "cpu.stat");
  if (hz <= 0)
    hz = 100;
  gstr (g, "usage");
  yajl_gen_map_open (g);
  gkey_u64_nz (g, "total", total);
  gen_u64_list (g, "percpu", percpu);
  gen_u64_list (g, "percpu_kernel", pk);
  gen_u64_list (g, "percpu_user", pu);
  /* cpuacct.stat counts USER_HZ ticks: nanoseconds like runc.  */
  gkey_u64 (g, "kernel", kv_get (stat, "system") * (1000000000ULL / hz));
  gkey_u64 (g, "user", kv_get (stat, "user") * (1000000000ULL / hz));
  yajl_gen_map_close (g);
  gstr (g, "throttling");
  yajl_gen_map_open (g);
  gkey_u64_nz (g, "periods", kv_get (thr, "nr_periods"));
  gkey_u64_nz (g, "throttledPeriods", kv_get (thr, "nr_throttled"));
  gkey_u64_nz (g, "throttledTime", kv_get (thr, "throttled_time"));
  yajl_gen_map_close (g);
}

static void
cpu_v2 (stats_ctx *s, int fd)
{
  yajl_gen g = s->g;
  cleanup_free char *st = res_read (fd, "cpu.stat");

  gstr (g, "usage");
  yajl_gen_map_open (g);
  gkey_u64_nz (g, "total", kv_get (st, "usage_usec") * 1000);
  gkey_u64 (g, "kernel", kv_get (st, "system_usec") * 1000);
  gkey_u64 (g, "user", kv_get (st, "user_usec") * 1000);
  yajl_gen_map_close (g);
  gstr (g, "throttling");
  yajl_gen_map_open (g);
  gkey_u64_nz (g, "periods", kv_get (st, "nr_periods"));
  gkey_u64_nz (g, "throttledPeriods", kv_get (st, "nr_throttled"));
  gkey_u64_nz (g, "throttledTime", kv_get (st, "throttled_usec") * 1000);
  yajl_gen_map_close (g);
}

static void
gen_cpu (stats_ctx *s)
{
  cleanup_close int fd = -1;
  bool v2;

  gstr (s->g, "cpu");
  yajl_gen_map_open (s->g);
  fd = stat_dir (s, "cpuacct", &v2);
  if (v2 && fd >= 0)
    cpu_v2 (s, fd);
  else
    cpu_v1 (s);
  yajl_gen_map_close (s->g);
}

/* ---- memory ---- */

static void
mem_entry (yajl_gen g, const char *key, int fd, const char *usage,
           const char *max, const char *limit, const char *failcnt)
{
  uint64_t v;

  gstr (g, key);
  yajl_gen_map_open (g);
  read_u64 (fd, limit, &v);
  gkey_u64 (g, "limit", v);
  if (usage && read_u64 (fd, usage, &v))
    gkey_u64_nz (g, "usage", v);
  if (max && read_u64 (fd, max, &v))
    gkey_u64_nz (g, "max", v);
  v = 0;
  if (failcnt)
    read_u64 (fd, failcnt, &v);
  gkey_u64 (g, "failcnt", v);
  yajl_gen_map_close (g);
}

/* memory.stat as "raw"; *cache from its cache (v1) / file (v2) line.  */
static void
mem_raw (yajl_gen g, const char *stat, const char *cache_key, uint64_t *cache)
{
  cleanup_free char *copy = xstrdup (stat ? stat : "");
  char *save = NULL;

  gstr (g, "raw");
  yajl_gen_map_open (g);
  for (char *l = strtok_r (copy, "\n", &save); l;
       l = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (l, ' ');
      uint64_t v;

      if (sp == NULL)
        continue;
      *sp = '\0';
      if (ocirt_parse_uint64 (sp + 1, &v) < 0)
        continue;
      gkey_u64 (g, l, v);
      if (strcmp (l, cache_key) == 0)
        *cache = v;
    }
  yajl_gen_map_close (g);
}

static void
gen_memory (stats_ctx *s)
{
  yajl_gen g = s->g;
  cleanup_close int fd = -1;
  cleanup_free char *stat = NULL;
  uint64_t cache = 0;
  bool v2;

  gstr (g, "memory");
  yajl_gen_map_open (g);
  fd = stat_dir (s, "memory", &v2);
  if (fd >= 0)
    {
      stat = res_read (fd, "memory.stat");
      if (v2)
        {
          mem_entry (g, "usage", fd, "memory.current", "memory.peak",
                     "memory.max", NULL);
          mem_entry (g, "swap", fd, "memory.swap.current", "memory.swap.peak",
                     "memory.swap.max", NULL);
        }
      else
        {
          mem_entry (g, "usage", fd, "memory.usage_in_bytes",
                     "memory.max_usage_in_bytes", "memory.limit_in_bytes",
                     "memory.failcnt");
          mem_entry (g, "swap", fd, "memory.memsw.usage_in_bytes",
                     "memory.memsw.max_usage_in_bytes",
                     "memory.memsw.limit_in_bytes", "memory.memsw.failcnt");
          mem_entry (g, "kernel", fd, "memory.kmem.usage_in_bytes",
                     "memory.kmem.max_usage_in_bytes",
                     "memory.kmem.limit_in_bytes", "memory.kmem.failcnt");
          mem_entry (g, "kernelTCP", fd, "memory.kmem.tcp.usage_in_bytes",
                     "memory.kmem.tcp.max_usage_in_bytes",
                     "memory.kmem.tcp.limit_in_bytes",
                     "memory.kmem.tcp.failcnt");
        }
      mem_raw (g, stat, v2 ? "file" : "cache", &cache);
      gkey_u64_nz (g, "cache", cache);
    }
  yajl_gen_map_close (g);
}

/* ---- pids ---- */

static void
gen_pids (stats_ctx *s)
{
  cleanup_close int fd = -1;
  uint64_t cur = 0, max = 0;
  bool v2;

  fd = stat_dir (s, "pids", &v2);
  if (fd >= 0)
    {
      read_u64 (fd, "pids.current", &cur);
      read_u64 (fd, "pids.max", &max);
    }
  gstr (s->g, "pids");
  yajl_gen_map_open (s->g);
  gkey_u64_nz (s->g, "current", cur);
  gkey_u64_nz (s->g, "limit", max == UINT64_MAX ? 0 : max);
  yajl_gen_map_close (s->g);
}

/* ---- blkio ---- */

static void
blk_entry (yajl_gen g, unsigned maj, unsigned min, const char *op, uint64_t v)
{
  yajl_gen_map_open (g);
  gkey_u64_nz (g, "major", maj);
  gkey_u64_nz (g, "minor", min);
  if (op && *op)
    {
      gstr (g, "op");
      gstr (g, op);
    }
  gkey_u64_nz (g, "value", v);
  yajl_gen_map_close (g);
}

/* v1 lines "MAJ:MIN Op VALUE" (and a "Total N" line, skipped).  */
static void
blk_v1_list (yajl_gen g, const char *key, const char *text)
{
  cleanup_free char *copy = NULL;
  char *save = NULL;

  if (text == NULL || *text == '\0')
    return;
  copy = xstrdup (text);
  gstr (g, key);
  yajl_gen_array_open (g);
  for (char *l = strtok_r (copy, "\n", &save); l;
       l = strtok_r (NULL, "\n", &save))
    {
      unsigned maj, min;
      char op[32];
      uint64_t v;

      if (sscanf (l, "%u:%u %31s %" SCNu64, &maj, &min, op, &v) == 4)
        blk_entry (g, maj, min, op, v);
    }
  yajl_gen_array_close (g);
}

/* v2 io.stat "MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.." lines.  */
static void
blk_v2_list (yajl_gen g, const char *key, const char *text, const char *rk,
             const char *wk)
{
  cleanup_free char *copy = NULL;
  char *save = NULL;

  if (text == NULL || *text == '\0')
    return;
  copy = xstrdup (text);
  gstr (g, key);
  yajl_gen_array_open (g);
  for (char *l = strtok_r (copy, "\n", &save); l;
       l = strtok_r (NULL, "\n", &save))
    {
      unsigned maj, min;
      char *r = strstr (l, rk), *w = strstr (l, wk);

      if (sscanf (l, "%u:%u", &maj, &min) != 2)
        continue;
      blk_entry (g, maj, min, "Read",
                 r ? strtoull (r + strlen (rk), NULL, 10) : 0);
      blk_entry (g, maj, min, "Write",
                 w ? strtoull (w + strlen (wk), NULL, 10) : 0);
    }
  yajl_gen_array_close (g);
}

static void
gen_blkio (stats_ctx *s)
{
  yajl_gen g = s->g;
  cleanup_close int fd = -1;
  bool v2;

  gstr (g, "blkio");
  yajl_gen_map_open (g);
  fd = stat_dir (s, "blkio", &v2);
  if (fd >= 0 && v2)
    {
      cleanup_free char *st = res_read (fd, "io.stat");
      blk_v2_list (g, "ioServiceBytesRecursive", st, "rbytes=", "wbytes=");
      blk_v2_list (g, "ioServicedRecursive", st, "rios=", "wios=");
    }
  else if (fd >= 0)
    {
      cleanup_free char *b = res_read (fd, "blkio.io_service_bytes_recursive");
      cleanup_free char *n = res_read (fd, "blkio.io_serviced_recursive");

      /* Without CFQ only the throttle counters exist.  */
      if (b == NULL || *b == '\0' || strncmp (b, "Total", 5) == 0)
        {
          free (b);
          b = res_read (fd, "blkio.throttle.io_service_bytes_recursive");
        }
      if (n == NULL || *n == '\0' || strncmp (n, "Total", 5) == 0)
        {
          free (n);
          n = res_read (fd, "blkio.throttle.io_serviced_recursive");
        }
      blk_v1_list (g, "ioServiceBytesRecursive", b);
      blk_v1_list (g, "ioServicedRecursive", n);
    }
  yajl_gen_map_close (g);
}

/* ---- hugetlb ---- */

/* "hugepages-2048kB" -> "2MB".  */
static bool
page_size_name (const char *dirent, char *out, size_t len)
{
  uint64_t kb;
  char num[32];
  size_t n;

  if (strncmp (dirent, "hugepages-", 10) != 0)
    return false;
  n = strspn (dirent + 10, "0123456789");
  if (n == 0 || n >= sizeof num || strcmp (dirent + 10 + n, "kB") != 0)
    return false;
  memcpy (num, dirent + 10, n);
  num[n] = '\0';
  if (ocirt_parse_uint64 (num, &kb) < 0)
    return false;
  if (kb >= 1048576 && kb % 1048576 == 0)
    snprintf (out, len, "%" PRIu64 "GB", kb / 1048576);
  else if (kb >= 1024 && kb % 1024 == 0)
    snprintf (out, len, "%" PRIu64 "MB", kb / 1024);
  else
    snprintf (out, len, "%" PRIu64 "KB", kb);
  return true;
}

static void
huge_one (yajl_gen g, int fd, bool v2, const char *size)
{
  cleanup_free char *usage = NULL, *max = NULL, *fail = NULL;
  uint64_t u = 0, m = 0, f = 0;

  if (v2)
    {
      cleanup_free char *ev = NULL;
      xasprintf (&usage, "hugetlb.%s.current", size);
      xasprintf (&fail, "hugetlb.%s.events", size);
      read_u64 (fd, usage, &u);
      ev = res_read (fd, fail);
      f = kv_get (ev, "max");
    }
  else
    {
      xasprintf (&usage, "hugetlb.%s.usage_in_bytes", size);
      xasprintf (&max, "hugetlb.%s.max_usage_in_bytes", size);
      xasprintf (&fail, "hugetlb.%s.failcnt", size);
      read_u64 (fd, usage, &u);
      read_u64 (fd, max, &m);
      read_u64 (fd, fail, &f);
    }
  gstr (g, size);
  yajl_gen_map_open (g);
  gkey_u64_nz (g, "usage", u);
  gkey_u64_nz (g, "max", m);
  gkey_u64 (g, "failcnt", f);
  yajl_gen_map_close (g);
}

static void
gen_hugetlb (stats_ctx *s)
{
  cleanup_dir DIR *d = opendir ("/sys/kernel/mm/hugepages");
  cleanup_close int fd = -1;
  struct dirent *de;
  bool v2;

  gstr (s->g, "hugetlb");
  yajl_gen_map_open (s->g);
  fd = stat_dir (s, "hugetlb", &v2);
  while (fd >= 0 && d && (de = readdir (d)))
    {
      char size[32];
      cleanup_free char *probe = NULL;

      if (!page_size_name (de->d_name, size, sizeof size))
        continue;
      xasprintf (&probe, v2 ? "hugetlb.%s.current" : "hugetlb.%s.failcnt",
                 size);
      if (res_has (fd, probe))
        huge_one (s->g, fd, v2, size);
    }
  yajl_gen_map_close (s->g);
}

char *
ocirt_cgroup_stats_event (const char *path, const char *id, ocirt_error_t *err)
{
  stats_ctx s = { .path = path };
  const unsigned char *buf;
  size_t len;
  char *out;

  if (ocirt_cgroup_hierarchies_load (&s.hs, err) < 0)
    return NULL;
  s.g = yajl_gen_alloc (NULL);
  yajl_gen_map_open (s.g);
  gstr (s.g, "type");
  gstr (s.g, "stats");
  gstr (s.g, "id");
  gstr (s.g, id);
  gstr (s.g, "data");
  yajl_gen_map_open (s.g);
  gen_cpu (&s);
  gen_memory (&s);
  gen_pids (&s);
  gen_blkio (&s);
  gen_hugetlb (&s);
  yajl_gen_map_close (s.g);
  yajl_gen_map_close (s.g);
  yajl_gen_get_buf (s.g, &buf, &len);
  out = xstrndup ((const char *)buf, len);
  yajl_gen_free (s.g);
  ocirt_cgroup_hierarchies_free (&s.hs);
  return out;
}
