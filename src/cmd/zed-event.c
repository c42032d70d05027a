/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan zed-event [--config FILE] [--dry-run]
 *      Run by ZED for every ZFS event (through the zedlet
 *      /etc/zfs/zed.d/all-hasan.sh), with the event in ZEVENT_* environment
 *      variables. Writes one structured journal entry for it (all events but
 *      history_event) and, if FILE configures a webhook and the event's
 *      subclass is one it wants, POSTs the event as JSON there.
 *      --dry-run prints the journal fields and the body instead.
 *
 * hasan zed-event --check [--config FILE]
 *      Check the webhook configuration and say where it sends events.
 *
 * Exit status: 0 when everything asked was done, 1 when the journal or the
 * webhook failed or the configuration is unusable (the journal then says
 * why, as far as it can be written), 2 without an event in the environment.
 * ZED runs zedlets with standard output and error on /dev/null: the
 * journal is where failures show.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include <json-c/json.h>
#include <systemd/sd-journal.h>

#include "config.h"
#include "cmd/commands.h"
#include "lib/webhook.h"
#include "lib/zevent.h"
#include "shared/log.h"
#include "shared/verbs.h"

extern char **environ;

#define ZED_WEBHOOK_CONF HASAN_SYSCONFDIR "/zed-webhook.conf"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put)

static void usage(FILE *f)
{
        fprintf(f, "usage: hasan zed-event [--config FILE] [--dry-run]\n"
                   "       hasan zed-event --check [--config FILE]\n"
                   "\n"
                   "Run by ZED with a ZFS event in ZEVENT_* variables: write it to the journal,\n"
                   "and POST it to the webhook FILE configures, if any.\n"
                   "\n"
                   "  --config FILE  the webhook configuration (default " ZED_WEBHOOK_CONF ")\n"
                   "  -n, --dry-run  print the journal fields and the webhook body, send nothing\n"
                   "  --check        check the configuration and exit\n");
}

static int check_config(const char *path)
{
        struct webhook_config c = {0};
        struct webhook_error err = {""};
        int r = webhook_config_load(path, &c, &err);

        if (r == -ENOENT) {
                log_error(
                    "cannot check %s: no such file (without it, events go to the journal only)",
                    path);
                return EXIT_FAIL;
        }
        if (r < 0) {
                log_error("%s", err.msg);
                return EXIT_FAIL;
        }
        printf("%s: events go to the webhook at %s, at most %u attempts of %u s each; classes:",
               path, c.host, c.attempts, c.timeout_sec);
        for (size_t i = 0; i < c.n_classes; i++)
                printf(" %s", c.classes[i]);
        putchar('\n');
        webhook_config_done(&c);
        return EXIT_OK;
}

static void short_hostname(char *buf, size_t size)
{
        char *dot;

        if (gethostname(buf, size) < 0 || !*buf)
                snprintf(buf, size, "unknown");
        buf[size - 1] = '\0';
        dot = strchr(buf, '.');
        if (dot)
                *dot = '\0';
}

/* journald's native socket. sd_journal_send() drops entries silently without it. */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static int journal_write(char **fields, size_t n)
{
        struct iovec iov[32];

        if (n > ELEMENTSOF(iov))
                return -E2BIG;
        if (access(JOURNAL_SOCKET, F_OK) < 0)
                return -errno;
        for (size_t i = 0; i < n; i++)
                iov[i] = (struct iovec){.iov_base = fields[i], .iov_len = strlen(fields[i])};
        return sd_journal_sendv(iov, (int)n);
}

/* The event's journal entry; returns 0 or -errno (logged). */
static int send_event_to_journal(const struct zevent *ev, bool dry_run)
{
        char **fields = NULL;
        size_t n = 0;
        int r = zevent_journal_fields(ev, &fields, &n);

        if (r < 0)
                return log_error_errno(r, "cannot build the journal entry of ZFS event %" PRIu64,
                                       ev->eid);
        if (dry_run) {
                for (size_t i = 0; i < n; i++)
                        printf("journal: %s\n", fields[i]);
        } else {
                r = journal_write(fields, n);
                if (r == -ENOENT)
                        log_error("cannot write ZFS event %" PRIu64 " to the journal: "
                                  "no " JOURNAL_SOCKET ", journald is not running",
                                  ev->eid);
                else if (r < 0)
                        log_error_errno(r, "cannot write ZFS event %" PRIu64 " to the journal",
                                        ev->eid);
        }
        zevent_fields_free(fields, n);
        return r;
}

static int deliver(const struct zevent *ev, const struct webhook_config *c, bool dry_run)
{
        char host[256];
        _cleanup_(json_object_putp) json_object *body = NULL;
        struct webhook_result res;
        struct webhook_error err = {""};
        const char *text;
        int r;

        short_hostname(host, sizeof(host));
        body = zevent_to_json(ev, host);
        if (!body)
                return log_error_errno(
                    -ENOMEM, "cannot build the webhook body of ZFS event %" PRIu64, ev->eid);
        text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE);
        if (dry_run) {
                printf("webhook %s: %s\n", c->host, text);
                return 0;
        }
        r = webhook_post(c, text, &res, &err);
        if (r < 0) {
                log_error("cannot deliver ZFS event %" PRIu64 " (%s) to the webhook: %s, after %u "
                          "of %u attempts",
                          ev->eid, ev->subclass, err.msg, res.attempts, c->attempts);
                sd_journal_send("MESSAGE=cannot deliver ZFS event %" PRIu64
                                " (%s) to the webhook: %s, after %u of %u attempts",
                                ev->eid, ev->subclass, err.msg, res.attempts, c->attempts,
                                "PRIORITY=%d", LOG_ERR, "SYSLOG_IDENTIFIER=%s",
                                ZEVENT_SYSLOG_IDENTIFIER, "HASAN_ZEVENT_EID=%" PRIu64, ev->eid,
                                "HASAN_ZEVENT_SUBCLASS=%s", ev->subclass, "HASAN_WEBHOOK_HOST=%s",
                                c->host, "HASAN_WEBHOOK_ATTEMPTS=%u", res.attempts,
                                "HASAN_WEBHOOK_STATUS=%ld", res.status, NULL);
                return r;
        }
        sd_journal_send("MESSAGE=delivered ZFS event %" PRIu64
                        " (%s) to the webhook at %s: HTTP %ld, attempt %u of %u",
                        ev->eid, ev->subclass, c->host, res.status, res.attempts, c->attempts,
                        "PRIORITY=%d", LOG_DEBUG, "SYSLOG_IDENTIFIER=%s", ZEVENT_SYSLOG_IDENTIFIER,
                        "HASAN_ZEVENT_EID=%" PRIu64, ev->eid, "HASAN_WEBHOOK_HOST=%s", c->host,
                        "HASAN_WEBHOOK_ATTEMPTS=%u", res.attempts, "HASAN_WEBHOOK_STATUS=%ld",
                        res.status, NULL);
        return 0;
}

int cmd_zed_event(int argc, char **argv)
{
        static const struct option options[] = {
            {"config", required_argument, NULL, 'c'},
            {"dry-run", no_argument, NULL, 'n'},
            {"check", no_argument, NULL, 'C'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        const char *config = ZED_WEBHOOK_CONF;
        bool dry_run = false, check = false, failed = false;
        struct webhook_config c = {0};
        struct webhook_error err = {""};
        char why[ZEVENT_ERROR_MAX] = "";
        struct zevent ev;
        int opt, r, have_webhook;

        optind = 0;
        while ((opt = getopt_long(argc, argv, "+n", options, NULL)) != -1) {
                switch (opt) {
                case 'c':
                        config = optarg;
                        break;
                case 'n':
                        dry_run = true;
                        break;
                case 'C':
                        check = true;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                default:
                        usage(stderr);
                        return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "unrecognized argument '%s'\n", argv[optind]);
                usage(stderr);
                return EXIT_USAGE;
        }
        if (check)
                return check_config(config);

        r = zevent_from_env(environ, &ev, why);
        if (r == -ENOMEM) {
                log_error_errno(r, "cannot read the ZFS event");
                return EXIT_FAIL;
        }
        if (r < 0) {
                log_error("cannot read the ZFS event: %s", why);
                return EXIT_USAGE;
        }

        /* The event reaches the journal first, whatever becomes of the webhook. */
        if (zevent_wants_journal(&ev) && send_event_to_journal(&ev, dry_run) < 0)
                failed = true;

        r = webhook_config_load(config, &c, &err);
        have_webhook = r == 0;
        if (r < 0 && r != -ENOENT) {
                failed = true;
                log_error("cannot use the webhook configuration: %s", err.msg);
                if (!dry_run)
                        sd_journal_send(
                            "MESSAGE=cannot send ZFS event %" PRIu64 " to a webhook: %s", ev.eid,
                            err.msg, "PRIORITY=%d", LOG_ERR, "SYSLOG_IDENTIFIER=%s",
                            ZEVENT_SYSLOG_IDENTIFIER, "HASAN_ZEVENT_EID=%" PRIu64, ev.eid,
                            "HASAN_WEBHOOK_CONFIG=%s", config, NULL);
        }
        if (have_webhook && zevent_class_matches(&ev, c.classes, c.n_classes) &&
            deliver(&ev, &c, dry_run) < 0)
                failed = true;

        webhook_config_done(&c);
        zevent_done(&ev);
        return failed ? EXIT_FAIL : EXIT_OK;
}
