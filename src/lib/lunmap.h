/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The client LUN map: which LUN number each zvol has in each client
 * portal group. It is kept on the pool, in the VLAN dataset's own
 * directory (LUNMAP_FILE_NAME), so it fails over with the zvols and an
 * initiator finds every disk at the same number on either node.
 *
 *   {"format": 1, "tpgs": {"40": {"vm-a": 0, "vm/disk1": 1}}}
 *
 * Keys of a TPG are zvol names relative to the VLAN's dataset; the TPG's
 * key is its tag (the VLAN id), so reordering the VLANs renumbers nothing.
 * An entry is never removed: a zvol that comes back keeps its number, and a
 * new zvol takes the number after the highest one the TPG ever gave out,
 * so a number is never handed to a different disk.
 */

#include <stdbool.h>
#include <stddef.h>

#define LUNMAP_FILE_NAME ".hasan-lun-map.json"
#define LUNMAP_FORMAT 1
#define LUNMAP_MAX_LUN 16383u

struct lunmap_entry {
        char *zvol;
        unsigned lun;
};

struct lunmap_tpg {
        unsigned tpgt;
        struct lunmap_entry *entries;
        size_t n_entries;
};

struct lunmap {
        struct lunmap_tpg *tpgs;
        size_t n_tpgs;
};

void lunmap_clear(struct lunmap *m);

/*
 * Parse a map. Returns 0, -ENOMEM, or -EINVAL with *ret_error naming the
 * offending item (free it). Duplicate numbers within a TPG are refused.
 */
int lunmap_parse(const char *text, struct lunmap *ret, char **ret_error);

/* Load path; a missing file is an empty map. -errno or as lunmap_parse(). */
int lunmap_load(const char *path, struct lunmap *ret, char **ret_error);

/* The map as JSON text (keys in number order); caller frees. NULL on ENOMEM. */
char *lunmap_format(const struct lunmap *m);

/* Write the map durably: temporary file, fsync, rename, fsync of the directory. */
int lunmap_save(const char *path, const struct lunmap *m);

/*
 * Give each of zvols[0..n) its number in TPG tpgt, adding entries for new
 * ones; ret_luns[i] is zvols[i]'s number. *ret_changed tells whether the
 * map gained entries (and must be saved). Returns 0, -ENOMEM, or -ERANGE
 * when the TPG has no number left.
 */
int lunmap_assign(struct lunmap *m, unsigned tpgt, const char *const *zvols, size_t n,
                  unsigned *ret_luns, bool *ret_changed);
