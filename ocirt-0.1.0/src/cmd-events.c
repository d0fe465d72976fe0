/* ocirt events: resource statistics and OOM notifications of a
   container, as runc prints them (one JSON object per line).  */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup.h"
#include "cli.h"
#include "cmd-simple.h"
#include "container-cgroup.h"
#include "log.h"
#include "util.h"

/* How often the OOM counter is looked at between two stats.  */
#define OOM_POLL_MS 100

static const char usage[]
    = "Usage: ocirt events [options] <container-id>\n"
      "\n"
      "Print resource statistics every interval, and OOM events, until the\n"
      "container stops.\n"
      "\n"
      "  --stats            print the statistics once and exit\n"
      "  --interval TIME    time between statistics (default 5s; units ns,\n"
      "                     us, ms, s, m, h)\n";

struct events_opts
{
  bool stats;
  const char *interval;
};

static int
on_opt (int c, const char *arg, void *data)
{
  struct events_opts *o = data;

  if (c == 's')
    o->stats = true;
  else if (c == 'i')
    o->interval = arg;
  else
    return -1;
  return 0;
}

/* A Go-style duration ("5s", "1.5s", "100ms", "1m30s") in ms.  */
static int
parse_interval (const char *s, long long *ms)
{
  static const struct
  {
    const char *unit;
    double ms;
  } units[] = { { "ns", 1e-6 }, { "us", 1e-3 }, { "ms", 1 },
                { "s", 1000 },  { "m", 60000 }, { "h", 3600000 } };
  double total = 0;

  if (*s == '\0')
    return -1;
  while (*s)
    {
      char *end;
      double v;
      size_t best = 0;
      int found = -1;

      errno = 0;
      v = strtod (s, &end);
      if (end == s || errno || v < 0)
        return -1;
      s = end;
      for (size_t i = 0; i < ARRAY_SIZE (units); i++)
        {
          size_t l = strlen (units[i].unit);
          if (strncmp (s, units[i].unit, l) == 0 && l > best)
            {
              best = l;
              found = (int)i;
            }
        }
      if (found < 0)
        return -1;
      total += v * units[found].ms;
      s += best;
    }
  *ms = (long long)total;
  return total >= 1 ? 0 : -1;
}

static int
print_stats (const char *path, const char *id)
{
  cleanup_error ocirt_error_t err = { 0 };
  cleanup_free char *json = ocirt_cgroup_stats_event (path, id, &err);

  if (json == NULL)
    {
      ocirt_error_wrap (&err, "events");
      ocirt_log_error (&err);
      return -1;
    }
  puts (json);
  fflush (stdout);
  return 0;
}

static void
print_oom (const char *id)
{
  printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
  fflush (stdout);
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Has the container's init exited?  */
static bool
ended (int pidfd, const char *path, int wait_ms)
{
  struct pollfd p = { pidfd, POLLIN, 0 };

  if (pidfd < 0)
    {
      struct timespec ts = { wait_ms / 1000, (wait_ms % 1000) * 1000000L };
      nanosleep (&ts, NULL);
      return !ocirt_cgroup_exists (path);
    }
  return poll (&p, 1, wait_ms) > 0;
}

static int
watch (const char *path, const char *id, int pidfd, long long interval)
{
  int64_t ooms = ocirt_cgroup_oom_kills (path);
  long long next = now_ms ();

  for (;;)
    {
      int64_t now_ooms;
      bool gone;

      if (now_ms () >= next)
        {
          if (print_stats (path, id) < 0)
            return 1;
          next = now_ms () + interval;
        }
      gone = ended (pidfd, path, OOM_POLL_MS);
      now_ooms = ocirt_cgroup_oom_kills (path);
      if (now_ooms > ooms)
        print_oom (id);
      if (now_ooms >= 0)
        ooms = now_ooms;
      if (gone)
        return 0;
    }
}

int
ocirt_cmd_events (struct ocirt_global *g, int argc, char **argv)
{
  static const struct option opts[]
      = { { "stats", no_argument, NULL, 's' },
          { "interval", required_argument, NULL, 'i' },
          { "help", no_argument, NULL, 'h' },
          { NULL, 0, NULL, 0 } };
  cleanup_error ocirt_error_t err = { 0 };
  struct events_opts o = { false, "5s" };
  cleanup_free char *path = NULL;
  cleanup_close int pidfd = -1;
  long long interval;
  int r = ocirt_simple_parse ("events", usage, argc, argv, "+h", opts, on_opt,
                              &o);

  if (r != 0)
    return r < 0 ? 1 : 0;
  if (argc - optind != 1)
    {
      fprintf (stderr, "ocirt: events: expected one container id\n\n");
      ocirt_usage_verb (usage, true);
      return 1;
    }
  if (parse_interval (o.interval, &interval) < 0)
    {
      ocirt_log (OCIRT_LOG_ERROR, "events: invalid --interval \"%s\"",
                 o.interval);
      return 1;
    }
  if (ocirt_container_cgroup (g->root, argv[optind], &path, &pidfd, &err) < 0)
    {
      ocirt_error_wrap (&err, "events");
      ocirt_log_error (&err);
      return 1;
    }
  if (o.stats)
    return print_stats (path, argv[optind]) < 0 ? 1 : 0;
  return watch (path, argv[optind], pidfd, interval);
}
