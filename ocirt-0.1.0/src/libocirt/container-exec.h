/* ocirt: exec -- another process in a running container.  */
#ifndef OCIRT_CONTAINER_EXEC_H
#define OCIRT_CONTAINER_EXEC_H

#include <stdbool.h>
#include "error.h"
#include "spec.h"

struct ocirt_exec_opts
{
  const char *root;
  const char *id;
  const char *process_file;   /* -p FILE ("-": stdin) */
  char **args;                /* command and arguments */
  size_t args_len;
  const char *cwd;
  char **env;                 /* -e K=V */
  size_t env_len;
  bool has_user;
  uint32_t uid, gid;
  uint32_t *gids;             /* -g */
  size_t gids_len;
  char **caps;                /* -c */
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
  const char *cgroup;         /* --cgroup [CONTROLLER:]PATH */
};

/* Foreground: returns the process's exit status (128+N for signal N)
   in *status.  Detached: returns once the process runs.  */
int ocirt_container_exec (const struct ocirt_exec_opts *o, int *status,
                          ocirt_error_t *err);

#endif
