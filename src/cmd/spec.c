/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan spec check [--json] [FILE]
 *      Validate a cluster description (default /etc/hasan/cluster.json).
 *      Every problem is printed on stderr as "PATH: REASON" (with --json, a
 *      report on stdout instead). Exit 0 valid, 2 invalid, 1 unreadable.
 *      Writes nothing.
 *
 * hasan spec show [--json] [FILE]
 *      Print a summary of a valid description, or with --json the
 *      normalised document: defaults filled in, canonical spelling, keys in
 *      the documented order.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <string.h>

#include "cmd/commands.h"
#include "config.h"
#include "lib/spec.h"
#include "shared/log.h"
#include "shared/verbs.h"

static bool arg_json = false;

static void print_json(json_object *o)
{
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int problems_to_json(const char *file, const struct spec_problems *p)
{
        json_object *root = json_object_new_object(), *arr = json_object_new_array();

        if (!root || !arr) {
                json_object_put(root);
                json_object_put(arr);
                return log_error_errno(-ENOMEM, "cannot print report");
        }
        json_object_object_add(root, "file", json_object_new_string(file));
        json_object_object_add(root, "valid", json_object_new_boolean(p->n == 0));
        for (size_t i = 0; i < p->n; i++) {
                json_object *e = json_object_new_object();
                json_object_object_add(e, "path", json_object_new_string(p->items[i].path));
                json_object_object_add(e, "message", json_object_new_string(p->items[i].message));
                json_object_array_add(arr, e);
        }
        json_object_object_add(root, "problems", arr);
        print_json(root);
        json_object_put(root);
        return 0;
}

/* Load FILE (argv[1], default cluster.json); on problems print them and return EXIT_USAGE. */
static int load(int argc, char **argv, bool report_json, struct spec **ret)
{
        const char *file = argc > 1 ? argv[1] : HASAN_CLUSTER_JSON;
        struct spec_problems problems = {0};
        struct spec *s = NULL;
        int r;

        r = spec_load_file(file, &s, &problems);
        if (r < 0) {
                log_error_errno(r, "cannot read cluster description '%s'", file);
                return EXIT_FAIL;
        }
        if (report_json && problems_to_json(file, &problems) < 0) {
                spec_free(s);
                spec_problems_clear(&problems);
                return EXIT_FAIL;
        }
        if (problems.n > 0) {
                if (!report_json) {
                        spec_problems_print(&problems, stderr);
                        log_error("%s: %zu problem%s found", file, problems.n,
                                  problems.n == 1 ? "" : "s");
                }
                spec_free(s);
                spec_problems_clear(&problems);
                return EXIT_USAGE;
        }
        *ret = s;
        return EXIT_OK;
}

static int verb_check(int argc, char **argv)
{
        struct spec *s = NULL;
        int r = load(argc, argv, arg_json, &s);

        spec_free(s);
        return r;
}

static int verb_show(int argc, char **argv)
{
        struct spec *s = NULL;
        int r = load(argc, argv, false, &s);

        if (r != EXIT_OK)
                return r;
        if (arg_json) {
                json_object *o = NULL;
                r = spec_to_json(s, &o);
                if (r < 0) {
                        spec_free(s);
                        log_error_errno(r, "cannot print cluster description");
                        return EXIT_FAIL;
                }
                print_json(o);
                json_object_put(o);
        } else
                spec_print_summary(s, stdout);
        spec_free(s);
        return EXIT_OK;
}

static const struct verb spec_verbs[] = {
    {"check", 0, 1, verb_check, "check [--json] [FILE]", "validate a cluster description"},
    {"show", 0, 1, verb_show, "show [--json] [FILE]", "print a summary or the normalised JSON"},
};

int cmd_spec(int argc, char **argv)
{
        static const struct option options[] = {
            {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c;

        arg_json = false;
        optind = 0;
        while ((c = getopt_long(argc, argv, "jh", options, NULL)) >= 0) {
                switch (c) {
                case 'j':
                        arg_json = true;
                        break;
                case 'h':
                        print_verbs_usage(stdout, "spec", spec_verbs, ELEMENTSOF(spec_verbs));
                        printf("\nFILE defaults to %s. check exits 0 when valid, 2 when invalid, 1 "
                               "when unreadable.\n",
                               HASAN_CLUSTER_JSON);
                        return EXIT_OK;
                default:
                        print_verbs_usage(stderr, "spec", spec_verbs, ELEMENTSOF(spec_verbs));
                        return EXIT_USAGE;
                }
        }
        return dispatch_verb("spec", spec_verbs, ELEMENTSOF(spec_verbs), argc - optind,
                             argv + optind);
}
