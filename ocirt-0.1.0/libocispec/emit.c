#include <config.h>

/* config.json emitter: the oci_spec structs back to JSON.

   Absent stays absent: optional scalars are written only when their has_
   flag is set, strings only when non-NULL, arrays and maps only when the
   parser saw them (non-NULL pointer) or they have entries.  Plain booleans
   without a has_ flag default to false in the spec, so false is omitted.
   Unsigned 64-bit values go through yajl_gen_number so that values above
   INT64_MAX keep every digit.  */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "spec.h"

struct emitter
{
  yajl_gen g;
  yajl_gen_status status; /* first failure, sticky */
};

static void
check (struct emitter *e, yajl_gen_status st)
{
  if (e->status == yajl_gen_status_ok && st != yajl_gen_status_ok)
    e->status = st;
}

static void
key (struct emitter *e, const char *k)
{
  check (e, yajl_gen_string (e->g, (const unsigned char *)k, strlen (k)));
}

static void
str (struct emitter *e, const char *s)
{
  check (e, yajl_gen_string (e->g, (const unsigned char *)s, strlen (s)));
}

static void
begin_map (struct emitter *e)
{
  check (e, yajl_gen_map_open (e->g));
}

static void
end_map (struct emitter *e)
{
  check (e, yajl_gen_map_close (e->g));
}

static void
begin_array (struct emitter *e)
{
  check (e, yajl_gen_array_open (e->g));
}

static void
end_array (struct emitter *e)
{
  check (e, yajl_gen_array_close (e->g));
}

static void
u64 (struct emitter *e, uint64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%" PRIu64, v);

  check (e, yajl_gen_number (e->g, buf, (size_t)n));
}

static void
i64 (struct emitter *e, int64_t v)
{
  check (e, yajl_gen_integer (e->g, (long long)v));
}

static void
boolean (struct emitter *e, bool v)
{
  check (e, yajl_gen_bool (e->g, v));
}

/* "key": value helpers; the opt_ forms skip absent values.  */
static void
kv_str (struct emitter *e, const char *k, const char *v)
{
  if (v == NULL)
    return;
  key (e, k);
  str (e, v);
}

static void
kv_u64 (struct emitter *e, const char *k, uint64_t v)
{
  key (e, k);
  u64 (e, v);
}

static void
kv_i64 (struct emitter *e, const char *k, int64_t v)
{
  key (e, k);
  i64 (e, v);
}

static void
opt_u64 (struct emitter *e, const char *k, bool has, uint64_t v)
{
  if (has)
    kv_u64 (e, k, v);
}

static void
opt_i64 (struct emitter *e, const char *k, bool has, int64_t v)
{
  if (has)
    kv_i64 (e, k, v);
}

static void
opt_bool (struct emitter *e, const char *k, bool has, bool v)
{
  if (!has)
    return;
  key (e, k);
  boolean (e, v);
}

/* A boolean whose absence means false: written only when true.  */
static void
true_bool (struct emitter *e, const char *k, bool v)
{
  opt_bool (e, k, v, v);
}

static bool
present (const void *p, size_t len)
{
  return p != NULL || len > 0;
}

static void
kv_strv (struct emitter *e, const char *k, char *const *v, size_t len)
{
  size_t i;

  if (!present (v, len))
    return;
  key (e, k);
  begin_array (e);
  for (i = 0; i < len; i++)
    str (e, v[i]);
  end_array (e);
}

static void
emit_string_map (struct emitter *e, const oci_string_map *m)
{
  size_t i;

  begin_map (e);
  for (i = 0; i < m->len; i++)
    {
      key (e, m->keys[i]);
      str (e, m->values[i]);
    }
  end_map (e);
}

static void
kv_string_map (struct emitter *e, const char *k, const oci_string_map *m)
{
  if (!present (m->keys, m->len))
    return;
  key (e, k);
  emit_string_map (e, m);
}

static void
kv_id_mappings (struct emitter *e, const char *k, const oci_id_mapping *m,
                size_t len)
{
  size_t i;

  if (!present (m, len))
    return;
  key (e, k);
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_u64 (e, "containerID", m[i].container_id);
      kv_u64 (e, "hostID", m[i].host_id);
      kv_u64 (e, "size", m[i].size);
      end_map (e);
    }
  end_array (e);
}

/* process */

static void
emit_user (struct emitter *e, const oci_user *u)
{
  size_t i;

  key (e, "user");
  begin_map (e);
  kv_u64 (e, "uid", u->uid);
  kv_u64 (e, "gid", u->gid);
  opt_u64 (e, "umask", u->has_umask, u->umask);
  if (present (u->additional_gids, u->additional_gids_len))
    {
      key (e, "additionalGids");
      begin_array (e);
      for (i = 0; i < u->additional_gids_len; i++)
        u64 (e, u->additional_gids[i]);
      end_array (e);
    }
  kv_str (e, "username", u->username);
  end_map (e);
}

static void
cap_set (struct emitter *e, const char *k, bool has, char *const *v, size_t len)
{
  size_t i;

  if (!has && !present (v, len))
    return;
  key (e, k);
  begin_array (e);
  for (i = 0; i < len; i++)
    str (e, v[i]);
  end_array (e);
}

static void
emit_capabilities (struct emitter *e, const oci_capabilities *c)
{
  if (c == NULL)
    return;
  key (e, "capabilities");
  begin_map (e);
  cap_set (e, "bounding", c->has_bounding, c->bounding, c->bounding_len);
  cap_set (e, "effective", c->has_effective, c->effective, c->effective_len);
  cap_set (e, "inheritable", c->has_inheritable, c->inheritable,
           c->inheritable_len);
  cap_set (e, "permitted", c->has_permitted, c->permitted, c->permitted_len);
  cap_set (e, "ambient", c->has_ambient, c->ambient, c->ambient_len);
  end_map (e);
}

static void
emit_rlimits (struct emitter *e, const oci_rlimit *r, size_t len)
{
  size_t i;

  if (!present (r, len))
    return;
  key (e, "rlimits");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_str (e, "type", r[i].type);
      kv_u64 (e, "hard", r[i].hard);
      kv_u64 (e, "soft", r[i].soft);
      end_map (e);
    }
  end_array (e);
}

static void
emit_scheduler (struct emitter *e, const oci_scheduler *s)
{
  if (s == NULL)
    return;
  key (e, "scheduler");
  begin_map (e);
  kv_str (e, "policy", s->policy);
  opt_i64 (e, "nice", s->has_nice, s->nice);
  opt_i64 (e, "priority", s->has_priority, s->priority);
  kv_strv (e, "flags", s->flags, s->flags_len);
  opt_u64 (e, "runtime", s->has_runtime, s->runtime);
  opt_u64 (e, "deadline", s->has_deadline, s->deadline);
  opt_u64 (e, "period", s->has_period, s->period);
  end_map (e);
}

static void
emit_process (struct emitter *e, const oci_process *p)
{
  if (p == NULL)
    return;
  key (e, "process");
  begin_map (e);
  true_bool (e, "terminal", p->terminal);
  if (p->console_size)
    {
      key (e, "consoleSize");
      begin_map (e);
      kv_u64 (e, "height", p->console_size->height);
      kv_u64 (e, "width", p->console_size->width);
      end_map (e);
    }
  emit_user (e, &p->user);
  kv_strv (e, "args", p->args, p->args_len);
  kv_str (e, "commandLine", p->command_line);
  kv_strv (e, "env", p->env, p->env_len);
  kv_str (e, "cwd", p->cwd);
  emit_capabilities (e, p->capabilities);
  emit_rlimits (e, p->rlimits, p->rlimits_len);
  true_bool (e, "noNewPrivileges", p->no_new_privileges);
  kv_str (e, "apparmorProfile", p->apparmor_profile);
  opt_i64 (e, "oomScoreAdj", p->has_oom_score_adj, p->oom_score_adj);
  kv_str (e, "selinuxLabel", p->selinux_label);
  if (p->io_priority)
    {
      key (e, "ioPriority");
      begin_map (e);
      kv_str (e, "class", p->io_priority->klass);
      kv_i64 (e, "priority", p->io_priority->priority);
      end_map (e);
    }
  emit_scheduler (e, p->scheduler);
  if (p->exec_cpu_affinity)
    {
      key (e, "execCPUAffinity");
      begin_map (e);
      kv_str (e, "initial", p->exec_cpu_affinity->initial);
      kv_str (e, "final", p->exec_cpu_affinity->final);
      end_map (e);
    }
  end_map (e);
}

/* root, mounts, hooks */

static void
emit_root (struct emitter *e, const oci_root *r)
{
  if (r == NULL)
    return;
  key (e, "root");
  begin_map (e);
  kv_str (e, "path", r->path);
  true_bool (e, "readonly", r->readonly);
  end_map (e);
}

static void
emit_mounts (struct emitter *e, const oci_mount *m, size_t len)
{
  size_t i;

  if (!present (m, len))
    return;
  key (e, "mounts");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_str (e, "destination", m[i].destination);
      kv_str (e, "type", m[i].type);
      kv_str (e, "source", m[i].source);
      kv_strv (e, "options", m[i].options, m[i].options_len);
      kv_id_mappings (e, "uidMappings", m[i].uid_mappings,
                      m[i].uid_mappings_len);
      kv_id_mappings (e, "gidMappings", m[i].gid_mappings,
                      m[i].gid_mappings_len);
      end_map (e);
    }
  end_array (e);
}

static void
emit_hook_list (struct emitter *e, const char *k, const oci_hook *h, size_t len)
{
  size_t i;

  if (!present (h, len))
    return;
  key (e, k);
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_str (e, "path", h[i].path);
      kv_strv (e, "args", h[i].args, h[i].args_len);
      kv_strv (e, "env", h[i].env, h[i].env_len);
      opt_i64 (e, "timeout", h[i].has_timeout, h[i].timeout);
      end_map (e);
    }
  end_array (e);
}

static void
emit_hooks (struct emitter *e, const oci_hooks *h)
{
  if (h == NULL)
    return;
  key (e, "hooks");
  begin_map (e);
  emit_hook_list (e, "prestart", h->prestart, h->prestart_len);
  emit_hook_list (e, "createRuntime", h->create_runtime, h->create_runtime_len);
  emit_hook_list (e, "createContainer", h->create_container,
                  h->create_container_len);
  emit_hook_list (e, "startContainer", h->start_container,
                  h->start_container_len);
  emit_hook_list (e, "poststart", h->poststart, h->poststart_len);
  emit_hook_list (e, "poststop", h->poststop, h->poststop_len);
  end_map (e);
}

/* linux.resources */

static void
emit_device_cgroups (struct emitter *e, const oci_device_cgroup *d, size_t len)
{
  size_t i;

  if (!present (d, len))
    return;
  key (e, "devices");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      char type[2] = { d[i].type, '\0' };

      begin_map (e);
      key (e, "allow");
      boolean (e, d[i].allow);
      if (d[i].type != 0)
        kv_str (e, "type", type);
      opt_i64 (e, "major", d[i].has_major, d[i].major);
      opt_i64 (e, "minor", d[i].has_minor, d[i].minor);
      kv_str (e, "access", d[i].access);
      end_map (e);
    }
  end_array (e);
}

static void
emit_memory (struct emitter *e, const oci_memory *m)
{
  if (m == NULL)
    return;
  key (e, "memory");
  begin_map (e);
  opt_i64 (e, "limit", m->has_limit, m->limit);
  opt_i64 (e, "reservation", m->has_reservation, m->reservation);
  opt_i64 (e, "swap", m->has_swap, m->swap);
  opt_i64 (e, "kernel", m->has_kernel, m->kernel);
  opt_i64 (e, "kernelTCP", m->has_kernel_tcp, m->kernel_tcp);
  opt_u64 (e, "swappiness", m->has_swappiness, m->swappiness);
  opt_bool (e, "disableOOMKiller", m->has_disable_oom_killer,
            m->disable_oom_killer);
  opt_bool (e, "useHierarchy", m->has_use_hierarchy, m->use_hierarchy);
  opt_bool (e, "checkBeforeUpdate", m->has_check_before_update,
            m->check_before_update);
  end_map (e);
}

static void
emit_cpu (struct emitter *e, const oci_cpu *c)
{
  if (c == NULL)
    return;
  key (e, "cpu");
  begin_map (e);
  opt_u64 (e, "shares", c->has_shares, c->shares);
  opt_i64 (e, "quota", c->has_quota, c->quota);
  opt_u64 (e, "burst", c->has_burst, c->burst);
  opt_u64 (e, "period", c->has_period, c->period);
  opt_i64 (e, "realtimeRuntime", c->has_realtime_runtime, c->realtime_runtime);
  opt_u64 (e, "realtimePeriod", c->has_realtime_period, c->realtime_period);
  kv_str (e, "cpus", c->cpus);
  kv_str (e, "mems", c->mems);
  opt_i64 (e, "idle", c->has_idle, c->idle);
  end_map (e);
}

static void
emit_throttle (struct emitter *e, const char *k, const oci_throttle_device *t,
               size_t len)
{
  size_t i;

  if (!present (t, len))
    return;
  key (e, k);
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_i64 (e, "major", t[i].major);
      kv_i64 (e, "minor", t[i].minor);
      kv_u64 (e, "rate", t[i].rate);
      end_map (e);
    }
  end_array (e);
}

static void
emit_weight_devices (struct emitter *e, const oci_weight_device *w, size_t len)
{
  size_t i;

  if (!present (w, len))
    return;
  key (e, "weightDevice");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_i64 (e, "major", w[i].major);
      kv_i64 (e, "minor", w[i].minor);
      opt_u64 (e, "weight", w[i].has_weight, w[i].weight);
      opt_u64 (e, "leafWeight", w[i].has_leaf_weight, w[i].leaf_weight);
      end_map (e);
    }
  end_array (e);
}

static void
emit_block_io (struct emitter *e, const oci_block_io *b)
{
  if (b == NULL)
    return;
  key (e, "blockIO");
  begin_map (e);
  opt_u64 (e, "weight", b->has_weight, b->weight);
  opt_u64 (e, "leafWeight", b->has_leaf_weight, b->leaf_weight);
  emit_weight_devices (e, b->weight_device, b->weight_device_len);
  emit_throttle (e, "throttleReadBpsDevice", b->throttle_read_bps_device,
                 b->throttle_read_bps_device_len);
  emit_throttle (e, "throttleWriteBpsDevice", b->throttle_write_bps_device,
                 b->throttle_write_bps_device_len);
  emit_throttle (e, "throttleReadIOPSDevice", b->throttle_read_iops_device,
                 b->throttle_read_iops_device_len);
  emit_throttle (e, "throttleWriteIOPSDevice", b->throttle_write_iops_device,
                 b->throttle_write_iops_device_len);
  end_map (e);
}

static void
emit_hugepages (struct emitter *e, const oci_hugepage_limit *h, size_t len)
{
  size_t i;

  if (!present (h, len))
    return;
  key (e, "hugepageLimits");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_str (e, "pageSize", h[i].page_size);
      kv_u64 (e, "limit", h[i].limit);
      end_map (e);
    }
  end_array (e);
}

static void
emit_network (struct emitter *e, const oci_network *n)
{
  size_t i;

  if (n == NULL)
    return;
  key (e, "network");
  begin_map (e);
  opt_u64 (e, "classID", n->has_class_id, n->class_id);
  if (present (n->priorities, n->priorities_len))
    {
      key (e, "priorities");
      begin_array (e);
      for (i = 0; i < n->priorities_len; i++)
        {
          begin_map (e);
          kv_str (e, "name", n->priorities[i].name);
          kv_u64 (e, "priority", n->priorities[i].priority);
          end_map (e);
        }
      end_array (e);
    }
  end_map (e);
}

static void
emit_rdma (struct emitter *e, const oci_rdma *r, size_t len)
{
  size_t i;

  if (!present (r, len))
    return;
  key (e, "rdma");
  begin_map (e);
  for (i = 0; i < len; i++)
    {
      key (e, r[i].device);
      begin_map (e);
      opt_u64 (e, "hcaHandles", r[i].has_hca_handles, r[i].hca_handles);
      opt_u64 (e, "hcaObjects", r[i].has_hca_objects, r[i].hca_objects);
      end_map (e);
    }
  end_map (e);
}

static void
emit_resources (struct emitter *e, const oci_resources *r)
{
  if (r == NULL)
    return;
  key (e, "resources");
  begin_map (e);
  emit_device_cgroups (e, r->devices, r->devices_len);
  emit_memory (e, r->memory);
  emit_cpu (e, r->cpu);
  emit_block_io (e, r->block_io);
  emit_hugepages (e, r->hugepage_limits, r->hugepage_limits_len);
  emit_network (e, r->network);
  if (r->pids)
    {
      key (e, "pids");
      begin_map (e);
      kv_i64 (e, "limit", r->pids->limit);
      end_map (e);
    }
  emit_rdma (e, r->rdma, r->rdma_len);
  if (r->has_unified || r->unified.len > 0)
    {
      key (e, "unified");
      emit_string_map (e, &r->unified);
    }
  end_map (e);
}

/* linux: the rest */

static void
emit_namespaces (struct emitter *e, const oci_namespace *ns, size_t len)
{
  size_t i;

  if (!present (ns, len))
    return;
  key (e, "namespaces");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      const char *name = oci_ns_type_name (ns[i].type);

      begin_map (e);
      kv_str (e, "type", name ? name : "");
      kv_str (e, "path", ns[i].path);
      end_map (e);
    }
  end_array (e);
}

static void
emit_time_offset (struct emitter *e, const char *k, const oci_time_offset *t)
{
  key (e, k);
  begin_map (e);
  opt_i64 (e, "secs", t->has_secs, t->secs);
  opt_u64 (e, "nanosecs", t->has_nanosecs, t->nanosecs);
  end_map (e);
}

static void
emit_time_offsets (struct emitter *e, const oci_linux *l)
{
  if (!l->has_time_monotonic && !l->has_time_boottime)
    return;
  key (e, "timeOffsets");
  begin_map (e);
  if (l->has_time_monotonic)
    emit_time_offset (e, "monotonic", &l->time_monotonic);
  if (l->has_time_boottime)
    emit_time_offset (e, "boottime", &l->time_boottime);
  end_map (e);
}

static void
emit_devices (struct emitter *e, const oci_device *d, size_t len)
{
  size_t i;

  if (!present (d, len))
    return;
  key (e, "devices");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      char type[2] = { d[i].type, '\0' };

      begin_map (e);
      if (d[i].type != 0)
        kv_str (e, "type", type);
      kv_str (e, "path", d[i].path);
      opt_i64 (e, "major", d[i].has_major, d[i].major);
      opt_i64 (e, "minor", d[i].has_minor, d[i].minor);
      opt_u64 (e, "fileMode", d[i].has_file_mode, d[i].file_mode);
      opt_u64 (e, "uid", d[i].has_uid, d[i].uid);
      opt_u64 (e, "gid", d[i].has_gid, d[i].gid);
      end_map (e);
    }
  end_array (e);
}

static void
emit_net_devices (struct emitter *e, const oci_net_device *n, size_t len)
{
  size_t i;

  if (!present (n, len))
    return;
  key (e, "netDevices");
  begin_map (e);
  for (i = 0; i < len; i++)
    {
      key (e, n[i].host_name);
      begin_map (e);
      kv_str (e, "name", n[i].name);
      end_map (e);
    }
  end_map (e);
}

static void
emit_intel_rdt (struct emitter *e, const oci_intel_rdt *r)
{
  if (r == NULL)
    return;
  key (e, "intelRdt");
  begin_map (e);
  kv_str (e, "closID", r->clos_id);
  kv_str (e, "l3CacheSchema", r->l3_cache_schema);
  kv_str (e, "memBwSchema", r->mem_bw_schema);
  kv_strv (e, "schemata", r->schemata, r->schemata_len);
  opt_bool (e, "enableMonitoring", r->has_enable_monitoring,
            r->enable_monitoring);
  end_map (e);
}

static void
emit_memory_policy (struct emitter *e, const oci_memory_policy *m)
{
  if (m == NULL)
    return;
  key (e, "memoryPolicy");
  begin_map (e);
  kv_str (e, "mode", m->mode);
  kv_str (e, "nodes", m->nodes);
  kv_strv (e, "flags", m->flags, m->flags_len);
  end_map (e);
}

static void
emit_seccomp_args (struct emitter *e, const oci_seccomp_arg *a, size_t len)
{
  size_t i;

  if (!present (a, len))
    return;
  key (e, "args");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_u64 (e, "index", a[i].index);
      kv_u64 (e, "value", a[i].value);
      opt_u64 (e, "valueTwo", a[i].has_value_two, a[i].value_two);
      kv_str (e, "op", a[i].op);
      end_map (e);
    }
  end_array (e);
}

static void
emit_seccomp_syscalls (struct emitter *e, const oci_seccomp_syscall *s,
                       size_t len)
{
  size_t i;

  if (!present (s, len))
    return;
  key (e, "syscalls");
  begin_array (e);
  for (i = 0; i < len; i++)
    {
      begin_map (e);
      kv_strv (e, "names", s[i].names, s[i].names_len);
      kv_str (e, "action", s[i].action);
      opt_u64 (e, "errnoRet", s[i].has_errno_ret, s[i].errno_ret);
      emit_seccomp_args (e, s[i].args, s[i].args_len);
      end_map (e);
    }
  end_array (e);
}

static void
emit_seccomp (struct emitter *e, const oci_seccomp *s)
{
  if (s == NULL)
    return;
  key (e, "seccomp");
  begin_map (e);
  kv_str (e, "defaultAction", s->default_action);
  opt_u64 (e, "defaultErrnoRet", s->has_default_errno_ret,
           s->default_errno_ret);
  kv_strv (e, "architectures", s->architectures, s->architectures_len);
  kv_strv (e, "flags", s->flags, s->flags_len);
  kv_str (e, "listenerPath", s->listener_path);
  kv_str (e, "listenerMetadata", s->listener_metadata);
  emit_seccomp_syscalls (e, s->syscalls, s->syscalls_len);
  end_map (e);
}

static void
emit_personality (struct emitter *e, const oci_personality *p)
{
  if (p == NULL)
    return;
  key (e, "personality");
  begin_map (e);
  kv_str (e, "domain", p->domain);
  kv_strv (e, "flags", p->flags, p->flags_len);
  end_map (e);
}

static void
emit_linux (struct emitter *e, const oci_linux *l)
{
  if (l == NULL)
    return;
  key (e, "linux");
  begin_map (e);
  emit_namespaces (e, l->namespaces, l->namespaces_len);
  kv_id_mappings (e, "uidMappings", l->uid_mappings, l->uid_mappings_len);
  kv_id_mappings (e, "gidMappings", l->gid_mappings, l->gid_mappings_len);
  emit_time_offsets (e, l);
  emit_devices (e, l->devices, l->devices_len);
  emit_net_devices (e, l->net_devices, l->net_devices_len);
  kv_str (e, "cgroupsPath", l->cgroups_path);
  emit_resources (e, l->resources);
  emit_intel_rdt (e, l->intel_rdt);
  emit_memory_policy (e, l->memory_policy);
  kv_string_map (e, "sysctl", &l->sysctl);
  emit_seccomp (e, l->seccomp);
  kv_str (e, "rootfsPropagation", l->rootfs_propagation);
  kv_strv (e, "maskedPaths", l->masked_paths, l->masked_paths_len);
  kv_strv (e, "readonlyPaths", l->readonly_paths, l->readonly_paths_len);
  kv_str (e, "mountLabel", l->mount_label);
  emit_personality (e, l->personality);
  end_map (e);
}

static void
emit_spec (struct emitter *e, const oci_spec *s)
{
  begin_map (e);
  kv_str (e, "ociVersion", s->oci_version);
  emit_process (e, s->process);
  emit_root (e, s->root);
  kv_str (e, "hostname", s->hostname);
  kv_str (e, "domainname", s->domainname);
  emit_mounts (e, s->mounts, s->mounts_len);
  emit_hooks (e, s->hooks);
  kv_string_map (e, "annotations", &s->annotations);
  emit_linux (e, s->linux);
  end_map (e);
}

/* yajl prints an empty array or object over three lines in pretty mode;
   fold it to "[]" / "{}".  Strings never hold a raw newline (yajl escapes
   control characters), so a bracket followed by a newline is structure.  */
static void
fold_empty_containers (char *s)
{
  char *r = s, *w = s;

  while (*r)
    {
      if ((*r == '[' || *r == '{') && r[1] == '\n')
        {
          char close = *r == '[' ? ']' : '}';
          char *p = r + 1;

          while (*p == '\n' || *p == ' ' || *p == '\t')
            p++;
          if (*p == close)
            {
              *w++ = *r;
              *w++ = close;
              r = p + 1;
              continue;
            }
        }
      *w++ = *r++;
    }
  *w = '\0';
}

static void
set_err (char **err, const char *what, int status)
{
  if (err == NULL)
    return;
  if (asprintf (err, "%s: JSON generator error %d", what, status) < 0)
    *err = NULL;
}

char *
oci_spec_emit (const oci_spec *s, bool pretty, char **err)
{
  struct emitter e = { NULL, yajl_gen_status_ok };
  const unsigned char *buf = NULL;
  size_t len = 0;
  char *out = NULL;

  if (err)
    *err = NULL;
  if (s == NULL)
    {
      set_err (err, "emit config", 0);
      return NULL;
    }
  e.g = yajl_gen_alloc (NULL);
  if (e.g == NULL)
    {
      set_err (err, "emit config: allocate generator", 0);
      return NULL;
    }
  if (pretty)
    {
      yajl_gen_config (e.g, yajl_gen_beautify, 1);
      yajl_gen_config (e.g, yajl_gen_indent_string, "\t");
    }
  emit_spec (&e, s);
  if (e.status == yajl_gen_status_ok)
    check (&e, yajl_gen_get_buf (e.g, &buf, &len));
  if (e.status != yajl_gen_status_ok)
    set_err (err, "emit config", (int)e.status);
  else
    {
      out = malloc (len + 1);
      if (out == NULL)
        set_err (err, "emit config: out of memory", 0);
      else
        {
          memcpy (out, buf, len);
          out[len] = '\0';
          if (pretty)
            fold_empty_containers (out);
        }
    }
  yajl_gen_free (e.g);
  return out;
}
