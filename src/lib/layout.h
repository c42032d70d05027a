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
 *  - The pool names every disk by an alias that means the same disk on both
 *    nodes: /dev/disk/by-vdev/<node>-<class><index> ("storage-a-data0"),
 *    made by ZFS's vdev_id udev helper from /etc/zfs/vdev_id.conf, which
 *    points it at the local by-id name on the disk's own node and at the
 *    LUN's by-path name on the peer. A path that exists on one node only
 *    would leave a mirror half that went away unusable on the other node
 *    after a failover, even once its device is back.
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

/* The same for a node of any role: 0, -ENOENT or a gethostname() error. */
int layout_this_node(const struct spec *s, const char *name, const struct spec_node **ret);

/*
 * The by-path name of LUN lun exported by node exporter:
 * "/dev/disk/by-path/ip-10.10.10.2:3260-iscsi-iqn...:storage-b-lun-0".
 * Returns 0, -EINVAL (the node has no storage address or no backend), -ENOMEM.
 */
int layout_lun_path(const struct spec *s, const struct spec_node *exporter, unsigned lun,
                    char **ret);

#define LAYOUT_VDEV_DIR "/dev/disk/by-vdev"

/* "<node>-<class><index>" ("storage-a-data0"): the disk's alias. Returns 0 or -ENOMEM. */
int layout_vdev_alias(const struct spec_node *owner, const struct backend_disk *d, char **ret);

/* LAYOUT_VDEV_DIR "/<alias>". Returns 0 or -ENOMEM. */
int layout_vdev_path(const struct spec_node *owner, const struct backend_disk *d, char **ret);

/*
 * The storage node whose disk the pool's device path names
 * (LAYOUT_VDEV_DIR "/<alias>" or ".../<alias>-part<N>"), or NULL for a path
 * that is no such alias.
 */
const struct spec_node *layout_vdev_owner(const struct spec *s, const char *path);

/*
 * /etc/zfs/vdev_id.conf for node self: an alias line per disk of both
 * storage nodes (own disks by their by-id path, the peer's by its LUN's
 * by-path name). Returns 0, -EINVAL (a node without backend or storage
 * address) or -ENOMEM; *ret is NUL-terminated text.
 */
int layout_vdev_conf(const struct spec *s, const struct spec_node *self, char **ret);

/* "ip-<addr>:<port>-iscsi-<iqn>-lun-": the common prefix of those names (in LAYOUT_BY_PATH_DIR). */
int layout_lun_prefix(const struct spec *s, const struct spec_node *exporter, char **ret);
