#include <config.h>
/* ocirt: joining, creating and configuring the container's namespaces.  */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "namespaces.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

int
ocirt_ns_clone_flag (oci_ns_type t)
{
  switch (t)
    {
    case OCI_NS_PID:
      return CLONE_NEWPID;
    case OCI_NS_NETWORK:
      return CLONE_NEWNET;
    case OCI_NS_MOUNT:
      return CLONE_NEWNS;
    case OCI_NS_IPC:
      return CLONE_NEWIPC;
    case OCI_NS_UTS:
      return CLONE_NEWUTS;
    case OCI_NS_USER:
      return CLONE_NEWUSER;
    case OCI_NS_CGROUP:
      return CLONE_NEWCGROUP;
    case OCI_NS_TIME:
      return CLONE_NEWTIME;
    default:
      return 0;
    }
}

static const char *
flag_name (int flag)
{
  int t;

  for (t = 0; t < OCI_NS_COUNT; t++)
    if (ocirt_ns_clone_flag ((oci_ns_type)t) == flag)
      return oci_ns_type_name ((oci_ns_type)t);
  return "unknown";
}

/* Open a namespace file and check it is a namespace of type t.  */
static int
open_ns (const oci_namespace *ns, ocirt_error_t *err)
{
  const char *want = oci_ns_type_name (ns->type);
  cleanup_close int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
  int type;

  if (fd < 0)
    return ocirt_error_errno (err, "open %s namespace \"%s\"", want, ns->path);
  type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0)
    return ocirt_error_errno (err, "\"%s\" is not a namespace file", ns->path);
  if (type != ocirt_ns_clone_flag (ns->type))
    return ocirt_error_set (err, 0, "namespace \"%s\" has type %s, not %s",
                            ns->path, flag_name (type), want);
  return steal_fd (&fd);
}

int
ocirt_ns_validate (const oci_linux *l, ocirt_error_t *err)
{
  bool seen[OCI_NS_COUNT] = { false };
  size_t i;

  for (i = 0; l && i < l->namespaces_len; i++)
    {
      const oci_namespace *ns = &l->namespaces[i];
      int fd;

      if ((int)ns->type < 0 || ns->type >= OCI_NS_COUNT)
        return ocirt_error_set (err, 0,
                                "linux.namespaces[%zu]: unknown "
                                "type",
                                i);
      if (seen[ns->type])
        return ocirt_error_set (err, 0, "namespace %s listed twice",
                                oci_ns_type_name (ns->type));
      seen[ns->type] = true;
      if (ns->path == NULL)
        continue;
      fd = open_ns (ns, err);
      if (fd < 0)
        return -1;
      close (fd);
    }
  return 0;
}

static int
join (const oci_namespace *ns, ocirt_error_t *err)
{
  cleanup_close int fd = open_ns (ns, err);

  if (fd < 0)
    return -1;
  if (setns (fd, ocirt_ns_clone_flag (ns->type)) < 0)
    return ocirt_error_errno (err, "join %s namespace \"%s\"",
                              oci_ns_type_name (ns->type), ns->path);
  return 0;
}

int
ocirt_ns_join_user (const oci_linux *l, ocirt_error_t *err)
{
  size_t i;

  for (i = 0; l && i < l->namespaces_len; i++)
    if (l->namespaces[i].type == OCI_NS_USER && l->namespaces[i].path)
      return join (&l->namespaces[i], err);
  return 0;
}

int
ocirt_ns_join_others (const oci_linux *l, ocirt_error_t *err)
{
  size_t i;
  int fds[OCI_NS_COUNT];
  size_t nfds = 0;
  int r = 0;

  /* Open every file first: once the mount namespace is joined the paths
     would resolve in the container.  */
  for (i = 0; l && i < l->namespaces_len; i++)
    {
      const oci_namespace *ns = &l->namespaces[i];
      if (ns->type == OCI_NS_USER || ns->path == NULL)
        continue;
      fds[nfds] = open_ns (ns, err);
      if (fds[nfds] < 0)
        {
          r = -1;
          break;
        }
      nfds++;
    }
  if (r == 0)
    {
      size_t k = 0;
      for (i = 0; l && i < l->namespaces_len; i++)
        {
          const oci_namespace *ns = &l->namespaces[i];
          if (ns->type == OCI_NS_USER || ns->path == NULL)
            continue;
          if (setns (fds[k++], ocirt_ns_clone_flag (ns->type)) < 0)
            {
              r = ocirt_error_errno (err, "join %s namespace \"%s\"",
                                     oci_ns_type_name (ns->type), ns->path);
              break;
            }
        }
    }
  for (i = 0; i < nfds; i++)
    close (fds[i]);
  return r;
}

int
ocirt_ns_new_flags (const oci_linux *l, bool exclude_user)
{
  int flags = 0;
  size_t i;

  for (i = 0; l && i < l->namespaces_len; i++)
    {
      const oci_namespace *ns = &l->namespaces[i];
      if (ns->path != NULL || (exclude_user && ns->type == OCI_NS_USER))
        continue;
      flags |= ocirt_ns_clone_flag (ns->type);
    }
  return flags;
}

int
ocirt_ns_write_time_offsets (const oci_linux *l, ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  char buf[128];
  int n;

  if (l == NULL || (!l->has_time_monotonic && !l->has_time_boottime))
    return 0;
  fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open /proc/self/timens_offsets");
  /* One write per clock: the kernel parses one line at a time.  */
  if (l->has_time_monotonic)
    {
      n = snprintf (buf, sizeof (buf), "monotonic %lld %u\n",
                    (long long)l->time_monotonic.secs,
                    l->time_monotonic.nanosecs);
      if (write (fd, buf, (size_t)n) != n)
        return ocirt_error_errno (err, "write time offset \"%.*s\"", n - 1,
                                  buf);
    }
  if (l->has_time_boottime)
    {
      n = snprintf (buf, sizeof (buf), "boottime %lld %u\n",
                    (long long)l->time_boottime.secs,
                    l->time_boottime.nanosecs);
      if (write (fd, buf, (size_t)n) != n)
        return ocirt_error_errno (err, "write time offset \"%.*s\"", n - 1,
                                  buf);
    }
  return 0;
}

static char *
format_map (const oci_id_mapping *m, size_t n)
{
  char *out = xstrdup ("");
  size_t i;

  for (i = 0; i < n; i++)
    {
      char *next;
      xasprintf (&next, "%s%u %u %u\n", out, m[i].container_id, m[i].host_id,
                 m[i].size);
      free (out);
      out = next;
    }
  return out;
}

static int
write_proc_file (int pid, const char *name, const char *text,
                 ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  char path[64];
  size_t len = strlen (text);

  snprintf (path, sizeof (path), "/proc/%d/%s", pid, name);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open %s", path);
  /* The whole map must go in a single write.  */
  if (write (fd, text, len) != (ssize_t)len)
    return ocirt_error_errno (err, "write %s", path);
  return 0;
}

/* setgroups must be denied before an unprivileged writer may set a gid
   map; root in the parent namespace does not need that.  */
static bool
needs_setgroups_deny (const oci_linux *l)
{
  if (geteuid () == 0)
    return false;
  return l->gid_mappings_len == 1 && l->gid_mappings[0].size == 1;
}

int
ocirt_ns_write_id_maps (int pid, const oci_linux *l, ocirt_error_t *err)
{
  cleanup_free char *uid_map = NULL, *gid_map = NULL;

  if (l == NULL)
    return 0;
  if (l->gid_mappings_len && needs_setgroups_deny (l)
      && write_proc_file (pid, "setgroups", "deny", err) < 0)
    return -1;
  if (l->uid_mappings_len)
    {
      uid_map = format_map (l->uid_mappings, l->uid_mappings_len);
      if (write_proc_file (pid, "uid_map", uid_map, err) < 0)
        return ocirt_error_wrap (err, "uidMappings");
    }
  if (l->gid_mappings_len)
    {
      gid_map = format_map (l->gid_mappings, l->gid_mappings_len);
      if (write_proc_file (pid, "gid_map", gid_map, err) < 0)
        return ocirt_error_wrap (err, "gidMappings");
    }
  return 0;
}
