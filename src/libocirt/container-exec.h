/* ocirt: exec -- another process in a running container.  */
#ifndef OCIRT_CONTAINER_EXEC_H
#define OCIRT_CONTAINER_EXEC_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

struct ocirt_exec_opts
{
  const char *root;
  const char *id;
  const char *process_file; /* -p FILE ("-": stdin) */
  char **args;              /* command and arguments */
  size_t args_len;
  const char *cwd;
  char **env; /* -e K=V */
  size_t env_len;
  bool has_uid, has_gid; /* -u UID[:GID] */
  uint32_t uid, gid;
  uint32_t *gids; /* -g, added to additionalGids */
  size_t gids_len;
  char **caps; /* -c */
  size_t caps_len;
  bool tty;
  bool no_new_privs;
  const char *apparmor;
  const char *label;
  const char *console_socket;
  const char *pid_file;
  int preserve_fds;
  bool detach;
  bool ignore_paused;
  char **cgroups; /* --cgroup [CONTROLLER[,CONTROLLER]:]PATH */
  size_t cgroups_len;
};

/* Foreground: returns the process's exit status (128+N for signal N)
   in *status.  Detached: returns once the process runs.  */
int ocirt_container_exec (const struct ocirt_exec_opts *o, int *status,
                          ocirt_error_t *err);

/* --cgroup: a sub-cgroup of the container's cgroup the process joins,
   in the v1 hierarchies of the listed controllers or (no controller) in
   every hierarchy.  */
struct ocirt_exec_subcg
{
  char **controllers; /* NULL: every hierarchy */
  char *path;         /* cleaned, absolute, relative to the container's */
};

/* Parse "[CTRL[,CTRL...]:]PATH"; rejects "..", an empty path or
   controller.  */
int ocirt_exec_subcg_parse (const char *spec, struct ocirt_exec_subcg *out,
                            ocirt_error_t *err);
void ocirt_exec_subcg_release (struct ocirt_exec_subcg *s);

#endif
