/* ocirt: linux.resources: blockIO, hugepageLimits, network, rdma,
   unified and devices.  */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cgroup-res.h"
#include "util.h"

/* ---- blockIO ---- */

/* blkio weight [10, 1000] -> io.weight [1, 10000] (crun's conversion).  */
static uint64_t
blkio_to_io_weight (uint64_t w)
{
  if (w <= 10)
    return 1;
  if (w >= 1000)
    return 10000;
  return 1 + (w - 10) * 9999 / 990;
}

/* v1 weight files: the CFQ ones, else BFQ's when only those exist.  The
   error names the CFQ file when neither does.  */
static const char *
v1_weight_file (int fd, bool device)
{
  const char *cfq = device ? "blkio.weight_device" : "blkio.weight";
  const char *bfq = device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";

  if (!res_has (fd, cfq) && res_has (fd, bfq))
    return bfq;
  return cfq;
}

static int
throttle_list (int fd, const char *file, const char *v2key,
               const oci_throttle_device *t, size_t n, ocirt_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      int r;

      if (v2key)
        r = res_writef (err, fd, "io.max",
                        "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major,
                        t[i].minor, v2key, t[i].rate);
      else
        r = res_writef (err, fd, file, "%" PRId64 ":%" PRId64 " %" PRIu64,
                        t[i].major, t[i].minor, t[i].rate);
      if (r < 0)
        return -1;
    }
  return 0;
}

static int
throttles (int fd, bool v2, const oci_block_io *b, ocirt_error_t *err)
{
  if (throttle_list (fd, "blkio.throttle.read_bps_device", v2 ? "rbps" : NULL,
                     b->throttle_read_bps_device,
                     b->throttle_read_bps_device_len, err)
      < 0)
    return -1;
  if (throttle_list (fd, "blkio.throttle.write_bps_device", v2 ? "wbps" : NULL,
                     b->throttle_write_bps_device,
                     b->throttle_write_bps_device_len, err)
      < 0)
    return -1;
  if (throttle_list (fd, "blkio.throttle.read_iops_device", v2 ? "riops" : NULL,
                     b->throttle_read_iops_device,
                     b->throttle_read_iops_device_len, err)
      < 0)
    return -1;
  return throttle_list (fd, "blkio.throttle.write_iops_device",
                        v2 ? "wiops" : NULL, b->throttle_write_iops_device,
                        b->throttle_write_iops_device_len, err);
}

static int
blkio_v1 (int fd, const oci_block_io *b, ocirt_error_t *err)
{
  if (b->has_weight
      && res_writef (err, fd, v1_weight_file (fd, false), "%u",
                     (unsigned)b->weight)
             < 0)
    return -1;
  if (b->has_leaf_weight
      && res_writef (err, fd, "blkio.leaf_weight", "%u",
                     (unsigned)b->leaf_weight)
             < 0)
    return -1;
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *d = &b->weight_device[i];

      if (d->has_weight
          && res_writef (err, fd, v1_weight_file (fd, true),
                         "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                         (unsigned)d->weight)
                 < 0)
        return -1;
      if (d->has_leaf_weight
          && res_writef (err, fd, "blkio.leaf_weight_device",
                         "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
                         (unsigned)d->leaf_weight)
                 < 0)
        return -1;
    }
  return throttles (fd, false, b, err);
}

/* v2: io.bfq.weight takes the blkio value as is; io.weight (the
   fallback) the converted one.  leafWeight has no v2 counterpart.  */
static int
blkio_v2 (int fd, const oci_block_io *b, ocirt_error_t *err)
{
  bool bfq = res_has (fd, "io.bfq.weight");
  const char *file = bfq ? "io.bfq.weight" : "io.weight";

  if (b->has_weight
      && res_writef (err, fd, file, "%" PRIu64,
                     bfq ? (uint64_t)b->weight : blkio_to_io_weight (b->weight))
             < 0)
    return -1;
  for (size_t i = 0; i < b->weight_device_len; i++)
    {
      const oci_weight_device *d = &b->weight_device[i];

      if (d->has_weight
          && res_writef (err, fd, file, "%" PRId64 ":%" PRId64 " %" PRIu64,
                         d->major, d->minor,
                         bfq ? (uint64_t)d->weight
                             : blkio_to_io_weight (d->weight))
                 < 0)
        return -1;
    }
  return throttles (fd, true, b, err);
}

int
res_blkio (res_ctx *c, const oci_block_io *b, ocirt_error_t *err)
{
  bool v2;
  int fd;

  if (b == NULL
      || !(b->has_weight || b->has_leaf_weight || b->weight_device_len
           || b->throttle_read_bps_device_len
           || b->throttle_write_bps_device_len
           || b->throttle_read_iops_device_len
           || b->throttle_write_iops_device_len))
    return 0;
  fd = res_dir (c, "blkio", "io", &v2, err);
  if (fd < 0)
    return -1;
  return v2 ? blkio_v2 (fd, b, err) : blkio_v1 (fd, b, err);
}

/* ---- hugepageLimits ---- */

/* "2MB", "1GB", "64KB": a file name component, nothing else.  */
static bool
page_size_ok (const char *s)
{
  size_t n = s ? strspn (s, "0123456789") : 0;

  return n > 0
         && (strcmp (s + n, "KB") == 0 || strcmp (s + n, "MB") == 0
             || strcmp (s + n, "GB") == 0);
}

int
res_hugetlb (res_ctx *c, const oci_resources *r, ocirt_error_t *err)
{
  bool v2;
  int fd;

  if (r->hugepage_limits_len == 0)
    return 0;
  fd = res_dir (c, "hugetlb", "hugetlb", &v2, err);
  if (fd < 0)
    return -1;
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    {
      const oci_hugepage_limit *h = &r->hugepage_limits[i];
      cleanup_free char *file = NULL;
      cleanup_free char *rsvd = NULL;

      if (!page_size_ok (h->page_size))
        return ocirt_error_set (err, EINVAL, "invalid hugepage size \"%s\"",
                                h->page_size ? h->page_size : "");
      xasprintf (&file, v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes",
                 h->page_size);
      xasprintf (&rsvd,
                 v2 ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes",
                 h->page_size);
      if (res_writef (err, fd, file, "%" PRIu64, h->limit) < 0)
        return -1;
      /* The reservation limit too, where the kernel has it.  */
      if (res_has (fd, rsvd)
          && res_writef (err, fd, rsvd, "%" PRIu64, h->limit) < 0)
        return -1;
    }
  return 0;
}

/* ---- network (v1 only) ---- */

int
res_network (res_ctx *c, const oci_network *n, ocirt_error_t *err)
{
  bool v2;
  int fd;

  if (n == NULL)
    return 0;
  if (n->has_class_id)
    {
      fd = res_dir (c, "net_cls", NULL, &v2, err);
      if (fd < 0
          || res_writef (err, fd, "net_cls.classid", "%u",
                         (unsigned)n->class_id)
                 < 0)
        return -1;
    }
  if (n->priorities_len == 0)
    return 0;
  fd = res_dir (c, "net_prio", NULL, &v2, err);
  if (fd < 0)
    return -1;
  for (size_t i = 0; i < n->priorities_len; i++)
    if (res_writef (err, fd, "net_prio.ifpriomap", "%s %u",
                    n->priorities[i].name, (unsigned)n->priorities[i].priority)
        < 0)
      return -1;
  return 0;
}

/* ---- rdma ---- */

int
res_rdma (res_ctx *c, const oci_resources *r, ocirt_error_t *err)
{
  bool v2;
  int fd;

  if (r->rdma_len == 0)
    return 0;
  fd = res_dir (c, "rdma", "rdma", &v2, err);
  if (fd < 0)
    return -1;
  for (size_t i = 0; i < r->rdma_len; i++)
    {
      const oci_rdma *d = &r->rdma[i];
      char h[48] = "", o[48] = "";

      if (!d->has_hca_handles && !d->has_hca_objects)
        continue;
      if (d->has_hca_handles)
        snprintf (h, sizeof h, " hca_handle=%u", (unsigned)d->hca_handles);
      if (d->has_hca_objects)
        snprintf (o, sizeof o, " hca_object=%u", (unsigned)d->hca_objects);
      if (res_writef (err, fd, "rdma.max", "%s%s%s", d->device, h, o) < 0)
        return -1;
    }
  return 0;
}

/* ---- unified (v2 files verbatim) ---- */

int
res_unified (res_ctx *c, const oci_resources *r, ocirt_error_t *err)
{
  for (size_t i = 0; i < r->unified.len; i++)
    {
      const char *key = r->unified.keys[i];
      const char *dot = strchr (key, '.');
      cleanup_free char *ctrl = NULL;
      bool v2 = true;
      int fd;

      if (strchr (key, '/') || dot == NULL || dot == key
          || strcmp (key, ".") == 0 || strcmp (key, "..") == 0)
        return ocirt_error_set (
            err, EINVAL, "unified: invalid cgroup file name \"%s\"", key);
      if (ocirt_cgroup_unified (&c->hs) == NULL)
        return ocirt_error_set (err, 0,
                                "unified: \"%s\" needs cgroup v2, and this "
                                "host has only v1 hierarchies",
                                key);
      ctrl = xstrndup (key, (size_t)(dot - key));
      if (strcmp (ctrl, "cgroup") == 0)
        fd = res_v2_dir (c, err);
      else
        fd = res_dir (c, NULL, ctrl, &v2, err);
      if (fd < 0)
        return ocirt_error_wrap (err, "unified \"%s\"", key);
      if (res_write (fd, key, r->unified.values[i], err) < 0)
        return -1;
    }
  return 0;
}

/* ---- devices ---- */

/* Device access every container gets after its own rules, as runc and
   crun give it: mknod of anything, the standard nodes, ttys and ptys.  */
static const oci_device_cgroup default_rules[] = {
  { true, 'c', true, true, -1, -1, (char *)"m" },
  { true, 'b', true, true, -1, -1, (char *)"m" },
  { true, 'c', true, true, 1, 3, (char *)"rwm" },    /* null */
  { true, 'c', true, true, 1, 5, (char *)"rwm" },    /* zero */
  { true, 'c', true, true, 1, 7, (char *)"rwm" },    /* full */
  { true, 'c', true, true, 1, 8, (char *)"rwm" },    /* random */
  { true, 'c', true, true, 1, 9, (char *)"rwm" },    /* urandom */
  { true, 'c', true, true, 5, 0, (char *)"rwm" },    /* tty */
  { true, 'c', true, true, 5, 1, (char *)"rwm" },    /* console */
  { true, 'c', true, true, 5, 2, (char *)"rwm" },    /* ptmx */
  { true, 'c', true, true, 136, -1, (char *)"rwm" }, /* pts */
  { true, 'c', true, true, 10, 200, (char *)"rwm" }, /* tun */
};

static void
v1_num (char *buf, size_t len, bool has, int64_t v)
{
  if (!has || v < 0)
    snprintf (buf, len, "*");
  else
    snprintf (buf, len, "%" PRId64, v);
}

static int
v1_rule (int fd, const oci_device_cgroup *d, ocirt_error_t *err)
{
  const char *file = d->allow ? "devices.allow" : "devices.deny";
  char type = d->type ? d->type : 'a';
  char maj[24], min[24];

  if (type != 'a' && type != 'c' && type != 'b')
    return ocirt_error_set (err, EINVAL, "invalid device type '%c'", type);
  if (d->access && strspn (d->access, "rwm") != strlen (d->access))
    return ocirt_error_set (err, EINVAL, "invalid device access \"%s\"",
                            d->access);
  /* "a" is every device with every access, whatever else the rule says.  */
  if (type == 'a')
    return res_write (fd, file, "a", err);
  v1_num (maj, sizeof maj, d->has_major, d->major);
  v1_num (min, sizeof min, d->has_minor, d->minor);
  return res_writef (err, fd, file, "%c %s:%s %s", type, maj, min,
                     d->access && *d->access ? d->access : "rwm");
}

/* The whole rule list: the config's rules in order, then the defaults.  */
static oci_device_cgroup *
all_rules (const oci_resources *r, size_t *n)
{
  size_t nd = ARRAY_SIZE (default_rules);
  oci_device_cgroup *v = xcalloc (r->devices_len + nd, sizeof (*v));

  memcpy (v, r->devices, r->devices_len * sizeof (*v));
  memcpy (v + r->devices_len, default_rules, sizeof default_rules);
  *n = r->devices_len + nd;
  return v;
}

int
res_devices (res_ctx *c, const oci_resources *r, ocirt_error_t *err)
{
  cleanup_free oci_device_cgroup *rules = NULL;
  size_t n;
  bool v2;
  int fd;

  if (r->devices_len == 0)
    return 0;
  rules = all_rules (r, &n);
  for (size_t i = 0; i < c->hs.n; i++)
    if (ocirt_cgroup_has_controller (&c->hs.h[i], "devices"))
      {
        fd = res_dir (c, "devices", NULL, &v2, err);
        if (fd < 0)
          return -1;
        for (size_t j = 0; j < n; j++)
          if (v1_rule (fd, &rules[j], err) < 0)
            return -1;
        return 0;
      }
  if (c->hs.layout != OCIRT_CGROUP_V2)
    return ocirt_error_set (err, 0,
                            "cgroup controller \"devices\" is not mounted");
  fd = res_v2_dir (c, err);
  if (fd < 0)
    return -1;
  return res_devices_bpf (fd, rules, n, err);
}
