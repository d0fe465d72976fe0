#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-util.h"
#include "util.h"

static void
jpath_append (FILE *f, const oci_jpath *p)
{
  if (p == NULL)
    return;
  jpath_append (f, p->parent);
  switch (p->kind)
    {
    case OCI_JPATH_KEY:
      fprintf (f, "%s%s", p->parent ? "." : "", p->key);
      break;
    case OCI_JPATH_INDEX:
      fprintf (f, "[%zu]", p->index);
      break;
    case OCI_JPATH_MAPKEY:
      {
        cleanup_free char *q = oci_json_quote (p->key);
        fprintf (f, "[%s]", q);
        break;
      }
    }
}

char *
oci_jpath_format (const oci_jpath *path)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&out, &len);

  if (f == NULL)
    abort ();
  jpath_append (f, path);
  fclose (f);
  return out;
}

int
oci_json_error (char **err, const oci_jpath *path, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  cleanup_free char *where = NULL;
  va_list ap;
  int r;

  if (err == NULL || *err != NULL)
    return -1;
  va_start (ap, fmt);
  r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    abort ();
  where = oci_jpath_format (path);
  if (*where)
    xasprintf (err, "%s: %s", where, msg);
  else
    *err = steal_ptr (&msg);
  return -1;
}

#define QUOTE_MAX 64

char *
oci_json_quote (const char *s)
{
  char *out = NULL;
  size_t len = 0, n = 0;
  FILE *f = open_memstream (&out, &len);

  if (f == NULL)
    abort ();
  fputc ('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
    {
      if (n == QUOTE_MAX)
        {
          fputs ("...", f);
          break;
        }
      if (*p == '"' || *p == '\\')
        fprintf (f, "\\%c", *p);
      else if (*p < 0x20 || *p >= 0x7f)
        fprintf (f, "\\x%02x", *p);
      else
        fputc (*p, f);
    }
  fputc ('"', f);
  fclose (f);
  return out;
}

const char *
oci_json_type_name (yajl_val v)
{
  if (v == NULL)
    return "nothing";
  switch (v->type)
    {
    case yajl_t_string:
      return "string";
    case yajl_t_number:
      return "number";
    case yajl_t_object:
      return "object";
    case yajl_t_array:
      return "array";
    case yajl_t_true:
    case yajl_t_false:
      return "boolean";
    case yajl_t_null:
      return "null";
    default:
      return "unknown";
    }
}

char *
oci_json_describe (yajl_val v)
{
  cleanup_free char *q = NULL;
  char *out = NULL;

  if (YAJL_IS_STRING (v))
    {
      q = oci_json_quote (v->u.string);
      xasprintf (&out, "string %s", q);
    }
  else if (YAJL_IS_NUMBER (v))
    {
      /* Number texts are plain ASCII; only the length needs a cap.  */
      q = oci_json_quote (v->u.number.r);
      xasprintf (&out, "number %.*s", (int)strlen (q) - 2, q + 1);
    }
  else if (YAJL_IS_TRUE (v))
    out = xstrdup ("boolean true");
  else if (YAJL_IS_FALSE (v))
    out = xstrdup ("boolean false");
  else
    out = xstrdup (oci_json_type_name (v));
  return out;
}

static int
type_error (yajl_val v, const oci_jpath *path, const char *expected, char **err)
{
  cleanup_free char *got = oci_json_describe (v);
  return oci_json_error (err, path, "expected %s, got %s", expected, got);
}

yajl_val
oci_json_member (yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = obj->u.object.len; i > 0; i--)
    if (strcmp (obj->u.object.keys[i - 1], key) == 0)
      {
        yajl_val v = obj->u.object.values[i - 1];
        return YAJL_IS_NULL (v) ? NULL : v;
      }
  return NULL;
}

int
oci_json_expect_object (yajl_val v, const oci_jpath *path, char **err)
{
  return YAJL_IS_OBJECT (v) ? 0 : type_error (v, path, "object", err);
}

int
oci_json_expect_array (yajl_val v, const oci_jpath *path, char **err)
{
  return YAJL_IS_ARRAY (v) ? 0 : type_error (v, path, "array", err);
}

int
oci_json_missing (const oci_jpath *parent, const char *key, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);
  return oci_json_error (err, &p, "required field missing");
}

int
oci_json_to_string (yajl_val v, const oci_jpath *path, char **out, char **err)
{
  if (!YAJL_IS_STRING (v))
    return type_error (v, path, "string", err);
  *out = xstrdup (v->u.string);
  return 0;
}

int
oci_json_to_bool (yajl_val v, const oci_jpath *path, bool *out, char **err)
{
  if (YAJL_IS_TRUE (v))
    *out = true;
  else if (YAJL_IS_FALSE (v))
    *out = false;
  else
    return type_error (v, path, "boolean", err);
  return 0;
}

/* The number text is valid JSON (yajl checked it): an integer has no
   fraction and no exponent.  */
static int
integer_text (yajl_val v, const oci_jpath *path, const char **text, char **err)
{
  if (!YAJL_IS_NUMBER (v) || v->u.number.r == NULL
      || strpbrk (v->u.number.r, ".eE") != NULL)
    return type_error (v, path, "integer", err);
  *text = v->u.number.r;
  return 0;
}

static int
range_error (const oci_jpath *path, const char *text, const char *min,
             const char *max, char **err)
{
  cleanup_free char *q = oci_json_quote (text);
  return oci_json_error (err, path, "value %.*s out of range [%s, %s]",
                         (int)strlen (q) - 2, q + 1, min, max);
}

int
oci_json_to_int64 (yajl_val v, const oci_jpath *path, int64_t min, int64_t max,
                   int64_t *out, char **err)
{
  const char *text = NULL;
  int64_t n;
  char smin[32], smax[32];

  if (integer_text (v, path, &text, err) < 0)
    return -1;
  if (ocirt_parse_int64 (text, &n) < 0 || n < min || n > max)
    {
      snprintf (smin, sizeof smin, "%" PRId64, min);
      snprintf (smax, sizeof smax, "%" PRId64, max);
      return range_error (path, text, smin, smax, err);
    }
  *out = n;
  return 0;
}

int
oci_json_to_uint64 (yajl_val v, const oci_jpath *path, uint64_t max,
                    uint64_t *out, char **err)
{
  const char *text = NULL;
  uint64_t n;
  char smax[32];

  if (integer_text (v, path, &text, err) < 0)
    return -1;
  /* "-0" is zero; any other minus sign is out of range.  */
  if (strcmp (text, "-0") == 0)
    text = "0";
  if (ocirt_parse_uint64 (text, &n) < 0 || n > max)
    {
      snprintf (smax, sizeof smax, "%" PRIu64, max);
      return range_error (path, text, "0", smax, err);
    }
  *out = n;
  return 0;
}

int
oci_json_get_string (yajl_val obj, const char *key, const oci_jpath *parent,
                     char **out, char **err)
{
  yajl_val v = oci_json_member (obj, key);
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);

  if (v == NULL)
    return 0;
  return oci_json_to_string (v, &p, out, err) < 0 ? -1 : 1;
}

int
oci_json_get_bool (yajl_val obj, const char *key, const oci_jpath *parent,
                   bool *out, char **err)
{
  yajl_val v = oci_json_member (obj, key);
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);

  if (v == NULL)
    return 0;
  return oci_json_to_bool (v, &p, out, err) < 0 ? -1 : 1;
}

int
oci_json_get_int64 (yajl_val obj, const char *key, const oci_jpath *parent,
                    int64_t min, int64_t max, int64_t *out, char **err)
{
  yajl_val v = oci_json_member (obj, key);
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);

  if (v == NULL)
    return 0;
  return oci_json_to_int64 (v, &p, min, max, out, err) < 0 ? -1 : 1;
}

int
oci_json_get_uint64 (yajl_val obj, const char *key, const oci_jpath *parent,
                     uint64_t max, uint64_t *out, char **err)
{
  yajl_val v = oci_json_member (obj, key);
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);

  if (v == NULL)
    return 0;
  return oci_json_to_uint64 (v, &p, max, out, err) < 0 ? -1 : 1;
}

int
oci_json_get_int32 (yajl_val obj, const char *key, const oci_jpath *parent,
                    int32_t min, int32_t max, int32_t *out, char **err)
{
  int64_t n;
  int r = oci_json_get_int64 (obj, key, parent, min, max, &n, err);

  if (r > 0)
    *out = (int32_t)n;
  return r;
}

int
oci_json_get_uint32 (yajl_val obj, const char *key, const oci_jpath *parent,
                     uint32_t *out, char **err)
{
  uint64_t n;
  int r = oci_json_get_uint64 (obj, key, parent, UINT32_MAX, &n, err);

  if (r > 0)
    *out = (uint32_t)n;
  return r;
}

int
oci_json_get_uint16 (yajl_val obj, const char *key, const oci_jpath *parent,
                     uint16_t *out, char **err)
{
  uint64_t n;
  int r = oci_json_get_uint64 (obj, key, parent, UINT16_MAX, &n, err);

  if (r > 0)
    *out = (uint16_t)n;
  return r;
}

int
oci_json_req_string (yajl_val obj, const char *key, const oci_jpath *parent,
                     char **out, char **err)
{
  int r = oci_json_get_string (obj, key, parent, out, err);

  if (r == 0)
    return oci_json_missing (parent, key, err);
  return r < 0 ? -1 : 0;
}

int
oci_json_req_uint32 (yajl_val obj, const char *key, const oci_jpath *parent,
                     uint32_t *out, char **err)
{
  int r = oci_json_get_uint32 (obj, key, parent, out, err);

  if (r == 0)
    return oci_json_missing (parent, key, err);
  return r < 0 ? -1 : 0;
}

int
oci_json_req_int64 (yajl_val obj, const char *key, const oci_jpath *parent,
                    int64_t min, int64_t max, int64_t *out, char **err)
{
  int r = oci_json_get_int64 (obj, key, parent, min, max, out, err);

  if (r == 0)
    return oci_json_missing (parent, key, err);
  return r < 0 ? -1 : 0;
}

int
oci_json_get_object (yajl_val obj, const char *key, const oci_jpath *parent,
                     yajl_val *out, char **err)
{
  yajl_val v = oci_json_member (obj, key);
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);

  if (v == NULL)
    return 0;
  if (oci_json_expect_object (v, &p, err) < 0)
    return -1;
  *out = v;
  return 1;
}

int
oci_json_get_array (yajl_val obj, const char *key, const oci_jpath *parent,
                    yajl_val *out, char **err)
{
  yajl_val v = oci_json_member (obj, key);
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);

  if (v == NULL)
    return 0;
  if (oci_json_expect_array (v, &p, err) < 0)
    return -1;
  *out = v;
  return 1;
}

void
oci_strv_free (char **v, size_t len)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < len; i++)
    free (v[i]);
  free (v);
}

void
oci_string_map_free (oci_string_map *m)
{
  oci_strv_free (m->keys, m->len);
  oci_strv_free (m->values, m->len);
  m->keys = m->values = NULL;
  m->len = 0;
}

int
oci_json_get_strv (yajl_val obj, const char *key, const oci_jpath *parent,
                   char ***out, size_t *len, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);
  yajl_val arr = NULL;
  char **v;
  size_t n;
  int r;

  r = oci_json_get_array (obj, key, parent, &arr, err);
  if (r <= 0)
    return r;
  n = arr->u.array.len;
  v = n ? xcalloc (n, sizeof *v) : NULL;
  for (size_t i = 0; i < n; i++)
    {
      oci_jpath ip = OCI_JPATH_INDEX_INIT (&p, i);
      if (oci_json_to_string (arr->u.array.values[i], &ip, &v[i], err) < 0)
        {
          oci_strv_free (v, n);
          return -1;
        }
    }
  *out = v;
  *len = n;
  return 1;
}

int
oci_json_get_string_map (yajl_val obj, const char *key, const oci_jpath *parent,
                         oci_string_map *out, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);
  oci_string_map m = { 0 };
  yajl_val o = NULL;
  int r;

  r = oci_json_get_object (obj, key, parent, &o, err);
  if (r <= 0)
    return r;
  m.len = o->u.object.len;
  if (m.len)
    {
      m.keys = xcalloc (m.len, sizeof *m.keys);
      m.values = xcalloc (m.len, sizeof *m.values);
    }
  for (size_t i = 0; i < m.len; i++)
    {
      const char *k = o->u.object.keys[i];
      oci_jpath kp = OCI_JPATH_MAPKEY_INIT (&p, k);

      if (*k == '\0')
        {
          oci_json_error (err, &p, "empty key");
          goto fail;
        }
      if (oci_json_to_string (o->u.object.values[i], &kp, &m.values[i], err)
          < 0)
        goto fail;
      m.keys[i] = xstrdup (k);
    }
  *out = m;
  return 1;

fail:
  oci_string_map_free (&m);
  return -1;
}

static int
parse_id_mapping (yajl_val v, const oci_jpath *p, oci_id_mapping *m, char **err)
{
  if (oci_json_expect_object (v, p, err) < 0
      || oci_json_req_uint32 (v, "containerID", p, &m->container_id, err) < 0
      || oci_json_req_uint32 (v, "hostID", p, &m->host_id, err) < 0
      || oci_json_req_uint32 (v, "size", p, &m->size, err) < 0)
    return -1;
  return 0;
}

int
oci_json_get_id_mappings (yajl_val obj, const char *key,
                          const oci_jpath *parent, oci_id_mapping **out,
                          size_t *len, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);
  yajl_val arr = NULL;
  oci_id_mapping *v;
  size_t n;
  int r;

  r = oci_json_get_array (obj, key, parent, &arr, err);
  if (r <= 0)
    return r;
  n = arr->u.array.len;
  v = n ? xcalloc (n, sizeof *v) : NULL;
  for (size_t i = 0; i < n; i++)
    {
      oci_jpath ip = OCI_JPATH_INDEX_INIT (&p, i);
      if (parse_id_mapping (arr->u.array.values[i], &ip, &v[i], err) < 0)
        {
          free (v);
          return -1;
        }
    }
  *out = v;
  *len = n;
  return 1;
}

int
oci_json_get_object_array (yajl_val obj, const char *key,
                           const oci_jpath *parent, size_t elem_size,
                           oci_json_elem_fn fn, void *ctx, void **out,
                           size_t *len, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (parent, key);
  yajl_val arr = NULL;
  char *elems;
  size_t n;
  int r;

  r = oci_json_get_array (obj, key, parent, &arr, err);
  if (r <= 0)
    return r;
  n = arr->u.array.len;
  elems = n ? xcalloc (n, elem_size) : NULL;
  *out = elems;
  *len = n;
  for (size_t i = 0; i < n; i++)
    {
      oci_jpath ip = OCI_JPATH_INDEX_INIT (&p, i);
      yajl_val v = arr->u.array.values[i];

      if (oci_json_expect_object (v, &ip, err) < 0
          || fn (v, &ip, elems + i * elem_size, ctx, err) < 0)
        return -1;
    }
  return 1;
}

int
oci_json_check_abs_path (const char *s, const oci_jpath *path, char **err)
{
  cleanup_free char *q = NULL;

  if (s[0] == '/')
    return 0;
  q = oci_json_quote (s);
  return oci_json_error (err, path, "must be an absolute path, got %s", q);
}

int
oci_json_resolve_name (const oci_name_table *t, const char *what,
                       const char *name, const oci_jpath *path, long *value,
                       char **err)
{
  const oci_name_entry *e = oci_name_find (t, name);
  cleanup_free char *q = NULL;

  if (e != NULL)
    {
      *value = e->value;
      return 0;
    }
  q = oci_json_quote (name);
  return oci_json_error (err, path, "unknown %s %s", what, q);
}
