/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hasan-lab-switch --config FILE [--check] [--verbose]
 *
 *   -c, --config FILE   the plugs to emulate (README.md, "Configuration")
 *   --check             validate the configuration and exit
 *   -v, --verbose       also log debug messages
 *   -h, --help          print this help to stdout
 *   --version           print the version
 *
 * The lab's power switch: emulated smart plugs (Tasmota, Kasa, ESPHome, a
 * Shelly-style HTTP relay) whose relays run commands that start, kill and
 * query a lab machine. Runs in the foreground, logs one line per request on
 * stderr, and prints "ready" on stdout once every listener is bound.
 * SIGTERM or SIGINT stop it (exit 0). Exit status: 1 when it cannot start
 * (a port is taken), 2 for a usage or configuration error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config.h"
#include "switch-config.h"
#include "server.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/verbs.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct config *, config_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct server *, server_free)

static const char synopsis[] = "hasan-lab-switch --config FILE [--check] [--verbose]";

static void help(void)
{
        printf("usage: %s\n\n"
               "Emulate smart plugs (tasmota, kasa, esphome, http) for the lab's machines.\n\n"
               "options:\n"
               "\t-c, --config FILE   the plugs to emulate (JSON)\n"
               "\t--check             validate the configuration and exit\n"
               "\t-v, --verbose       also log debug messages\n"
               "\t-h, --help          print this help\n"
               "\t--version           print the version\n\n"
               "Prints \"ready\" on stdout once every listener is bound, logs one line per\n"
               "request on stderr. Exit status: 0 after SIGTERM or SIGINT, 1 when it cannot\n"
               "start, 2 for a usage or configuration error.\n",
               synopsis);
}

static int usage_error(void)
{
        fprintf(stderr, "usage: %s\n", synopsis);
        return EXIT_USAGE;
}

/* Power commands get /dev/null and a pipe as fds 0-2: make sure those numbers are taken. */
static void ensure_stdio(void)
{
        for (int fd = 0; fd <= 2; fd++)
                if (fcntl(fd, F_GETFD) < 0) {
                        int n = open("/dev/null", O_RDWR);
                        if (n > 2)
                                close(n);
                }
}

int main(int argc, char **argv)
{
        enum { OPT_CHECK = 0x100, OPT_VERSION };
        static const struct option options[] = {
            {"config", required_argument, NULL, 'c'},    {"check", no_argument, NULL, OPT_CHECK},
            {"verbose", no_argument, NULL, 'v'},         {"help", no_argument, NULL, 'h'},
            {"version", no_argument, NULL, OPT_VERSION}, {},
        };
        const char *config_path = NULL;
        bool check = false;
        int c;

        while ((c = getopt_long(argc, argv, "c:vh", options, NULL)) >= 0) {
                switch (c) {
                case 'c':
                        config_path = optarg;
                        break;
                case OPT_CHECK:
                        check = true;
                        break;
                case 'v':
                        log_set_max_level(LOG_LEVEL_DEBUG);
                        break;
                case 'h':
                        help();
                        return EXIT_OK;
                case OPT_VERSION:
                        printf("hasan-lab-switch %s\n", HASAN_VERSION);
                        return EXIT_OK;
                default:
                        return usage_error();
                }
        }
        if (optind < argc) {
                log_error("unexpected argument '%s'", argv[optind]);
                return usage_error();
        }
        if (!config_path) {
                log_error("missing --config FILE");
                return usage_error();
        }

        ensure_stdio();

        _cleanup_(config_freep) struct config *cfg = NULL;
        int r = config_load(config_path, &cfg);
        if (r == -EINVAL)
                return EXIT_USAGE;
        if (r < 0)
                return EXIT_FAIL;
        if (check) {
                printf("%s: %zu plug%s on %zu address%s, valid\n", config_path, cfg->n_plugs,
                       cfg->n_plugs == 1 ? "" : "s", cfg->n_endpoints,
                       cfg->n_endpoints == 1 ? "" : "es");
                return EXIT_OK;
        }

        /* Signals arrive through a signalfd; power commands get them back unblocked. */
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
                log_error_errno(-errno, "cannot block signals");
                return EXIT_FAIL;
        }
        _cleanup_close_ int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (sigfd < 0) {
                log_error_errno(-errno, "cannot create a signalfd");
                return EXIT_FAIL;
        }
        signal(SIGPIPE, SIG_IGN);

        /* Machines that power_on starts and leaves running become our children when
         * their parent exits, so a killed one is reaped at once instead of lingering as
         * a zombie that still answers kill -0. */
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
                log_warning("cannot become a child subreaper, ignoring: %m");

        _cleanup_(server_freep) struct server *s = NULL;
        if (server_new(cfg, sigfd, &s) < 0)
                return EXIT_FAIL;

        if (printf("ready\n") < 0 || fflush(stdout) != 0)
                log_warning("cannot write 'ready' to stdout, ignoring");
        return server_run(s) < 0 ? EXIT_FAIL : EXIT_OK;
}
