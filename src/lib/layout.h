/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * How the description maps onto the backend storage path, in one place:
 *
 *  - Each storage node exports its disks to the peer as backend LUNs. LUN
 *    numbers follow the description's disk order: data disks first, then
 *    slog disks, then special disks. LUN i of one node therefore mirrors
 *    local disk i of the other (the validator insists on equal counts).
 *  - The peer's LUN i appears on this node as
 *      /dev/disk/by-path/ip-<peer storage address>:<port>-iscsi-<peer target IQN>-lun-<i>
 *    (the name udev's path_id gives an iSCSI LUN).
 *  - The local node is the storage node whose name equals this host's short
 *    host name, unless the caller names it.
 */

#include <stddef.h>

#include "lib/spec.h"

/* Where udev puts the by-path names of the peer's LUNs. */
#define LAYOUT_BY_PATH_DIR "/dev/disk/by-path"

struct backend_disk {
        enum disk_class class;
        unsigned class_index; /* position within its class */
        unsigned lun;         /* the LUN number it is exported as */
        const char *path;     /* the local device path from the description (borrowed) */
};

/* Number of disks a node exports (data + slog + special). */
size_t layout_disk_count(const struct spec_node *n);

/*
 * Fill *ret with the node's disks in LUN order (borrowed paths; free the
 * array only). Returns the count (0 for a node without disks), or -ENOMEM.
 */
int layout_disks(const struct spec_node *n, struct backend_disk **ret);

/* The other storage node, or NULL when the description has none. */
const struct spec_node *layout_peer(const struct spec *s, const struct spec_node *n);

/*
 * The local storage node: the node called name, or, when name is NULL, the
 * node whose name is this host's short host name. Returns 0, -ENOENT (no
 * such node), -EMEDIUMTYPE (the node is not a storage node), or a
 * gethostname() error.
 */
int layout_local_node(const struct spec *s, const char *name, const struct spec_node **ret);

/*
 * The by-path name of LUN lun exported by node exporter:
 * "/dev/disk/by-path/ip-10.10.10.2:3260-iscsi-iqn...:storage-b-lun-0".
 * Returns 0, -EINVAL (the node has no storage address or no backend), -ENOMEM.
 */
int layout_lun_path(const struct spec *s, const struct spec_node *exporter, unsigned lun,
                    char **ret);

/* "ip-<addr>:<port>-iscsi-<iqn>-lun-": the common prefix of those names (in LAYOUT_BY_PATH_DIR). */
int layout_lun_prefix(const struct spec *s, const struct spec_node *exporter, char **ret);
