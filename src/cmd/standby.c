/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan standby-guard stop [--node NAME] [--timeout SECONDS] [--no-wait] [--dry-run]
 *      The node is shutting down cleanly. Unless it is in standby already
 *      (permanently or for this boot), record hasan-auto-standby=1 as a
 *      permanent node attribute, put the node in standby, and wait until no
 *      resource runs on it any more.
 *
 * hasan standby-guard start [--node NAME] [--timeout SECONDS] [--no-wait] [--dry-run]
 *      The node has booted. Wait until Pacemaker reports it online, then, if
 *      and only if hasan-auto-standby=1 is set, remove its permanent standby
 *      and the marker. A standby set by an operator (no marker) stays.
 *
 *   --node NAME        the node (default: the local node, from crm_node -n)
 *   --timeout SECONDS  bound on the whole command, waits included (default 120)
 *   --no-wait          stop: do not wait for resources to leave;
 *                      start: do not wait for the node to be online
 *   -n, --dry-run      print the plan and change nothing
 *   -h, --help         print this help to stdout
 *
 * pacemaker-node-standby.service runs "start" as ExecStart and "stop" as
 * ExecStop; it is ordered after pacemaker.service, so at shutdown it stops
 * (and moves the resources away) while Pacemaker still runs. Every external
 * command runs through spawn_run() with a timeout. Exit status: 0 when the
 * plan was carried out (an empty plan included), 1 on failure, 2 on a usage
 * error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "lib/crm.h"
#include "lib/standby.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/spawn.h"
#include "shared/verbs.h"
#include "shared/time-util.h"

#define STANDBY_GUARD_TIMEOUT_S_DEFAULT 120u
#define STANDBY_GUARD_TIMEOUT_S_MAX 86400u
/* One crm_* call never takes longer than this (and never outlives the deadline by much). */
#define TOOL_TIMEOUT_MS 30000u
#define TOOL_TIMEOUT_MS_MIN 1000u
#define POLL_INTERVAL_MS 1000u

static struct {
        const char *node;
        unsigned timeout_s;
        bool no_wait;
        bool dry_run;
} arg;

/* When the whole command must be done, on CLOCK_MONOTONIC, in ms. */
static uint64_t deadline_ms;

static unsigned tool_timeout_ms(void)
{
        uint64_t now = now_ms();
        uint64_t left = deadline_ms > now ? deadline_ms - now : 0;

        if (left > TOOL_TIMEOUT_MS)
                return TOOL_TIMEOUT_MS;
        return left < TOOL_TIMEOUT_MS_MIN ? TOOL_TIMEOUT_MS_MIN : (unsigned)left;
}

static void sleep_ms(unsigned ms)
{
        struct timespec ts = {ms / 1000u, (long)(ms % 1000u) * 1000000L};

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* Run a crm_* tool within what is left of the deadline. */
static int tool(char *const argv[], struct spawn_result *ret, char *why, size_t why_size)
{
        return crm_tool_run(argv, tool_timeout_ms(), ret, why, why_size);
}

static int local_node_name(char **ret, char *why, size_t why_size)
{
        char *argv[] = {"crm_node", "--name", NULL};
        struct spawn_result res;
        int r = tool(argv, &res, why, why_size);

        if (r < 0)
                return r;
        crm_trim_trailing(res.out);
        if (res.out[0] == '\0' || strchr(res.out, '\n')) {
                snprintf(why, why_size, "crm_node --name printed no single node name");
                spawn_result_clear(&res);
                return -EBADMSG;
        }
        *ret = TAKE_PTR(res.out);
        spawn_result_clear(&res);
        return 0;
}

static int node_state(const char *node, struct crm_mon_node *ret, char *why, size_t why_size)
{
        char *argv[] = {"crm_mon", "--one-shot", "--output-as=xml", NULL};
        struct spawn_result res;
        int r = tool(argv, &res, why, why_size);

        if (r < 0)
                return r;
        r = crm_mon_find_node(res.out, node, ret);
        spawn_result_clear(&res);
        if (r == -ENOENT)
                snprintf(why, why_size, "crm_mon does not list node '%s'", node);
        else if (r < 0)
                snprintf(why, why_size, "cannot parse the output of crm_mon");
        return r;
}

static bool past_deadline(void)
{
        return now_ms() >= deadline_ms;
}

/* Resolve the node name, waiting for the cluster stack when allowed to. */
static int resolve_node(const char *verb, char **ret, bool wait)
{
        char why[512] = "";
        int r;

        if (arg.node) {
                *ret = strdup(arg.node);
                return *ret ? 0 : log_error_errno(-ENOMEM, "cannot %s", verb);
        }
        for (;;) {
                r = local_node_name(ret, why, sizeof(why));
                if (r == 0)
                        return 0;
                if (!wait || past_deadline())
                        break;
                log_debug("waiting for crm_node: %s", why);
                sleep_ms(POLL_INTERVAL_MS);
        }
        log_error("cannot %s: cannot tell the local node's name (%s)", verb, why);
        fprintf(stderr, "is pacemaker running? check: systemctl status pacemaker\n");
        return r;
}

/* Wait until the node is online and no longer pending in Pacemaker's view. */
static int wait_online(const char *node)
{
        struct crm_mon_node st;
        char why[512] = "";

        for (;;) {
                int r = node_state(node, &st, why, sizeof(why));
                if (r == 0 && st.online && !st.pending)
                        return 0;
                if (r == 0)
                        snprintf(why, sizeof(why), "node '%s' is %s", node,
                                 st.online ? "pending" : "offline");
                if (past_deadline())
                        break;
                sleep_ms(POLL_INTERVAL_MS);
        }
        log_error("cannot lift the automatic standby of '%s': it did not come online within "
                  "%u s (%s)",
                  node, arg.timeout_s, why);
        fprintf(stderr, "run 'hasan standby-guard start' again once crm_mon shows it online\n");
        return -ETIMEDOUT;
}

/* Wait until no resource runs on the node. */
static int wait_drained(const char *node)
{
        struct crm_mon_node st = {0};
        char why[512] = "";
        bool known = false;

        for (;;) {
                int r = node_state(node, &st, why, sizeof(why));
                if (r == 0 && st.resources_running == 0)
                        return 0;
                known = r == 0;
                if (past_deadline())
                        break;
                sleep_ms(POLL_INTERVAL_MS);
        }
        if (known)
                log_error("cannot move the resources off '%s': %u still run there after %u s", node,
                          st.resources_running, arg.timeout_s);
        else
                log_error("cannot move the resources off '%s': %s", node, why);
        fprintf(stderr, "the node is in standby; see crm_mon --one-shot for what is stuck\n");
        return -ETIMEDOUT;
}

static void print_plan(const char *node, unsigned plan)
{
        if (plan == 0)
                printf("would do nothing on '%s'\n", node);
        if (plan & STANDBY_ACTION_SET_MARKER)
                printf("would set node attribute %s=1 on '%s'\n", STANDBY_GUARD_MARKER, node);
        if (plan & STANDBY_ACTION_SET_STANDBY)
                printf("would put '%s' in standby\n", node);
        if ((plan & STANDBY_ACTION_WAIT_DRAINED) && !arg.no_wait)
                printf("would wait up to %u s for the resources to leave '%s'\n", arg.timeout_s,
                       node);
        if (plan & STANDBY_ACTION_CLEAR_STANDBY)
                printf("would take '%s' out of standby\n", node);
        if (plan & STANDBY_ACTION_CLEAR_MARKER)
                printf("would remove node attribute %s from '%s'\n", STANDBY_GUARD_MARKER, node);
}

static int run_plan(const char *verb, const char *node, unsigned plan)
{
        char why[512] = "";
        int r;

        if (arg.dry_run) {
                print_plan(node, plan);
                return EXIT_OK;
        }
        if (plan & STANDBY_ACTION_SET_MARKER) {
                r = crm_attr_update(node, STANDBY_GUARD_MARKER, "1", tool_timeout_ms(), why,
                                    sizeof(why));
                if (r < 0) {
                        log_error("cannot %s '%s': cannot set %s: %s", verb, node,
                                  STANDBY_GUARD_MARKER, why);
                        return EXIT_FAIL;
                }
        }
        if (plan & STANDBY_ACTION_SET_STANDBY) {
                r = crm_attr_update(node, "standby", "on", tool_timeout_ms(), why, sizeof(why));
                if (r < 0) {
                        log_error("cannot %s '%s': cannot set standby: %s", verb, node, why);
                        return EXIT_FAIL;
                }
                log_info("put '%s' in standby (%s=1 records that hasan did)", node,
                         STANDBY_GUARD_MARKER);
        }
        if ((plan & STANDBY_ACTION_WAIT_DRAINED) && !arg.no_wait) {
                if (wait_drained(node) < 0)
                        return EXIT_FAIL;
                log_info("no resource runs on '%s' any more", node);
        }
        if (plan & STANDBY_ACTION_CLEAR_STANDBY) {
                r = crm_attr_delete(node, "standby", tool_timeout_ms(), why, sizeof(why));
                if (r < 0) {
                        log_error("cannot %s '%s': cannot remove standby: %s", verb, node, why);
                        return EXIT_FAIL;
                }
                log_info("took '%s' out of the standby hasan set at shutdown", node);
        }
        if (plan & STANDBY_ACTION_CLEAR_MARKER) {
                r = crm_attr_delete(node, STANDBY_GUARD_MARKER, tool_timeout_ms(), why,
                                    sizeof(why));
                if (r < 0) {
                        log_error("cannot %s '%s': cannot remove %s: %s", verb, node,
                                  STANDBY_GUARD_MARKER, why);
                        return EXIT_FAIL;
                }
        }
        if (plan == 0)
                log_info("nothing to do on '%s'", node);
        return EXIT_OK;
}

/*
 * Read the node's state. *ret_in_standby: the permanent standby, plus (when
 * with_transient) the standby for this boot only.
 */
static int read_state(const char *verb, const char *node, bool with_transient, bool *ret_in_standby,
                      bool *ret_marker)
{
        _cleanup_free_ char *perm = NULL, *trans = NULL, *marker = NULL;
        char why[512] = "";

        if (crm_attr_query(node, "standby", "forever", "off", tool_timeout_ms(), &perm, why,
                           sizeof(why)) < 0 ||
            (with_transient && crm_attr_query(node, "standby", "reboot", "off", tool_timeout_ms(),
                                              &trans, why, sizeof(why)) < 0) ||
            crm_attr_query(node, STANDBY_GUARD_MARKER, "forever", "0", tool_timeout_ms(), &marker,
                           why, sizeof(why)) < 0) {
                log_error("cannot %s '%s': cannot read its node attributes: %s", verb, node, why);
                return -EIO;
        }
        *ret_in_standby = pcmk_value_is_true(perm) || pcmk_value_is_true(trans);
        *ret_marker = pcmk_value_is_true(marker);
        return 0;
}

static int verb_stop(int argc, char **argv)
{
        _cleanup_free_ char *node = NULL;
        bool in_standby, marker;

        if (resolve_node("put the node in standby", &node, false) < 0)
                return EXIT_FAIL;
        if (read_state("put in standby", node, true, &in_standby, &marker) < 0)
                return EXIT_FAIL;
        if (in_standby && !arg.dry_run)
                log_info("'%s' is in standby already: %s", node,
                         marker ? "set by hasan at an earlier shutdown, left as it is"
                                : "set by an operator, left as it is");
        return run_plan("put in standby", node,
                        standby_guard_plan(STANDBY_GUARD_STOP, in_standby, marker));
}

static int verb_start(int argc, char **argv)
{
        _cleanup_free_ char *node = NULL;
        bool in_standby, marker;

        if (resolve_node("lift the automatic standby", &node, !arg.no_wait) < 0)
                return EXIT_FAIL;
        if (!arg.no_wait && !arg.dry_run && wait_online(node) < 0)
                return EXIT_FAIL;
        /* A standby for this boot only was not set by hasan: it is not ours to lift. */
        if (read_state("take out of standby", node, false, &in_standby, &marker) < 0)
                return EXIT_FAIL;
        if (in_standby && !marker && !arg.dry_run)
                log_info("'%s' stays in standby: an operator set it (no %s marker)", node,
                         STANDBY_GUARD_MARKER);
        return run_plan("take out of standby", node,
                        standby_guard_plan(STANDBY_GUARD_START, in_standby, marker));
}

static const struct verb guard_verbs[] = {
    {"stop", 0, 0, verb_stop, "stop [OPTIONS]",
     "at shutdown: standby this node (unless it is already) and wait for it to drain"},
    {"start", 0, 0, verb_start, "start [OPTIONS]",
     "at boot: lift the standby hasan set at shutdown, never an operator's"},
};

static void help(FILE *f)
{
        print_verbs_usage(f, "standby-guard", guard_verbs, ELEMENTSOF(guard_verbs));
        fprintf(f,
                "\noptions:\n"
                "\t--node NAME        the node (default: crm_node --name)\n"
                "\t--timeout SECONDS  bound on the whole command, waits included (default %u)\n"
                "\t--no-wait          do not wait for the node to drain (stop) or come online "
                "(start)\n"
                "\t-n, --dry-run      print what would be done, change nothing\n"
                "\t-h, --help         print this help\n"
                "\nThe standby hasan sets is recorded in the permanent node attribute %s=1;\n"
                "start lifts a standby only when that marker is set.\n",
                STANDBY_GUARD_TIMEOUT_S_DEFAULT, STANDBY_GUARD_MARKER);
}

int cmd_standby_guard(int argc, char **argv)
{
        static const struct option options[] = {
            {"node", required_argument, NULL, 'N'}, {"timeout", required_argument, NULL, 't'},
            {"no-wait", no_argument, NULL, 'W'},    {"dry-run", no_argument, NULL, 'n'},
            {"help", no_argument, NULL, 'h'},       {},
        };
        uint32_t timeout;
        int c;

        arg.node = NULL;
        arg.timeout_s = STANDBY_GUARD_TIMEOUT_S_DEFAULT;
        arg.no_wait = false;
        arg.dry_run = false;
        optind = 0;
        while ((c = getopt_long(argc, argv, "nh", options, NULL)) >= 0) {
                switch (c) {
                case 'N':
                        if (optarg[0] == '\0') {
                                log_error("invalid --node '': empty node name");
                                return EXIT_USAGE;
                        }
                        arg.node = optarg;
                        break;
                case 't':
                        if (safe_atou32(optarg, &timeout) < 0 || timeout == 0 ||
                            timeout > STANDBY_GUARD_TIMEOUT_S_MAX) {
                                log_error("invalid --timeout '%s': expected 1 to %u seconds",
                                          optarg, STANDBY_GUARD_TIMEOUT_S_MAX);
                                return EXIT_USAGE;
                        }
                        arg.timeout_s = timeout;
                        break;
                case 'W':
                        arg.no_wait = true;
                        break;
                case 'n':
                        arg.dry_run = true;
                        break;
                case 'h':
                        help(stdout);
                        return EXIT_OK;
                default:
                        help(stderr);
                        return EXIT_USAGE;
                }
        }
        deadline_ms = now_ms() + (uint64_t)arg.timeout_s * 1000u;
        return dispatch_verb("standby-guard", guard_verbs, ELEMENTSOF(guard_verbs), argc - optind,
                             argv + optind);
}
