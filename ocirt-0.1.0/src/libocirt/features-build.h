/* ocirt: the features document (`ocirt features`) for this build.  */
#ifndef OCIRT_FEATURES_BUILD_H
#define OCIRT_FEATURES_BUILD_H

#include "error.h"
#include "oci-features.h"

/* Fill *f (zeroed by the caller) with what this build supports: decided at
   compile time, except seccomp supportedFlags, which also asks the kernel
   and libseccomp.  Release with oci_features_clear.  */
int ocirt_features_build (oci_features *f, ocirt_error_t *err);

/* The mount options the runtime recognizes (features.mountOptions),
   NULL-terminated.  */
const char *const *ocirt_known_mount_options (void);

#endif
