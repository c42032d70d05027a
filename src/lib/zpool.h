/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The ZFS pool at run time: its state from the kstat (no locks, never
 * hangs), import and export through zpool(8), and `zpool status -j`
 * (OpenZFS 2.3+) parsed into what the agents and the scrub timer need.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZPOOL_KSTAT_DIR "/proc/spl/kstat/zfs"

/*
 * The pool's state as the kstat reports it ("ONLINE", "DEGRADED", ...,
 * possibly "" or "OFFLINE" for a moment right after an import). Returns 0,
 * -ENOENT when the pool is not imported here, or -errno.
 */
int zpool_kstat_state(const char *pool, char **ret);

/* The same from another kstat directory (NULL: ZPOOL_KSTAT_DIR). */
int zpool_kstat_state_in(const char *kstat_dir, const char *pool, char **ret);

bool zpool_is_imported(const char *pool);

/* zpool_is_imported() against another kstat directory (NULL: ZPOOL_KSTAT_DIR). */
bool zpool_is_imported_in(const char *kstat_dir, const char *pool);

/* True for the states a freshly imported pool passes through before it settles. */
bool zpool_state_is_transitional(const char *state);

/*
 * Read the state until it is not transitional, at most timeout_ms. Returns
 * 0 with the settled (or last) state, -ENOENT (not imported), or -errno.
 */
int zpool_settled_state(const char *pool, unsigned timeout_ms, char **ret);

/* One leaf vdev (disk) of the pool. */
struct zpool_leaf {
        char *name;   /* as zpool status names it */
        char *path;   /* device path, NULL for a missing device */
        char *state;  /* "ONLINE", "UNAVAIL", "REMOVED", "FAULTED", "DEGRADED", ... */
        char *vclass; /* "normal", "log", "special", ... */
        char *vdev;   /* its top-level vdev ("mirror-0"), or its own name when it is one */
};

struct zpool_status {
        char *state;         /* the pool's state */
        char *scan_function; /* "SCRUB", "RESILVER", NULL when never scanned */
        char *scan_state;    /* "SCANNING", "FINISHED", "CANCELED", NULL */
        int64_t scan_start;  /* seconds since the epoch, 0 when unknown */
        int64_t scan_end;
        uint64_t scan_processed; /* bytes repaired/resilvered by the last scan */
        uint64_t scan_examined;
        uint64_t scan_to_examine; /* bytes the scan has to examine in all */
        struct zpool_leaf *leaves;
        size_t n_leaves;
};

void zpool_status_clear(struct zpool_status *st);

/* Parse `zpool status -j --json-int POOL` output. Returns 0, -ENOENT (pool absent), -EBADMSG. */
int zpool_status_parse(const char *json, const char *pool, struct zpool_status *ret);

/*
 * The zpool(8) calls. Each runs through spawn_run() bounded by timeout_ms;
 * on failure why holds the tool's first line of complaint. Return 0,
 * -ETIMEDOUT, -EIO (the tool failed) or -errno.
 */
int zpool_status_read(const char *pool, unsigned timeout_ms, struct zpool_status *ret, char *why,
                      size_t why_size);
int zpool_import(const char *pool, char *const *dirs, size_t n_dirs, unsigned timeout_ms, char *why,
                 size_t why_size);
int zpool_export(const char *pool, bool force, unsigned timeout_ms, char *why, size_t why_size);
int zpool_online(const char *pool, const char *device, unsigned timeout_ms, char *why,
                 size_t why_size);
/* Clear a device's errors: brings back a half ZFS faulted for too many errors. */
int zpool_clear(const char *pool, const char *device, unsigned timeout_ms, char *why,
                size_t why_size);
int zpool_scrub(const char *pool, unsigned timeout_ms, char *why, size_t why_size);
