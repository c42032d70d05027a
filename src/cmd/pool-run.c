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
 * hasan pool status [--json] [--max-scrub-age DAYS] [--from FILE] [--config FILE] [--node NAME]
 *      Read-only. Whether the description's pool is imported on this
 *      storage node and, where it is, whether it is healthy: ONLINE, every
 *      mirror with an ONLINE local half and an ONLINE remote half (the
 *      peer's disk over iSCSI), no resilver running, and (with
 *      --max-scrub-age) a finished scrub at most DAYS old. Exit 0 when the
 *      pool is healthy or not imported here, 1 when it has problems (each
 *      printed, naming the vdev or device) or cannot be read, 2 on a usage
 *      error. verify.yml and os-upgrade.yml read the --json form.
 *
 * hasan pool scrub [--if-idle] [--quiet-hours HOURS] [--config FILE] [POOL]
 *      Start a scrub. With --if-idle (the monthly timer) do nothing, and
 *      exit 0, on the node that does not hold the pool, while a scrub or
 *      resilver runs, or within HOURS (default 24) of a resilver's end: a
 *      node that just rejoined resilvers first, and both compete for the
 *      same cross-node bandwidth.
 */
#include <errno.h>
#include <json-c/json.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "cmd/commands.h"
#include "cmd/pool-agent.h"
#include "lib/layout.h"
#include "lib/pool-health.h"
#include "lib/spec.h"
#include "lib/zpool.h"
#include "shared/fileio.h"
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

/*
 * Load the cluster description and find this host (or node) among its
 * storage nodes. Returns EXIT_OK with *ret_spec (the caller frees it) and
 * *ret_self set, or the exit code after saying what is wrong.
 */
static int load_local_node(const char *config, const char *node, struct spec **ret_spec,
                           const struct spec_node **ret_self)
{
        struct spec_problems problems = {0};
        struct spec *s = NULL;
        int r = spec_load_file(config, &s, &problems);

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
        if (layout_local_node(s, node, ret_self) < 0) {
                log_error("%s is not a storage node of %s", node ? node : "this host", config);
                spec_free(s);
                return EXIT_FAIL;
        }
        *ret_spec = s;
        return EXIT_OK;
}

int pool_verb_vdev_conf(int argc, char **argv)
{
        const char *config = HASAN_CLUSTER_JSON, *node = NULL;
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
        r = load_local_node(config, node, &s, &self);
        if (r != EXIT_OK)
                return r;
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

static json_object *json_string_or_null(const char *s)
{
        return s ? json_object_new_string(s) : NULL;
}

static json_object *json_lower(const char *s)
{
        char buf[32];
        size_t i = 0;

        if (!s)
                return NULL;
        for (; s[i] && i + 1 < sizeof(buf); i++)
                buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
        buf[i] = '\0';
        return json_object_new_string(buf);
}

/* st and h are NULL when the pool is not imported here. */
static void print_status_json(const char *pool, const char *node, const struct zpool_status *st,
                              const struct pool_health *h)
{
        json_object *o = json_object_new_object(), *problems = json_object_new_array();

        json_object_object_add(o, "pool", json_object_new_string(pool));
        json_object_object_add(o, "node", json_object_new_string(node));
        json_object_object_add(o, "imported", json_object_new_boolean(st != NULL));
        if (st) {
                json_object *scan = NULL, *mirrors = json_object_new_array();

                json_object_object_add(o, "state", json_object_new_string(st->state));
                json_object_object_add(o, "healthy", json_object_new_boolean(h->n_problems == 0));
                json_object_object_add(o, "resilvering", json_object_new_boolean(h->resilvering));
                json_object_object_add(o, "scrubbing", json_object_new_boolean(h->scrubbing));
                json_object_object_add(
                    o, "last_scrub_end",
                    h->last_scrub_end > 0 ? json_object_new_int64(h->last_scrub_end) : NULL);
                if (st->scan_function) {
                        scan = json_object_new_object();
                        json_object_object_add(scan, "function", json_lower(st->scan_function));
                        json_object_object_add(scan, "state", json_lower(st->scan_state));
                        json_object_object_add(scan, "start",
                                               json_object_new_int64(st->scan_start));
                        json_object_object_add(scan, "end", json_object_new_int64(st->scan_end));
                        json_object_object_add(scan, "examined",
                                               json_object_new_uint64(st->scan_examined));
                        json_object_object_add(scan, "to_examine",
                                               json_object_new_uint64(st->scan_to_examine));
                }
                json_object_object_add(o, "scan", scan);
                for (size_t i = 0; i < h->n_mirrors; i++) {
                        const struct pool_mirror *m = &h->mirrors[i];
                        json_object *jm = json_object_new_object(),
                                    *halves = json_object_new_array();

                        json_object_object_add(jm, "vdev", json_object_new_string(m->vdev));
                        json_object_object_add(jm, "class", json_string_or_null(m->vclass));
                        json_object_object_add(jm, "complete",
                                               json_object_new_boolean(m->complete));
                        for (size_t k = 0; k < m->n_halves; k++) {
                                json_object *x = json_object_new_object();

                                json_object_object_add(x, "device",
                                                       json_object_new_string(m->halves[k].device));
                                json_object_object_add(x, "node",
                                                       json_string_or_null(m->halves[k].node));
                                json_object_object_add(x, "half",
                                                       json_object_new_string(m->halves[k].side));
                                json_object_object_add(x, "state",
                                                       json_object_new_string(m->halves[k].state));
                                json_object_array_add(halves, x);
                        }
                        json_object_object_add(jm, "halves", halves);
                        json_object_array_add(mirrors, jm);
                }
                json_object_object_add(o, "mirrors", mirrors);
                for (size_t i = 0; i < h->n_problems; i++)
                        json_object_array_add(problems, json_object_new_string(h->problems[i]));
        }
        json_object_object_add(o, "problems", problems);
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
}

static void print_status_text(const char *pool, const char *node, const struct zpool_status *st,
                              const struct pool_health *h)
{
        size_t complete = 0;

        if (!st) {
                printf("%s is not imported on %s\n", pool, node);
                return;
        }
        for (size_t i = 0; i < h->n_mirrors; i++)
                complete += h->mirrors[i].complete;
        printf("%s on %s: %s, %zu of %zu mirrors with both halves ONLINE%s%s\n", pool, node,
               st->state, complete, h->n_mirrors, h->resilvering ? ", resilvering" : "",
               h->scrubbing ? ", scrubbing" : "");
        for (size_t i = 0; i < h->n_problems; i++)
                printf("problem: %s\n", h->problems[i]);
}

/* A saved `zpool status -j` output. Returns 0 or -errno (logged). */
static int status_from_file(const char *path, const char *pool, struct zpool_status *ret)
{
        char *text = NULL;
        size_t size;
        int r;

        r = read_full_file(path, &text, &size);
        if (r < 0)
                return log_error_errno(r, "cannot read %s", path);
        r = zpool_status_parse(text, pool, ret);
        free(text);
        if (r == -ENOENT)
                log_error("%s has no status of pool '%s'", path, pool);
        else if (r < 0)
                log_error("cannot parse %s as zpool status -j output: %s", path, strerror(-r));
        return r;
}

int pool_verb_status(int argc, char **argv)
{
        static const char usage[] = "hasan pool status [--json] [--max-scrub-age DAYS] "
                                    "[--from FILE] [--config FILE] [--node NAME]";
        static const struct option options[] = {
            {"json", no_argument, NULL, 'j'},
            {"max-scrub-age", required_argument, NULL, 'm'},
            {"from", required_argument, NULL, 'f'},
            {"config", required_argument, NULL, 'c'},
            {"node", required_argument, NULL, 'N'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        const char *config = HASAN_CLUSTER_JSON, *node = NULL, *from = NULL;
        const struct spec_node *self = NULL;
        struct zpool_status st = {0};
        struct pool_health h = {0};
        uint32_t max_scrub_age = 0;
        struct spec *s = NULL;
        bool json = false, imported;
        char why[512];
        int c, r, ret = EXIT_FAIL;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+jm:f:c:N:h", options, NULL)) >= 0)
                switch (c) {
                case 'j':
                        json = true;
                        break;
                case 'f':
                        from = optarg;
                        break;
                case 'm':
                        if (safe_atou32(optarg, &max_scrub_age) < 0 || max_scrub_age == 0 ||
                            max_scrub_age > 3650) {
                                log_error("invalid --max-scrub-age '%s': a number of days from 1 "
                                          "to 3650",
                                          optarg);
                                return EXIT_USAGE;
                        }
                        break;
                case 'c':
                        config = optarg;
                        break;
                case 'N':
                        node = optarg;
                        break;
                case 'h':
                        printf("usage: %s\n", usage);
                        return EXIT_OK;
                default:
                        fprintf(stderr, "usage: %s\n", usage);
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("unexpected argument '%s' for 'pool status'", argv[optind]);
                fprintf(stderr, "usage: %s\n", usage);
                return EXIT_USAGE;
        }

        r = load_local_node(config, node, &s, &self);
        if (r != EXIT_OK)
                return r;

        imported = from || zpool_is_imported(s->pool.name);
        if (from) {
                r = status_from_file(from, s->pool.name, &st);
                if (r < 0)
                        goto out;
        } else if (imported) {
                r = zpool_status_read(s->pool.name, STATUS_TIMEOUT_MS, &st, why, sizeof(why));
                if (r < 0) {
                        log_error("cannot read the status of pool '%s' on %s: %s", s->pool.name,
                                  self->name, why);
                        goto out;
                }
        }
        if (imported) {
                r = pool_health_assess(s, self, &st, (int64_t)time(NULL), max_scrub_age, &h);
                if (r < 0) {
                        log_error("cannot judge pool '%s': %s", s->pool.name, strerror(-r));
                        goto out;
                }
        }
        if (json)
                print_status_json(s->pool.name, self->name, imported ? &st : NULL, &h);
        else
                print_status_text(s->pool.name, self->name, imported ? &st : NULL, &h);
        ret = h.n_problems == 0 ? EXIT_OK : EXIT_FAIL;
out:
        pool_health_clear(&h);
        zpool_status_clear(&st);
        spec_free(s);
        return ret;
}
