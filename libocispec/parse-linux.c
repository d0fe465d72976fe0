#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "parse-internal.h"
#include "util.h"

/* Check every string of V against table T ("unknown WHAT \"x\"").  */
static int
check_names (const oci_name_table *t, const char *what, char **v, size_t n,
             const oci_jpath *p, char **err)
{
  long value;

  for (size_t i = 0; i < n; i++)
    {
      oci_jpath ip = OCI_JPATH_INDEX_INIT (p, i);
      if (oci_json_resolve_name (t, what, v[i], &ip, &value, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_namespace (yajl_val v, const oci_jpath *p, void *elem, void *ctx,
                 char **err)
{
  oci_jpath tp = OCI_JPATH_KEY_INIT (p, "type");
  unsigned *seen = ctx;
  oci_namespace *ns = elem;
  cleanup_free char *type = NULL;
  cleanup_free char *q = NULL;
  int t;

  if (oci_json_req_string (v, "type", p, &type, err) < 0)
    return -1;
  t = oci_ns_type_from_name (type);
  q = oci_json_quote (type);
  if (t < 0)
    return oci_json_error (err, &tp, "unknown namespace type %s", q);
  if (*seen & (1u << t))
    return oci_json_error (err, &tp, "duplicate namespace type %s", q);
  *seen |= 1u << t;
  ns->type = (oci_ns_type)t;
  return oci_json_get_string (v, "path", p, &ns->path, err) < 0 ? -1 : 0;
}

static int
parse_time_offset (yajl_val v, const oci_jpath *p, oci_time_offset *o,
                   char **err)
{
  int r;

  if (oci_json_expect_object (v, p, err) < 0)
    return -1;
  r = oci_json_get_int64 (v, "secs", p, INT64_MIN, INT64_MAX, &o->secs, err);
  if (r < 0)
    return -1;
  o->has_secs = r > 0;
  r = oci_json_get_uint32 (v, "nanosecs", p, &o->nanosecs, err);
  if (r < 0)
    return -1;
  o->has_nanosecs = r > 0;
  return 0;
}

static int
parse_time_offsets (yajl_val obj, const oci_jpath *parent, oci_linux *l,
                    char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "timeOffsets");
  yajl_val o = NULL;
  int r;

  r = oci_json_get_object (obj, "timeOffsets", parent, &o, err);
  if (r <= 0)
    return r;
  for (size_t i = 0; i < o->u.object.len; i++)
    {
      const char *k = o->u.object.keys[i];
      yajl_val v = o->u.object.values[i];
      oci_jpath kp = OCI_JPATH_MAPKEY_INIT (&p, k);
      cleanup_free char *q = NULL;

      if (YAJL_IS_NULL (v))
        continue;
      if (strcmp (k, "monotonic") == 0)
        {
          l->has_time_monotonic = true;
          r = parse_time_offset (v, &kp, &l->time_monotonic, err);
        }
      else if (strcmp (k, "boottime") == 0)
        {
          l->has_time_boottime = true;
          r = parse_time_offset (v, &kp, &l->time_boottime, err);
        }
      else
        {
          q = oci_json_quote (k);
          r = oci_json_error (err, &p, "unknown clock %s", q);
        }
      if (r < 0)
        return -1;
    }
  return 0;
}

static int
get_i64_has (yajl_val v, const char *key, const oci_jpath *p, int64_t min,
             int64_t *out, bool *has, char **err)
{
  int r = oci_json_get_int64 (v, key, p, min, INT64_MAX, out, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
get_u32_has (yajl_val v, const char *key, const oci_jpath *p, uint32_t *out,
             bool *has, char **err)
{
  int r = oci_json_get_uint32 (v, key, p, out, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
parse_device_type (yajl_val v, const oci_jpath *p, oci_device *d, char **err)
{
  oci_jpath tp = OCI_JPATH_KEY_INIT (p, "type");
  cleanup_free char *type = NULL;
  cleanup_free char *q = NULL;

  if (oci_json_req_string (v, "type", p, &type, err) < 0)
    return -1;
  if (strlen (type) != 1 || strchr ("cbup", type[0]) == NULL)
    {
      q = oci_json_quote (type);
      return oci_json_error (
          err, &tp, "unknown device type %s (expected c, b, u or p)", q);
    }
  d->type = type[0];
  return 0;
}

static int
parse_device (yajl_val v, const oci_jpath *p, void *elem, void *ctx, char **err)
{
  oci_jpath pp = OCI_JPATH_KEY_INIT (p, "path");
  oci_device *d = elem;
  uint64_t mode;
  int r;

  if (parse_device_type (v, p, d, err) < 0
      || oci_json_req_string (v, "path", p, &d->path, err) < 0
      || oci_json_check_abs_path (d->path, &pp, err) < 0
      || get_i64_has (v, "major", p, INT64_MIN, &d->major, &d->has_major, err)
             < 0
      || get_i64_has (v, "minor", p, INT64_MIN, &d->minor, &d->has_minor, err)
             < 0)
    return -1;
  if (d->type != 'p' && (!d->has_major || !d->has_minor))
    {
      oci_jpath mp = OCI_JPATH_KEY_INIT (p, d->has_major ? "minor" : "major");
      return oci_json_error (err, &mp, "required for device type %c", d->type);
    }
  /* A mode_t: podman passes the device's whole st_mode (file type bits
     included), as runc and crun accept; the type comes from "type".  */
  r = oci_json_get_uint64 (v, "fileMode", p, 0177777, &mode, err);
  if (r < 0)
    return -1;
  d->has_file_mode = r > 0;
  d->file_mode = (uint32_t)mode;
  if (get_u32_has (v, "uid", p, &d->uid, &d->has_uid, err) < 0
      || get_u32_has (v, "gid", p, &d->gid, &d->has_gid, err) < 0)
    return -1;
  return 0;
}

static int
parse_net_devices (yajl_val obj, const oci_jpath *parent, oci_linux *l,
                   char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "netDevices");
  yajl_val o = NULL;
  int r;

  r = oci_json_get_object (obj, "netDevices", parent, &o, err);
  if (r <= 0)
    return r;
  l->net_devices_len = o->u.object.len;
  if (l->net_devices_len)
    l->net_devices = xcalloc (l->net_devices_len, sizeof *l->net_devices);
  for (size_t i = 0; i < o->u.object.len; i++)
    {
      const char *k = o->u.object.keys[i];
      yajl_val v = o->u.object.values[i];
      oci_jpath kp = OCI_JPATH_MAPKEY_INIT (&p, k);
      oci_net_device *nd = &l->net_devices[i];

      if (*k == '\0')
        return oci_json_error (err, &p, "empty interface name");
      nd->host_name = xstrdup (k);
      if (YAJL_IS_NULL (v))
        continue;
      if (oci_json_expect_object (v, &kp, err) < 0
          || oci_json_get_string (v, "name", &kp, &nd->name, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_intel_rdt (yajl_val obj, const oci_jpath *parent, oci_linux *l,
                 char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "intelRdt");
  yajl_val v = NULL;
  oci_intel_rdt *rdt;
  int r;

  r = oci_json_get_object (obj, "intelRdt", parent, &v, err);
  if (r <= 0)
    return r;
  rdt = l->intel_rdt = xzalloc (sizeof *rdt);
  if (oci_json_get_string (v, "closID", &p, &rdt->clos_id, err) < 0
      || oci_json_get_string (v, "l3CacheSchema", &p, &rdt->l3_cache_schema,
                              err)
             < 0
      || oci_json_get_string (v, "memBwSchema", &p, &rdt->mem_bw_schema, err)
             < 0
      || oci_json_get_strv (v, "schemata", &p, &rdt->schemata,
                            &rdt->schemata_len, err)
             < 0
      || (r = oci_json_get_bool (v, "enableMonitoring", &p,
                                 &rdt->enable_monitoring, err))
             < 0)
    return -1;
  rdt->has_enable_monitoring = r > 0;
  return 0;
}

static int
parse_memory_policy (yajl_val obj, const oci_jpath *parent, oci_linux *l,
                     char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "memoryPolicy");
  oci_jpath mp = OCI_JPATH_KEY_INIT (&p, "mode");
  oci_jpath fp = OCI_JPATH_KEY_INIT (&p, "flags");
  yajl_val v = NULL;
  oci_memory_policy *m;
  long value;
  int r;

  r = oci_json_get_object (obj, "memoryPolicy", parent, &v, err);
  if (r <= 0)
    return r;
  m = l->memory_policy = xzalloc (sizeof *m);
  if (oci_json_req_string (v, "mode", &p, &m->mode, err) < 0
      || oci_json_resolve_name (&oci_mpol_mode_names, "memory policy mode",
                                m->mode, &mp, &value, err)
             < 0)
    return -1;
  m->mode_value = (int)value;
  if (oci_json_get_string (v, "nodes", &p, &m->nodes, err) < 0
      || oci_json_get_strv (v, "flags", &p, &m->flags, &m->flags_len, err) < 0)
    return -1;
  for (size_t i = 0; i < m->flags_len; i++)
    {
      oci_jpath ip = OCI_JPATH_INDEX_INIT (&fp, i);
      if (oci_json_resolve_name (&oci_mpol_flag_names, "memory policy flag",
                                 m->flags[i], &ip, &value, err)
          < 0)
        return -1;
      m->flags_value |= (int)value;
    }
  return 0;
}

/* errnoRet only makes sense for actions that return an errno.  */
static bool
action_takes_errno (const char *action)
{
  return strcmp (action, "SCMP_ACT_ERRNO") == 0
         || strcmp (action, "SCMP_ACT_TRACE") == 0;
}

static int
parse_seccomp_action (yajl_val v, const char *key, const oci_jpath *p,
                      bool required, char **out, char **err)
{
  oci_jpath ap = OCI_JPATH_KEY_INIT (p, key);
  long value;
  int r;

  r = oci_json_get_string (v, key, p, out, err);
  if (r < 0)
    return -1;
  if (r == 0)
    return required ? oci_json_missing (p, key, err) : 0;
  return oci_json_resolve_name (&oci_seccomp_action_names, "seccomp action",
                                *out, &ap, &value, err);
}

static int
parse_seccomp_arg (yajl_val v, const oci_jpath *p, void *elem, void *ctx,
                   char **err)
{
  oci_jpath op = OCI_JPATH_KEY_INIT (p, "op");
  oci_seccomp_arg *a = elem;
  long value;
  int r;

  if (oci_json_req_uint32 (v, "index", p, &a->index, err) < 0)
    return -1;
  r = oci_json_get_uint64 (v, "value", p, UINT64_MAX, &a->value, err);
  if (r == 0)
    return oci_json_missing (p, "value", err);
  if (r < 0)
    return -1;
  r = oci_json_get_uint64 (v, "valueTwo", p, UINT64_MAX, &a->value_two, err);
  if (r < 0)
    return -1;
  a->has_value_two = r > 0;
  if (oci_json_req_string (v, "op", p, &a->op, err) < 0
      || oci_json_resolve_name (&oci_seccomp_operator_names, "seccomp operator",
                                a->op, &op, &value, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_syscall (yajl_val v, const oci_jpath *p, void *elem, void *ctx,
               char **err)
{
  oci_jpath np = OCI_JPATH_KEY_INIT (p, "names");
  oci_jpath ep = OCI_JPATH_KEY_INIT (p, "errnoRet");
  oci_seccomp_syscall *sc = elem;
  int r;

  r = oci_json_get_strv (v, "names", p, &sc->names, &sc->names_len, err);
  if (r < 0)
    return -1;
  if (sc->names_len == 0)
    return oci_json_error (err, &np, "must contain at least one entry");
  if (parse_seccomp_action (v, "action", p, true, &sc->action, err) < 0
      || (r = oci_json_get_uint32 (v, "errnoRet", p, &sc->errno_ret, err)) < 0)
    return -1;
  sc->has_errno_ret = r > 0;
  if (sc->has_errno_ret && !action_takes_errno (sc->action))
    return oci_json_error (err, &ep, "not allowed with action %s", sc->action);
  return oci_json_get_object_array (v, "args", p, sizeof *sc->args,
                                    parse_seccomp_arg, NULL, (void **)&sc->args,
                                    &sc->args_len, err);
}

static int
parse_seccomp_lists (yajl_val v, const oci_jpath *p, oci_seccomp *s, char **err)
{
  oci_jpath ap = OCI_JPATH_KEY_INIT (p, "architectures");
  oci_jpath fp = OCI_JPATH_KEY_INIT (p, "flags");

  if (oci_json_get_strv (v, "architectures", p, &s->architectures,
                         &s->architectures_len, err)
          < 0
      || check_names (&oci_seccomp_arch_names, "seccomp architecture",
                      s->architectures, s->architectures_len, &ap, err)
             < 0
      || oci_json_get_strv (v, "flags", p, &s->flags, &s->flags_len, err) < 0
      || check_names (&oci_seccomp_flag_names, "seccomp flag", s->flags,
                      s->flags_len, &fp, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_seccomp (yajl_val obj, const oci_jpath *parent, oci_linux *l, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "seccomp");
  oci_jpath ep = OCI_JPATH_KEY_INIT (&p, "defaultErrnoRet");
  oci_jpath mp = OCI_JPATH_KEY_INIT (&p, "listenerMetadata");
  yajl_val v = NULL;
  oci_seccomp *s;
  int r;

  r = oci_json_get_object (obj, "seccomp", parent, &v, err);
  if (r <= 0)
    return r;
  s = l->seccomp = xzalloc (sizeof *s);
  if (parse_seccomp_action (v, "defaultAction", &p, true, &s->default_action,
                            err)
          < 0
      || (r = oci_json_get_uint32 (v, "defaultErrnoRet", &p,
                                   &s->default_errno_ret, err))
             < 0)
    return -1;
  s->has_default_errno_ret = r > 0;
  if (s->has_default_errno_ret && !action_takes_errno (s->default_action))
    return oci_json_error (err, &ep, "not allowed with action %s",
                           s->default_action);
  if (parse_seccomp_lists (v, &p, s, err) < 0
      || oci_json_get_string (v, "listenerPath", &p, &s->listener_path, err) < 0
      || oci_json_get_string (v, "listenerMetadata", &p, &s->listener_metadata,
                              err)
             < 0)
    return -1;
  if (s->listener_metadata && !s->listener_path)
    return oci_json_error (err, &mp, "set without listenerPath");
  return oci_json_get_object_array (v, "syscalls", &p, sizeof *s->syscalls,
                                    parse_syscall, NULL, (void **)&s->syscalls,
                                    &s->syscalls_len, err);
}

static int
parse_personality (yajl_val obj, const oci_jpath *parent, oci_linux *l,
                   char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "personality");
  oci_jpath dp = OCI_JPATH_KEY_INIT (&p, "domain");
  yajl_val v = NULL;
  oci_personality *pe;
  long value;
  int r;

  r = oci_json_get_object (obj, "personality", parent, &v, err);
  if (r <= 0)
    return r;
  pe = l->personality = xzalloc (sizeof *pe);
  if (oci_json_req_string (v, "domain", &p, &pe->domain, err) < 0
      || oci_json_resolve_name (&oci_personality_domain_names,
                                "personality domain", pe->domain, &dp, &value,
                                err)
             < 0
      || oci_json_get_strv (v, "flags", &p, &pe->flags, &pe->flags_len, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_propagation (yajl_val v, const oci_jpath *p, oci_linux *l, char **err)
{
  oci_jpath pp = OCI_JPATH_KEY_INIT (p, "rootfsPropagation");
  long value;
  int r;

  r = oci_json_get_string (v, "rootfsPropagation", p, &l->rootfs_propagation,
                           err);
  if (r <= 0 || *l->rootfs_propagation == '\0')
    return r < 0 ? -1 : 0;
  return oci_json_resolve_name (&oci_rootfs_propagation_names,
                                "rootfs propagation", l->rootfs_propagation,
                                &pp, &value, err);
}

static int
parse_linux_lists (yajl_val v, const oci_jpath *p, oci_linux *l, char **err)
{
  unsigned ns_seen = 0;

  if (oci_json_get_object_array (
          v, "namespaces", p, sizeof *l->namespaces, parse_namespace, &ns_seen,
          (void **)&l->namespaces, &l->namespaces_len, err)
          < 0
      || oci_json_get_id_mappings (v, "uidMappings", p, &l->uid_mappings,
                                   &l->uid_mappings_len, err)
             < 0
      || oci_json_get_id_mappings (v, "gidMappings", p, &l->gid_mappings,
                                   &l->gid_mappings_len, err)
             < 0
      || parse_time_offsets (v, p, l, err) < 0
      || oci_json_get_object_array (v, "devices", p, sizeof *l->devices,
                                    parse_device, NULL, (void **)&l->devices,
                                    &l->devices_len, err)
             < 0
      || parse_net_devices (v, p, l, err) < 0)
    return -1;
  return 0;
}

static int
parse_linux_fields (yajl_val v, const oci_jpath *p, oci_linux *l, char **err)
{
  oci_jpath rp = OCI_JPATH_KEY_INIT (p, "resources");
  yajl_val res;

  if (parse_linux_lists (v, p, l, err) < 0
      || oci_json_get_string (v, "cgroupsPath", p, &l->cgroups_path, err) < 0)
    return -1;
  res = oci_json_member (v, "resources");
  if (res && oci_parse_resources (res, &rp, &l->resources, err) < 0)
    return -1;
  if (parse_intel_rdt (v, p, l, err) < 0
      || parse_memory_policy (v, p, l, err) < 0
      || oci_json_get_string_map (v, "sysctl", p, &l->sysctl, err) < 0
      || parse_seccomp (v, p, l, err) < 0
      || parse_propagation (v, p, l, err) < 0
      || oci_json_get_strv (v, "maskedPaths", p, &l->masked_paths,
                            &l->masked_paths_len, err)
             < 0
      || oci_json_get_strv (v, "readonlyPaths", p, &l->readonly_paths,
                            &l->readonly_paths_len, err)
             < 0
      || oci_json_get_string (v, "mountLabel", p, &l->mount_label, err) < 0
      || parse_personality (v, p, l, err) < 0)
    return -1;
  return 0;
}

int
oci_parse_linux (yajl_val v, const oci_jpath *path, oci_linux **out, char **err)
{
  if (oci_json_expect_object (v, path, err) < 0)
    return -1;
  *out = xzalloc (sizeof **out);
  return parse_linux_fields (v, path, *out, err);
}
