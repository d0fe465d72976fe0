/* ocirt update: change the resources of a container (runc's flags, or a
   LinuxResources JSON with -r FILE, "-" for stdin; flags override it).  */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cmd-simple.h"
#include "container-cgroup.h"
#include "log.h"
#include "util.h"

#define RESOURCES_MAX (16 * 1024 * 1024)

static const char usage[]
    = "Usage: ocirt update [options] <container-id>\n"
      "\n"
      "Change the resource limits of a container.\n"
      "\n"
      "  -r, --resources FILE       LinuxResources JSON (\"-\": stdin)\n"
      "  --blkio-weight N           block IO weight (10-1000)\n"
      "  --cpu-period N             CFS period (microseconds)\n"
      "  --cpu-quota N              CFS quota (microseconds, -1: none)\n"
      "  --cpu-share(s) N           CPU shares\n"
      "  --cpu-rt-period N          realtime period (microseconds)\n"
      "  --cpu-rt-runtime N         realtime runtime (microseconds)\n"
      "  --cpuset-cpus LIST         CPUs allowed (0-3,5)\n"
      "  --cpuset-mems LIST         memory nodes allowed\n"
      "  --memory SIZE              memory limit (-1: none; k, m, g units)\n"
      "  --memory-reservation SIZE  memory soft limit\n"
      "  --memory-swap SIZE         memory plus swap limit\n"
      "  --kernel-memory SIZE       kernel memory limit (deprecated)\n"
      "  --kernel-memory-tcp SIZE   kernel TCP buffer limit (deprecated)\n"
      "  --pids-limit N             maximum number of tasks (-1: none)\n"
      "  --l3-cache-schema S        Intel RDT L3 cache schema\n"
      "  --mem-bw-schema S          Intel RDT memory bandwidth schema\n";

enum
{
  OPT_BLKIO = 256,
  OPT_CPU_PERIOD,
  OPT_CPU_QUOTA,
  OPT_CPU_SHARES,
  OPT_RT_PERIOD,
  OPT_RT_RUNTIME,
  OPT_CPUS,
  OPT_MEMS,
  OPT_MEMORY,
  OPT_MEM_RES,
  OPT_MEM_SWAP,
  OPT_KMEM,
  OPT_KMEM_TCP,
  OPT_PIDS,
  OPT_L3,
  OPT_MB,
};

struct update_opts
{
  const char *resources;
  const char *val[OPT_MB - OPT_BLKIO + 1];
};

static int
on_opt (int c, const char *arg, void *data)
{
  struct update_opts *o = data;

  if (c == 'r')
    o->resources = arg;
  else if (c >= OPT_BLKIO && c <= OPT_MB)
    o->val[c - OPT_BLKIO] = arg;
  else
    return -1;
  return 0;
}

/* A size: digits with an optional binary unit (k, m, g, t, p, then
   optionally "b" or "ib": "512k", "64MiB", "1G"), or -1 for unlimited.  */
static int
parse_size (const char *s, int64_t *out)
{
  static const char units[] = "bkmgtp";
  cleanup_free char *num = NULL;
  const char *u;
  int64_t v, mul = 1;
  size_t n;

  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  n = strspn (s, "0123456789");
  if (n == 0)
    return -EINVAL;
  num = xstrndup (s, n);
  if (ocirt_parse_int64 (num, &v) < 0)
    return -ERANGE;
  u = s + n;
  if (*u)
    {
      const char *p = strchr (units, tolower ((unsigned char)*u));
      if (p == NULL)
        return -EINVAL;
      for (long i = 0; i < p - units; i++)
        mul *= 1024;
      u++;
      if (strcasecmp (u, "ib") == 0 || (strcasecmp (u, "b") == 0 && mul > 1))
        u += strlen (u);
      if (*u)
        return -EINVAL;
    }
  if (v > INT64_MAX / mul)
    return -ERANGE;
  *out = v * mul;
  return 0;
}

static int
bad_value (const char *flag, const char *val)
{
  ocirt_log (OCIRT_LOG_ERROR, "update: invalid value \"%s\" for --%s", val,
             flag);
  return -1;
}

static oci_memory *
mem (oci_resources *r)
{
  if (r->memory == NULL)
    r->memory = xzalloc (sizeof (*r->memory));
  return r->memory;
}

static oci_cpu *
cpu (oci_resources *r)
{
  if (r->cpu == NULL)
    r->cpu = xzalloc (sizeof (*r->cpu));
  return r->cpu;
}

static int
set_size (const char *flag, const char *val, bool *has, int64_t *out)
{
  if (val == NULL)
    return 0;
  if (parse_size (val, out) < 0)
    return bad_value (flag, val);
  *has = true;
  return 0;
}

static int
set_u64 (const char *flag, const char *val, bool *has, uint64_t *out)
{
  if (val == NULL)
    return 0;
  if (ocirt_parse_uint64 (val, out) < 0)
    return bad_value (flag, val);
  *has = true;
  return 0;
}

static int
set_i64 (const char *flag, const char *val, bool *has, int64_t *out)
{
  if (val == NULL)
    return 0;
  if (ocirt_parse_int64 (val, out) < 0)
    return bad_value (flag, val);
  *has = true;
  return 0;
}

#define V(o, x) ((o)->val[(x)-OPT_BLKIO])

static int
memory_flags (const struct update_opts *o, oci_resources *r)
{
  if (V (o, OPT_MEMORY) || V (o, OPT_MEM_RES) || V (o, OPT_MEM_SWAP)
      || V (o, OPT_KMEM) || V (o, OPT_KMEM_TCP))
    {
      oci_memory *m = mem (r);
      if (set_size ("memory", V (o, OPT_MEMORY), &m->has_limit, &m->limit) < 0
          || set_size ("memory-reservation", V (o, OPT_MEM_RES),
                       &m->has_reservation, &m->reservation)
                 < 0
          || set_size ("memory-swap", V (o, OPT_MEM_SWAP), &m->has_swap,
                       &m->swap)
                 < 0
          || set_size ("kernel-memory", V (o, OPT_KMEM), &m->has_kernel,
                       &m->kernel)
                 < 0
          || set_size ("kernel-memory-tcp", V (o, OPT_KMEM_TCP),
                       &m->has_kernel_tcp, &m->kernel_tcp)
                 < 0)
        return -1;
    }
  return 0;
}

static int
cpu_flags (const struct update_opts *o, oci_resources *r)
{
  bool any = false;

  for (int i = OPT_CPU_PERIOD; i <= OPT_MEMS; i++)
    any = any || V (o, i);
  if (!any)
    return 0;
  oci_cpu *c = cpu (r);
  if (set_u64 ("cpu-period", V (o, OPT_CPU_PERIOD), &c->has_period, &c->period)
          < 0
      || set_i64 ("cpu-quota", V (o, OPT_CPU_QUOTA), &c->has_quota, &c->quota)
             < 0
      || set_u64 ("cpu-share", V (o, OPT_CPU_SHARES), &c->has_shares,
                  &c->shares)
             < 0
      || set_u64 ("cpu-rt-period", V (o, OPT_RT_PERIOD),
                  &c->has_realtime_period, &c->realtime_period)
             < 0
      || set_i64 ("cpu-rt-runtime", V (o, OPT_RT_RUNTIME),
                  &c->has_realtime_runtime, &c->realtime_runtime)
             < 0)
    return -1;
  if (V (o, OPT_CPUS))
    {
      free (c->cpus);
      c->cpus = xstrdup (V (o, OPT_CPUS));
    }
  if (V (o, OPT_MEMS))
    {
      free (c->mems);
      c->mems = xstrdup (V (o, OPT_MEMS));
    }
  return 0;
}

static int
other_flags (const struct update_opts *o, oci_resources *r)
{
  if (V (o, OPT_PIDS))
    {
      int64_t v;
      if (ocirt_parse_int64 (V (o, OPT_PIDS), &v) < 0)
        return bad_value ("pids-limit", V (o, OPT_PIDS));
      if (r->pids == NULL)
        r->pids = xzalloc (sizeof (*r->pids));
      r->pids->limit = v;
    }
  if (V (o, OPT_BLKIO))
    {
      uint32_t w;
      if (ocirt_parse_uint32 (V (o, OPT_BLKIO), &w) < 0 || w > 65535)
        return bad_value ("blkio-weight", V (o, OPT_BLKIO));
      if (r->block_io == NULL)
        r->block_io = xzalloc (sizeof (*r->block_io));
      r->block_io->has_weight = true;
      r->block_io->weight = (uint16_t)w;
    }
  return 0;
}

static oci_resources *
read_resources (const char *file)
{
  cleanup_free char *buf = NULL;
  cleanup_free char *perr = NULL;
  oci_resources *r;
  size_t len = 0;
  int ret;

  if (strcmp (file, "-") == 0)
    ret = ocirt_read_fd (0, RESOURCES_MAX, &buf, &len);
  else
    ret = ocirt_read_file_at (-1, file, RESOURCES_MAX, &buf, &len);
  if (ret < 0)
    {
      ocirt_log (OCIRT_LOG_ERROR, "update: read \"%s\": %s", file,
                 strerror (-ret));
      return NULL;
    }
  r = oci_resources_parse (buf, len, &perr);
  if (r == NULL)
    ocirt_log (OCIRT_LOG_ERROR, "update: \"%s\": %s", file,
               perr ? perr : "invalid resources");
  return r;
}

int
ocirt_cmd_update (struct ocirt_global *g, int argc, char **argv)
{
  static const struct option opts[]
      = { { "resources", required_argument, NULL, 'r' },
          { "blkio-weight", required_argument, NULL, OPT_BLKIO },
          { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
          { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
          { "cpu-share", required_argument, NULL, OPT_CPU_SHARES },
          { "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
          { "cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD },
          { "cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME },
          { "cpuset-cpus", required_argument, NULL, OPT_CPUS },
          { "cpuset-mems", required_argument, NULL, OPT_MEMS },
          { "memory", required_argument, NULL, OPT_MEMORY },
          { "memory-reservation", required_argument, NULL, OPT_MEM_RES },
          { "memory-swap", required_argument, NULL, OPT_MEM_SWAP },
          { "kernel-memory", required_argument, NULL, OPT_KMEM },
          { "kernel-memory-tcp", required_argument, NULL, OPT_KMEM_TCP },
          { "pids-limit", required_argument, NULL, OPT_PIDS },
          { "l3-cache-schema", required_argument, NULL, OPT_L3 },
          { "mem-bw-schema", required_argument, NULL, OPT_MB },
          { "help", no_argument, NULL, 'h' },
          { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  struct update_opts o = { 0 };
  oci_resources *r;
  int ret = ocirt_simple_parse ("update", usage, argc, argv, "+r:h", opts,
                                on_opt, &o);

  if (ret != 0)
    return ret < 0 ? 1 : 0;
  if (argc - optind != 1)
    {
      fprintf (stderr, "ocirt: update: expected one container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  r = o.resources ? read_resources (o.resources)
                  : xzalloc (sizeof (oci_resources));
  if (r == NULL)
    return 1;
  if (memory_flags (&o, r) < 0 || cpu_flags (&o, r) < 0
      || other_flags (&o, r) < 0)
    {
      oci_resources_free (r);
      return 1;
    }
  ret = ocirt_container_update (g->root, argv[optind], r, &err);
  if (ret == 0 && (V (&o, OPT_L3) || V (&o, OPT_MB)))
    ret = ocirt_container_update_rdt (g->root, argv[optind], V (&o, OPT_L3),
                                      V (&o, OPT_MB), &err);
  oci_resources_free (r);
  if (ret < 0)
    {
      ocirt_error_wrap (&err, "update");
      ocirt_log_error (&err);
      return 1;
    }
  return 0;
}
