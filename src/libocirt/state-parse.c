/* ocirt: reading state.json.

   Every verb but create reads one state file, and `list` reads one per
   container, so the reader is a single pass of yajl's event parser that
   copies the fields it knows and nothing else: no tree of the document,
   no lookup per field.  Unknown keys, and values of an unexpected type,
   are skipped at any depth (yajl keeps its own stack: no recursion).  */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "state.h"
#include "util.h"

enum state_key
{
  K_OTHER,
  K_ID,
  K_BUNDLE,
  K_ROOTFS,
  K_CREATED,
  K_OWNER,
  K_CGROUP_PATH,
  K_RDT_DIR,
  K_RDT_MON_DIR,
  K_INIT_COMM,
  K_PID,
  K_PID_START,
  K_HAS_POSTSTART,
  K_HAS_POSTSTOP,
  K_HAS_TERMINAL,
  K_ANNOTATIONS,
  K_COUNT
};

static const struct
{
  const char *name;
  size_t len;
} key_names[K_COUNT] = {
#define KEY(k, s) [k] = { s, sizeof s - 1 }
  KEY (K_ID, "id"),
  KEY (K_BUNDLE, "bundle"),
  KEY (K_ROOTFS, "rootfs"),
  KEY (K_CREATED, "created"),
  KEY (K_OWNER, "owner"),
  KEY (K_CGROUP_PATH, "cgroup_path"),
  KEY (K_RDT_DIR, "rdt_dir"),
  KEY (K_RDT_MON_DIR, "rdt_mon_dir"),
  KEY (K_INIT_COMM, "init_comm"),
  KEY (K_PID, "pid"),
  KEY (K_PID_START, "pid_start"),
  KEY (K_HAS_POSTSTART, "has_poststart"),
  KEY (K_HAS_POSTSTOP, "has_poststop"),
  KEY (K_HAS_TERMINAL, "has_terminal"),
  KEY (K_ANNOTATIONS, "annotations"),
#undef KEY
};

struct state_parser
{
  struct ocirt_state *st;
  size_t depth;       /* 1: inside the top-level object */
  enum state_key key; /* the top-level key whose value comes next */
  bool seen[K_COUNT]; /* the first of duplicate keys wins */
  bool in_annotations;
  char *ann_key; /* annotation whose value comes next */
  size_t ann_cap;
};

static enum state_key
key_of (const unsigned char *s, size_t len)
{
  for (int k = K_OTHER + 1; k < K_COUNT; k++)
    if (key_names[k].len == len && memcmp (key_names[k].name, s, len) == 0)
      return (enum state_key)k;
  return K_OTHER;
}

/* The field of st a string-valued key fills, or NULL.  */
static char **
string_field (struct ocirt_state *st, enum state_key k)
{
  switch (k)
    {
    case K_ID:
      return &st->id;
    case K_BUNDLE:
      return &st->bundle;
    case K_ROOTFS:
      return &st->rootfs;
    case K_CREATED:
      return &st->created;
    case K_OWNER:
      return &st->owner;
    case K_CGROUP_PATH:
      return &st->cgroup_path;
    case K_RDT_DIR:
      return &st->rdt_dir;
    case K_RDT_MON_DIR:
      return &st->rdt_mon_dir;
    case K_INIT_COMM:
      return &st->init_comm;
    default:
      return NULL;
    }
}

/* A scalar at depth 1 is the value of p->key: claim it once.  */
static bool
claim (struct state_parser *p)
{
  if (p->depth != 1 || p->key == K_OTHER || p->seen[p->key])
    return false;
  p->seen[p->key] = true;
  return true;
}

static void
drop_ann_key (struct state_parser *p)
{
  free (p->ann_key);
  p->ann_key = NULL;
}

static int
on_null (void *ctx)
{
  struct state_parser *p = ctx;

  if (p->depth == 0)
    return 0;
  drop_ann_key (p);
  return 1;
}

static int
on_boolean (void *ctx, int value)
{
  struct state_parser *p = ctx;

  if (p->depth == 0)
    return 0;
  drop_ann_key (p);
  if (!claim (p))
    return 1;
  if (p->key == K_HAS_POSTSTART)
    p->st->has_poststart = value;
  else if (p->key == K_HAS_POSTSTOP)
    p->st->has_poststop = value;
  else if (p->key == K_HAS_TERMINAL)
    p->st->has_terminal = value;
  return 1;
}

static int
on_number (void *ctx, const char *s, size_t len)
{
  struct state_parser *p = ctx;
  char buf[32];
  char *end;
  long long v;

  if (p->depth == 0)
    return 0;
  drop_ann_key (p);
  if ((p->key != K_PID && p->key != K_PID_START) || !claim (p))
    return 1;
  /* Integers only: a fraction, an exponent or an overflow leaves the
     field unset, as if it were absent.  */
  if (len >= sizeof buf || memchr (s, '.', len) || memchr (s, 'e', len)
      || memchr (s, 'E', len))
    return 1;
  memcpy (buf, s, len);
  buf[len] = '\0';
  errno = 0;
  v = strtoll (buf, &end, 10);
  if (errno != 0 || *end != '\0')
    return 1;
  if (p->key == K_PID && v > 0 && v <= INT32_MAX)
    p->st->pid = (int)v;
  else if (p->key == K_PID_START)
    p->st->pid_start = (uint64_t)v;
  return 1;
}

static int
on_string (void *ctx, const unsigned char *s, size_t len)
{
  struct state_parser *p = ctx;
  oci_string_map *a = &p->st->annotations;
  char **field;

  if (p->depth == 0)
    return 0;
  if (p->depth == 2 && p->in_annotations && p->ann_key)
    {
      if (a->len == p->ann_cap)
        {
          p->ann_cap = p->ann_cap ? p->ann_cap * 2 : 4;
          a->keys = xrealloc (a->keys, p->ann_cap * sizeof (char *));
          a->values = xrealloc (a->values, p->ann_cap * sizeof (char *));
        }
      a->keys[a->len] = steal_ptr (&p->ann_key);
      a->values[a->len++] = xstrndup ((const char *)s, len);
      return 1;
    }
  drop_ann_key (p);
  field = string_field (p->st, p->key);
  if (field && claim (p))
    *field = xstrndup ((const char *)s, len);
  return 1;
}

static int
on_map_key (void *ctx, const unsigned char *s, size_t len)
{
  struct state_parser *p = ctx;

  if (p->depth == 1)
    p->key = key_of (s, len);
  else if (p->depth == 2 && p->in_annotations)
    {
      drop_ann_key (p);
      p->ann_key = xstrndup ((const char *)s, len);
    }
  return 1;
}

static int
on_start_map (void *ctx)
{
  struct state_parser *p = ctx;

  drop_ann_key (p);
  if (p->depth == 1 && p->key == K_ANNOTATIONS && claim (p))
    p->in_annotations = true;
  p->depth++;
  return 1;
}

static int
on_end_map (void *ctx)
{
  struct state_parser *p = ctx;

  drop_ann_key (p);
  p->depth--;
  if (p->depth == 1)
    p->in_annotations = false;
  /* Whatever follows the top-level object is yajl's to refuse.  */
  return 1;
}

static int
on_start_array (void *ctx)
{
  struct state_parser *p = ctx;

  if (p->depth == 0)
    return 0;
  drop_ann_key (p);
  p->depth++;
  return 1;
}

static int
on_end_array (void *ctx)
{
  struct state_parser *p = ctx;

  p->depth--;
  return 1;
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end_map,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end_array,
};

int
ocirt_state_parse (const char *text, struct ocirt_state *st, ocirt_error_t *err)
{
  struct state_parser p = { .st = st };
  yajl_handle h;
  yajl_status s;

  memset (st, 0, sizeof *st);
  h = yajl_alloc (&callbacks, NULL, &p);
  if (h == NULL)
    return ocirt_error_set (err, ENOMEM, "read state file");
  s = yajl_parse (h, (const unsigned char *)text, strlen (text));
  if (s == yajl_status_ok)
    s = yajl_complete_parse (h);
  yajl_free (h);
  drop_ann_key (&p);
  if (s != yajl_status_ok || st->id == NULL || st->bundle == NULL
      || st->pid <= 0)
    {
      ocirt_state_release (st);
      return ocirt_error_set (err, 0, "state file is corrupt");
    }
  return 0;
}
