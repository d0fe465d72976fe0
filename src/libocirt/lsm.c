#include <config.h>

#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "lsm.h"
#include "util.h"

static bool
apparmor_enabled (void)
{
  cleanup_free char *buf = NULL;

  if (ocirt_read_file_at (-1, "/sys/module/apparmor/parameters/enabled", 16,
                          &buf, NULL)
      < 0)
    return false;
  return buf[0] == 'Y';
}

int
ocirt_lsm_check_host (const oci_process *p, ocirt_error_t *err)
{
  if (p && p->apparmor_profile && *p->apparmor_profile && !apparmor_enabled ())
    return ocirt_error_set (err, 0,
                            "apparmor profile \"%s\" requested, but AppArmor "
                            "is not enabled on this host",
                            p->apparmor_profile);
  return 0;
}

static int
write_apparmor (const char *profile, ocirt_error_t *err)
{
  cleanup_close int proc = -1, fd = -1;
  cleanup_free char *value = NULL;
  struct statfs sfs;
  int n;

  proc = open ("/proc/self/attr", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0)
    return ocirt_error_set (err, errno, "apparmor: open /proc/self/attr");
  /* Refuse a fake /proc, e.g. a volume mounted over it.  */
  if (fstatfs (proc, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return ocirt_error_set (err, EPERM,
                            "apparmor: /proc/self/attr is not on procfs");
  fd = openat (proc, "apparmor/exec", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    fd = openat (proc, "exec", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return ocirt_error_set (err, errno, "apparmor: open attr/exec");
  if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return ocirt_error_set (err, EPERM, "apparmor: attr/exec is not on procfs");
  n = xasprintf (&value, "exec %s", profile);
  if (write (fd, value, (size_t)n) != n)
    return ocirt_error_set (err, errno, "apparmor: apply profile \"%s\"",
                            profile);
  return 0;
}

int
ocirt_lsm_apply_exec (const oci_process *p, ocirt_error_t *err)
{
  if (p->apparmor_profile && *p->apparmor_profile
      && write_apparmor (p->apparmor_profile, err) < 0)
    return -1;
#ifdef HAVE_SELINUX
  if (p->selinux_label && *p->selinux_label && is_selinux_enabled () > 0
      && setexeccon (p->selinux_label) < 0)
    return ocirt_error_set (err, errno, "selinux: set exec label \"%s\"",
                            p->selinux_label);
#endif
  return 0;
}
