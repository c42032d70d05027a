/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan pool plan [--json] [--wipe] [--config FILE] [--node NAME]
 *      Look at this node's disks and the peer's LUNs as the description
 *      pairs them, and print the pairs (sizes, signatures), every problem
 *      and the exact commands "create" would run. Changes nothing. Exit 0
 *      when the plan is clean, 1 when it has problems, 2 on a usage error
 *      or an invalid description.
 *
 * hasan pool create --yes [--wipe] [--config FILE] [--node NAME]
 *      Check again, then (with --wipe) erase every signature on the
 *      devices, create the pool, its datasets, and export it so Pacemaker
 *      can import it. If a step after zpool create fails, destroy the new
 *      pool again. Without --yes, say what would be done and exit 2.
 *
 *   -c, --config FILE  the cluster description (default /etc/hasan/cluster.json)
 *   --node NAME        the local storage node (default: this host's short name)
 *   --wipe             erase the signatures on the devices (destroys what they hold)
 *   -y, --yes          really create the pool
 *   --json             plan: print the plan as JSON on stdout
 *   -h, --help         print this help to stdout
 *
 * Every child process runs through spawn_run() with a time limit:
 * zpool create 120 s, each zfs create 60 s, zpool export and destroy 60 s.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "cmd/pool-agent.h"
#include "config.h"
#include "lib/layout.h"
#include "lib/pool-plan.h"
#include "lib/spec.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/spawn.h"
#include "shared/verbs.h"
#include "shared/time-util.h"

static struct {
        const char *config;
        const char *node;
        bool json;
        bool wipe;
        bool yes;
} arg;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
        interrupted = sig;
}

/* While the pool is being made, a signal stops after the current step and rolls back. */
static void catch_signals(void)
{
        struct sigaction sa = {.sa_handler = on_signal};

        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
}

/* ---- loading ------------------------------------------------------------------------------- */

/* Load the description and lay out the pool. Returns an EXIT_* code. */
static int prepare(const char *verb, struct spec **ret_spec, struct pool_facts *ret_facts)
{
        struct spec_problems problems = {0};
        const struct spec_node *local = NULL;
        struct spec *s = NULL;
        int r;

        r = spec_load_file(arg.config, &s, &problems);
        if (r < 0) {
                log_error_errno(r, "cannot %s the pool: cannot read cluster description '%s'", verb,
                                arg.config);
                return EXIT_FAIL;
        }
        if (problems.n > 0) {
                spec_problems_print(&problems, stderr);
                log_error("cannot %s the pool: the cluster description '%s' has %zu problem%s",
                          verb, arg.config, problems.n, problems.n == 1 ? "" : "s");
                spec_problems_clear(&problems);
                spec_free(s);
                return EXIT_USAGE;
        }

        r = layout_local_node(s, arg.node, &local);
        if (r == -ENOENT || r == -EMEDIUMTYPE) {
                char host[256] = "";
                const char *name = arg.node;
                if (!name) {
                        gethostname(host, sizeof(host) - 1);
                        host[strcspn(host, ".")] = '\0';
                        name = host;
                }
                if (r == -ENOENT)
                        log_error("cannot %s the pool: '%s' is not a node of '%s'", verb, name,
                                  arg.config);
                else
                        log_error("cannot %s the pool: '%s' is a quorum node; the pool lives on "
                                  "the storage nodes",
                                  verb, name);
                if (!arg.node)
                        fprintf(stderr, "name this node's entry with --node NAME\n");
                spec_free(s);
                return arg.node ? EXIT_USAGE : EXIT_FAIL;
        }
        if (r < 0) {
                log_error_errno(r, "cannot %s the pool: cannot tell this node's name", verb);
                spec_free(s);
                return EXIT_FAIL;
        }

        r = pool_facts_layout(s, local, ret_facts);
        if (r < 0) {
                log_error_errno(r, "cannot %s pool '%s': cannot pair %s's disks with its peer's",
                                verb, s->pool.name, local->name);
                spec_free(s);
                return EXIT_FAIL;
        }
        *ret_spec = s;
        return EXIT_OK;
}

/* Discover, check and compose. *ret_commands stays empty when the pairing cannot be composed. */
static int evaluate(const char *verb, const struct spec *s, struct pool_facts *f,
                    struct pool_problems *problems, struct pool_commands *ret_commands)
{
        unsigned flags = arg.wipe ? POOL_PLAN_WIPE : 0;
        int r;

        r = pool_discover(f, NULL);
        if (r == 0)
                r = pool_plan_check(f, &s->pool, flags, problems);
        if (r == 0) {
                r = pool_plan_commands(&s->pool, f, ret_commands);
                if (r == -EINVAL)
                        r = 0; /* the problems say why */
        }
        if (r < 0)
                return log_error_errno(r, "cannot %s pool '%s'", verb, f->pool);
        return 0;
}

/* ---- printing ------------------------------------------------------------------------------ */

static void print_device(FILE *out, const char *node, const struct blockdev_info *b)
{
        _cleanup_free_ char *sigs = NULL;

        fprintf(out, "%-10s %s\n%-10s ", node, b->path, "");
        if (!b->exists)
                fprintf(out, "missing\n");
        else if (b->error)
                fprintf(out, "cannot examine (%s): %s\n", b->failed_step ? b->failed_step : "probe",
                        strerror(-b->error));
        else if (!b->is_block)
                fprintf(out, "%s, not a block device\n", b->resolved ? b->resolved : "?");
        else {
                fprintf(out, "%s, %" PRIu64 " bytes%s", b->resolved, b->size,
                        b->busy ? ", in use" : "");
                if (b->n_signatures == 0)
                        fprintf(out, ", no signature\n");
                else if (blockdev_signatures_describe(b, &sigs) == 0)
                        fprintf(out, ", carries %s\n", sigs);
                else
                        fprintf(out, ", %zu signatures\n", b->n_signatures);
        }
}

static void print_zfs_fact(FILE *out, const char *label, const struct pool_zfs_fact *z)
{
        if (z->error)
                fprintf(out, "%-18s unknown: %s\n", label, z->error);
        else if (z->yes)
                fprintf(out, "%-18s yes (%s)\n", label, z->detail ? z->detail : "");
        else
                fprintf(out, "%-18s no\n", label);
}

static void print_commands(FILE *out, const struct pool_commands *c, const char *indent)
{
        for (size_t i = 0; i < c->n; i++) {
                _cleanup_free_ char *line = NULL;
                if (pool_command_to_string(&c->items[i], &line) < 0)
                        fprintf(out, "%s(out of memory)\n", indent);
                else
                        fprintf(out, "%s%s\n", indent, line);
        }
}

static void print_problems(FILE *out, const struct pool_problems *p)
{
        for (size_t i = 0; i < p->n; i++)
                fprintf(out, "  %s: %s\n", p->items[i].object, p->items[i].message);
}

static void print_plan(const struct pool_facts *f, const struct pool_problems *problems,
                       const struct pool_commands *commands)
{
        size_t n = f->n_local > f->n_remote ? f->n_local : f->n_remote;

        printf("pool '%s': %s's disks mirrored with %s's LUNs\n", f->pool, f->node, f->peer);
        for (size_t i = 0; i < n; i++) {
                const struct pool_device *any = i < f->n_local ? &f->local[i] : &f->remote[i];
                printf("\n%s mirror %u:\n", disk_class_to_string(any->class), any->class_index);
                if (i < f->n_local)
                        print_device(stdout, f->node, &f->local[i].dev);
                if (i < f->n_remote)
                        print_device(stdout, f->peer, &f->remote[i].dev);
        }
        for (size_t i = 0; i < f->n_extra_luns; i++)
                printf("\nunexpected LUN:\n%-10s %s\n", f->peer, f->extra_luns[i]);

        printf("\n");
        if (f->hostid_error == 0)
                printf("%-18s %08" PRIx32 " (%s)\n", "hostid", f->hostid, f->hostid_file);
        else
                printf("%-18s unknown (%s)\n", "hostid", f->hostid_file);
        print_zfs_fact(stdout, "imported here", &f->imported);
        print_zfs_fact(stdout, "on the disks", &f->importable);

        if (problems->n > 0) {
                printf("\nproblems:\n");
                print_problems(stdout, problems);
        }
        if (commands->n > 0) {
                printf("\ncommands%s:\n", arg.wipe ? " (after wiping the signatures above)" : "");
                print_commands(stdout, commands, "  ");
        }
        printf("\n");
        if (problems->n > 0)
                printf("%zu problem%s: nothing can be created until %s fixed\n", problems->n,
                       problems->n == 1 ? "" : "s", problems->n == 1 ? "it is" : "they are");
        else
                printf("the plan is clean: 'hasan pool create --yes%s' runs these commands\n",
                       arg.wipe ? " --wipe" : "");
}

static int print_json(const struct pool_facts *f, const struct pool_problems *problems,
                      const struct pool_commands *commands)
{
        json_object *o = NULL;
        int r = pool_plan_to_json(f, problems, commands->n > 0 ? commands : NULL,
                                  arg.wipe ? POOL_PLAN_WIPE : 0, &o);

        if (r < 0)
                return log_error_errno(r, "cannot print the plan of pool '%s'", f->pool);
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return 0;
}

static bool parse_options(int argc, char **argv, const char *shortopts,
                          const struct option *options, int *ret_exit);

/* ---- plan ---------------------------------------------------------------------------------- */

static int verb_plan(int argc, char **argv)
{
        static const struct option options[] = {
            {"config", required_argument, NULL, 'c'}, {"node", required_argument, NULL, 'N'},
            {"wipe", no_argument, NULL, 'W'},         {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},         {},
        };
        struct pool_problems problems = {0};
        struct pool_commands commands = {0};
        struct pool_facts f = {0};
        struct spec *s = NULL;
        int r;

        if (!parse_options(argc, argv, "c:h", options, &r))
                return r;
        r = prepare("plan", &s, &f);
        if (r != EXIT_OK)
                return r;
        r = evaluate("plan", s, &f, &problems, &commands) < 0 ? EXIT_FAIL : EXIT_OK;
        if (r == EXIT_OK) {
                if (arg.json)
                        r = print_json(&f, &problems, &commands) < 0 ? EXIT_FAIL : EXIT_OK;
                else
                        print_plan(&f, &problems, &commands);
        }
        if (r == EXIT_OK && problems.n > 0)
                r = EXIT_FAIL;
        pool_commands_clear(&commands);
        pool_problems_clear(&problems);
        pool_facts_clear(&f);
        spec_free(s);
        return r;
}

/* ---- create -------------------------------------------------------------------------------- */

/* Run one command, saying what runs and how it ended. Returns 0 when it succeeded. */
static int run_command(const struct pool_command *c)
{
        struct spawn_options o = {.timeout_ms = c->timeout_ms};
        struct spawn_result res = {0};
        _cleanup_free_ char *line = NULL;
        char how[64], first[512];
        uint64_t t0 = now_ms();
        int r;

        r = pool_command_to_string(c, &line);
        if (r < 0)
                return log_error_errno(r, "cannot run a %s step", pool_step_to_string(c->step));
        printf("+ %s\n", line);
        fflush(stdout);
        r = spawn_run(c->argv, &o, &res);
        if (r < 0 && r != -ETIMEDOUT)
                return log_error_errno(r, "cannot run '%s'", c->argv[0]);
        if (spawn_result_success(&res)) {
                printf("  done in %.1f s\n", (double)(now_ms() - t0) / 1000.0);
                spawn_result_clear(&res);
                return 0;
        }
        spawn_result_describe(&res, how, sizeof(how));
        spawn_result_first_line(&res, first, sizeof(first));
        if (res.timed_out)
                snprintf(how, sizeof(how), "did not finish within %u s", c->timeout_ms / 1000u);
        log_error("  failed: %s %s%s%s", c->argv[0], how, first[0] ? ": " : "", first);
        spawn_result_clear(&res);
        return r < 0 ? r : -EIO;
}

/* ---- the runner pool_run() drives: spawn, print, and answer its questions */

static int runner_run(const struct pool_command *c, void *userdata)
{
        if (c->step == POOL_STEP_DESTROY)
                fprintf(stderr, "rolling back: destroying the pool this run created\n");
        return run_command(c);
}

static bool runner_stop_requested(void *userdata)
{
        const char *pool = userdata;

        if (interrupted)
                log_error("cannot go on creating pool '%s': interrupted by signal %d", pool,
                          (int)interrupted);
        return interrupted != 0;
}

static int runner_pool_exists(const char *pool, void *userdata)
{
        struct pool_zfs_fact z = {0};
        int r = pool_look_imported(pool, NULL, &z);

        if (r < 0)
                return log_error_errno(r, "cannot tell whether zpool create left pool '%s' behind",
                                       pool);
        if (z.error) {
                log_error("cannot tell whether zpool create left pool '%s' behind: %s", pool,
                          z.error);
                r = -EIO;
        } else
                r = z.yes;
        pool_zfs_fact_clear(&z);
        return r;
}

/* Say what the run left behind. Returns an EXIT_* code. */
static int report_outcome(const struct pool_facts *f, const struct pool_commands *c,
                          const struct pool_run_result *res)
{
        const struct pool_commands done = {c->items, res->done};
        const struct pool_commands rest = {c->items + res->done, c->n - res->done};

        switch (res->outcome) {
        case POOL_OUTCOME_CREATED:
                printf("pool '%s' created on %s and exported: Pacemaker can import it now\n",
                       f->pool, f->node);
                return EXIT_OK;
        case POOL_OUTCOME_NOTHING:
                fprintf(stderr, "nothing was created: pool '%s' does not exist%s\n", f->pool,
                        arg.wipe ? " (the signatures on its devices were wiped)" : "");
                break;
        case POOL_OUTCOME_ROLLED_BACK:
                fprintf(stderr,
                        "rolled back: pool '%s' was destroyed; nothing this run created is left "
                        "but the destroyed pool's labels on the disks. Fix the cause, then run "
                        "'hasan pool create --yes --wipe' to start again.\n",
                        f->pool);
                break;
        case POOL_OUTCOME_LEFT_BEHIND:
                log_error("cannot roll back: pool '%s' is still imported on %s", f->pool, f->node);
                if (res->done > 0) {
                        fprintf(stderr, "these steps were done:\n");
                        print_commands(stderr, &done, "  ");
                        fprintf(stderr, "these were not:\n");
                        print_commands(stderr, &rest, "  ");
                        fprintf(stderr, "finish them by hand, or ");
                }
                fprintf(stderr, "destroy the pool by hand: zpool destroy -f %s\n", f->pool);
                break;
        default:
                fprintf(stderr,
                        "check with 'zpool list %s'; if it is there, this run made it: "
                        "destroy it with 'zpool destroy -f %s'\n",
                        f->pool, f->pool);
                break;
        }
        return EXIT_FAIL;
}

static int wipe_device(const struct blockdev_info *b)
{
        _cleanup_free_ char *sigs = NULL;
        struct blockdev_info again = {0};
        unsigned wiped = 0;
        int r;

        if (blockdev_signatures_describe(b, &sigs) < 0)
                return log_error_errno(-ENOMEM, "cannot wipe '%s'", b->path);
        printf("wiping %s (%s): %s\n", b->path, b->resolved, sigs);
        r = blockdev_wipe(b->path, 0, &wiped);
        if (r == -EBUSY)
                return log_error_errno(r, "cannot wipe '%s': it is in use", b->path);
        if (r < 0)
                return log_error_errno(r, "cannot wipe '%s'", b->path);

        /* Trust what is on the disk, not the count. */
        r = blockdev_probe(b->path, 0, &again);
        if (r < 0)
                return log_error_errno(r, "cannot check '%s' after wiping it", b->path);
        if (again.error)
                r = log_error_errno(again.error, "cannot check '%s' after wiping it", b->path);
        else if (again.n_signatures > 0) {
                free(sigs);
                sigs = NULL;
                (void)blockdev_signatures_describe(&again, &sigs);
                log_error("cannot wipe '%s': it still carries %s", b->path, sigs ? sigs : "?");
                r = -EEXIST;
        }
        blockdev_info_clear(&again);
        if (r == 0)
                printf("  erased %u signature%s\n", wiped, wiped == 1 ? "" : "s");
        return r;
}

static int wipe_all(const struct pool_facts *f)
{
        for (int side = 0; side < 2; side++) {
                const struct pool_device *d = side == 0 ? f->local : f->remote;
                size_t n = side == 0 ? f->n_local : f->n_remote;

                for (size_t i = 0; i < n; i++) {
                        if (d[i].dev.n_signatures == 0)
                                continue;
                        if (interrupted) {
                                log_error("cannot wipe '%s': interrupted by signal %d",
                                          d[i].dev.path, (int)interrupted);
                                return -EINTR;
                        }
                        int r = wipe_device(&d[i].dev);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int refuse_without_yes(const struct spec *s, const struct pool_facts *f)
{
        struct pool_commands c = {0};
        int r = pool_plan_commands(&s->pool, f, &c);

        log_error("cannot create pool '%s': this needs --yes", f->pool);
        if (r == 0) {
                fprintf(stderr, "on %s, after checking the disks again, it would%s run:\n", f->node,
                        arg.wipe
                            ? " erase every signature on the devices named below (destroying what "
                              "they hold), then"
                            : "");
                print_commands(stderr, &c, "  ");
        } else
                fprintf(stderr, "and the commands cannot even be composed: 'hasan pool plan' says "
                                "why\n");
        fprintf(stderr,
                "check first with 'hasan pool plan%s', then run 'hasan pool create --yes%s'\n",
                arg.wipe ? " --wipe" : "", arg.wipe ? " --wipe" : "");
        pool_commands_clear(&c);
        return EXIT_USAGE;
}

static int create(const struct spec *s, struct pool_facts *f)
{
        struct pool_problems problems = {0};
        struct pool_commands c = {0};
        struct pool_run_result res = {0};
        const struct pool_runner runner = {
            .run = runner_run,
            .stop_requested = runner_stop_requested,
            .pool_exists = runner_pool_exists,
            .userdata = f->pool,
        };
        int r;

        if (evaluate("create", s, f, &problems, &c) < 0)
                return EXIT_FAIL;
        if (problems.n > 0 || c.n == 0) {
                log_error("cannot create pool '%s' on %s: %zu problem%s", f->pool, f->node,
                          problems.n, problems.n == 1 ? "" : "s");
                print_problems(stderr, &problems);
                pool_problems_clear(&problems);
                pool_commands_clear(&c);
                return EXIT_FAIL;
        }
        pool_problems_clear(&problems);

        catch_signals();
        if (arg.wipe && wipe_all(f) < 0) {
                fprintf(stderr, "nothing was created\n");
                pool_commands_clear(&c);
                return EXIT_FAIL;
        }
        r = pool_run(&c, f->pool, &runner, &res);
        if (r < 0)
                log_error_errno(r, "cannot create pool '%s'", f->pool);
        else
                r = report_outcome(f, &c, &res);
        pool_commands_clear(&c);
        return r < 0 ? EXIT_FAIL : r;
}

static int verb_create(int argc, char **argv)
{
        static const struct option options[] = {
            {"config", required_argument, NULL, 'c'}, {"node", required_argument, NULL, 'N'},
            {"wipe", no_argument, NULL, 'W'},         {"yes", no_argument, NULL, 'y'},
            {"help", no_argument, NULL, 'h'},         {},
        };
        struct pool_facts f = {0};
        struct spec *s = NULL;
        int r;

        if (!parse_options(argc, argv, "c:yh", options, &r))
                return r;
        r = prepare("create", &s, &f);
        if (r != EXIT_OK)
                return r;
        r = arg.yes ? create(s, &f) : refuse_without_yes(s, &f);
        pool_facts_clear(&f);
        spec_free(s);
        return r;
}

static const struct verb pool_verbs[] = {
    {"plan", 0, VERB_ANY, verb_plan, "plan [--json] [--wipe] [OPTIONS]",
     "check the disks and print what create would do"},
    {"create", 0, VERB_ANY, verb_create, "create --yes [--wipe] [OPTIONS]",
     "create the pool and its datasets, and export it"},
    {"is-imported", 0, VERB_ANY, pool_verb_is_imported, "is-imported [POOL]",
     "exit 0 when the pool is imported on this node"},
    {"status", 0, VERB_ANY, pool_verb_status,
     "status [--json] [--max-scrub-age DAYS] [--from FILE] [--config FILE] [--node NAME]",
     "is the pool healthy here: ONLINE, both halves of every mirror, no resilver (read-only)"},
    {"vdev-conf", 0, VERB_ANY, pool_verb_vdev_conf, "vdev-conf [--node NAME]",
     "print /etc/zfs/vdev_id.conf: the pool's names for the disks of both nodes"},
    {"scrub", 0, VERB_ANY, pool_verb_scrub, "scrub [--if-idle] [--quiet-hours H] [POOL]",
     "start a scrub (--if-idle: only where the pool is and no resilver is fresh)"},
    {"tend", 0, VERB_ANY, pool_verb_tend, "tend [--node NAME] POOL",
     "bring back mirror halves that are down, and keep the outdated marks (the pool agent's "
     "monitor starts it)"},
};

static void help(FILE *f)
{
        print_verbs_usage(f, "pool", pool_verbs, ELEMENTSOF(pool_verbs));
        fprintf(f,
                "\noptions:\n"
                "\t-c, --config FILE  the cluster description (default %s)\n"
                "\t--node NAME        this storage node (default: the host's short name)\n"
                "\t--wipe             erase every signature on the devices (destroys their "
                "contents)\n"
                "\t-y, --yes          create: really do it\n"
                "\t--json             plan: print the plan as JSON\n"
                "\t-h, --help         print this help\n"
                "\nplan exits 0 when the plan is clean and 1 when it has problems.\n"
                "See docs/pool.md for the checks, the commands and the rollback.\n",
                HASAN_CLUSTER_JSON);
}

/*
 * Each verb parses its own options (after the verb: "hasan pool plan --json"),
 * so verbs with options of their own can share the table. Returns true to go
 * on; false with *ret_exit set after --help or a usage error.
 */
static bool parse_options(int argc, char **argv, const char *shortopts,
                          const struct option *options, int *ret_exit)
{
        int c;

        arg.config = HASAN_CLUSTER_JSON;
        arg.node = NULL;
        arg.json = arg.wipe = arg.yes = false;
        interrupted = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, shortopts, options, NULL)) >= 0) {
                switch (c) {
                case 'c':
                        arg.config = optarg;
                        break;
                case 'N':
                        if (optarg[0] == '\0') {
                                log_error("invalid --node '': empty node name");
                                *ret_exit = EXIT_USAGE;
                                return false;
                        }
                        arg.node = optarg;
                        break;
                case 'W':
                        arg.wipe = true;
                        break;
                case 'y':
                        arg.yes = true;
                        break;
                case 'j':
                        arg.json = true;
                        break;
                case 'h':
                        help(stdout);
                        *ret_exit = EXIT_OK;
                        return false;
                default:
                        help(stderr);
                        *ret_exit = EXIT_USAGE;
                        return false;
                }
        }
        if (optind < argc) {
                log_error("unexpected argument '%s' for 'pool %s'", argv[optind], argv[0]);
                help(stderr);
                *ret_exit = EXIT_USAGE;
                return false;
        }
        return true;
}

int cmd_pool(int argc, char **argv)
{
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                help(stdout);
                return EXIT_OK;
        }
        return dispatch_verb("pool", pool_verbs, ELEMENTSOF(pool_verbs), argc - 1, argv + 1);
}
