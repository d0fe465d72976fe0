/* ocirt: seccomp filters.  The runtime compiles linux.seccomp into a
   classic BPF program before the init exists (the container's memory
   does not pay for libseccomp); the init only loads it.  */
#ifndef OCIRT_SECCOMP_H
#define OCIRT_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "spec.h"

struct ocirt_seccomp_prog
{
  void *filter;    /* struct sock_filter[] */
  size_t len;      /* number of instructions, 0 = no filter */
  bool has_notify; /* SCMP_ACT_NOTIFY is used: a listener fd comes back */
};

/* Runtime: compile s (may be NULL: no filter).  Errors name the JSON path
   ("linux.seccomp.syscalls[3].action: ...").  */
int ocirt_seccomp_compile (const oci_seccomp *s, struct ocirt_seccomp_prog *out,
                           ocirt_error_t *err);
void ocirt_seccomp_prog_release (struct ocirt_seccomp_prog *p);

/* Init: install the program with the flags of s (TSYNC, LOG, SPEC_ALLOW,
   WAIT_KILLABLE_RECV, plus NEW_LISTENER when has_notify).  Returns 0 and,
   with notify, the listener fd in *listener (else -1).  */
int ocirt_seccomp_load (const oci_seccomp *s, const void *filter, size_t len,
                        bool has_notify, int *listener, ocirt_error_t *err);

/* Runtime: connect to s->listener_path and send the container process
   state JSON (runtime-spec "containerProcessState": ociVersion, fds
   ["seccompFd"], pid, metadata, state) with the listener fd attached.  */
int ocirt_seccomp_send_listener (const oci_seccomp *s, int listener, int pid,
                                 const char *state_json, ocirt_error_t *err);

#endif
