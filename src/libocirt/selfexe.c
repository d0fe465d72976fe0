#include <config.h>

#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "selfexe.h"
#include "util.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/* The bytes execve needs: up to the end of the furthest segment the
   program headers describe.  What follows (debug sections and the section
   header table) is never mapped; leaving it out halves the copy of a
   binary built with -g (see docs/performance.md).  The whole size when
   the headers are not those of a native ELF file.  */
static off_t
loaded_size (int fd, off_t size)
{
  ElfW (Ehdr) eh;
  ElfW (Phdr) ph[64];
  off_t end;

  if (pread (fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh
      || memcmp (eh.e_ident, ELFMAG, SELFMAG) != 0
      || eh.e_phentsize != sizeof ph[0] || eh.e_phnum == 0
      || eh.e_phnum > sizeof ph / sizeof ph[0] || eh.e_phoff == 0
      || (off_t)eh.e_phoff >= size)
    return size;
  if (pread (fd, ph, eh.e_phnum * sizeof ph[0], (off_t)eh.e_phoff)
      != (ssize_t)(eh.e_phnum * sizeof ph[0]))
    return size;
  end = (off_t)(eh.e_phoff + eh.e_phnum * sizeof ph[0]);
  for (size_t i = 0; i < eh.e_phnum; i++)
    {
      if (ph[i].p_offset > (ElfW (Off))size
          || ph[i].p_filesz > (ElfW (Off))size - ph[i].p_offset)
        return size;
      if ((off_t)(ph[i].p_offset + ph[i].p_filesz) > end)
        end = (off_t)(ph[i].p_offset + ph[i].p_filesz);
    }
  return end < size ? end : size;
}

/* A container process that reaches /proc/<pid>/exe of a runtime process
   in its namespaces must find a memfd that cannot be written, not the
   host's binary.  The copy is one sendfile of the loaded part of the
   binary; see docs/performance.md for what it costs.  */
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
  st.st_size = loaded_size (src, st.st_size);
  mfd = memfd_create ("ocirt", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return ocirt_error_set (err, errno, "memfd_create");
  while (off < st.st_size)
    {
      ssize_t n = sendfile (mfd, src, &off, (size_t)(st.st_size - off));
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
