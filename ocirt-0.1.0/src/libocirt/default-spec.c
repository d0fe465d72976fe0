#include <config.h>

/* The example config.json of `ocirt spec`, built as an oci_spec and
   written by the libocispec emitter, so that it is exactly what the parser
   reads back.  The content matches what runc's `spec` produces, so bundles
   made for one work with the other.  */

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "default-spec.h"
#include "util.h"

struct mount_template
{
  const char *destination;
  const char *type;
  const char *source;
  const char *const *options;
};

static const char *const default_caps[]
    = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };

static const char *const default_env[]
    = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "TERM=xterm", NULL };

static const char *const dev_options[]
    = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
static const char *const devpts_options[]
    = { "nosuid",    "noexec", "newinstance", "ptmxmode=0666",
        "mode=0620", "gid=5",  NULL };
static const char *const shm_options[]
    = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
static const char *const mqueue_options[]
    = { "nosuid", "noexec", "nodev", NULL };
static const char *const sysfs_options[]
    = { "nosuid", "noexec", "nodev", "ro", NULL };
static const char *const sys_rbind_options[]
    = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
static const char *const cgroup_options[]
    = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };

static const struct mount_template default_mounts[] = {
  { "/proc", "proc", "proc", NULL },
  { "/dev", "tmpfs", "tmpfs", dev_options },
  { "/dev/pts", "devpts", "devpts", devpts_options },
  { "/dev/shm", "tmpfs", "shm", shm_options },
  { "/dev/mqueue", "mqueue", "mqueue", mqueue_options },
  { "/sys", "sysfs", "sysfs", sysfs_options },
  { "/sys/fs/cgroup", "cgroup", "cgroup", cgroup_options },
};

/* An unprivileged user cannot mount a fresh sysfs outside its own network
   namespace: bind the host's instead.  */
static const struct mount_template rootless_sys
    = { "/sys", "none", "/sys", sys_rbind_options };

static const char *const masked_paths[] = {
  "/proc/acpi",
  "/proc/asound",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/sys/firmware",
  "/proc/scsi",
  "/sys/devices/virtual/tpm",
  NULL,
};

static const char *const readonly_paths[]
    = { "/proc/bus",           "/proc/fs", "/proc/irq", "/proc/sys",
        "/proc/sysrq-trigger", NULL };

/* Copy a NULL-terminated list; skip uid=/gid= options when asked (a user
   namespace with a single mapped id has no group 5 to give devpts).  */
static char **
strv_copy (const char *const *src, size_t *len, bool drop_ids)
{
  size_t n = 0, i;
  char **out;

  for (i = 0; src && src[i]; i++)
    n++;
  out = xcalloc (n + 1, sizeof (char *));
  *len = 0;
  for (i = 0; i < n; i++)
    {
      if (drop_ids
          && (strncmp (src[i], "uid=", 4) == 0
              || strncmp (src[i], "gid=", 4) == 0))
        continue;
      out[(*len)++] = xstrdup (src[i]);
    }
  return out;
}

static oci_capabilities *
default_capabilities (void)
{
  oci_capabilities *c = xzalloc (sizeof (*c));

  c->bounding = strv_copy (default_caps, &c->bounding_len, false);
  c->effective = strv_copy (default_caps, &c->effective_len, false);
  c->permitted = strv_copy (default_caps, &c->permitted_len, false);
  c->has_bounding = c->has_effective = c->has_permitted = true;
  return c;
}

static oci_process *
default_process (void)
{
  static const char *const args[] = { "sh", NULL };
  oci_process *p = xzalloc (sizeof (*p));

  p->terminal = true;
  p->args = strv_copy (args, &p->args_len, false);
  p->env = strv_copy (default_env, &p->env_len, false);
  p->cwd = xstrdup ("/");
  p->no_new_privileges = true;
  p->capabilities = default_capabilities ();
  p->rlimits = xzalloc (sizeof (*p->rlimits));
  p->rlimits_len = 1;
  p->rlimits[0].type = xstrdup ("RLIMIT_NOFILE");
  p->rlimits[0].resource = RLIMIT_NOFILE;
  p->rlimits[0].hard = 1024;
  p->rlimits[0].soft = 1024;
  return p;
}

static void
set_mount (oci_mount *m, const struct mount_template *t, bool rootless)
{
  m->destination = xstrdup (t->destination);
  m->type = xstrdup (t->type);
  m->source = xstrdup (t->source);
  if (t->options)
    m->options = strv_copy (t->options, &m->options_len, rootless);
}

static void
default_mounts_fill (oci_spec *s, bool rootless)
{
  size_t i, n = ARRAY_SIZE (default_mounts);

  s->mounts = xcalloc (n, sizeof (oci_mount));
  s->mounts_len = n;
  for (i = 0; i < n; i++)
    {
      const struct mount_template *t = &default_mounts[i];

      if (rootless && strcmp (t->destination, "/sys") == 0)
        t = &rootless_sys;
      set_mount (&s->mounts[i], t, rootless);
    }
}

static void
add_namespace (oci_linux *l, oci_ns_type type)
{
  l->namespaces[l->namespaces_len++].type = type;
}

static oci_id_mapping *
single_mapping (uint32_t host_id)
{
  oci_id_mapping *m = xzalloc (sizeof (*m));

  m->container_id = 0;
  m->host_id = host_id;
  m->size = 1;
  return m;
}

static oci_linux *
default_linux (bool rootless)
{
  oci_linux *l = xzalloc (sizeof (*l));

  l->namespaces = xcalloc (OCI_NS_COUNT, sizeof (oci_namespace));
  add_namespace (l, OCI_NS_PID);
  if (!rootless)
    add_namespace (l, OCI_NS_NETWORK);
  add_namespace (l, OCI_NS_IPC);
  add_namespace (l, OCI_NS_UTS);
  add_namespace (l, OCI_NS_MOUNT);
  add_namespace (l, OCI_NS_CGROUP);
  if (rootless)
    {
      add_namespace (l, OCI_NS_USER);
      l->uid_mappings = single_mapping (geteuid ());
      l->uid_mappings_len = 1;
      l->gid_mappings = single_mapping (getegid ());
      l->gid_mappings_len = 1;
    }
  else
    {
      /* Deny every device; the runtime adds the default ones itself.  */
      l->resources = xzalloc (sizeof (*l->resources));
      l->resources->devices = xzalloc (sizeof (oci_device_cgroup));
      l->resources->devices_len = 1;
      l->resources->devices[0].allow = false;
      l->resources->devices[0].access = xstrdup ("rwm");
    }
  l->masked_paths = strv_copy (masked_paths, &l->masked_paths_len, false);
  l->readonly_paths = strv_copy (readonly_paths, &l->readonly_paths_len, false);
  return l;
}

oci_spec *
ocirt_default_spec (bool rootless)
{
  oci_spec *s = xzalloc (sizeof (*s));

  s->oci_version = xstrdup (OCI_SPEC_VERSION);
  s->process = default_process ();
  s->root = xzalloc (sizeof (*s->root));
  s->root->path = xstrdup ("rootfs");
  s->root->readonly = true;
  s->hostname = xstrdup ("ocirt");
  default_mounts_fill (s, rootless);
  s->linux = default_linux (rootless);
  return s;
}

char *
ocirt_default_spec_json (bool rootless, ocirt_error_t *err)
{
  oci_spec *s = ocirt_default_spec (rootless);
  cleanup_free char *emit_err = NULL;
  char *json, *out;

  json = oci_spec_emit (s, true, &emit_err);
  oci_spec_free (s);
  if (json == NULL)
    {
      ocirt_error_set (err, 0, "build the default config: %s",
                       emit_err ? emit_err : "unknown error");
      return NULL;
    }
  if (json[0] != '\0' && json[strlen (json) - 1] == '\n')
    return json;
  xasprintf (&out, "%s\n", json);
  free (json);
  return out;
}
