/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "shared/log.h"
#include "shared/verbs.h"

void print_verbs_usage(FILE *f, const char *group, const struct verb *verbs, size_t n_verbs)
{
        fprintf(f, "usage:\n");
        for (size_t i = 0; i < n_verbs; i++)
                fprintf(f, "\thasan %s %-28s %s\n", group, verbs[i].synopsis, verbs[i].help);
}

int dispatch_verb(const char *group, const struct verb *verbs, size_t n_verbs, int argc,
                  char **argv)
{
        if (argc < 1) {
                log_error("missing %s verb", group);
                print_verbs_usage(stderr, group, verbs, n_verbs);
                return EXIT_USAGE;
        }

        for (size_t i = 0; i < n_verbs; i++) {
                const struct verb *v = &verbs[i];
                unsigned n = (unsigned)argc - 1;

                if (strcmp(v->name, argv[0]) != 0)
                        continue;
                if (n < v->min_args) {
                        log_error("missing argument for '%s %s'", group, v->name);
                        fprintf(stderr, "usage: hasan %s %s\n", group, v->synopsis);
                        return EXIT_USAGE;
                }
                if (v->max_args != VERB_ANY && n > v->max_args) {
                        log_error("too many arguments for '%s %s'", group, v->name);
                        fprintf(stderr, "usage: hasan %s %s\n", group, v->synopsis);
                        return EXIT_USAGE;
                }
                return v->run(argc, argv);
        }

        log_error("unknown %s verb '%s'", group, argv[0]);
        print_verbs_usage(stderr, group, verbs, n_verbs);
        return EXIT_USAGE;
}
