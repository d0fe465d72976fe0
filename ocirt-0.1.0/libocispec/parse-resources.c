#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "parse-internal.h"
#include "util.h"

/* -1 means "unlimited" or "any" for the signed sizes and device numbers;
   smaller values are always mistakes.  */
#define MIN_SIZE (-1)

static int
get_i64 (yajl_val v, const char *key, const oci_jpath *p, int64_t min,
         int64_t *out, bool *has, char **err)
{
  int r = oci_json_get_int64 (v, key, p, min, INT64_MAX, out, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
get_u64 (yajl_val v, const char *key, const oci_jpath *p, uint64_t *out,
         bool *has, char **err)
{
  int r = oci_json_get_uint64 (v, key, p, UINT64_MAX, out, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
get_bool (yajl_val v, const char *key, const oci_jpath *p, bool *out, bool *has,
          char **err)
{
  int r = oci_json_get_bool (v, key, p, out, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
get_u16 (yajl_val v, const char *key, const oci_jpath *p, uint16_t *out,
         bool *has, char **err)
{
  int r = oci_json_get_uint16 (v, key, p, out, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
parse_device_rule (yajl_val v, const oci_jpath *p, void *elem, void *ctx,
                   char **err)
{
  oci_jpath tp = OCI_JPATH_KEY_INIT (p, "type");
  oci_jpath ap = OCI_JPATH_KEY_INIT (p, "access");
  oci_device_cgroup *d = elem;
  cleanup_free char *type = NULL;
  cleanup_free char *q = NULL;
  int r;

  r = oci_json_get_bool (v, "allow", p, &d->allow, err);
  if (r == 0)
    return oci_json_missing (p, "allow", err);
  if (r < 0 || oci_json_get_string (v, "type", p, &type, err) < 0)
    return -1;
  if (type && *type)
    {
      if (strlen (type) != 1 || strchr ("acb", type[0]) == NULL)
        {
          q = oci_json_quote (type);
          return oci_json_error (
              err, &tp, "unknown device type %s (expected a, c or b)", q);
        }
      d->type = type[0];
    }
  if (get_i64 (v, "major", p, MIN_SIZE, &d->major, &d->has_major, err) < 0
      || get_i64 (v, "minor", p, MIN_SIZE, &d->minor, &d->has_minor, err) < 0
      || oci_json_get_string (v, "access", p, &d->access, err) < 0)
    return -1;
  if (d->access && strspn (d->access, "rwm") != strlen (d->access))
    {
      q = oci_json_quote (d->access);
      return oci_json_error (err, &ap, "invalid access %s (expected r, w, m)",
                             q);
    }
  return 0;
}

static int
parse_memory (yajl_val obj, const oci_jpath *parent, oci_resources *res,
              char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "memory");
  yajl_val v = NULL;
  oci_memory *m;
  int r;

  r = oci_json_get_object (obj, "memory", parent, &v, err);
  if (r <= 0)
    return r;
  m = res->memory = xzalloc (sizeof *m);
  if (get_i64 (v, "limit", &p, MIN_SIZE, &m->limit, &m->has_limit, err) < 0
      || get_i64 (v, "reservation", &p, MIN_SIZE, &m->reservation,
                  &m->has_reservation, err)
             < 0
      || get_i64 (v, "swap", &p, MIN_SIZE, &m->swap, &m->has_swap, err) < 0
      || get_i64 (v, "kernel", &p, MIN_SIZE, &m->kernel, &m->has_kernel, err)
             < 0
      || get_i64 (v, "kernelTCP", &p, MIN_SIZE, &m->kernel_tcp,
                  &m->has_kernel_tcp, err)
             < 0
      || get_u64 (v, "swappiness", &p, &m->swappiness, &m->has_swappiness, err)
             < 0
      || get_bool (v, "disableOOMKiller", &p, &m->disable_oom_killer,
                   &m->has_disable_oom_killer, err)
             < 0
      || get_bool (v, "useHierarchy", &p, &m->use_hierarchy,
                   &m->has_use_hierarchy, err)
             < 0
      || get_bool (v, "checkBeforeUpdate", &p, &m->check_before_update,
                   &m->has_check_before_update, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_cpu (yajl_val obj, const oci_jpath *parent, oci_resources *res,
           char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "cpu");
  yajl_val v = NULL;
  oci_cpu *c;
  int r;

  r = oci_json_get_object (obj, "cpu", parent, &v, err);
  if (r <= 0)
    return r;
  c = res->cpu = xzalloc (sizeof *c);
  if (get_u64 (v, "shares", &p, &c->shares, &c->has_shares, err) < 0
      || get_i64 (v, "quota", &p, MIN_SIZE, &c->quota, &c->has_quota, err) < 0
      || get_u64 (v, "burst", &p, &c->burst, &c->has_burst, err) < 0
      || get_u64 (v, "period", &p, &c->period, &c->has_period, err) < 0
      || get_i64 (v, "realtimeRuntime", &p, MIN_SIZE, &c->realtime_runtime,
                  &c->has_realtime_runtime, err)
             < 0
      || get_u64 (v, "realtimePeriod", &p, &c->realtime_period,
                  &c->has_realtime_period, err)
             < 0
      || oci_json_get_string (v, "cpus", &p, &c->cpus, err) < 0
      || oci_json_get_string (v, "mems", &p, &c->mems, err) < 0
      || get_i64 (v, "idle", &p, INT64_MIN, &c->idle, &c->has_idle, err) < 0)
    return -1;
  return 0;
}

static int
parse_dev_numbers (yajl_val v, const oci_jpath *p, int64_t *major,
                   int64_t *minor, char **err)
{
  if (oci_json_req_int64 (v, "major", p, 0, INT64_MAX, major, err) < 0
      || oci_json_req_int64 (v, "minor", p, 0, INT64_MAX, minor, err) < 0)
    return -1;
  return 0;
}

static int
parse_weight_device (yajl_val v, const oci_jpath *p, void *elem, void *ctx,
                     char **err)
{
  oci_weight_device *w = elem;

  if (parse_dev_numbers (v, p, &w->major, &w->minor, err) < 0
      || get_u16 (v, "weight", p, &w->weight, &w->has_weight, err) < 0
      || get_u16 (v, "leafWeight", p, &w->leaf_weight, &w->has_leaf_weight, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_throttle_device (yajl_val v, const oci_jpath *p, void *elem, void *ctx,
                       char **err)
{
  oci_throttle_device *t = elem;
  int r;

  if (parse_dev_numbers (v, p, &t->major, &t->minor, err) < 0)
    return -1;
  r = oci_json_get_uint64 (v, "rate", p, UINT64_MAX, &t->rate, err);
  if (r == 0)
    return oci_json_missing (p, "rate", err);
  return r < 0 ? -1 : 0;
}

static int
get_throttle (yajl_val v, const char *key, const oci_jpath *p,
              oci_throttle_device **out, size_t *len, char **err)
{
  return oci_json_get_object_array (v, key, p, sizeof **out,
                                    parse_throttle_device, NULL, (void **)out,
                                    len, err);
}

static int
parse_block_io (yajl_val obj, const oci_jpath *parent, oci_resources *res,
                char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "blockIO");
  yajl_val v = NULL;
  oci_block_io *b;
  int r;

  r = oci_json_get_object (obj, "blockIO", parent, &v, err);
  if (r <= 0)
    return r;
  b = res->block_io = xzalloc (sizeof *b);
  if (get_u16 (v, "weight", &p, &b->weight, &b->has_weight, err) < 0
      || get_u16 (v, "leafWeight", &p, &b->leaf_weight, &b->has_leaf_weight,
                  err)
             < 0
      || oci_json_get_object_array (
             v, "weightDevice", &p, sizeof *b->weight_device,
             parse_weight_device, NULL, (void **)&b->weight_device,
             &b->weight_device_len, err)
             < 0
      || get_throttle (v, "throttleReadBpsDevice", &p,
                       &b->throttle_read_bps_device,
                       &b->throttle_read_bps_device_len, err)
             < 0
      || get_throttle (v, "throttleWriteBpsDevice", &p,
                       &b->throttle_write_bps_device,
                       &b->throttle_write_bps_device_len, err)
             < 0
      || get_throttle (v, "throttleReadIOPSDevice", &p,
                       &b->throttle_read_iops_device,
                       &b->throttle_read_iops_device_len, err)
             < 0
      || get_throttle (v, "throttleWriteIOPSDevice", &p,
                       &b->throttle_write_iops_device,
                       &b->throttle_write_iops_device_len, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_hugepage (yajl_val v, const oci_jpath *p, void *elem, void *ctx,
                char **err)
{
  oci_hugepage_limit *h = elem;
  int r;

  if (oci_json_req_string (v, "pageSize", p, &h->page_size, err) < 0)
    return -1;
  r = oci_json_get_uint64 (v, "limit", p, UINT64_MAX, &h->limit, err);
  if (r == 0)
    return oci_json_missing (p, "limit", err);
  return r < 0 ? -1 : 0;
}

static int
parse_net_priority (yajl_val v, const oci_jpath *p, void *elem, void *ctx,
                    char **err)
{
  oci_net_priority *np = elem;

  if (oci_json_req_string (v, "name", p, &np->name, err) < 0
      || oci_json_req_uint32 (v, "priority", p, &np->priority, err) < 0)
    return -1;
  return 0;
}

static int
parse_network (yajl_val obj, const oci_jpath *parent, oci_resources *res,
               char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "network");
  yajl_val v = NULL;
  oci_network *n;
  int r;

  r = oci_json_get_object (obj, "network", parent, &v, err);
  if (r <= 0)
    return r;
  n = res->network = xzalloc (sizeof *n);
  r = oci_json_get_uint32 (v, "classID", &p, &n->class_id, err);
  if (r < 0)
    return -1;
  n->has_class_id = r > 0;
  return oci_json_get_object_array (
      v, "priorities", &p, sizeof *n->priorities, parse_net_priority, NULL,
      (void **)&n->priorities, &n->priorities_len, err);
}

/* "pids": {} sets nothing: treat it as absent.  */
static int
parse_pids (yajl_val obj, const oci_jpath *parent, oci_resources *res,
            char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "pids");
  yajl_val v = NULL;
  int64_t limit;
  int r;

  r = oci_json_get_object (obj, "pids", parent, &v, err);
  if (r <= 0)
    return r;
  r = oci_json_get_int64 (v, "limit", &p, MIN_SIZE, INT64_MAX, &limit, err);
  if (r <= 0)
    return r;
  res->pids = xzalloc (sizeof *res->pids);
  res->pids->limit = limit;
  return 0;
}

static int
parse_rdma (yajl_val obj, const oci_jpath *parent, oci_resources *res,
            char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "rdma");
  yajl_val o = NULL;
  int r;

  r = oci_json_get_object (obj, "rdma", parent, &o, err);
  if (r <= 0)
    return r;
  res->rdma_len = o->u.object.len;
  if (res->rdma_len)
    res->rdma = xcalloc (res->rdma_len, sizeof *res->rdma);
  for (size_t i = 0; i < o->u.object.len; i++)
    {
      const char *k = o->u.object.keys[i];
      yajl_val v = o->u.object.values[i];
      oci_jpath kp = OCI_JPATH_MAPKEY_INIT (&p, k);
      oci_rdma *rd = &res->rdma[i];

      if (*k == '\0')
        return oci_json_error (err, &p, "empty device name");
      rd->device = xstrdup (k);
      if (oci_json_expect_object (v, &kp, err) < 0
          || (r = oci_json_get_uint32 (v, "hcaHandles", &kp, &rd->hca_handles,
                                       err))
                 < 0)
        return -1;
      rd->has_hca_handles = r > 0;
      r = oci_json_get_uint32 (v, "hcaObjects", &kp, &rd->hca_objects, err);
      if (r < 0)
        return -1;
      rd->has_hca_objects = r > 0;
    }
  return 0;
}

static int
parse_resources_fields (yajl_val v, const oci_jpath *p, oci_resources *res,
                        char **err)
{
  int r;

  if (oci_json_get_object_array (v, "devices", p, sizeof *res->devices,
                                 parse_device_rule, NULL,
                                 (void **)&res->devices, &res->devices_len, err)
          < 0
      || parse_memory (v, p, res, err) < 0 || parse_cpu (v, p, res, err) < 0
      || parse_block_io (v, p, res, err) < 0
      || oci_json_get_object_array (
             v, "hugepageLimits", p, sizeof *res->hugepage_limits,
             parse_hugepage, NULL, (void **)&res->hugepage_limits,
             &res->hugepage_limits_len, err)
             < 0
      || parse_network (v, p, res, err) < 0 || parse_pids (v, p, res, err) < 0
      || parse_rdma (v, p, res, err) < 0)
    return -1;
  r = oci_json_get_string_map (v, "unified", p, &res->unified, err);
  if (r < 0)
    return -1;
  res->has_unified = r > 0;
  return 0;
}

int
oci_parse_resources (yajl_val v, const oci_jpath *path, oci_resources **out,
                     char **err)
{
  if (oci_json_expect_object (v, path, err) < 0)
    return -1;
  *out = xzalloc (sizeof **out);
  return parse_resources_fields (v, path, *out, err);
}

static int
resources_from_tree (yajl_val doc, void **out, char **err)
{
  oci_resources *res = NULL;

  if (!YAJL_IS_OBJECT (doc))
    {
      cleanup_free char *got = oci_json_describe (doc);
      return oci_json_error (err, NULL, "expected a JSON object, got %s", got);
    }
  if (oci_parse_resources (doc, NULL, &res, err) < 0)
    {
      oci_resources_free (res);
      return -1;
    }
  *out = res;
  return 0;
}

oci_resources *
oci_resources_parse (const char *buf, size_t len, char **err)
{
  return oci_parse_document (buf, len, resources_from_tree, err);
}
