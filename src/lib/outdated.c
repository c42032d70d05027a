/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/crm.h"
#include "lib/layout.h"
#include "lib/outdated.h"
#include "shared/macro.h"

/* One crm_attribute call; the agents' operations have timeouts of a minute and more. */
#define OUTDATED_CRM_TIMEOUT_MS 15000u

void outdated_count(const struct spec *s, const struct zpool_status *st,
                    const struct spec_node *node, struct outdated_halves *ret,
                    unsigned *ret_unowned)
{
        struct outdated_halves h = {0};
        unsigned unowned = 0;

        for (size_t i = 0; i < st->n_leaves; i++) {
                const struct zpool_leaf *l = &st->leaves[i];
                const struct spec_node *owner = layout_vdev_owner(s, l->path);

                if (!owner)
                        unowned++;
                if (owner != node)
                        continue;
                h.total++;
                if (l->state && strcmp(l->state, "ONLINE") == 0)
                        h.online++;
        }
        *ret = h;
        if (ret_unowned)
                *ret_unowned = unowned;
}

bool outdated_resilver_running(const struct zpool_status *st)
{
        return st->scan_function && strcmp(st->scan_function, "RESILVER") == 0 && st->scan_state &&
               strcmp(st->scan_state, "SCANNING") == 0;
}

int outdated_attr_name(const char *pool, char **ret)
{
        return asprintf(ret, OUTDATED_ATTR_PREFIX "%s", pool) < 0 ? -ENOMEM : 0;
}

int outdated_get(const char *pool, const char *node, bool *ret, char **ret_since, char *why,
                 size_t why_size)
{
        _cleanup_free_ char *name = NULL, *value = NULL;
        int r;

        if (outdated_attr_name(pool, &name) < 0)
                return -ENOMEM;
        /* The default is what no mark can be: a mark's value is never empty. */
        r = crm_attr_query(node, name, "forever", "", OUTDATED_CRM_TIMEOUT_MS, &value, why,
                           why_size);
        if (r < 0)
                return r;
        *ret = value[0] != '\0';
        if (ret_since)
                *ret_since = TAKE_PTR(value);
        return 0;
}

int outdated_mark(const char *pool, const char *node, char *why, size_t why_size)
{
        _cleanup_free_ char *name = NULL;
        time_t now = time(NULL);
        char since[32];
        struct tm tm;

        if (outdated_attr_name(pool, &name) < 0)
                return -ENOMEM;
        strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
        return crm_attr_update(node, name, since, OUTDATED_CRM_TIMEOUT_MS, why, why_size);
}

int outdated_clear(const char *pool, const char *node, char *why, size_t why_size)
{
        _cleanup_free_ char *name = NULL;

        if (outdated_attr_name(pool, &name) < 0)
                return -ENOMEM;
        return crm_attr_delete(node, name, OUTDATED_CRM_TIMEOUT_MS, why, why_size);
}
