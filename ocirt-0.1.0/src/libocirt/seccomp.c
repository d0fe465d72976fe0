#include <config.h>

/* Compile linux.seccomp into a classic BPF program with libseccomp.  The
   runtime does this before the init exists; the init only installs the
   result (seccomp-load.c), so flags are applied at load time.  */

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "seccomp.h"
#include "util.h"

void
ocirt_seccomp_prog_release (struct ocirt_seccomp_prog *p)
{
  free (p->filter);
  p->filter = NULL;
  p->len = 0;
  p->has_notify = false;
}

#ifdef HAVE_SECCOMP

/* The kernel refuses longer programs (BPF_MAXINSNS).  */
#define MAX_INSNS 4096
/* Syscalls take at most six arguments.  */
#define MAX_ARGS 6
/* Bytes of one struct sock_filter.  */
#define INSN_SIZE 8

/* The 32-bit action of NAME with errno (or trace message) RET.  */
static int
action_value (const char *name, bool has_ret, uint32_t ret, uint32_t *out,
              const char *path, ocirt_error_t *err)
{
  uint32_t r = has_ret ? ret : EPERM;

  if ((strcmp (name, "SCMP_ACT_ERRNO") == 0
       || strcmp (name, "SCMP_ACT_TRACE") == 0)
      && r > 0xffff)
    return ocirt_error_set (err, 0, "%s: errno %u out of range", path, r);
  if (strcmp (name, "SCMP_ACT_KILL") == 0
      || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO (r);
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE (r);
  else if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    *out = SCMP_ACT_NOTIFY;
  else
    return ocirt_error_set (err, 0, "%s: unknown seccomp action \"%s\"", path,
                            name);
  return 0;
}

static int
operator_value (const char *name, enum scmp_compare *out)
{
  static const struct
  {
    const char *name;
    enum scmp_compare op;
  } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE },
    { "SCMP_CMP_LT", SCMP_CMP_LT },
    { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ },
    { "SCMP_CMP_GE", SCMP_CMP_GE },
    { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };

  for (size_t i = 0; i < ARRAY_SIZE (ops); i++)
    if (strcmp (ops[i].name, name) == 0)
      {
        *out = ops[i].op;
        return 0;
      }
  return -1;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64", 0 if unknown.  */
static uint32_t
arch_token (const char *spec_name)
{
  static const char prefix[] = "SCMP_ARCH_";
  char lower[32];
  const char *p;
  size_t i;

  if (strncmp (spec_name, prefix, sizeof prefix - 1) != 0)
    return 0;
  p = spec_name + sizeof prefix - 1;
  if (strlen (p) >= sizeof lower)
    return 0;
  for (i = 0; p[i]; i++)
    lower[i] = (char)tolower ((unsigned char)p[i]);
  lower[i] = '\0';
  return seccomp_arch_resolve_name (lower);
}

static int
add_archs (scmp_filter_ctx ctx, const oci_seccomp *s, ocirt_error_t *err)
{
  for (size_t i = 0; i < s->architectures_len; i++)
    {
      uint32_t a = arch_token (s->architectures[i]);
      int r;

      if (a == 0)
        return ocirt_error_set (err, 0,
                                "linux.seccomp.architectures[%zu]: %s is not "
                                "supported by this libseccomp",
                                i, s->architectures[i]);
      r = seccomp_arch_add (ctx, a);
      if (r < 0 && r != -EEXIST)
        return ocirt_error_set (err, -r,
                                "linux.seccomp.architectures[%zu]: add %s", i,
                                s->architectures[i]);
    }
  return 0;
}

static int
build_conditions (const oci_seccomp_syscall *sc, size_t idx,
                  struct scmp_arg_cmp *conds, bool *shared_index,
                  ocirt_error_t *err)
{
  unsigned counts[MAX_ARGS] = { 0 };

  *shared_index = false;
  for (size_t j = 0; j < sc->args_len; j++)
    {
      const oci_seccomp_arg *a = &sc->args[j];
      enum scmp_compare op;

      if (a->index >= MAX_ARGS)
        return ocirt_error_set (err, 0,
                                "linux.seccomp.syscalls[%zu].args[%zu].index: "
                                "%u is not below %d",
                                idx, j, a->index, MAX_ARGS);
      if (operator_value (a->op, &op) < 0)
        return ocirt_error_set (err, 0,
                                "linux.seccomp.syscalls[%zu].args[%zu].op: "
                                "unknown operator \"%s\"",
                                idx, j, a->op);
      if (++counts[a->index] > 1)
        *shared_index = true;
      conds[j] = (struct scmp_arg_cmp){
        .arg = a->index,
        .op = op,
        .datum_a = a->value,
        .datum_b = a->has_value_two ? a->value_two : 0,
      };
    }
  return 0;
}

/* Conditions on distinct arguments all have to hold (one rule).  Several
   conditions on the same argument are alternatives, as in runc: one rule
   per condition.  */
static int
add_rules_for (scmp_filter_ctx ctx, int nr, uint32_t action,
               const struct scmp_arg_cmp *conds, size_t n, bool shared_index)
{
  if (n == 0)
    return seccomp_rule_add_array (ctx, action, nr, 0, NULL);
  if (!shared_index)
    return seccomp_rule_add_array (ctx, action, nr, (unsigned)n, conds);
  for (size_t j = 0; j < n; j++)
    {
      int r = seccomp_rule_add_array (ctx, action, nr, 1, &conds[j]);
      if (r < 0)
        return r;
    }
  return 0;
}

/* The init talks to the runtime with write and sendmsg right after a
   notifying filter is in place, before anyone holds the listener.  */
static bool
notify_would_deadlock (const char *name)
{
  return strcmp (name, "write") == 0 || strcmp (name, "sendmsg") == 0;
}

static int
add_syscall (scmp_filter_ctx ctx, const oci_seccomp_syscall *sc, size_t idx,
             uint32_t def_action, bool *has_notify, ocirt_error_t *err)
{
  struct scmp_arg_cmp conds[MAX_ARGS * 8];
  char path[64];
  uint32_t action;
  bool shared;

  snprintf (path, sizeof path, "linux.seccomp.syscalls[%zu]", idx);
  if (action_value (sc->action, sc->has_errno_ret, sc->errno_ret, &action, path,
                    err)
      < 0)
    return -1;
  if (sc->args_len > ARRAY_SIZE (conds))
    return ocirt_error_set (err, 0, "%s.args: more than %zu conditions", path,
                            ARRAY_SIZE (conds));
  if (build_conditions (sc, idx, conds, &shared, err) < 0)
    return -1;
  /* libseccomp refuses rules that repeat the default action.  */
  if (action == def_action)
    return 0;
  for (size_t k = 0; k < sc->names_len; k++)
    {
      int nr = seccomp_syscall_resolve_name (sc->names[k]);
      int r;

      /* Unknown to this libseccomp: skipped, like runc.  */
      if (nr == __NR_SCMP_ERROR)
        continue;
      if (action == SCMP_ACT_NOTIFY && notify_would_deadlock (sc->names[k]))
        return ocirt_error_set (err, 0,
                                "%s: SCMP_ACT_NOTIFY cannot be used for the "
                                "%s syscall",
                                path, sc->names[k]);
      r = add_rules_for (ctx, nr, action, conds, sc->args_len, shared);
      if (r < 0)
        return ocirt_error_set (err, -r, "%s: add a rule for \"%s\"", path,
                                sc->names[k]);
      if (action == SCMP_ACT_NOTIFY)
        *has_notify = true;
    }
  return 0;
}

/* Read back what seccomp_export_bpf wrote.  */
static int
export_program (scmp_filter_ctx ctx, struct ocirt_seccomp_prog *out,
                ocirt_error_t *err)
{
  cleanup_free char *buf = NULL;
  size_t len = 0;
  int r;

#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
  r = seccomp_export_bpf_mem (ctx, NULL, &len);
  if (r == 0)
    {
      buf = xmalloc (len ? len : 1);
      r = seccomp_export_bpf_mem (ctx, buf, &len);
    }
  if (r < 0)
    return ocirt_error_set (err, -r, "seccomp: export the filter");
#else
  cleanup_close int fd = memfd_create ("ocirt-seccomp-bpf", MFD_CLOEXEC);

  if (fd < 0)
    return ocirt_error_set (err, errno, "seccomp: create memfd");
  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return ocirt_error_set (err, -r, "seccomp: export the filter");
  if (lseek (fd, 0, SEEK_SET) < 0)
    return ocirt_error_set (err, errno, "seccomp: rewind the filter");
  r = ocirt_read_fd (fd, MAX_INSNS * INSN_SIZE * 4, &buf, &len);
  if (r < 0)
    return ocirt_error_set (err, -r, "seccomp: read back the filter");
#endif
  if (len == 0 || len % INSN_SIZE != 0)
    return ocirt_error_set (err, EINVAL,
                            "seccomp: exported filter of %zu "
                            "bytes",
                            len);
  if (len / INSN_SIZE > MAX_INSNS)
    return ocirt_error_set (err, E2BIG,
                            "linux.seccomp: the filter has %zu instructions, "
                            "the kernel takes at most %d",
                            len / INSN_SIZE, MAX_INSNS);
  out->filter = steal_ptr (&buf);
  out->len = len / INSN_SIZE;
  return 0;
}

static int
compile_filter (scmp_filter_ctx ctx, const oci_seccomp *s, uint32_t def_action,
                struct ocirt_seccomp_prog *out, ocirt_error_t *err)
{
  bool has_notify = false;

  if (add_archs (ctx, s, err) < 0)
    return -1;
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (add_syscall (ctx, &s->syscalls[i], i, def_action, &has_notify, err) < 0)
      return -1;
  if (has_notify && (s->listener_path == NULL || s->listener_path[0] == '\0'))
    return ocirt_error_set (err, 0,
                            "linux.seccomp.listenerPath: required when "
                            "SCMP_ACT_NOTIFY is used");
  if (export_program (ctx, out, err) < 0)
    return -1;
  out->has_notify = has_notify;
  return 0;
}

int
ocirt_seccomp_compile (const oci_seccomp *s, struct ocirt_seccomp_prog *out,
                       ocirt_error_t *err)
{
  scmp_filter_ctx ctx;
  uint32_t def_action;
  int r;

  out->filter = NULL;
  out->len = 0;
  out->has_notify = false;
  if (s == NULL)
    return 0;
  if (action_value (s->default_action, s->has_default_errno_ret,
                    s->default_errno_ret, &def_action,
                    "linux.seccomp.defaultAction", err)
      < 0)
    return -1;
  /* Nobody holds the listener before the init sends it over.  */
  if (def_action == SCMP_ACT_NOTIFY)
    return ocirt_error_set (err, 0,
                            "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY "
                            "cannot be the default action");
  ctx = seccomp_init (def_action);
  if (ctx == NULL)
    return ocirt_error_set (err, EINVAL,
                            "linux.seccomp.defaultAction: libseccomp refuses "
                            "%s",
                            s->default_action);
  r = compile_filter (ctx, s, def_action, out, err);
  seccomp_release (ctx);
  if (r < 0)
    ocirt_seccomp_prog_release (out);
  return r;
}

#else /* !HAVE_SECCOMP */

int
ocirt_seccomp_compile (const oci_seccomp *s, struct ocirt_seccomp_prog *out,
                       ocirt_error_t *err)
{
  out->filter = NULL;
  out->len = 0;
  out->has_notify = false;
  if (s == NULL)
    return 0;
  return ocirt_error_set (err, ENOTSUP,
                          "linux.seccomp: this ocirt was built without "
                          "libseccomp");
}

#endif
