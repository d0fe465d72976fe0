#include <config.h>

#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cli.h"
#include "cmd-simple.h"
#include "container.h"
#include "log.h"
#include "util.h"

static const char usage[]
    = "Usage: ocirt list [options]\n"
      "\n"
      "List the containers under --root.\n"
      "\n"
      "  -f, --format table|json  output format (default table)\n"
      "  -q, --quiet              print only the ids\n";

struct list_opts
{
  bool json;
  bool quiet;
};

static int
on_opt (int c, const char *arg, void *data)
{
  struct list_opts *o = data;

  if (c == 'q')
    o->quiet = true;
  else if (c == 'f' && strcmp (arg, "json") == 0)
    o->json = true;
  else if (c == 'f' && strcmp (arg, "table") == 0)
    o->json = false;
  else
    return -1;
  return 0;
}

#define GEN_STR(g, s)                                                          \
  yajl_gen_string ((g), (const unsigned char *)(s), strlen (s))

static void
print_json (const struct ocirt_list_entry *l, size_t n)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  const unsigned char *buf;
  size_t len;

  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    {
      yajl_gen_map_open (g);
      GEN_STR (g, "ociVersion");
      GEN_STR (g, OCI_SPEC_VERSION);
      GEN_STR (g, "id");
      GEN_STR (g, l[i].id);
      GEN_STR (g, "pid");
      yajl_gen_integer (g, l[i].pid);
      GEN_STR (g, "status");
      GEN_STR (g, l[i].status);
      GEN_STR (g, "bundle");
      GEN_STR (g, l[i].bundle ? l[i].bundle : "");
      GEN_STR (g, "rootfs");
      GEN_STR (g, "");
      GEN_STR (g, "created");
      GEN_STR (g, l[i].created ? l[i].created : "");
      GEN_STR (g, "owner");
      GEN_STR (g, l[i].owner ? l[i].owner : "");
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  yajl_gen_get_buf (g, &buf, &len);
  fwrite (buf, 1, len, stdout);
  fputc ('\n', stdout);
  yajl_gen_free (g);
}

int
ocirt_cmd_list (struct ocirt_global *g, int argc, char **argv)
{
  static const struct option opts[]
      = { { "format", required_argument, NULL, 'f' },
          { "quiet", no_argument, NULL, 'q' },
          { "help", no_argument, NULL, 'h' },
          { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  struct list_opts o = { 0 };
  struct ocirt_list_entry *l = NULL;
  size_t n = 0;
  int r = ocirt_simple_parse ("list", usage, argc, argv, "+f:qh", opts, on_opt,
                              &o);

  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind != 0)
    {
      fprintf (stderr, "ocirt: list: takes no arguments\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  if (ocirt_container_list (g->root, &l, &n, &err) < 0)
    {
      ocirt_error_wrap (&err, "list");
      ocirt_log_error (&err);
      return 1;
    }
  if (o.quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", l[i].id);
  else if (o.json)
    print_json (l, n);
  else
    {
      printf ("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS",
              "BUNDLE", "CREATED", "OWNER");
      for (size_t i = 0; i < n; i++)
        printf ("%-20s %-8d %-10s %-40s %-30s %s\n", l[i].id, l[i].pid,
                l[i].status, l[i].bundle ? l[i].bundle : "",
                l[i].created ? l[i].created : "", l[i].owner ? l[i].owner : "");
    }
  ocirt_list_free (l, n);
  return 0;
}
