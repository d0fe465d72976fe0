/* ocirt: the container's state directory <root>/<id>/.

   state.json   what the runtime knows (written atomically)
   config.json  the config as create read it (hooks for start/delete)
   exec.fifo    present while the container is created, not started
   lock         flock()ed by every verb on the container  */
#ifndef OCIRT_STATE_H
#define OCIRT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

struct ocirt_state
{
  char *id;
  int pid;            /* container init, host pid namespace */
  uint64_t pid_start; /* start time of pid (/proc/PID/stat field 22) */
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339 */
  char *owner;
  char *cgroup_path;
  char *rdt_dir;     /* resctrl CLOS directory create made */
  char *rdt_mon_dir; /* resctrl monitoring group */
  char *init_comm;   /* comm of the init while it waits for start */
  oci_string_map annotations;
  bool has_poststart;
  bool has_poststop;
  bool has_terminal;
};

/* Check an id: letters, digits, "_ . + -", not "." or "..", 1..1024 bytes.  */
int ocirt_id_validate (const char *id, ocirt_error_t *err);

/* Create <root> (0700) if needed and <root>/<id> exclusively; lock it.
   Returns the directory fd; *lockfd holds the lock.  EEXIST ->
   "container \"ID\" already exists".  */
int ocirt_state_dir_create (const char *root, const char *id, int *lockfd,
                            ocirt_error_t *err);

/* Open and lock <root>/<id>; ENOENT -> "container \"ID\" does not exist".
   Rechecks after the lock that the directory was not removed meanwhile.  */
int ocirt_state_dir_open (const char *root, const char *id, bool exclusive,
                          int *lockfd, ocirt_error_t *err);

/* Remove the directory and everything in it.  */
int ocirt_state_dir_remove (const char *root, const char *id,
                            ocirt_error_t *err);

int ocirt_state_write (int dirfd, const struct ocirt_state *st,
                       ocirt_error_t *err);
int ocirt_state_read (int dirfd, struct ocirt_state *st, ocirt_error_t *err);
/* Parse the NUL-terminated text of a state file (exposed for the fuzzer).  */
int ocirt_state_parse (const char *text, struct ocirt_state *st,
                       ocirt_error_t *err);
void ocirt_state_release (struct ocirt_state *st);

/* Status of a container from its state and the live process.  */
const char *ocirt_state_status (int dirfd, const struct ocirt_state *st);

/* For many containers at once (list): fds opened once instead of a path
   walk per container.  procfd: "/proc"; freezerfd: the root of the
   freezer hierarchy (freezer_v1) or of the v2 tree, or -1.  */
struct ocirt_status_ctx
{
  int procfd;
  int freezerfd;
  bool freezer_v1;
};
/* name: the container's directory under dirfd, or NULL when dirfd is
   that directory.  */
const char *ocirt_state_status_at (int dirfd, const struct ocirt_state *st,
                                   const struct ocirt_status_ctx *ctx,
                                   const char *name);

/* state.json of container id under the state root (list).  */
int ocirt_state_read_named (int rootfd, const char *id, struct ocirt_state *st,
                            ocirt_error_t *err);

/* Is pid still the process that was started (start time check)?  */
bool ocirt_pid_alive (int pid, uint64_t start);

/* What the state needs of /proc/PID/stat.  */
struct ocirt_pid_stat
{
  uint64_t start; /* field 22, clock ticks after boot */
  char state;     /* field 3 */
  char comm[16];  /* field 2, without the parentheses */
};
int ocirt_pid_stat (int pid, struct ocirt_pid_stat *out);

/* The runtime-spec state JSON of the container (runtime.md + runc's
   rootfs/created/owner).  */
char *ocirt_state_json (const struct ocirt_state *st, const char *status,
                        bool pretty);

#endif
