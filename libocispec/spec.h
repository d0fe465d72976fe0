/* libocispec: OCI runtime-spec v1.3.0 configuration as typed C structs.

   Every optional scalar whose absence means something has a has_ flag.
   Arrays are pointer + length.  Strings are NUL-terminated, NULL when
   absent.  Maps are parallel key/value arrays in document order.  */
#ifndef OCISPEC_SPEC_H
#define OCISPEC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GNU C predefines "linux" as 1; the spec has a field of that name.  */
#undef linux

#define OCI_SPEC_VERSION "1.3.0"
#define OCI_SPEC_VERSION_MIN "1.0.0"

typedef struct
{
  char **keys;
  char **values;
  size_t len;
} oci_string_map;

typedef struct
{
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct
{
  uint32_t height;
  uint32_t width;
} oci_console_size;

typedef struct
{
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username; /* Windows only; kept for round-trips */
} oci_user;

typedef struct
{
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
  /* Which sets were present in the document (absent != empty).  */
  bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
} oci_capabilities;

typedef struct
{
  char *type;   /* "RLIMIT_NOFILE" */
  int resource; /* RLIMIT_* value resolved at parse time */
  uint64_t soft;
  uint64_t hard;
} oci_rlimit;

typedef struct
{
  char *policy; /* "SCHED_OTHER" ... */
  int policy_value;
  bool has_nice;
  int32_t nice;
  bool has_priority;
  int32_t priority;
  char **flags;
  size_t flags_len;
  uint64_t flags_value; /* SCHED_FLAG_* bits */
  bool has_runtime, has_deadline, has_period;
  uint64_t runtime;
  uint64_t deadline;
  uint64_t period;
} oci_scheduler;

typedef struct
{
  char *klass; /* "IOPRIO_CLASS_RT" ... */
  int class_value;
  int32_t priority;
} oci_io_priority;

typedef struct
{
  char *initial; /* cpu list, e.g. "0-3,7" */
  char *final;
} oci_exec_cpu_affinity;

typedef struct
{
  bool terminal;
  oci_console_size *console_size;
  oci_user user;
  char **args;
  size_t args_len;
  char *command_line; /* Windows only */
  char **env;
  size_t env_len;
  char *cwd;
  oci_capabilities *capabilities;
  oci_rlimit *rlimits;
  size_t rlimits_len;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int32_t oom_score_adj;
  char *selinux_label;
  oci_io_priority *io_priority;
  oci_scheduler *scheduler;
  oci_exec_cpu_affinity *exec_cpu_affinity;
} oci_process;

typedef struct
{
  char *path;
  bool readonly;
} oci_root;

typedef struct
{
  char *destination;
  char *type;
  char *source;
  char **options;
  size_t options_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct
{
  char *path;
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  bool has_timeout;
  int32_t timeout; /* seconds, > 0 */
} oci_hook;

typedef struct
{
  oci_hook *prestart;
  size_t prestart_len;
  oci_hook *create_runtime;
  size_t create_runtime_len;
  oci_hook *create_container;
  size_t create_container_len;
  oci_hook *start_container;
  size_t start_container_len;
  oci_hook *poststart;
  size_t poststart_len;
  oci_hook *poststop;
  size_t poststop_len;
} oci_hooks;

typedef enum
{
  OCI_NS_PID,
  OCI_NS_NETWORK,
  OCI_NS_MOUNT,
  OCI_NS_IPC,
  OCI_NS_UTS,
  OCI_NS_USER,
  OCI_NS_CGROUP,
  OCI_NS_TIME,
  OCI_NS_COUNT
} oci_ns_type;

typedef struct
{
  oci_ns_type type;
  char *path; /* NULL: create a new one */
} oci_namespace;

typedef struct
{
  bool has_secs, has_nanosecs;
  int64_t secs;
  uint32_t nanosecs;
} oci_time_offset;

typedef struct
{
  char type; /* 'c', 'b', 'u', 'p' */
  char *path;
  bool has_major, has_minor;
  int64_t major;
  int64_t minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid, has_gid;
  uint32_t uid;
  uint32_t gid;
} oci_device;

typedef struct
{
  char *host_name; /* map key */
  char *name;      /* optional new name inside */
} oci_net_device;

typedef struct
{
  bool allow;
  char type; /* 'a', 'c', 'b'; 0 when absent (= 'a') */
  bool has_major, has_minor;
  int64_t major; /* -1 = wildcard */
  int64_t minor;
  char *access; /* "rwm" subset, NULL when absent */
} oci_device_cgroup;

typedef struct
{
  bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp,
      has_swappiness, has_disable_oom_killer, has_use_hierarchy,
      has_check_before_update;
  int64_t limit;
  int64_t reservation;
  int64_t swap;
  int64_t kernel;
  int64_t kernel_tcp;
  uint64_t swappiness;
  bool disable_oom_killer;
  bool use_hierarchy;
  bool check_before_update;
} oci_memory;

typedef struct
{
  bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
      has_realtime_period, has_idle;
  uint64_t shares;
  int64_t quota;
  uint64_t burst;
  uint64_t period;
  int64_t realtime_runtime;
  uint64_t realtime_period;
  char *cpus;
  char *mems;
  int64_t idle;
} oci_cpu;

typedef struct
{
  int64_t major;
  int64_t minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight;
  uint16_t leaf_weight;
} oci_weight_device;

typedef struct
{
  int64_t major;
  int64_t minor;
  uint64_t rate;
} oci_throttle_device;

typedef struct
{
  bool has_weight, has_leaf_weight;
  uint16_t weight;
  uint16_t leaf_weight;
  oci_weight_device *weight_device;
  size_t weight_device_len;
  oci_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  oci_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  oci_throttle_device *throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  oci_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
} oci_block_io;

typedef struct
{
  char *page_size;
  uint64_t limit;
} oci_hugepage_limit;

typedef struct
{
  char *name;
  uint32_t priority;
} oci_net_priority;

typedef struct
{
  bool has_class_id;
  uint32_t class_id;
  oci_net_priority *priorities;
  size_t priorities_len;
} oci_network;

typedef struct
{
  int64_t limit; /* -1 = max; 0 is a valid limit */
} oci_pids;

typedef struct
{
  char *device; /* map key */
  bool has_hca_handles, has_hca_objects;
  uint32_t hca_handles;
  uint32_t hca_objects;
} oci_rdma;

typedef struct
{
  oci_device_cgroup *devices;
  size_t devices_len;
  oci_memory *memory;
  oci_cpu *cpu;
  oci_block_io *block_io;
  oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  oci_network *network;
  oci_pids *pids;
  oci_rdma *rdma;
  size_t rdma_len;
  bool has_unified;
  oci_string_map unified;
} oci_resources;

typedef struct
{
  char *clos_id;
  char *l3_cache_schema;
  char *mem_bw_schema;
  char **schemata;
  size_t schemata_len;
  bool has_enable_monitoring;
  bool enable_monitoring;
} oci_intel_rdt;

typedef struct
{
  char *mode; /* "MPOL_BIND" ... */
  int mode_value;
  char *nodes;
  char **flags;
  size_t flags_len;
  int flags_value;
} oci_memory_policy;

typedef struct
{
  uint32_t index;
  uint64_t value;
  bool has_value_two;
  uint64_t value_two;
  char *op; /* "SCMP_CMP_EQ" ... validated at parse time */
} oci_seccomp_arg;

typedef struct
{
  char **names;
  size_t names_len;
  char *action; /* "SCMP_ACT_ERRNO" ... validated at parse time */
  bool has_errno_ret;
  uint32_t errno_ret;
  oci_seccomp_arg *args;
  size_t args_len;
} oci_seccomp_syscall;

typedef struct
{
  char *default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures;
  size_t architectures_len;
  char **flags;
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  oci_seccomp_syscall *syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct
{
  char *domain; /* "LINUX" or "LINUX32" */
  char **flags;
  size_t flags_len;
} oci_personality;

typedef struct
{
  oci_namespace *namespaces;
  size_t namespaces_len;
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  /* timeOffsets: keys "monotonic", "boottime" */
  bool has_time_monotonic, has_time_boottime;
  oci_time_offset time_monotonic;
  oci_time_offset time_boottime;
  oci_device *devices;
  size_t devices_len;
  oci_net_device *net_devices;
  size_t net_devices_len;
  char *cgroups_path;
  oci_resources *resources;
  oci_intel_rdt *intel_rdt;
  oci_memory_policy *memory_policy;
  oci_string_map sysctl;
  oci_seccomp *seccomp;
  char *rootfs_propagation;
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  oci_personality *personality;
} oci_linux;

typedef struct
{
  char *oci_version;
  oci_process *process;
  oci_root *root;
  char *hostname;
  char *domainname;
  oci_mount *mounts;
  size_t mounts_len;
  oci_hooks *hooks;
  oci_string_map annotations;
  oci_linux *linux;
} oci_spec;

/* Parse a config.json document.  On error returns NULL and sets *err to a
   malloc'd one-line message naming the JSON path ("process.args: must
   contain at least one entry"); the caller prefixes the file name.  */
oci_spec *oci_spec_parse (const char *buf, size_t len, char **err);

/* Parse just a "process" object (exec --process).  */
oci_process *oci_process_parse (const char *buf, size_t len, char **err);

/* Parse a LinuxResources object (update --resources).  */
oci_resources *oci_resources_parse (const char *buf, size_t len, char **err);

void oci_spec_free (oci_spec *s);
void oci_process_free (oci_process *p);
void oci_resources_free (oci_resources *r);

/* Emit the full config as JSON (used by `spec` and the round-trip tests).
   Returns malloc'd text, or NULL on error (with *err set).  */
char *oci_spec_emit (const oci_spec *s, bool pretty, char **err);

/* Names.  */
const char *oci_ns_type_name (oci_ns_type t); /* "pid", "network", ... */
int oci_ns_type_from_name (const char *name); /* -1 if unknown */

/* Runtime state (runtime.md plus runc's extras).  */
typedef struct
{
  const char *oci_version;
  const char *id;
  const char *status; /* creating created running stopped paused */
  int pid;            /* 0: omitted */
  const char *bundle;
  const oci_string_map *annotations;
  /* runc extras, omitted when NULL */
  const char *rootfs;
  const char *created;
  const char *owner;
} oci_state;

char *oci_state_emit (const oci_state *st, bool pretty);

/* Parsed state (for tests and tools).  Strings owned by the struct.  */
typedef struct
{
  char *oci_version;
  char *id;
  char *status;
  int pid;
  char *bundle;
  oci_string_map annotations;
} oci_state_doc;

oci_state_doc *oci_state_parse (const char *buf, size_t len, char **err);
void oci_state_doc_free (oci_state_doc *s);

#endif
