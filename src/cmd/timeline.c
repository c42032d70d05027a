/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan timeline events [--json] [--since TIME] [--directory DIR | --file FILE] [--node NAME]
 *      The failover phase events of this node's journal (or of a saved
 *      journal directory or file): time, node, phase, subject, message.
 *      --json prints them as one JSON array, the input of merge.
 *
 * hasan timeline merge [--json] [--window SEC] [FILE...|-]
 *      Merge the events of several nodes (files of 'events --json' output,
 *      or stdin), find the last failover, and print its phases with the
 *      time since the failover began and since the previous phase, the
 *      spans (detection, stop, fencing, import, services) and the
 *      server-side total. Exit 1 when the events hold no pool import.
 *
 * hasan timeline [--json] [--since TIME] [--window SEC] [--directory DIR | --file FILE]
 *      Both on this node's journal alone.
 *
 * TIME: -N[s|m|h|d] (that long ago), @EPOCH-SECONDS, or YYYY-MM-DDTHH:MM:SS
 * (UTC; a space instead of the T works too). Details: docs/timeline.md.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd/commands.h"
#include "lib/timeline.h"
#include "shared/fileio.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/verbs.h"

#define WHY_MAX 512

struct timeline_args {
        bool json;
        struct timeline_journal journal;
        struct timeline_options merge;
};

static uint64_t realtime_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int print_json(struct json_object *o)
{
        if (!o) {
                log_error("cannot build the JSON output: out of memory");
                return EXIT_FAIL;
        }
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

static void print_events_text(const struct timeline_events *e)
{
        for (size_t i = 0; i < e->n; i++) {
                const struct timeline_event *ev = &e->v[i];
                char when[40];

                timeline_format_time(ev->usec, when, sizeof(when));
                printf("%s  %-12s %-13s %s\n", when, ev->node, timeline_phase_to_string(ev->phase),
                       ev->message);
        }
}

static void print_failover_text(const struct timeline_failover *f, size_t n_events)
{
        const struct timeline_event *ordered[_TIMELINE_PHASE_MAX];
        struct timeline_span spans[TIMELINE_SPANS_MAX];
        size_t n = timeline_failover_ordered(f, ordered);
        size_t n_spans = timeline_failover_spans(f, spans, ELEMENTSOF(spans));
        const char *what = f->kind == TIMELINE_PLANNED
                               ? "planned: the pool was exported, nothing was fenced"
                               : "unplanned: the pool was taken over without an export";

        printf("last failover: pool '%s' imported on %s (%s)\n\n", f->pool, f->node, what);
        printf("%-14s %-12s %-25s %12s %10s\n", "PHASE", "NODE", "TIME (UTC)", "SINCE START",
               "STEP");
        for (size_t i = 0; i < n; i++) {
                const struct timeline_event *ev = ordered[i];
                char when[40];

                timeline_format_time(ev->usec, when, sizeof(when));
                printf("%-14s %-12s %-25s %10.3f s %8.3f s\n", timeline_phase_to_string(ev->phase),
                       ev->node, when, (double)(ev->usec - f->start_usec) / 1e6,
                       i == 0 ? 0.0 : (double)(ev->usec - ordered[i - 1]->usec) / 1e6);
        }
        /* The total has a line of its own, below. */
        for (size_t i = 0, shown = 0; i < n_spans; i++) {
                if (strcmp(spans[i].name, "total") == 0)
                        continue;
                printf("%s %s %.3f s", shown++ ? "," : "\nspans:", spans[i].name, spans[i].seconds);
        }
        if (n_spans > 0 && strcmp(spans[0].name, "total") != 0)
                putchar('\n');
        if (f->complete)
                printf("server-side total: %.3f s (%s on %s to services-up on %s)\n",
                       (double)(f->end_usec - f->start_usec) / 1e6,
                       timeline_phase_to_string(ordered[0]->phase), ordered[0]->node, f->node);
        else
                printf("server-side total: unknown: no services-up on %s within the window after "
                       "the import (last event at +%.3f s)\n",
                       f->node, (double)(f->end_usec - f->start_usec) / 1e6);
        printf("(%zu phase events read)\n", n_events);
}

static int report_failover(const struct timeline_events *events, const struct timeline_args *a)
{
        struct timeline_failover f;
        int r = timeline_last_failover(events, &a->merge, &f);

        if (r == -ENOENT && events->n == 0) {
                log_error("cannot find a failover: there are no phase events at all");
                return EXIT_FAIL;
        }
        if (r == -ENOENT) {
                log_error("cannot find a failover: none of the %zu phase events is a pool import "
                          "(phase import-done)",
                          events->n);
                return EXIT_FAIL;
        }
        if (r < 0) {
                log_error_errno(r, "cannot put the last failover together");
                return EXIT_FAIL;
        }
        if (!f.complete)
                log_warning("the last failover of pool '%s' has no services-up event on %s: "
                            "its total is unknown",
                            f.pool, f.node);
        if (a->json)
                return print_json(timeline_failover_to_json(&f));
        print_failover_text(&f, events->n);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}

static int read_events(const struct timeline_args *a, struct timeline_events *e)
{
        char why[WHY_MAX] = "";
        int r = timeline_read_journal(&a->journal, e, why, sizeof(why));

        if (r < 0) {
                if (why[0])
                        log_error("%s", why);
                else
                        log_error_errno(r, "cannot read the journal");
                return EXIT_FAIL;
        }
        if (e->n == 0 && !a->journal.file && !a->journal.directory && geteuid() != 0)
                log_warning("no phase events in the journal this user can read: the system "
                            "journal needs root or the systemd-journal group");
        timeline_events_sort(e);
        return EXIT_OK;
}

static int merge_input(const char *path, struct timeline_events *e)
{
        _cleanup_free_ char *data = NULL;
        const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
        char why[WHY_MAX] = "";
        size_t size = 0;
        int r = read_full_file(strcmp(path, "-") == 0 ? "/dev/stdin" : path, &data, &size);

        if (r < 0) {
                log_error_errno(r, "cannot read events from '%s'", name);
                return EXIT_FAIL;
        }
        r = timeline_events_from_json(data, size, name, e, why, sizeof(why));
        if (r < 0) {
                if (why[0])
                        log_error("cannot read events from %s", why);
                else
                        log_error_errno(r, "cannot read events from '%s'", name);
                return EXIT_FAIL;
        }
        return EXIT_OK;
}

enum {
        OPT_JSON = 'j',
        OPT_SINCE = 's',
        OPT_WINDOW = 'w',
        OPT_DIRECTORY = 'D',
        OPT_FILE = 'F',
        OPT_NODE = 'N',
        OPT_HELP = 'h',
};

static void usage(FILE *f)
{
        fprintf(f,
                "usage: hasan timeline events [--json] [--since TIME] [--directory DIR | --file "
                "FILE] [--node NAME]\n"
                "       hasan timeline merge [--json] [--window SEC] [FILE...|-]\n"
                "       hasan timeline [--json] [--since TIME] [--window SEC] [--directory DIR | "
                "--file FILE]\n"
                "The phases of the last failover from the nodes' journals (docs/timeline.md).\n"
                "TIME: -N[s|m|h|d], @EPOCH or YYYY-MM-DDTHH:MM:SS (UTC). --window: how far "
                "before\nthe import and after it to look (default %llu s).\n",
                (unsigned long long)(TIMELINE_WINDOW_USEC_DEFAULT / 1000000u));
}

/*
 * Parse the options that verb allows ("events", "merge" or "" for both
 * at once) into a. Returns optind (at least 1); or -1 after printing why,
 * or 0 after --help, with the exit code in *ret_exit.
 */
static int parse_args(const char *verb, int argc, char **argv, struct timeline_args *a,
                      int *ret_exit)
{
        static const struct option options[] = {
            {"json", no_argument, NULL, OPT_JSON},
            {"since", required_argument, NULL, OPT_SINCE},
            {"window", required_argument, NULL, OPT_WINDOW},
            {"directory", required_argument, NULL, OPT_DIRECTORY},
            {"file", required_argument, NULL, OPT_FILE},
            {"node", required_argument, NULL, OPT_NODE},
            {"help", no_argument, NULL, OPT_HELP},
            {},
        };
        bool reads_journal = strcmp(verb, "merge") != 0, merges = strcmp(verb, "events") != 0;
        uint32_t seconds;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0) {
                const char *misplaced = NULL; /* an option this form does not take */

                switch (c) {
                case OPT_JSON:
                        a->json = true;
                        break;
                case OPT_SINCE:
                        if (!reads_journal) {
                                misplaced = "--since";
                                break;
                        }
                        if (timeline_parse_since(optarg, realtime_usec(), &a->journal.since_usec) <
                            0) {
                                log_error("--since wants -N[s|m|h|d], @EPOCH or "
                                          "YYYY-MM-DDTHH:MM:SS, not '%s'",
                                          optarg);
                                *ret_exit = EXIT_USAGE;
                                return -1;
                        }
                        break;
                case OPT_WINDOW:
                        if (!merges) {
                                misplaced = "--window";
                                break;
                        }
                        if (safe_atou32(optarg, &seconds) < 0 || seconds == 0 || seconds > 86400) {
                                log_error("--window wants seconds from 1 to 86400, not '%s'",
                                          optarg);
                                *ret_exit = EXIT_USAGE;
                                return -1;
                        }
                        a->merge.window_usec = (uint64_t)seconds * 1000000u;
                        break;
                case OPT_DIRECTORY:
                case OPT_FILE:
                        if (!reads_journal) {
                                misplaced = c == OPT_FILE ? "--file" : "--directory";
                                break;
                        }
                        if (a->journal.file || a->journal.directory) {
                                log_error("give one of --directory and --file, once");
                                *ret_exit = EXIT_USAGE;
                                return -1;
                        }
                        if (c == OPT_FILE)
                                a->journal.file = optarg;
                        else
                                a->journal.directory = optarg;
                        break;
                case OPT_NODE:
                        if (strcmp(verb, "events") != 0) {
                                misplaced = "--node";
                                break;
                        }
                        a->journal.node = optarg;
                        break;
                case OPT_HELP:
                        usage(stdout);
                        *ret_exit = EXIT_OK;
                        return 0;
                default: /* getopt said what is wrong */
                        usage(stderr);
                        *ret_exit = EXIT_USAGE;
                        return -1;
                }
                if (misplaced) {
                        log_error("%s does not apply to 'hasan timeline%s%s'", misplaced,
                                  verb[0] ? " " : "", verb);
                        usage(stderr);
                        *ret_exit = EXIT_USAGE;
                        return -1;
                }
        }
        return optind;
}

static int verb_events(int argc, char **argv)
{
        struct timeline_args a = {0};
        struct timeline_events e = {0};
        int ec, ind = parse_args("events", argc, argv, &a, &ec);

        if (ind <= 0)
                return ec;
        if (ind < argc) {
                log_error("unrecognized argument '%s'", argv[ind]);
                usage(stderr);
                return EXIT_USAGE;
        }
        ec = read_events(&a, &e);
        if (ec == EXIT_OK) {
                if (a.json)
                        ec = print_json(timeline_events_to_json(&e));
                else {
                        print_events_text(&e);
                        ec = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
                }
        }
        timeline_events_clear(&e);
        return ec;
}

static int verb_merge(int argc, char **argv)
{
        struct timeline_args a = {0};
        struct timeline_events e = {0};
        int ec, ind = parse_args("merge", argc, argv, &a, &ec);

        if (ind <= 0)
                return ec;
        ec = EXIT_OK;
        if (ind == argc)
                ec = merge_input("-", &e);
        for (int i = ind; i < argc && ec == EXIT_OK; i++)
                ec = merge_input(argv[i], &e);
        if (ec == EXIT_OK) {
                timeline_events_sort(&e);
                ec = report_failover(&e, &a);
        }
        timeline_events_clear(&e);
        return ec;
}

static int verb_local(int argc, char **argv)
{
        struct timeline_args a = {0};
        struct timeline_events e = {0};
        int ec, ind = parse_args("", argc, argv, &a, &ec);

        if (ind <= 0)
                return ec;
        if (ind < argc) {
                log_error("unrecognized argument '%s'", argv[ind]);
                usage(stderr);
                return EXIT_USAGE;
        }
        ec = read_events(&a, &e);
        if (ec == EXIT_OK)
                ec = report_failover(&e, &a);
        timeline_events_clear(&e);
        return ec;
}

int cmd_timeline(int argc, char **argv)
{
        if (argc >= 2 && strcmp(argv[1], "events") == 0)
                return verb_events(argc - 1, argv + 1);
        if (argc >= 2 && strcmp(argv[1], "merge") == 0)
                return verb_merge(argc - 1, argv + 1);
        if (argc >= 2 && argv[1][0] != '-') {
                log_error("unknown timeline verb '%s' (events, merge, or options only)", argv[1]);
                usage(stderr);
                return EXIT_USAGE;
        }
        return verb_local(argc, argv);
}
