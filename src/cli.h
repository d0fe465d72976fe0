/* ocirt command line: global options and the verb table.  */
#ifndef OCIRT_CLI_H
#define OCIRT_CLI_H

#include <stdbool.h>

struct ocirt_global
{
  const char *root; /* --root, default /run/ocirt */
  const char *log;  /* --log FILE */
  bool log_json;    /* --log-format json */
  bool debug;       /* --debug */
  bool systemd_cgroup;
  const char *rootless; /* "true" "false" "auto" */
  const char *argv0;    /* the program as invoked */
};

/* Each verb parses its own options from argv[0..argc) (argv[0] is the
   verb name) and returns the process exit status.  Errors are printed with
   the log functions (log.h), prefixed with the verb name.  */
typedef int (*ocirt_verb_fn) (struct ocirt_global *g, int argc, char **argv);

int ocirt_cmd_create (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_start (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_state (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_kill (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_delete (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_run (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_list (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_exec (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_init (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_spec (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_features (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_unimplemented (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_update (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_pause (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_resume (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_ps (struct ocirt_global *g, int argc, char **argv);
int ocirt_cmd_events (struct ocirt_global *g, int argc, char **argv);

/* Print "Usage: ..." for a verb.  to_err: stderr (bad usage) or stdout
   (--help).  */
void ocirt_usage_verb (const char *usage, bool to_err);

/* Helpers for verbs: standard option handling.  Returns -1 and prints
   the usage on stderr for an unknown option; 1 when --help was printed
   (the verb returns 0).  */

#endif
