/* ocirt: container operations used by the verbs.  */
#ifndef OCIRT_CONTAINER_H
#define OCIRT_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

struct ocirt_create_opts
{
  const char *root;
  const char *id;
  const char *bundle;         /* default "." */
  const char *console_socket; /* create with a terminal */
  const char *pid_file;
  int preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
  bool keep_pty; /* foreground run: keep the pty master */
};

struct ocirt_created
{
  int pid;    /* container init, host pid */
  int pidfd;  /* pidfd of pid, -1 if unavailable */
  int master; /* pty master when keep_pty and process.terminal, else -1 */
};

int ocirt_container_create (const struct ocirt_create_opts *o,
                            struct ocirt_created *out, ocirt_error_t *err);

/* Start a created container; returns when the user process runs (its
   execve succeeded) and the poststart hooks ran.  */
int ocirt_container_start (const char *root, const char *id,
                           ocirt_error_t *err);

/* State JSON of a container (malloc'd).  */
int ocirt_container_state (const char *root, const char *id, char **json,
                           ocirt_error_t *err);

int ocirt_container_kill (const char *root, const char *id, int sig, bool all,
                          ocirt_error_t *err);

int ocirt_container_delete (const char *root, const char *id, bool force,
                            ocirt_error_t *err);

struct ocirt_list_entry
{
  char *id;
  int pid;
  const char *status; /* a static string */
  char *bundle;
  char *created;
  char *owner;
};

int ocirt_container_list (const char *root, struct ocirt_list_entry **out,
                          size_t *n, ocirt_error_t *err);
void ocirt_list_free (struct ocirt_list_entry *l, size_t n);

/* An opened, locked container (for verbs built on top of the state).  */
#include "state.h"
struct ocirt_opened
{
  int dirfd;
  int lockfd;
  struct ocirt_state st;
};
int ocirt_container_open (const char *root, const char *id, bool exclusive,
                          struct ocirt_opened *o, ocirt_error_t *err);
void ocirt_opened_release (struct ocirt_opened *o);
/* The config.json saved by create.  */
oci_spec *ocirt_container_saved_config (int dirfd, ocirt_error_t *err);
/* pidfd of the init, checked against its start time; -1 with errno.  */
int ocirt_container_pidfd (const struct ocirt_state *st);

/* Signal names: "TERM", "SIGTERM", "term", "15".  Returns the number or
   -1.  */
int ocirt_signal_parse (const char *s);

/* Entry of the hidden `init` verb: never returns on success.  */
int ocirt_init_main (int sync_fd);

/* Exec without a re-exec: the caller (the forked child) has joined the
   container's cgroup and namespaces; this applies the process and starts
   it through the sealed execve stub.  Never returns.  */
struct ocirt_init_params;
int ocirt_init_exec_direct (int sync_fd, oci_spec *spec,
                            const struct ocirt_init_params *params,
                            const char *id, void *filter, size_t filter_len,
                            bool notify);

/* Parameters of the CONFIG message (runtime -> init).  */
#define OCIRT_INIT_NO_PIVOT 0x1
#define OCIRT_INIT_NO_NEW_KEYRING 0x2
#define OCIRT_INIT_SECCOMP 0x4 /* third fd: the BPF program */
#define OCIRT_INIT_SECCOMP_NOTIFY 0x8
#define OCIRT_INIT_EXEC 0x10 /* join a running container */
struct ocirt_init_params
{
  uint32_t flags;
  int32_t preserve_fds;
  int32_t listen_fds;
  int32_t spawn_ns; /* CLONE_NEW* flags the init was born with */
  /* NUL-terminated strings follow: id, bundle, rootfs.  */
};

#endif
