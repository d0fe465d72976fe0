#include <config.h>

#include <stdlib.h>

#include "parse-internal.h"

/* Every free function accepts a partly filled structure: the parser
   allocates arrays zeroed with their final length before filling them.  */

static void
user_free (oci_user *u)
{
  free (u->additional_gids);
  free (u->username);
}

static void
capabilities_free (oci_capabilities *c)
{
  if (c == NULL)
    return;
  oci_strv_free (c->bounding, c->bounding_len);
  oci_strv_free (c->effective, c->effective_len);
  oci_strv_free (c->inheritable, c->inheritable_len);
  oci_strv_free (c->permitted, c->permitted_len);
  oci_strv_free (c->ambient, c->ambient_len);
  free (c);
}

static void
rlimits_free (oci_rlimit *r, size_t n)
{
  for (size_t i = 0; r && i < n; i++)
    free (r[i].type);
  free (r);
}

static void
scheduler_free (oci_scheduler *s)
{
  if (s == NULL)
    return;
  free (s->policy);
  oci_strv_free (s->flags, s->flags_len);
  free (s);
}

static void
io_priority_free (oci_io_priority *io)
{
  if (io == NULL)
    return;
  free (io->klass);
  free (io);
}

static void
cpu_affinity_free (oci_exec_cpu_affinity *a)
{
  if (a == NULL)
    return;
  free (a->initial);
  free (a->final);
  free (a);
}

void
oci_process_free (oci_process *p)
{
  if (p == NULL)
    return;
  free (p->console_size);
  user_free (&p->user);
  oci_strv_free (p->args, p->args_len);
  free (p->command_line);
  oci_strv_free (p->env, p->env_len);
  free (p->cwd);
  capabilities_free (p->capabilities);
  rlimits_free (p->rlimits, p->rlimits_len);
  free (p->apparmor_profile);
  free (p->selinux_label);
  io_priority_free (p->io_priority);
  scheduler_free (p->scheduler);
  cpu_affinity_free (p->exec_cpu_affinity);
  free (p);
}

static void
root_free (oci_root *r)
{
  if (r == NULL)
    return;
  free (r->path);
  free (r);
}

static void
mounts_free (oci_mount *m, size_t n)
{
  for (size_t i = 0; m && i < n; i++)
    {
      free (m[i].destination);
      free (m[i].type);
      free (m[i].source);
      oci_strv_free (m[i].options, m[i].options_len);
      free (m[i].uid_mappings);
      free (m[i].gid_mappings);
    }
  free (m);
}

static void
hook_list_free (oci_hook *h, size_t n)
{
  for (size_t i = 0; h && i < n; i++)
    {
      free (h[i].path);
      oci_strv_free (h[i].args, h[i].args_len);
      oci_strv_free (h[i].env, h[i].env_len);
    }
  free (h);
}

void
oci_hooks_free (oci_hooks *h)
{
  if (h == NULL)
    return;
  hook_list_free (h->prestart, h->prestart_len);
  hook_list_free (h->create_runtime, h->create_runtime_len);
  hook_list_free (h->create_container, h->create_container_len);
  hook_list_free (h->start_container, h->start_container_len);
  hook_list_free (h->poststart, h->poststart_len);
  hook_list_free (h->poststop, h->poststop_len);
  free (h);
}

static void
block_io_free (oci_block_io *b)
{
  if (b == NULL)
    return;
  free (b->weight_device);
  free (b->throttle_read_bps_device);
  free (b->throttle_write_bps_device);
  free (b->throttle_read_iops_device);
  free (b->throttle_write_iops_device);
  free (b);
}

void
oci_resources_free (oci_resources *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; r->devices && i < r->devices_len; i++)
    free (r->devices[i].access);
  free (r->devices);
  free (r->memory);
  if (r->cpu)
    {
      free (r->cpu->cpus);
      free (r->cpu->mems);
      free (r->cpu);
    }
  block_io_free (r->block_io);
  for (size_t i = 0; r->hugepage_limits && i < r->hugepage_limits_len; i++)
    free (r->hugepage_limits[i].page_size);
  free (r->hugepage_limits);
  if (r->network)
    {
      for (size_t i = 0;
           r->network->priorities && i < r->network->priorities_len; i++)
        free (r->network->priorities[i].name);
      free (r->network->priorities);
      free (r->network);
    }
  free (r->pids);
  for (size_t i = 0; r->rdma && i < r->rdma_len; i++)
    free (r->rdma[i].device);
  free (r->rdma);
  oci_string_map_free (&r->unified);
  free (r);
}

static void
seccomp_free (oci_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->default_action);
  oci_strv_free (s->architectures, s->architectures_len);
  oci_strv_free (s->flags, s->flags_len);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; s->syscalls && i < s->syscalls_len; i++)
    {
      oci_seccomp_syscall *sc = &s->syscalls[i];
      oci_strv_free (sc->names, sc->names_len);
      free (sc->action);
      for (size_t j = 0; sc->args && j < sc->args_len; j++)
        free (sc->args[j].op);
      free (sc->args);
    }
  free (s->syscalls);
  free (s);
}

static void
intel_rdt_free (oci_intel_rdt *r)
{
  if (r == NULL)
    return;
  free (r->clos_id);
  free (r->l3_cache_schema);
  free (r->mem_bw_schema);
  oci_strv_free (r->schemata, r->schemata_len);
  free (r);
}

static void
memory_policy_free (oci_memory_policy *m)
{
  if (m == NULL)
    return;
  free (m->mode);
  free (m->nodes);
  oci_strv_free (m->flags, m->flags_len);
  free (m);
}

static void
personality_free (oci_personality *p)
{
  if (p == NULL)
    return;
  free (p->domain);
  oci_strv_free (p->flags, p->flags_len);
  free (p);
}

void
oci_linux_free (oci_linux *l)
{
  if (l == NULL)
    return;
  for (size_t i = 0; l->namespaces && i < l->namespaces_len; i++)
    free (l->namespaces[i].path);
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; l->devices && i < l->devices_len; i++)
    free (l->devices[i].path);
  free (l->devices);
  for (size_t i = 0; l->net_devices && i < l->net_devices_len; i++)
    {
      free (l->net_devices[i].host_name);
      free (l->net_devices[i].name);
    }
  free (l->net_devices);
  free (l->cgroups_path);
  oci_resources_free (l->resources);
  intel_rdt_free (l->intel_rdt);
  memory_policy_free (l->memory_policy);
  oci_string_map_free (&l->sysctl);
  seccomp_free (l->seccomp);
  free (l->rootfs_propagation);
  oci_strv_free (l->masked_paths, l->masked_paths_len);
  oci_strv_free (l->readonly_paths, l->readonly_paths_len);
  free (l->mount_label);
  personality_free (l->personality);
  free (l);
}

void
oci_spec_free (oci_spec *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  oci_process_free (s->process);
  root_free (s->root);
  free (s->hostname);
  free (s->domainname);
  mounts_free (s->mounts, s->mounts_len);
  oci_hooks_free (s->hooks);
  oci_string_map_free (&s->annotations);
  oci_linux_free (s->linux);
  free (s);
}
