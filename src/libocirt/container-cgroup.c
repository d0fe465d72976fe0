/* ocirt: container verbs built on the cgroup: update, pause, resume,
   ps and events.  */
#include <config.h>

#include <string.h>

#include "cgroup.h"
#include "container-cgroup.h"
#include "intelrdt.h"
#include "container.h"
#include "util.h"

/* Open the container and check that it has a cgroup and is not stopped.
   Returns the status, or NULL with err set.  */
static const char *
open_live (const char *root, const char *id, bool exclusive,
           struct ocirt_opened *o, const char *verb, ocirt_error_t *err)
{
  const char *status;

  if (ocirt_container_open (root, id, exclusive, o, err) < 0)
    return NULL;
  status = ocirt_state_status (o->dirfd, &o->st);
  if (strcmp (status, "stopped") == 0)
    {
      ocirt_error_set (err, 0, "cannot %s container \"%s\": it is stopped",
                       verb, id);
      return NULL;
    }
  if (o->st.cgroup_path == NULL)
    {
      ocirt_error_set (err, 0, "container \"%s\" has no cgroup", id);
      return NULL;
    }
  return status;
}

int
ocirt_container_update_rdt (const char *root, const char *id, const char *l3,
                            const char *mb, ocirt_error_t *err)
{
  struct ocirt_opened o;
  oci_spec *spec = NULL;
  int ret = -1;

  if (open_live (root, id, true, &o, "update", err) != NULL)
    {
      spec = ocirt_container_saved_config (o.dirfd, err);
      if (spec)
        ret = ocirt_intelrdt_update (
            spec->linux ? spec->linux->intel_rdt : NULL, id, l3, mb, err);
    }
  oci_spec_free (spec);
  ocirt_opened_release (&o);
  return ret;
}

int
ocirt_container_update (const char *root, const char *id,
                        const oci_resources *r, ocirt_error_t *err)
{
  struct ocirt_opened o;
  int ret = -1;

  if (open_live (root, id, true, &o, "update", err) != NULL)
    ret = ocirt_cgroup_apply_resources (o.st.cgroup_path, r, true, err);
  ocirt_opened_release (&o);
  return ret;
}

int
ocirt_container_pause (const char *root, const char *id, bool pause,
                       ocirt_error_t *err)
{
  struct ocirt_opened o;
  const char *status;
  const char *want = pause ? "running" : "paused";
  int ret = -1;

  status = open_live (root, id, true, &o, pause ? "pause" : "resume", err);
  if (status == NULL)
    goto out;
  if (strcmp (status, want) != 0)
    {
      ocirt_error_set (err, 0, "cannot %s container \"%s\": it is %s, not %s",
                       pause ? "pause" : "resume", id, status, want);
      goto out;
    }
  ret = ocirt_cgroup_freeze (o.st.cgroup_path, pause, err);
out:
  ocirt_opened_release (&o);
  return ret;
}

int
ocirt_container_pids (const char *root, const char *id, pid_t **pids, size_t *n,
                      ocirt_error_t *err)
{
  struct ocirt_opened o;
  int ret = -1;

  if (open_live (root, id, false, &o, "list the processes of", err) != NULL)
    ret = ocirt_cgroup_pids (o.st.cgroup_path, pids, n, err);
  ocirt_opened_release (&o);
  return ret;
}

int
ocirt_container_cgroup (const char *root, const char *id, char **path,
                        int *pidfd, ocirt_error_t *err)
{
  struct ocirt_opened o;
  int ret = -1;

  if (open_live (root, id, false, &o, "watch", err) != NULL)
    {
      *path = xstrdup (o.st.cgroup_path);
      *pidfd = ocirt_container_pidfd (&o.st);
      ret = 0;
    }
  ocirt_opened_release (&o);
  return ret;
}
