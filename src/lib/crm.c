/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/crm.h"
#include "shared/macro.h"

/* crm_* tools print no more than this for anything hasan asks them. */
#define CRM_OUTPUT_MAX ((size_t)4 << 20)

void crm_trim_trailing(char *s)
{
        size_t n = strlen(s);

        while (n > 0 &&
               (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
                s[--n] = '\0';
}

int crm_tool_run(char *const argv[], unsigned timeout_ms, struct spawn_result *ret, char *why,
                 size_t why_size)
{
        struct spawn_options opts = {.timeout_ms = timeout_ms, .max_output = CRM_OUTPUT_MAX};
        struct spawn_result res = {0};
        char how[64], line[256];
        int r;

        r = spawn_run(argv, &opts, &res);
        if (r < 0 && r != -ETIMEDOUT) {
                snprintf(why, why_size, "cannot run %s: %s", argv[0], strerror(-r));
                return r;
        }
        if (!spawn_result_success(&res)) {
                spawn_result_first_line(&res, line, sizeof(line));
                snprintf(why, why_size, "%s %s%s%s", argv[0],
                         spawn_result_describe(&res, how, sizeof(how)), line[0] ? ": " : "", line);
                spawn_result_clear(&res);
                return r < 0 ? r : -EIO;
        }
        *ret = res;
        return 0;
}

int crm_attr_query(const char *node, const char *name, const char *lifetime, const char *dflt,
                   unsigned timeout_ms, char **ret, char *why, size_t why_size)
{
        char *argv[] = {"crm_attribute",  "--node",    (char *)node, "--name",
                        (char *)name,     "--query",   "--quiet",    "--lifetime",
                        (char *)lifetime, "--default", (char *)dflt, NULL};
        struct spawn_result res;
        int r = crm_tool_run(argv, timeout_ms, &res, why, why_size);

        if (r < 0)
                return r;
        crm_trim_trailing(res.out);
        *ret = TAKE_PTR(res.out);
        spawn_result_clear(&res);
        return 0;
}

int crm_attr_update(const char *node, const char *name, const char *value, unsigned timeout_ms,
                    char *why, size_t why_size)
{
        char *argv[] = {"crm_attribute", "--node",  (char *)node, "--name",      (char *)name,
                        "--lifetime",    "forever", "--update",   (char *)value, NULL};
        struct spawn_result res;
        int r = crm_tool_run(argv, timeout_ms, &res, why, why_size);

        if (r == 0)
                spawn_result_clear(&res);
        return r;
}

int crm_attr_delete(const char *node, const char *name, unsigned timeout_ms, char *why,
                    size_t why_size)
{
        char *argv[] = {"crm_attribute", "--node",  (char *)node, "--name", (char *)name,
                        "--lifetime",    "forever", "--delete",   NULL};
        struct spawn_result res;
        int r = crm_tool_run(argv, timeout_ms, &res, why, why_size);

        if (r == 0)
                spawn_result_clear(&res);
        return r;
}
