/* ocirt: cache of compiled seccomp programs.  libseccomp takes about
   10 ms to compile a container engine's default profile for three
   architectures, most of a container's start-up; the result only depends
   on the profile, libseccomp and the kernel's seccomp API level, so it is
   kept under the state root, keyed by content.  */
#ifndef OCIRT_SECCOMP_CACHE_H
#define OCIRT_SECCOMP_CACHE_H

#include "seccomp.h"

/* Like ocirt_seccomp_compile, reusing a program compiled earlier for the
   same section under ROOT (the runtime's --root; NULL: no cache).  Cache
   problems are never errors: the section is then compiled.  */
int ocirt_seccomp_compile_cached (const oci_seccomp *s, const char *root,
                                  struct ocirt_seccomp_prog *out,
                                  ocirt_error_t *err);

#endif
