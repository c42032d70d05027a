/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What hasan exporter reports (docs/exporter.md), one collector per source,
 * each writing its metric families into a struct expo:
 *
 *   pool     the pool's kstat: imported here, and its state (no lock, never hangs)
 *   vdev     `zpool status -j`: each mirror half's state, which node's disk
 *            it is and whether that is this node (layout_vdev_owner()),
 *            and the last scrub or resilver
 *   backend  sysfs: this node's iSCSI session to the peer's backend target
 *   lio      configfs: each LIO LUN's command and byte counters
 *   fence    the fence devices' answers to a status query (probed by the caller)
 *   failover this node's journal: the last failover that brought the pool
 *            here, as hasan timeline puts it together (lib/timeline.h)
 *
 * A collector returns 0, or a negative errno with why filled; the caller
 * then drops what it wrote. Nothing here prints.
 */

#include <stdbool.h>
#include <stddef.h>

#include "lib/exposition.h"
#include "lib/spec.h"
#include "lib/timeline.h"
#include "lib/zpool.h"

struct exporter_source {
        const struct spec *spec;
        const struct spec_node *self; /* this storage node; NULL on the quorum node */
        const char *zfs_kstat;        /* NULL: ZPOOL_KSTAT_DIR */
        const char *sysfs;            /* NULL: /sys */
        const char *lio_root;         /* NULL: LIO_ROOT_DEFAULT */
        unsigned zpool_timeout_ms;    /* bound on `zpool status` */
        const char *journal_file;     /* NULL: this system's journal */
        uint64_t failover_since_usec; /* how far back the journal is read; 0: all of it */
};

int exporter_collect_pool(struct expo *e, const struct exporter_source *src, char *why,
                          size_t why_size);
int exporter_collect_vdev(struct expo *e, const struct exporter_source *src, char *why,
                          size_t why_size);
int exporter_collect_backend(struct expo *e, const struct exporter_source *src, char *why,
                             size_t why_size);
int exporter_collect_lio(struct expo *e, const struct exporter_source *src, char *why,
                         size_t why_size);

/* The vdev collector's metrics from a parsed `zpool status -j` (st of the description's pool). */
void exporter_vdev_metrics(struct expo *e, const struct exporter_source *src,
                           const struct zpool_status *st);

int exporter_collect_failover(struct expo *e, const struct exporter_source *src, char *why,
                              size_t why_size);

/* The failover collector's metrics for f (a failover of this node's journal). */
void exporter_failover_metrics(struct expo *e, const struct timeline_failover *f);

/* One fence device's last status query. */
struct exporter_fence {
        const char *node;   /* the node it fences (borrowed from the description) */
        const char *method; /* "ipmi", "kasa", ... */
        bool up;            /* the device answered the query */
        double checked_at;  /* wall-clock seconds of the query */
};

void exporter_fence_metrics(struct expo *e, const struct exporter_fence *f, size_t n,
                            unsigned interval_s);

/*
 * Ask node's fence device whether it answers: hasan's own agents in
 * process (monitor action), fence_ipmilan as a child with the password on
 * its stdin (lanplus as given). The password comes from the credential
 * store (cred_store, cred_key) and is wiped after use. Returns 1 when the
 * device answered, 0 when it did not (why says what it said), or a
 * negative errno when it could not be asked (no such agent, no credential;
 * why says which).
 */
int exporter_fence_probe(const struct spec_fencing *f, const char *cred_store, const char *cred_key,
                         unsigned timeout_ms, bool ipmi_lanplus, char *why, size_t why_size);
