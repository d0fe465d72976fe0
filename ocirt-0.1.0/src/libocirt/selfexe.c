#include <config.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "selfexe.h"
#include "util.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/* A container process that reaches /proc/<pid>/exe of a runtime process
   in its namespaces must find a memfd that cannot be written, not the
   host's binary.  Our binary is small, so a copy per start costs tens of
   microseconds; see docs/design.md for the measurement.  */
int
ocirt_selfexe_sealed_fd (ocirt_error_t *err)
{
  cleanup_close int src = -1, mfd = -1;
  struct stat st;
  off_t off = 0;

  src = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0)
    return ocirt_error_set (err, errno, "open /proc/self/exe");
  if (fstat (src, &st) < 0)
    return ocirt_error_set (err, errno, "stat /proc/self/exe");
  mfd = memfd_create ("ocirt", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return ocirt_error_set (err, errno, "memfd_create");
  while (off < st.st_size)
    {
      ssize_t n = sendfile (mfd, src, &off, (size_t) (st.st_size - off));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return ocirt_error_set (err, errno, "copy the runtime binary");
        }
      if (n == 0)
        break;
    }
  if (fcntl (mfd, F_ADD_SEALS,
             F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
      < 0)
    return ocirt_error_set (err, errno, "seal the runtime binary copy");
  return steal_fd (&mfd);
}
