#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "sync.h"
#include "util.h"

struct wire_hdr
{
  uint32_t type;
  uint32_t len;
};

/* Largest payload each type may carry; 0 means none.  */
static const uint32_t max_payload[OCIRT_SYNC_TYPE_MAX] = {
  [OCIRT_SYNC_CONFIG] = OCIRT_SYNC_MAX, [OCIRT_SYNC_PID] = sizeof (int32_t),
  [OCIRT_SYNC_ERROR] = OCIRT_SYNC_MAX,  [OCIRT_SYNC_WARNING] = OCIRT_SYNC_MAX,
  [OCIRT_SYNC_CGROUP] = OCIRT_SYNC_MAX,
};

static const uint32_t exact_payload[OCIRT_SYNC_TYPE_MAX] = {
  [OCIRT_SYNC_PID] = sizeof (int32_t),
};

const char *
ocirt_sync_type_name (uint32_t type)
{
  static const char *const names[OCIRT_SYNC_TYPE_MAX] = {
    [OCIRT_SYNC_CONFIG] = "config",
    [OCIRT_SYNC_READY_FOR_MAPPINGS] = "ready-for-mappings",
    [OCIRT_SYNC_MAPPINGS_DONE] = "mappings-done",
    [OCIRT_SYNC_PID] = "pid",
    [OCIRT_SYNC_RUN_HOOKS] = "run-hooks",
    [OCIRT_SYNC_HOOKS_DONE] = "hooks-done",
    [OCIRT_SYNC_PTY] = "pty",
    [OCIRT_SYNC_CREATED] = "created",
    [OCIRT_SYNC_ERROR] = "error",
    [OCIRT_SYNC_WARNING] = "warning",
    [OCIRT_SYNC_SECCOMP_FD] = "seccomp-fd",
    [OCIRT_SYNC_CGROUP] = "cgroup",
  };
  if (type == 0 || type >= OCIRT_SYNC_TYPE_MAX)
    return "unknown";
  return names[type];
}

int
ocirt_sync_send (int fd, uint32_t type, const void *payload, size_t len,
                 const int *fds, int nfds, ocirt_error_t *err)
{
  struct wire_hdr h = { .type = type, .len = (uint32_t)len };
  struct iovec iov[2] = { { &h, sizeof h }, { (void *)payload, len } };
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * OCIRT_SYNC_MAX_FDS)];
    struct cmsghdr align;
  } u;
  struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
  ssize_t w;

  if (len > OCIRT_SYNC_MAX || nfds > OCIRT_SYNC_MAX_FDS)
    return ocirt_error_set (err, EMSGSIZE, "sync: send %s",
                            ocirt_sync_type_name (type));
  if (nfds > 0)
    {
      struct cmsghdr *c;

      memset (&u, 0, sizeof u);
      mh.msg_control = u.buf;
      mh.msg_controllen = CMSG_SPACE (sizeof (int) * nfds);
      c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int) * nfds);
      memcpy (CMSG_DATA (c), fds, sizeof (int) * nfds);
    }
  do
    w = sendmsg (fd, &mh, MSG_NOSIGNAL);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return ocirt_error_set (err, errno, "sync: send %s",
                            ocirt_sync_type_name (type));
  return 0;
}

int
ocirt_sync_decode (const void *buf, size_t len, struct ocirt_sync_msg *m,
                   ocirt_error_t *err)
{
  struct wire_hdr h;

  if (len < sizeof h)
    return ocirt_error_set (err, EPROTO, "sync: short message (%zu bytes)",
                            len);
  memcpy (&h, buf, sizeof h);
  if (h.type == 0 || h.type >= OCIRT_SYNC_TYPE_MAX)
    return ocirt_error_set (err, EPROTO, "sync: unknown message type %u",
                            h.type);
  if (h.len != len - sizeof h)
    return ocirt_error_set (
        err, EPROTO, "sync: %s message says %u bytes, carries %zu",
        ocirt_sync_type_name (h.type), h.len, len - sizeof h);
  if (h.len > max_payload[h.type])
    return ocirt_error_set (err, EPROTO, "sync: %s message too long (%u bytes)",
                            ocirt_sync_type_name (h.type), h.len);
  if (exact_payload[h.type] && h.len != exact_payload[h.type])
    return ocirt_error_set (
        err, EPROTO, "sync: %s message has %u bytes, wants %u",
        ocirt_sync_type_name (h.type), h.len, exact_payload[h.type]);
  m->type = h.type;
  m->len = h.len;
  memcpy (m->payload, (const char *)buf + sizeof h, h.len);
  m->payload[h.len] = '\0';
  return 0;
}

void
ocirt_sync_close_fds (struct ocirt_sync_msg *m)
{
  for (int i = 0; i < m->nfds; i++)
    if (m->fds[i] >= 0)
      close (m->fds[i]);
  m->nfds = 0;
}

int
ocirt_sync_recv (int fd, struct ocirt_sync_msg *m, ocirt_error_t *err)
{
  char buf[sizeof (struct wire_hdr) + OCIRT_SYNC_MAX + 1];
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * OCIRT_SYNC_MAX_FDS)];
    struct cmsghdr align;
  } u;
  struct iovec iov = { buf, sizeof buf };
  struct msghdr mh = { .msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = u.buf,
                       .msg_controllen = sizeof u.buf };
  ssize_t r;

  m->nfds = 0;
  /* A peer that exits with messages of ours unread makes the next
     receive fail once with ECONNRESET, ahead of what it sent before
     exiting (its error message): that error is consumed by the failed
     call, so receive again to get the messages, then the end.  */
  for (int resets = 0;;)
    {
      r = recvmsg (fd, &mh, MSG_CMSG_CLOEXEC);
      if (r >= 0)
        break;
      if (errno == EINTR || (errno == ECONNRESET && resets++ < 2))
        continue;
      if (errno == ECONNRESET)
        return 0;
      return ocirt_error_set (err, errno, "sync: receive");
    }
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        size_t n = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
        int *in = (int *)CMSG_DATA (c);
        for (size_t i = 0; i < n; i++)
          {
            if (m->nfds < OCIRT_SYNC_MAX_FDS)
              m->fds[m->nfds++] = in[i];
            else
              close (in[i]);
          }
      }
  if (r == 0)
    {
      ocirt_sync_close_fds (m);
      return 0;
    }
  if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
    {
      ocirt_sync_close_fds (m);
      return ocirt_error_set (err, EPROTO, "sync: truncated message");
    }
  if (ocirt_sync_decode (buf, (size_t)r, m, err) < 0)
    {
      ocirt_sync_close_fds (m);
      return -1;
    }
  return 1;
}

int
ocirt_sync_error_from_msg (const struct ocirt_sync_msg *m, ocirt_error_t *err)
{
  int32_t e = 0;

  if (m->len < sizeof e)
    return ocirt_error_set (err, EPROTO, "sync: malformed error message");
  memcpy (&e, m->payload, sizeof e);
  return ocirt_error_set (err, e, "%.*s", (int)(m->len - sizeof e),
                          m->payload + sizeof e);
}

int
ocirt_sync_expect (int fd, uint32_t type, struct ocirt_sync_msg *m,
                   ocirt_error_t *err)
{
  int r = ocirt_sync_recv (fd, m, err);

  if (r < 0)
    return -1;
  if (r == 0)
    return ocirt_error_set (err, EPIPE,
                            "sync: peer closed while waiting for %s",
                            ocirt_sync_type_name (type));
  if (m->type == OCIRT_SYNC_ERROR)
    return ocirt_sync_error_from_msg (m, err);
  if (m->type != type)
    {
      ocirt_sync_close_fds (m);
      return ocirt_error_set (err, EPROTO, "sync: expected %s, got %s",
                              ocirt_sync_type_name (type),
                              ocirt_sync_type_name (m->type));
    }
  return 0;
}

void
ocirt_sync_send_error (int fd, const ocirt_error_t *err)
{
  char buf[OCIRT_SYNC_MAX];
  int32_t e = err ? err->errnum : 0;
  const char *msg = err && err->msg ? err->msg : "unknown error";
  size_t n = strlen (msg);

  if (n > sizeof buf - sizeof e)
    n = sizeof buf - sizeof e;
  memcpy (buf, &e, sizeof e);
  memcpy (buf + sizeof e, msg, n);
  ocirt_sync_send (fd, OCIRT_SYNC_ERROR, buf, sizeof e + n, NULL, 0, NULL);
}
