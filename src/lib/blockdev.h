/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What a disk looks like before it goes into a pool: does it exist, is it a
 * block device, how big is it, what signatures (superblocks and partition
 * tables, found by libblkid) does it carry, and does anybody hold it open
 * exclusively. Also the one way hasan wipes those signatures.
 *
 * Nothing here prints. Probing records what it finds as facts (a missing
 * device is a fact, not an error); functions return -errno only when they
 * could not do their job at all.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flags for blockdev_probe() and blockdev_wipe(). */
enum {
        /* Accept a regular file as if it were a disk: for tests only, never the CLI. */
        BLOCKDEV_ALLOW_REGULAR = 1u << 0,
};

struct blockdev_signature {
        char *type;           /* libblkid's TYPE or PTTYPE: "ext4", "zfs_member", "gpt", "dos" */
        bool partition_table; /* PTTYPE rather than a superblock's TYPE */
        uint64_t offset;      /* byte offset of the magic that identifies it */
};

struct blockdev_info {
        char *path;     /* the name probed, as given (a /dev/disk/by-id or by-path name) */
        char *resolved; /* realpath() of it (/dev/sdb), NULL when it does not resolve */
        bool exists;    /* the name resolves to something */
        bool is_block;  /* ... that is a block device (or an accepted regular file) */
        bool is_regular_file;
        int error;               /* 0, or -errno when it exists but could not be examined */
        const char *failed_step; /* the step that failed ("open", "libblkid probe", ...) */
        uint64_t size;           /* bytes */
        bool busy; /* an exclusive open failed with EBUSY: mounted, in md/dm/ZFS, LIO */
        struct blockdev_signature *signatures;
        size_t n_signatures;
};

/*
 * Examine path and fill *ret (path is copied). Signatures are listed the way
 * wipefs lists them, backups included (a GPT shows its primary header, its
 * backup header and the protective MBR); the device is only read. Returns 0 whatever the device
 * turned out to be (see exists, is_block, error), or -ENOMEM; -EINVAL when
 * path is empty. A regular file counts as a block device only with
 * BLOCKDEV_ALLOW_REGULAR.
 */
int blockdev_probe(const char *path, unsigned flags, struct blockdev_info *ret);

/* Free what blockdev_probe() filled in and zero it; safe on a zeroed struct. */
void blockdev_info_clear(struct blockdev_info *d);

/*
 * "ext4 at 1080, dos at 510": the signatures for messages, or "" when there
 * are none. Returns 0 or -ENOMEM.
 */
int blockdev_signatures_describe(const struct blockdev_info *d, char **ret);

/*
 * Erase every signature libblkid finds on path (all superblocks, partition
 * tables and their backups), with the device held open exclusively so
 * nobody starts using it meanwhile, then flush it. After a partition table
 * is erased from a block device the kernel is asked to re-read it (best
 * effort). *ret_wiped (may be NULL) gets the number of signatures erased.
 * Returns 0, -EBUSY when the device is in use, -ENOTBLK when it is not a
 * block device (nor an accepted regular file), -ELOOP when signatures kept
 * reappearing, or another -errno.
 */
int blockdev_wipe(const char *path, unsigned flags, unsigned *ret_wiped);

/*
 * The LUN numbers present in dir as entries named prefix + decimal digits
 * (layout_lun_prefix(): "ip-...-lun-"; "-partN" entries are skipped), in
 * ascending order. Returns the count (0 when dir does not exist) with *ret
 * set (free it), or -errno.
 */
int blockdev_list_luns(const char *dir, const char *prefix, unsigned **ret);
