/* ocirt: OCI hooks.  */
#ifndef OCIRT_HOOKS_H
#define OCIRT_HOOKS_H

#include "error.h"
#include "spec.h"

/* Run hooks[0..n) in order, each with the state JSON on stdin, its args
   and env, killed at its timeout.  kind names the hook list in messages
   ("prestart", "createRuntime", ...).  The first failure stops and
   returns -1 with 'KIND hook #I ("PATH"): exit status 3: <output tail>',
   '...: killed by signal 9', '...: timed out after N s' or '...: exec'
   (errnum set).  The tail is the last 1 KiB of stdout+stderr merged.  */
int ocirt_hooks_run (const char *kind, const oci_hook *hooks, size_t n,
                     const char *state_json, ocirt_error_t *err);

/* Run every hook even when some fail; failures are collected as warnings
   (poststop).  Returns the number of failures; *warnings (malloc'd strv,
   may be NULL) holds one message per failure.  */
int ocirt_hooks_run_all (const char *kind, const oci_hook *hooks, size_t n,
                         const char *state_json, char ***warnings);

#endif
