#include <config.h>

#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "names.h"
/* GNU C predefines "linux" as 1, which breaks oci_spec.linux.  */
#undef linux
#include "spec.h"

/* Constants that older C library headers may lack; the values are the
   kernel ABI.  */
#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif
#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#ifndef RLIMIT_RTTIME
#define RLIMIT_RTTIME 15
#endif

/* <linux/sched.h> clashes with <sched.h>; the flags are stable ABI.  */
#define OCI_SCHED_FLAG_RESET_ON_FORK 0x01
#define OCI_SCHED_FLAG_RECLAIM 0x02
#define OCI_SCHED_FLAG_DL_OVERRUN 0x04
#define OCI_SCHED_FLAG_KEEP_POLICY 0x08
#define OCI_SCHED_FLAG_KEEP_PARAMS 0x10
#define OCI_SCHED_FLAG_UTIL_CLAMP_MIN 0x20
#define OCI_SCHED_FLAG_UTIL_CLAMP_MAX 0x40

/* set_mempolicy(2) ABI, defined here to avoid a libnuma dependency.  */
#define OCI_MPOL_DEFAULT 0
#define OCI_MPOL_PREFERRED 1
#define OCI_MPOL_BIND 2
#define OCI_MPOL_INTERLEAVE 3
#define OCI_MPOL_LOCAL 4
#define OCI_MPOL_PREFERRED_MANY 5
#define OCI_MPOL_WEIGHTED_INTERLEAVE 6
#define OCI_MPOL_F_NUMA_BALANCING (1 << 13)
#define OCI_MPOL_F_RELATIVE_NODES (1 << 14)
#define OCI_MPOL_F_STATIC_NODES (1 << 15)

#define TABLE(var, arr)                                                        \
  const oci_name_table var = { arr, sizeof (arr) / sizeof ((arr)[0]) }

static const oci_name_entry rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};
TABLE (oci_rlimit_names, rlimits);

static const oci_name_entry sched_policies[] = {
  { "SCHED_OTHER", SCHED_OTHER },
  { "SCHED_FIFO", SCHED_FIFO },
  { "SCHED_RR", SCHED_RR },
  { "SCHED_BATCH", SCHED_BATCH },
  { "SCHED_ISO", SCHED_ISO },
  { "SCHED_IDLE", SCHED_IDLE },
  { "SCHED_DEADLINE", SCHED_DEADLINE },
};
TABLE (oci_sched_policy_names, sched_policies);

static const oci_name_entry sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", OCI_SCHED_FLAG_RESET_ON_FORK },
  { "SCHED_FLAG_RECLAIM", OCI_SCHED_FLAG_RECLAIM },
  { "SCHED_FLAG_DL_OVERRUN", OCI_SCHED_FLAG_DL_OVERRUN },
  { "SCHED_FLAG_KEEP_POLICY", OCI_SCHED_FLAG_KEEP_POLICY },
  { "SCHED_FLAG_KEEP_PARAMS", OCI_SCHED_FLAG_KEEP_PARAMS },
  { "SCHED_FLAG_UTIL_CLAMP_MIN", OCI_SCHED_FLAG_UTIL_CLAMP_MIN },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", OCI_SCHED_FLAG_UTIL_CLAMP_MAX },
};
TABLE (oci_sched_flag_names, sched_flags);

static const oci_name_entry ioprio_classes[] = {
  { "IOPRIO_CLASS_RT", 1 },
  { "IOPRIO_CLASS_BE", 2 },
  { "IOPRIO_CLASS_IDLE", 3 },
};
TABLE (oci_ioprio_class_names, ioprio_classes);

static const oci_name_entry mpol_modes[] = {
  { "MPOL_DEFAULT", OCI_MPOL_DEFAULT },
  { "MPOL_BIND", OCI_MPOL_BIND },
  { "MPOL_INTERLEAVE", OCI_MPOL_INTERLEAVE },
  { "MPOL_WEIGHTED_INTERLEAVE", OCI_MPOL_WEIGHTED_INTERLEAVE },
  { "MPOL_PREFERRED", OCI_MPOL_PREFERRED },
  { "MPOL_PREFERRED_MANY", OCI_MPOL_PREFERRED_MANY },
  { "MPOL_LOCAL", OCI_MPOL_LOCAL },
};
TABLE (oci_mpol_mode_names, mpol_modes);

static const oci_name_entry mpol_flags[] = {
  { "MPOL_F_NUMA_BALANCING", OCI_MPOL_F_NUMA_BALANCING },
  { "MPOL_F_RELATIVE_NODES", OCI_MPOL_F_RELATIVE_NODES },
  { "MPOL_F_STATIC_NODES", OCI_MPOL_F_STATIC_NODES },
};
TABLE (oci_mpol_flag_names, mpol_flags);

static const oci_name_entry seccomp_actions[] = {
  { "SCMP_ACT_KILL", 0 },        { "SCMP_ACT_KILL_PROCESS", 0 },
  { "SCMP_ACT_KILL_THREAD", 0 }, { "SCMP_ACT_TRAP", 0 },
  { "SCMP_ACT_ERRNO", 0 },       { "SCMP_ACT_TRACE", 0 },
  { "SCMP_ACT_ALLOW", 0 },       { "SCMP_ACT_LOG", 0 },
  { "SCMP_ACT_NOTIFY", 0 },
};
TABLE (oci_seccomp_action_names, seccomp_actions);

static const oci_name_entry seccomp_operators[] = {
  { "SCMP_CMP_NE", 0 },        { "SCMP_CMP_LT", 0 }, { "SCMP_CMP_LE", 0 },
  { "SCMP_CMP_EQ", 0 },        { "SCMP_CMP_GE", 0 }, { "SCMP_CMP_GT", 0 },
  { "SCMP_CMP_MASKED_EQ", 0 },
};
TABLE (oci_seccomp_operator_names, seccomp_operators);

static const oci_name_entry seccomp_archs[] = {
  { "SCMP_ARCH_X86", 0 },         { "SCMP_ARCH_X86_64", 0 },
  { "SCMP_ARCH_X32", 0 },         { "SCMP_ARCH_ARM", 0 },
  { "SCMP_ARCH_AARCH64", 0 },     { "SCMP_ARCH_LOONGARCH64", 0 },
  { "SCMP_ARCH_M68K", 0 },        { "SCMP_ARCH_MIPS", 0 },
  { "SCMP_ARCH_MIPS64", 0 },      { "SCMP_ARCH_MIPS64N32", 0 },
  { "SCMP_ARCH_MIPSEL", 0 },      { "SCMP_ARCH_MIPSEL64", 0 },
  { "SCMP_ARCH_MIPSEL64N32", 0 }, { "SCMP_ARCH_PPC", 0 },
  { "SCMP_ARCH_PPC64", 0 },       { "SCMP_ARCH_PPC64LE", 0 },
  { "SCMP_ARCH_S390", 0 },        { "SCMP_ARCH_S390X", 0 },
  { "SCMP_ARCH_PARISC", 0 },      { "SCMP_ARCH_PARISC64", 0 },
  { "SCMP_ARCH_RISCV64", 0 },     { "SCMP_ARCH_SH", 0 },
  { "SCMP_ARCH_SHEB", 0 },
};
TABLE (oci_seccomp_arch_names, seccomp_archs);

static const oci_name_entry seccomp_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", 0 },
  { "SECCOMP_FILTER_FLAG_LOG", 0 },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 0 },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0 },
};
TABLE (oci_seccomp_flag_names, seccomp_flags);

static const oci_name_entry personality_domains[] = {
  { "LINUX", PER_LINUX },
  { "LINUX32", PER_LINUX32 },
};
TABLE (oci_personality_domain_names, personality_domains);

static const oci_name_entry rootfs_propagations[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_REC | MS_PRIVATE },
  { "shared", MS_SHARED },         { "rshared", MS_REC | MS_SHARED },
  { "slave", MS_SLAVE },           { "rslave", MS_REC | MS_SLAVE },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_REC | MS_UNBINDABLE },
};
TABLE (oci_rootfs_propagation_names, rootfs_propagations);

const oci_name_entry *
oci_name_find (const oci_name_table *t, const char *name)
{
  for (size_t i = 0; i < t->len; i++)
    if (strcmp (t->entries[i].name, name) == 0)
      return &t->entries[i];
  return NULL;
}

static const char *const ns_names[OCI_NS_COUNT] = {
  [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "network",
  [OCI_NS_MOUNT] = "mount",   [OCI_NS_IPC] = "ipc",
  [OCI_NS_UTS] = "uts",       [OCI_NS_USER] = "user",
  [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

const char *
oci_ns_type_name (oci_ns_type t)
{
  if ((unsigned)t >= OCI_NS_COUNT)
    return NULL;
  return ns_names[t];
}

int
oci_ns_type_from_name (const char *name)
{
  for (int i = 0; i < OCI_NS_COUNT; i++)
    if (strcmp (ns_names[i], name) == 0)
      return i;
  return -1;
}
