/* A yajl_val tree built from yajl's event parser into an arena.

   yajl_tree_parse mallocs every node, string and number separately and
   frees them recursively: two thirds of the time of a config parse went
   to malloc and free, and a deeply nested document overflows the stack in
   yajl_tree_free.  This builder produces the same struct yajl_val_s
   nodes, allocated from a few large blocks, limits the nesting depth
   while parsing, and frees the whole tree at once.  Number nodes keep
   only their text (u.number.r; flags are 0): the getters read integers
   from it so that all 64 bits survive.  */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "json-util.h"
#include "util.h"

struct arena_block
{
  struct arena_block *next;
  size_t size, used;
  max_align_t data[];
};

/* Children of the containers still open, innermost last.  */
struct pending
{
  const char *key; /* NULL inside arrays */
  yajl_val value;  /* NULL while a key waits for its value */
};

struct frame
{
  yajl_val node;
  size_t start; /* first child in the pending stack */
};

struct oci_json_doc
{
  struct arena_block *blocks;
  yajl_val root;
};

struct builder
{
  oci_json_doc *doc;
  struct pending *pending;
  size_t pending_len, pending_cap;
  struct frame frames[OCI_JSON_MAX_DEPTH];
  size_t depth;
  char *err; /* why a callback stopped the parse */
  size_t block_hint;
};

static void *
arena_alloc (struct builder *b, size_t n)
{
  struct arena_block *blk = b->doc->blocks;
  size_t align = _Alignof(max_align_t);
  void *p;

  n = (n + align - 1) & ~(align - 1);
  if (blk == NULL || blk->size - blk->used < n)
    {
      size_t size = b->block_hint > n ? b->block_hint : n;
      blk = xmalloc (sizeof *blk + size);
      blk->size = size;
      blk->used = 0;
      blk->next = b->doc->blocks;
      b->doc->blocks = blk;
      b->block_hint = size * 2;
    }
  p = (char *)blk->data + blk->used;
  blk->used += n;
  return p;
}

static yajl_val
new_node (struct builder *b, yajl_type type)
{
  yajl_val v = arena_alloc (b, sizeof *v);

  memset (v, 0, sizeof *v);
  v->type = type;
  return v;
}

static char *
arena_strndup (struct builder *b, const unsigned char *s, size_t len)
{
  char *p = arena_alloc (b, len + 1);

  memcpy (p, s, len);
  p[len] = '\0';
  return p;
}

static void
push_pending (struct builder *b, const char *key, yajl_val value)
{
  if (b->pending_len == b->pending_cap)
    {
      b->pending_cap = b->pending_cap ? b->pending_cap * 2 : 64;
      b->pending = xrealloc (b->pending, b->pending_cap * sizeof *b->pending);
    }
  b->pending[b->pending_len].key = key;
  b->pending[b->pending_len].value = value;
  b->pending_len++;
}

/* A value is complete: hand it to the enclosing container.  */
static int
add_value (struct builder *b, yajl_val v)
{
  yajl_val parent;

  if (b->depth == 0)
    {
      b->doc->root = v;
      return 1;
    }
  parent = b->frames[b->depth - 1].node;
  if (parent->type == yajl_t_object)
    b->pending[b->pending_len - 1].value = v; /* after its map_key */
  else
    push_pending (b, NULL, v);
  return 1;
}

static int
on_null (void *ctx)
{
  struct builder *b = ctx;
  return add_value (b, new_node (b, yajl_t_null));
}

static int
on_boolean (void *ctx, int value)
{
  struct builder *b = ctx;
  return add_value (b, new_node (b, value ? yajl_t_true : yajl_t_false));
}

static int
on_number (void *ctx, const char *s, size_t len)
{
  struct builder *b = ctx;
  yajl_val v = new_node (b, yajl_t_number);

  v->u.number.r = arena_strndup (b, (const unsigned char *)s, len);
  return add_value (b, v);
}

/* C strings end at the first NUL: "\u0000" would silently cut a path.  */
static int
check_nul (struct builder *b, const unsigned char *s, size_t len)
{
  if (memchr (s, '\0', len) == NULL)
    return 1;
  b->err = xstrdup ("invalid JSON: \\u0000 in a string");
  return 0;
}

static int
on_string (void *ctx, const unsigned char *s, size_t len)
{
  struct builder *b = ctx;
  yajl_val v;

  if (!check_nul (b, s, len))
    return 0;
  v = new_node (b, yajl_t_string);
  v->u.string = arena_strndup (b, s, len);
  return add_value (b, v);
}

static int
on_map_key (void *ctx, const unsigned char *s, size_t len)
{
  struct builder *b = ctx;

  if (!check_nul (b, s, len))
    return 0;
  push_pending (b, arena_strndup (b, s, len), NULL);
  return 1;
}

static int
open_container (struct builder *b, yajl_type type)
{
  if (b->depth == OCI_JSON_MAX_DEPTH)
    {
      xasprintf (&b->err, "invalid JSON: nesting deeper than %d levels",
                 OCI_JSON_MAX_DEPTH);
      return 0;
    }
  b->frames[b->depth].node = new_node (b, type);
  b->frames[b->depth].start = b->pending_len;
  b->depth++;
  return 1;
}

static int
on_start_map (void *ctx)
{
  return open_container (ctx, yajl_t_object);
}

static int
on_start_array (void *ctx)
{
  return open_container (ctx, yajl_t_array);
}

/* Move the children from the pending stack into the node.  */
static int
close_container (struct builder *b)
{
  struct frame *f = &b->frames[--b->depth];
  size_t n = b->pending_len - f->start;
  struct pending *kids = n ? b->pending + f->start : NULL;
  yajl_val v = f->node;
  yajl_val *values = n ? arena_alloc (b, n * sizeof *values) : NULL;

  for (size_t i = 0; i < n; i++)
    values[i] = kids[i].value;
  if (v->type == yajl_t_object)
    {
      const char **keys = n ? arena_alloc (b, n * sizeof *keys) : NULL;
      for (size_t i = 0; i < n; i++)
        keys[i] = kids[i].key;
      v->u.object.keys = keys;
      v->u.object.values = values;
      v->u.object.len = n;
    }
  else
    {
      v->u.array.values = values;
      v->u.array.len = n;
    }
  b->pending_len = f->start;
  return add_value (b, v);
}

static int
on_end (void *ctx)
{
  return close_container (ctx);
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_null,
  .yajl_boolean = on_boolean,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end,
};

void
oci_json_doc_free (oci_json_doc *doc)
{
  struct arena_block *blk, *next;

  if (doc == NULL)
    return;
  for (blk = doc->blocks; blk; blk = next)
    {
      next = blk->next;
      free (blk);
    }
  free (doc);
}

yajl_val
oci_json_doc_root (const oci_json_doc *doc)
{
  return doc->root;
}

/* "invalid JSON (line L, column C): MESSAGE" from yajl's first line.  */
static void
syntax_error (yajl_handle h, const char *buf, size_t len, size_t offset,
              char **err)
{
  unsigned char *msg = yajl_get_error (h, 0, (const unsigned char *)buf, len);
  const char *text = msg ? (const char *)msg : "parse error";
  size_t line = 1, col = 1;

  for (size_t i = 0; i < offset && i < len; i++, col++)
    if (buf[i] == '\n')
      {
        line++;
        col = 0;
      }
  oci_json_error (err, NULL, "invalid JSON (line %zu, column %zu): %.*s", line,
                  col, (int)strcspn (text, "\n"), text);
  if (msg)
    yajl_free_error (h, msg);
}

oci_json_doc *
oci_json_parse (const char *buf, size_t len, char **err)
{
  struct builder b = { 0 };
  yajl_handle h;
  yajl_status st;
  size_t offset = len;

  b.doc = xzalloc (sizeof *b.doc);
  /* Blocks double from the size of the text: a few blocks per document
     (a node takes 48 bytes for a value of a few bytes of text).  */
  b.block_hint = len + 4096;
  h = yajl_alloc (&callbacks, NULL, &b);
  if (h == NULL)
    abort ();
  st = yajl_parse (h, (const unsigned char *)buf, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  else
    offset = yajl_get_bytes_consumed (h);
  if (st != yajl_status_ok)
    {
      if (b.err)
        oci_json_error (err, NULL, "%s", b.err);
      else
        syntax_error (h, buf, len, offset, err);
      oci_json_doc_free (b.doc);
      b.doc = NULL;
    }
  yajl_free (h);
  free (b.pending);
  free (b.err);
  return b.doc;
}
