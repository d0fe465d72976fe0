#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "parse-internal.h"
#include "util.h"

static int
parse_console_size (yajl_val obj, const oci_jpath *parent, oci_process *pr,
                    char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "consoleSize");
  yajl_val v = NULL;
  int r;

  r = oci_json_get_object (obj, "consoleSize", parent, &v, err);
  if (r <= 0)
    return r;
  pr->console_size = xzalloc (sizeof *pr->console_size);
  if (oci_json_req_uint32 (v, "height", &p, &pr->console_size->height, err) < 0
      || oci_json_req_uint32 (v, "width", &p, &pr->console_size->width, err)
             < 0)
    return -1;
  return 0;
}

static int
parse_gids (yajl_val obj, const oci_jpath *parent, oci_user *u, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "additionalGids");
  yajl_val arr = NULL;
  uint64_t n;
  int r;

  r = oci_json_get_array (obj, "additionalGids", parent, &arr, err);
  if (r <= 0)
    return r;
  u->additional_gids_len = arr->u.array.len;
  if (u->additional_gids_len)
    u->additional_gids
        = xcalloc (u->additional_gids_len, sizeof *u->additional_gids);
  for (size_t i = 0; i < u->additional_gids_len; i++)
    {
      oci_jpath ip = OCI_JPATH_INDEX_INIT (&p, i);
      if (oci_json_to_uint64 (arr->u.array.values[i], &ip, UINT32_MAX, &n, err)
          < 0)
        return -1;
      u->additional_gids[i] = (uint32_t)n;
    }
  return 0;
}

static int
parse_user (yajl_val obj, const oci_jpath *parent, oci_user *u, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "user");
  yajl_val v = NULL;
  int r;

  r = oci_json_get_object (obj, "user", parent, &v, err);
  if (r <= 0)
    return r;
  if (oci_json_get_uint32 (v, "uid", &p, &u->uid, err) < 0
      || oci_json_get_uint32 (v, "gid", &p, &u->gid, err) < 0
      || (r = oci_json_get_uint32 (v, "umask", &p, &u->umask, err)) < 0)
    return -1;
  u->has_umask = r > 0;
  if (parse_gids (v, &p, u, err) < 0
      || oci_json_get_string (v, "username", &p, &u->username, err) < 0)
    return -1;
  return 0;
}

static int
get_cap_set (yajl_val v, const char *key, const oci_jpath *p, char ***set,
             size_t *len, bool *has, char **err)
{
  int r = oci_json_get_strv (v, key, p, set, len, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

/* Capability names are not checked here: an unknown capability is a
   warning at run time, not an invalid config.  */
static int
parse_capabilities (yajl_val obj, const oci_jpath *parent, oci_process *pr,
                    char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "capabilities");
  yajl_val v = NULL;
  oci_capabilities *c;
  int r;

  r = oci_json_get_object (obj, "capabilities", parent, &v, err);
  if (r <= 0)
    return r;
  c = pr->capabilities = xzalloc (sizeof *c);
  if (get_cap_set (v, "bounding", &p, &c->bounding, &c->bounding_len,
                   &c->has_bounding, err)
          < 0
      || get_cap_set (v, "effective", &p, &c->effective, &c->effective_len,
                      &c->has_effective, err)
             < 0
      || get_cap_set (v, "inheritable", &p, &c->inheritable,
                      &c->inheritable_len, &c->has_inheritable, err)
             < 0
      || get_cap_set (v, "permitted", &p, &c->permitted, &c->permitted_len,
                      &c->has_permitted, err)
             < 0
      || get_cap_set (v, "ambient", &p, &c->ambient, &c->ambient_len,
                      &c->has_ambient, err)
             < 0)
    return -1;
  return 0;
}

struct rlimit_ctx
{
  uint64_t seen; /* bit per resource number (all are < 64) */
};

static int
parse_rlimit (yajl_val v, const oci_jpath *p, void *elem, void *ctx, char **err)
{
  oci_jpath tp = OCI_JPATH_KEY_INIT (p, "type");
  struct rlimit_ctx *rc = ctx;
  oci_rlimit *rl = elem;
  cleanup_free char *q = NULL;
  long value;
  int r;

  if (oci_json_req_string (v, "type", p, &rl->type, err) < 0
      || oci_json_resolve_name (&oci_rlimit_names, "rlimit", rl->type, &tp,
                                &value, err)
             < 0)
    return -1;
  rl->resource = (int)value;
  if (value >= 0 && value < 64)
    {
      if (rc->seen & (UINT64_C (1) << value))
        {
          q = oci_json_quote (rl->type);
          return oci_json_error (err, &tp, "duplicate rlimit %s", q);
        }
      rc->seen |= UINT64_C (1) << value;
    }
  r = oci_json_get_uint64 (v, "soft", p, UINT64_MAX, &rl->soft, err);
  if (r == 0)
    return oci_json_missing (p, "soft", err);
  if (r > 0)
    r = oci_json_get_uint64 (v, "hard", p, UINT64_MAX, &rl->hard, err);
  if (r == 0)
    return oci_json_missing (p, "hard", err);
  return r < 0 ? -1 : 0;
}

static int
parse_io_priority (yajl_val obj, const oci_jpath *parent, oci_process *pr,
                   char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "ioPriority");
  oci_jpath cp = OCI_JPATH_KEY_INIT (&p, "class");
  yajl_val v = NULL;
  oci_io_priority *io;
  long value;
  int r;

  r = oci_json_get_object (obj, "ioPriority", parent, &v, err);
  if (r <= 0)
    return r;
  io = pr->io_priority = xzalloc (sizeof *io);
  if (oci_json_req_string (v, "class", &p, &io->klass, err) < 0
      || oci_json_resolve_name (&oci_ioprio_class_names, "I/O priority class",
                                io->klass, &cp, &value, err)
             < 0
      || oci_json_get_int32 (v, "priority", &p, 0, 7, &io->priority, err) < 0)
    return -1;
  io->class_value = (int)value;
  return 0;
}

static int
parse_sched_flags (yajl_val v, const oci_jpath *p, oci_scheduler *s, char **err)
{
  oci_jpath fp = OCI_JPATH_KEY_INIT (p, "flags");
  long bit;

  if (oci_json_get_strv (v, "flags", p, &s->flags, &s->flags_len, err) < 0)
    return -1;
  for (size_t i = 0; i < s->flags_len; i++)
    {
      oci_jpath ip = OCI_JPATH_INDEX_INIT (&fp, i);
      if (oci_json_resolve_name (&oci_sched_flag_names, "scheduler flag",
                                 s->flags[i], &ip, &bit, err)
          < 0)
        return -1;
      s->flags_value |= (uint64_t)bit;
    }
  return 0;
}

static int
get_u64_has (yajl_val v, const char *key, const oci_jpath *p, uint64_t *out,
             bool *has, char **err)
{
  int r = oci_json_get_uint64 (v, key, p, UINT64_MAX, out, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
get_i32_has (yajl_val v, const char *key, const oci_jpath *p, int32_t *out,
             bool *has, char **err)
{
  int r = oci_json_get_int32 (v, key, p, INT32_MIN, INT32_MAX, out, err);

  if (r < 0)
    return -1;
  *has = r > 0;
  return 0;
}

static int
parse_scheduler (yajl_val obj, const oci_jpath *parent, oci_process *pr,
                 char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "scheduler");
  oci_jpath pp = OCI_JPATH_KEY_INIT (&p, "policy");
  yajl_val v = NULL;
  oci_scheduler *s;
  long value;
  int r;

  r = oci_json_get_object (obj, "scheduler", parent, &v, err);
  if (r <= 0)
    return r;
  s = pr->scheduler = xzalloc (sizeof *s);
  if (oci_json_req_string (v, "policy", &p, &s->policy, err) < 0
      || oci_json_resolve_name (&oci_sched_policy_names, "scheduler policy",
                                s->policy, &pp, &value, err)
             < 0)
    return -1;
  s->policy_value = (int)value;
  if (get_i32_has (v, "nice", &p, &s->nice, &s->has_nice, err) < 0
      || get_i32_has (v, "priority", &p, &s->priority, &s->has_priority, err)
             < 0
      || parse_sched_flags (v, &p, s, err) < 0
      || get_u64_has (v, "runtime", &p, &s->runtime, &s->has_runtime, err) < 0
      || get_u64_has (v, "deadline", &p, &s->deadline, &s->has_deadline, err)
             < 0
      || get_u64_has (v, "period", &p, &s->period, &s->has_period, err) < 0)
    return -1;
  return 0;
}

static int
parse_cpu_affinity (yajl_val obj, const oci_jpath *parent, oci_process *pr,
                    char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, "execCPUAffinity");
  yajl_val v = NULL;
  oci_exec_cpu_affinity *a;
  int r;

  r = oci_json_get_object (obj, "execCPUAffinity", parent, &v, err);
  if (r <= 0)
    return r;
  a = pr->exec_cpu_affinity = xzalloc (sizeof *a);
  if (oci_json_get_string (v, "initial", &p, &a->initial, err) < 0
      || oci_json_get_string (v, "final", &p, &a->final, err) < 0)
    return -1;
  return 0;
}

static int
parse_args_cwd (yajl_val v, const oci_jpath *p, bool for_exec, oci_process *pr,
                char **err)
{
  oci_jpath ap = OCI_JPATH_KEY_INIT (p, "args");
  oci_jpath cp = OCI_JPATH_KEY_INIT (p, "cwd");
  int r;

  if (oci_json_get_strv (v, "args", p, &pr->args, &pr->args_len, err) < 0
      || oci_json_get_string (v, "commandLine", p, &pr->command_line, err) < 0)
    return -1;
  if (pr->args_len == 0)
    return oci_json_error (err, &ap, "must contain at least one entry");
  r = oci_json_get_string (v, "cwd", p, &pr->cwd, err);
  if (r < 0)
    return -1;
  if (r == 0)
    return for_exec ? 0 : oci_json_missing (p, "cwd", err);
  return oci_json_check_abs_path (pr->cwd, &cp, err);
}

static int
parse_process_fields (yajl_val v, const oci_jpath *p, bool for_exec,
                      oci_process *pr, char **err)
{
  struct rlimit_ctx rc = { 0 };
  int r;

  if (oci_json_get_bool (v, "terminal", p, &pr->terminal, err) < 0
      || parse_console_size (v, p, pr, err) < 0
      || parse_user (v, p, &pr->user, err) < 0
      || parse_args_cwd (v, p, for_exec, pr, err) < 0
      || oci_json_get_strv (v, "env", p, &pr->env, &pr->env_len, err) < 0
      || parse_capabilities (v, p, pr, err) < 0
      || oci_json_get_object_array (v, "rlimits", p, sizeof *pr->rlimits,
                                    parse_rlimit, &rc, (void **)&pr->rlimits,
                                    &pr->rlimits_len, err)
             < 0
      || oci_json_get_bool (v, "noNewPrivileges", p, &pr->no_new_privileges,
                            err)
             < 0
      || oci_json_get_string (v, "apparmorProfile", p, &pr->apparmor_profile,
                              err)
             < 0
      || (r = oci_json_get_int32 (v, "oomScoreAdj", p, INT32_MIN, INT32_MAX,
                                  &pr->oom_score_adj, err))
             < 0)
    return -1;
  pr->has_oom_score_adj = r > 0;
  if (oci_json_get_string (v, "selinuxLabel", p, &pr->selinux_label, err) < 0
      || parse_io_priority (v, p, pr, err) < 0
      || parse_scheduler (v, p, pr, err) < 0
      || parse_cpu_affinity (v, p, pr, err) < 0)
    return -1;
  return 0;
}

int
oci_parse_process (yajl_val v, const oci_jpath *path, bool for_exec,
                   oci_process **out, char **err)
{
  if (oci_json_expect_object (v, path, err) < 0)
    return -1;
  *out = xzalloc (sizeof **out);
  return parse_process_fields (v, path, for_exec, *out, err);
}

static int
process_from_tree (yajl_val doc, void **out, char **err)
{
  oci_process *pr = NULL;

  if (!YAJL_IS_OBJECT (doc))
    {
      cleanup_free char *got = oci_json_describe (doc);
      return oci_json_error (err, NULL, "expected a JSON object, got %s", got);
    }
  if (oci_parse_process (doc, NULL, true, &pr, err) < 0)
    {
      oci_process_free (pr);
      return -1;
    }
  *out = pr;
  return 0;
}

oci_process *
oci_process_parse (const char *buf, size_t len, char **err)
{
  return oci_parse_document (buf, len, process_from_tree, err);
}
