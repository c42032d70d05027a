/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan portblock block|unblock|status IP PORTS [--protocol tcp|udp] [--reset]
 *      Hold a VIP's service ports shut, open them again, or say which are
 *      held (exit 0 all, 3 none, 1 some). unblock --reset first aborts
 *      this node's open connections on them.
 *
 * As the OCF resource agent ocf:hasan:portblock (argv[0] "portblock"), a
 * drop-in for ocf:heartbeat:portblock in the pool's group: a "block"
 * resource before the VIPs and an "unblock" one after the services. Start
 * of a block, and stop of an unblock, hold the ports shut; the other two
 * open them. The rules live in nftables (lib/portblock.h), not iptables:
 * resource-agents 4.12's portblock cannot find its own rules in iptables
 * 1.8.9's numeric listing, so on Debian 12 it never unblocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "config.h"
#include "lib/portblock.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/ocf.h"
#include "shared/verbs.h"

#define PORTBLOCK_STATE_DIR "/run/hasan/portblock"

static const char *arg_protocol;
static bool arg_reset;

static int spec_from_args(char **argv, struct portblock_spec *s)
{
        char why[256];

        if (portblock_spec_parse(argv[1], argv[2], arg_protocol, s, why, sizeof(why)) < 0) {
                log_error("%s", why);
                return -EINVAL;
        }
        return 0;
}

static int verb_block(int argc, char **argv)
{
        struct portblock_spec s;
        char why[512];

        if (spec_from_args(argv, &s) < 0)
                return EXIT_USAGE;
        if (portblock_block(&s, why, sizeof(why)) < 0) {
                log_error("cannot block %s port(s) %s: %s", s.ip, argv[2], why);
                return EXIT_FAIL;
        }
        return EXIT_OK;
}

static int verb_unblock(int argc, char **argv)
{
        struct portblock_spec s;
        char why[512];

        if (spec_from_args(argv, &s) < 0)
                return EXIT_USAGE;
        if (arg_reset && portblock_reset_connections(&s, why, sizeof(why)) < 0)
                log_warning("cannot reset the connections on %s: %s", s.ip, why);
        if (portblock_unblock(&s, why, sizeof(why)) < 0) {
                log_error("cannot unblock %s port(s) %s: %s", s.ip, argv[2], why);
                return EXIT_FAIL;
        }
        return EXIT_OK;
}

static int verb_status(int argc, char **argv)
{
        struct portblock_spec s;
        size_t blocked;
        char why[512];

        if (spec_from_args(argv, &s) < 0)
                return EXIT_USAGE;
        if (portblock_count_blocked(&s, &blocked, why, sizeof(why)) < 0) {
                log_error("cannot read the blocked ports: %s", why);
                return EXIT_FAIL;
        }
        printf("%s %s: %s (%zu of %zu port(s) blocked)\n", s.ip, argv[2],
               blocked == 0           ? "open"
               : blocked == s.n_ports ? "blocked"
                                      : "partly blocked",
               blocked, s.n_ports);
        return blocked == s.n_ports ? EXIT_OK : blocked == 0 ? 3 : EXIT_FAIL;
}

static const struct verb verbs[] = {
    {"block", 2, 2, verb_block, "block IP PORTS [--protocol tcp|udp]",
     "drop packets to the ports (comma-separated) of IP"},
    {"unblock", 2, 2, verb_unblock, "unblock IP PORTS [--protocol tcp|udp] [--reset]",
     "let them through again; --reset first aborts open connections"},
    {"status", 2, 2, verb_status, "status IP PORTS [--protocol tcp|udp]",
     "exit 0 all blocked, 3 none, 1 some"},
};

int cmd_portblock(int argc, char **argv)
{
        static const struct option options[] = {
            {"protocol", required_argument, NULL, 'p'},
            {"reset", no_argument, NULL, 'r'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c;

        arg_protocol = NULL;
        arg_reset = false;
        optind = 0;
        while ((c = getopt_long(argc, argv, "p:rh", options, NULL)) >= 0) {
                switch (c) {
                case 'p':
                        arg_protocol = optarg;
                        break;
                case 'r':
                        arg_reset = true;
                        break;
                case 'h':
                        print_verbs_usage(stdout, "portblock", verbs, ELEMENTSOF(verbs));
                        return EXIT_OK;
                default:
                        print_verbs_usage(stderr, "portblock", verbs, ELEMENTSOF(verbs));
                        return EXIT_USAGE;
                }
        }
        return dispatch_verb("portblock", verbs, ELEMENTSOF(verbs), argc - optind, argv + optind);
}

/* ---- the OCF resource agent ---- */

/*
 * A block resource stays started after the unblock opened its ports, so
 * started-ness cannot be read from nftables: each resource keeps a marker
 * file while started, in a tmpfs directory that a reboot empties along with
 * the ruleset.
 */
static int marker_path(const struct ocf_agent *a, char *buf, size_t size)
{
        const char *instance = getenv("OCF_RESOURCE_INSTANCE");
        const char *dir = ocf_reskey(a, "state_dir");

        if (!instance || !*instance || strchr(instance, '/') || instance[0] == '.') {
                log_error("OCF_RESOURCE_INSTANCE '%s' is not a resource name",
                          instance ? instance : "");
                return -EINVAL;
        }
        if ((size_t)snprintf(buf, size, "%s/%s", dir, instance) >= size) {
                log_error("state_dir '%s' is too long", dir);
                return -EINVAL;
        }
        return 0;
}

static int marker_set(const char *path, const char *dir)
{
        int fd;

        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                /* /run/hasan may not exist yet: one level up, then again. */
                _cleanup_free_ char *parent = strdup(dir);
                char *slash = parent ? strrchr(parent, '/') : NULL;

                if (slash && slash != parent) {
                        *slash = '\0';
                        (void)mkdir(parent, 0755);
                }
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return log_error_errno(-errno, "cannot create '%s'", dir);
        }
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return log_error_errno(-errno, "cannot create '%s'", path);
        close(fd);
        return 0;
}

static bool marker_exists(const char *path)
{
        return access(path, F_OK) == 0;
}

static int marker_clear(const char *path)
{
        if (unlink(path) < 0 && errno != ENOENT)
                return log_error_errno(-errno, "cannot remove '%s'", path);
        return 0;
}

enum pb_action { PB_BLOCK, PB_UNBLOCK };

/* Time kept back from the operation's timeout to report a failure. */
#define PB_OP_MARGIN_MS 5000u

static int ocf_load(const struct ocf_agent *a, struct portblock_spec *s, enum pb_action *action,
                    char *marker, size_t marker_size)
{
        const char *act = ocf_reskey(a, "action");
        char why[256];

        if (strcmp(act, "block") == 0)
                *action = PB_BLOCK;
        else if (strcmp(act, "unblock") == 0)
                *action = PB_UNBLOCK;
        else {
                log_error("invalid action '%s': block or unblock", act);
                return -EINVAL;
        }
        if (portblock_spec_parse(ocf_reskey(a, "ip"), ocf_reskey(a, "portno"),
                                 ocf_reskey(a, "protocol"), s, why, sizeof(why)) < 0) {
                log_error("%s", why);
                return -EINVAL;
        }
        /* nft may take what Pacemaker gives the operation, less a margin to
         * say why it failed: on a loaded node a fixed 10 s failed stops, and
         * a failed stop fences the node. */
        unsigned op_ms = ocf_op_timeout_ms(0);
        if (op_ms > PORTBLOCK_NFT_TIMEOUT_MS + PB_OP_MARGIN_MS)
                s->timeout_ms = op_ms - PB_OP_MARGIN_MS;
        return marker ? marker_path(a, marker, marker_size) : 0;
}

/* Hold the ports shut (block's start, unblock's stop) or open them. */
static int set_blocked(const struct portblock_spec *s, bool block, bool reset)
{
        char why[512];

        if (block) {
                if (portblock_block(s, why, sizeof(why)) < 0) {
                        log_error("cannot block %s: %s", s->ip, why);
                        return -EIO;
                }
                /* Blocked first, so no client gets in again once reset. */
                if (reset && portblock_reset_connections(s, why, sizeof(why)) < 0)
                        log_warning("cannot reset the connections on %s: %s", s->ip, why);
                log_info("%s: %zu %s port(s) blocked%s", s->ip, s->n_ports, s->udp ? "udp" : "tcp",
                         reset ? ", open connections reset" : "");
                return 0;
        }
        if (portblock_unblock(s, why, sizeof(why)) < 0) {
                log_error("cannot unblock %s: %s", s->ip, why);
                return -EIO;
        }
        log_info("%s: %zu %s port(s) unblocked", s->ip, s->n_ports, s->udp ? "udp" : "tcp");
        return 0;
}

static enum ocf_exit pb_start(const struct ocf_agent *a)
{
        struct portblock_spec s;
        enum pb_action action;
        char marker[512];

        if (ocf_load(a, &s, &action, marker, sizeof(marker)) < 0)
                return OCF_ERR_CONFIGURED;
        if (set_blocked(&s, action == PB_BLOCK, false) < 0)
                return OCF_ERR_GENERIC;
        return marker_set(marker, ocf_reskey(a, "state_dir")) < 0 ? OCF_ERR_GENERIC : OCF_SUCCESS;
}

static enum ocf_exit pb_stop(const struct ocf_agent *a)
{
        struct portblock_spec s;
        enum pb_action action;
        char marker[512];

        if (ocf_load(a, &s, &action, marker, sizeof(marker)) < 0)
                return OCF_ERR_CONFIGURED;
        if (set_blocked(&s, action == PB_UNBLOCK,
                        action == PB_UNBLOCK &&
                            ocf_is_true(ocf_reskey(a, "reset_local_on_unblock_stop"))) < 0)
                return OCF_ERR_GENERIC;
        return marker_clear(marker) < 0 ? OCF_ERR_GENERIC : OCF_SUCCESS;
}

/*
 * Started is the marker. A started unblock also checks that its ports are
 * open: a port left shut is the one failure clients would see as a hang,
 * and the restart it earns opens it.
 */
static enum ocf_exit pb_monitor(const struct ocf_agent *a)
{
        struct portblock_spec s;
        enum pb_action action;
        char marker[512], why[512];
        size_t blocked;

        if (ocf_load(a, &s, &action, marker, sizeof(marker)) < 0)
                return ocf_is_probe() ? OCF_NOT_RUNNING : OCF_ERR_CONFIGURED;
        if (!marker_exists(marker))
                return OCF_NOT_RUNNING;
        if (action == PB_BLOCK)
                return OCF_SUCCESS;
        if (portblock_count_blocked(&s, &blocked, why, sizeof(why)) < 0) {
                log_error("cannot read the blocked ports: %s", why);
                return OCF_ERR_GENERIC;
        }
        if (blocked > 0) {
                log_error("%s: %zu of %zu port(s) blocked although unblocked", s.ip, blocked,
                          s.n_ports);
                return OCF_ERR_GENERIC;
        }
        return OCF_SUCCESS;
}

static enum ocf_exit pb_validate(const struct ocf_agent *a)
{
        struct portblock_spec s;
        enum pb_action action;

        return ocf_load(a, &s, &action, NULL, 0) < 0 ? OCF_ERR_CONFIGURED : OCF_SUCCESS;
}

static const struct ocf_param pb_params[] = {
    {"action", OCF_CONTENT_STRING, true, false, NULL, "block or unblock",
     "block: start holds the ports shut, stop opens them. unblock: start opens them, stop holds "
     "them shut (and resets open connections with reset_local_on_unblock_stop)."},
    {"ip", OCF_CONTENT_STRING, true, false, NULL, "the address",
     "The (virtual) IPv4 or IPv6 address whose ports are blocked; other addresses of the node "
     "are not affected."},
    {"portno", OCF_CONTENT_STRING, true, false, NULL, "ports",
     "The ports, separated by commas (2049,445)."},
    {"protocol", OCF_CONTENT_STRING, false, false, "tcp", "tcp or udp", "The ports' protocol."},
    {"reset_local_on_unblock_stop", OCF_CONTENT_BOOLEAN, false, false, "false",
     "reset open connections on unblock's stop",
     "When an unblock resource stops, after blocking, abort this node's open TCP connections from "
     "the address and ports, so clients see a reset at once instead of retrying until a timeout."},
    {"state_dir", OCF_CONTENT_STRING, false, false, PORTBLOCK_STATE_DIR, "marker directory",
     "Where a started resource keeps its marker file; must be emptied by a reboot (tmpfs)."},
};

static const struct ocf_action pb_actions[] = {
    {"start", pb_start, 20, 0, 0},      {"stop", pb_stop, 20, 0, 0},
    {"monitor", pb_monitor, 20, 10, 0}, {"validate-all", pb_validate, 20, 0, 0},
    {"meta-data", NULL, 5, 0, 0},
};

static const struct ocf_agent pb_agent = {
    .name = "portblock",
    .version = HASAN_VERSION,
    .shortdesc = "hold a VIP's ports shut while services move",
    .longdesc =
        "Blocks or unblocks TCP or UDP ports of one address, in hasan's own nftables table "
        "(inet " PORTBLOCK_TABLE
        "), apart from the firewall's. Put a block resource before the VIPs in "
        "the pool's group and an unblock resource after the services: while the group starts, "
        "clients' packets are dropped, so they retry instead of being refused by a half-started "
        "node; while it stops, the ports are shut before the services go and open connections "
        "are reset. Parameters as for ocf:heartbeat:portblock.",
    .params = pb_params,
    .n_params = ELEMENTSOF(pb_params),
    .actions = pb_actions,
    .n_actions = ELEMENTSOF(pb_actions),
};

int portblock_personality(int argc, char **argv)
{
        return ocf_main(&pb_agent, argc, argv);
}
