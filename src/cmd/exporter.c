/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan exporter [--once] [--listen ADDR:PORT] [--config FILE] [--node NAME]
 *                [--collectors LIST] [--fence-interval SEC] [--fence-timeout SEC]
 *                [--zpool-timeout SEC] [--ipmi-lanplus yes|no] [--max-connections N]
 *                [--sysfs DIR] [--configfs DIR] [--zfs-kstat DIR]
 *                [--cred-store FILE] [--cred-key FILE]
 *                [--failover-since TIME] [--journal-file FILE]
 *
 * A Prometheus exporter: GET /metrics answers with the collectors' metrics
 * (lib/exporter.h), gathered while the request waits, plus each
 * collector's success and duration. Anything else gets 404 (another
 * path) or 405 (another method). Tells systemd when it is ready
 * (Type=notify) and pings its watchdog when one is set. --once prints one
 * scrape to stdout instead, and exits 1 when a collector failed.
 * Details: docs/exporter.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>
#include <microhttpd.h>
#include <systemd/sd-daemon.h>

#include "config.h"
#include "cmd/commands.h"
#include "lib/exporter.h"
#include "lib/layout.h"
#include "lib/timeline.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/time-util.h"
#include "shared/verbs.h"

#define EXPORTER_PORT 9665u
#define WHY_MAX 512
#define COLLECTORS_MAX 8

struct exporter;

struct collector {
        const char *name;
        int (*collect)(struct exporter *x, struct expo *e, char *why, size_t why_size);
};

struct fence_entry {
        const struct spec_node *node;
        struct exporter_fence state;
        bool checked;
        char why[WHY_MAX];
};

struct exporter {
        struct spec *spec;
        struct exporter_source src;
        const char *cred_store;
        const char *cred_key;
        unsigned fence_interval_s;
        unsigned fence_timeout_ms;
        bool ipmi_lanplus;
        unsigned enabled;                       /* bit per entry of collectors[] */
        char last_why[COLLECTORS_MAX][WHY_MAX]; /* each collector's last failure, "" */
        struct fence_entry *fences;
        size_t n_fences;
        uint64_t fence_checked_ms;
        const char *failover_since; /* --failover-since, as given */
        pthread_mutex_t lock;       /* one scrape at a time */
};

static int collect_pool(struct exporter *x, struct expo *e, char *why, size_t n)
{
        return exporter_collect_pool(e, &x->src, why, n);
}

static int collect_vdev(struct exporter *x, struct expo *e, char *why, size_t n)
{
        return exporter_collect_vdev(e, &x->src, why, n);
}

static int collect_backend(struct exporter *x, struct expo *e, char *why, size_t n)
{
        return exporter_collect_backend(e, &x->src, why, n);
}

static int collect_lio(struct exporter *x, struct expo *e, char *why, size_t n)
{
        return exporter_collect_lio(e, &x->src, why, n);
}

static double wall_seconds(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Query the fence devices when the last query is older than the interval. */
static int collect_fence(struct exporter *x, struct expo *e, char *why, size_t n)
{
        _cleanup_free_ struct exporter_fence *out = calloc(x->n_fences + 1, sizeof(*out));

        if (!out)
                return -ENOMEM;

        if (x->n_fences > 0 && (!x->fence_checked_ms ||
                                now_ms() - x->fence_checked_ms >= x->fence_interval_s * 1000ull)) {
                for (size_t i = 0; i < x->n_fences; i++) {
                        struct fence_entry *f = &x->fences[i];
                        char reason[WHY_MAX] = "";
                        int r = exporter_fence_probe(f->node->fencing, x->cred_store, x->cred_key,
                                                     x->fence_timeout_ms, x->ipmi_lanplus, reason,
                                                     sizeof(reason));
                        bool up = r > 0;

                        /* Say so when the answer changes, not at every query. */
                        if (!f->checked || up != f->state.up || strcmp(reason, f->why) != 0) {
                                if (up)
                                        log_info("fence device of '%s' (%s) answers", f->node->name,
                                                 f->state.method);
                                else
                                        log_warning("fence device of '%s' (%s) %s: %s",
                                                    f->node->name, f->state.method,
                                                    r < 0 ? "cannot be queried" : "does not answer",
                                                    reason);
                        }
                        snprintf(f->why, sizeof(f->why), "%s", reason);
                        f->state.up = up;
                        f->state.checked_at = wall_seconds();
                        f->checked = true;
                }
                x->fence_checked_ms = now_ms();
        }
        for (size_t i = 0; i < x->n_fences; i++)
                out[i] = x->fences[i].state;
        exporter_fence_metrics(e, out, x->n_fences, x->fence_interval_s);
        return 0;
}

/* The journal from --failover-since before now (relative times move with the clock). */
static int collect_failover(struct exporter *x, struct expo *e, char *why, size_t n)
{
        struct timespec ts;
        int r;

        clock_gettime(CLOCK_REALTIME, &ts);
        r = timeline_parse_since(x->failover_since,
                                 (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u,
                                 &x->src.failover_since_usec);
        if (r < 0) {
                snprintf(why, n, "cannot use --failover-since '%s'", x->failover_since);
                return r;
        }
        return exporter_collect_failover(e, &x->src, why, n);
}

static const struct collector collectors[] = {
    {"pool", collect_pool}, {"vdev", collect_vdev},   {"backend", collect_backend},
    {"lio", collect_lio},   {"fence", collect_fence}, {"failover", collect_failover},
};
_Static_assert(ELEMENTSOF(collectors) <= COLLECTORS_MAX, "COLLECTORS_MAX is too small");

/* One scrape: every enabled collector, then their success and duration. */
static int scrape(struct exporter *x, char **ret, size_t *ret_size, size_t *ret_failed)
{
        struct expo all;
        bool ok[ELEMENTSOF(collectors)] = {false};
        double seconds[ELEMENTSOF(collectors)] = {0};
        size_t failed = 0;
        int r;

        r = expo_open(&all);
        if (r < 0)
                return r;
        pthread_mutex_lock(&x->lock);
        for (size_t i = 0; i < ELEMENTSOF(collectors); i++) {
                struct expo one;
                char why[WHY_MAX] = "", *text = NULL;
                size_t size = 0;
                uint64_t t0 = now_ms();

                if (!(x->enabled & (1u << i)))
                        continue;
                r = expo_open(&one);
                if (r >= 0)
                        r = collectors[i].collect(x, &one, why, sizeof(why));
                if (r >= 0)
                        r = expo_finish(&one, &text, &size);
                else
                        expo_discard(&one);
                seconds[i] = (double)(now_ms() - t0) / 1000.0;
                ok[i] = r >= 0;
                if (r < 0) {
                        failed++;
                        if (!why[0])
                                snprintf(why, sizeof(why), "%s", strerror(-r));
                        if (strcmp(why, x->last_why[i]) != 0)
                                log_warning("collector '%s' failed: %s", collectors[i].name, why);
                } else if (x->last_why[i][0])
                        log_info("collector '%s' works again", collectors[i].name);
                snprintf(x->last_why[i], sizeof(x->last_why[i]), "%s", r < 0 ? why : "");
                if (text)
                        expo_append(&all, text, size);
                free(text);
        }
        pthread_mutex_unlock(&x->lock);

        expo_family(&all, "hasan_scrape_collector_success", "gauge",
                    "1 when the collector gathered its metrics in this scrape, 0 when it failed "
                    "(its metrics are left out then; the exporter's log says why).");
        for (size_t i = 0; i < ELEMENTSOF(collectors); i++)
                if (x->enabled & (1u << i))
                        expo_gauge(&all, ok[i] ? 1 : 0,
                                   EXPO_LABELS("collector", collectors[i].name));
        expo_family(&all, "hasan_scrape_collector_duration_seconds", "gauge",
                    "How long the collector took in this scrape.");
        for (size_t i = 0; i < ELEMENTSOF(collectors); i++)
                if (x->enabled & (1u << i))
                        expo_gauge(&all, seconds[i], EXPO_LABELS("collector", collectors[i].name));
        expo_family(&all, "hasan_exporter_build_info", "gauge",
                    "The hasan version serving these metrics (always 1).");
        expo_gauge(&all, 1, EXPO_LABELS("version", HASAN_VERSION));
        if (ret_failed)
                *ret_failed = failed;
        return expo_finish(&all, ret, ret_size);
}

static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned status, const char *text,
                                    const char *allow)
{
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
        enum MHD_Result ret;

        if (!resp)
                return MHD_NO;
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
        if (allow)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
        ret = MHD_queue_response(c, status, resp);
        MHD_destroy_response(resp);
        return ret;
}

static enum MHD_Result handle_request(void *cls, struct MHD_Connection *c, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **req_cls)
{
        struct exporter *x = cls;
        struct MHD_Response *resp;
        char *text = NULL;
        size_t size = 0;
        enum MHD_Result ret;
        int r;

        if (strcmp(url, "/metrics") != 0)
                return respond_text(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n", NULL);
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
                return respond_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n",
                                    "GET, HEAD");
        r = scrape(x, &text, &size, NULL);
        if (r < 0) {
                log_error("cannot build the metrics: %s", strerror(-r));
                return respond_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot build the metrics\n",
                                    NULL);
        }
        resp = MHD_create_response_from_buffer(size, text, MHD_RESPMEM_MUST_FREE);
        if (!resp) {
                free(text);
                return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, EXPO_CONTENT_TYPE);
        ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
        MHD_destroy_response(resp);
        return ret;
}

/* "ADDR:PORT" or "[ADDR6]:PORT", numeric only. Returns 0 or -EINVAL. */
static int parse_listen(const char *text, struct sockaddr_storage *ret, socklen_t *ret_len)
{
        char host[INET6_ADDRSTRLEN + 2];
        const char *colon = strrchr(text, ':'), *h = text;
        size_t hlen;
        struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                                 .ai_socktype = SOCK_STREAM},
                        *ai = NULL;
        uint32_t port;

        if (!colon || safe_atou32(colon + 1, &port) < 0 || port == 0 || port > 65535)
                return -EINVAL;
        hlen = (size_t)(colon - text);
        if (hlen >= 2 && text[0] == '[' && text[hlen - 1] == ']') {
                h = text + 1;
                hlen -= 2;
        }
        if (hlen == 0 || hlen >= sizeof(host))
                return -EINVAL;
        memcpy(host, h, hlen);
        host[hlen] = '\0';
        if (getaddrinfo(host, colon + 1, &hints, &ai) != 0 || !ai)
                return -EINVAL;
        memcpy(ret, ai->ai_addr, ai->ai_addrlen);
        *ret_len = ai->ai_addrlen;
        freeaddrinfo(ai);
        return 0;
}

static int parse_collectors(const char *list, unsigned *ret)
{
        _cleanup_free_ char *copy = strdup(list);
        char *save = NULL;
        unsigned mask = 0;

        if (!copy)
                return -ENOMEM;
        for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
                size_t i = 0;

                while (i < ELEMENTSOF(collectors) && strcmp(collectors[i].name, name) != 0)
                        i++;
                if (i == ELEMENTSOF(collectors)) {
                        log_error("unknown collector '%s' (known: pool, vdev, backend, lio, "
                                  "fence, failover)",
                                  name);
                        return -EINVAL;
                }
                mask |= 1u << i;
        }
        *ret = mask;
        return 0;
}

static int parse_seconds(const char *opt, const char *text, unsigned max, unsigned *ret)
{
        uint32_t v;

        if (safe_atou32(text, &v) < 0 || v == 0 || v > max) {
                log_error("%s wants a whole number of seconds from 1 to %u, not '%s'", opt, max,
                          text);
                return -EINVAL;
        }
        *ret = v;
        return 0;
}

static void usage(FILE *f)
{
        fprintf(
            f,
            "usage: hasan exporter [--once] [--listen ADDR:PORT] [--config FILE] [--node NAME]\n"
            "                      [--collectors pool,vdev,backend,lio,fence,failover]\n"
            "                      [--fence-interval SEC] [--fence-timeout SEC] "
            "[--zpool-timeout SEC]\n"
            "                      [--ipmi-lanplus yes|no] [--max-connections N]\n"
            "                      [--sysfs DIR] [--configfs DIR] [--zfs-kstat DIR]\n"
            "                      [--cred-store FILE] [--cred-key FILE]\n"
            "                      [--failover-since TIME] [--journal-file FILE]\n"
            "Serve the cluster's metrics on http://ADDR:PORT/metrics (default: this node's\n"
            "management address, port %u), or print them once (--once).\n",
            EXPORTER_PORT);
}

struct exporter_options {
        const char *config;
        const char *node;
        const char *listen;
        bool once;
        unsigned max_connections;
        unsigned zpool_timeout_s;
};

/* Load the description and find this node; fill x and the default listen address. */
static int setup(struct exporter *x, const struct exporter_options *o, char *listen,
                 size_t listen_size)
{
        struct spec_problems problems = {0};
        const struct spec_node *me;
        const struct spec_address *mgmt;
        int r;

        r = spec_load_file(o->config, &x->spec, &problems);
        if (r < 0)
                return log_error_errno(r, "cannot read the cluster description '%s'", o->config);
        if (problems.n > 0) {
                log_error("cannot use the cluster description '%s': %s: %s", o->config,
                          problems.items[0].path, problems.items[0].message);
                spec_problems_clear(&problems);
                return -EINVAL;
        }
        r = layout_this_node(x->spec, o->node, &me);
        if (r == -ENOENT)
                return log_error_errno(r, "cannot find node '%s' in '%s' (use --node)",
                                       o->node ? o->node : "of this host name", o->config);
        if (r < 0)
                return log_error_errno(r, "cannot tell which node this is");
        x->src.spec = x->spec;
        x->src.self = me->role == NODE_ROLE_STORAGE ? me : NULL;
        x->src.zpool_timeout_ms = o->zpool_timeout_s * 1000u;

        for (size_t i = 0; i < x->spec->n_nodes; i++)
                if (x->spec->nodes[i].fencing)
                        x->n_fences++;
        x->fences = calloc(x->n_fences ? x->n_fences : 1, sizeof(*x->fences));
        if (!x->fences)
                return log_error_errno(-ENOMEM, "cannot set up the fence devices");
        x->n_fences = 0;
        for (size_t i = 0; i < x->spec->n_nodes; i++) {
                const struct spec_node *n = &x->spec->nodes[i];

                if (!n->fencing)
                        continue;
                x->fences[x->n_fences++] = (struct fence_entry){
                    .node = n,
                    .state = {.node = n->name,
                              .method = fence_method_to_string(n->fencing->method)},
                };
        }

        if (o->listen) {
                snprintf(listen, listen_size, "%s", o->listen);
                return 0;
        }
        mgmt = spec_node_address(me, "management");
        if (!mgmt || !mgmt->ip.set)
                return log_error_errno(-EADDRNOTAVAIL,
                                       "node '%s' has no management address to listen on "
                                       "(use --listen)",
                                       me->name);
        {
                char ip[16];

                format_ipv4(mgmt->ip.addr, ip);
                snprintf(listen, listen_size, "%s:%u", ip, EXPORTER_PORT);
        }
        return 0;
}

static int run_once(struct exporter *x)
{
        char *text = NULL;
        size_t size = 0, failed = 0;
        int r = scrape(x, &text, &size, &failed);

        if (r < 0) {
                log_error_errno(r, "cannot build the metrics");
                return EXIT_FAIL;
        }
        fwrite(text, 1, size, stdout);
        free(text);
        if (fflush(stdout) != 0) {
                log_error("cannot write the metrics to stdout");
                return EXIT_FAIL;
        }
        if (failed > 0) {
                log_error("%zu collector%s failed", failed, failed == 1 ? "" : "s");
                return EXIT_FAIL;
        }
        return EXIT_OK;
}

static int serve(struct exporter *x, const char *listen, unsigned max_connections)
{
        struct sockaddr_storage sa;
        socklen_t sa_len = 0;
        struct MHD_Daemon *d;
        uint64_t watchdog_usec = 0;
        sigset_t mask;
        int sig = 0;

        if (parse_listen(listen, &sa, &sa_len) < 0) {
                log_error("cannot listen on '%s': not ADDR:PORT with a numeric address", listen);
                return EXIT_USAGE;
        }
        /* Every thread, the server's included, leaves these signals to sigtimedwait(). */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &mask, NULL);

        d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                                 (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
                             0, NULL, NULL, handle_request, x, MHD_OPTION_SOCK_ADDR, &sa,
                             MHD_OPTION_CONNECTION_LIMIT, max_connections,
                             MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                             (size_t)64 * 1024, MHD_OPTION_END);
        if (!d) {
                log_error("cannot listen on %s: %s", listen, strerror(errno ? errno : EADDRINUSE));
                return EXIT_FAIL;
        }
        log_info("serving metrics on http://%s/metrics", listen);
        (void)sd_notifyf(0, "READY=1\nSTATUS=serving metrics on %s", listen);
        if (sd_watchdog_enabled(0, &watchdog_usec) <= 0)
                watchdog_usec = 0;

        while (sig <= 0) {
                uint64_t tick = watchdog_usec ? watchdog_usec / 2 : 3600ull * 1000000;
                struct timespec ts = {.tv_sec = (time_t)(tick / 1000000),
                                      .tv_nsec = (long)(tick % 1000000) * 1000};

                sig = sigtimedwait(&mask, NULL, &ts);
                if (sig < 0 && errno != EAGAIN && errno != EINTR) {
                        log_error_errno(-errno, "cannot wait for signals");
                        break;
                }
                if (watchdog_usec)
                        (void)sd_notify(0, "WATCHDOG=1");
        }
        (void)sd_notify(0, "STOPPING=1");
        log_info("stopping");
        MHD_stop_daemon(d);
        return sig > 0 ? EXIT_OK : EXIT_FAIL;
}

int cmd_exporter(int argc, char **argv)
{
        static const struct option options[] = {
            {"once", no_argument, NULL, '1'},
            {"listen", required_argument, NULL, 'l'},
            {"config", required_argument, NULL, 'c'},
            {"node", required_argument, NULL, 'N'},
            {"collectors", required_argument, NULL, 'C'},
            {"fence-interval", required_argument, NULL, 'i'},
            {"fence-timeout", required_argument, NULL, 't'},
            {"zpool-timeout", required_argument, NULL, 'z'},
            {"ipmi-lanplus", required_argument, NULL, 'L'},
            {"max-connections", required_argument, NULL, 'm'},
            {"sysfs", required_argument, NULL, 's'},
            {"configfs", required_argument, NULL, 'f'},
            {"zfs-kstat", required_argument, NULL, 'k'},
            {"cred-store", required_argument, NULL, 'S'},
            {"cred-key", required_argument, NULL, 'K'},
            {"failover-since", required_argument, NULL, 'F'},
            {"journal-file", required_argument, NULL, 'J'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        struct exporter_options o = {
            .config = HASAN_CLUSTER_JSON,
            .max_connections = 8,
            .zpool_timeout_s = 5,
        };
        struct exporter x = {
            .cred_store = HASAN_CRED_STORE,
            .cred_key = HASAN_CRED_KEY,
            .fence_interval_s = 60,
            .fence_timeout_ms = 3000,
            .ipmi_lanplus = true,
            .failover_since = "-30d",
            .enabled = (1u << ELEMENTSOF(collectors)) - 1,
        };
        char listen[128];
        unsigned seconds;
        int c, ec;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case '1':
                        o.once = true;
                        break;
                case 'l':
                        o.listen = optarg;
                        break;
                case 'c':
                        o.config = optarg;
                        break;
                case 'N':
                        o.node = optarg;
                        break;
                case 'C':
                        if (parse_collectors(optarg, &x.enabled) < 0)
                                return EXIT_USAGE;
                        break;
                case 'i':
                        if (parse_seconds("--fence-interval", optarg, 86400, &x.fence_interval_s) <
                            0)
                                return EXIT_USAGE;
                        break;
                case 't':
                        if (parse_seconds("--fence-timeout", optarg, 60, &seconds) < 0)
                                return EXIT_USAGE;
                        x.fence_timeout_ms = seconds * 1000u;
                        break;
                case 'z':
                        if (parse_seconds("--zpool-timeout", optarg, 60, &o.zpool_timeout_s) < 0)
                                return EXIT_USAGE;
                        break;
                case 'L':
                        if (strcmp(optarg, "yes") != 0 && strcmp(optarg, "no") != 0) {
                                log_error("--ipmi-lanplus wants yes or no, not '%s'", optarg);
                                return EXIT_USAGE;
                        }
                        x.ipmi_lanplus = strcmp(optarg, "yes") == 0;
                        break;
                case 'm':
                        if (parse_seconds("--max-connections", optarg, 1024, &o.max_connections) <
                            0)
                                return EXIT_USAGE;
                        break;
                case 's':
                        x.src.sysfs = optarg;
                        break;
                case 'f':
                        x.src.lio_root = optarg;
                        break;
                case 'k':
                        x.src.zfs_kstat = optarg;
                        break;
                case 'S':
                        x.cred_store = optarg;
                        break;
                case 'K':
                        x.cred_key = optarg;
                        break;
                case 'F': {
                        uint64_t since;

                        /* Checked here; each scrape parses it again against its own now. */
                        if (timeline_parse_since(optarg, UINT64_MAX / 2, &since) < 0) {
                                log_error("--failover-since wants -N[s|m|h|d], @EPOCH or "
                                          "YYYY-MM-DDTHH:MM:SS, not '%s'",
                                          optarg);
                                return EXIT_USAGE;
                        }
                        x.failover_since = optarg;
                        break;
                }
                case 'J':
                        x.src.journal_file = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                default:
                        usage(stderr);
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("unrecognized argument '%s'", argv[optind]);
                usage(stderr);
                return EXIT_USAGE;
        }

        pthread_mutex_init(&x.lock, NULL);
        if (setup(&x, &o, listen, sizeof(listen)) < 0)
                ec = EXIT_FAIL;
        else if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                log_error("cannot initialize libcurl for the fence devices' queries");
                ec = EXIT_FAIL;
        } else {
                ec = o.once ? run_once(&x) : serve(&x, listen, o.max_connections);
                curl_global_cleanup();
        }
        pthread_mutex_destroy(&x.lock);
        free(x.fences);
        spec_free(x.spec);
        return ec;
}
