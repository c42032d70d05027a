/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the fence agents' stdin parser: any byte string
 * must parse (or fail with a message) without a crash, leak or undefined
 * behaviour, for every agent, and leave the options within their ranges.
 * The first byte picks the agent; validation runs on what was parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const struct fence_agent *a;
        struct fence_options o;
        struct fence_diag d = {0};
        int r;

        if (size < 1)
                return 0;
        a = &fence_agents[data[0] % fence_agents_count];
        fence_options_init(&o, "/nonexistent/credentials", "/nonexistent/credentials.key");

        r = fence_parse_stdin(a, (const char *)data + 1, size - 1, &o, &d);
        if (r != 0 && r != -EINVAL)
                abort();
        if ((r == -EINVAL) != (d.error[0] != '\0'))
                abort(); /* an error always comes with its message, and only then */
        if (o.action < 0 || o.action >= _FENCE_ACTION_MAX)
                abort();
        if (o.n_verify > FENCE_VERIFY_MAX || o.power_timeout < 1 || o.power_timeout > 600 ||
            o.shell_timeout < 1 || o.shell_timeout > 600 || o.verify_timeout < 1 ||
            o.retry_on > 10 || o.delay > 3600)
                abort();
        if (d.n_warnings > FENCE_WARNINGS_MAX)
                abort();
        if (!a->ops->supports_auth && (o.password || o.username || o.credential))
                abort(); /* options a protocol does not use are never set */

        if (r == 0) {
                struct fence_diag v = {0};
                r = fence_options_validate(a, &o, &v);
                if (r != 0 && (r != -EINVAL || !v.error[0]))
                        abort();
                fence_diag_clear(&v);
        }

        fence_diag_clear(&d);
        fence_options_clear(&o);
        return 0;
}
