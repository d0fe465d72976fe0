#include <config.h>

/* What this build of ocirt supports, as the features document.  Everything
   is decided at compile time (features.md asks for that) except the seccomp
   flags the kernel and libseccomp accept, which are probed.  */

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <linux/seccomp.h>
#include <seccomp.h>
#endif

#include "features-build.h"
#include "names.h"
#include "procattr.h"
#include "spec.h"
#include "util.h"

static const char *const mount_options[] = {
  "async",         "atime",        "bind",
  "defaults",      "dev",          "diratime",
  "dirsync",       "exec",         "idmap",
  "iversion",      "lazytime",     "loud",
  "mand",          "noatime",      "nodev",
  "nodiratime",    "noexec",       "noiversion",
  "nolazytime",    "nomand",       "norelatime",
  "nostrictatime", "nosuid",       "nosymfollow",
  "private",       "ratime",       "rbind",
  "rdev",          "rdiratime",    "relatime",
  "remount",       "rexec",        "ridmap",
  "rnoatime",      "rnodev",       "rnodiratime",
  "rnoexec",       "rnorelatime",  "rnostrictatime",
  "rnosuid",       "rnosymfollow", "ro",
  "rprivate",      "rrelatime",    "rro",
  "rrw",           "rshared",      "rslave",
  "rstrictatime",  "rsuid",        "rsymfollow",
  "runbindable",   "rw",           "shared",
  "silent",        "slave",        "strictatime",
  "suid",          "symfollow",    "sync",
  "tmpcopyup",     "unbindable",   NULL,
};

static const char *const hook_names[] = {
  "prestart",       "createRuntime", "createContainer",
  "startContainer", "poststart",     "poststop",
};

#define ANNOTATION_PREFIX "io.github.ocirt."

const char *const *
ocirt_known_mount_options (void)
{
  return mount_options;
}

static int
oom (ocirt_error_t *err)
{
  return ocirt_error_set (err, ENOMEM, "build the features document");
}

static int
add_table (oci_feature_list *l, const oci_name_table *t)
{
  size_t i;

  oci_feature_list_set_present (l);
  for (i = 0; i < t->len; i++)
    if (oci_feature_list_add (l, t->entries[i].name) < 0)
      return -1;
  return 0;
}

static int
add_strv (oci_feature_list *l, const char *const *v)
{
  oci_feature_list_set_present (l);
  for (; v && *v; v++)
    if (oci_feature_list_add (l, *v) < 0)
      return -1;
  return 0;
}

#ifdef HAVE_SECCOMP

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64".  */
static bool
arch_known_to_libseccomp (const char *spec_name)
{
  const char *p = spec_name + strlen ("SCMP_ARCH_");
  char lower[32];
  size_t i;

  if (strncmp (spec_name, "SCMP_ARCH_", strlen ("SCMP_ARCH_")) != 0
      || strlen (p) >= sizeof lower)
    return false;
  for (i = 0; p[i]; i++)
    lower[i] = (char)tolower ((unsigned char)p[i]);
  lower[i] = '\0';
  return seccomp_arch_resolve_name (lower) != 0;
}

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The kernel checks the flags before it reads the (NULL) program, so
   EFAULT means the flag is known and nothing is installed.  */
static bool
kernel_has_filter_flag (unsigned long flag)
{
  long r = syscall (__NR_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL);

  return r < 0 && errno == EFAULT;
}

/* ocirt installs the program with its own seccomp(2) call, so only the
   running kernel decides.  WAIT_KILLABLE_RECV is accepted only together
   with NEW_LISTENER.  */
static bool
filter_flag_supported (const char *name)
{
  if (strcmp (name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
    return kernel_has_filter_flag (SECCOMP_FILTER_FLAG_TSYNC);
  if (strcmp (name, "SECCOMP_FILTER_FLAG_LOG") == 0)
    return kernel_has_filter_flag (SECCOMP_FILTER_FLAG_LOG);
  if (strcmp (name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
    return kernel_has_filter_flag (SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  if (strcmp (name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
    return kernel_has_filter_flag (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
                                   | SECCOMP_FILTER_FLAG_NEW_LISTENER);
  return false;
}

static int
fill_seccomp (oci_features_seccomp *s)
{
  const oci_name_table *archs = &oci_seccomp_arch_names;
  const oci_name_table *flags = &oci_seccomp_flag_names;
  size_t i;

  oci_feature_bool_set (&s->enabled, true);
  if (add_table (&s->actions, &oci_seccomp_action_names) < 0
      || add_table (&s->operators, &oci_seccomp_operator_names) < 0
      || add_table (&s->known_flags, flags) < 0)
    return -1;
  oci_feature_list_set_present (&s->archs);
  for (i = 0; i < archs->len; i++)
    if (arch_known_to_libseccomp (archs->entries[i].name)
        && oci_feature_list_add (&s->archs, archs->entries[i].name) < 0)
      return -1;
  oci_feature_list_set_present (&s->supported_flags);
  for (i = 0; i < flags->len; i++)
    if (filter_flag_supported (flags->entries[i].name)
        && oci_feature_list_add (&s->supported_flags, flags->entries[i].name)
               < 0)
      return -1;
  return 0;
}

static int
annotate_libseccomp (oci_features *f)
{
  const struct scmp_version *v = seccomp_version ();
  char buf[64];

  snprintf (buf, sizeof buf, "%u.%u.%u", v->major, v->minor, v->micro);
  return oci_features_annotate (f, ANNOTATION_PREFIX "libseccomp.version", buf);
}

#else

/* Without libseccomp, seccomp in a config is refused: say so, with empty
   lists rather than absent ones.  */
static int
fill_seccomp (oci_features_seccomp *s)
{
  oci_feature_bool_set (&s->enabled, false);
  oci_feature_list_set_present (&s->actions);
  oci_feature_list_set_present (&s->operators);
  oci_feature_list_set_present (&s->archs);
  oci_feature_list_set_present (&s->known_flags);
  oci_feature_list_set_present (&s->supported_flags);
  return 0;
}

static int
annotate_libseccomp (oci_features *f)
{
  return 0;
}

#endif

static int
fill_namespaces (oci_feature_list *l)
{
  int t;

  oci_feature_list_set_present (l);
  for (t = 0; t < OCI_NS_COUNT; t++)
    if (oci_feature_list_add (l, oci_ns_type_name ((oci_ns_type)t)) < 0)
      return -1;
  return 0;
}

static void
fill_cgroup (oci_features_cgroup *c)
{
#ifdef HAVE_SYSTEMD
  const bool has_systemd = true;
#else
  const bool has_systemd = false;
#endif

  oci_feature_bool_set (&c->v1, true);
  oci_feature_bool_set (&c->v2, true);
  oci_feature_bool_set (&c->systemd, has_systemd);
  oci_feature_bool_set (&c->systemd_user, has_systemd);
  /* resources.rdma goes to rdma.max where the controller exists.  */
  oci_feature_bool_set (&c->rdma, true);
}

static int
fill_linux (oci_features_linux *l)
{
#ifdef HAVE_SELINUX
  const bool has_selinux = true;
#else
  const bool has_selinux = false;
#endif

  if (fill_namespaces (&l->namespaces) < 0
      || add_strv (&l->capabilities, ocirt_cap_names ()) < 0)
    return -1;
  l->has_cgroup = true;
  fill_cgroup (&l->cgroup);
  l->has_seccomp = true;
  if (fill_seccomp (&l->seccomp) < 0)
    return -1;
  /* AppArmor needs no library: the profile is written to /proc.  */
  l->has_apparmor = true;
  oci_feature_bool_set (&l->apparmor_enabled, true);
  l->has_selinux = true;
  oci_feature_bool_set (&l->selinux_enabled, has_selinux);
  l->has_intel_rdt = true;
  oci_feature_bool_set (&l->intel_rdt.enabled, true);
  oci_feature_bool_set (&l->intel_rdt.schemata, true);
  oci_feature_bool_set (&l->intel_rdt.monitoring, true);
  l->has_memory_policy = true;
  if (add_table (&l->memory_policy.modes, &oci_mpol_mode_names) < 0
      || add_table (&l->memory_policy.flags, &oci_mpol_flag_names) < 0)
    return -1;
  l->has_mount_extensions = true;
  l->has_idmap = true;
  oci_feature_bool_set (&l->idmap_enabled, true);
  l->has_net_devices = true;
  oci_feature_bool_set (&l->net_devices_enabled, true);
  return 0;
}

static int
fill_annotations (oci_features *f)
{
  f->has_annotations = true;
  if (oci_features_annotate (f, ANNOTATION_PREFIX "version", PACKAGE_VERSION)
          < 0
      || oci_features_annotate (f, ANNOTATION_PREFIX "commit", GIT_COMMIT) < 0
      || annotate_libseccomp (f) < 0
      || oci_features_annotate (f, ANNOTATION_PREFIX "checkpoint.enabled",
                                "false")
             < 0)
    return -1;
  /* Annotations that change how a container is set up.  */
  oci_feature_list_set_present (&f->potentially_unsafe_config_annotations);
#ifdef HAVE_SYSTEMD
  if (oci_feature_list_add (&f->potentially_unsafe_config_annotations,
                            "org.systemd.property.")
      < 0)
    return -1;
#endif
  return 0;
}

int
ocirt_features_build (oci_features *f, ocirt_error_t *err)
{
  f->oci_version_min = strdup (OCI_SPEC_VERSION_MIN);
  f->oci_version_max = strdup (OCI_SPEC_VERSION);
  if (f->oci_version_min == NULL || f->oci_version_max == NULL)
    return oom (err);
  if (oci_feature_list_add_all (&f->hooks, hook_names, ARRAY_SIZE (hook_names))
          < 0
      || add_strv (&f->mount_options, mount_options) < 0
      || fill_annotations (f) < 0)
    return oom (err);
  f->has_linux = true;
  if (fill_linux (&f->linux_features) < 0)
    return oom (err);
  return 0;
}
