/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The backend iSCSI target, kept in LIO's configfs tree directly (no
 * targetcli, no rtslib): a mkdir, symlink or one write per object, each
 * compared with what is there before anything is changed.
 *
 * Every storage node runs one backend target all the time (the skeleton):
 *
 *   iscsi/<backend.target_iqn>/tpgt_1/
 *       np/<storage address>:<backend port>/        the only portal
 *       attrib/authentication = 1, generate_node_acls = 0,
 *              demo_mode_write_protect = 1
 *       param/AuthMethod = CHAP
 *       acls/<peer's backend.initiator_iqn>/        the only ACL
 *           auth/userid          = the peer's initiator IQN
 *           auth/password        = secret of this node's backend.credential
 *           auth/userid_mutual   = this node's target IQN
 *           auth/password_mutual = secret of this node's backend.mutual_credential
 *       enable = 1
 *
 * and exports its disks (data, slog, special: layout_disks() order) only
 * while it does not hold the pool, LUN N for disk N:
 *
 *   core/iblock_<4000+N>/backend-lun<N>/            iblock backstore
 *       control "udev_path=<resolved device>", udev_path = <disk path>,
 *       enable = 1, wwn/vpd_unit_serial = lio_unit_serial(node, N)
 *   iscsi/<iqn>/tpgt_1/lun/lun_<N>/backend-lun<N> -> core/iblock_<4000+N>/backend-lun<N>
 *   iscsi/<iqn>/tpgt_1/acls/<peer iqn>/lun_<N>/backend-lun<N> -> .../tpgt_1/lun/lun_<N>
 *
 * The HBA range iblock_4000..iblock_4999 belongs to the backend: whatever is
 * found there is hasan's, which lets stop clean up without the description.
 * Symlinks are created with absolute targets (configfs resolves a relative
 * target against the caller's working directory, not the link's).
 *
 * Functions return 0 (or a documented count) or a negative errno. On
 * failure the context's error holds one line naming the object and the
 * reason; an operation that fails midway removes again what it created in
 * that call and says in that line what is left. The library never prints:
 * what each step found and did goes to the context's report callback.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/spec.h"

#define LIO_ROOT_DEFAULT "/sys/kernel/config/target"
#define LIO_ZFS_KSTAT_DEFAULT "/proc/spl/kstat/zfs"
#define LIO_TPGT 1u
#define LIO_HBA_BASE 4000u
#define LIO_HBA_COUNT 1000u /* iblock_4000 .. iblock_4999 */
#define LIO_SERIAL_SIZE 37u /* 8-4-4-4-12 hex digits and the NUL */
#define LIO_CHAP_SECRET_MAX 255u

struct lio_ctx {
        const char *root;      /* configfs target directory; NULL: LIO_ROOT_DEFAULT */
        const char *zfs_kstat; /* where imported pools appear; NULL: LIO_ZFS_KSTAT_DEFAULT */
        void (*report)(void *userdata, const char *line); /* progress; may be NULL */
        void *userdata;
        char *error; /* why the last failed call failed; freed by lio_ctx_clear() */
};

void lio_ctx_clear(struct lio_ctx *c);

/* A borrowed secret; never copied, printed or logged by this module. */
struct lio_secret {
        const uint8_t *data;
        size_t size;
};

struct lio_lun {
        unsigned lun;
        const char *device; /* the disk path from the description (borrowed) */
        char serial[LIO_SERIAL_SIZE];
};

/* What this node's backend target should look like. Strings borrow from the spec. */
struct lio_backend {
        const char *node;
        const char *target_iqn;
        const char *initiator_iqn; /* the peer's: the one ACL, and the CHAP user name */
        char portal[32];           /* "<storage address>:<port>" */
        const char *pool;          /* nothing is exported while it is imported here */
        const char *credential;    /* credential names, for messages */
        const char *mutual_credential;
        struct lio_secret password; /* needed by lio_target_up() and lio_export() only */
        struct lio_secret password_mutual;
        struct lio_lun *luns;
        size_t n_luns;
};

/*
 * Build the desired state of node's backend from a validated description.
 * Returns 0, -ENODEV (the node has no backend), -EADDRNOTAVAIL (no storage
 * address), -ESRCH (no peer storage node with a backend initiator IQN) or
 * -ENOMEM. The result borrows strings from s: free it before s.
 */
int lio_backend_from_spec(const struct spec *s, const struct spec_node *node,
                          struct lio_backend **ret);
struct lio_backend *lio_backend_free(struct lio_backend *b);

/* ---- names and parsers (pure) ---- */

/* "iblock_<4000+lun>" and "backend-lun<lun>"; -ERANGE for lun >= LIO_HBA_COUNT. */
int lio_hba_name(unsigned lun, char *buf, size_t size);
int lio_storage_object_name(unsigned lun, char *buf, size_t size);

/* The LUN an HBA directory name stands for: 0 for "iblock_4000".."iblock_4999", else -ENOENT. */
int lio_hba_lun(const char *name, unsigned *ret);

/* N of "lun_<N>" (canonical decimal only), else -EINVAL. */
int lio_lun_dir_number(const char *name, unsigned *ret);

/*
 * The VPD unit serial of LUN lun of node: hex digits in UUID form, derived
 * from SHA-256("hasan backend <node> lun <lun>"). Deterministic, so the
 * peer sees the same SCSI identity (and /dev/disk/by-id names) after every
 * failover; all hex, because LIO builds the NAA designator from the
 * serial's hex digits. Returns 0, -EINVAL or -EIO.
 */
int lio_unit_serial(const char *node, unsigned lun, char ret[LIO_SERIAL_SIZE]);

/* The serial for any identity text, the same way: 0 or -EIO. */
int lio_serial_of(const char *identity, char ret[LIO_SERIAL_SIZE]);

/*
 * Why a secret cannot be a CHAP secret in LIO, or NULL when it can: LIO
 * keeps at most 255 bytes, treats a value starting with "NULL" as unset,
 * and the value must survive iscsid.conf, so printable ASCII without
 * blanks only.
 */
const char *lio_chap_secret_problem(const uint8_t *data, size_t size);

/* The serial from a wwn/vpd_unit_serial read ("T10 VPD Unit Serial Number: X"). */
const char *lio_parse_unit_serial(const char *text);

/*
 * The block device an enabled iblock backstore holds, from its info file
 * ("... Major: 8 Minor: 16 ..."). -ENODATA when it holds none (Major: 0),
 * -EINVAL when the text has no such field.
 */
int lio_parse_iblock_device(const char *text, unsigned *ret_major, unsigned *ret_minor);

enum lio_session {
        LIO_SESSION_NONE,      /* "No active iSCSI Session for Initiator Endpoint" */
        LIO_SESSION_LOGGED_IN, /* a session in TARG_SESS_STATE_LOGGED_IN */
        LIO_SESSION_OTHER,     /* a session in another state (logging in, failed, ...) */
        LIO_SESSION_UNKNOWN,   /* no ACL, or its info could not be read */
};

/* The peer's session from an ACL's info file. */
enum lio_session lio_parse_acl_info(const char *text);
const char *lio_session_to_string(enum lio_session s);

/* Whether a symlink's text (absolute, or as configfs reads it back) ends in "/<suffix>". */
bool lio_link_points_to(const char *link_text, const char *suffix);

/* ---- state ---- */

struct lio_lun_status {
        unsigned lun;
        const char *device;  /* from the description */
        bool present;        /* any object of this LUN exists */
        bool backstore;      /* core/iblock_<4000+N>/backend-lun<N> exists */
        bool enabled;        /* ... and its enable reads 1 */
        bool device_matches; /* ... and it holds the description's disk */
        bool serial_matches; /* ... with the deterministic serial */
        bool tpg_lun;        /* lun/lun_<N> links to the backstore */
        bool mapped;         /* the peer's ACL maps lun_<N> to it, writable */
        char problem[256];   /* the first thing missing or wrong; "" when complete or absent */
};

struct lio_status {
        bool available; /* the configfs root exists */
        bool target;    /* iscsi/<iqn> */
        bool tpg;       /* tpgt_1 */
        bool tpg_enabled;
        bool portal;     /* np/<portal> */
        bool attributes; /* authentication, generate_node_acls, demo_mode_write_protect, AuthMethod
                          */
        bool acl;        /* acls/<peer iqn> */
        bool chap_userid;
        bool chap_userid_mutual;
        bool chap_readable; /* the passwords could be read (needs CAP_SYS_ADMIN) */
        bool chap_password; /* set (and equal to the secret when the backend carries it) */
        bool chap_password_mutual;
        enum lio_session session;
        struct lio_lun_status *luns;
        size_t n_luns;
        char **strays; /* skeleton objects the description does not ask for */
        size_t n_strays;
        char **stray_luns; /* LUN or backstore objects beyond the description's disks */
        size_t n_stray_luns;
};

enum lio_export {
        LIO_EXPORT_NONE,    /* no LUN object of the backend exists */
        LIO_EXPORT_FULL,    /* every disk exported, the skeleton complete, nothing stray */
        LIO_EXPORT_PARTIAL, /* anything in between */
};

const char *lio_export_to_string(enum lio_export e);

bool lio_lun_status_complete(const struct lio_lun_status *l);
bool lio_status_skeleton_complete(const struct lio_status *s);
enum lio_export lio_status_export(const struct lio_status *s);

/*
 * Read the state of b's objects; configfs reads and stat() of the disks
 * only (fast enough for a monitor). A missing configfs root is no error:
 * ret->available is false then. Returns 0 or -ENOMEM; release with
 * lio_status_clear().
 */
int lio_read_status(struct lio_ctx *c, const struct lio_backend *b, struct lio_status *ret);
void lio_status_clear(struct lio_status *s);

/* ---- operations ---- */

/* 0 when the configfs root exists, -ENOENT when not (LIO not loaded or configfs not mounted). */
int lio_available(const struct lio_ctx *c);

/* 1 when pool is imported on this node (its kstat directory exists), 0 when not, or -errno. */
int lio_pool_imported(const struct lio_ctx *c, const char *pool);

/* Create or repair the skeleton (no LUNs); removes stray portals and ACLs. */
int lio_target_up(struct lio_ctx *c, const struct lio_backend *b);

/*
 * The skeleton plus every LUN, created or repaired; LUN objects beyond the
 * description's disks are removed. Refuses (-EBUSY) while b->pool is
 * imported here, and reports a disk held by someone else as busy.
 */
int lio_export(struct lio_ctx *c, const struct lio_backend *b);

/*
 * Remove every LUN (mapped LUNs, TPG LUNs, backstores) so the disks are
 * free; the skeleton stays. target_iqn may be NULL: then only LUNs that
 * link to the backend's HBA range, and the backstores there, are removed.
 * Having nothing to remove is success. Returns the number of LUNs removed.
 */
int lio_unexport(struct lio_ctx *c, const char *target_iqn);

/* lio_unexport(), then the whole target (TPGs, portals, ACLs). */
int lio_target_down(struct lio_ctx *c, const char *target_iqn);
