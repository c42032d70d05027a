/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The client iSCSI targets, kept in LIO's configfs tree directly: one
 * target per client VLAN that offers iscsi, with one portal group whose tag
 * is the VLAN id (so reordering the VLANs renumbers nothing), bound to the
 * VLAN's VIP only:
 *
 *   core/iblock_5000/<zvol below the pool, '/' as '+'>/   one backstore per zvol
 *       control "udev_path=<resolved>", udev_path = /dev/zvol/<zvol>, enable = 1,
 *       wwn/vpd_unit_serial = lio_serial_of("hasan client <zvol guid>"),
 *       attrib/emulate_tpu = 1
 *   iscsi/<target_iqn>/tpgt_<vlan id>/
 *       np/<vip>:3260
 *       attrib/authentication = 1, param/AuthMethod = CHAP (always)
 *       acl mode:        generate_node_acls = 0, demo_mode_write_protect = 1,
 *                        acls/<iqn>/auth/{userid, password[, userid_mutual, password_mutual]}
 *                        acls/<iqn>/lun_<N>/<so> -> tpgt/lun/lun_<N>
 *       generated mode:  generate_node_acls = 1, cache_dynamic_acls = 1,
 *                        demo_mode_write_protect = 0, the CHAP secret on tpgt/auth/
 *       lun/lun_<N>/<so> -> core/iblock_5000/<so>
 *       enable = 1
 *
 * CHAP user names: the initiator's IQN (per-initiator), the VLAN's name
 * (per-vlan); the target's mutual user name is its IQN. Which zvol has
 * which LUN number comes from the LUN map on the pool (lib/lunmap.h).
 *
 * The HBA iblock_5000 belongs to the client targets and iblock_4000..4999
 * to the backend (lib/lio.h): neither ever touches the other's objects.
 * Functions return 0 or a negative errno, with the context's error naming
 * the object and reason; lio_client_up() removes again what it created
 * when it fails. Secrets are borrowed and only ever written to configfs.
 */

#include <stdbool.h>
#include <stddef.h>

#include "lib/lio.h"
#include "lib/spec.h"

#define LIO_CLIENT_HBA "iblock_5000"
#define LIO_CLIENT_PORT 3260u

struct lio_client_initiator {
        const char *iqn;
        const char *credential; /* per-initiator CHAP only */
        const char *mutual_credential;
        struct lio_secret password;
        struct lio_secret password_mutual;
};

struct lio_client_lun {
        unsigned lun;
        size_t backstore; /* index into lio_client.backstores */
};

struct lio_client_tpg {
        const char *vlan;
        unsigned tpgt;
        const char *target_iqn;
        char portal[32];     /* "<vip>:3260" */
        const char *dataset; /* relative to the pool */
        enum iscsi_acl_mode acl_mode;
        enum iscsi_chap_mode chap;
        bool mutual_chap;
        const char *credential; /* per-vlan CHAP */
        const char *mutual_credential;
        struct lio_secret password;
        struct lio_secret password_mutual;
        struct lio_client_initiator *initiators;
        size_t n_initiators;
        struct lio_client_lun *luns;
        size_t n_luns;
};

struct lio_client_backstore {
        char *name;   /* storage object name */
        char *zvol;   /* "<pool>/<dataset>/..." */
        char *device; /* "/dev/zvol/<zvol>" */
        char serial[LIO_SERIAL_SIZE];
};

struct lio_client {
        const char *pool;
        struct lio_client_tpg *tpgs;
        size_t n_tpgs;
        struct lio_client_backstore *backstores;
        size_t n_backstores;
};

/*
 * The TPGs of a validated description, without LUNs. Returns 0 or -ENOMEM;
 * a description without client iSCSI gives an empty set. Borrows strings
 * from s: free the result first.
 */
int lio_client_from_spec(const struct spec *s, struct lio_client **ret);
struct lio_client *lio_client_free(struct lio_client *cl);

/*
 * The storage object name of a zvol: its name below the pool with '/' as
 * '+' (a character ZFS names cannot hold, so no two zvols share a name).
 * -EINVAL when zvol is not below pool, -ENAMETOOLONG past 128 bytes.
 */
int lio_client_so_name(const char *pool, const char *zvol, char *buf, size_t size);

/*
 * Add zvol (with its ZFS guid, which names its SCSI serial on both nodes)
 * as a backstore, or find it; *ret_index is its index.
 */
int lio_client_add_backstore(struct lio_client *cl, const char *zvol, const char *guid,
                             size_t *ret_index);

/* Export backstore as LUN lun of t. */
int lio_client_add_lun(struct lio_client_tpg *t, unsigned lun, size_t backstore);

/*
 * Create or repair every backstore and TPG: LUNs, ACLs, CHAP, the portal,
 * then enable. What a TPG has that the description does not ask for (LUNs,
 * ACLs, portals) is removed, and so are backstores of iblock_5000 that no
 * LUN uses any more.
 */
int lio_client_up(struct lio_ctx *c, const struct lio_client *cl);

/*
 * Remove every client target and backstore: the description's targets
 * (cl may be NULL) and any target whose LUNs all live in iblock_5000. The
 * backend's objects are never touched. Nothing to remove is success.
 * Returns the number of targets removed.
 */
int lio_client_down(struct lio_ctx *c, const struct lio_client *cl);

enum lio_client_state {
        LIO_CLIENT_RUNNING, /* every TPG enabled with its portal and ACLs, every LUN healthy */
        LIO_CLIENT_STOPPED, /* no TPG and no backstore of the client targets */
        LIO_CLIENT_PARTIAL, /* anything in between; *ret_problem says what */
};

/*
 * Read the client targets' state from configfs only (no ZFS, no secrets):
 * fast enough for a monitor. The LUNs checked are those present: each must
 * link to an enabled backstore of iblock_5000. *ret_problem (free it) names
 * the first thing missing or wrong when the state is PARTIAL.
 */
enum lio_client_state lio_client_check(struct lio_ctx *c, const struct lio_client *cl,
                                       char **ret_problem);
const char *lio_client_state_to_string(enum lio_client_state s);
