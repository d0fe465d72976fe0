/* Shared parsing for verbs that take options then one container id.  */
#ifndef OCIRT_CMD_SIMPLE_H
#define OCIRT_CMD_SIMPLE_H

#include <getopt.h>
#include <stdbool.h>

/* Parses argv with opts/shortopts; calls on_opt for each option other
   than --help.  Returns 0 with optind at the first operand, 1 after
   --help, -1 on bad usage (printed).  */
int ocirt_simple_parse (const char *verb, const char *usage, int argc,
                        char **argv, const char *shortopts,
                        const struct option *opts,
                        int (*on_opt) (int c, const char *arg, void *data),
                        void *data);

#endif
