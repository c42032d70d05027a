/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cross-field rules of the cluster description (docs/cluster-description.md).
 * Each rule runs on whatever parsed; a value that failed to parse is absent
 * from the model and simply not checked again here.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/spec-internal.h"

struct checker {
        const struct spec *spec;
        struct spec_problems *problems;
        int error;
};

_printf_(3, 4) static void fail(struct checker *c, const char *path, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        int k = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (k < 0 || problem_add(c->problems, path, "%s", msg) < 0)
                c->error = -ENOMEM;
}

static void node_path(char *buf, size_t size, const struct spec *s, const struct spec_node *n,
                      const char *suffix)
{
        snprintf(buf, size, "$.nodes[%zu]%s", (size_t)(n - s->nodes), suffix);
}

/* ---- timing -------------------------------------------------------------------------------- */

static void check_timing(struct checker *c)
{
        const struct spec_timing *t = &c->spec->timing;

        if (t->corosync_token_ms != 0 && t->corosync_token_ms < SPEC_MIN_COROSYNC_TOKEN_MS)
                fail(c, "$.timing.corosync_token_ms",
                     "%u ms is below %u ms: transient network events would cause false quorum loss",
                     t->corosync_token_ms, SPEC_MIN_COROSYNC_TOKEN_MS);
}

/* ---- networks ------------------------------------------------------------------------------ */

static bool in_subnet(const struct spec_network *n, uint32_t a)
{
        return n->has_cidr && (a & prefix_mask(n->cidr_prefix)) == n->cidr_addr;
}

static bool in_node_range(const struct spec_network *n, uint32_t a)
{
        return n->has_node_range && a >= n->range_first && a <= n->range_last;
}

/*
 * An address used on network n: inside the subnet, and neither its network
 * nor its broadcast address. Returns false (after reporting) otherwise.
 */
static bool check_address_in(struct checker *c, const struct spec_network *n, uint32_t a,
                             const char *path)
{
        char addr[16], net[16];

        if (!n->has_cidr)
                return false;
        format_ipv4(a, addr);
        format_ipv4(n->cidr_addr, net);
        if (!in_subnet(n, a)) {
                fail(c, path, "%s is outside VLAN '%s' (%s/%u)", addr, n->name, net,
                     n->cidr_prefix);
                return false;
        }
        uint32_t host = a & ~prefix_mask(n->cidr_prefix);
        if (host == 0 || host == ~prefix_mask(n->cidr_prefix)) {
                fail(c, path, "%s is the %s address of VLAN '%s' (%s/%u)", addr,
                     host == 0 ? "network" : "broadcast", n->name, net, n->cidr_prefix);
                return false;
        }
        return true;
}

static void check_networks(struct checker *c)
{
        const struct spec *s = c->spec;
        char p[512];

        for (size_t i = 0; i < s->n_networks; i++) {
                const struct spec_network *n = &s->networks[i];
                if (!n->path)
                        continue; /* not an object: already reported */

                for (size_t j = 0; j < i; j++) {
                        const struct spec_network *m = &s->networks[j];
                        if (n->id && n->id == m->id) {
                                snprintf(p, sizeof(p), "%s.id", n->path);
                                fail(c, p, "VLAN id %u is also used by VLAN '%s'", n->id,
                                     m->name ? m->name : "?");
                        }
                        if (n->is_client && n->name && m->name && strcmp(n->name, m->name) == 0) {
                                snprintf(p, sizeof(p), "%s.name", n->path);
                                fail(c, p, "VLAN name '%s' is used twice", n->name);
                        }
                        if (n->has_cidr && m->has_cidr) {
                                unsigned prefix = n->cidr_prefix < m->cidr_prefix ? n->cidr_prefix
                                                                                  : m->cidr_prefix;
                                if ((n->cidr_addr & prefix_mask(prefix)) ==
                                    (m->cidr_addr & prefix_mask(prefix))) {
                                        snprintf(p, sizeof(p), "%s.cidr", n->path);
                                        fail(c, p, "subnet overlaps VLAN '%s'",
                                             m->name ? m->name : "?");
                                }
                        }
                }

                if (n->has_cidr && n->has_node_range) {
                        snprintf(p, sizeof(p), "%s.node_range", n->path);
                        if (!in_subnet(n, n->range_first) || !in_subnet(n, n->range_last))
                                fail(c, p, "node range is not inside the VLAN's subnet");
                }
                if (n->vip.set) {
                        snprintf(p, sizeof(p), "%s.vip", n->path);
                        if (check_address_in(c, n, n->vip.addr, p) &&
                            in_node_range(n, n->vip.addr)) {
                                char addr[16];
                                format_ipv4(n->vip.addr, addr);
                                fail(c, p, "VIP %s is inside the nodes' address range", addr);
                        }
                }
        }
}

static bool client_offers(const struct spec_network *n, enum client_service svc)
{
        return n->services & (1u << svc);
}

static const struct spec_dataset *find_dataset(const struct spec_pool *pool, const char *name)
{
        for (size_t i = 0; i < pool->n_datasets; i++)
                if (pool->datasets[i].name && strcmp(pool->datasets[i].name, name) == 0)
                        return &pool->datasets[i];
        return NULL;
}

static void check_client_iscsi(struct checker *c, const struct spec_network *n)
{
        const struct spec_client_iscsi *is = n->iscsi;
        char p[512];

        if (client_offers(n, CLIENT_SERVICE_ISCSI) && !is) {
                fail(c, n->path, "offers the iscsi service but has no 'iscsi' section");
                return;
        }
        if (!is)
                return;
        snprintf(p, sizeof(p), "%s.iscsi", n->path);
        if (!client_offers(n, CLIENT_SERVICE_ISCSI))
                fail(c, p, "an 'iscsi' section needs 'iscsi' in the VLAN's services");

        if (is->acl_mode == ISCSI_ACL_MODE_ACL && is->n_initiators == 0)
                fail(c, p, "acl mode needs at least one entry in 'initiators'");
        if (is->acl_mode == ISCSI_ACL_MODE_GENERATED && is->chap == ISCSI_CHAP_PER_INITIATOR)
                fail(c, p,
                     "generated-ACL mode has no per-initiator ACLs to hold CHAP secrets: use chap "
                     "'per-vlan'");

        if (is->chap == ISCSI_CHAP_PER_VLAN) {
                if (!is->credential)
                        fail(c, p, "chap 'per-vlan' needs 'credential'");
                if (is->mutual_chap && !is->mutual_credential)
                        fail(c, p, "mutual CHAP needs 'mutual_credential'");
        } else if (is->chap == ISCSI_CHAP_PER_INITIATOR &&
                   (is->credential || is->mutual_credential))
                fail(c, p,
                     "chap 'per-initiator' takes credentials on each initiator, not on the VLAN");
        if (!is->mutual_chap && is->mutual_credential)
                fail(c, p, "'mutual_credential' is set but mutual_chap is false");

        for (size_t i = 0; i < is->n_initiators; i++) {
                const struct spec_initiator *ini = &is->initiators[i];
                char ip[512];
                snprintf(ip, sizeof(ip), "%s.iscsi.initiators[%zu]", n->path, i);

                if (is->chap == ISCSI_CHAP_PER_INITIATOR) {
                        if (!ini->credential)
                                fail(c, ip, "chap 'per-initiator' needs 'credential'");
                        if (is->mutual_chap && !ini->mutual_credential)
                                fail(c, ip, "mutual CHAP needs 'mutual_credential'");
                        if (!is->mutual_chap && ini->mutual_credential)
                                fail(c, ip, "'mutual_credential' is set but mutual_chap is false");
                } else if (is->chap == ISCSI_CHAP_PER_VLAN &&
                           (ini->credential || ini->mutual_credential))
                        fail(
                            c, ip,
                            "chap 'per-vlan' takes its credentials on the VLAN, not on initiators");

                for (size_t j = 0; j < i && ini->iqn; j++)
                        if (is->initiators[j].iqn && strcmp(ini->iqn, is->initiators[j].iqn) == 0) {
                                snprintf(ip, sizeof(ip), "%s.iscsi.initiators[%zu].iqn", n->path,
                                         i);
                                fail(c, ip, "initiator '%s' is listed twice", ini->iqn);
                        }
        }

        if (is->dataset && c->spec->pool.name) {
                const struct spec_dataset *d = find_dataset(&c->spec->pool, is->dataset);
                snprintf(p, sizeof(p), "%s.iscsi.dataset", n->path);
                if (!d)
                        fail(c, p, "dataset '%s' is not declared in $.pool.datasets", is->dataset);
                else if (d->type != DATASET_FILESYSTEM)
                        fail(c, p,
                             "dataset '%s' must be a filesystem holding the zvols, not a volume",
                             is->dataset);
        }
}

/* ---- nodes --------------------------------------------------------------------------------- */

static void check_node_addresses(struct checker *c, const struct spec_node *n)
{
        const struct spec *s = c->spec;
        char p[512];

        for (size_t i = 0; i < n->n_addresses; i++) {
                const struct spec_address *a = &n->addresses[i];
                node_path(p, sizeof(p), s, n, ".addresses");
                char ap[512];
                path_key(ap, sizeof(ap), p, a->network);

                const struct spec_network *net = spec_find_network(s, a->network);
                if (!net) {
                        fail(c, ap, "no VLAN is named '%s'", a->network);
                        continue;
                }
                if (!a->ip.set)
                        continue;
                if (check_address_in(c, net, a->ip.addr, ap) && net->has_node_range &&
                    !in_node_range(net, a->ip.addr)) {
                        char addr[16];
                        format_ipv4(a->ip.addr, addr);
                        fail(c, ap, "%s is outside VLAN '%s''s node range", addr, net->name);
                }
        }

        /* Which VLANs a node must be on. */
        node_path(p, sizeof(p), s, n, ".addresses");
        if (n->role == NODE_ROLE_STORAGE) {
                for (size_t i = 0; i < s->n_networks; i++)
                        if (s->networks[i].name && !spec_node_address(n, s->networks[i].name))
                                fail(c, p, "a storage node needs an address on VLAN '%s'",
                                     s->networks[i].name);
        } else if (n->role == NODE_ROLE_QUORUM && !spec_node_address(n, "management"))
                fail(c, p, "a quorum node needs an address on VLAN 'management'");
}

static void check_fencing(struct checker *c, const struct spec_node *n)
{
        const struct spec_fencing *f = n->fencing;
        char p[512];

        if (!f)
                return;
        node_path(p, sizeof(p), c->spec, n, ".fencing");
        switch (f->method) {
        case FENCE_METHOD_IPMI:
                if (!f->username)
                        fail(c, p, "method 'ipmi' needs 'username'");
                if (!f->credential)
                        fail(c, p, "method 'ipmi' needs 'credential'");
                break;
        case FENCE_METHOD_ESPHOME:
                if (!f->plug)
                        fail(c, p, "method 'esphome' needs 'plug' (the switch's entity name)");
                break;
        default:
                break;
        }
        const struct spec_network *mgmt = spec_find_network(c->spec, "management");
        if (f->address.set && mgmt) {
                node_path(p, sizeof(p), c->spec, n, ".fencing.address");
                check_address_in(c, mgmt, f->address.addr, p);
        }
}

static void check_node(struct checker *c, const struct spec_node *n)
{
        const struct spec *s = c->spec;
        char p[512];

        check_node_addresses(c, n);
        check_fencing(c, n);

        if (n->role == NODE_ROLE_QUORUM) {
                node_path(p, sizeof(p), s, n, "");
                if (n->has_disks) {
                        node_path(p, sizeof(p), s, n, ".disks");
                        fail(c, p, "a quorum node carries no disks");
                }
                if (n->backend) {
                        node_path(p, sizeof(p), s, n, ".backend");
                        fail(c, p, "a quorum node has no backend target");
                }
        } else if (n->role == NODE_ROLE_STORAGE) {
                node_path(p, sizeof(p), s, n, "");
                if (!n->has_hostid)
                        fail(c, p, "a storage node needs 'hostid' (ZFS multihost depends on it)");
                if (!n->has_disks)
                        fail(c, p, "a storage node needs 'disks'");
                if (!n->backend)
                        fail(c, p, "a storage node needs 'backend'");
                if (!n->fencing)
                        fail(c, p, "a storage node needs 'fencing'");
        }

        /* A disk appears once per node, whatever its class. */
        for (int k = 0; k < _DISK_CLASS_MAX; k++)
                for (size_t i = 0; i < n->disks[k].n; i++)
                        for (int k2 = 0; k2 <= k; k2++)
                                for (size_t j = 0; j < (k2 == k ? i : n->disks[k2].n); j++)
                                        if (strcmp(n->disks[k].items[i], n->disks[k2].items[j]) ==
                                            0) {
                                                char sfx[64];
                                                snprintf(sfx, sizeof(sfx), ".disks.%s[%zu]",
                                                         disk_class_to_string(k), i);
                                                node_path(p, sizeof(p), s, n, sfx);
                                                fail(c, p, "disk '%s' is listed twice",
                                                     n->disks[k].items[i]);
                                        }
}

static void check_node_set(struct checker *c)
{
        const struct spec *s = c->spec;
        const struct spec_node *storage[SPEC_STORAGE_NODES] = {NULL};
        size_t n_storage = 0, n_quorum = 0;
        char p[512];

        for (size_t i = 0; i < s->n_nodes; i++) {
                const struct spec_node *n = &s->nodes[i];
                if (n->role == NODE_ROLE_STORAGE) {
                        if (n_storage < SPEC_STORAGE_NODES)
                                storage[n_storage] = n;
                        n_storage++;
                } else if (n->role == NODE_ROLE_QUORUM)
                        n_quorum++;

                for (size_t j = 0; j < i; j++) {
                        const struct spec_node *m = &s->nodes[j];
                        if (n->name && m->name && strcmp(n->name, m->name) == 0) {
                                node_path(p, sizeof(p), s, n, ".name");
                                fail(c, p, "node name '%s' is used twice", n->name);
                        }
                        if (n->has_hostid && m->has_hostid && n->hostid == m->hostid) {
                                node_path(p, sizeof(p), s, n, ".hostid");
                                fail(c, p, "hostid %08x is also node '%s''s", n->hostid,
                                     m->name ? m->name : "?");
                        }
                }
                check_node(c, n);
        }

        if (n_storage != SPEC_STORAGE_NODES || n_quorum != SPEC_QUORUM_NODES)
                fail(c, "$.nodes",
                     "needs exactly %d storage nodes and %d quorum node, found %zu and %zu",
                     SPEC_STORAGE_NODES, SPEC_QUORUM_NODES, n_storage, n_quorum);

        /* Disk i of one storage node mirrors disk i of the other. */
        if (n_storage == SPEC_STORAGE_NODES && storage[0]->has_disks && storage[1]->has_disks)
                for (int k = 0; k < _DISK_CLASS_MAX; k++)
                        if (storage[0]->disks[k].n != storage[1]->disks[k].n) {
                                char sfx[32];
                                snprintf(sfx, sizeof(sfx), ".disks.%s", disk_class_to_string(k));
                                node_path(p, sizeof(p), s, storage[1], sfx);
                                fail(c, p,
                                     "node '%s' declares %zu %s disks but node '%s' declares %zu: "
                                     "each disk is mirrored with its peer's",
                                     storage[1]->name ? storage[1]->name : "?",
                                     storage[1]->disks[k].n, disk_class_to_string(k),
                                     storage[0]->name ? storage[0]->name : "?",
                                     storage[0]->disks[k].n);
                        }
}

/* ---- uniqueness across the description ----------------------------------------------------- */

struct seen {
        const char *value;
        char *path;
};

struct seen_set {
        struct seen *items;
        size_t n;
};

static void seen_set_clear(struct seen_set *set)
{
        for (size_t i = 0; i < set->n; i++)
                free(set->items[i].path);
        free(set->items);
        *set = (struct seen_set){0};
}

/* Record value at path; returns the earlier path if value was already seen. */
static const char *seen_add(struct checker *c, struct seen_set *set, const char *value,
                            const char *path)
{
        for (size_t i = 0; i < set->n; i++)
                if (strcmp(set->items[i].value, value) == 0)
                        return set->items[i].path;

        struct seen *n = realloc(set->items, (set->n + 1) * sizeof(*n));
        char *p = strdup(path);
        if (!n || !p) {
                free(p);
                if (n)
                        set->items = n;
                c->error = -ENOMEM;
                return NULL;
        }
        set->items = n;
        set->items[set->n++] = (struct seen){value, p};
        return NULL;
}

static void check_unique(struct checker *c, struct seen_set *set, const char *value,
                         const char *path, const char *what)
{
        const char *earlier;

        if (value && (earlier = seen_add(c, set, value, path)))
                fail(c, path, "%s '%s' is already used at %s", what, value, earlier);
}

static void check_addresses_unique(struct checker *c)
{
        const struct spec *s = c->spec;
        struct seen_set seen = {0};
        /* Each address is formatted once and kept alive while 'seen' points at it. */
        size_t max = s->n_networks;
        for (size_t i = 0; i < s->n_nodes; i++)
                max += s->nodes[i].n_addresses;
        char(*text)[16] = calloc(max ? max : 1, sizeof(*text));
        size_t k = 0;
        char p[512];

        if (!text) {
                c->error = -ENOMEM;
                return;
        }
        for (size_t i = 0; i < s->n_networks; i++) {
                const struct spec_network *n = &s->networks[i];
                if (!n->vip.set)
                        continue;
                format_ipv4(n->vip.addr, text[k]);
                snprintf(p, sizeof(p), "%s.vip", n->path);
                check_unique(c, &seen, text[k++], p, "address");
        }
        for (size_t i = 0; i < s->n_nodes; i++) {
                const struct spec_node *n = &s->nodes[i];
                for (size_t j = 0; j < n->n_addresses; j++) {
                        if (!n->addresses[j].ip.set)
                                continue;
                        format_ipv4(n->addresses[j].ip.addr, text[k]);
                        char np[512];
                        node_path(np, sizeof(np), s, n, ".addresses");
                        path_key(p, sizeof(p), np, n->addresses[j].network);
                        check_unique(c, &seen, text[k++], p, "address");
                }
        }
        seen_set_clear(&seen);
        free(text);
}

static void check_iqns_and_credentials(struct checker *c)
{
        const struct spec *s = c->spec;
        struct seen_set targets = {0}, node_initiators = {0}, chap = {0};
        char p[512];

        for (size_t i = 0; i < s->n_nodes; i++) {
                const struct spec_backend *b = s->nodes[i].backend;
                if (!b)
                        continue;
                node_path(p, sizeof(p), s, &s->nodes[i], ".backend.target_iqn");
                check_unique(c, &targets, b->target_iqn, p, "target IQN");
                node_path(p, sizeof(p), s, &s->nodes[i], ".backend.initiator_iqn");
                check_unique(c, &node_initiators, b->initiator_iqn, p, "initiator IQN");
                node_path(p, sizeof(p), s, &s->nodes[i], ".backend.credential");
                check_unique(c, &chap, b->credential, p, "CHAP credential");
                node_path(p, sizeof(p), s, &s->nodes[i], ".backend.mutual_credential");
                check_unique(c, &chap, b->mutual_credential, p, "CHAP credential");
        }
        for (size_t i = 0; i < s->n_networks; i++) {
                const struct spec_client_iscsi *is = s->networks[i].iscsi;
                if (!is)
                        continue;
                snprintf(p, sizeof(p), "%s.iscsi.target_iqn", s->networks[i].path);
                check_unique(c, &targets, is->target_iqn, p, "target IQN");
                snprintf(p, sizeof(p), "%s.iscsi.credential", s->networks[i].path);
                check_unique(c, &chap, is->credential, p, "CHAP credential");
                snprintf(p, sizeof(p), "%s.iscsi.mutual_credential", s->networks[i].path);
                check_unique(c, &chap, is->mutual_credential, p, "CHAP credential");
                for (size_t j = 0; j < is->n_initiators; j++) {
                        snprintf(p, sizeof(p), "%s.iscsi.initiators[%zu].credential",
                                 s->networks[i].path, j);
                        check_unique(c, &chap, is->initiators[j].credential, p, "CHAP credential");
                        snprintf(p, sizeof(p), "%s.iscsi.initiators[%zu].mutual_credential",
                                 s->networks[i].path, j);
                        check_unique(c, &chap, is->initiators[j].mutual_credential, p,
                                     "CHAP credential");
                }
        }

        /* No name may be both a target and an initiator. */
        for (size_t i = 0; i < s->n_nodes; i++) {
                const struct spec_backend *b = s->nodes[i].backend;
                if (!b || !b->initiator_iqn)
                        continue;
                for (size_t j = 0; j < targets.n; j++)
                        if (strcmp(targets.items[j].value, b->initiator_iqn) == 0) {
                                node_path(p, sizeof(p), s, &s->nodes[i], ".backend.initiator_iqn");
                                fail(c, p, "'%s' is also a target IQN (%s)", b->initiator_iqn,
                                     targets.items[j].path);
                        }
        }
        for (size_t i = 0; i < s->n_networks; i++) {
                const struct spec_client_iscsi *is = s->networks[i].iscsi;
                for (size_t j = 0; is && j < is->n_initiators; j++) {
                        const char *iqn = is->initiators[j].iqn;
                        const char *earlier;
                        if (!iqn)
                                continue;
                        snprintf(p, sizeof(p), "%s.iscsi.initiators[%zu].iqn", s->networks[i].path,
                                 j);
                        for (size_t k = 0; k < targets.n; k++)
                                if (strcmp(targets.items[k].value, iqn) == 0)
                                        fail(c, p, "'%s' is also a target IQN (%s)", iqn,
                                             targets.items[k].path);
                        for (size_t k = 0; k < node_initiators.n; k++)
                                if ((earlier = node_initiators.items[k].value) &&
                                    strcmp(earlier, iqn) == 0)
                                        fail(c, p,
                                             "'%s' is a storage node's backend initiator (%s)", iqn,
                                             node_initiators.items[k].path);
                }
        }

        seen_set_clear(&targets);
        seen_set_clear(&node_initiators);
        seen_set_clear(&chap);
}

/* ---- pool ---------------------------------------------------------------------------------- */

static void check_pool(struct checker *c)
{
        const struct spec_pool *pool = &c->spec->pool;
        char p[512];

        for (size_t i = 0; i < pool->properties.n; i++) {
                const char *name = pool->properties.items[i].name;
                path_key(p, sizeof(p), "$.pool.properties", name);
                if (strcmp(name, "multihost") == 0)
                        fail(c, p, "multihost is always on for the SAN pool; remove it");
                else if (strcmp(name, "cachefile") == 0)
                        fail(c, p,
                             "cachefile is always none (the SAN pool is never imported at boot); "
                             "remove it");
                else if (strcmp(name, "ashift") == 0)
                        fail(c, p, "set ashift with $.pool.ashift");
        }

        for (size_t i = 0; i < pool->n_datasets; i++) {
                const struct spec_dataset *d = &pool->datasets[i];
                if (!d->name)
                        continue;

                unsigned depth = 1;
                for (const char *q = d->name; *q; q++)
                        depth += *q == '/';
                snprintf(p, sizeof(p), "$.pool.datasets[%zu].name", i);
                if (depth > SPEC_MAX_DATASET_DEPTH)
                        fail(c, p,
                             "'%s' is nested %u levels deep (at most %d: every dataset adds to "
                             "import time)",
                             d->name, depth, SPEC_MAX_DATASET_DEPTH);

                for (size_t j = 0; j < i; j++)
                        if (pool->datasets[j].name && strcmp(pool->datasets[j].name, d->name) == 0)
                                fail(c, p, "dataset '%s' is declared twice", d->name);

                const char *slash = strrchr(d->name, '/');
                if (slash) {
                        _cleanup_free_ char *parent = strndup(d->name, (size_t)(slash - d->name));
                        if (!parent) {
                                c->error = -ENOMEM;
                                return;
                        }
                        const struct spec_dataset *pd = NULL;
                        for (size_t j = 0; j < i && !pd; j++)
                                if (pool->datasets[j].name &&
                                    strcmp(pool->datasets[j].name, parent) == 0)
                                        pd = &pool->datasets[j];
                        if (!pd)
                                fail(c, p, "parent '%s' must be declared before '%s'", parent,
                                     d->name);
                        else if (pd->type == DATASET_VOLUME)
                                fail(c, p, "parent '%s' is a volume and cannot have children",
                                     parent);
                }

                snprintf(p, sizeof(p), "$.pool.datasets[%zu]", i);
                if (d->type == DATASET_VOLUME && !d->size)
                        fail(c, p, "a volume needs 'size'");
                else if (d->type == DATASET_FILESYSTEM && d->size)
                        fail(c, p, "'size' applies to volumes only");
        }
}

int spec_validate(const struct spec *s, struct spec_problems *problems)
{
        struct checker c = {.spec = s, .problems = problems};

        check_timing(&c);
        check_networks(&c);
        for (size_t i = 0; i < s->n_networks; i++)
                if (s->networks[i].is_client && s->networks[i].path)
                        check_client_iscsi(&c, &s->networks[i]);
        check_node_set(&c);
        check_addresses_unique(&c);
        check_iqns_and_credentials(&c);
        check_pool(&c);
        return c.error;
}
