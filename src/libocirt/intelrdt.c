#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "intelrdt.h"
#include "util.h"

char *
ocirt_resctrl_mountpoint (void)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return NULL;
  while (getline (&line, &cap, f) > 0)
    {
      /* ... mount-point ... - fstype source options */
      char *sep = strstr (line, " - ");
      char *save = NULL, *fields[6] = { 0 };
      int i = 0;

      if (sep == NULL || strncmp (sep + 3, "resctrl ", 8) != 0)
        continue;
      *sep = '\0';
      for (char *t = strtok_r (line, " ", &save); t && i < 6;
           t = strtok_r (NULL, " ", &save))
        fields[i++] = t;
      if (i >= 5)
        return xstrdup (fields[4]);
    }
  return NULL;
}

static bool
valid_name (const char *s)
{
  return *s && strchr (s, '/') == NULL && strcmp (s, ".") != 0
         && strcmp (s, "..") != 0;
}

static int
write_line (int dirfd, const char *file, const char *value, const char *dir,
            ocirt_error_t *err)
{
  cleanup_free char *v = NULL;
  int n = xasprintf (&v, "%s\n", value);
  int r = ocirt_write_file_at (dirfd, file, v, (size_t)n);

  if (r < 0)
    return ocirt_error_set (err, -r, "intelRdt: write \"%s/%s\" = \"%s\"", dir,
                            file, value);
  return 0;
}

int
ocirt_intelrdt_apply (const oci_intel_rdt *r, const char *id, pid_t pid,
                      char **made_dir, char **mon_dir, ocirt_error_t *err)
{
  cleanup_free char *mnt = NULL, *dir = NULL;
  cleanup_close int dfd = -1;
  const char *clos;
  char pidbuf[32];
  bool made = false;

  *made_dir = NULL;
  *mon_dir = NULL;
  if (r == NULL)
    return 0;
  mnt = ocirt_resctrl_mountpoint ();
  if (mnt == NULL)
    return ocirt_error_set (err, 0,
                            "intelRdt is set, but the resctrl filesystem is "
                            "not mounted (mount -t resctrl resctrl "
                            "/sys/fs/resctrl)");
  clos = r->clos_id ? r->clos_id : id;
  if (strcmp (clos, "/") == 0)
    dir = xstrdup (mnt);
  else
    {
      if (!valid_name (clos))
        return ocirt_error_set (err, 0, "intelRdt.closID: invalid name \"%s\"",
                                clos);
      xasprintf (&dir, "%s/%s", mnt, clos);
      if (mkdir (dir, 0755) == 0)
        made = true;
      else if (errno != EEXIST)
        return ocirt_error_set (err, errno, "intelRdt: create \"%s\"", dir);
    }
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dfd < 0)
    {
      ocirt_error_set (err, errno, "intelRdt: open \"%s\"", dir);
      goto fail;
    }
  if (r->l3_cache_schema
      && write_line (dfd, "schemata", r->l3_cache_schema, dir, err) < 0)
    goto fail;
  if (r->mem_bw_schema
      && write_line (dfd, "schemata", r->mem_bw_schema, dir, err) < 0)
    goto fail;
  for (size_t i = 0; i < r->schemata_len; i++)
    if (write_line (dfd, "schemata", r->schemata[i], dir, err) < 0)
      goto fail;
  snprintf (pidbuf, sizeof pidbuf, "%d", (int)pid);
  if (write_line (dfd, "tasks", pidbuf, dir, err) < 0)
    goto fail;
  if (r->has_enable_monitoring && r->enable_monitoring)
    {
      cleanup_free char *mon = NULL;
      cleanup_close int mfd = -1;

      if (!valid_name (id))
        goto fail;
      xasprintf (&mon, "%s/mon_groups/%s", dir, id);
      if (mkdir (mon, 0755) < 0 && errno != EEXIST)
        {
          ocirt_error_set (err, errno, "intelRdt: create \"%s\"", mon);
          goto fail;
        }
      mfd = open (mon, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (mfd < 0 || write_line (mfd, "tasks", pidbuf, mon, err) < 0)
        {
          if (mfd < 0)
            ocirt_error_set (err, errno, "intelRdt: open \"%s\"", mon);
          rmdir (mon);
          goto fail;
        }
      *mon_dir = steal_ptr (&mon);
    }
  if (made)
    *made_dir = steal_ptr (&dir);
  return 0;
fail:
  if (made)
    rmdir (dir);
  return -1;
}

void
ocirt_intelrdt_destroy (const char *made_dir, const char *mon_dir)
{
  if (mon_dir)
    rmdir (mon_dir);
  if (made_dir)
    rmdir (made_dir);
}

int
ocirt_intelrdt_update (const oci_intel_rdt *r, const char *id, const char *l3,
                       const char *mb, ocirt_error_t *err)
{
  cleanup_free char *mnt = ocirt_resctrl_mountpoint (), *dir = NULL;
  cleanup_close int dfd = -1;
  const char *clos = r && r->clos_id ? r->clos_id : id;

  if (mnt == NULL)
    return ocirt_error_set (err, 0,
                            "Intel RDT: the resctrl filesystem is not mounted");
  if (strcmp (clos, "/") == 0)
    dir = xstrdup (mnt);
  else if (!valid_name (clos))
    return ocirt_error_set (err, 0, "intelRdt.closID: invalid name \"%s\"",
                            clos);
  else
    xasprintf (&dir, "%s/%s", mnt, clos);
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dfd < 0)
    return ocirt_error_set (err, errno,
                            "Intel RDT: the container's group \"%s\"", dir);
  if (l3 && write_line (dfd, "schemata", l3, dir, err) < 0)
    return -1;
  if (mb && write_line (dfd, "schemata", mb, dir, err) < 0)
    return -1;
  return 0;
}
