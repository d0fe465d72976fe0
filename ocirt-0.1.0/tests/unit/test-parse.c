#include <config.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

/* GNU C predefines "linux" as 1, which breaks oci_spec.linux.  */
#undef linux
#include "names.h"
#include "spec.h"
#include "util.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name the tests/data directory"
#endif

static char *
read_data (const char *name, size_t *len)
{
  cleanup_free char *path = NULL;
  char *buf = NULL;

  xasprintf (&path, "%s/%s", TEST_DATA_DIR, name);
  if (ocirt_read_file_at (-1, path, 16 << 20, &buf, len) < 0)
    fail_msg ("cannot read %s", path);
  return buf;
}

static oci_spec *
parse_text (const char *text, char **err)
{
  return oci_spec_parse (text, strlen (text), err);
}

/* Parse TEXT, expect failure with exactly EXPECTED.  */
static void
expect_error (const char *text, const char *expected)
{
  char *err = NULL;
  oci_spec *s = parse_text (text, &err);

  if (s != NULL)
    {
      oci_spec_free (s);
      fail_msg ("parsed, expected error \"%s\"", expected);
    }
  assert_non_null (err);
  assert_string_equal (err, expected);
  free (err);
}

static const char minimal[]
    = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"}}";

static void
test_full_process (const oci_process *p)
{
  assert_non_null (p);
  assert_true (p->terminal);
  assert_int_equal (p->console_size->height, 25);
  assert_int_equal (p->console_size->width, 80);
  assert_int_equal (p->user.uid, 1000);
  assert_int_equal (p->user.gid, 0);
  assert_true (p->user.has_umask);
  assert_int_equal (p->user.umask, 0);
  assert_int_equal (p->user.additional_gids_len, 2);
  assert_int_equal (p->user.additional_gids[1], UINT32_MAX);
  assert_string_equal (p->user.username, "alice");
  assert_int_equal (p->args_len, 3);
  assert_string_equal (p->args[2], "echo hi");
  assert_string_equal (p->command_line, "sh -c \"echo hi\"");
  assert_int_equal (p->env_len, 2);
  assert_string_equal (p->cwd, "/work dir");
  assert_true (p->capabilities->has_bounding);
  assert_int_equal (p->capabilities->bounding_len, 2);
  assert_true (p->capabilities->has_inheritable);
  assert_int_equal (p->capabilities->inheritable_len, 0);
  assert_false (p->capabilities->has_ambient);
  /* Unknown capability names are the runtime's business.  */
  assert_string_equal (p->capabilities->permitted[1], "CAP_NOT_A_REAL_ONE");
  assert_int_equal (p->rlimits_len, 2);
  assert_string_equal (p->rlimits[0].type, "RLIMIT_NOFILE");
  assert_int_equal (p->rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal (p->rlimits[0].soft, 1024);
  assert_true (p->rlimits[0].hard == UINT64_MAX);
  assert_int_equal (p->rlimits[1].resource, RLIMIT_CORE);
  assert_true (p->rlimits[1].hard == UINT64_C (9007199254740993));
  assert_true (p->no_new_privileges);
  assert_string_equal (p->apparmor_profile, "acme_secure_profile");
  assert_true (p->has_oom_score_adj);
  assert_int_equal (p->oom_score_adj, -1000);
  assert_non_null (p->selinux_label);
  assert_string_equal (p->io_priority->klass, "IOPRIO_CLASS_IDLE");
  assert_int_equal (p->io_priority->class_value, 3);
  assert_int_equal (p->io_priority->priority, 7);
  assert_int_equal (p->scheduler->policy_value, 6);
  assert_true (p->scheduler->has_nice);
  assert_int_equal (p->scheduler->nice, -5);
  assert_true (p->scheduler->has_priority);
  assert_int_equal (p->scheduler->priority, 0);
  assert_int_equal (p->scheduler->flags_len, 2);
  assert_int_equal (p->scheduler->flags_value, 0x41);
  assert_true (p->scheduler->has_runtime && p->scheduler->has_deadline
               && p->scheduler->has_period);
  assert_int_equal (p->scheduler->period, 30000000);
  assert_string_equal (p->exec_cpu_affinity->initial, "0-3,7");
  assert_string_equal (p->exec_cpu_affinity->final, "4");
}

static void
test_full_top (const oci_spec *s)
{
  assert_string_equal (s->oci_version, "1.3.0");
  assert_string_equal (s->root->path, "rootfs");
  assert_true (s->root->readonly);
  assert_string_equal (s->hostname, "box");
  assert_string_equal (s->domainname, "example.org");
  assert_int_equal (s->mounts_len, 3);
  assert_string_equal (s->mounts[1].destination, "/data");
  assert_string_equal (s->mounts[1].options[2], "idmap");
  assert_int_equal (s->mounts[1].uid_mappings_len, 1);
  assert_int_equal (s->mounts[1].uid_mappings[0].host_id, 100000);
  assert_int_equal (s->mounts[1].gid_mappings[0].size, 1);
  assert_null (s->mounts[2].type);
  assert_string_equal (s->mounts[2].destination, "relative/dir");
  assert_int_equal (s->hooks->prestart_len, 1);
  assert_int_equal (s->hooks->prestart[0].args_len, 2);
  assert_false (s->hooks->prestart[0].has_timeout);
  assert_true (s->hooks->create_runtime[0].has_timeout);
  assert_int_equal (s->hooks->create_runtime[0].timeout, 1);
  assert_string_equal (s->hooks->create_container[0].path, "/usr/bin/cc");
  assert_int_equal (s->hooks->start_container_len, 1);
  assert_int_equal (s->hooks->poststart[0].timeout, 5);
  assert_string_equal (s->hooks->poststop[0].args[1], "-f");
  assert_int_equal (s->annotations.len, 2);
  assert_string_equal (s->annotations.keys[1], "com.example.key2");
  assert_string_equal (s->annotations.values[1], "value2");
}

static void
test_full_linux (const oci_linux *l)
{
  assert_int_equal (l->namespaces_len, 8);
  assert_int_equal (l->namespaces[1].type, OCI_NS_NETWORK);
  assert_string_equal (l->namespaces[1].path, "/var/run/netns/neta");
  assert_int_equal (l->namespaces[7].type, OCI_NS_TIME);
  assert_null (l->namespaces[0].path);
  assert_int_equal (l->gid_mappings[1].host_id, UINT32_MAX);
  assert_true (l->has_time_monotonic && l->has_time_boottime);
  assert_true (l->time_monotonic.secs == INT64_MIN);
  assert_true (l->time_monotonic.has_nanosecs);
  assert_false (l->time_boottime.has_nanosecs);
  assert_int_equal (l->devices_len, 4);
  assert_int_equal (l->devices[0].type, 'c');
  assert_int_equal (l->devices[0].file_mode, 0666);
  assert_true (l->devices[0].has_uid);
  assert_false (l->devices[1].has_file_mode);
  assert_false (l->devices[2].has_major);
  assert_int_equal (l->devices[3].file_mode, 07777);
  assert_int_equal (l->net_devices_len, 2);
  assert_string_equal (l->net_devices[0].host_name, "eth1");
  assert_string_equal (l->net_devices[0].name, "eth0");
  assert_null (l->net_devices[1].name);
  assert_string_equal (l->cgroups_path, "/myRuntime/myContainer");
  assert_string_equal (l->intel_rdt->clos_id, "guaranteed_group");
  assert_int_equal (l->intel_rdt->schemata_len, 2);
  assert_true (l->intel_rdt->has_enable_monitoring);
  assert_false (l->intel_rdt->enable_monitoring);
  assert_int_equal (l->memory_policy->mode_value, 3);
  assert_int_equal (l->memory_policy->flags_value, (1 << 15) | (1 << 13));
  assert_string_equal (l->memory_policy->nodes, "0-3");
  assert_int_equal (l->sysctl.len, 2);
  assert_string_equal (l->sysctl.keys[0], "net.ipv4.ip_forward");
  assert_string_equal (l->rootfs_propagation, "rslave");
  assert_int_equal (l->masked_paths_len, 2);
  assert_string_equal (l->readonly_paths[1], "/proc/bus");
  assert_non_null (l->mount_label);
  assert_string_equal (l->personality->domain, "LINUX32");
  assert_int_equal (l->personality->flags_len, 0);
}

static void
test_full_seccomp (const oci_seccomp *sc)
{
  assert_string_equal (sc->default_action, "SCMP_ACT_ERRNO");
  assert_true (sc->has_default_errno_ret);
  assert_int_equal (sc->default_errno_ret, 1);
  assert_int_equal (sc->architectures_len, 3);
  assert_int_equal (sc->flags_len, 2);
  assert_string_equal (sc->listener_path, "/run/seccomp-agent.socket");
  assert_string_equal (sc->listener_metadata, "metadata");
  assert_int_equal (sc->syscalls_len, 3);
  assert_int_equal (sc->syscalls[0].names_len, 2);
  assert_false (sc->syscalls[0].has_errno_ret);
  assert_true (sc->syscalls[1].has_errno_ret);
  assert_int_equal (sc->syscalls[1].errno_ret, 0);
  assert_int_equal (sc->syscalls[1].args_len, 2);
  assert_false (sc->syscalls[1].args[0].has_value_two);
  assert_true (sc->syscalls[1].args[1].value == UINT64_MAX);
  assert_true (sc->syscalls[1].args[1].value_two
               == UINT64_C (9007199254740993));
  assert_string_equal (sc->syscalls[1].args[1].op, "SCMP_CMP_MASKED_EQ");
}

static void
test_full_resources (const oci_resources *r)
{
  assert_int_equal (r->devices_len, 3);
  assert_false (r->devices[0].allow);
  assert_int_equal (r->devices[0].type, 0);
  assert_false (r->devices[0].has_major);
  assert_int_equal (r->devices[1].type, 'c');
  assert_true (r->devices[1].minor == -1);
  assert_null (r->devices[2].access);
  assert_true (r->memory->has_limit);
  assert_int_equal (r->memory->limit, 536870912);
  assert_true (r->memory->has_reservation);
  assert_int_equal (r->memory->reservation, 0);
  assert_true (r->memory->swap == -1);
  assert_true (r->memory->kernel_tcp == INT64_MAX);
  assert_true (r->memory->has_swappiness);
  assert_true (r->memory->has_disable_oom_killer);
  assert_false (r->memory->disable_oom_killer);
  assert_true (r->memory->check_before_update);
  assert_true (r->cpu->quota == -1);
  assert_true (r->cpu->period == UINT64_MAX);
  assert_int_equal (r->cpu->burst, 1000);
  assert_string_equal (r->cpu->cpus, "2-3");
  assert_true (r->cpu->has_idle);
  assert_int_equal (r->block_io->weight, 10);
  assert_true (r->block_io->has_leaf_weight);
  assert_int_equal (r->block_io->leaf_weight, 0);
  assert_int_equal (r->block_io->weight_device_len, 2);
  assert_false (r->block_io->weight_device[1].has_leaf_weight);
  assert_true (r->block_io->throttle_write_bps_device[0].rate
               == UINT64_C (9007199254740993));
  assert_int_equal (r->block_io->throttle_write_iops_device[0].minor, 16);
  assert_int_equal (r->hugepage_limits_len, 2);
  assert_string_equal (r->hugepage_limits[1].page_size, "1GB");
  assert_int_equal (r->network->class_id, 1048577);
  assert_int_equal (r->network->priorities[1].priority, 1000);
  assert_non_null (r->pids);
  assert_int_equal (r->pids->limit, 0);
  assert_int_equal (r->rdma_len, 2);
  assert_string_equal (r->rdma[1].device, "mlx4_0");
  assert_false (r->rdma[1].has_hca_handles);
  assert_int_equal (r->rdma[1].hca_objects, 1000);
  assert_true (r->has_unified);
  assert_string_equal (r->unified.values[0], "259:0 rbps=2097152 wiops=120");
}

static void
test_full (void **state)
{
  size_t len = 0;
  cleanup_free char *buf = read_data ("valid/full.json", &len);
  char *err = NULL;
  oci_spec *s;

  (void)state;
  s = oci_spec_parse (buf, len, &err);
  if (s == NULL)
    fail_msg ("full.json: %s", err);
  assert_null (err);
  test_full_top (s);
  test_full_process (s->process);
  assert_non_null (s->linux);
  test_full_linux (s->linux);
  test_full_seccomp (s->linux->seccomp);
  test_full_resources (s->linux->resources);
  oci_spec_free (s);
}

static void
test_minimal_absent (void **state)
{
  char *err = NULL;
  oci_spec *s = parse_text (minimal, &err);

  (void)state;
  assert_non_null (s);
  assert_null (s->process);
  assert_null (s->linux);
  assert_null (s->hooks);
  assert_null (s->hostname);
  assert_int_equal (s->mounts_len, 0);
  assert_int_equal (s->annotations.len, 0);
  assert_false (s->root->readonly);
  oci_spec_free (s);
}

static void
test_absent_vs_zero (void **state)
{
  const char *text
      = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
        "\"process\":{\"args\":[\"a\"],\"cwd\":\"/\",\"oomScoreAdj\":0,"
        "\"user\":{\"uid\":0,\"gid\":0,\"umask\":18}},"
        "\"linux\":{\"resources\":{\"memory\":{\"limit\":0},"
        "\"pids\":{\"limit\":-1},\"unified\":{}},\"sysctl\":null}}";
  const char *text2
      = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
        "\"process\":{\"args\":[\"a\"],\"cwd\":\"/\",\"oomScoreAdj\":null},"
        "\"linux\":{\"resources\":{\"memory\":{},\"pids\":{}}}}";
  char *err = NULL;
  oci_spec *s;

  (void)state;
  s = parse_text (text, &err);
  assert_non_null (s);
  assert_true (s->process->has_oom_score_adj);
  assert_int_equal (s->process->oom_score_adj, 0);
  assert_true (s->process->user.has_umask);
  assert_int_equal (s->process->user.umask, 022);
  assert_null (s->process->capabilities);
  assert_true (s->linux->resources->memory->has_limit);
  assert_false (s->linux->resources->memory->has_swap);
  assert_true (s->linux->resources->pids->limit == -1);
  assert_true (s->linux->resources->has_unified);
  assert_int_equal (s->linux->resources->unified.len, 0);
  assert_int_equal (s->linux->sysctl.len, 0);
  oci_spec_free (s);

  s = parse_text (text2, &err);
  assert_non_null (s);
  assert_false (s->process->has_oom_score_adj);
  assert_false (s->process->user.has_umask);
  assert_false (s->linux->resources->memory->has_limit);
  assert_null (s->linux->resources->pids);
  assert_false (s->linux->resources->has_unified);
  oci_spec_free (s);
}

static void
test_duplicate_keys_last_wins (void **state)
{
  const char *text = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
                     "\"hostname\":\"a\",\"hostname\":\"b\"}";
  oci_spec *s = parse_text (text, NULL);

  (void)state;
  assert_non_null (s);
  assert_string_equal (s->hostname, "b");
  oci_spec_free (s);
}

static void
test_unterminated_buffer (void **state)
{
  /* Only the first len bytes count; no NUL terminator is needed.  */
  char buf[sizeof minimal + 8];
  char *err = NULL;
  oci_spec *s;

  (void)state;
  memcpy (buf, minimal, strlen (minimal));
  memcpy (buf + strlen (minimal), "garbage!", 8);
  s = oci_spec_parse (buf, strlen (minimal), &err);
  assert_non_null (s);
  oci_spec_free (s);
  s = oci_spec_parse (buf, strlen (minimal) + 8, &err);
  assert_null (s);
  assert_string_equal (
      err, "invalid JSON (line 1, column 49): parse error: trailing garbage");
  free (err);
}

static char *
nested (size_t depth, const char *open, const char *close)
{
  size_t lo = strlen (open), lc = strlen (close);
  char *buf = xmalloc (depth * (lo + lc) + 1);
  char *p = buf;

  for (size_t i = 0; i < depth; i++, p += lo)
    memcpy (p, open, lo);
  for (size_t i = 0; i < depth; i++, p += lc)
    memcpy (p, close, lc);
  *p = '\0';
  return buf;
}

static void
test_deep_nesting (void **state)
{
  const char *msg = "invalid JSON: nesting deeper than 64 levels";
  cleanup_free char *arrays = nested (100000, "[", "]");
  cleanup_free char *objects = nested (100000, "{\"a\":", "}");
  cleanup_free char *ok_inner = nested (60, "[", "]");
  cleanup_free char *ok = NULL;
  char *err = NULL;
  oci_spec *s;

  (void)state;
  expect_error (arrays, msg);
  expect_error (objects, msg);
  /* Brackets inside strings do not count.  */
  xasprintf (&ok,
             "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
             "\"hostname\":\"%s\",\"x\":%s}",
             arrays + 99000, ok_inner);
  s = parse_text (ok, &err);
  if (s == NULL)
    fail_msg ("%s", err);
  oci_spec_free (s);
}

static void
check_invalid_file (const char *dir, const char *name)
{
  cleanup_free char *jpath = NULL;
  cleanup_free char *epath = NULL;
  cleanup_free char *buf = NULL;
  cleanup_free char *expected = NULL;
  size_t len = 0, elen = 0;
  char *err = NULL;
  oci_spec *s;

  xasprintf (&jpath, "%s/%s", dir, name);
  xasprintf (&epath, "%.*s.err", (int)(strlen (jpath) - 5), jpath);
  if (ocirt_read_file_at (-1, jpath, 16 << 20, &buf, &len) < 0)
    fail_msg ("cannot read %s", jpath);
  if (ocirt_read_file_at (-1, epath, 4096, &expected, &elen) < 0)
    fail_msg ("missing %s", epath);
  while (elen > 0 && expected[elen - 1] == '\n')
    expected[--elen] = '\0';
  s = oci_spec_parse (buf, len, &err);
  if (s != NULL)
    {
      oci_spec_free (s);
      fail_msg ("%s: parsed, expected \"%s\"", name, expected);
    }
  if (err == NULL || strcmp (err, expected) != 0)
    fail_msg ("%s:\n  expected: %s\n  got:      %s", name, expected,
              err ? err : "(no message)");
  if (strchr (err, '\n') != NULL)
    fail_msg ("%s: message is not one line", name);
  free (err);
}

static void
test_invalid_corpus (void **state)
{
  cleanup_free char *dir = NULL;
  cleanup_dir DIR *d = NULL;
  struct dirent *e;
  size_t count = 0;

  (void)state;
  xasprintf (&dir, "%s/invalid", TEST_DATA_DIR);
  d = opendir (dir);
  assert_non_null (d);
  while ((e = readdir (d)) != NULL)
    {
      size_t n = strlen (e->d_name);
      if (n < 6 || strcmp (e->d_name + n - 5, ".json") != 0)
        continue;
      check_invalid_file (dir, e->d_name);
      count++;
    }
  assert_true (count >= 40);
}

static void
test_process_parse (void **state)
{
  const char *ok = "{\"args\":[\"ls\"],\"env\":[\"A=1\"]}";
  const char *rel = "{\"args\":[\"ls\"],\"cwd\":\"x\"}";
  const char *noargs = "{\"cwd\":\"/\"}";
  char *err = NULL;
  oci_process *p;

  (void)state;
  /* exec --process: cwd may come from --cwd.  */
  p = oci_process_parse (ok, strlen (ok), &err);
  assert_non_null (p);
  assert_null (p->cwd);
  assert_string_equal (p->env[0], "A=1");
  oci_process_free (p);
  assert_null (oci_process_parse (rel, strlen (rel), &err));
  assert_string_equal (err, "cwd: must be an absolute path, got \"x\"");
  free (err);
  assert_null (oci_process_parse (noargs, strlen (noargs), &err));
  assert_string_equal (err, "args: must contain at least one entry");
  free (err);
  assert_null (oci_process_parse ("[]", 2, &err));
  assert_string_equal (err, "expected a JSON object, got array");
  free (err);
}

static void
test_resources_parse (void **state)
{
  const char *ok = "{\"memory\":{\"limit\":-1,\"swap\":9223372036854775807},"
                   "\"cpu\":{\"shares\":2},\"pids\":{\"limit\":100}}";
  const char *bad = "{\"memory\":{\"limit\":\"1G\"}}";
  const char *badrdma = "{\"rdma\":{\"mlx\":{\"hcaHandles\":-1}}}";
  char *err = NULL;
  oci_resources *r;

  (void)state;
  r = oci_resources_parse (ok, strlen (ok), &err);
  assert_non_null (r);
  assert_true (r->memory->limit == -1);
  assert_true (r->memory->swap == INT64_MAX);
  assert_int_equal (r->cpu->shares, 2);
  assert_int_equal (r->pids->limit, 100);
  assert_null (r->block_io);
  oci_resources_free (r);
  assert_null (oci_resources_parse (bad, strlen (bad), &err));
  assert_string_equal (err,
                       "memory.limit: expected integer, got string \"1G\"");
  free (err);
  assert_null (oci_resources_parse (badrdma, strlen (badrdma), &err));
  assert_string_equal (
      err, "rdma[\"mlx\"].hcaHandles: value -1 out of range [0, 4294967295]");
  free (err);
}

static void
test_state_roundtrip (void **state)
{
  char *keys[] = { "a", "b\"q" };
  char *values[] = { "1", "\xc3\xa9" };
  oci_string_map ann = { keys, values, 2 };
  oci_state st = { .oci_version = "1.3.0",
                   .id = "c1",
                   .status = "running",
                   .pid = 42,
                   .bundle = "/b",
                   .annotations = &ann,
                   .rootfs = "/b/rootfs",
                   .created = "2024-01-01T00:00:00.000000000Z",
                   .owner = "" };
  cleanup_free char *text = oci_state_emit (&st, false);
  cleanup_free char *pretty = NULL;
  cleanup_free char *bare = NULL;
  oci_state_doc *doc;
  char *err = NULL;

  (void)state;
  assert_non_null (text);
  assert_non_null (strstr (text, "\"pid\":42"));
  assert_non_null (strstr (text, "\"owner\":\"\""));
  doc = oci_state_parse (text, strlen (text), &err);
  assert_non_null (doc);
  assert_string_equal (doc->id, "c1");
  assert_string_equal (doc->status, "running");
  assert_int_equal (doc->pid, 42);
  assert_string_equal (doc->bundle, "/b");
  assert_int_equal (doc->annotations.len, 2);
  assert_string_equal (doc->annotations.keys[1], "b\"q");
  assert_string_equal (doc->annotations.values[1], "\xc3\xa9");
  oci_state_doc_free (doc);

  st.pid = 0;
  st.annotations = NULL;
  st.rootfs = st.created = st.owner = NULL;
  bare = oci_state_emit (&st, false);
  assert_string_equal (bare, "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\","
                             "\"status\":\"running\",\"bundle\":\"/b\"}");
  pretty = oci_state_emit (&st, true);
  assert_non_null (strstr (pretty, "\n  \"id\": \"c1\""));
  assert_null (oci_state_parse ("{\"id\":\"x\"}", 10, &err));
  assert_string_equal (err, "ociVersion: required field missing");
  free (err);
}

static void
test_names (void **state)
{
  (void)state;
  for (int t = 0; t < OCI_NS_COUNT; t++)
    assert_int_equal (oci_ns_type_from_name (oci_ns_type_name (t)), t);
  assert_int_equal (oci_ns_type_from_name ("net"), -1);
  assert_string_equal (oci_ns_type_name (OCI_NS_TIME), "time");
  assert_null (oci_ns_type_name (OCI_NS_COUNT));
  assert_int_equal (oci_name_find (&oci_rlimit_names, "RLIMIT_RTTIME")->value,
                    RLIMIT_RTTIME);
  assert_int_equal (oci_rlimit_names.len, 16);
  assert_int_equal (oci_seccomp_action_names.len, 9);
  assert_int_equal (oci_seccomp_operator_names.len, 7);
  assert_int_equal (oci_seccomp_flag_names.len, 4);
  assert_int_equal (oci_mpol_mode_names.len, 7);
  assert_null (oci_name_find (&oci_sched_policy_names, "sched_other"));
}

static void
test_error_message_shape (void **state)
{
  char long_name[200];

  (void)state;
  /* Values in messages are escaped and shortened to stay on one line.  */
  memset (long_name, 'x', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  {
    cleanup_free char *text = NULL;
    cleanup_free char *want = NULL;
    xasprintf (&text,
               "{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},"
               "\"linux\":{\"namespaces\":[{\"type\":\"%s\"}]}}",
               long_name);
    xasprintf (&want,
               "linux.namespaces[0].type: unknown namespace type \"%.64s...\"",
               long_name);
    expect_error (text, want);
  }
  expect_error ("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},"
                "\"linux\":{\"namespaces\":[{\"type\":\"a\\nb\"}]}}",
                "linux.namespaces[0].type: unknown namespace type "
                "\"a\\x0ab\"");
  expect_error ("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"},"
                "\"linux\":{\"resources\":{\"memory\":{\"limit\":1e400}}}}",
                "linux.resources.memory.limit: expected integer, got number "
                "1e400");
  /* A missing err pointer is allowed.  */
  assert_null (parse_text ("{", NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_full),
    cmocka_unit_test (test_minimal_absent),
    cmocka_unit_test (test_absent_vs_zero),
    cmocka_unit_test (test_duplicate_keys_last_wins),
    cmocka_unit_test (test_unterminated_buffer),
    cmocka_unit_test (test_deep_nesting),
    cmocka_unit_test (test_invalid_corpus),
    cmocka_unit_test (test_process_parse),
    cmocka_unit_test (test_resources_parse),
    cmocka_unit_test (test_state_roundtrip),
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_error_message_shape),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
