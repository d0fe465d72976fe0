#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "parse-internal.h"
#include "util.h"

static void
gen_string (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *)s, strlen (s));
}

static void
gen_member (yajl_gen g, const char *key, const char *value)
{
  if (value == NULL)
    return;
  gen_string (g, key);
  gen_string (g, value);
}

static void
gen_state (yajl_gen g, const oci_state *st)
{
  yajl_gen_map_open (g);
  gen_member (g, "ociVersion",
              st->oci_version ? st->oci_version : OCI_SPEC_VERSION);
  gen_member (g, "id", st->id ? st->id : "");
  gen_member (g, "status", st->status ? st->status : "");
  if (st->pid != 0)
    {
      gen_string (g, "pid");
      yajl_gen_integer (g, st->pid);
    }
  gen_member (g, "bundle", st->bundle ? st->bundle : "");
  gen_member (g, "rootfs", st->rootfs);
  gen_member (g, "created", st->created);
  gen_member (g, "owner", st->owner);
  if (st->annotations && st->annotations->len > 0)
    {
      gen_string (g, "annotations");
      yajl_gen_map_open (g);
      for (size_t i = 0; i < st->annotations->len; i++)
        {
          gen_string (g, st->annotations->keys[i]);
          gen_string (g, st->annotations->values[i]);
        }
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

char *
oci_state_emit (const oci_state *st, bool pretty)
{
  const unsigned char *buf = NULL;
  size_t len = 0;
  char *out = NULL;
  yajl_gen g;

  g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return NULL;
  yajl_gen_config (g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (g, yajl_gen_indent_string, "  ");
  gen_state (g, st);
  if (yajl_gen_get_buf (g, &buf, &len) == yajl_gen_status_ok)
    out = xstrndup ((const char *)buf, len);
  yajl_gen_free (g);
  return out;
}

void
oci_state_doc_free (oci_state_doc *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->id);
  free (s->status);
  free (s->bundle);
  oci_string_map_free (&s->annotations);
  free (s);
}

static int
state_fields (yajl_val doc, oci_state_doc *s, char **err)
{
  int32_t pid = 0;

  if (oci_json_req_string (doc, "ociVersion", NULL, &s->oci_version, err) < 0
      || oci_json_req_string (doc, "id", NULL, &s->id, err) < 0
      || oci_json_req_string (doc, "status", NULL, &s->status, err) < 0
      || oci_json_get_int32 (doc, "pid", NULL, 0, INT32_MAX, &pid, err) < 0
      || oci_json_req_string (doc, "bundle", NULL, &s->bundle, err) < 0
      || oci_json_get_string_map (doc, "annotations", NULL, &s->annotations,
                                  err)
             < 0)
    return -1;
  s->pid = pid;
  return 0;
}

static int
state_from_tree (yajl_val doc, void **out, char **err)
{
  oci_state_doc *s;

  if (!YAJL_IS_OBJECT (doc))
    {
      cleanup_free char *got = oci_json_describe (doc);
      return oci_json_error (err, NULL, "expected a JSON object, got %s", got);
    }
  s = xzalloc (sizeof *s);
  if (state_fields (doc, s, err) < 0)
    {
      oci_state_doc_free (s);
      return -1;
    }
  *out = s;
  return 0;
}

oci_state_doc *
oci_state_parse (const char *buf, size_t len, char **err)
{
  return oci_parse_document (buf, len, state_from_tree, err);
}
