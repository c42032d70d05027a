/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Outdated mirror halves. A pool that runs while one node's halves are not
 * all ONLINE (the peer was fenced, its storage link was cut, a disk failed)
 * moves on without them: those halves are outdated. Were that node to import
 * the pool later with only its own halves (the current ones unreachable),
 * ZFS could not tell: it would import the older pool and every write
 * acknowledged since would be gone.
 *
 * So the node that runs the pool records it, as the permanent node attribute
 * "hasan-outdated-<pool>" of the node whose halves fell behind (value: when,
 * UTC), before it acknowledges the degraded import as started and on every
 * monitor that sees a half missing. The mark lives in the CIB, which only a
 * quorate partition writes and every node reads. A marked node imports only
 * with the other node's halves present. The mark is removed once every half
 * is ONLINE and no resilver is running: the halves are current again.
 */

#include <stdbool.h>

#include "lib/spec.h"
#include "lib/zpool.h"

#define OUTDATED_ATTR_PREFIX "hasan-outdated-"

/* Mirror halves of one node in a pool's status. */
struct outdated_halves {
        unsigned total;
        unsigned online;
};

/*
 * Count node's halves (devices named /dev/disk/by-vdev/<node>-...) in st.
 * *ret_unowned: leaves that belong to no storage node of s (may be NULL).
 */
void outdated_count(const struct spec *s, const struct zpool_status *st,
                    const struct spec_node *node, struct outdated_halves *ret,
                    unsigned *ret_unowned);

/* Whether a resilver is running in st. */
bool outdated_resilver_running(const struct zpool_status *st);

/* "hasan-outdated-<pool>". Returns 0 or -ENOMEM. */
int outdated_attr_name(const char *pool, char **ret);

/*
 * Whether node's halves of pool are marked outdated; *ret_since (may be NULL)
 * gets the mark's value ("" when not marked). Returns 0, or -errno when the
 * CIB cannot be read (why filled).
 */
int outdated_get(const char *pool, const char *node, bool *ret, char **ret_since, char *why,
                 size_t why_size);

/* Mark node's halves outdated (now, UTC) or clear the mark. Return 0 or -errno (why filled). */
int outdated_mark(const char *pool, const char *node, char *why, size_t why_size);
int outdated_clear(const char *pool, const char *node, char *why, size_t why_size);
