#include <config.h>
/* ocirt: capability names, becoming the container user, and the five
   capability sets.  */

#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif

#include "procattr.h"
#include "util.h"

static const char *const cap_names[] = {
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
  NULL,
};

int
ocirt_cap_from_name (const char *name)
{
  size_t i;

  if (name == NULL)
    return -1;
  for (i = 0; cap_names[i]; i++)
    if (strcmp (name, cap_names[i]) == 0)
      return (int)i;
#ifdef HAVE_LIBCAP
  {
    /* Names newer than this table, when libcap knows them.  */
    cap_value_t v;
    if (strncmp (name, "CAP_", 4) == 0 && cap_from_name (name, &v) == 0
        && v >= 0 && v < 64)
      return (int)v;
  }
#endif
  return -1;
}

const char *const *
ocirt_cap_names (void)
{
  return cap_names;
}

static int
last_cap (void)
{
  static int cached = -1;
  cleanup_free char *buf = NULL;
  size_t len;
  int v;

  if (cached >= 0)
    return cached;

  if (ocirt_read_file_at (-1, "/proc/sys/kernel/cap_last_cap", 32, &buf, &len)
      < 0)
    return (int)ARRAY_SIZE (cap_names) - 2;
  buf[strcspn (buf, "\n")] = '\0';
  if (ocirt_parse_int (buf, &v) < 0 || v < 0 || v > 63)
    return (int)ARRAY_SIZE (cap_names) - 2;
  cached = v;
  return v;
}

static void
add_warning (char ***warnings, char *msg)
{
  size_t n;

  if (warnings == NULL)
    {
      free (msg);
      return;
    }
  n = ocirt_strv_len (*warnings);
  *warnings = xrealloc (*warnings, (n + 2) * sizeof (char *));
  (*warnings)[n] = msg;
  (*warnings)[n + 1] = NULL;
}

struct capsets
{
  uint64_t bounding, effective, permitted, inheritable, ambient;
  uint64_t warned; /* names already warned about (by number) */
};

/* Turn a list of names into a mask.  Unknown names and capabilities the
   kernel or this process lacks are warnings, never failures.  */
static uint64_t
names_to_mask (char *const *names, size_t n, uint64_t available, int last,
               struct capsets *cs, char ***warnings)
{
  uint64_t mask = 0;
  size_t i;

  for (i = 0; i < n; i++)
    {
      int c = ocirt_cap_from_name (names[i]);
      char *msg;

      if (c < 0 || c > last)
        {
          /* Repeated in several sets: say it once per name.  */
          size_t j;
          bool dup = false;
          for (j = 0; warnings && *warnings && (*warnings)[j]; j++)
            if (strstr ((*warnings)[j], names[i]))
              dup = true;
          if (!dup)
            {
              xasprintf (&msg, "unknown capability \"%s\" ignored", names[i]);
              add_warning (warnings, msg);
            }
          continue;
        }
      if (!(available & (UINT64_C (1) << c)))
        {
          if (!(cs->warned & (UINT64_C (1) << c)))
            {
              xasprintf (&msg,
                         "capability \"%s\" is not available to the "
                         "runtime, ignored",
                         names[i]);
              add_warning (warnings, msg);
              cs->warned |= UINT64_C (1) << c;
            }
          continue;
        }
      mask |= UINT64_C (1) << c;
    }
  return mask;
}

static int
get_caps (struct __user_cap_data_struct data[2])
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  return (int)syscall (SYS_capget, &hdr, data);
}

static int
set_caps (uint64_t eff, uint64_t perm, uint64_t inh)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  data[0].effective = (uint32_t)eff;
  data[1].effective = (uint32_t)(eff >> 32);
  data[0].permitted = (uint32_t)perm;
  data[1].permitted = (uint32_t)(perm >> 32);
  data[0].inheritable = (uint32_t)inh;
  data[1].inheritable = (uint32_t)(inh >> 32);
  return (int)syscall (SYS_capset, &hdr, data);
}

static uint64_t
names_mask (char *const *names, size_t n)
{
  uint64_t m = 0;

  for (size_t i = 0; i < n; i++)
    {
      int c = ocirt_cap_from_name (names[i]);
      if (c >= 0 && c < 64)
        m |= UINT64_C (1) << c;
    }
  return m;
}

static uint64_t
named_caps (const oci_capabilities *c)
{
  return names_mask (c->bounding, c->bounding_len)
         | names_mask (c->permitted, c->permitted_len)
         | names_mask (c->effective, c->effective_len)
         | names_mask (c->inheritable, c->inheritable_len)
         | names_mask (c->ambient, c->ambient_len);
}

static int
compute_sets (const oci_capabilities *c, struct capsets *cs, char ***warnings,
              ocirt_error_t *err)
{
  struct __user_cap_data_struct data[2];
  uint64_t permitted_now, bounding_now = 0, named;
  int last = last_cap ();
  int i;

  if (get_caps (data) < 0)
    return ocirt_error_errno (err, "capget");
  permitted_now = data[0].permitted | ((uint64_t)data[1].permitted << 32);
  /* Only the capabilities the config names matter here: one prctl each,
     not one per capability the kernel knows (every system call counts
     on a virtual machine).  */
  named = named_caps (c);
  for (i = 0; i <= last; i++)
    if ((named & (UINT64_C (1) << i))
        && prctl (PR_CAPBSET_READ, i, 0, 0, 0) > 0)
      bounding_now |= UINT64_C (1) << i;
  memset (cs, 0, sizeof (*cs));
  cs->bounding = names_to_mask (c->bounding, c->bounding_len, bounding_now,
                                last, cs, warnings);
  cs->permitted
      = names_to_mask (c->permitted, c->permitted_len,
                       permitted_now & bounding_now, last, cs, warnings);
  cs->effective
      = names_to_mask (c->effective, c->effective_len,
                       permitted_now & bounding_now, last, cs, warnings);
  cs->inheritable
      = names_to_mask (c->inheritable, c->inheritable_len,
                       permitted_now & bounding_now, last, cs, warnings);
  cs->ambient
      = names_to_mask (c->ambient, c->ambient_len, permitted_now & bounding_now,
                       last, cs, warnings);
  return 0;
}

/* Drop from the bounding set every capability not kept.  Dropping one
   that is not there succeeds, so the set is not read first, except to
   excuse a refusal.  */
static int
drop_bounding (uint64_t keep, ocirt_error_t *err)
{
  int last = last_cap ();
  int i;

  for (i = 0; i <= last; i++)
    {
      if (keep & (UINT64_C (1) << i))
        continue;
      if (prctl (PR_CAPBSET_DROP, i, 0, 0, 0) < 0
          && !(errno == EPERM && prctl (PR_CAPBSET_READ, i, 0, 0, 0) == 0))
        return ocirt_error_errno (
            err, "drop %s from the bounding set",
            i < (int)ARRAY_SIZE (cap_names) - 1 ? cap_names[i] : "capability");
    }
  return 0;
}

static int
set_ambient (uint64_t ambient, uint64_t inheritable, char ***warnings,
             ocirt_error_t *err)
{
  int i;

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    {
      if (errno == EINVAL && ambient == 0)
        return 0; /* kernel without ambient capabilities */
      return ocirt_error_errno (err, "clear the ambient capabilities");
    }
  /* The kernel keeps ambient within inheritable, which stays empty unless
     asked for (CVE-2022-29162): runc's default config lists ambient
     capabilities without inheritable ones, and warning (or even trying)
     on every start would be noise.  */
  for (i = 0; i < 64; i++)
    if ((ambient & (UINT64_C (1) << i)) && (inheritable & (UINT64_C (1) << i))
        && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
      {
        char *msg;

        /* Ambient needs the cap permitted too.  */
        xasprintf (&msg, "cannot raise ambient capability %s: %s",
                   i < (int)ARRAY_SIZE (cap_names) - 1 ? cap_names[i] : "?",
                   strerror (errno));
        add_warning (warnings, msg);
      }
  return 0;
}

static int
become_user (const oci_user *u, bool setgroups_allowed, ocirt_error_t *err)
{
  if (u->additional_gids_len > 0)
    {
      if (!setgroups_allowed)
        return ocirt_error_set (err, 0,
                                "additionalGids requested but "
                                "setgroups is denied in the user "
                                "namespace");
      if (setgroups (u->additional_gids_len, (const gid_t *)u->additional_gids)
          < 0)
        return ocirt_error_errno (err, "setgroups");
    }
  else if (setgroups_allowed && setgroups (0, NULL) < 0)
    return ocirt_error_errno (err, "setgroups");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return ocirt_error_errno (err, "setresgid %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return ocirt_error_errno (err, "setresuid %u", u->uid);
  return 0;
}

int
ocirt_apply_user_and_caps (const oci_process *p, bool setgroups_allowed,
                           char ***warnings, ocirt_error_t *err)
{
  const oci_capabilities *c = p->capabilities;
  struct capsets cs;

  if (c != NULL)
    {
      if (compute_sets (c, &cs, warnings, err) < 0)
        return -1;
      /* Still root with every capability: drop the bounding set now.  */
      if (drop_bounding (cs.bounding, err) < 0)
        return -1;
    }
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return ocirt_error_errno (err, "prctl PR_SET_KEEPCAPS");
  if (become_user (&p->user, setgroups_allowed, err) < 0)
    return -1;
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return ocirt_error_errno (err, "prctl PR_SET_KEEPCAPS");
  if (c != NULL)
    {
      if (set_caps (cs.effective, cs.permitted, cs.inheritable) < 0)
        return ocirt_error_errno (err, "capset");
      if (set_ambient (cs.ambient, cs.inheritable, warnings, err) < 0)
        return -1;
    }
  if (p->user.has_umask)
    umask ((mode_t)(p->user.umask & 0777));
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return ocirt_error_errno (err, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}
