/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Creating the SAN pool (docs/pool.md): one ZFS pool of cross-node mirrors,
 * local disk i with the peer's backend LUN i, made once, by hand, on the
 * node that will own it first, and left exported for Pacemaker.
 *
 * The work is split so that everything that decides is a pure function:
 *
 *   pool_facts_layout()   who pairs with whom, from the description (no I/O)
 *   pool_discover()       what the disks, the hostid and ZFS look like now
 *   pool_plan_check()     every reason not to go ahead       (pure)
 *   pool_plan_commands()  the exact commands, as argv arrays (pure)
 *
 * The command layer prints the plan, and runs the commands through
 * spawn_run(). Nothing here prints.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/blockdev.h"
#include "lib/spec.h"

#define POOL_HOSTID_FILE "/etc/hostid"
/* An imported pool has a directory here (what ocf:heartbeat:ZFS checks, without locks). */
#define POOL_PROC_ZFS_DIR "/proc/spl/kstat/zfs"

/* Time limits of the commands, in milliseconds. */
#define POOL_CREATE_TIMEOUT_MS 120000u
#define POOL_DATASET_TIMEOUT_MS 60000u
#define POOL_EXPORT_TIMEOUT_MS 60000u
#define POOL_DESTROY_TIMEOUT_MS 60000u
#define POOL_LIST_TIMEOUT_MS 30000u
/* zpool import reads the labels of every disk in the directories it is given. */
#define POOL_IMPORT_SCAN_TIMEOUT_MS 120000u

/* Flags of pool_plan_check(). */
enum {
        /* Signatures on the disks will be wiped: they are no reason to refuse. */
        POOL_PLAN_WIPE = 1u << 0,
};

/* One disk of one side of the pool. */
struct pool_device {
        enum disk_class class;
        unsigned class_index;     /* position within its class */
        unsigned lun;             /* position in LUN order: data, then slog, then special */
        struct blockdev_info dev; /* dev.path: the stable name (by-id, or the LUN's by-path) */
        char *vdev;               /* the name the pool uses: /dev/disk/by-vdev/<node>-<class><i> */
        char *vdev_resolved;      /* what it resolves to here, NULL when it does not exist */
};

/* A yes/no fact about ZFS; when error is set, the answer is not known. */
struct pool_zfs_fact {
        bool yes;
        char *detail; /* what was seen ("state: UNAVAIL, status: ..."), may be NULL */
        char *error;  /* why it could not be told, NULL when it could */
};

void pool_zfs_fact_clear(struct pool_zfs_fact *z);

/*
 * Whether pool is imported on this node: its kstat directory under
 * proc_zfs_dir (NULL: POOL_PROC_ZFS_DIR) exists, or else zpool list knows
 * it. Replaces *ret; when it cannot be told, ret->error says why. Returns 0
 * or -ENOMEM.
 */
int pool_look_imported(const char *pool, const char *proc_zfs_dir, struct pool_zfs_fact *ret);

struct pool_facts {
        char *pool;       /* the pool's name */
        char *node;       /* the local storage node */
        char *peer;       /* the other storage node, whose LUNs this node sees */
        char *lun_prefix; /* by-path name of the peer's LUNs without the number */

        struct pool_device *local; /* this node's disks, in LUN order */
        size_t n_local;
        struct pool_device *remote; /* the peer's LUNs, in LUN order */
        size_t n_remote;
        char **extra_luns; /* by-path names of peer LUNs numbered n_remote and up */
        size_t n_extra_luns;
        char *lun_dir;     /* where they were looked for */
        int lun_dir_error; /* 0, or -errno when it could not be listed */

        char *hostid_file;
        int hostid_error; /* 0, -ENOENT, -EBADMSG (not 4 bytes), ... */
        uint32_t hostid;
        bool has_expected_hostid; /* the description names this node's hostid */
        uint32_t expected_hostid;

        struct pool_zfs_fact imported;   /* the pool is imported on this node */
        struct pool_zfs_fact importable; /* zpool import lists it: it exists on some disks */
};

/*
 * Fill *ret from the description alone: pool, node names, the disks of
 * both sides with their stable names, the expected hostid. Device facts
 * stay empty (exists = false) until pool_discover(). Returns 0, -ENOENT
 * (no peer storage node), -EINVAL (the peer has no storage address or no
 * backend target), -ENOMEM.
 */
int pool_facts_layout(const struct spec *s, const struct spec_node *local, struct pool_facts *ret);

void pool_facts_clear(struct pool_facts *f);

struct pool_discover_options {
        const char *hostid_file;  /* NULL: POOL_HOSTID_FILE */
        const char *proc_zfs_dir; /* NULL: POOL_PROC_ZFS_DIR */
        const char *by_path_dir;  /* NULL: LAYOUT_BY_PATH_DIR (where extra LUNs show) */
        const char *by_vdev_dir;  /* NULL: LAYOUT_VDEV_DIR (where the pool's names are) */
        unsigned blockdev_flags;  /* BLOCKDEV_ALLOW_REGULAR in tests only */
};

/*
 * Look at the world: probe every device of f (by its dev.path), list the
 * peer's LUNs beyond the expected ones, read the hostid, and ask ZFS
 * whether the pool is imported here (kstat directory, else zpool list) and
 * whether zpool import sees it on /dev/disk/by-id and /dev/disk/by-path.
 * What cannot be found out is recorded in f, for pool_plan_check() to
 * refuse. o may be NULL. Returns 0 or -ENOMEM.
 */
int pool_discover(struct pool_facts *f, const struct pool_discover_options *o);

/*
 * Whether the output of "zpool import" lists pool ("pool: NAME" lines).
 * *ret_detail (may be NULL) gets its state and status lines, or NULL.
 * Returns 0 or -ENOMEM.
 */
int pool_import_output_lists(const char *output, const char *pool, bool *ret_found,
                             char **ret_detail);

struct pool_problem {
        char *object;  /* what it is about: a device, the pool, a property, the hostid file */
        char *message; /* why that stops the creation, and what to do where it is known */
};

struct pool_problems {
        struct pool_problem *items;
        size_t n;
};

void pool_problems_clear(struct pool_problems *p);

/*
 * Every reason not to create the pool, appended to *problems: class counts
 * that differ between the nodes, LUNs the description does not know,
 * missing, unexaminable, non-block or busy devices, a device named twice,
 * signatures (unless POOL_PLAN_WIPE), mirror halves of different sizes, the
 * pool imported here or visible on the disks (or either unknown), a
 * missing, malformed, zero or unexpected hostid, and properties the
 * commands would pass twice or cannot pass. Returns 0 or -ENOMEM.
 */
int pool_plan_check(const struct pool_facts *f, const struct spec_pool *pool, unsigned flags,
                    struct pool_problems *problems);

enum pool_step {
        POOL_STEP_CREATE,
        POOL_STEP_DATASET,
        POOL_STEP_EXPORT,
        POOL_STEP_DESTROY,
        _POOL_STEP_MAX,
        _POOL_STEP_INVALID = -EINVAL,
};

const char *pool_step_to_string(enum pool_step s);

struct pool_command {
        enum pool_step step;
        char **argv; /* NULL-terminated */
        unsigned timeout_ms;
};

struct pool_commands {
        struct pool_command *items;
        size_t n;
};

/*
 * The commands that create the pool, in order: zpool create (multihost=on,
 * cachefile=none, ashift, then the description's -o and -O properties,
 * then "mirror LOCAL PEER" per data pair, "log mirror ..." and "special
 * mirror ..."), one zfs create per dataset in description order, zpool
 * export. Device arguments are the stable names in f. Returns 0, -EINVAL
 * when pool_plan_check() reports a problem with the pairing or the
 * properties (counts differ, a property passed twice, a volume without a
 * valid size), or -ENOMEM.
 */
int pool_plan_commands(const struct spec_pool *pool, const struct pool_facts *f,
                       struct pool_commands *ret);

/* The rollback: "zpool destroy -f POOL". Returns 0 or -ENOMEM. */
int pool_destroy_command(const char *pool, struct pool_command *ret);

void pool_command_clear(struct pool_command *c);
void pool_commands_clear(struct pool_commands *c);

/* How pool_run() runs a command and learns about the world; the CLI prints from these. */
struct pool_runner {
        /* Run one command: 0 when it succeeded, else -errno (-EIO when it failed). */
        int (*run)(const struct pool_command *c, void *userdata);
        /* Whether the operator asked to stop (a signal): no further step starts then. */
        bool (*stop_requested)(void *userdata);
        /* After a failed zpool create: does the pool exist? 1 yes, 0 no, -errno unknown. */
        int (*pool_exists)(const char *pool, void *userdata);
        void *userdata;
};

enum pool_outcome {
        POOL_OUTCOME_CREATED,     /* every step succeeded: the pool exists, exported */
        POOL_OUTCOME_NOTHING,     /* no pool: zpool create did not run, or made nothing */
        POOL_OUTCOME_ROLLED_BACK, /* a step after zpool create failed; the new pool was destroyed */
        POOL_OUTCOME_LEFT_BEHIND, /* ... and destroying it failed: it is still imported here */
        POOL_OUTCOME_UNKNOWN,     /* zpool create failed; whether it left a pool is not known */
        _POOL_OUTCOME_MAX,
        _POOL_OUTCOME_INVALID = -EINVAL,
};

struct pool_run_result {
        enum pool_outcome outcome;
        size_t done;      /* how many of the commands succeeded, in order */
        bool interrupted; /* the run stopped because stop_requested() said so */
};

/*
 * Run the commands in order and stop at the first failure or stop request.
 * When zpool create succeeded (or failed but left the pool behind, which
 * only this run can have made: the check found none) and a later step
 * fails, roll back with pool_destroy_command(): the pool is new and holds
 * only what this run put there. Fills *ret with what is left; returns 0.
 */
int pool_run(const struct pool_commands *c, const char *pool, const struct pool_runner *runner,
             struct pool_run_result *ret);

/* The command as one shell-quoted line. Returns 0 or -ENOMEM. */
int pool_command_to_string(const struct pool_command *c, char **ret);

/*
 * The whole plan as JSON (docs/pool.md lists the keys): facts, problems,
 * and commands (each as argv and as a shell line); commands may be NULL.
 * Returns 0 or -ENOMEM.
 */
struct json_object;
int pool_plan_to_json(const struct pool_facts *f, const struct pool_problems *problems,
                      const struct pool_commands *commands, unsigned flags,
                      struct json_object **ret);
