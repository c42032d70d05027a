/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Small tools for kernel configfs trees (LIO's target tree): attributes read
 * and written in one system call each, directory listings, and a journal of
 * what one call created so that a failing call can undo exactly that.
 * Everything returns 0 (or a documented count) or a negative errno, and
 * never prints.
 */

#include <stdbool.h>
#include <stddef.h>

#include "shared/macro.h"

/* A configfs attribute is at most one page; one byte more tells "too long" apart. */
#define CFS_ATTR_BUF (4096 + 2)

/* snprintf into buf: 0, or -ENAMETOOLONG when it does not fit. */
int cfs_pathf(char *buf, size_t size, const char *fmt, ...) _printf_(3, 4);

/* Read an attribute into buf, NUL-terminated, one trailing newline removed. Returns its length. */
int cfs_read(const char *path, char *buf, size_t size);

/* Write the whole value in one write(): configfs hands each write to the kernel's store. */
int cfs_write(const char *path, const void *value, size_t size);

/* Make the attribute read value: 1 when it was written, 0 when it already did. */
int cfs_ensure(const char *path, const char *value);

/* Whether the attribute reads exactly value. */
bool cfs_is(const char *path, const char *value);

/*
 * Make an attribute holding a secret hold value: 1 written, 0 unchanged,
 * -errno. The value read back is wiped.
 */
int cfs_secret_ensure(const char *path, const void *value, size_t size);

bool cfs_is_dir(const char *path);

/*
 * The names of dir's entries of one type (DT_DIR or DT_LNK), in natural
 * order. A missing directory has no entries. Free with cfs_strv_free().
 */
int cfs_list(const char *dir, unsigned char type, char ***ret, size_t *ret_n);
void cfs_strv_free(char **v, size_t n);
int cfs_strv_push(char ***v, size_t *n, const char *fmt, ...) _printf_(3, 4);

/* Whether a symlink's text (absolute, or as configfs reads it back) ends in "/<suffix>". */
bool cfs_link_points_to(const char *link_text, const char *suffix);

/*
 * The symlinks in dir against the one expected: 1 when one points to
 * suffix, 0 when dir holds none, -EEXIST when one points elsewhere (its
 * text in other).
 */
int cfs_link_state(const char *dir, const char *suffix, char *other, size_t other_size);

/* Unlink every symlink in dir, then remove dir: 1 removed, 0 absent, -errno. */
int cfs_remove_links_dir(const char *dir);

/* What one call created (directories and symlinks), oldest first. */
struct cfs_journal {
        struct {
                char *path;
                bool link;
        } * items;
        size_t n;
};

int cfs_journal_add(struct cfs_journal *j, const char *path, bool link);
void cfs_journal_clear(struct cfs_journal *j);

/* Create directory path unless it exists: 1 created, 0 existed, -errno. */
int cfs_ensure_dir(struct cfs_journal *j, const char *path);

/*
 * Make dir hold a symlink name to target (absolute) that reads back as
 * ending in suffix: 1 created, 0 present, -EEXIST when a link points
 * elsewhere (its text in other), -errno.
 */
int cfs_ensure_link(struct cfs_journal *j, const char *dir, const char *name, const char *target,
                    const char *suffix, char *other, size_t other_size);

/*
 * cfs_ensure_dir(dir), then cfs_ensure_link() in it: how a LUN or mapped
 * LUN is made. 1 when the link was created, 0 when present, -errno.
 */
int cfs_ensure_dir_link(struct cfs_journal *j, const char *dir, const char *name,
                        const char *target, const char *suffix, char *other, size_t other_size);

/*
 * Remove what the journal holds, newest first, and clear it. Returns how
 * many objects could not be removed; *ret_left lists them ("path (why)",
 * relative to root; NULL when out of memory), for the caller to free.
 */
size_t cfs_journal_rollback(struct cfs_journal *j, const char *root, char **ret_left);
