/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

/*
 * Exit codes of the CLI personality. Agents (OCF, fence) map to their own
 * codes at their own boundary; nothing passes a raw errno to the shell.
 */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,  /* the operation failed */
        EXIT_USAGE = 2, /* bad arguments, or (spec check) an invalid description */
};

#define VERB_ANY ((unsigned)-1)

/* One verb of a command group ("hasan cred set NAME"). */
struct verb {
        const char *name;
        unsigned min_args; /* positional arguments after the verb */
        unsigned max_args;
        int (*run)(int argc, char **argv); /* argv[0] is the verb; returns an EXIT_* code */
        const char *synopsis;              /* "set NAME", shown in usage */
        const char *help;
};

/*
 * Dispatch argv[optind..] to a verb after checking the argument count.
 * group is the command name for messages ("cred"). Prints the group's usage
 * and returns EXIT_USAGE on a missing, unknown or mis-counted verb.
 */
int dispatch_verb(const char *group, const struct verb *verbs, size_t n_verbs, int argc,
                  char **argv);

void print_verbs_usage(FILE *f, const char *group, const struct verb *verbs, size_t n_verbs);
