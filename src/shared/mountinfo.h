/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* One line of /proc/self/mountinfo, its paths unescaped ("\040" is a space). */
struct mount_entry {
        unsigned major, minor; /* st_dev of the mounted filesystem */
        const char *mount_point;
        const char *fstype;
        const char *source; /* for zfs: the dataset's name */
};

#define MOUNTINFO_PATH "/proc/self/mountinfo"

/*
 * Call fn for each entry of a mount table in mountinfo format (normally
 * MOUNTINFO_PATH), in order. Stops at the first non-zero return of fn and
 * returns it; returns 0 after the last entry, or -errno when the table
 * cannot be read. Lines that do not parse are skipped.
 */
int mountinfo_foreach(const char *path, int (*fn)(const struct mount_entry *m, void *userdata),
                      void *userdata);
