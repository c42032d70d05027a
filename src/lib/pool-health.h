/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Is the pool healthy, as the node that holds it sees it? One judgement
 * for verify.yml, os-upgrade.yml and the operator ("hasan pool status"):
 *
 *  - the pool is ONLINE;
 *  - every mirror has an ONLINE half on this node's disk (local) and an
 *    ONLINE half on the peer's disk over iSCSI (remote), told apart by the
 *    disks' by-vdev names (layout_vdev_owner());
 *  - no resilver is running;
 *  - when asked for, the last scrub finished at most max_scrub_age_days ago.
 *
 * Nothing here prints; each problem is one sentence naming the object.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/spec.h"
#include "lib/zpool.h"

struct pool_half {
        const char *device; /* the leaf's path (or name), borrowed from the status */
        const char *node;   /* the storage node whose disk it is, NULL when unknown */
        const char *side;   /* "local", "remote" or "unknown" */
        const char *state;  /* "ONLINE", "UNAVAIL", ... */
};

struct pool_mirror {
        const char *vdev;   /* "mirror-0" (borrowed) */
        const char *vclass; /* "normal", "log", "special" (borrowed) */
        struct pool_half *halves;
        size_t n_halves;
        bool complete; /* an ONLINE local and an ONLINE remote half */
};

struct pool_health {
        struct pool_mirror *mirrors;
        size_t n_mirrors;
        bool resilvering;
        bool scrubbing;
        int64_t last_scrub_end; /* seconds since the epoch; 0 when zpool status does not show it */
        char **problems;
        size_t n_problems;
};

/*
 * Judge st, the status of the description's pool on node self (a storage
 * node of s), at time now (seconds since the epoch). max_scrub_age_days 0:
 * do not judge the scrub. The result borrows strings from st and s: clear
 * it before them. Returns 0 (problems or not) or -ENOMEM.
 */
int pool_health_assess(const struct spec *s, const struct spec_node *self,
                       const struct zpool_status *st, int64_t now, uint32_t max_scrub_age_days,
                       struct pool_health *ret);

void pool_health_clear(struct pool_health *h);
