#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "parse-internal.h"
#include "util.h"

void *
oci_parse_document (const char *buf, size_t len, oci_doc_fn fn, char **err)
{
  char *local_err = NULL;
  void *out = NULL;
  oci_json_doc *doc;

  if (err)
    *err = NULL;
  doc = oci_json_parse (buf, len, &local_err);
  if (doc != NULL)
    {
      if (fn (oci_json_doc_root (doc), &out, &local_err) < 0)
        out = NULL;
      oci_json_doc_free (doc);
    }
  if (err)
    *err = local_err;
  else
    free (local_err);
  return out;
}

static int
parse_root (yajl_val doc, oci_spec *s, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (NULL, "root");
  yajl_val v = NULL;
  int r;

  r = oci_json_get_object (doc, "root", NULL, &v, err);
  if (r < 0)
    return -1;
  if (r == 0)
    return oci_json_missing (NULL, "root", err);
  s->root = xzalloc (sizeof *s->root);
  if (oci_json_req_string (v, "path", &p, &s->root->path, err) < 0
      || oci_json_get_bool (v, "readonly", &p, &s->root->readonly, err) < 0)
    return -1;
  return 0;
}

static int
parse_mount (yajl_val v, const oci_jpath *p, void *elem, void *ctx, char **err)
{
  oci_mount *m = elem;

  if (oci_json_req_string (v, "destination", p, &m->destination, err) < 0
      || oci_json_get_string (v, "type", p, &m->type, err) < 0
      || oci_json_get_string (v, "source", p, &m->source, err) < 0
      || oci_json_get_strv (v, "options", p, &m->options, &m->options_len, err)
             < 0
      || oci_json_get_id_mappings (v, "uidMappings", p, &m->uid_mappings,
                                   &m->uid_mappings_len, err)
             < 0
      || oci_json_get_id_mappings (v, "gidMappings", p, &m->gid_mappings,
                                   &m->gid_mappings_len, err)
             < 0)
    return -1;
  if (*m->destination == '\0')
    {
      oci_jpath dp = OCI_JPATH_KEY_INIT (p, "destination");
      return oci_json_error (err, &dp, "must not be empty");
    }
  return 0;
}

static int
parse_hook (yajl_val v, const oci_jpath *p, void *elem, void *ctx, char **err)
{
  oci_jpath pp = OCI_JPATH_KEY_INIT (p, "path");
  oci_hook *h = elem;
  int r;

  if (oci_json_req_string (v, "path", p, &h->path, err) < 0
      || oci_json_check_abs_path (h->path, &pp, err) < 0
      || oci_json_get_strv (v, "args", p, &h->args, &h->args_len, err) < 0
      || oci_json_get_strv (v, "env", p, &h->env, &h->env_len, err) < 0)
    return -1;
  r = oci_json_get_int32 (v, "timeout", p, 1, INT32_MAX, &h->timeout, err);
  if (r < 0)
    return -1;
  h->has_timeout = r > 0;
  return 0;
}

static int
parse_hook_list (yajl_val v, const char *key, const oci_jpath *p,
                 oci_hook **out, size_t *len, char **err)
{
  return oci_json_get_object_array (v, key, p, sizeof **out, parse_hook, NULL,
                                    (void **)out, len, err);
}

static int
parse_hooks (yajl_val doc, oci_spec *s, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (NULL, "hooks");
  yajl_val v = NULL;
  oci_hooks *h;
  int r;

  r = oci_json_get_object (doc, "hooks", NULL, &v, err);
  if (r <= 0)
    return r;
  h = s->hooks = xzalloc (sizeof *s->hooks);
  if (parse_hook_list (v, "prestart", &p, &h->prestart, &h->prestart_len, err)
          < 0
      || parse_hook_list (v, "createRuntime", &p, &h->create_runtime,
                          &h->create_runtime_len, err)
             < 0
      || parse_hook_list (v, "createContainer", &p, &h->create_container,
                          &h->create_container_len, err)
             < 0
      || parse_hook_list (v, "startContainer", &p, &h->start_container,
                          &h->start_container_len, err)
             < 0
      || parse_hook_list (v, "poststart", &p, &h->poststart, &h->poststart_len,
                          err)
             < 0
      || parse_hook_list (v, "poststop", &p, &h->poststop, &h->poststop_len,
                          err)
             < 0)
    return -1;
  return 0;
}

static int
parse_version (yajl_val doc, oci_spec *s, char **err)
{
  oci_jpath p = OCI_JPATH_KEY_INIT (NULL, "ociVersion");

  if (oci_json_req_string (doc, "ociVersion", NULL, &s->oci_version, err) < 0)
    return -1;
  if (*s->oci_version == '\0')
    return oci_json_error (err, &p, "must not be empty");
  return 0;
}

static int
parse_spec_fields (yajl_val doc, oci_spec *s, char **err)
{
  oci_jpath pp = OCI_JPATH_KEY_INIT (NULL, "process");
  oci_jpath lp = OCI_JPATH_KEY_INIT (NULL, "linux");
  yajl_val v;

  if (parse_version (doc, s, err) < 0 || parse_root (doc, s, err) < 0
      || oci_json_get_string (doc, "hostname", NULL, &s->hostname, err) < 0
      || oci_json_get_string (doc, "domainname", NULL, &s->domainname, err) < 0
      || oci_json_get_object_array (doc, "mounts", NULL, sizeof *s->mounts,
                                    parse_mount, NULL, (void **)&s->mounts,
                                    &s->mounts_len, err)
             < 0
      || parse_hooks (doc, s, err) < 0
      || oci_json_get_string_map (doc, "annotations", NULL, &s->annotations,
                                  err)
             < 0)
    return -1;
  v = oci_json_member (doc, "process");
  if (v && oci_parse_process (v, &pp, false, &s->process, err) < 0)
    return -1;
  v = oci_json_member (doc, "linux");
  if (v && oci_parse_linux (v, &lp, &s->linux, err) < 0)
    return -1;
  return 0;
}

static int
spec_from_tree (yajl_val doc, void **out, char **err)
{
  oci_spec *s;

  if (!YAJL_IS_OBJECT (doc))
    {
      cleanup_free char *got = oci_json_describe (doc);
      return oci_json_error (err, NULL, "expected a JSON object, got %s", got);
    }
  s = xzalloc (sizeof *s);
  if (parse_spec_fields (doc, s, err) < 0)
    {
      oci_spec_free (s);
      return -1;
    }
  *out = s;
  return 0;
}

oci_spec *
oci_spec_parse (const char *buf, size_t len, char **err)
{
  return oci_parse_document (buf, len, spec_from_tree, err);
}
