/* ocirt: a sealed copy of the runtime binary for processes that enter a
   container (CVE-2019-5736).  */
#ifndef OCIRT_SELFEXE_H
#define OCIRT_SELFEXE_H

#include "error.h"

/* Returns a close-on-exec fd of a sealed, read-only memfd holding the
   running binary, ready for fexecve.  */
int ocirt_selfexe_sealed_fd (ocirt_error_t *err);

#endif
