/* libocispec: the names the runtime-spec allows for enumerated values,
   with the numbers they stand for.  Shared by the parser (which rejects
   unknown names and resolves numbers) and the features emitter (which
   lists them).  */
#ifndef OCISPEC_NAMES_H
#define OCISPEC_NAMES_H

#include <stddef.h>

typedef struct
{
  const char *name;
  long value; /* kernel constant, or 0 where none applies */
} oci_name_entry;

typedef struct
{
  const oci_name_entry *entries;
  size_t len;
} oci_name_table;

/* RLIMIT_* -> resource number.  */
extern const oci_name_table oci_rlimit_names;
/* SCHED_* policies and SCHED_FLAG_* bits.  */
extern const oci_name_table oci_sched_policy_names;
extern const oci_name_table oci_sched_flag_names;
/* IOPRIO_CLASS_RT/BE/IDLE -> 1/2/3.  */
extern const oci_name_table oci_ioprio_class_names;
/* MPOL_* modes and MPOL_F_* flags (set_mempolicy).  */
extern const oci_name_table oci_mpol_mode_names;
extern const oci_name_table oci_mpol_flag_names;
/* Seccomp names (values are 0: libseccomp resolves them).  */
extern const oci_name_table oci_seccomp_action_names;
extern const oci_name_table oci_seccomp_operator_names;
extern const oci_name_table oci_seccomp_arch_names;
extern const oci_name_table oci_seccomp_flag_names;
/* linux.personality.domain: LINUX, LINUX32 (values from personality(2)).  */
extern const oci_name_table oci_personality_domain_names;
/* linux.rootfsPropagation: private shared slave unbindable and the
   recursive r-forms runc also accepts (values are MS_* flags).  */
extern const oci_name_table oci_rootfs_propagation_names;

/* The entry called NAME, or NULL.  */
const oci_name_entry *oci_name_find (const oci_name_table *t, const char *name);

#endif
