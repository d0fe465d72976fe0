#include <config.h>
/* ocirt: process attributes applied in the init before execve.  */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procattr.h"
#include "procfs.h"
#include "util.h"

#define DEFAULT_PATH                                                           \
  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int
ocirt_set_uts (const oci_spec *s, ocirt_error_t *err)
{
  if (s->hostname && sethostname (s->hostname, strlen (s->hostname)) < 0)
    return ocirt_error_errno (err, "sethostname \"%s\"", s->hostname);
  if (s->domainname
      && setdomainname (s->domainname, strlen (s->domainname)) < 0)
    return ocirt_error_errno (err, "setdomainname \"%s\"", s->domainname);
  return 0;
}

/* Key "net.ipv4.ip_forward" to "net/ipv4/ip_forward"; a key already in
   slash form keeps its dots (interface names).  */
static char *
sysctl_path (const char *key)
{
  char *p = xstrdup (key), *c;

  if (strchr (p, '/') == NULL)
    for (c = p; *c; c++)
      if (*c == '.')
        *c = '/';
  return p;
}

/* Through the private procfs handle (procfs.c): a /proc/sys that the
   image or a volume mounted over is never used (CVE-2019-16884,
   CVE-2025-52881).  */
int
ocirt_apply_sysctl (int procfd, const oci_linux *l, ocirt_error_t *err)
{
  size_t i;

  if (l == NULL || l->sysctl.len == 0)
    return 0;
  for (i = 0; i < l->sysctl.len; i++)
    {
      const char *key = l->sysctl.keys[i], *val = l->sysctl.values[i];
      cleanup_free char *rel = sysctl_path (key);
      cleanup_free char *path = NULL;
      cleanup_close int fd = -1;
      size_t len = strlen (val);

      if (rel[0] == '/' || rel[0] == '\0')
        return ocirt_error_set (err, 0, "invalid sysctl key \"%s\"", key);
      xasprintf (&path, "sys/%s", rel);
      fd = ocirt_procfs_openat (procfd, path, O_WRONLY, err);
      if (fd < 0)
        return ocirt_error_wrap (err, "sysctl \"%s\"", key);
      if (ocirt_write_all (fd, val, len) != (ssize_t)len)
        return ocirt_error_errno (err, "write sysctl \"%s\" = \"%s\"", key,
                                  val);
    }
  return 0;
}

static int
apply_rlimits (const oci_process *p, ocirt_error_t *err)
{
  size_t i;

  for (i = 0; i < p->rlimits_len; i++)
    {
      const oci_rlimit *r = &p->rlimits[i];
      struct rlimit rl
          = { .rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard };
      if (setrlimit ((__rlimit_resource_t)r->resource, &rl) < 0)
        return ocirt_error_errno (err, "setrlimit %s soft=%llu hard=%llu",
                                  r->type, (unsigned long long)r->soft,
                                  (unsigned long long)r->hard);
    }
  return 0;
}

static int
apply_oom_score_adj (int procfd, const oci_process *p, ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  char buf[32];
  int n;

  if (!p->has_oom_score_adj)
    return 0;
  fd = ocirt_procfs_open_self (procfd, "oom_score_adj", O_WRONLY, err);
  if (fd < 0 && err->errnum == EACCES)
    {
      /* A non-dumpable process's /proc entries belong to the host's root,
         unreachable from a user namespace: be dumpable just to open
         it.  */
      int saved = prctl (PR_GET_DUMPABLE, 0, 0, 0, 0);
      if (saved >= 0 && prctl (PR_SET_DUMPABLE, 1, 0, 0, 0) == 0)
        {
          ocirt_error_release (err);
          fd = ocirt_procfs_open_self (procfd, "oom_score_adj", O_WRONLY, err);
          prctl (PR_SET_DUMPABLE, saved, 0, 0, 0);
        }
    }
  if (fd < 0)
    return -1;
  n = snprintf (buf, sizeof (buf), "%d", p->oom_score_adj);
  if (ocirt_write_all (fd, buf, (size_t)n) != n)
    return ocirt_error_errno (err, "write oom_score_adj %d", p->oom_score_adj);
  return 0;
}

struct sched_attr_v0
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

static int
apply_scheduler (const oci_scheduler *s, ocirt_error_t *err)
{
  struct sched_attr_v0 a = { 0 };

  if (s == NULL)
    return 0;
  a.size = sizeof (a);
  a.sched_policy = (uint32_t)s->policy_value;
  a.sched_flags = s->flags_value;
  a.sched_nice = s->has_nice ? s->nice : 0;
  a.sched_priority = s->has_priority ? (uint32_t)s->priority : 0;
  a.sched_runtime = s->runtime;
  a.sched_deadline = s->deadline;
  a.sched_period = s->period;
  if (syscall (SYS_sched_setattr, 0, &a, 0) < 0)
    return ocirt_error_errno (err, "sched_setattr %s", s->policy);
  return 0;
}

static int
apply_io_priority (const oci_io_priority *io, ocirt_error_t *err)
{
  const int who_process = 1, class_shift = 13;

  if (io == NULL)
    return 0;
  if (syscall (SYS_ioprio_set, who_process, 0,
               (io->class_value << class_shift) | io->priority)
      < 0)
    return ocirt_error_errno (err, "ioprio_set %s %d", io->klass, io->priority);
  return 0;
}

static int
apply_personality (const oci_personality *pe, ocirt_error_t *err)
{
  unsigned long persona;

  if (pe == NULL || pe->domain == NULL)
    return 0;
  if (strcmp (pe->domain, "LINUX") == 0)
    persona = PER_LINUX;
  else if (strcmp (pe->domain, "LINUX32") == 0)
    persona = PER_LINUX32;
  else
    return ocirt_error_set (err, 0, "unknown personality domain \"%s\"",
                            pe->domain);
  if (personality (persona) < 0)
    return ocirt_error_errno (err, "personality %s", pe->domain);
  return 0;
}

/* Parse a list like "0-3,7" into bits (nbits of them).  Strict: digits,
   '-' and ',' only, ranges ascending, no empty items.  */
int
ocirt_parse_cpu_list (const char *list, unsigned long *bits, size_t nbits)
{
  const size_t wbits = sizeof (unsigned long) * CHAR_BIT;
  const char *p = list;

  memset (bits, 0, (nbits + wbits - 1) / wbits * sizeof (unsigned long));
  if (*p == '\0')
    return -EINVAL;
  for (;;)
    {
      unsigned long a, b;
      char *end;
      size_t i;

      if (!isdigit ((unsigned char)*p))
        return -EINVAL;
      errno = 0;
      a = strtoul (p, &end, 10);
      if (errno)
        return -ERANGE;
      b = a;
      p = end;
      if (*p == '-')
        {
          p++;
          if (!isdigit ((unsigned char)*p))
            return -EINVAL;
          b = strtoul (p, &end, 10);
          if (errno)
            return -ERANGE;
          p = end;
        }
      if (b < a)
        return -EINVAL;
      if (b >= nbits)
        return -ERANGE;
      for (i = a; i <= b; i++)
        bits[i / wbits] |= 1UL << (i % wbits);
      if (*p == '\0')
        return 0;
      if (*p != ',')
        return -EINVAL;
      p++;
    }
}

static int
set_affinity (const char *list, const char *which, ocirt_error_t *err)
{
  cpu_set_t set;

  if (list == NULL)
    return 0;
  CPU_ZERO (&set);
  if (ocirt_parse_cpu_list (list, (unsigned long *)&set, CPU_SETSIZE) < 0)
    return ocirt_error_set (err, 0, "invalid execCPUAffinity.%s \"%s\"", which,
                            list);
  if (sched_setaffinity (0, sizeof (set), &set) < 0)
    return ocirt_error_errno (err, "sched_setaffinity %s \"%s\"", which, list);
  return 0;
}

int
ocirt_apply_cpu_affinity_initial (const oci_process *p, ocirt_error_t *err)
{
  if (p->exec_cpu_affinity == NULL)
    return 0;
  return set_affinity (p->exec_cpu_affinity->initial, "initial", err);
}

static int
apply_memory_policy (const oci_memory_policy *mp, ocirt_error_t *err)
{
  const size_t nbits = 1024;
  unsigned long mask[1024 / (sizeof (unsigned long) * CHAR_BIT)];
  bool has_nodes = mp && mp->nodes && *mp->nodes;

  if (mp == NULL)
    return 0;
  if (has_nodes && ocirt_parse_cpu_list (mp->nodes, mask, nbits) < 0)
    return ocirt_error_set (err, 0, "invalid memoryPolicy.nodes \"%s\"",
                            mp->nodes);
  if (syscall (SYS_set_mempolicy, mp->mode_value | mp->flags_value,
               has_nodes ? mask : NULL, has_nodes ? nbits + 1 : 0)
      < 0)
    return ocirt_error_errno (err, "set_mempolicy %s nodes \"%s\"", mp->mode,
                              mp->nodes ? mp->nodes : "");
  return 0;
}

int
ocirt_apply_process_attrs (int procfd, const oci_process *p, const oci_linux *l,
                           ocirt_error_t *err)
{
  if (apply_rlimits (p, err) < 0 || apply_oom_score_adj (procfd, p, err) < 0
      || apply_scheduler (p->scheduler, err) < 0
      || apply_io_priority (p->io_priority, err) < 0)
    return -1;
  if (l
      && (apply_personality (l->personality, err) < 0
          || apply_memory_policy (l->memory_policy, err) < 0))
    return -1;
  if (p->exec_cpu_affinity
      && set_affinity (p->exec_cpu_affinity->final, "final", err) < 0)
    return -1;
  return 0;
}

int
ocirt_apply_cwd (const oci_process *p, ocirt_error_t *err)
{
  char buf[PATH_MAX];
  const char *cwd = p->cwd ? p->cwd : "/";

  if (chdir (cwd) < 0)
    return ocirt_error_errno (err, "chdir to cwd (\"%s\") set in config.json",
                              cwd);
  /* A cwd reached through a leaked host fd lies outside the root and
     getcwd says "(unreachable)" (CVE-2024-21626).  */
  if (getcwd (buf, sizeof (buf)) == NULL)
    {
      if (errno == ENOENT)
        return ocirt_error_set (err, 0,
                                "current working directory is "
                                "outside of the container root");
      return ocirt_error_errno (err, "getcwd");
    }
  if (buf[0] != '/')
    return ocirt_error_set (err, 0,
                            "current working directory is outside "
                            "of the container root");
  return 0;
}

/* The kernel's words in Go's spelling, which podman matches on.  */
static char *
errno_words (int e)
{
  char *s = xstrdup (strerror (e));
  s[0] = (char)tolower ((unsigned char)s[0]);
  return s;
}

/* 0: executable; else an errno (ENOENT, EACCES, EISDIR).  */
static int
check_executable (const char *path)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return errno;
  if (S_ISDIR (st.st_mode))
    return EISDIR;
  if (!(st.st_mode & 0111))
    return EACCES;
  return 0;
}

static const char *
env_path (const oci_process *p)
{
  size_t i;

  for (i = 0; i < p->env_len; i++)
    if (strncmp (p->env[i], "PATH=", 5) == 0)
      return p->env[i] + 5;
  return DEFAULT_PATH;
}

char *
ocirt_find_executable (const oci_process *p, ocirt_error_t *err)
{
  const char *file = p->args_len ? p->args[0] : NULL;
  cleanup_free char *path = NULL;
  const char *dirs, *d;
  int e;

  if (file == NULL || *file == '\0')
    {
      ocirt_error_set (err, 0,
                       "exec: \"\": executable file not found in "
                       "$PATH");
      return NULL;
    }
  if (strchr (file, '/'))
    {
      cleanup_free char *words = NULL;
      struct stat st;
      if (stat (file, &st) < 0)
        {
          words = errno_words (errno);
          ocirt_error_set (err, 0, "exec: \"%s\": stat %s: %s", file, file,
                           words);
          return NULL;
        }
      e = check_executable (file);
      if (e)
        {
          words = errno_words (e);
          ocirt_error_set (err, 0, "exec: \"%s\": %s", file, words);
          return NULL;
        }
      return xstrdup (file);
    }
  dirs = env_path (p);
  for (d = dirs;; d++)
    {
      const char *end = strchrnul (d, ':');
      int n = (int)(end - d);

      free (path);
      if (n == 0)
        xasprintf (&path, "./%s", file);
      else
        xasprintf (&path, "%.*s/%s", n, d, file);
      if (check_executable (path) == 0)
        return steal_ptr (&path);
      d = end;
      if (*d == '\0')
        break;
    }
  ocirt_error_set (err, 0, "exec: \"%s\": executable file not found in $PATH",
                   file);
  return NULL;
}

static int
cloexec_walk (unsigned first, ocirt_error_t *err)
{
  cleanup_dir DIR *d = opendir ("/proc/self/fd");
  struct dirent *de;

  if (d == NULL)
    return ocirt_error_errno (err, "open /proc/self/fd");
  while ((de = readdir (d)) != NULL)
    {
      int fd;
      if (ocirt_parse_int (de->d_name, &fd) < 0 || fd < (int)first
          || fd == dirfd (d))
        continue;
      if (fcntl (fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
        return ocirt_error_errno (err, "set close-on-exec on fd %d", fd);
    }
  return 0;
}

int
ocirt_close_fds_on_exec (int preserve_fds, ocirt_error_t *err)
{
  unsigned first = 3u + (unsigned)(preserve_fds > 0 ? preserve_fds : 0);

  if (syscall (SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  return cloexec_walk (first, err);
}
