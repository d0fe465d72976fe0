#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "lsm.h"
#include "procfs.h"
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

/* Through the private procfs handle (procfs.c), never the container's
   /proc (CVE-2019-16884, CVE-2025-52881).  */
static int
write_apparmor (int procfd, const char *profile, ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  cleanup_free char *value = NULL;
  int n;

  fd = ocirt_procfs_open_self (procfd, "attr/apparmor/exec", O_WRONLY, err);
  if (fd < 0 && err->errnum == ENOENT)
    {
      /* Kernels before 5.8 only have the shared attr/exec.  */
      ocirt_error_release (err);
      fd = ocirt_procfs_open_self (procfd, "attr/exec", O_WRONLY, err);
    }
  if (fd < 0)
    return ocirt_error_wrap (err, "apparmor");
  n = xasprintf (&value, "exec %s", profile);
  if (write (fd, value, (size_t)n) != n)
    return ocirt_error_set (err, errno, "apparmor: apply profile \"%s\"",
                            profile);
  return 0;
}

int
ocirt_lsm_apply_exec (int procfd, const oci_process *p, ocirt_error_t *err)
{
  if (p->apparmor_profile && *p->apparmor_profile
      && write_apparmor (procfd, p->apparmor_profile, err) < 0)
    return -1;
#ifdef HAVE_SELINUX
  if (p->selinux_label && *p->selinux_label && is_selinux_enabled () > 0
      && setexeccon (p->selinux_label) < 0)
    return ocirt_error_set (err, errno, "selinux: set exec label \"%s\"",
                            p->selinux_label);
#endif
  return 0;
}
