#include <config.h>

/* Emitters: config.json parse -> emit -> parse round trips (structs equal
   field by field, both emitted texts identical), the default `spec`
   config, and the features document.  */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "default-spec.h"
#include "features-build.h"
#include "oci-features.h"
#include "spec.h"
#include "util.h"

/* Field-by-field comparison.  Failures name the field.  */

static void
cmp_str (const char *a, const char *b, const char *what)
{
  if (a == NULL && b == NULL)
    return;
  if (a == NULL || b == NULL || strcmp (a, b) != 0)
    fail_msg ("%s differs: \"%s\" vs \"%s\"", what, a ? a : "(null)",
              b ? b : "(null)");
}

static void
cmp_num (bool equal, const char *what, long double a, long double b)
{
  if (!equal)
    fail_msg ("%s differs: %Lf vs %Lf", what, a, b);
}

static void
cmp_present (const void *a, const void *b, const char *what)
{
  if ((a == NULL) != (b == NULL))
    fail_msg ("%s: present in one only", what);
}

#define CS(x, y, f) cmp_str ((x)->f, (y)->f, #f)
#define CN(x, y, f)                                                            \
  cmp_num ((x)->f == (y)->f, #f, (long double)(x)->f, (long double)(y)->f)
#define CP(x, y, f) cmp_present ((x)->f, (y)->f, #f)

static void
cmp_strv (char **a, size_t alen, char **b, size_t blen, const char *what)
{
  size_t i;

  cmp_present (a, b, what);
  cmp_num (alen == blen, what, alen, blen);
  for (i = 0; i < alen; i++)
    cmp_str (a[i], b[i], what);
}

#define CV(x, y, f) cmp_strv ((x)->f, (x)->f##_len, (y)->f, (y)->f##_len, #f)

static void
cmp_map (const oci_string_map *a, const oci_string_map *b, const char *what)
{
  size_t i;

  cmp_num (a->len == b->len, what, a->len, b->len);
  for (i = 0; i < a->len; i++)
    {
      cmp_str (a->keys[i], b->keys[i], what);
      cmp_str (a->values[i], b->values[i], what);
    }
}

static void
cmp_idmaps (const oci_id_mapping *a, size_t alen, const oci_id_mapping *b,
            size_t blen, const char *what)
{
  size_t i;

  cmp_present (a, b, what);
  cmp_num (alen == blen, what, alen, blen);
  for (i = 0; i < alen; i++)
    {
      CN (&a[i], &b[i], container_id);
      CN (&a[i], &b[i], host_id);
      CN (&a[i], &b[i], size);
    }
}

#define CM(x, y, f) cmp_idmaps ((x)->f, (x)->f##_len, (y)->f, (y)->f##_len, #f)

/* Both NULL: done (returns false); one NULL: failure.  */
static bool
both (const void *a, const void *b, const char *what)
{
  cmp_present (a, b, what);
  return a != NULL;
}

static void
cmp_user (const oci_user *a, const oci_user *b)
{
  size_t i;

  CN (a, b, uid);
  CN (a, b, gid);
  CN (a, b, has_umask);
  CN (a, b, umask);
  CN (a, b, additional_gids_len);
  for (i = 0; i < a->additional_gids_len; i++)
    CN (a, b, additional_gids[i]);
  CS (a, b, username);
}

static void
cmp_caps (const oci_capabilities *a, const oci_capabilities *b)
{
  if (!both (a, b, "capabilities"))
    return;
  CV (a, b, bounding);
  CV (a, b, effective);
  CV (a, b, inheritable);
  CV (a, b, permitted);
  CV (a, b, ambient);
  CN (a, b, has_bounding);
  CN (a, b, has_effective);
  CN (a, b, has_inheritable);
  CN (a, b, has_permitted);
  CN (a, b, has_ambient);
}

static void
cmp_scheduler (const oci_scheduler *a, const oci_scheduler *b)
{
  if (!both (a, b, "scheduler"))
    return;
  CS (a, b, policy);
  CN (a, b, policy_value);
  CN (a, b, has_nice);
  CN (a, b, nice);
  CN (a, b, has_priority);
  CN (a, b, priority);
  CV (a, b, flags);
  CN (a, b, flags_value);
  CN (a, b, has_runtime);
  CN (a, b, has_deadline);
  CN (a, b, has_period);
  CN (a, b, runtime);
  CN (a, b, deadline);
  CN (a, b, period);
}

static void
cmp_process (const oci_process *a, const oci_process *b)
{
  size_t i;

  if (!both (a, b, "process"))
    return;
  CN (a, b, terminal);
  if (both (a->console_size, b->console_size, "consoleSize"))
    {
      CN (a, b, console_size->height);
      CN (a, b, console_size->width);
    }
  cmp_user (&a->user, &b->user);
  CV (a, b, args);
  CS (a, b, command_line);
  CV (a, b, env);
  CS (a, b, cwd);
  cmp_caps (a->capabilities, b->capabilities);
  CN (a, b, rlimits_len);
  for (i = 0; i < a->rlimits_len; i++)
    {
      CS (a, b, rlimits[i].type);
      CN (a, b, rlimits[i].resource);
      CN (a, b, rlimits[i].soft);
      CN (a, b, rlimits[i].hard);
    }
  CN (a, b, no_new_privileges);
  CS (a, b, apparmor_profile);
  CN (a, b, has_oom_score_adj);
  CN (a, b, oom_score_adj);
  CS (a, b, selinux_label);
  if (both (a->io_priority, b->io_priority, "ioPriority"))
    {
      CS (a, b, io_priority->klass);
      CN (a, b, io_priority->class_value);
      CN (a, b, io_priority->priority);
    }
  cmp_scheduler (a->scheduler, b->scheduler);
  if (both (a->exec_cpu_affinity, b->exec_cpu_affinity, "execCPUAffinity"))
    {
      CS (a, b, exec_cpu_affinity->initial);
      CS (a, b, exec_cpu_affinity->final);
    }
}

static void
cmp_mounts (const oci_spec *a, const oci_spec *b)
{
  size_t i;

  CP (a, b, mounts);
  CN (a, b, mounts_len);
  for (i = 0; i < a->mounts_len; i++)
    {
      const oci_mount *x = &a->mounts[i], *y = &b->mounts[i];

      CS (x, y, destination);
      CS (x, y, type);
      CS (x, y, source);
      CV (x, y, options);
      CM (x, y, uid_mappings);
      CM (x, y, gid_mappings);
    }
}

static void
cmp_hook_list (const oci_hook *a, size_t alen, const oci_hook *b, size_t blen,
               const char *what)
{
  size_t i;

  cmp_present (a, b, what);
  cmp_num (alen == blen, what, alen, blen);
  for (i = 0; i < alen; i++)
    {
      CS (&a[i], &b[i], path);
      CV (&a[i], &b[i], args);
      CV (&a[i], &b[i], env);
      CN (&a[i], &b[i], has_timeout);
      CN (&a[i], &b[i], timeout);
    }
}

#define CH(x, y, f)                                                            \
  cmp_hook_list ((x)->f, (x)->f##_len, (y)->f, (y)->f##_len, #f)

static void
cmp_hooks (const oci_hooks *a, const oci_hooks *b)
{
  if (!both (a, b, "hooks"))
    return;
  CH (a, b, prestart);
  CH (a, b, create_runtime);
  CH (a, b, create_container);
  CH (a, b, start_container);
  CH (a, b, poststart);
  CH (a, b, poststop);
}

static void
cmp_memory (const oci_memory *a, const oci_memory *b)
{
  if (!both (a, b, "memory"))
    return;
  CN (a, b, has_limit);
  CN (a, b, has_reservation);
  CN (a, b, has_swap);
  CN (a, b, has_kernel);
  CN (a, b, has_kernel_tcp);
  CN (a, b, has_swappiness);
  CN (a, b, has_disable_oom_killer);
  CN (a, b, has_use_hierarchy);
  CN (a, b, has_check_before_update);
  CN (a, b, limit);
  CN (a, b, reservation);
  CN (a, b, swap);
  CN (a, b, kernel);
  CN (a, b, kernel_tcp);
  CN (a, b, swappiness);
  CN (a, b, disable_oom_killer);
  CN (a, b, use_hierarchy);
  CN (a, b, check_before_update);
}

static void
cmp_cpu (const oci_cpu *a, const oci_cpu *b)
{
  if (!both (a, b, "cpu"))
    return;
  CN (a, b, has_shares);
  CN (a, b, has_quota);
  CN (a, b, has_burst);
  CN (a, b, has_period);
  CN (a, b, has_realtime_runtime);
  CN (a, b, has_realtime_period);
  CN (a, b, has_idle);
  CN (a, b, shares);
  CN (a, b, quota);
  CN (a, b, burst);
  CN (a, b, period);
  CN (a, b, realtime_runtime);
  CN (a, b, realtime_period);
  CS (a, b, cpus);
  CS (a, b, mems);
  CN (a, b, idle);
}

static void
cmp_throttle (const oci_throttle_device *a, size_t alen,
              const oci_throttle_device *b, size_t blen, const char *what)
{
  size_t i;

  cmp_present (a, b, what);
  cmp_num (alen == blen, what, alen, blen);
  for (i = 0; i < alen; i++)
    {
      CN (&a[i], &b[i], major);
      CN (&a[i], &b[i], minor);
      CN (&a[i], &b[i], rate);
    }
}

#define CT(x, y, f)                                                            \
  cmp_throttle ((x)->f, (x)->f##_len, (y)->f, (y)->f##_len, #f)

static void
cmp_block_io (const oci_block_io *a, const oci_block_io *b)
{
  size_t i;

  if (!both (a, b, "blockIO"))
    return;
  CN (a, b, has_weight);
  CN (a, b, has_leaf_weight);
  CN (a, b, weight);
  CN (a, b, leaf_weight);
  CP (a, b, weight_device);
  CN (a, b, weight_device_len);
  for (i = 0; i < a->weight_device_len; i++)
    {
      const oci_weight_device *x = &a->weight_device[i];
      const oci_weight_device *y = &b->weight_device[i];

      CN (x, y, major);
      CN (x, y, minor);
      CN (x, y, has_weight);
      CN (x, y, has_leaf_weight);
      CN (x, y, weight);
      CN (x, y, leaf_weight);
    }
  CT (a, b, throttle_read_bps_device);
  CT (a, b, throttle_write_bps_device);
  CT (a, b, throttle_read_iops_device);
  CT (a, b, throttle_write_iops_device);
}

static void
cmp_resources (const oci_resources *a, const oci_resources *b)
{
  size_t i;

  if (!both (a, b, "resources"))
    return;
  CP (a, b, devices);
  CN (a, b, devices_len);
  for (i = 0; i < a->devices_len; i++)
    {
      const oci_device_cgroup *x = &a->devices[i], *y = &b->devices[i];

      CN (x, y, allow);
      CN (x, y, type);
      CN (x, y, has_major);
      CN (x, y, has_minor);
      CN (x, y, major);
      CN (x, y, minor);
      CS (x, y, access);
    }
  cmp_memory (a->memory, b->memory);
  cmp_cpu (a->cpu, b->cpu);
  cmp_block_io (a->block_io, b->block_io);
  CN (a, b, hugepage_limits_len);
  for (i = 0; i < a->hugepage_limits_len; i++)
    {
      CS (a, b, hugepage_limits[i].page_size);
      CN (a, b, hugepage_limits[i].limit);
    }
  if (both (a->network, b->network, "network"))
    {
      CN (a, b, network->has_class_id);
      CN (a, b, network->class_id);
      CN (a, b, network->priorities_len);
      for (i = 0; i < a->network->priorities_len; i++)
        {
          CS (a, b, network->priorities[i].name);
          CN (a, b, network->priorities[i].priority);
        }
    }
  if (both (a->pids, b->pids, "pids"))
    CN (a, b, pids->limit);
  CN (a, b, rdma_len);
  for (i = 0; i < a->rdma_len; i++)
    {
      CS (a, b, rdma[i].device);
      CN (a, b, rdma[i].has_hca_handles);
      CN (a, b, rdma[i].has_hca_objects);
      CN (a, b, rdma[i].hca_handles);
      CN (a, b, rdma[i].hca_objects);
    }
  CN (a, b, has_unified);
  cmp_map (&a->unified, &b->unified, "unified");
}

static void
cmp_time_offset (const oci_time_offset *a, const oci_time_offset *b)
{
  CN (a, b, has_secs);
  CN (a, b, has_nanosecs);
  CN (a, b, secs);
  CN (a, b, nanosecs);
}

static void
cmp_seccomp (const oci_seccomp *a, const oci_seccomp *b)
{
  size_t i, j;

  if (!both (a, b, "seccomp"))
    return;
  CS (a, b, default_action);
  CN (a, b, has_default_errno_ret);
  CN (a, b, default_errno_ret);
  CV (a, b, architectures);
  CV (a, b, flags);
  CS (a, b, listener_path);
  CS (a, b, listener_metadata);
  CN (a, b, syscalls_len);
  for (i = 0; i < a->syscalls_len; i++)
    {
      const oci_seccomp_syscall *x = &a->syscalls[i], *y = &b->syscalls[i];

      CV (x, y, names);
      CS (x, y, action);
      CN (x, y, has_errno_ret);
      CN (x, y, errno_ret);
      CN (x, y, args_len);
      for (j = 0; j < x->args_len; j++)
        {
          CN (x, y, args[j].index);
          CN (x, y, args[j].value);
          CN (x, y, args[j].has_value_two);
          CN (x, y, args[j].value_two);
          CS (x, y, args[j].op);
        }
    }
}

static void
cmp_linux_devices (const oci_linux *a, const oci_linux *b)
{
  size_t i;

  CN (a, b, devices_len);
  for (i = 0; i < a->devices_len; i++)
    {
      const oci_device *x = &a->devices[i], *y = &b->devices[i];

      CN (x, y, type);
      CS (x, y, path);
      CN (x, y, has_major);
      CN (x, y, has_minor);
      CN (x, y, major);
      CN (x, y, minor);
      CN (x, y, has_file_mode);
      CN (x, y, file_mode);
      CN (x, y, has_uid);
      CN (x, y, has_gid);
      CN (x, y, uid);
      CN (x, y, gid);
    }
  CN (a, b, net_devices_len);
  for (i = 0; i < a->net_devices_len; i++)
    {
      CS (a, b, net_devices[i].host_name);
      CS (a, b, net_devices[i].name);
    }
}

static void
cmp_linux (const oci_linux *a, const oci_linux *b)
{
  size_t i;

  if (!both (a, b, "linux"))
    return;
  CN (a, b, namespaces_len);
  for (i = 0; i < a->namespaces_len; i++)
    {
      CN (a, b, namespaces[i].type);
      CS (a, b, namespaces[i].path);
    }
  CM (a, b, uid_mappings);
  CM (a, b, gid_mappings);
  CN (a, b, has_time_monotonic);
  CN (a, b, has_time_boottime);
  cmp_time_offset (&a->time_monotonic, &b->time_monotonic);
  cmp_time_offset (&a->time_boottime, &b->time_boottime);
  cmp_linux_devices (a, b);
  CS (a, b, cgroups_path);
  cmp_resources (a->resources, b->resources);
  if (both (a->intel_rdt, b->intel_rdt, "intelRdt"))
    {
      CS (a, b, intel_rdt->clos_id);
      CS (a, b, intel_rdt->l3_cache_schema);
      CS (a, b, intel_rdt->mem_bw_schema);
      CV (a, b, intel_rdt->schemata);
      CN (a, b, intel_rdt->has_enable_monitoring);
      CN (a, b, intel_rdt->enable_monitoring);
    }
  if (both (a->memory_policy, b->memory_policy, "memoryPolicy"))
    {
      CS (a, b, memory_policy->mode);
      CN (a, b, memory_policy->mode_value);
      CS (a, b, memory_policy->nodes);
      CV (a, b, memory_policy->flags);
      CN (a, b, memory_policy->flags_value);
    }
  cmp_map (&a->sysctl, &b->sysctl, "sysctl");
  cmp_seccomp (a->seccomp, b->seccomp);
  CS (a, b, rootfs_propagation);
  CV (a, b, masked_paths);
  CV (a, b, readonly_paths);
  CS (a, b, mount_label);
  if (both (a->personality, b->personality, "personality"))
    {
      CS (a, b, personality->domain);
      CV (a, b, personality->flags);
    }
}

static void
cmp_spec (const oci_spec *a, const oci_spec *b)
{
  CS (a, b, oci_version);
  cmp_process (a->process, b->process);
  if (both (a->root, b->root, "root"))
    {
      CS (a, b, root->path);
      CN (a, b, root->readonly);
    }
  CS (a, b, hostname);
  CS (a, b, domainname);
  cmp_mounts (a, b);
  cmp_hooks (a->hooks, b->hooks);
  cmp_map (&a->annotations, &b->annotations, "annotations");
  cmp_linux (a->linux, b->linux);
}

/* Helpers.  */

static char *
data_path (const char *name)
{
  const char *srcdir = getenv ("srcdir");
  char *path = NULL;

  xasprintf (&path, "%s/tests/data/valid/%s", srcdir ? srcdir : ".", name);
  return path;
}

static char *
read_data (const char *name, size_t *len)
{
  cleanup_free char *path = data_path (name);
  char *buf = NULL;

  if (ocirt_read_file_at (-1, path, 16 << 20, &buf, len) < 0)
    return NULL;
  return buf;
}

static oci_spec *
parse_or_fail (const char *text, size_t len, const char *what)
{
  char *err = NULL;
  oci_spec *s = oci_spec_parse (text, len, &err);

  if (s == NULL)
    fail_msg ("%s: parse failed: %s", what, err ? err : "?");
  free (err);
  return s;
}

static char *
emit_or_fail (const oci_spec *s, bool pretty)
{
  char *err = NULL;
  char *out = oci_spec_emit (s, pretty, &err);

  if (out == NULL)
    fail_msg ("emit failed: %s", err ? err : "?");
  free (err);
  return out;
}

/* parse -> emit -> parse -> emit, pretty and compact.  */
static void
round_trip_text (const char *name, const char *text, size_t len)
{
  int pretty;

  for (pretty = 0; pretty < 2; pretty++)
    {
      oci_spec *first = parse_or_fail (text, len, name);
      cleanup_free char *out1 = emit_or_fail (first, pretty);
      oci_spec *second = parse_or_fail (out1, strlen (out1), "emitted");
      cleanup_free char *out2 = emit_or_fail (second, pretty);

      cmp_spec (first, second);
      assert_string_equal (out1, out2);
      oci_spec_free (first);
      oci_spec_free (second);
    }
}

static void
round_trip_file (const char *name, bool required)
{
  size_t len = 0;
  cleanup_free char *text = read_data (name, &len);

  if (text == NULL)
    {
      if (required)
        fail_msg ("cannot read tests/data/valid/%s", name);
      print_message ("tests/data/valid/%s not there, skipped\n", name);
      return;
    }
  round_trip_text (name, text, len);
}

static void
test_round_trip_full (void **state)
{
  (void)state;
  round_trip_file ("full.json", false);
}

static void
test_round_trip_edge (void **state)
{
  (void)state;
  round_trip_file ("emit-edge.json", true);
}

static void
test_round_trip_minimal (void **state)
{
  static const char minimal[]
      = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"}}";

  (void)state;
  round_trip_text ("minimal", minimal, strlen (minimal));
}

/* Values that must keep every digit and sign.  */
static void
test_numbers_exact (void **state)
{
  size_t len = 0;
  cleanup_free char *text = read_data ("emit-edge.json", &len);
  cleanup_free char *out = NULL;
  oci_spec *s;

  (void)state;
  assert_non_null (text);
  s = parse_or_fail (text, len, "emit-edge.json");
  out = emit_or_fail (s, false);
  assert_non_null (strstr (out, "\"soft\":18446744073709551615"));
  assert_non_null (strstr (out, "\"limit\":-1"));
  assert_non_null (strstr (out, "\"swap\":-1"));
  assert_non_null (strstr (out, "\"quota\":-1"));
  assert_non_null (strstr (out, "\"value\":18446744073709551615"));
  assert_non_null (strstr (out, "\"major\":-1"));
  oci_spec_free (s);
}

static void
test_absent_stays_absent (void **state)
{
  static const char doc[] = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":"
                            "\"r\"},\"process\":{\"user\":{\"uid\":0,"
                            "\"gid\":0},\"args\":[\"x\"],\"cwd\":\"/\"}}";
  oci_spec *s;
  cleanup_free char *out = NULL;

  (void)state;
  s = parse_or_fail (doc, strlen (doc), "doc");
  out = emit_or_fail (s, false);
  assert_null (strstr (out, "oomScoreAdj"));
  assert_null (strstr (out, "umask"));
  assert_null (strstr (out, "terminal"));
  assert_null (strstr (out, "capabilities"));
  assert_null (strstr (out, "linux"));
  assert_null (strstr (out, "hooks"));
  assert_null (strstr (out, "mounts"));
  oci_spec_free (s);
}

static void
check_default_spec (bool rootless)
{
  oci_spec *built = ocirt_default_spec (rootless);
  ocirt_error_t err = { 0, NULL };
  cleanup_free char *json = ocirt_default_spec_json (rootless, &err);
  oci_spec *parsed;
  size_t i;
  bool has_user = false, has_net = false;

  assert_non_null (json);
  parsed = parse_or_fail (json, strlen (json), "default spec");
  cmp_spec (built, parsed);
  for (i = 0; i < parsed->linux->namespaces_len; i++)
    {
      has_user |= parsed->linux->namespaces[i].type == OCI_NS_USER;
      has_net |= parsed->linux->namespaces[i].type == OCI_NS_NETWORK;
    }
  assert_int_equal (has_user, rootless);
  assert_int_equal (has_net, !rootless);
  assert_int_equal (parsed->linux->uid_mappings_len, rootless ? 1 : 0);
  assert_int_equal (parsed->linux->resources == NULL, rootless);
  assert_true (parsed->process->terminal);
  assert_true (parsed->root->readonly);
  assert_int_equal (json[strlen (json) - 1], '\n');
  oci_spec_free (built);
  oci_spec_free (parsed);
}

static void
test_default_spec (void **state)
{
  (void)state;
  check_default_spec (false);
  check_default_spec (true);
}

/* Features: every key of features.md and features-linux.md.  */

static void
expect_path (yajl_val root, const char *const *path, yajl_type type)
{
  yajl_val v = yajl_tree_get (root, (const char **)path, type);

  if (v == NULL)
    fail_msg ("features: missing %s%s%s%s%s", path[0], path[1] ? "." : "",
              path[1] ? path[1] : "", path[1] && path[2] ? "." : "",
              path[1] && path[2] ? path[2] : "");
}

#define EXPECT(type, ...)                                                      \
  do                                                                           \
    {                                                                          \
      const char *const p_[] = { __VA_ARGS__, NULL };                          \
      expect_path (root, p_, type);                                            \
    }                                                                          \
  while (0)

static void
test_features_keys (void **state)
{
  oci_features f;
  ocirt_error_t err = { 0, NULL };
  cleanup_free char *json = NULL;
  char errbuf[256];
  yajl_val root;

  (void)state;
  memset (&f, 0, sizeof f);
  assert_int_equal (ocirt_features_build (&f, &err), 0);
  json = oci_features_emit (&f, true, NULL);
  oci_features_clear (&f);
  assert_non_null (json);
  root = yajl_tree_parse (json, errbuf, sizeof errbuf);
  assert_non_null (root);

  EXPECT (yajl_t_string, "ociVersionMin");
  EXPECT (yajl_t_string, "ociVersionMax");
  EXPECT (yajl_t_array, "hooks");
  EXPECT (yajl_t_array, "mountOptions");
  EXPECT (yajl_t_object, "annotations");
  EXPECT (yajl_t_array, "potentiallyUnsafeConfigAnnotations");
  EXPECT (yajl_t_array, "linux", "namespaces");
  EXPECT (yajl_t_array, "linux", "capabilities");
  EXPECT (yajl_t_any, "linux", "cgroup", "v1");
  EXPECT (yajl_t_any, "linux", "cgroup", "v2");
  EXPECT (yajl_t_any, "linux", "cgroup", "systemd");
  EXPECT (yajl_t_any, "linux", "cgroup", "systemdUser");
  EXPECT (yajl_t_any, "linux", "cgroup", "rdma");
  EXPECT (yajl_t_any, "linux", "seccomp", "enabled");
  EXPECT (yajl_t_array, "linux", "seccomp", "actions");
  EXPECT (yajl_t_array, "linux", "seccomp", "operators");
  EXPECT (yajl_t_array, "linux", "seccomp", "archs");
  EXPECT (yajl_t_array, "linux", "seccomp", "knownFlags");
  EXPECT (yajl_t_array, "linux", "seccomp", "supportedFlags");
  EXPECT (yajl_t_any, "linux", "apparmor", "enabled");
  EXPECT (yajl_t_any, "linux", "selinux", "enabled");
  EXPECT (yajl_t_any, "linux", "intelRdt", "enabled");
  EXPECT (yajl_t_any, "linux", "intelRdt", "schemata");
  EXPECT (yajl_t_any, "linux", "intelRdt", "monitoring");
  EXPECT (yajl_t_array, "linux", "memoryPolicy", "modes");
  EXPECT (yajl_t_array, "linux", "memoryPolicy", "flags");
  EXPECT (yajl_t_object, "linux", "mountExtensions", "idmap");
  EXPECT (yajl_t_any, "linux", "netDevices", "enabled");
  {
    const char *const p[] = { "linux", "namespaces", NULL };
    yajl_val ns = yajl_tree_get (root, (const char **)p, yajl_t_array);

    assert_int_equal (YAJL_GET_ARRAY (ns)->len, 8);
  }
  yajl_tree_free (root);
}

/* Absent lists and booleans are not emitted; present empty lists are.  */
static void
test_features_absent (void **state)
{
  oci_features f;
  cleanup_free char *json = NULL;

  (void)state;
  memset (&f, 0, sizeof f);
  f.oci_version_min = xstrdup ("1.0.0");
  f.oci_version_max = xstrdup ("1.3.0");
  oci_feature_list_set_present (&f.hooks);
  f.has_linux = true;
  f.linux_features.has_seccomp = true;
  oci_feature_bool_set (&f.linux_features.seccomp.enabled, false);
  json = oci_features_emit (&f, false, NULL);
  oci_features_clear (&f);
  assert_string_equal (json, "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":"
                             "\"1.3.0\",\"hooks\":[],\"linux\":{\"seccomp\":"
                             "{\"enabled\":false}}}");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_round_trip_minimal),
    cmocka_unit_test (test_round_trip_edge),
    cmocka_unit_test (test_round_trip_full),
    cmocka_unit_test (test_numbers_exact),
    cmocka_unit_test (test_absent_stays_absent),
    cmocka_unit_test (test_default_spec),
    cmocka_unit_test (test_features_keys),
    cmocka_unit_test (test_features_absent),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
