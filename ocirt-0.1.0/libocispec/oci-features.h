/* libocispec: the runtime features document (runtime-spec features.md and
   features-linux.md) as C structs, and its JSON emitter.

   Absent is not the same as empty or false: every list has a `present`
   flag and every boolean an `is_set` flag; the emitter omits what is not
   present.  All strings are owned (malloc'd) by the struct and released by
   oci_features_free.  */
#ifndef OCISPEC_OCI_FEATURES_H
#define OCISPEC_OCI_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"

typedef struct
{
  char **items;
  size_t len;
  bool present;
} oci_feature_list;

typedef struct
{
  bool is_set;
  bool value;
} oci_feature_bool;

typedef struct
{
  oci_feature_bool v1, v2, systemd, systemd_user, rdma;
} oci_features_cgroup;

typedef struct
{
  oci_feature_bool enabled;
  oci_feature_list actions;
  oci_feature_list operators;
  oci_feature_list archs;
  oci_feature_list known_flags;
  oci_feature_list supported_flags;
} oci_features_seccomp;

typedef struct
{
  oci_feature_bool enabled;
  oci_feature_bool schemata;
  oci_feature_bool monitoring;
} oci_features_intel_rdt;

typedef struct
{
  oci_feature_list modes;
  oci_feature_list flags;
} oci_features_memory_policy;

typedef struct
{
  oci_feature_list namespaces;
  oci_feature_list capabilities;
  bool has_cgroup;
  oci_features_cgroup cgroup;
  bool has_seccomp;
  oci_features_seccomp seccomp;
  bool has_apparmor;
  oci_feature_bool apparmor_enabled;
  bool has_selinux;
  oci_feature_bool selinux_enabled;
  bool has_intel_rdt;
  oci_features_intel_rdt intel_rdt;
  bool has_memory_policy;
  oci_features_memory_policy memory_policy;
  /* mountExtensions.idmap.enabled */
  bool has_mount_extensions;
  bool has_idmap;
  oci_feature_bool idmap_enabled;
  bool has_net_devices;
  oci_feature_bool net_devices_enabled;
} oci_features_linux;

typedef struct
{
  char *oci_version_min;
  char *oci_version_max;
  oci_feature_list hooks;
  oci_feature_list mount_options;
  bool has_annotations;
  oci_string_map annotations;
  oci_feature_list potentially_unsafe_config_annotations;
  bool has_linux;
  oci_features_linux linux_features;
} oci_features;

/* Mark a list present and append a copy of each string.  Return 0, or -1
   when out of memory.  */
int oci_feature_list_add (oci_feature_list *l, const char *item);
int oci_feature_list_add_all (oci_feature_list *l, const char *const *items,
                              size_t n);
/* Mark present, possibly empty.  */
void oci_feature_list_set_present (oci_feature_list *l);

void oci_feature_bool_set (oci_feature_bool *b, bool value);

/* Append a key/value pair (copies) to the annotations map.  */
int oci_features_annotate (oci_features *f, const char *key, const char *value);

/* Free the contents (not the struct itself) and zero it.  */
void oci_features_clear (oci_features *f);

/* The document as JSON, pretty (4-space indent, trailing newline) or
   compact.  Returns malloc'd text, or NULL with *err set (malloc'd).  */
char *oci_features_emit (const oci_features *f, bool pretty, char **err);

#endif
