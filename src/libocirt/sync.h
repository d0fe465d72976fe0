/* ocirt: the sync channel between the runtime and the container's init.

   A SOCK_SEQPACKET socketpair.  Every message is one datagram: a header
   (type, payload length) and a payload of at most OCIRT_SYNC_MAX bytes,
   optionally with file descriptors attached (SCM_RIGHTS).  The receiver
   checks the datagram length against the header and the size the type
   allows before it looks at the payload.

   runtime -> init                      init -> runtime
   CONFIG   (params; fds: config, fifo)
   CGROUP   (fds: cgroup.procs of each hierarchy; their names)
                                        READY_FOR_MAPPINGS (new userns)
   MAPPINGS_DONE
                                        PID    (int32: container init, host pid)
                                        RUN_HOOKS (prestart + createRuntime now)
   HOOKS_DONE
                                        PTY    (fd: terminal master)
                                        CREATED (waiting on the exec fifo)
                                        ERROR  (int32 errno + message)
                                        WARNING (message, any time)
                                        SECCOMP_FD (fd: notify listener)  */
#ifndef OCIRT_SYNC_H
#define OCIRT_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define OCIRT_SYNC_MAX 8192
#define OCIRT_SYNC_MAX_FDS 24

enum ocirt_sync_type
{
  OCIRT_SYNC_CONFIG = 1,
  OCIRT_SYNC_READY_FOR_MAPPINGS,
  OCIRT_SYNC_MAPPINGS_DONE,
  OCIRT_SYNC_PID,
  OCIRT_SYNC_RUN_HOOKS,
  OCIRT_SYNC_HOOKS_DONE,
  OCIRT_SYNC_PTY,
  OCIRT_SYNC_CREATED,
  OCIRT_SYNC_ERROR,
  OCIRT_SYNC_WARNING,
  OCIRT_SYNC_SECCOMP_FD,
  OCIRT_SYNC_CGROUP,
  OCIRT_SYNC_TYPE_MAX
};

struct ocirt_sync_msg
{
  uint32_t type;
  uint32_t len;                     /* payload bytes */
  char payload[OCIRT_SYNC_MAX + 1]; /* always NUL-terminated */
  int fds[OCIRT_SYNC_MAX_FDS];
  int nfds;
};

const char *ocirt_sync_type_name (uint32_t type);

/* Send one message.  */
int ocirt_sync_send (int fd, uint32_t type, const void *payload, size_t len,
                     const int *fds, int nfds, ocirt_error_t *err);

/* Receive one message.  Returns 1 on a message, 0 on EOF, -1 on error.
   Received fds are close-on-exec; the caller owns them.  */
int ocirt_sync_recv (int fd, struct ocirt_sync_msg *m, ocirt_error_t *err);

/* Decode a received datagram (exposed for the fuzzer).  buf/len is the
   whole datagram.  Returns 0 or -1 with err set.  */
int ocirt_sync_decode (const void *buf, size_t len, struct ocirt_sync_msg *m,
                       ocirt_error_t *err);

/* Receive and require a type; an ERROR message from the peer becomes the
   error (its own text and errno).  */
int ocirt_sync_expect (int fd, uint32_t type, struct ocirt_sync_msg *m,
                       ocirt_error_t *err);

/* Init side: send err as an ERROR message.  */
void ocirt_sync_send_error (int fd, const ocirt_error_t *err);

/* Turn a received ERROR message into err.  */
int ocirt_sync_error_from_msg (const struct ocirt_sync_msg *m,
                               ocirt_error_t *err);

void ocirt_sync_close_fds (struct ocirt_sync_msg *m);

#endif
