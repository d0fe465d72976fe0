/* libocispec: typed access to a yajl tree with JSON-path-aware errors.

   Every getter takes the path of the value it reads so that an error says
   where it happened: "linux.resources.memory.limit: expected integer, got
   string \"1G\"".  Paths are only formatted when an error occurs.

   JSON null counts as absent everywhere, like an omitted member.  */
#ifndef OCISPEC_JSON_UTIL_H
#define OCISPEC_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

/* GNU C predefines "linux" as 1, which breaks oci_spec.linux.  */
#undef linux
#include "spec.h"
#include "names.h"

/* Maximum nesting of arrays and objects in a document.  Real configs nest
   about 6 levels; the limit bounds the recursion of path formatting.  */
#define OCI_JSON_MAX_DEPTH 64

typedef enum
{
  OCI_JPATH_KEY,    /* .key */
  OCI_JPATH_INDEX,  /* [N] */
  OCI_JPATH_MAPKEY, /* ["key"] (keys of free-form maps) */
} oci_jpath_kind;

/* One step of a JSON path, chained to its parent on the C stack.  */
typedef struct oci_jpath
{
  const struct oci_jpath *parent;
  oci_jpath_kind kind;
  const char *key;
  size_t index;
} oci_jpath;

#define OCI_JPATH_ROOT NULL
#define OCI_JPATH_KEY_INIT(p, k)                                               \
  {                                                                            \
    .parent = (p), .kind = OCI_JPATH_KEY, .key = (k)                           \
  }
#define OCI_JPATH_INDEX_INIT(p, i)                                             \
  {                                                                            \
    .parent = (p), .kind = OCI_JPATH_INDEX, .index = (i)                       \
  }
#define OCI_JPATH_MAPKEY_INIT(p, k)                                            \
  {                                                                            \
    .parent = (p), .kind = OCI_JPATH_MAPKEY, .key = (k)                        \
  }

/* A parsed document (json-tree.c).  Rejects invalid JSON and UTF-8,
   comments, "\u0000" in strings and nesting deeper than
   OCI_JSON_MAX_DEPTH; the error names the line and column.  Returns NULL
   with *err set.  */
typedef struct oci_json_doc oci_json_doc;
oci_json_doc *oci_json_parse (const char *buf, size_t len, char **err);
yajl_val oci_json_doc_root (const oci_json_doc *doc);
void oci_json_doc_free (oci_json_doc *doc);

/* Set *err to "PATH: MESSAGE" (or "MESSAGE" for the root) and return -1.
   Keeps the first error when *err is already set.  */
int oci_json_error (char **err, const oci_jpath *path, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Format a path ("linux.namespaces[2].type"); "" for the root.  */
char *oci_jpath_format (const oci_jpath *path);

/* Describe a value for a message: "string \"1G\"", "number 1.5",
   "boolean true", "object", "array", "null".  Strings are escaped and
   shortened so the message stays on one line.  */
char *oci_json_describe (yajl_val v);

/* Quote a string for a message: "\"foo\"" with control and non-ASCII
   bytes escaped, shortened past 64 bytes.  */
char *oci_json_quote (const char *s);

const char *oci_json_type_name (yajl_val v);

/* The value of member KEY of object OBJ, NULL when absent or null.  With
   duplicated keys the last one wins.  */
yajl_val oci_json_member (yajl_val obj, const char *key);

/* Checks for a value that must be present-and-typed; they return 0 or
   -1 with *err set ("expected object, got array").  */
int oci_json_expect_object (yajl_val v, const oci_jpath *path, char **err);
int oci_json_expect_array (yajl_val v, const oci_jpath *path, char **err);
int oci_json_missing (const oci_jpath *parent, const char *key, char **err);

/* Value converters.  Integers are read from the number's text so that all
   64 bits survive; fractions and exponents are rejected.  */
int oci_json_to_string (yajl_val v, const oci_jpath *path, char **out,
                        char **err);
int oci_json_to_bool (yajl_val v, const oci_jpath *path, bool *out, char **err);
int oci_json_to_int64 (yajl_val v, const oci_jpath *path, int64_t min,
                       int64_t max, int64_t *out, char **err);
int oci_json_to_uint64 (yajl_val v, const oci_jpath *path, uint64_t max,
                        uint64_t *out, char **err);

/* Member getters.  Return 1 when present (and *out set), 0 when absent
   (*out untouched), -1 on error.  */
int oci_json_get_string (yajl_val obj, const char *key, const oci_jpath *parent,
                         char **out, char **err);
int oci_json_get_bool (yajl_val obj, const char *key, const oci_jpath *parent,
                       bool *out, char **err);
int oci_json_get_int64 (yajl_val obj, const char *key, const oci_jpath *parent,
                        int64_t min, int64_t max, int64_t *out, char **err);
int oci_json_get_uint64 (yajl_val obj, const char *key, const oci_jpath *parent,
                         uint64_t max, uint64_t *out, char **err);
int oci_json_get_int32 (yajl_val obj, const char *key, const oci_jpath *parent,
                        int32_t min, int32_t max, int32_t *out, char **err);
int oci_json_get_uint32 (yajl_val obj, const char *key, const oci_jpath *parent,
                         uint32_t *out, char **err);
int oci_json_get_uint16 (yajl_val obj, const char *key, const oci_jpath *parent,
                         uint16_t *out, char **err);

/* Like the getters, but absence is an error ("KEY: required field
   missing").  Return 0 or -1.  */
int oci_json_req_string (yajl_val obj, const char *key, const oci_jpath *parent,
                         char **out, char **err);
int oci_json_req_uint32 (yajl_val obj, const char *key, const oci_jpath *parent,
                         uint32_t *out, char **err);
int oci_json_req_int64 (yajl_val obj, const char *key, const oci_jpath *parent,
                        int64_t min, int64_t max, int64_t *out, char **err);

/* Object member KEY, which must be an object when present.  Returns 1 and
   sets *out, 0 when absent, -1 on error.  */
int oci_json_get_object (yajl_val obj, const char *key, const oci_jpath *parent,
                         yajl_val *out, char **err);
int oci_json_get_array (yajl_val obj, const char *key, const oci_jpath *parent,
                        yajl_val *out, char **err);

/* Array of strings.  Returns 1 (present, possibly empty), 0 (absent) or
   -1.  On success *out is a malloc'd array (NULL when empty).  */
int oci_json_get_strv (yajl_val obj, const char *key, const oci_jpath *parent,
                       char ***out, size_t *len, char **err);

/* Object of string values (annotations, sysctl, unified).  Returns 1, 0 or
   -1 like the getters.  Empty keys are rejected.  */
int oci_json_get_string_map (yajl_val obj, const char *key,
                             const oci_jpath *parent, oci_string_map *out,
                             char **err);

/* Array of {containerID, hostID, size}.  */
int oci_json_get_id_mappings (yajl_val obj, const char *key,
                              const oci_jpath *parent, oci_id_mapping **out,
                              size_t *len, char **err);

/* Array member KEY of objects, parsed by FN into a zeroed array of
   ELEM_SIZE elements.  *out and *len are set before the elements are
   parsed so that the owner's free function releases a partial result.
   Returns 1, 0 (absent) or -1.  */
typedef int (*oci_json_elem_fn) (yajl_val v, const oci_jpath *path, void *elem,
                                 void *ctx, char **err);
int oci_json_get_object_array (yajl_val obj, const char *key,
                               const oci_jpath *parent, size_t elem_size,
                               oci_json_elem_fn fn, void *ctx, void **out,
                               size_t *len, char **err);

/* Rejects a string that is not an absolute path.  */
int oci_json_check_abs_path (const char *s, const oci_jpath *path, char **err);

/* Resolve NAME in table T, or fail with "unknown WHAT \"NAME\"".  */
int oci_json_resolve_name (const oci_name_table *t, const char *what,
                           const char *name, const oci_jpath *path, long *value,
                           char **err);

void oci_strv_free (char **v, size_t len);
void oci_string_map_free (oci_string_map *m);

#endif
