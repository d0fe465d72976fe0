#include <config.h>

/* The features document (features.md, features-linux.md): list helpers and
   the JSON emitter.  Key order follows the order of the specification.  */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "oci-features.h"

void
oci_feature_list_set_present (oci_feature_list *l)
{
  l->present = true;
}

int
oci_feature_list_add (oci_feature_list *l, const char *item)
{
  char **items;
  char *copy;

  l->present = true;
  copy = strdup (item);
  if (copy == NULL)
    return -1;
  items = realloc (l->items, (l->len + 1) * sizeof (*items));
  if (items == NULL)
    {
      free (copy);
      return -1;
    }
  items[l->len++] = copy;
  l->items = items;
  return 0;
}

int
oci_feature_list_add_all (oci_feature_list *l, const char *const *items,
                          size_t n)
{
  size_t i;

  l->present = true;
  for (i = 0; i < n; i++)
    if (oci_feature_list_add (l, items[i]) < 0)
      return -1;
  return 0;
}

void
oci_feature_bool_set (oci_feature_bool *b, bool value)
{
  b->is_set = true;
  b->value = value;
}

int
oci_features_annotate (oci_features *f, const char *key, const char *value)
{
  oci_string_map *m = &f->annotations;
  char **keys, **values;
  size_t n = m->len + 1;

  f->has_annotations = true;
  keys = realloc (m->keys, n * sizeof (*keys));
  if (keys == NULL)
    return -1;
  m->keys = keys;
  values = realloc (m->values, n * sizeof (*values));
  if (values == NULL)
    return -1;
  m->values = values;
  keys[m->len] = strdup (key);
  values[m->len] = strdup (value);
  if (keys[m->len] == NULL || values[m->len] == NULL)
    {
      free (keys[m->len]);
      free (values[m->len]);
      return -1;
    }
  m->len = n;
  return 0;
}

static void
list_clear (oci_feature_list *l)
{
  size_t i;

  for (i = 0; i < l->len; i++)
    free (l->items[i]);
  free (l->items);
}

void
oci_features_clear (oci_features *f)
{
  oci_features_linux *l = &f->linux_features;
  size_t i;

  free (f->oci_version_min);
  free (f->oci_version_max);
  list_clear (&f->hooks);
  list_clear (&f->mount_options);
  for (i = 0; i < f->annotations.len; i++)
    {
      free (f->annotations.keys[i]);
      free (f->annotations.values[i]);
    }
  free (f->annotations.keys);
  free (f->annotations.values);
  list_clear (&f->potentially_unsafe_config_annotations);
  list_clear (&l->namespaces);
  list_clear (&l->capabilities);
  list_clear (&l->seccomp.actions);
  list_clear (&l->seccomp.operators);
  list_clear (&l->seccomp.archs);
  list_clear (&l->seccomp.known_flags);
  list_clear (&l->seccomp.supported_flags);
  list_clear (&l->memory_policy.modes);
  list_clear (&l->memory_policy.flags);
  memset (f, 0, sizeof (*f));
}

/* Emitter.  The first generator failure is kept and reported at the end.  */

struct femit
{
  yajl_gen g;
  yajl_gen_status status;
};

static void
check (struct femit *e, yajl_gen_status st)
{
  if (e->status == yajl_gen_status_ok && st != yajl_gen_status_ok)
    e->status = st;
}

static void
str (struct femit *e, const char *s)
{
  check (e, yajl_gen_string (e->g, (const unsigned char *)s, strlen (s)));
}

static void
open_obj (struct femit *e, const char *k)
{
  if (k)
    str (e, k);
  check (e, yajl_gen_map_open (e->g));
}

static void
close_obj (struct femit *e)
{
  check (e, yajl_gen_map_close (e->g));
}

static void
kv_str (struct femit *e, const char *k, const char *v)
{
  if (v == NULL)
    return;
  str (e, k);
  str (e, v);
}

static void
kv_bool (struct femit *e, const char *k, const oci_feature_bool *b)
{
  if (!b->is_set)
    return;
  str (e, k);
  check (e, yajl_gen_bool (e->g, b->value));
}

static void
kv_list (struct femit *e, const char *k, const oci_feature_list *l)
{
  size_t i;

  if (!l->present)
    return;
  str (e, k);
  check (e, yajl_gen_array_open (e->g));
  for (i = 0; i < l->len; i++)
    str (e, l->items[i]);
  check (e, yajl_gen_array_close (e->g));
}

static void
emit_seccomp (struct femit *e, const oci_features_seccomp *s)
{
  open_obj (e, "seccomp");
  kv_bool (e, "enabled", &s->enabled);
  kv_list (e, "actions", &s->actions);
  kv_list (e, "operators", &s->operators);
  kv_list (e, "archs", &s->archs);
  kv_list (e, "knownFlags", &s->known_flags);
  kv_list (e, "supportedFlags", &s->supported_flags);
  close_obj (e);
}

static void
emit_enabled_only (struct femit *e, const char *k, const oci_feature_bool *b)
{
  open_obj (e, k);
  kv_bool (e, "enabled", b);
  close_obj (e);
}

static void
emit_linux (struct femit *e, const oci_features_linux *l)
{
  open_obj (e, "linux");
  kv_list (e, "namespaces", &l->namespaces);
  kv_list (e, "capabilities", &l->capabilities);
  if (l->has_cgroup)
    {
      open_obj (e, "cgroup");
      kv_bool (e, "v1", &l->cgroup.v1);
      kv_bool (e, "v2", &l->cgroup.v2);
      kv_bool (e, "systemd", &l->cgroup.systemd);
      kv_bool (e, "systemdUser", &l->cgroup.systemd_user);
      kv_bool (e, "rdma", &l->cgroup.rdma);
      close_obj (e);
    }
  if (l->has_seccomp)
    emit_seccomp (e, &l->seccomp);
  if (l->has_apparmor)
    emit_enabled_only (e, "apparmor", &l->apparmor_enabled);
  if (l->has_selinux)
    emit_enabled_only (e, "selinux", &l->selinux_enabled);
  if (l->has_intel_rdt)
    {
      open_obj (e, "intelRdt");
      kv_bool (e, "enabled", &l->intel_rdt.enabled);
      kv_bool (e, "schemata", &l->intel_rdt.schemata);
      kv_bool (e, "monitoring", &l->intel_rdt.monitoring);
      close_obj (e);
    }
  if (l->has_memory_policy)
    {
      open_obj (e, "memoryPolicy");
      kv_list (e, "modes", &l->memory_policy.modes);
      kv_list (e, "flags", &l->memory_policy.flags);
      close_obj (e);
    }
  if (l->has_mount_extensions)
    {
      open_obj (e, "mountExtensions");
      if (l->has_idmap)
        emit_enabled_only (e, "idmap", &l->idmap_enabled);
      close_obj (e);
    }
  if (l->has_net_devices)
    emit_enabled_only (e, "netDevices", &l->net_devices_enabled);
  close_obj (e);
}

static void
emit_features (struct femit *e, const oci_features *f)
{
  size_t i;

  open_obj (e, NULL);
  kv_str (e, "ociVersionMin", f->oci_version_min);
  kv_str (e, "ociVersionMax", f->oci_version_max);
  kv_list (e, "hooks", &f->hooks);
  kv_list (e, "mountOptions", &f->mount_options);
  if (f->has_annotations)
    {
      open_obj (e, "annotations");
      for (i = 0; i < f->annotations.len; i++)
        kv_str (e, f->annotations.keys[i], f->annotations.values[i]);
      close_obj (e);
    }
  kv_list (e, "potentiallyUnsafeConfigAnnotations",
           &f->potentially_unsafe_config_annotations);
  if (f->has_linux)
    emit_linux (e, &f->linux_features);
  close_obj (e);
}

/* yajl prints an empty array or object over three lines in pretty mode;
   fold it to "[]" / "{}".  Strings never hold a raw newline (yajl escapes
   control characters), so a bracket followed by a newline is structure.  */
static void
fold_empty_containers (char *s)
{
  char *r = s, *w = s;

  while (*r)
    {
      if ((*r == '[' || *r == '{') && r[1] == '\n')
        {
          char close = *r == '[' ? ']' : '}';
          char *p = r + 1;

          while (*p == '\n' || *p == ' ' || *p == '\t')
            p++;
          if (*p == close)
            {
              *w++ = *r;
              *w++ = close;
              r = p + 1;
              continue;
            }
        }
      *w++ = *r++;
    }
  *w = '\0';
}

static char *
fail (char **err, const char *msg)
{
  if (err && asprintf (err, "emit features: %s", msg) < 0)
    *err = NULL;
  return NULL;
}

char *
oci_features_emit (const oci_features *f, bool pretty, char **err)
{
  struct femit e = { NULL, yajl_gen_status_ok };
  const unsigned char *buf = NULL;
  size_t len = 0;
  char *out;

  if (err)
    *err = NULL;
  e.g = yajl_gen_alloc (NULL);
  if (e.g == NULL)
    return fail (err, "cannot allocate the JSON generator");
  if (pretty)
    {
      yajl_gen_config (e.g, yajl_gen_beautify, 1);
      yajl_gen_config (e.g, yajl_gen_indent_string, "    ");
    }
  emit_features (&e, f);
  if (e.status == yajl_gen_status_ok)
    check (&e, yajl_gen_get_buf (e.g, &buf, &len));
  if (e.status != yajl_gen_status_ok)
    {
      yajl_gen_free (e.g);
      return fail (err, "JSON generator error");
    }
  out = malloc (len + 2);
  if (out == NULL)
    {
      yajl_gen_free (e.g);
      return fail (err, "out of memory");
    }
  memcpy (out, buf, len);
  if (pretty && (len == 0 || out[len - 1] != '\n'))
    out[len++] = '\n';
  out[len] = '\0';
  if (pretty)
    fold_empty_containers (out);
  yajl_gen_free (e.g);
  return out;
}
