#include <config.h>
/* ocirt: move host network interfaces into the container (netDevices).

   Moving an interface to another network namespace drops its addresses,
   so the permanent global ones are read first and added back inside; the
   rename goes with the move (IFLA_IFNAME next to IFLA_NET_NS_FD).  The
   work inside the container's namespace is done by a short-lived child
   that joins it, so the runtime's own namespace never changes.  */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netdev.h"
#include "util.h"

#define MAX_ADDRS 64

struct nl_req
{
  struct nlmsghdr h;
  union
  {
    struct ifinfomsg ifi;
    struct ifaddrmsg ifa;
  } u;
  char attrs[512];
};

struct saved_addr
{
  unsigned char family, prefixlen;
  unsigned char local[16], address[16], broadcast[4];
  bool has_local, has_address, has_broadcast;
  size_t len;
};

static void
add_attr (struct nl_req *r, unsigned short type, const void *data, size_t len)
{
  struct rtattr *rta
      = (struct rtattr *)((char *)&r->h + NLMSG_ALIGN (r->h.nlmsg_len));

  rta->rta_type = type;
  rta->rta_len = (unsigned short)RTA_LENGTH (len);
  memcpy (RTA_DATA (rta), data, len);
  r->h.nlmsg_len = NLMSG_ALIGN (r->h.nlmsg_len) + RTA_ALIGN (rta->rta_len);
}

static int
nl_open (ocirt_error_t *err)
{
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

  if (fd < 0)
    return ocirt_error_errno (err, "open a netlink socket");
  return fd;
}

/* Send a request and wait for its acknowledgement.  */
static int
nl_talk (int fd, struct nl_req *r, const char *what, ocirt_error_t *err)
{
  char buf[8192];
  ssize_t n;

  r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  r->h.nlmsg_seq = 1;
  if (send (fd, r, r->h.nlmsg_len, 0) < 0)
    return ocirt_error_errno (err, "netlink: %s", what);
  for (;;)
    {
      struct nlmsghdr *h;

      n = recv (fd, buf, sizeof (buf), 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return ocirt_error_errno (err, "netlink: %s", what);
      for (h = (struct nlmsghdr *)buf; NLMSG_OK (h, (size_t)n);
           h = NLMSG_NEXT (h, n))
        if (h->nlmsg_type == NLMSG_ERROR)
          {
            struct nlmsgerr *e = NLMSG_DATA (h);
            if (e->error == 0)
              return 0;
            return ocirt_error_set (err, -e->error, "netlink: %s", what);
          }
    }
}

static void
save_addr (struct ifaddrmsg *ifa, size_t len, struct saved_addr *a)
{
  struct rtattr *rta = IFA_RTA (ifa);
  size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;

  memset (a, 0, sizeof (*a));
  a->family = ifa->ifa_family;
  a->prefixlen = ifa->ifa_prefixlen;
  a->len = alen;
  for (; RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    {
      if (RTA_PAYLOAD (rta) < (alen == 4 ? 4u : 16u) && rta->rta_type != 0)
        continue;
      if (rta->rta_type == IFA_LOCAL)
        memcpy (a->local, RTA_DATA (rta), alen), a->has_local = true;
      else if (rta->rta_type == IFA_ADDRESS)
        memcpy (a->address, RTA_DATA (rta), alen), a->has_address = true;
      else if (rta->rta_type == IFA_BROADCAST && alen == 4)
        memcpy (a->broadcast, RTA_DATA (rta), 4), a->has_broadcast = true;
    }
}

/* Is this address one to keep: global scope and permanent (not learned
   by autoconfiguration)?  */
static bool
keep_addr (struct ifaddrmsg *ifa, size_t len)
{
  struct rtattr *rta = IFA_RTA (ifa);
  uint32_t flags = ifa->ifa_flags;

  for (; RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD (rta) >= 4)
      memcpy (&flags, RTA_DATA (rta), 4);
  return ifa->ifa_scope == RT_SCOPE_UNIVERSE && (flags & IFA_F_PERMANENT);
}

static int
read_addrs (int fd, int ifindex, struct saved_addr *out, size_t *nout,
            ocirt_error_t *err)
{
  struct nl_req r = { 0 };
  char buf[16384];

  *nout = 0;
  r.h.nlmsg_len = NLMSG_LENGTH (sizeof (struct ifaddrmsg));
  r.h.nlmsg_type = RTM_GETADDR;
  r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  r.u.ifa.ifa_family = AF_UNSPEC;
  if (send (fd, &r, r.h.nlmsg_len, 0) < 0)
    return ocirt_error_errno (err, "netlink: list addresses");
  for (;;)
    {
      ssize_t n = recv (fd, buf, sizeof (buf), 0);
      struct nlmsghdr *h;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return ocirt_error_errno (err, "netlink: list addresses");
      for (h = (struct nlmsghdr *)buf; NLMSG_OK (h, (size_t)n);
           h = NLMSG_NEXT (h, n))
        {
          struct ifaddrmsg *ifa = NLMSG_DATA (h);
          size_t len;

          if (h->nlmsg_type == NLMSG_DONE)
            return 0;
          if (h->nlmsg_type == NLMSG_ERROR)
            return ocirt_error_set (err, EIO, "netlink: list addresses");
          if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != ifindex)
            continue;
          len = IFA_PAYLOAD (h);
          if (keep_addr (ifa, len) && *nout < MAX_ADDRS)
            save_addr (ifa, len, &out[(*nout)++]);
        }
    }
}

static int
move_link (int fd, int ifindex, int nsfd, const char *name, ocirt_error_t *err)
{
  struct nl_req r = { 0 };
  uint32_t ns = (uint32_t)nsfd;

  r.h.nlmsg_len = NLMSG_LENGTH (sizeof (struct ifinfomsg));
  r.h.nlmsg_type = RTM_NEWLINK;
  r.u.ifi.ifi_family = AF_UNSPEC;
  r.u.ifi.ifi_index = ifindex;
  add_attr (&r, IFLA_NET_NS_FD, &ns, sizeof (ns));
  if (name)
    add_attr (&r, IFLA_IFNAME, name, strlen (name) + 1);
  return nl_talk (fd, &r, "move the interface", err);
}

static int
add_addr (int fd, int ifindex, const struct saved_addr *a, ocirt_error_t *err)
{
  struct nl_req r = { 0 };

  r.h.nlmsg_len = NLMSG_LENGTH (sizeof (struct ifaddrmsg));
  r.h.nlmsg_type = RTM_NEWADDR;
  r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
  r.u.ifa.ifa_family = a->family;
  r.u.ifa.ifa_prefixlen = a->prefixlen;
  r.u.ifa.ifa_index = (unsigned)ifindex;
  r.u.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
  if (a->has_local)
    add_attr (&r, IFA_LOCAL, a->local, a->len);
  if (a->has_address)
    add_attr (&r, IFA_ADDRESS, a->address, a->len);
  if (a->has_broadcast)
    add_attr (&r, IFA_BROADCAST, a->broadcast, 4);
  return nl_talk (fd, &r, "add an address", err);
}

static int
link_up (int fd, int ifindex, ocirt_error_t *err)
{
  struct nl_req r = { 0 };

  r.h.nlmsg_len = NLMSG_LENGTH (sizeof (struct ifinfomsg));
  r.h.nlmsg_type = RTM_NEWLINK;
  r.u.ifi.ifi_family = AF_UNSPEC;
  r.u.ifi.ifi_index = ifindex;
  r.u.ifi.ifi_flags = IFF_UP;
  r.u.ifi.ifi_change = IFF_UP;
  return nl_talk (fd, &r, "set the link up", err);
}

/* Inside the container's namespace (in a child): find the moved link,
   restore its addresses, set it up.  */
static int
configure_inside (int nsfd, const char *name, int old_index,
                  const struct saved_addr *addrs, size_t naddrs,
                  ocirt_error_t *err)
{
  cleanup_close int fd = -1;
  char found[IF_NAMESIZE] = "";
  int ifindex;
  size_t i;

  if (setns (nsfd, CLONE_NEWNET) < 0)
    return ocirt_error_errno (err, "join the container's network namespace");
  if (strchr (name, '%') == NULL)
    ifindex = (int)if_nametoindex (name);
  else
    ifindex = if_indextoname ((unsigned)old_index, found) ? old_index : 0;
  if (ifindex == 0)
    return ocirt_error_errno (err, "find \"%s\" in the container", name);
  fd = nl_open (err);
  if (fd < 0)
    return -1;
  for (i = 0; i < naddrs; i++)
    if (add_addr (fd, ifindex, &addrs[i], err) < 0)
      return -1;
  return link_up (fd, ifindex, err);
}

static int
run_inside (int nsfd, const char *name, int old_index,
            const struct saved_addr *addrs, size_t naddrs, ocirt_error_t *err)
{
  int p[2], status;
  char msg[512];
  ssize_t n;
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return ocirt_error_errno (err, "pipe");
  pid = fork ();
  if (pid < 0)
    {
      close (p[0]);
      close (p[1]);
      return ocirt_error_errno (err, "fork");
    }
  if (pid == 0)
    {
      ocirt_error_t e = { 0 };
      close (p[0]);
      if (configure_inside (nsfd, name, old_index, addrs, naddrs, &e) == 0)
        _exit (0);
      {
        char *text = ocirt_error_text (&e);
        ocirt_write_all (p[1], text, strlen (text));
      }
      _exit (1);
    }
  close (p[1]);
  n = ocirt_read_all (p[0], msg, sizeof (msg) - 1);
  close (p[0]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  msg[n > 0 ? n : 0] = '\0';
  return ocirt_error_set (err, 0, "%s", n > 0 ? msg : "configure the link");
}

static int
open_netns (int pid, ocirt_error_t *err)
{
  cleanup_close int proc = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct stat mine, theirs;
  struct statfs sfs;
  char path[64];
  int fd;

  if (proc < 0 || fstatfs (proc, &sfs) < 0)
    return ocirt_error_errno (err, "open /proc");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return ocirt_error_set (err, 0, "/proc is not on procfs");
  snprintf (path, sizeof (path), "%d/ns/net", pid);
  fd = openat (proc, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ocirt_error_errno (err, "open /proc/%s", path);
  if (fstatat (proc, "self/ns/net", &mine, 0) < 0 || fstat (fd, &theirs) < 0)
    {
      close (fd);
      return ocirt_error_errno (err, "stat network namespaces");
    }
  if (mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev)
    {
      close (fd);
      return ocirt_error_set (err, 0,
                              "netDevices needs the container's own "
                              "network namespace");
    }
  return fd;
}

static int
move_one (int nl, int nsfd, const oci_net_device *d, ocirt_error_t *err)
{
  struct saved_addr *addrs = NULL;
  const char *name = d->name && *d->name ? d->name : d->host_name;
  size_t naddrs = 0;
  int ifindex, r;

  if (strlen (name) >= IF_NAMESIZE || strchr (name, '/'))
    return ocirt_error_set (err, EINVAL, "invalid interface name \"%s\"", name);
  ifindex = (int)if_nametoindex (d->host_name);
  if (ifindex == 0)
    return ocirt_error_errno (err, "host interface \"%s\"", d->host_name);
  addrs = xcalloc (MAX_ADDRS, sizeof (*addrs));
  r = read_addrs (nl, ifindex, addrs, &naddrs, err);
  if (r == 0)
    r = move_link (nl, ifindex, nsfd, strcmp (name, d->host_name) ? name : NULL,
                   err);
  if (r == 0)
    r = run_inside (nsfd, name, ifindex, addrs, naddrs, err);
  free (addrs);
  if (r < 0)
    return ocirt_error_wrap (err, "netDevices \"%s\"", d->host_name);
  return 0;
}

int
ocirt_netdev_move (const oci_linux *l, int init_pid, ocirt_error_t *err)
{
  cleanup_close int nsfd = -1, nl = -1;
  size_t i;

  if (l == NULL || l->net_devices_len == 0)
    return 0;
  nsfd = open_netns (init_pid, err);
  if (nsfd < 0)
    return -1;
  nl = nl_open (err);
  if (nl < 0)
    return -1;
  for (i = 0; i < l->net_devices_len; i++)
    if (move_one (nl, nsfd, &l->net_devices[i], err) < 0)
      return -1;
  return 0;
}
