/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/lio-run.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/spawn.h"

#define MODPROBE_TIMEOUT_MS 15000u

void lio_run_init(struct lio_run *run, const char *configfs, bool ocf, bool json)
{
        *run = (struct lio_run){
            .lio = {.root = configfs, .report = lio_run_report, .userdata = run},
            .lock_fd = -1,
            .ocf = ocf,
            .json = json,
        };
}

void lio_run_done(struct lio_run *run)
{
        if (run->lock_fd >= 0)
                close(run->lock_fd);
        lio_ctx_clear(&run->lio);
        cred_store_free(run->store);
        cred_key_free(run->key);
        spec_free(run->spec);
        *run = (struct lio_run){.lock_fd = -1};
}

void lio_run_report(void *userdata, const char *line)
{
        const struct lio_run *run = userdata;

        if (run->ocf)
                log_info("%s", line);
        else if (!run->json)
                printf("%s\n", line);
}

int lio_run_load_store(struct lio_run *run, const char *cred_key, const char *cred_store,
                       const char *verb)
{
        int r = cred_key_load(cred_key, &run->key);

        if (r < 0) {
                log_error("cannot %s: cannot read key file '%s': %s", verb, cred_key,
                          cred_strerror(r));
                return -ENOKEY;
        }
        r = cred_store_load(cred_store, run->key, &run->store);
        if (r < 0) {
                log_error("cannot %s: cannot read credential store '%s': %s", verb, cred_store,
                          cred_strerror(r));
                return -ENOKEY;
        }
        return 0;
}

int lio_run_modprobe(char *const modules[], char *why, size_t size)
{
        char *argv[2 + 6 + 1] = {"modprobe", "-a"};
        struct spawn_options opts = {.timeout_ms = MODPROBE_TIMEOUT_MS};
        struct spawn_result res = {0};
        size_t n = 2;
        char how[64];
        int r;

        for (size_t i = 0; modules[i]; i++) {
                if (n >= ELEMENTSOF(argv) - 1)
                        return -E2BIG;
                argv[n++] = modules[i];
        }
        if (why && size > 0)
                why[0] = '\0';
        r = spawn_run(argv, &opts, &res);
        if (r < 0 && r != -ETIMEDOUT) {
                if (why)
                        snprintf(why, size, "cannot run modprobe: %s", strerror(-r));
                return r;
        }
        if (!spawn_result_success(&res)) {
                if (why) {
                        char first[192];
                        spawn_result_first_line(&res, first, sizeof(first));
                        snprintf(why, size, "modprobe %s%s%s",
                                 spawn_result_describe(&res, how, sizeof(how)),
                                 first[0] ? ": " : "", first);
                }
                r = r < 0 ? r : -EIO;
        }
        spawn_result_clear(&res);
        return r;
}
