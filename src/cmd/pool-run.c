/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan pool is-imported [--config FILE] [POOL]
 *      Exit 0 when the pool (default: the description's) is imported on
 *      this node, 1 when not. For ExecCondition= of units that must act
 *      only where the pool is (sanoid).
 *
 * hasan pool vdev-conf [--config FILE] [--node NAME]
 *      Print /etc/zfs/vdev_id.conf for this node: an alias per disk of both
 *      storage nodes, so /dev/disk/by-vdev/<node>-<class><index> names the
 *      same disk on both (the local by-id disk on its own node, the LUN's
 *      by-path name on the peer).
 *
 * hasan pool scrub [--if-idle] [--quiet-hours HOURS] [--config FILE] [POOL]
 *      Start a scrub. With --if-idle (the monthly timer) do nothing, and
 *      exit 0, on the node that does not hold the pool, while a scrub or
 *      resilver runs, or within HOURS (default 24) of a resilver's end: a
 *      node that just rejoined resilvers first, and both compete for the
 *      same cross-node bandwidth.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "cmd/commands.h"
#include "cmd/pool-agent.h"
#include "lib/layout.h"
#include "lib/spec.h"
#include "lib/zpool.h"
#include "shared/log.h"
#include "shared/parse.h"

#define STATUS_TIMEOUT_MS 30000u
#define SCRUB_TIMEOUT_MS 30000u

/* The pool named on the command line, else the description's. */
static int pool_name(const char *config, const char *given, char *buf, size_t size)
{
        struct spec_problems problems = {0};
        struct spec *s = NULL;
        int r;

        if (given) {
                snprintf(buf, size, "%s", given);
                return 0;
        }
        r = spec_load_file(config, &s, &problems);
        if (r < 0)
                return log_error_errno(r, "cannot read %s: %s", config, strerror(-r));
        if (!s || !s->pool.name) {
                log_error("%s names no pool", config);
                r = -EINVAL;
        } else
                snprintf(buf, size, "%s", s->pool.name);
        spec_problems_clear(&problems);
        spec_free(s);
        return r;
}

int pool_verb_is_imported(int argc, char **argv)
{
        static const struct option options[] = {
            {"config", required_argument, NULL, 'c'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        const char *config = HASAN_CLUSTER_JSON;
        char pool[256];
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+c:h", options, NULL)) >= 0)
                switch (c) {
                case 'c':
                        config = optarg;
                        break;
                case 'h':
                        printf("usage: hasan pool is-imported [--config FILE] [POOL]\n");
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (argc - optind > 1) {
                log_error("is-imported takes at most one pool name");
                return EXIT_USAGE;
        }
        if (pool_name(config, argc > optind ? argv[optind] : NULL, pool, sizeof(pool)) < 0)
                return EXIT_FAIL;
        if (zpool_is_imported(pool)) {
                printf("%s is imported on this node\n", pool);
                return EXIT_OK;
        }
        printf("%s is not imported on this node\n", pool);
        return EXIT_FAIL;
}

int pool_verb_scrub(int argc, char **argv)
{
        static const struct option options[] = {
            {"if-idle", no_argument, NULL, 'i'},
            {"quiet-hours", required_argument, NULL, 'q'},
            {"config", required_argument, NULL, 'c'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        const char *config = HASAN_CLUSTER_JSON;
        struct zpool_status st = {0};
        uint32_t quiet_hours = 24;
        bool if_idle = false;
        char pool[256], why[512];
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+iq:c:h", options, NULL)) >= 0)
                switch (c) {
                case 'i':
                        if_idle = true;
                        break;
                case 'q':
                        if (safe_atou32(optarg, &quiet_hours) < 0 || quiet_hours > 24 * 365) {
                                log_error("--quiet-hours '%s' is not a number of hours", optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case 'c':
                        config = optarg;
                        break;
                case 'h':
                        printf("usage: hasan pool scrub [--if-idle] [--quiet-hours HOURS] "
                               "[--config FILE] [POOL]\n");
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        if (argc - optind > 1) {
                log_error("scrub takes at most one pool name");
                return EXIT_USAGE;
        }
        if (pool_name(config, argc > optind ? argv[optind] : NULL, pool, sizeof(pool)) < 0)
                return EXIT_FAIL;
        if (!zpool_is_imported(pool)) {
                printf("%s is not imported on this node: %s\n", pool,
                       if_idle ? "nothing to do" : "cannot scrub");
                return if_idle ? EXIT_OK : EXIT_FAIL;
        }
        if (if_idle) {
                r = zpool_status_read(pool, STATUS_TIMEOUT_MS, &st, why, sizeof(why));
                if (r < 0) {
                        log_error("cannot read the status of %s: %s", pool, why);
                        return EXIT_FAIL;
                }
                bool scanning = st.scan_state && strcmp(st.scan_state, "SCANNING") == 0;
                bool resilver = st.scan_function && strcmp(st.scan_function, "RESILVER") == 0;
                int64_t since = (int64_t)time(NULL) - st.scan_end;
                if (scanning) {
                        printf("%s: a %s is running: skipped\n", pool,
                               resilver ? "resilver" : "scrub");
                        zpool_status_clear(&st);
                        return EXIT_OK;
                }
                if (resilver && st.scan_end > 0 && since < (int64_t)quiet_hours * 3600) {
                        printf("%s: a resilver ended %lld min ago (less than %u h): skipped\n",
                               pool, (long long)since / 60, quiet_hours);
                        zpool_status_clear(&st);
                        return EXIT_OK;
                }
                zpool_status_clear(&st);
        }
        if (zpool_scrub(pool, SCRUB_TIMEOUT_MS, why, sizeof(why)) < 0) {
                log_error("cannot start a scrub of %s: %s", pool, why);
                return EXIT_FAIL;
        }
        printf("%s: scrub started\n", pool);
        return EXIT_OK;
}

/*
 * The options of the verbs that act for one node: --config and --node.
 * Returns -1 to go on (optind at the first operand), else the exit status.
 */
static int parse_node_options(int argc, char **argv, const char *usage, const char **config,
                              const char **node)
{
        static const struct option options[] = {
            {"config", required_argument, NULL, 'c'},
            {"node", required_argument, NULL, 'N'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+c:N:h", options, NULL)) >= 0)
                switch (c) {
                case 'c':
                        *config = optarg;
                        break;
                case 'N':
                        *node = optarg;
                        break;
                case 'h':
                        printf("usage: %s\n", usage);
                        return EXIT_OK;
                default:
                        return EXIT_USAGE;
                }
        return -1;
}

int pool_verb_tend(int argc, char **argv)
{
        static const char usage[] = "hasan pool tend [--config FILE] [--node NAME] POOL";
        const char *config = HASAN_CLUSTER_JSON, *node = NULL;
        int r = parse_node_options(argc, argv, usage, &config, &node);

        if (r >= 0)
                return r;
        if (optind + 1 != argc) {
                log_error("usage: %s", usage);
                return EXIT_USAGE;
        }
        return pool_tend(config, node, argv[optind]) < 0 ? EXIT_FAIL : EXIT_OK;
}

int pool_verb_vdev_conf(int argc, char **argv)
{
        const char *config = HASAN_CLUSTER_JSON, *node = NULL;
        struct spec_problems problems = {0};
        const struct spec_node *self;
        struct spec *s = NULL;
        char *text = NULL;
        int r;

        r = parse_node_options(argc, argv, "hasan pool vdev-conf [--config FILE] [--node NAME]",
                               &config, &node);
        if (r >= 0)
                return r;
        if (optind < argc) {
                log_error("unrecognized argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        r = spec_load_file(config, &s, &problems);
        if (r < 0) {
                log_error("cannot read %s: %s", config, strerror(-r));
                return EXIT_FAIL;
        }
        if (problems.n > 0) {
                log_error("%s is invalid: %s: %s", config, problems.items[0].path,
                          problems.items[0].message);
                spec_problems_clear(&problems);
                spec_free(s);
                return EXIT_USAGE;
        }
        r = layout_local_node(s, node, &self);
        if (r < 0) {
                log_error("%s is not a storage node of %s", node ? node : "this host", config);
                spec_free(s);
                return EXIT_FAIL;
        }
        r = layout_vdev_conf(s, self, &text);
        spec_free(s);
        if (r < 0) {
                log_error("cannot compose vdev_id.conf: %s", strerror(-r));
                return EXIT_FAIL;
        }
        fputs(text, stdout);
        free(text);
        return EXIT_OK;
}
