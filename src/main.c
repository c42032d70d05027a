/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan: one multi-call binary. Invoked as "hasan <command> ...", or through
 * a symlink whose name selects a personality (OCF resource agents, fence
 * agents), the way Pacemaker and stonithd expect to call them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cmd/commands.h"
#include "cmd/fence.h"
#include "cmd/pool-agent.h"
#include "shared/macro.h"
#include "shared/verbs.h"

struct command {
        const char *name;
        int (*run)(int argc, char **argv);
        const char *synopsis;
        const char *help;
};

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

/* An entry with a NULL name separates groups in the usage text. */
static const struct command commands[] = {
    {"spec", cmd_spec, "spec check|show [--json] [FILE]",
     "validate or show the cluster description"},
    {"cred", cmd_cred, "cred set|get|rm NAME | list", "manage the encrypted credential store"},
    {"hostid", cmd_hostid, "hostid [show | set --yes HEX]", "show or set this node's /etc/hostid"},
    {"pool", cmd_pool, "pool plan|create [OPTIONS]",
     "plan or create the SAN pool of cross-node mirrors"},
    {"fence", cmd_fence, "fence AGENT [OPTIONS]",
     "run a fence agent: kasa, tasmota, esphome or http (as fence_*)"},
    {"initiator", cmd_initiator, "initiator status|rescan [OPTIONS]",
     "this node's iSCSI sessions: show them, scan them for new LUNs"},
    {"standby-guard", cmd_standby_guard, "standby-guard stop|start [OPTIONS]",
     "standby this node at shutdown, lift that standby at boot"},
    {"backend", cmd_backend, "backend target|start|stop|status [OPTIONS]",
     "export this node's disks to the peer over iSCSI (LIO)"},
    {"target", cmd_target, "target start|stop|status [OPTIONS]",
     "the client iSCSI targets: zvols as LUNs on the VLANs' VIPs (LIO)"},
    {"portblock", cmd_portblock, "portblock block|unblock|status IP PORTS",
     "hold a VIP's service ports shut while the pool's services move (nftables)"},
    {"probe", cmd_probe, "probe run|verify [OPTIONS]",
     "on a client: prove a failover loses no acknowledged write"},
    {"exporter", cmd_exporter, "exporter [--once] [--listen ADDR:PORT] [OPTIONS]",
     "serve the cluster's health to Prometheus (/metrics)"},
    {"zed-event", cmd_zed_event, "zed-event [--config FILE] [--dry-run] | --check",
     "run by ZED: a ZFS event to the journal, and to a webhook"},
    {"timeline", cmd_timeline, "timeline [events|merge] [OPTIONS]",
     "the phases of the last failover from the nodes' journals, with durations"},
    {NULL, NULL, NULL, NULL},
    {"version", cmd_version, "version [--json]", "print the version"},
    {"help", cmd_help, "help", "print this help"},
};

/*
 * Personalities selected by argv[0]: the fence agents (symlinks in /usr/sbin,
 * where the fencer looks for fence_*) and the OCF resource agents (symlinks
 * in /usr/lib/ocf/resource.d/hasan/, where Pacemaker looks for ocf:hasan:*).
 */
struct personality {
        const char *argv0;
        int (*run)(int argc, char **argv);
};

static const struct personality personalities[] = {
    {"hasan", NULL},
    {"fence_kasa", fence_personality},
    {"fence_tasmota", fence_personality},
    {"fence_esphome", fence_personality},
    {"fence_hasan_http", fence_personality},
    {"pool", pool_agent_personality},
    {"backend", backend_personality},
    {"lio-client", lio_client_personality},
    {"portblock", portblock_personality},
};

static void usage(FILE *f)
{
        fprintf(f, "usage: hasan COMMAND [ARGS...]\n\ncommands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
                if (!commands[i].name) {
                        fputc('\n', f);
                        continue;
                }
                fprintf(f, "\t%-34s %s\n", commands[i].synopsis, commands[i].help);
        }
        fprintf(f,
                "\nEach command takes --help. Exit status: 0 success, 1 failure, 2 usage error.\n");
}

static int cmd_help(int argc, char **argv)
{
        usage(stdout);
        return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
        if (argc == 2 && strcmp(argv[1], "--json") == 0) {
                printf("{\"name\":\"hasan\",\"version\":\"%s\"}\n", HASAN_VERSION);
                return EXIT_OK;
        }
        if (argc > 1) {
                fprintf(stderr, "unrecognized argument '%s'\nusage: hasan version [--json]\n",
                        argv[1]);
                return EXIT_USAGE;
        }
        printf("hasan %s\n", HASAN_VERSION);
        return EXIT_OK;
}

static const char *basename_of(const char *path)
{
        const char *slash = strrchr(path, '/');
        return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
        const char *invoked = basename_of(argc > 0 ? argv[0] : "hasan");

        for (size_t i = 0; i < ELEMENTSOF(personalities); i++)
                if (personalities[i].run && strcmp(personalities[i].argv0, invoked) == 0)
                        return personalities[i].run(argc, argv);

        if (argc < 2) {
                usage(stderr);
                return EXIT_USAGE;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
                return cmd_help(argc - 1, argv + 1);
        if (strcmp(argv[1], "--version") == 0)
                return cmd_version(1, argv + 1);

        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (commands[i].name && strcmp(commands[i].name, argv[1]) == 0)
                        return commands[i].run(argc - 1, argv + 1);

        fprintf(stderr, "unrecognized command '%s'\n", argv[1]);
        usage(stderr);
        return EXIT_USAGE;
}
