/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan hostid [show] [--file PATH]
 *      Print this node's hostid as 8 hex digits (exit 1 if unset).
 *
 * hasan hostid set --yes HEX [--file PATH]
 *      Write /etc/hostid. Changing a hostid under an imported multihost pool
 *      makes ZFS treat the pool as another host's, so this demands --yes.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "lib/hostid.h"
#include "shared/log.h"
#include "shared/parse.h"
#include "shared/verbs.h"

static const char *arg_file = "/etc/hostid";
static bool arg_yes = false;

static int verb_show(int argc, char **argv)
{
        uint32_t id;
        int r = hostid_read(arg_file, &id);

        if (r == -EBADMSG) {
                log_error("cannot read hostid '%s': not a 4-byte hostid file", arg_file);
                return EXIT_FAIL;
        }
        if (r < 0) {
                log_error_errno(r, "cannot read hostid '%s'", arg_file);
                return EXIT_FAIL;
        }
        printf("%08x\n", id);
        return EXIT_OK;
}

static int verb_set(int argc, char **argv)
{
        uint32_t id;
        int r;

        if (parse_hex_u32(argv[1], 8, &id) < 0 || id == 0) {
                log_error("invalid hostid '%s': expected 8 hex digits, not all zero", argv[1]);
                return EXIT_USAGE;
        }
        if (!arg_yes) {
                log_error("cannot set hostid '%s': changing the hostid of a node that has a "
                          "multihost pool imported makes ZFS treat it as a foreign host",
                          argv[1]);
                fprintf(stderr, "run again with --yes if no pool is imported here\n");
                return EXIT_USAGE;
        }
        r = hostid_write(arg_file, id);
        if (r < 0) {
                log_error_errno(r, "cannot write hostid '%s'", arg_file);
                return EXIT_FAIL;
        }
        return EXIT_OK;
}

static const struct verb hostid_verbs[] = {
    {"show", 0, 0, verb_show, "show [--file PATH]", "print the hostid"},
    {"set", 1, 1, verb_set, "set --yes HEX [--file PATH]", "write the hostid"},
};

int cmd_hostid(int argc, char **argv)
{
        static const struct option options[] = {
            {"file", required_argument, NULL, 'f'},
            {"yes", no_argument, NULL, 'y'},
            {"help", no_argument, NULL, 'h'},
            {},
        };
        int c;

        arg_file = "/etc/hostid";
        arg_yes = false;
        optind = 0;
        while ((c = getopt_long(argc, argv, "f:yh", options, NULL)) >= 0) {
                switch (c) {
                case 'f':
                        arg_file = optarg;
                        break;
                case 'y':
                        arg_yes = true;
                        break;
                case 'h':
                        print_verbs_usage(stdout, "hostid", hostid_verbs, ELEMENTSOF(hostid_verbs));
                        return EXIT_OK;
                default:
                        print_verbs_usage(stderr, "hostid", hostid_verbs, ELEMENTSOF(hostid_verbs));
                        return EXIT_USAGE;
                }
        }
        if (optind >= argc)
                return verb_show(0, NULL);
        return dispatch_verb("hostid", hostid_verbs, ELEMENTSOF(hostid_verbs), argc - optind,
                             argv + optind);
}
