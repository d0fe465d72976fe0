/* libocispec: what the parser files share with each other.  */
#ifndef OCISPEC_PARSE_INTERNAL_H
#define OCISPEC_PARSE_INTERNAL_H

#include <stdbool.h>

#include "json-util.h"

/* Parse a "process" object.  for_exec: cwd may be missing (exec --cwd
   supplies it).  *out is set even on error, for the caller to free.  */
int oci_parse_process (yajl_val v, const oci_jpath *path, bool for_exec,
                       oci_process **out, char **err);

/* Parse the "linux" object.  */
int oci_parse_linux (yajl_val v, const oci_jpath *path, oci_linux **out,
                     char **err);

/* Parse a LinuxResources object.  */
int oci_parse_resources (yajl_val v, const oci_jpath *path, oci_resources **out,
                         char **err);

/* Parse a whole document: build the tree, hand its root to FN, free the
   tree.  FN returns 0 with *out set, or -1 with *err set and nothing
   allocated.  Sets *err to NULL first; ERR may be NULL.  */
typedef int (*oci_doc_fn) (yajl_val root, void **out, char **err);
void *oci_parse_document (const char *buf, size_t len, oci_doc_fn fn,
                          char **err);

void oci_linux_free (oci_linux *l);
void oci_hooks_free (oci_hooks *h);

#endif
