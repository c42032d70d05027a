/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fence_kasa | fence_tasmota | fence_esphome | fence_hasan_http [OPTIONS]
 * hasan fence kasa|tasmota|esphome|http [OPTIONS]
 *
 * Fence agents for Pacemaker's fencer, speaking the fence-agents protocol.
 * Without options they read "key=value" lines from stdin, as the fencer
 * sends them; with options they take the fence-agents command line
 * (-o ACTION -a IP -n PLUG -l USER -p PASSWORD, --credential NAME, ...).
 * "-o manpage" or --help lists every option.
 *
 * Exit status, fence-agents style: 0 success (status: on), status: 2 off
 * and 1 for any failure, monitor: 1 for any failure; otherwise 2 bad
 * arguments, 3 login denied, 4 connection lost, 5 timed out, 6 timed out
 * waiting for ON, 7 timed out waiting for OFF or a verify address still
 * answers, 8 unknown state or no such plug, 10 credential missing, 1 any
 * other failure. Success messages go to stdout, everything else to stderr.
 * Passwords never appear in any output. Details: docs/fencing.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "cmd/commands.h"
#include "cmd/fence.h"
#include "shared/macro.h"
#include "shared/verbs.h"

int fence_exit_code(enum fence_action action, int r, enum plug_power power)
{
        if (r >= 0)
                return action == FENCE_ACTION_STATUS && power == PLUG_POWER_OFF
                           ? FENCE_EC_STATUS_OFF
                           : FENCE_EC_OK;
        /* status and monitor know one failure code: 2 would read as "off". */
        if (action == FENCE_ACTION_STATUS || action == FENCE_ACTION_MONITOR)
                return FENCE_EC_GENERIC_ERROR;
        switch (r) {
        case -EINVAL:
                return FENCE_EC_BAD_ARGS;
        case -ENOKEY:
                return FENCE_EC_PASSWORD_MISSING;
        case -EACCES:
                return FENCE_EC_LOGIN_DENIED;
        case -ECONNRESET:
                return FENCE_EC_CONNECTION_LOST;
        case -ETIMEDOUT:
                return FENCE_EC_TIMED_OUT;
        case -ETIME:
                return action == FENCE_ACTION_ON ? FENCE_EC_WAITING_ON : FENCE_EC_WAITING_OFF;
        case -EBADMSG:
        case -ENOENT:
                return FENCE_EC_STATUS;
        default:
                return FENCE_EC_GENERIC_ERROR;
        }
}

struct agent_log {
        const char *name;
        bool verbose;
        bool journal; /* a power action: its progress goes to the journal too */
};

/*
 * To the journal as the agent's name ("fence_kasa"), with the journal's
 * own timestamp: the fencer logs an agent's output only when it fails, and
 * hasan timeline needs the moment the node was verified off, which for a
 * reboot comes before the agent powers it on again and exits.
 */
static void agent_journal(const struct agent_log *l, int priority, const char *msg)
{
        if (!l->journal)
                return;
        openlog(l->name, LOG_PID, LOG_DAEMON);
        syslog(priority, "%s", msg);
        closelog();
}

static void agent_log(void *userdata, enum fence_log_level level, const char *msg)
{
        const struct agent_log *l = userdata;

        agent_journal(l, level == FENCE_LOG_WARNING ? LOG_WARNING : LOG_INFO, msg);
        if (level == FENCE_LOG_WARNING)
                fprintf(stderr, "%s: warning: %s\n", l->name, msg);
        else if (l->verbose)
                fprintf(stderr, "%s: %s\n", l->name, msg);
}

/* All of stdin, up to one byte more than the parser accepts. */
static int read_stdin(char **ret, size_t *ret_size)
{
        size_t cap = FENCE_STDIN_MAX + 1, size = 0;
        char *buf = malloc(cap);

        if (!buf)
                return -ENOMEM;
        while (size < cap) {
                ssize_t k = read(STDIN_FILENO, buf + size, cap - size);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        int r = -errno;
                        explicit_bzero(buf, size);
                        free(buf);
                        return r;
                }
                if (k == 0)
                        break;
                size += (size_t)k;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

static int print_text(int (*gen)(const struct fence_agent *, char **), const struct fence_agent *a)
{
        _cleanup_free_ char *text = NULL;

        if (gen(a, &text) < 0) {
                fprintf(stderr, "%s: out of memory\n", a->name);
                return FENCE_EC_GENERIC_ERROR;
        }
        fputs(text, stdout);
        return fflush(stdout) == 0 ? FENCE_EC_OK : FENCE_EC_GENERIC_ERROR;
}

static void print_outlets(const struct fence_run *run, bool with_status)
{
        for (size_t i = 0; i < run->n_outlets; i++) {
                const struct plug_outlet *o = &run->outlets[i];
                if (with_status)
                        printf("%s,%s,%s\n", o->id, o->alias ? o->alias : "",
                               plug_power_to_string(o->power));
                else
                        printf("%s,%s\n", o->id, o->alias ? o->alias : "");
        }
}

static int fence_main(const struct fence_agent *a, int argc, char **argv)
{
        struct fence_options o;
        struct fence_diag d = {0};
        struct agent_log log = {.name = a->name};
        struct fence_run run = {0};
        int r, ec;

        fence_options_init(&o, HASAN_CRED_STORE, HASAN_CRED_KEY);
        if (argc <= 1) {
                char *text = NULL;
                size_t size = 0;

                r = read_stdin(&text, &size);
                if (r < 0) {
                        fprintf(stderr, "%s: cannot read options from stdin: %s\n", a->name,
                                strerror(-r));
                        fence_options_clear(&o);
                        return FENCE_EC_GENERIC_ERROR;
                }
                r = fence_parse_stdin(a, text, size, &o, &d);
                explicit_bzero(text, size);
                free(text);
        } else
                r = fence_parse_argv(a, argc, argv, &o, &d);

        for (size_t i = 0; i < d.n_warnings; i++)
                fprintf(stderr, "%s: warning: %s\n", a->name, d.warnings[i]);
        if (r == -ENOMEM) {
                fprintf(stderr, "%s: out of memory\n", a->name);
                ec = FENCE_EC_GENERIC_ERROR;
                goto out;
        }

        if (o.help) {
                ec = print_text(fence_manpage, a);
                goto out;
        }
        if (o.version) {
                printf("%s (hasan) %s\n", a->name, HASAN_VERSION);
                ec = FENCE_EC_OK;
                goto out;
        }
        /* Metadata never depends on the other options: the fencer asks for it bare. */
        if (o.action == FENCE_ACTION_METADATA || o.action == FENCE_ACTION_MANPAGE) {
                ec = print_text(o.action == FENCE_ACTION_METADATA ? fence_metadata : fence_manpage,
                                a);
                goto out;
        }

        if (r >= 0)
                r = fence_options_validate(a, &o, &d);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n%s: see '%s -o manpage' for the options\n", a->name,
                        d.error, a->name, a->name);
                ec = fence_exit_code(o.action, r, PLUG_POWER_UNKNOWN);
                goto out;
        }
        if (o.password_on_argv)
                fprintf(stderr,
                        "%s: warning: a password on the command line is visible to every user; "
                        "pass it on stdin or use --credential\n",
                        a->name);

        r = fence_options_load_credential(&o, &d);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", a->name, r == -ENOKEY ? d.error : strerror(-r));
                ec = fence_exit_code(o.action, r, PLUG_POWER_UNKNOWN);
                goto out;
        }
        if (o.action == FENCE_ACTION_VALIDATE_ALL) {
                ec = FENCE_EC_OK;
                goto out;
        }

        log.verbose = o.verbose;
        log.journal = o.action == FENCE_ACTION_OFF || o.action == FENCE_ACTION_ON ||
                      o.action == FENCE_ACTION_REBOOT;
        run = (struct fence_run){
            .agent = a,
            .opt = &o,
            .log = agent_log,
            .userdata = &log,
        };
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                fprintf(stderr, "%s: cannot initialize libcurl\n", a->name);
                ec = fence_exit_code(o.action, -EIO, PLUG_POWER_UNKNOWN);
                goto out;
        }
        r = fence_run_action(&run);
        curl_global_cleanup();
        agent_journal(&log, r < 0 ? LOG_ERR : LOG_NOTICE, run.message);

        if (r < 0)
                fprintf(stderr, "%s: %s\n", a->name, run.message);
        else if (o.action == FENCE_ACTION_LIST || o.action == FENCE_ACTION_LIST_STATUS)
                print_outlets(&run, o.action == FENCE_ACTION_LIST_STATUS);
        else if (o.action != FENCE_ACTION_MONITOR && run.message[0])
                printf("%s\n", run.message);
        ec = fence_exit_code(o.action, r, run.power);
        if (fflush(stdout) != 0 && ec == FENCE_EC_OK)
                ec = FENCE_EC_GENERIC_ERROR;
out:
        fence_run_clear(&run);
        fence_diag_clear(&d);
        fence_options_clear(&o);
        return ec;
}

static void usage(FILE *f)
{
        fprintf(f, "usage: hasan fence AGENT [OPTIONS]   (or key=value lines on stdin)\n\n"
                   "agents:\n");
        for (size_t i = 0; i < fence_agents_count; i++)
                fprintf(f, "\t%-8s %-18s %s\n", fence_agents[i].short_name, fence_agents[i].name,
                        fence_agents[i].shortdesc);
        fprintf(f, "\n'hasan fence AGENT --help' lists the options; docs/fencing.md explains "
                   "them.\n");
}

int cmd_fence(int argc, char **argv)
{
        const struct fence_agent *a;

        if (argc < 2) {
                fprintf(stderr, "missing fence agent name\n");
                usage(stderr);
                return EXIT_USAGE;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                usage(stdout);
                return EXIT_OK;
        }
        a = fence_agent_find(argv[1]);
        if (!a) {
                fprintf(stderr, "unknown fence agent '%.64s'\n", argv[1]);
                usage(stderr);
                return EXIT_USAGE;
        }
        return fence_main(a, argc - 1, argv + 1);
}

int fence_personality(int argc, char **argv)
{
        const char *name = argc > 0 ? argv[0] : "";
        const char *slash = strrchr(name, '/');
        const struct fence_agent *a = fence_agent_find(slash ? slash + 1 : name);

        if (!a) {
                fprintf(stderr, "unknown fence agent '%.64s'\n", name);
                return FENCE_EC_BAD_ARGS;
        }
        return fence_main(a, argc, argv);
}
