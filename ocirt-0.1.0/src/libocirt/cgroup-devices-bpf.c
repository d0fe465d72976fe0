/* ocirt: cgroup v2 device access: a BPF_PROG_TYPE_CGROUP_DEVICE program
   built from the ordered allow/deny rules, attached to the container's
   cgroup (replacing the one a previous create/update attached).

   The rules keep their v1 meaning: the last rule that matches decides;
   an access no rule matches is allowed (the v1 default), so a config
   starting with a deny-all rule denies everything it does not list.  */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>

#include "cgroup-res.h"
#include "util.h"

#define MAX_PROGS 64

typedef struct
{
  struct bpf_insn *v;
  size_t n, cap;
} prog;

static void
emit (prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  struct bpf_insn *i;

  if (p->n == p->cap)
    {
      p->cap = p->cap ? p->cap * 2 : 64;
      p->v = xrealloc (p->v, p->cap * sizeof (*p->v));
    }
  i = &p->v[p->n++];
  memset (i, 0, sizeof *i);
  i->code = code;
  i->dst_reg = dst & 0xf;
  i->src_reg = src & 0xf;
  i->off = off;
  i->imm = imm;
}

/* Registers after the prologue: r2 device type, r3 requested access,
   r4 major, r5 minor; r1 is scratch.  */
static void
prologue (prog *p)
{
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1,
        offsetof (struct bpf_cgroup_dev_ctx, access_type), 0);
  emit (p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1,
        offsetof (struct bpf_cgroup_dev_ctx, access_type), 0);
  emit (p, BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1,
        offsetof (struct bpf_cgroup_dev_ctx, major), 0);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1,
        offsetof (struct bpf_cgroup_dev_ctx, minor), 0);
}

static void
ret (prog *p, int v)
{
  emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, v);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int
access_mask (const char *a)
{
  int m = 0;

  if (a == NULL || *a == '\0')
    a = "rwm";
  for (; *a; a++)
    switch (*a)
      {
      case 'r':
        m |= BPF_DEVCG_ACC_READ;
        break;
      case 'w':
        m |= BPF_DEVCG_ACC_WRITE;
        break;
      case 'm':
        m |= BPF_DEVCG_ACC_MKNOD;
        break;
      default:
        return -1;
      }
  return m;
}

/* One rule: jumps past itself unless it matches; returns its verdict
   when it does.  Returns 1 when the rule matches everything (nothing
   after it can run), else 0; -1 on error.  */
static int
rule_block (prog *p, const oci_device_cgroup *d, ocirt_error_t *err)
{
  int acc = access_mask (d->access);
  char type = d->type ? d->type : 'a';
  size_t jumps[4], nj = 0;

  if (acc < 0)
    return ocirt_error_set (err, EINVAL, "invalid device access \"%s\"",
                            d->access);
  if (type != 'a' && type != 'b' && type != 'c')
    return ocirt_error_set (err, EINVAL, "invalid device type '%c'", type);
  if (type != 'a')
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
            type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    }
  if (type != 'a'
      && acc
             != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE
                 | BPF_DEVCG_ACC_MKNOD))
    {
      /* Every requested access bit must be in the rule.  */
      emit (p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
      emit (p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, ~acc);
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1, 0, 0, 0);
    }
  if (type != 'a' && d->has_major && d->major >= 0)
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)d->major);
    }
  if (type != 'a' && d->has_minor && d->minor >= 0)
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)d->minor);
    }
  ret (p, d->allow ? 1 : 0);
  for (size_t i = 0; i < nj; i++)
    p->v[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
  return nj == 0 ? 1 : 0;
}

static int
bpf_sys (int cmd, union bpf_attr *attr)
{
  return (int)syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

static int
load (const prog *p, ocirt_error_t *err)
{
  union bpf_attr attr;
  char log[4096] = "";
  int fd;

  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)p->v;
  attr.insn_cnt = (uint32_t)p->n;
  attr.license = (uint64_t)(uintptr_t) "Apache";
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof log;
  attr.log_level = 1;
  fd = bpf_sys (BPF_PROG_LOAD, &attr);
  if (fd < 0)
    return ocirt_error_set (err, errno,
                            "load the device cgroup BPF program%s%s",
                            *log ? ": " : "", log);
  return fd;
}

/* Ids of the device programs attached to the cgroup.  */
static int
attached (int cg, uint32_t *ids, uint32_t *n)
{
  union bpf_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t)cg;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = *n;
  if (bpf_sys (BPF_PROG_QUERY, &attr) < 0)
    return -errno;
  *n = attr.query.prog_cnt;
  return 0;
}

static void
detach_id (int cg, uint32_t id)
{
  union bpf_attr attr;
  cleanup_close int pfd = -1;

  memset (&attr, 0, sizeof attr);
  attr.prog_id = id;
  pfd = bpf_sys (BPF_PROG_GET_FD_BY_ID, &attr);
  if (pfd < 0)
    return;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cg;
  attr.attach_bpf_fd = (uint32_t)pfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  bpf_sys (BPF_PROG_DETACH, &attr);
}

int
res_devices_bpf (int dirfd, const oci_device_cgroup *rules, size_t n,
                 ocirt_error_t *err)
{
  prog p = { 0 };
  cleanup_close int cg
      = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int pfd = -1;
  uint32_t old[MAX_PROGS], nold = MAX_PROGS;
  union bpf_attr attr;
  int r = 0;

  if (cg < 0)
    return ocirt_error_errno (err, "open the container cgroup");
  prologue (&p);
  /* Last matching rule wins: test them from the last one back.  */
  for (size_t i = n; i-- > 0 && r == 0;)
    r = rule_block (&p, &rules[i], err);
  if (r >= 0)
    {
      /* The verifier refuses unreachable code: no default after a rule
         that matches everything.  */
      if (r == 0)
        ret (&p, 1);
      pfd = load (&p, err);
    }
  free (p.v);
  if (r < 0 || pfd < 0)
    return -1;
  if (attached (cg, old, &nold) < 0)
    nold = 0;
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cg;
  attr.attach_bpf_fd = (uint32_t)pfd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf_sys (BPF_PROG_ATTACH, &attr) < 0)
    return ocirt_error_errno (err, "attach the device cgroup BPF program");
  /* Then drop the ones it replaces.  */
  for (uint32_t i = 0; i < nold && i < MAX_PROGS; i++)
    detach_id (cg, old[i]);
  return 0;
}
