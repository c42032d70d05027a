/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan initiator status [--json]
 *      This node's iSCSI sessions (target, portal, state) and the LUNs
 *      behind each (H:C:T:L, state, block device), from sysfs.
 *
 * hasan initiator rescan [--target IQN]
 *      Scan the logged-in sessions (all, or those to IQN) for new LUNs
 *      (the pool agent does the same before an import, and waits for the
 *      peer's by-path links). Exit 1 when no session was rescanned.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "config.h"
#include "cmd/commands.h"
#include "lib/iscsi.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/parse.h"
#include "shared/verbs.h"

#define RESCAN_TIMEOUT_MS 5000u

static int verb_status(int argc, char **argv)
{
        struct iscsi_session *sessions = NULL;
        bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
        json_object *out = json ? json_object_new_array() : NULL;
        size_t n = 0;
        int r;

        if (argc > 1 && !json) {
                log_error("unrecognized argument '%s'", argv[1]);
                return EXIT_USAGE;
        }
        r = iscsi_sessions_list(NULL, &sessions, &n);
        if (r < 0) {
                log_error("cannot list the iSCSI sessions: %s", strerror(-r));
                json_object_put(out);
                return EXIT_FAIL;
        }
        if (!json && n == 0)
                printf("no iSCSI sessions\n");
        for (size_t i = 0; i < n; i++) {
                struct iscsi_lun *luns = NULL;
                size_t m = 0;
                json_object *o = NULL, *jl = NULL;

                (void)iscsi_session_luns(NULL, &sessions[i], &luns, &m);
                if (json) {
                        o = json_object_new_object();
                        jl = json_object_new_array();
                        json_object_object_add(o, "session",
                                               json_object_new_int((int)sessions[i].id));
                        json_object_object_add(o, "host",
                                               json_object_new_int((int)sessions[i].host));
                        json_object_object_add(o, "target",
                                               json_object_new_string(sessions[i].target));
                        json_object_object_add(o, "state",
                                               json_object_new_string(sessions[i].state));
                        if (sessions[i].address)
                                json_object_object_add(o, "address",
                                                       json_object_new_string(sessions[i].address));
                        json_object_object_add(o, "port",
                                               json_object_new_int((int)sessions[i].port));
                } else
                        printf("session%u host%u %s %s:%u %s\n", sessions[i].id, sessions[i].host,
                               sessions[i].target, sessions[i].address ? sessions[i].address : "?",
                               sessions[i].port, sessions[i].state);
                for (size_t k = 0; k < m; k++) {
                        if (json) {
                                json_object *x = json_object_new_object();
                                json_object_object_add(x, "lun",
                                                       json_object_new_int((int)luns[k].lun));
                                json_object_object_add(x, "hctl",
                                                       json_object_new_string(luns[k].hctl));
                                json_object_object_add(
                                    x, "state",
                                    json_object_new_string(luns[k].state ? luns[k].state : ""));
                                json_object_object_add(
                                    x, "block",
                                    luns[k].block ? json_object_new_string(luns[k].block) : NULL);
                                json_object_array_add(jl, x);
                        } else
                                printf("\tlun %u %s %s %s\n", luns[k].lun, luns[k].hctl,
                                       luns[k].state ? luns[k].state : "?",
                                       luns[k].block ? luns[k].block : "-");
                }
                if (json) {
                        json_object_object_add(o, "luns", jl);
                        json_object_array_add(out, o);
                }
                iscsi_luns_free(luns, m);
        }
        if (json) {
                printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
                json_object_put(out);
        }
        iscsi_sessions_free(sessions, n);
        return EXIT_OK;
}

static int verb_rescan(int argc, char **argv)
{
        static const struct option options[] = {
            {"target", required_argument, NULL, 't'},
            {},
        };
        struct iscsi_session *sessions = NULL;
        const char *target = NULL;
        size_t n = 0, scanned = 0;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "+t:", options, NULL)) >= 0)
                switch (c) {
                case 't':
                        target = optarg;
                        break;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("unrecognized argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        r = iscsi_sessions_list(NULL, &sessions, &n);
        if (r < 0) {
                log_error("cannot list the iSCSI sessions: %s", strerror(-r));
                return EXIT_FAIL;
        }
        for (size_t i = 0; i < n; i++) {
                if ((target && strcmp(sessions[i].target, target) != 0) ||
                    strcmp(sessions[i].state, "LOGGED_IN") != 0)
                        continue;
                r = iscsi_session_rescan(NULL, &sessions[i], RESCAN_TIMEOUT_MS);
                if (r < 0)
                        log_error("session%u (%s): rescan failed: %s", sessions[i].id,
                                  sessions[i].target, strerror(-r));
                else {
                        printf("session%u (%s): rescanned\n", sessions[i].id, sessions[i].target);
                        scanned++;
                }
        }
        iscsi_sessions_free(sessions, n);
        if (scanned == 0) {
                log_error("no logged-in session%s%s to rescan", target ? " to " : "",
                          target ? target : "");
                return EXIT_FAIL;
        }
        return EXIT_OK;
}

static const struct verb verbs[] = {
    {"status", 0, 1, verb_status, "status [--json]", "this node's iSCSI sessions and their LUNs"},
    {"rescan", 0, VERB_ANY, verb_rescan, "rescan [--target IQN]",
     "scan logged-in sessions for new LUNs"},
};

int cmd_initiator(int argc, char **argv)
{
        return dispatch_verb("initiator", verbs, ELEMENTSOF(verbs), argc - 1, argv + 1);
}
