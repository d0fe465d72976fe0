#include <config.h>

/* Compiled seccomp programs kept under ROOT/.cache:seccomp (a name that
   is no valid container id and that listings skip).  An entry is named
   after a hash of its key and stores the whole key, which a lookup
   compares: a hash collision costs a compile, never a wrong filter.  The
   key covers what the program depends on: the section minus its load
   flags, libseccomp's version, the native architecture and the kernel's
   seccomp API level.  */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "seccomp-cache.h"
#include "util.h"

#ifdef HAVE_SECCOMP

#define CACHE_DIR ".cache:seccomp"
#define CACHE_MAGIC "OCIRTSC1"
#define CACHE_MAX_ENTRIES 64
#define CACHE_MAX_FILE (1 << 22)
#define INSN_SIZE 8

struct cache_header
{
  char magic[8];
  uint32_t key_len;
  uint32_t insns;
  uint32_t has_notify;
  uint32_t reserved;
};

/* Length-prefixed, so no string can imitate another field.  */
static void
put_str (FILE *f, const char *s)
{
  if (s == NULL)
    fputs ("-;", f);
  else
    fprintf (f, "%zu:%s;", strlen (s), s);
}

static void
put_syscall (FILE *f, const oci_seccomp_syscall *sc)
{
  fprintf (f, "S%zu;", sc->names_len);
  for (size_t k = 0; k < sc->names_len; k++)
    put_str (f, sc->names[k]);
  put_str (f, sc->action);
  fprintf (f, "%d,%u;A%zu;", sc->has_errno_ret, sc->errno_ret, sc->args_len);
  for (size_t j = 0; j < sc->args_len; j++)
    {
      const oci_seccomp_arg *a = &sc->args[j];

      fprintf (f, "%u,%llu,%d,%llu,", a->index, (unsigned long long)a->value,
               a->has_value_two, (unsigned long long)a->value_two);
      put_str (f, a->op);
    }
}

static char *
cache_key (const oci_seccomp *s, size_t *len)
{
  const struct scmp_version *v = seccomp_version ();
  char *buf = NULL;
  FILE *f = open_memstream (&buf, len);

  if (f == NULL)
    abort ();
  fprintf (f, "ocirt-seccomp 1;libseccomp %u.%u.%u;arch %u;api %u;", v->major,
           v->minor, v->micro, seccomp_arch_native (), seccomp_api_get ());
  put_str (f, s->default_action);
  fprintf (f, "%d,%u;L%d;R%zu;", s->has_default_errno_ret, s->default_errno_ret,
           s->listener_path != NULL && s->listener_path[0] != '\0',
           s->architectures_len);
  for (size_t i = 0; i < s->architectures_len; i++)
    put_str (f, s->architectures[i]);
  fprintf (f, "N%zu;", s->syscalls_len);
  for (size_t i = 0; i < s->syscalls_len; i++)
    put_syscall (f, &s->syscalls[i]);
  if (fclose (f) != 0)
    abort ();
  return buf;
}

/* FNV-1a, 64 bits: only names the file.  */
static void
entry_name (const char *key, size_t len, char *name, size_t size)
{
  uint64_t h = 0xcbf29ce484222325ULL;

  for (size_t i = 0; i < len; i++)
    {
      h ^= (unsigned char)key[i];
      h *= 0x100000001b3ULL;
    }
  snprintf (name, size, "%016llx-%zu.bpf", (unsigned long long)h, len);
}

static int
open_cache_dir (const char *root, bool create)
{
  cleanup_close int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (rootfd < 0)
    return -1;
  if (create && mkdirat (rootfd, CACHE_DIR, 0700) < 0 && errno != EEXIST)
    return -1;
  return openat (rootfd, CACHE_DIR,
                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Only files this user wrote and nobody else can change are trusted.  */
static bool
entry_trusted (int fd)
{
  struct stat st;

  return fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_uid == geteuid ()
         && (st.st_mode & 022) == 0 && st.st_size <= CACHE_MAX_FILE;
}

static int
cache_lookup (const char *root, const char *name, const char *key,
              size_t key_len, struct ocirt_seccomp_prog *out)
{
  cleanup_close int dirfd = open_cache_dir (root, false);
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  struct cache_header h;
  size_t len = 0;

  if (dirfd < 0)
    return -1;
  fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || !entry_trusted (fd)
      || ocirt_read_fd (fd, CACHE_MAX_FILE, &buf, &len) < 0 || len < sizeof h)
    return -1;
  memcpy (&h, buf, sizeof h);
  if (memcmp (h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || h.key_len != key_len
      || h.insns == 0
      || len != sizeof h + (size_t)h.key_len + (size_t)h.insns * INSN_SIZE
      || memcmp (buf + sizeof h, key, key_len) != 0)
    return -1;
  out->len = h.insns;
  out->has_notify = h.has_notify != 0;
  out->filter = xmalloc (out->len * INSN_SIZE);
  memcpy (out->filter, buf + sizeof h + key_len, out->len * INSN_SIZE);
  return 0;
}

/* Keep the cache bounded: past the limit, start over.  */
static void
cache_trim (int dirfd)
{
  cleanup_dir DIR *d = NULL;
  struct dirent *de;
  int fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  size_t n = 0;

  if (fd < 0)
    return;
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return;
    }
  while ((de = readdir (d)) != NULL)
    n += de->d_name[0] != '.';
  if (n < CACHE_MAX_ENTRIES)
    return;
  rewinddir (d);
  while ((de = readdir (d)) != NULL)
    if (de->d_name[0] != '.')
      unlinkat (dirfd, de->d_name, 0);
}

static void
cache_store (const char *root, const char *name, const char *key,
             size_t key_len, const struct ocirt_seccomp_prog *p)
{
  cleanup_close int dirfd = open_cache_dir (root, true);
  cleanup_free char *buf = NULL;
  struct cache_header h = { .key_len = (uint32_t)key_len,
                            .insns = (uint32_t)p->len,
                            .has_notify = p->has_notify };
  size_t plen = p->len * INSN_SIZE;

  if (dirfd < 0 || p->len == 0)
    return;
  memcpy (h.magic, CACHE_MAGIC, sizeof h.magic);
  buf = xmalloc (sizeof h + key_len + plen);
  memcpy (buf, &h, sizeof h);
  memcpy (buf + sizeof h, key, key_len);
  memcpy (buf + sizeof h + key_len, p->filter, plen);
  cache_trim (dirfd);
  ocirt_write_file_atomic_at (dirfd, name, buf, sizeof h + key_len + plen,
                              0600);
}

int
ocirt_seccomp_compile_cached (const oci_seccomp *s, const char *root,
                              struct ocirt_seccomp_prog *out,
                              ocirt_error_t *err)
{
  cleanup_free char *key = NULL;
  size_t key_len = 0;
  char name[64];

  if (s == NULL || root == NULL)
    return ocirt_seccomp_compile (s, out, err);
  key = cache_key (s, &key_len);
  entry_name (key, key_len, name, sizeof name);
  if (cache_lookup (root, name, key, key_len, out) == 0)
    return 0;
  if (ocirt_seccomp_compile (s, out, err) < 0)
    return -1;
  cache_store (root, name, key, key_len, out);
  return 0;
}

#else /* !HAVE_SECCOMP */

int
ocirt_seccomp_compile_cached (const oci_seccomp *s, const char *root,
                              struct ocirt_seccomp_prog *out,
                              ocirt_error_t *err)
{
  (void)root;
  return ocirt_seccomp_compile (s, out, err);
}

#endif
